package ode

import (
	"fmt"
	"testing"
)

// Benchmarks of whole solves (set-up included) on the classic problems;
// nfev/op is the number of right-hand-side evaluations per solve.
func BenchmarkSolve(b *testing.B) {
	for _, m := range []*Tableau{DOPRI5, DOP853, Tsit5, Vern7} {
		for _, tol := range []float64{1e-6, 1e-10} {
			b.Run(fmt.Sprintf("arenstorf/%s/tol=%g/float64", m.Name, tol), func(b *testing.B) {
				benchSolve(b, arenstorf, arenT, arenY0, m, tol)
			})
			b.Run(fmt.Sprintf("arenstorf/%s/tol=%g/complex128", m.Name, tol), func(b *testing.B) {
				benchSolve(b, arenstorfC, arenT, []complex128{0.994, 0, 0, -2.00158510637908252240537862224}, m, tol)
			})
			b.Run(fmt.Sprintf("lorenz/%s/tol=%g/float64", m.Name, tol), func(b *testing.B) {
				benchSolve(b, lorenz, 20, []float64{1, 1, 1}, m, tol)
			})
			b.Run(fmt.Sprintf("lorenz/%s/tol=%g/complex128", m.Name, tol), func(b *testing.B) {
				benchSolve(b, lorenzC, 20, []complex128{1, 1, 1}, m, tol)
			})
		}
	}
}

func benchSolve[T float64 | complex128](b *testing.B, f Func[T], t1 float64, y0 []T, m *Tableau, tol float64) {
	s := &Settings[T]{RTol: tol, ATol: tol, TEval: []float64{t1}}
	var nfev int
	b.ReportAllocs()
	for b.Loop() {
		sol, err := Solve(f, 0, t1, y0, m, s)
		if err != nil {
			b.Fatal(err)
		}
		nfev = sol.Stats.NFev
	}
	b.ReportMetric(float64(nfev), "nfev/op")
}

// BenchmarkStep measures one accepted step of DOPRI5 (no allocation).
func BenchmarkStep(b *testing.B) {
	it, _ := NewIntegrator(arenstorf, 0, 1e9, arenY0, DOPRI5, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, MaxSteps: 1 << 40})
	b.ReportAllocs()
	for b.Loop() {
		it.Step()
	}
}
