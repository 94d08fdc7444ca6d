package ode

import (
	"fmt"
	"testing"

	"github.com/pflow-go/pflow/internal/benchprob"
)

// Benchmarks of whole solves (set-up included) on the classic problems;
// nfev/op is the number of right-hand-side evaluations per solve.
func BenchmarkSolve(b *testing.B) {
	for _, m := range []*Tableau{DOPRI5, DOP853, Tsit5, Vern7, Vern9} {
		for _, tol := range []float64{1e-6, 1e-10} {
			b.Run(fmt.Sprintf("arenstorf/%s/tol=%g/float64", m.Name, tol), func(b *testing.B) {
				benchSolve(b, arenstorf, arenT, arenY0, m, tol)
			})
			b.Run(fmt.Sprintf("arenstorf/%s/tol=%g/complex128", m.Name, tol), func(b *testing.B) {
				benchSolve(b, arenstorfC, arenT, benchprob.ArenstorfY0C(), m, tol)
			})
			b.Run(fmt.Sprintf("lorenz/%s/tol=%g/float64", m.Name, tol), func(b *testing.B) {
				benchSolve(b, lorenz, benchprob.LorenzT1, benchprob.LorenzY0(), m, tol)
			})
			b.Run(fmt.Sprintf("lorenz/%s/tol=%g/complex128", m.Name, tol), func(b *testing.B) {
				benchSolve(b, lorenzC, benchprob.LorenzT1, []complex128{1, 1, 1}, m, tol)
			})
		}
	}
}

func benchSolve[T float64 | complex128](b *testing.B, f Func[T], t1 float64, y0 []T, m *Tableau, tol float64) {
	s := &Settings[T]{RTol: tol, ATol: tol, TEval: []float64{t1}}
	var nfev int
	b.ReportAllocs()
	for b.Loop() {
		sol, err := Solve(ProblemOf(f), 0, t1, y0, m, s)
		if err != nil {
			b.Fatal(err)
		}
		nfev = sol.Stats.NFev
	}
	b.ReportMetric(float64(nfev), "nfev/op")
}

// BenchmarkStep measures one accepted step of DOPRI5 (no allocation).
func BenchmarkStep(b *testing.B) {
	it, _ := NewIntegrator(ProblemOf(arenstorf), 0, 1e9, arenY0, DOPRI5, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, MaxSteps: 1 << 40})
	b.ReportAllocs()
	for b.Loop() {
		it.Step()
	}
}

// BenchmarkStepLorenz measures one accepted DOPRI5 step on the 3-dimensional
// Lorenz system, where the per-step overhead of the engine dominates.
func BenchmarkStepLorenz(b *testing.B) {
	it, _ := NewIntegrator(ProblemOf(lorenz), 0, 1e12, []float64{1, 1, 1}, DOPRI5, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, MaxSteps: 1 << 40})
	b.ReportAllocs()
	for b.Loop() {
		it.Step()
	}
}

// BenchmarkDOPRI5Boost mirrors the Boost.Odeint comparison of docs/ode.md:
// DOPRI5 with rtol = atol, h0 = 1e-4, only the final state kept, on
// arenstorf (r·√r formulation) and lorenz; ns/fev is the time per
// right-hand-side evaluation.
func BenchmarkDOPRI5Boost(b *testing.B) {
	for _, tol := range []float64{1e-6, 1e-9, 1e-12} {
		for _, p := range []struct {
			name string
			f    Func[float64]
			t1   float64
			y0   []float64
		}{{"arenstorf", arenstorf, arenT, arenY0}, {"lorenz", lorenz, benchprob.LorenzT1, benchprob.LorenzY0()}} {
			b.Run(fmt.Sprintf("%s/tol=%g", p.name, tol), func(b *testing.B) {
				s := &Settings[float64]{RTol: tol, ATol: tol, H0: 1e-4, TEval: []float64{p.t1}}
				var nfev int
				for b.Loop() {
					sol, err := Solve(ProblemOf(p.f), 0, p.t1, p.y0, DOPRI5, s)
					if err != nil {
						b.Fatal(err)
					}
					nfev = sol.Stats.NFev
				}
				b.ReportMetric(float64(nfev), "nfev/op")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(nfev), "ns/fev")
			})
		}
	}
}
