package modified

import (
	"fmt"
	"github.com/pflow-go/pflow/internal/benchprob"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// nearPoints returns a real point x0 + sr·N(0, 1) and a complex one that
// adds si·N(0, 1) imaginary parts to it, both as complex vectors.
func nearPoints(x0 []float64, rnd *rand.Rand, sr, si float64) (yr, yc []complex128) {
	yr, yc = make([]complex128, len(x0)), make([]complex128, len(x0))
	for i := range yr {
		yr[i] = complex(x0[i]+sr*rnd.NormFloat64(), 0)
		yc[i] = yr[i] + complex(0, si*rnd.NormFloat64())
	}
	return yr, yc
}

// BenchmarkPFEval measures one evaluation of φ(hH)g at a complex point of
// a tanh MLP (d = 38, complex symmetric Hessian, hλ_max ≈ 1.5) and at a
// real point, for the dense and Krylov back-ends.
func BenchmarkPFEval(b *testing.B) {
	p, err := problems.ByName("mlp:n=6,in=3,hidden=4,out=2,seed=2")
	if err != nil {
		b.Fatal(err)
	}
	yr, yc := nearPoints(p.X0, rand.New(rand.NewPCG(5, 6)), 0.5, 0.05)
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

// pfCountHVP returns a copy of p whose Hessian-vector products (real and
// complex) increment *n.
func pfCountHVP(p *problems.Problem, n *int) *problems.Problem {
	q := *p
	rf := p.Real
	hv := rf.HessVec
	rf.HessVec = func(dst, x, v []float64) { *n++; hv(dst, x, v) }
	q.Real = rf
	if p.Complex != nil {
		cf := *p.Complex
		chv := cf.HessVec
		cf.HessVec = func(dst, x, v []complex128) { *n++; chv(dst, x, v) }
		q.Complex = &cf
	}
	return &q
}

// pfKrylovCase is a point at which BenchmarkPFKrylov evaluates the Krylov
// back-end, with a reference value of φ(hH)g.
type pfKrylovCase struct {
	name    string
	p       *problems.Problem
	h       float64
	y       []complex128
	ref     []complex128
	maxIter int // Options.KrylovMaxIter
}

// pfKrylovCases builds the benchmark points: the default MLP (d = 2103)
// at X0 (real) and at X0 + 0.05i·N(0, 1) (complex), h = 1.5/λ_max(X0);
// benchquad:d=1000 (λ ∈ [0.01, 1]) at h = 1.8 at the real point (1, …, 1)
// and at the complex point (1, …, 1) + 0.1i·N(0, 1). The references are
// the generic Lanczos and Arnoldi approximations at Tol = 1e-13 for the
// MLP and the exact Q diag(φ(hλ)) Q g for benchquad.
func pfKrylovCases(tb testing.TB) []pfKrylovCase {
	var cs []pfKrylovCase
	rnd := rand.New(rand.NewPCG(41, 42))
	mlp := pfProblem(tb, "mlp")
	x0 := mlp.X0
	lr, err := linalg.LanczosEig(func(dst, x []float64) { mlp.Real.HessVec(dst, x0, x) }, mlp.Dim, 1, linalg.Largest, nil)
	if err != nil {
		tb.Fatal(err)
	}
	h := 1.5 / lr.Values[0]
	yr, yc := pfC(x0), pfC(x0)
	for i := range yc {
		yc[i] += complex(0, 0.05*rnd.NormFloat64())
	}
	// References by independent routes: Lanczos with full
	// reorthogonalization at real θ, Arnoldi at complex θ, both at Tol 1e-13
	// (accepted if they stall at rounding level above it, below 1e-12).
	f := func(z complex128) complex128 { return linalg.Phi(complex(h, 0) * z) }
	ks := &linalg.KrylovSettings{Tol: 1e-13, MaxIter: 400}
	refR := make([]complex128, mlp.Dim)
	gr := make([]float64, mlp.Dim)
	mlp.Real.Grad(gr, x0)
	if st, err := linalg.LanczosFunc(refR, func(dst, x []float64) { mlp.Real.HessVec(dst, x0, x) }, gr, func(x float64) complex128 { return f(complex(x, 0)) }, ks); err != nil && st.ErrEst > 1e-12 {
		tb.Fatal(err)
	}
	cs = append(cs, pfKrylovCase{"mlp/real", mlp, h, yr, refR, 0})
	refC := make([]complex128, mlp.Dim)
	gc := make([]complex128, mlp.Dim)
	mlp.Complex.Grad(gc, yc)
	if st, err := linalg.ArnoldiFunc(refC, func(dst, x []complex128) { mlp.Complex.HessVec(dst, yc, x) }, gc, f, ks); err != nil && st.ErrEst > 1e-12 {
		tb.Fatal(err)
	}
	cs = append(cs, pfKrylovCase{"mlp/complex", mlp, h, yc, refC, 0})
	const d = 1000
	bq := pfProblem(tb, fmt.Sprintf("benchquad:d=%d", d))
	spd := benchprob.NewSPD(d)
	lam, u := spd.Lambda, spd.U
	hb := 1.8 / lam[d-1]
	byr, byc := pfC(bq.X0), pfC(bq.X0)
	for i := range byc {
		byc[i] += complex(0, 0.1*rnd.NormFloat64())
	}
	// A = QΛQ with Q = I − 2uuᵀ: φ(hA)g = Q φ(hΛ) Q g, g = Ay.
	house := func(x []complex128) {
		var s complex128
		for i := range x {
			s += complex(u[i], 0) * x[i]
		}
		for i := range x {
			x[i] -= 2 * s * complex(u[i], 0)
		}
	}
	for _, c := range []struct {
		name string
		y    []complex128
	}{{"benchquad1000/real", byr}, {"benchquad1000/complex", byc}} {
		ref := slices.Clone(c.y)
		house(ref)
		for i := range ref {
			z := complex(hb*lam[i], 0)
			ref[i] *= complex(lam[i], 0) * linalg.Phi(z)
		}
		house(ref)
		cs = append(cs, pfKrylovCase{c.name, bq, hb, c.y, ref, d})
	}
	return cs
}

// BenchmarkPFKrylov measures one evaluation of the Krylov back-end of the
// principal flow on the cases of pfKrylovCases, at the default KrylovTol
// (1e-12; KrylovMaxIter = d for benchquad, whose φ(hλ) jumps at hλ = 1
// in the middle of a dense spectrum), and reports the Hessian-vector
// products per evaluation and 10¹² times the relative error against the
// reference.
func BenchmarkPFKrylov(b *testing.B) {
	for _, c := range pfKrylovCases(b) {
		b.Run(c.name, func(b *testing.B) {
			var n int
			p := pfCountHVP(c.p, &n)
			pf, err := NewPF[complex128](p, c.h, &Options{Backend: BackendKrylov, KrylovMaxIter: c.maxIter})
			if err != nil {
				b.Fatal(err)
			}
			dst := make([]complex128, p.Dim)
			if err := pf.Eval(dst, c.y); err != nil {
				b.Fatal(err)
			}
			n = 0
			iters := 0
			b.ReportAllocs()
			for b.Loop() {
				if err := pf.Eval(dst, c.y); err != nil {
					b.Fatal(err)
				}
				iters++
			}
			b.ReportMetric(float64(n)/float64(iters), "hvp/op")
			b.ReportMetric(pfRelErr(dst, c.ref)*1e12, "relerr_x1e12")
		})
	}
}

// logregSpectrum returns logistic regression with dim parameters and 400
// samples, and the eigenvalues (ascending) of its Hessian at X0.
func logregSpectrum(b *testing.B, dim int) (*problems.Problem, []float64) {
	p, err := problems.ByName(fmt.Sprintf("logreg:n=400,p=%d", dim))
	if err != nil {
		b.Fatal(err)
	}
	n := p.Dim
	hess := make([]float64, n*n)
	p.Real.Hess(hess, p.X0)
	var e linalg.SymEig
	if err := e.Factorize(hess, n); err != nil {
		b.Fatal(err)
	}
	return p, e.Values()
}

// BenchmarkPFCrossover measures one evaluation of φ(hH)g with the dense and
// the Krylov back-ends on logistic regression with p parameters (a
// non-constant Hessian that the problem forms analytically in O(np²), and
// whose Hessian-vector product costs O(np)), at the start point (real) and
// at a complex point near it, with h = 1.5/λ_max so that the logarithmic
// singularity hλ = 1 lies inside the spectrum. It is the measurement behind
// the automatic back-end choice (pfAutoDenseMax):
//
//	go test ./modified -run XXX -bench PFCrossover -benchtime 20x
func BenchmarkPFCrossover(b *testing.B) {
	for _, dim := range []int{10, 25, 50, 100, 200, 400} {
		p, vals := logregSpectrum(b, dim)
		n := p.Dim
		h := 1.5 / math.Max(math.Abs(vals[0]), math.Abs(vals[n-1]))
		yr, yc := nearPoints(p.X0, rand.New(rand.NewPCG(7, 8)), 0.1, 0.01)
		for _, be := range []struct {
			name string
			b    Backend
		}{{"dense", BackendDense}, {"krylov", BackendKrylov}} {
			for _, pt := range []struct {
				name string
				y    []complex128
			}{{"real", yr}, {"complex", yc}} {
				b.Run(fmt.Sprintf("%s/%s/d=%d", pt.name, be.name, n), func(b *testing.B) {
					pf, err := NewPF[complex128](p, h, &Options{Backend: be.b, PrincipalBranch: true, KrylovMaxIter: n})
					if err != nil {
						b.Fatal(err)
					}
					dst := make([]complex128, n)
					for b.Loop() {
						if err := pf.Eval(dst, pt.y); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkPFRational times one evaluation of the real flow pf-re at a real
// point near the pole (hλ = 1 between the eigenvalues of rank 0.8·d) on
// logistic regression with d parameters and 400 samples, by the dense
// back-end, by Lanczos (BackendKrylov) and by Lanczos followed by the
// rational Krylov method (Options.Rational); hvps/op counts the
// Hessian-vector products (the rational method's dense Hessian and
// factorization are built at every evaluation, the point being new).
func BenchmarkPFRational(b *testing.B) {
	for _, dim := range []int{300, 600} {
		p, vals := logregSpectrum(b, dim)
		n := p.Dim
		k := 4 * n / 5
		h := 2 / (vals[k] + vals[k+1])
		for _, c := range []struct {
			name string
			o    Options
		}{
			{"dense", Options{Backend: BackendDense}},
			{"lanczos", Options{Backend: BackendKrylov}},
			{"rational", Options{Backend: BackendKrylov, Rational: true}},
		} {
			b.Run(fmt.Sprintf("%s/d=%d", c.name, n), func(b *testing.B) {
				q := *p
				hvps := 0
				hv := q.Real.HessVec
				q.Real.HessVec = func(dst, x, v []float64) { hvps++; hv(dst, x, v) }
				pf, err := NewPFRe[float64](&q, h, &c.o)
				if err != nil {
					b.Fatal(err)
				}
				dst := make([]float64, n)
				for b.Loop() {
					hvps = 0
					pf.Reset()
					pf.ldlOK = false // a new point: Hessian and factorization again
					if err := pf.Eval(dst, p.X0); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(hvps), "hvps/op")
			})
		}
	}
}
