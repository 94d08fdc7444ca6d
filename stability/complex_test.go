package stability

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"gonum.org/v1/gonum/mat"
)

// TestAnalyzeComplexPF analyses points of the principal flow of GD on
// E = log cosh θ at h = 1.5 from θ₀ = 0.1 (the branch-continuation example
// of the math notes). Between GD times the flow rotates through ℂ
// (hλ ≈ 1.5 > 1), so θ(t) is complex there. References:
//   - λ = E″(θ) = sech²θ in closed form (math/cmplx);
//   - the flow's own right-hand side, modified's PF with its branch
//     continued along the trajectory: in 1-D it is φ(hλ)·g, so it checks
//     φ and the branch;
//   - dE/dt against a central difference of E along the dense output.
func TestAnalyzeComplexPF(t *testing.T) {
	p := mustProblem(t, "logcosh")
	const h = 1.5
	fl, err := modified.New[complex128]("pf", p, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, frac := range []float64{0.25, 0.75, 1.6} {
		fl.Reset()
		t1 := frac * h
		const tau = 1e-4
		sol, err := ode.Solve(ode.ProblemOf(fl.F), 0, t1+tau, []complex128{0.1}, ode.DOP853,
			fl.Wire(&ode.Settings[complex128]{RTol: 1e-12, ATol: 1e-15, Dense: true}))
		if err != nil {
			t.Fatal(err)
		}
		th, _ := sol.At(nil, t1)
		pt, err := AnalyzeComplex(p, h, th, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := pt.Directions[0]
		sech := 1 / cmplx.Cosh(th[0])
		lam := sech * sech
		g := cmplx.Tanh(th[0])
		// F from the flow with the branch committed along the trajectory.
		fv := make([]complex128, 1)
		fl.F(fv, t1, th)
		// Central difference of E along the dense output: truncation
		// τ²/6·|d³E/dt³| ~ 1e-9 and interpolation error (rtol 1e-12)
		// divided by 2τ ~ 1e-8, both far below the 1e-6 asked.
		a, _ := sol.At(nil, t1-tau)
		b, _ := sol.At(nil, t1+tau)
		fd := (cmplx.Log(cmplx.Cosh(b[0])) - cmplx.Log(cmplx.Cosh(a[0]))) / (2 * tau)
		t.Logf("t = %.3g: θ = %.6g, hλ = %.8g, φ = %.8g, regime %s complex %v, dE/dt %.8g (FD %.8g)",
			t1, th[0], d.HLambda, d.Coef, d.Regime, d.Complex, pt.DEdt, fd)
		// Round-off: sech² of a θ of size 0.1 is computed to a few ulp.
		if cmplx.Abs(d.Lambda-lam) > 1e-14 || cmplx.Abs(pt.Grad[0]-g) > 1e-15 {
			t.Errorf("λ %v want %v; g %v want %v", d.Lambda, lam, pt.Grad[0], g)
		}
		// The flow's right-hand side is φ(hλ)g on the continued branch;
		// agreement to round-off says the branches coincide.
		if cmplx.Abs(fv[0]-d.Coef*g) > 1e-13*cmplx.Abs(fv[0]) {
			t.Errorf("PF right-hand side %v, φ(hλ)g = %v", fv[0], d.Coef*g)
		}
		if cmplx.Abs(pt.DEdt-g*fv[0]) > 1e-13*cmplx.Abs(pt.DEdt) {
			t.Errorf("dE/dt %v, gF %v", pt.DEdt, g*fv[0])
		}
		if cmplx.Abs(pt.DEdt-fd) > 1e-6*cmplx.Abs(pt.DEdt) {
			t.Errorf("dE/dt %v, finite difference %v", pt.DEdt, fd)
		}
		// Where Im hλ > 0, 1 − hλ lies just below the negative real axis
		// and the principal logarithm (linalg.Phi) jumps to −iπ: the flow
		// does not, and CoefC follows it.
		if imag(d.HLambda) > 0 {
			if pr := linalg.Phi(d.HLambda); cmplx.Abs(pr*g-fv[0]) < 0.1*cmplx.Abs(fv[0]) {
				t.Errorf("principal branch %v agrees with the flow %v: the test point is not a branch test", pr*g, fv[0])
			}
		}
		if d.Regime != RegimeOscillatingConvergent || !d.Complex || !pt.Complex || pt.Unstable != 0 {
			t.Errorf("classification %+v", d)
		}
		if math.Abs(d.GrowthGD-cmplx.Abs(1-complex(h, 0)*lam)) > 1e-15 {
			t.Errorf("growth %v", d.GrowthGD)
		}
	}
}

// TestAnalyzeComplexReal: at a real point AnalyzeComplex agrees with
// Analyze (the reference values on quadratic2d at h = 0.9:
// φ(1.8) = −0.1240 + 1.7453i, φ(0.018) = −1.0091), with Complex false.
func TestAnalyzeComplexReal(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	re, err := Analyze(p, 0.9, p.X0, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := AnalyzeComplex(p, 0.9, []complex128{complex(p.X0[0], 0), complex(p.X0[1], 0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Complex || cp.Unstable != re.Unstable {
		t.Errorf("complex %v unstable %d", cp.Complex, cp.Unstable)
	}
	for i, d := range cp.Directions {
		r := re.Directions[i]
		// LAPACK's real and this complex QR give the eigenvalues of a
		// diagonal matrix exactly; the rest is a few ulp.
		if d.Lambda != complex(r.Lambda, 0) || d.Regime != r.Regime || d.Complex ||
			cmplx.Abs(d.Coef-r.Coef) > 1e-15 || cmplx.Abs(d.DEdt-r.DEdt) > 1e-15 ||
			math.Abs(math.Abs(real(d.GradProj))-math.Abs(r.GradProj)) > 1e-16 || d.GrowthGD != r.GrowthGD {
			t.Errorf("direction %d: complex %+v real %+v", i, d, r)
		}
	}
	if cmplx.Abs(cp.DEdt-re.DEdt) > 1e-15 {
		t.Errorf("dE/dt %v, real analysis %v", cp.DEdt, re.DEdt)
	}
	if _, err := AnalyzeComplex(mustProblem(t, "mlp"), 0.1, make([]complex128, mustProblem(t, "mlp").Dim), nil); err == nil {
		t.Error("problem without a dense complex Hessian accepted")
	}
	for _, bad := range [][]complex128{{1}, {complex(math.NaN(), 0), 0}} {
		if _, err := AnalyzeComplex(p, 0.9, bad, nil); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%v: %v", bad, err)
		}
	}
	if _, err := AnalyzeComplex(p, -1, []complex128{0, 0}, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("h = −1: %v", err)
	}
}

// TestAnalyzeComplexEmbedding checks the complex symmetric eigenvalues on
// Rosenbrock at a complex point against the 2n×2n real embedding
// [[A, −B], [B, A]] of H = A + iB, whose eigenvalues are those of H and
// their conjugates (gonum mat.Eigen, an independent LAPACK path), the
// eigenpairs themselves (Hu = λu, uᵀu = 1), and dE/dt, assembled through
// V⁻¹ from the LU factorisation, against Σ φ(hλ)(gᵀu)², which holds because
// V⁻¹ = Vᵀ for distinct eigenvalues.
func TestAnalyzeComplexEmbedding(t *testing.T) {
	p := mustProblem(t, "rosenbrock")
	th := []complex128{complex(0.9, 0.05), complex(0.8, -0.03)}
	h := 2.5e-3 // hλ_max ≈ 2.2: one divergent direction
	cp, err := AnalyzeComplex(p, h, th, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := p.ComplexFuncs()
	hc := make([]complex128, 4)
	f.Hess(hc, th)
	emb := mat.NewDense(4, 4, nil)
	for i := range 2 {
		for j := range 2 {
			a, b := real(hc[2*i+j]), imag(hc[2*i+j])
			emb.Set(i, j, a)
			emb.Set(i+2, j+2, a)
			emb.Set(i, j+2, -b)
			emb.Set(i+2, j, b)
		}
	}
	var eg mat.Eigen
	if !eg.Factorize(emb, mat.EigenNone) {
		t.Fatal("embedding eigendecomposition failed")
	}
	ev := eg.Values(nil)
	for _, d := range cp.Directions {
		best := math.Inf(1)
		for _, e := range ev {
			best = math.Min(best, cmplx.Abs(e-d.Lambda))
		}
		// Backward-stable eigensolvers on a matrix of norm ~1e3 with
		// well-separated eigenvalues: errors ~ε‖H‖ ≈ 1e-13.
		if best > 1e-11 {
			t.Errorf("λ = %v not among the embedding's eigenvalues %v (distance %v)", d.Lambda, ev, best)
		}
		t.Logf("λ = %.10g hλ = %.6g φ = %.6g %s complex %v |1−hλ| = %.4g", d.Lambda, d.HLambda, d.Coef, d.Regime, d.Complex, d.GrowthGD)
	}
	if !cp.Complex || cp.Directions[0].Regime != RegimeDivergent || cp.Unstable != 1 {
		t.Errorf("classification: %+v", cp)
	}
	var sum complex128
	for _, d := range cp.Directions {
		sum += d.Coef * d.GradProj * d.GradProj
	}
	// V is well conditioned here (eigenvalues 800 apart): V⁻¹ = Vᵀ to ~1e-13.
	if cmplx.Abs(sum-cp.DEdt) > 1e-12*cmplx.Abs(sum) {
		t.Errorf("dE/dt %v, Σφ(gᵀu)² %v", cp.DEdt, sum)
	}
	// uᵀu = 1 and Hu = λu (bilinear) for each eigenvector.
	for _, d := range cp.Directions {
		hu0 := hc[0]*d.U[0] + hc[1]*d.U[1]
		hu1 := hc[2]*d.U[0] + hc[3]*d.U[1]
		if cmplx.Abs(d.U[0]*d.U[0]+d.U[1]*d.U[1]-1) > 1e-13 || math.Hypot(cmplx.Abs(hu0-d.Lambda*d.U[0]), cmplx.Abs(hu1-d.Lambda*d.U[1])) > 1e-11*cmplx.Abs(d.Lambda) {
			t.Errorf("eigenpair %+v", d)
		}
	}
}

// TestCoefC: z·φ(z) is a logarithm of 1 − z; φ equals linalg.Phi on the
// real axis (both sides of 1) and is continuous across the real half-line
// z > 1 (a jump of 2πi/z would be of order 1).
func TestCoefC(t *testing.T) {
	if CoefC(0) != -1 || !math.IsInf(real(CoefC(1)), -1) {
		t.Errorf("φ(0) = %v, φ(1) = %v", CoefC(0), CoefC(1))
	}
	for _, x := range []float64{-3, -0.5, 0.3, 0.99, 1.01, 1.5, 1.8, 2, 2.5, 10} {
		z := complex(x, 0)
		if c, r := CoefC(z), linalg.Phi(z); cmplx.Abs(c-r) > 1e-15*cmplx.Abs(r) {
			t.Errorf("φ(%v) = %v, linalg.Phi %v", x, c, r)
		}
		const eps = 1e-9
		up, down := CoefC(complex(x, eps)), CoefC(complex(x, -eps))
		// |φ′(z)| ≤ (1/|1 − z| + |φ|)/|z|: over 2ε the change is below
		// 10ε(1 + 1/|1 − x|) for these x.
		if cmplx.Abs(up-down) > 10*eps*(1+1/math.Abs(1-x)) {
			t.Errorf("φ jumps across the real axis at %v: %v vs %v", x, up, down)
		}
		for _, w := range []complex128{complex(x, eps), complex(x, -eps), complex(x, 0.3)} {
			if e := cmplx.Exp(w * CoefC(w)); cmplx.Abs(e-(1-w)) > 1e-14*cmplx.Abs(1-w) {
				t.Errorf("exp(zφ(z)) = %v, 1 − z = %v at z = %v", e, 1-w, w)
			}
		}
	}
}
