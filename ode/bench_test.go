package ode

import (
	"fmt"
	"math"
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
	it, _ := NewIntegrator(ProblemOf(arenstorf), 0, 1e9, arenY0, DOPRI5, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, MaxSteps: math.MaxInt})
	b.ReportAllocs()
	for b.Loop() {
		it.Step()
	}
}

// BenchmarkStepLorenz measures one accepted DOPRI5 step on the 3-dimensional
// Lorenz system, where the per-step overhead of the engine dominates.
func BenchmarkStepLorenz(b *testing.B) {
	it, _ := NewIntegrator(ProblemOf(lorenz), 0, 1e12, []float64{1, 1, 1}, DOPRI5, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, MaxSteps: math.MaxInt})
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

// transcribedDOPRI5 is Hairer's DOPRI5 loop (dopri5.f: Hairer's error
// norm, FAC11 = err^(0.2 − 0.75β) and FACOLD^β by math.Pow, β = 0.04,
// safety 0.9, step ratios in [0.2, 10], the step after a rejection not
// larger) transcribed directly into Go for the Lorenz system with fixed-size
// arrays and the right-hand side inlined, rtol = atol = tol, h0 = 1e-4. It
// is the reference for what a plain Go implementation costs per step
// (BenchmarkDOPRI5Transcribed) and an independent check of the step
// sequence of package ode (TestTranscribedDOPRI5).
func transcribedDOPRI5(tol float64) (nfev int, y [3]float64) {
	f := func(y [3]float64) [3]float64 {
		return [3]float64{10 * (y[1] - y[0]), y[0]*(28-y[2]) - y[1], y[0]*y[1] - 8.0/3*y[2]}
	}
	y = [3]float64{1, 1, 1}
	t, t1, h := 0.0, float64(benchprob.LorenzT1), 1e-4
	k1 := f(y)
	nfev = 1
	const beta = 0.04
	const expo1 = 0.2 - beta*0.75
	facold, reject := 1e-4, false
	for t < t1 {
		if t+1.01*h-t1 > 0 {
			h = t1 - t
		}
		var yn [3]float64
		for i := range 3 {
			yn[i] = y[i] + h*(dpA21*k1[i])
		}
		k2 := f(yn)
		for i := range 3 {
			yn[i] = y[i] + h*(dpA31*k1[i]+dpA32*k2[i])
		}
		k3 := f(yn)
		for i := range 3 {
			yn[i] = y[i] + h*(dpA41*k1[i]+dpA42*k2[i]+dpA43*k3[i])
		}
		k4 := f(yn)
		for i := range 3 {
			yn[i] = y[i] + h*(dpA51*k1[i]+dpA52*k2[i]+dpA53*k3[i]+dpA54*k4[i])
		}
		k5 := f(yn)
		for i := range 3 {
			yn[i] = y[i] + h*(dpA61*k1[i]+dpA62*k2[i]+dpA63*k3[i]+dpA64*k4[i]+dpA65*k5[i])
		}
		k6 := f(yn)
		for i := range 3 {
			yn[i] = y[i] + h*(dpB1*k1[i]+dpB3*k3[i]+dpB4*k4[i]+dpB5*k5[i]+dpB6*k6[i])
		}
		k7 := f(yn)
		nfev += 6
		var s float64
		for i := range 3 {
			sk := tol + tol*math.Max(math.Abs(y[i]), math.Abs(yn[i]))
			e := h * (dpE1*k1[i] + dpE3*k3[i] + dpE4*k4[i] + dpE5*k5[i] + dpE6*k6[i] + dpE7*k7[i])
			s += (e / sk) * (e / sk)
		}
		err := math.Sqrt(s / 3)
		fac11 := math.Pow(err, expo1)
		fac := math.Max(0.1, math.Min(5, fac11/math.Pow(facold, beta)/0.9))
		hnew := h / fac
		if err <= 1 {
			facold = math.Max(err, 1e-4)
			y, k1, t = yn, k7, t+h
			if reject {
				hnew = math.Min(hnew, h)
			}
			reject = false
		} else {
			hnew = h / math.Min(5, fac11/0.9)
			reject = true
		}
		h = hnew
	}
	return nfev, y
}

// TestTranscribedDOPRI5: ode.Solve with DOPRI5 takes the same number of
// evaluations as the direct transcription of Hairer's loop on Lorenz at
// three tolerances, and ends at the same state up to rounding: the two
// compute the stages and the error norm in different orders, which changes
// no decision here, and the last bits, amplified by ~10⁴ steps of a
// chaotic system, leave differences of at most 5e-11 relative (measured);
// 1e-9 leaves a margin of 20.
func TestTranscribedDOPRI5(t *testing.T) {
	for _, tol := range []float64{1e-6, 1e-9, 1e-12} {
		nfev, want := transcribedDOPRI5(tol)
		sol, err := Solve(ProblemOf(lorenz), 0, benchprob.LorenzT1, benchprob.LorenzY0(), DOPRI5,
			&Settings[float64]{RTol: tol, ATol: tol, H0: 1e-4, TEval: []float64{benchprob.LorenzT1}})
		if err != nil {
			t.Fatal(err)
		}
		if sol.Stats.NFev != nfev {
			t.Errorf("tol %g: %d evaluations, the transcription %d", tol, sol.Stats.NFev, nfev)
		}
		got := sol.Y[len(sol.Y)-1]
		for i := range want {
			if d := math.Abs(got[i] - want[i]); d > 1e-9*math.Abs(want[i]) {
				t.Errorf("tol %g: y[%d] = %v, the transcription %v", tol, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkDOPRI5Transcribed times the plain transcription of Hairer's
// loop on Lorenz (ns/fev to set against BenchmarkDOPRI5Boost's).
func BenchmarkDOPRI5Transcribed(b *testing.B) {
	for _, tol := range []float64{1e-6, 1e-9, 1e-12} {
		b.Run(fmt.Sprintf("lorenz/tol=%g", tol), func(b *testing.B) {
			var n int
			for b.Loop() {
				n, _ = transcribedDOPRI5(tol)
			}
			b.ReportMetric(float64(n), "nfev/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/fev")
		})
	}
}
