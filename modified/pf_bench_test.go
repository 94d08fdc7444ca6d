package modified

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// BenchmarkPFEval measures one evaluation of φ(hH)g at a complex point of
// a tanh MLP (d = 38, complex symmetric Hessian, hλ_max ≈ 1.5) and at a
// real point, for the dense and Krylov back-ends.
func BenchmarkPFEval(b *testing.B) {
	p, err := problems.ByName("mlp:n=6,in=3,hidden=4,out=2,seed=2")
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	yr := make([]complex128, p.Dim)
	yc := make([]complex128, p.Dim)
	for i := range yr {
		yr[i] = complex(p.X0[i]+0.5*rnd.NormFloat64(), 0)
		yc[i] = yr[i] + complex(0, 0.05*rnd.NormFloat64())
	}
	for _, be := range []struct {
		name string
		b    Backend
	}{{"dense", BackendDense}, {"krylov", BackendKrylov}} {
		for _, pt := range []struct {
			name string
			y    []complex128
		}{{"real", yr}, {"complex", yc}} {
			b.Run(be.name+"/"+pt.name, func(b *testing.B) {
				pf, err := NewPF[complex128](p, 1, &Options{Backend: be.b, PrincipalBranch: true})
				if err != nil {
					b.Fatal(err)
				}
				dst := make([]complex128, p.Dim)
				b.ReportAllocs()
				for b.Loop() {
					if err := pf.Eval(dst, pt.y); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPFQuadratic2d integrates the PF of the paper's toy for 200 GD
// steps with the exponential integrator (one step per GD step) and with
// DOP853 at rtol 1e-13 and 1e-8, and reports nfev and the worst relative
// error against the closed-form GD iterates over n ≤ 200.
func BenchmarkPFQuadratic2d(b *testing.B) {
	p, _ := problems.ByName("quadratic2d")
	const nSteps = 200
	for _, h := range []float64{0.5, 0.9, 1.0, 1.05} {
		te := pfGDTimes(h, nSteps)
		gd := make([][]complex128, nSteps+1)
		for n := range gd {
			gd[n] = []complex128{complex(-0.35*math.Pow(1-2*h, float64(n)), 0), complex(-0.2*math.Pow(1-0.02*h, float64(n)), 0)}
		}
		y0 := []complex128{-0.35, -0.2}
		worst := func(y [][]complex128) float64 {
			w := 0.0
			for n := range y {
				w = math.Max(w, pfRelErr(y[n], gd[n]))
			}
			return w
		}
		b.Run(fmt.Sprintf("h=%g/expeuler", h), func(b *testing.B) {
			pf, _ := NewPF[complex128](p, h, &Options{Backend: BackendDense})
			var sol *ExpSolution[complex128]
			for b.Loop() {
				var err error
				if sol, err = pf.Exponential(nSteps*h, y0, &ExpSettings{Method: ExpEuler, Step: h, TEval: te}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sol.Stats.NFev), "nfev")
			b.ReportMetric(math.Log10(worst(sol.Y)), "log10relerr")
		})
		for _, rtol := range []float64{1e-8, 1e-13} {
			b.Run(fmt.Sprintf("h=%g/dop853/rtol=%g", h, rtol), func(b *testing.B) {
				pf, _ := NewPF[complex128](p, h, &Options{Backend: BackendDense})
				var sol *ode.Solution[complex128]
				for b.Loop() {
					var err error
					if sol, err = pf.Solve(nSteps*h, y0, ode.DOP853, &ode.Settings[complex128]{RTol: rtol, ATol: rtol * 1e-5, TEval: te}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(sol.Stats.NFev), "nfev")
				b.ReportMetric(math.Log10(worst(sol.Y)), "log10relerr")
			})
		}
	}
}

// BenchmarkPFLogcosh integrates the continued PF of log cosh for 12 GD
// steps (h = 1.5 from θ0 = 0.1: oscillating, complex; h = 1 from θ0 = 0.5:
// hλ → 1 as θ → 0, the stiff end) with ETD2 and DOP853 at several
// tolerances, and reports nfev and the max-norm error at t = nh against
// a DOP853 reference at rtol 1e-13.
func BenchmarkPFLogcosh(b *testing.B) {
	p, _ := problems.ByName("logcosh")
	const nSteps = 12
	for _, c := range []struct {
		h, x0 float64
	}{{1.5, 0.1}, {1, 0.5}} {
		te := pfGDTimes(c.h, nSteps)
		y0 := []complex128{complex(c.x0, 0)}
		refPF, _ := NewPF[complex128](p, c.h, nil)
		ref, err := refPF.Solve(nSteps*c.h, y0, ode.DOP853, &ode.Settings[complex128]{RTol: 1e-13, ATol: 1e-16, TEval: te})
		if err != nil {
			b.Fatal(err)
		}
		maxErr := func(y [][]complex128) float64 {
			w := 0.0
			for n := range y {
				w = math.Max(w, cmplx.Abs(y[n][0]-ref.Y[n][0]))
			}
			return w
		}
		for _, rtol := range []float64{1e-4, 1e-6, 1e-9} {
			for _, m := range []struct {
				name string
				m    ExpMethod
			}{{"etd4", ETD4}, {"etd2", ETD2}} {
				b.Run(fmt.Sprintf("h=%g/%s/rtol=%g", c.h, m.name, rtol), func(b *testing.B) {
					pf, _ := NewPF[complex128](p, c.h, nil)
					var sol *ExpSolution[complex128]
					for b.Loop() {
						var err error
						if sol, err = pf.Exponential(nSteps*c.h, y0, &ExpSettings{Method: m.m, RTol: rtol, ATol: rtol * 1e-3, TEval: te}); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(sol.Stats.NFev), "nfev")
					b.ReportMetric(math.Log10(maxErr(sol.Y)), "log10err")
				})
			}
			b.Run(fmt.Sprintf("h=%g/dop853/rtol=%g", c.h, rtol), func(b *testing.B) {
				pf, _ := NewPF[complex128](p, c.h, nil)
				var sol *ode.Solution[complex128]
				for b.Loop() {
					var err error
					if sol, err = pf.Solve(nSteps*c.h, y0, ode.DOP853, &ode.Settings[complex128]{RTol: rtol, ATol: rtol * 1e-3, TEval: te}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(sol.Stats.NFev), "nfev")
				b.ReportMetric(math.Log10(maxErr(sol.Y)), "log10err")
			})
		}
	}
}

// BenchmarkPFRandomQuadratic: the d = 50 quadratic of
// TestPFRandomQuadraticMatchesGD (hλ spread over (−0.5, 3), h = 0.9),
// 200 GD steps, constant back-end; nfev and the worst relative error
// against GD over n ≤ 200.
func BenchmarkPFRandomQuadratic(b *testing.B) {
	const d, nSteps, h = 50, 200, 0.9
	eig := make([]float64, d)
	for i := range eig {
		eig[i] = (-0.5 + 3.5*(float64(i)+0.5)/d) / h
	}
	p, err := problems.NewQuadratic("random50", eig, problems.RandomBasis(d, 7), nil)
	if err != nil {
		b.Fatal(err)
	}
	gd := make([][]complex128, nSteps+1)
	x := pfC(p.X0)
	g := make([]complex128, d)
	for n := range gd {
		gd[n] = append([]complex128(nil), x...)
		p.Complex.Grad(g, x)
		for i := range x {
			x[i] -= complex(h, 0) * g[i]
		}
	}
	te := pfGDTimes(h, nSteps)
	y0 := pfC(p.X0)
	worst := func(y [][]complex128) float64 {
		w := 0.0
		for n := range y {
			w = math.Max(w, pfRelErr(y[n], gd[n]))
		}
		return w
	}
	b.Run("expeuler", func(b *testing.B) {
		pf, _ := NewPF[complex128](p, h, nil)
		var sol *ExpSolution[complex128]
		for b.Loop() {
			if sol, err = pf.Exponential(nSteps*h, y0, &ExpSettings{Method: ExpEuler, Step: h, TEval: te}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(sol.Stats.NFev), "nfev")
		b.ReportMetric(math.Log10(worst(sol.Y)), "log10relerr")
	})
	for _, rtol := range []float64{1e-8, 1e-13} {
		b.Run(fmt.Sprintf("dop853/rtol=%g", rtol), func(b *testing.B) {
			pf, _ := NewPF[complex128](p, h, nil)
			var sol *ode.Solution[complex128]
			for b.Loop() {
				if sol, err = pf.Solve(nSteps*h, y0, ode.DOP853, &ode.Settings[complex128]{RTol: rtol, ATol: rtol * 1e-5, TEval: te}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sol.Stats.NFev), "nfev")
			b.ReportMetric(math.Log10(worst(sol.Y)), "log10relerr")
		})
	}
}
