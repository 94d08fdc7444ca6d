package stability

import (
	"errors"
	"math"
	"math/cmplx"
	"slices"
	"testing"

	"github.com/pflow-go/pflow/problems"
	"gonum.org/v1/gonum/mat"
)

func mustProblem(t testing.TB, spec string) *problems.Problem {
	t.Helper()
	p, err := problems.ByName(spec)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestQuadratic2dProof is the proof: quadratic2d at h = 0.9 has
// H = diag(2, 0.02), so hλ = 1.8 and 0.018, with
// φ(1.8) = (log 0.8 + iπ)/1.8 = −0.1240 + 1.7453i and
// φ(0.018) = log(0.982)/0.018 = −1.0091 (closed forms, evaluated here with
// math.Log independently of linalg.Phi).
func TestQuadratic2dProof(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := p.Start()
	pt, err := Analyze(p, 0.9, x0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x0, []float64{-0.35, -0.2}) {
		t.Fatalf("start modified: %v", x0)
	}
	if !pt.Complete || len(pt.Directions) != 2 || pt.Sharpness != 2 || pt.Edge != 2/0.9 {
		t.Fatalf("point %+v", pt)
	}
	// 4-digit check as stated in the issue.
	round4 := func(x float64) float64 { return math.Round(x*1e4) / 1e4 }
	d0, d1 := pt.Directions[0], pt.Directions[1]
	if round4(real(d0.Coef)) != -0.1240 || round4(imag(d0.Coef)) != 1.7453 || round4(real(d1.Coef)) != -1.0091 || imag(d1.Coef) != 0 {
		t.Errorf("coefficients %v %v", d0.Coef, d1.Coef)
	}
	// Full-precision check against the closed forms: hλ is 0.9·2 = 1.8
	// and 0.9·0.02 (both exact products up to one rounding), relative
	// error of log/division a few ulp.
	want0 := complex(math.Log(0.8)/1.8, math.Pi/1.8)
	want1 := math.Log1p(-0.9*0.02) / (0.9 * 0.02)
	if cmplx.Abs(d0.Coef-want0) > 1e-14 || math.Abs(real(d1.Coef)-want1) > 1e-14 {
		t.Errorf("coefficients %v %v, want %v %v", d0.Coef, d1.Coef, want0, want1)
	}
	if d0.Regime != "oscillating-convergent" || d1.Regime != "stable" {
		t.Errorf("regimes %q %q", d0.Regime, d1.Regime)
	}
	// g(θ0) = (−0.7, −0.004); eigenvectors ±e1, ±e2.
	if math.Abs(math.Abs(d0.GradProj)-0.7) > 1e-15 || math.Abs(math.Abs(d1.GradProj)-0.004) > 1e-17 {
		t.Errorf("projections %v %v", d0.GradProj, d1.GradProj)
	}
	if math.Abs(d0.GrowthGD-0.8) > 1e-15 || math.Abs(d1.GrowthGD-0.982) > 1e-15 {
		t.Errorf("growth %v %v", d0.GrowthGD, d1.GrowthGD)
	}
	if pt.Unstable != 0 || math.Abs(pt.Loss-0.1229) > 1e-15 {
		t.Errorf("unstable %d loss %v", pt.Unstable, pt.Loss)
	}
	// dE/dt = Σ φ(hλ)(gᵀu)²: 0.49·φ(1.8) + 1.6e−5·φ(0.018).
	wantDE := 0.49*want0 + complex(1.6e-5*want1, 0)
	if cmplx.Abs(pt.DEdt-wantDE) > 1e-14 {
		t.Errorf("dE/dt %v want %v", pt.DEdt, wantDE)
	}
}

// TestRegimeBoundaries checks the regime table at and around 0, 1, 2 and
// the boundary tolerance of Analyze at exact boundaries (quadratic2d with
// h = 0.5 puts hλ₀ at 1, h = 1 at 2, both exact products).
func TestRegimeBoundaries(t *testing.T) {
	cases := []struct {
		z    float64
		want Regime
	}{
		{-1, RegimeNegativeCurvature}, {0, RegimeFlat}, {0.5, RegimeStable}, {1, RegimeCritical},
		{1.5, RegimeOscillatingConvergent}, {2, RegimePeriodTwo}, {2.5, RegimeDivergent},
		{math.Nextafter(2, 3), RegimeDivergent}, {math.Nextafter(1, 0), RegimeStable}, {math.NaN(), ""},
	}
	for _, c := range cases {
		if got := Classify(c.z); got != c.want {
			t.Errorf("Classify(%v) = %q, want %q", c.z, got, c.want)
		}
	}
	if ClassifyTol(2+1e-13, 1e-12) != RegimePeriodTwo || ClassifyTol(1, -1) != "" {
		t.Error("ClassifyTol")
	}
	if !RegimeDivergent.Unstable() || !RegimeNegativeCurvature.Unstable() || RegimePeriodTwo.Unstable() || !RegimePeriodTwo.Oscillating() || RegimeStable.Oscillating() {
		t.Error("Unstable/Oscillating")
	}
	p := mustProblem(t, "quadratic2d")
	for _, c := range []struct {
		h    float64
		want Regime
	}{{0.5, RegimeCritical}, {1, RegimePeriodTwo}, {1.05, RegimeDivergent}} {
		pt, err := Analyze(p, c.h, p.Start(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if pt.Directions[0].Regime != c.want {
			t.Errorf("h = %v: %q, want %q", c.h, pt.Directions[0].Regime, c.want)
		}
		if c.want == RegimeCritical && !math.IsInf(real(pt.Directions[0].DEdt), -1) {
			t.Errorf("dE/dt at the pole: %v", pt.Directions[0].DEdt)
		}
		if c.want == RegimeDivergent && pt.Unstable != 1 {
			t.Errorf("unstable count %d", pt.Unstable)
		}
	}
	// Saddle: negative curvature counted as unstable.
	s := mustProblem(t, "saddle")
	pt, err := Analyze(s, 0.1, s.Start(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pt.Directions[1].Regime != RegimeNegativeCurvature || pt.Unstable != 1 || pt.Directions[1].Lambda != -2 {
		t.Errorf("saddle %+v", pt.Directions)
	}
}

// TestAnalyzeDEdtIndependent checks dE/dt = gᵀφ(hH)g on a random
// quadratic against gonum: φ(hA) is formed from mat.EigenSym (an
// independent eigensolver) and the sum over directions is compared.
// Both paths are backward stable; 1e-12 relative covers κ·ε for the
// spectrum [0.1, 5].
func TestAnalyzeDEdtIndependent(t *testing.T) {
	p := mustProblem(t, "quadratic:d=12,seed=3,min=0.1,max=5")
	h := 0.7 // hλ from 0.07 to 3.5: every regime from stable to divergent
	pt, err := Analyze(p, h, p.Start(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := p.Dim
	a := make([]float64, n*n)
	p.Real.Hess(a, p.X0)
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(n, a), true) {
		t.Fatal("EigenSym failed")
	}
	var v mat.Dense
	es.VectorsTo(&v)
	vals := es.Values(nil)
	var want complex128
	for i, l := range vals {
		gu := mat.Dot(mat.NewVecDense(n, pt.Grad), v.ColView(i))
		z := complex(h*l, 0)
		phi := cmplx.Log(1-z) / z
		if h*l > 1 {
			phi = complex(math.Log(h*l-1), math.Pi) / z
		}
		want += phi * complex(gu*gu, 0)
	}
	if cmplx.Abs(pt.DEdt-want) > 1e-12*cmplx.Abs(want) {
		t.Errorf("dE/dt %v want %v", pt.DEdt, want)
	}
	unstable := 0
	for _, l := range vals {
		if h*l > 2 {
			unstable++
		}
	}
	if pt.Unstable != unstable || unstable == 0 {
		t.Errorf("unstable %d want %d", pt.Unstable, unstable)
	}
	// The Lanczos path (top 3 + bottom 1) agrees on those eigenvalues
	// (residual 1e-10 relative → eigenvalue error ≤ residual²/gap) and
	// on dE/dt through LanczosFunc.
	lp, err := Analyze(p, h, p.Start(), &Settings{Top: 3, Bottom: 1, DenseMax: 1})
	if err != nil {
		t.Fatal(err)
	}
	if lp.Complete || len(lp.Directions) != 4 || lp.HessVecs == 0 {
		t.Fatalf("lanczos point: complete %v, %d directions", lp.Complete, len(lp.Directions))
	}
	for i, j := range []int{0, 1, 2, n - 1} {
		if math.Abs(lp.Directions[i].Lambda-pt.Directions[j].Lambda) > 1e-9 {
			t.Errorf("λ[%d] = %v want %v", j, lp.Directions[i].Lambda, pt.Directions[j].Lambda)
		}
	}
	if cmplx.Abs(lp.DEdt-want) > 1e-8*cmplx.Abs(want) {
		t.Errorf("Lanczos dE/dt %v want %v", lp.DEdt, want)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	for _, c := range []struct {
		h  float64
		x  []float64
		s  *Settings
		pr *problems.Problem
	}{
		{0, p.X0, nil, p}, {math.Inf(1), p.X0, nil, p}, {math.NaN(), p.X0, nil, p},
		{0.1, []float64{1}, nil, p}, {0.1, []float64{math.NaN(), 0}, nil, p},
		{0.1, p.X0, &Settings{Top: -1}, p}, {0.1, p.X0, nil, nil},
	} {
		if _, err := Analyze(c.pr, c.h, c.x, c.s); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("h=%v x=%v: err %v", c.h, c.x, err)
		}
	}
}

// TestAnalyzeLanczosMLP: the default MLP (d = 2103) has no dense Hessian,
// so Analyze takes the 6 largest and the smallest eigenpairs by Lanczos.
// Each pair is checked by its residual with the exact Hessian-vector
// product (the Lanczos tolerance is 1e−10 relative to ‖H‖).
func TestAnalyzeLanczosMLP(t *testing.T) {
	p := mustProblem(t, "mlp")
	if p.Real.Hess != nil {
		t.Skip("MLP has a dense Hessian")
	}
	pt, err := Analyze(p, 0.6, p.Start(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pt.Complete || len(pt.Directions) != 7 || pt.HessVecs == 0 {
		t.Fatalf("complete %v, %d directions", pt.Complete, len(pt.Directions))
	}
	hu := make([]float64, p.Dim)
	for i, d := range pt.Directions {
		if i > 0 && d.Lambda > pt.Directions[i-1].Lambda {
			t.Errorf("not descending at %d", i)
		}
		p.Real.HessVec(hu, p.X0, d.U)
		var r float64
		for j := range hu {
			r = math.Hypot(r, hu[j]-d.Lambda*d.U[j])
		}
		if r > 1e-9*pt.Sharpness {
			t.Errorf("direction %d: residual %v", i, r)
		}
	}
	// Measured: λ₀ = 9.81 > 2/h, and a negative eigenvalue at the start.
	if pt.Unstable < 2 || pt.Directions[6].Regime != RegimeNegativeCurvature || pt.Directions[0].Regime != RegimeDivergent {
		t.Errorf("unstable %d, regimes %q %q", pt.Unstable, pt.Directions[0].Regime, pt.Directions[6].Regime)
	}
}
