package verify

import (
	"testing"

	"github.com/pflow-go/pflow/problems"
)

func benchCompare(b *testing.B, spec, flow string, h float64, n int, s *Settings) {
	p, err := problems.ByName(spec)
	if err != nil {
		b.Fatal(err)
	}
	var nfev int
	for b.Loop() {
		r, err := Compare(p, flow, h, n, nil, s)
		if err != nil {
			b.Fatal(err)
		}
		nfev = r.Stats.NFev
	}
	b.ReportMetric(float64(nfev), "nfev/op")
}

// The paper's divergence run, five PF steps at h = 1.05 (the authors'
// explicit Euler needs 525,000 steps for it).
func BenchmarkComparePFQuadratic2d(b *testing.B) {
	benchCompare(b, "quadratic2d", "pf", 1.05, 5, nil)
}

func BenchmarkComparePFQuadratic2dNoCheck(b *testing.B) {
	benchCompare(b, "quadratic2d", "pf", 1.05, 5, &Settings{SkipIntegratorCheck: true})
}

func BenchmarkComparePFRosenbrock(b *testing.B) {
	benchCompare(b, "rosenbrock", "pf", 1e-3, 20, nil)
}

func BenchmarkCompareBEA3Logcosh(b *testing.B) {
	benchCompare(b, "logcosh", "bea3", 0.5, 20, nil)
}

// The default suite on one goroutine.
func BenchmarkSuiteSequential(b *testing.B) {
	cases := Suite()
	for b.Loop() {
		for _, o := range Run(cases, 1, nil) {
			if !o.Pass {
				b.Fatalf("%s fails", o.Case.Name)
			}
		}
	}
	b.ReportMetric(float64(len(cases)), "cases/op")
}
