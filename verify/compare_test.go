package verify

import (
	"errors"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

func mustProblem(t *testing.T, spec string) *problems.Problem {
	t.Helper()
	p, err := problems.ByName(spec)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// quadFlowExact returns exp(−A t)θ0 for the diagonal quadratic2d
// (H = diag(2, 0.02)) with the modified rate a(λ) of a flow θ' = −a(H)θ,
// computed with gonum's matrix exponential as an independent reference.
func quadFlowExact(rate func(lam float64) float64, t float64, x0 []float64) []float64 {
	lam := []float64{2, 0.02}
	m := mat.NewDense(2, 2, nil)
	for i, l := range lam {
		m.Set(i, i, -rate(l)*t)
	}
	var e mat.Dense
	e.Exp(m)
	var y mat.VecDense
	y.MulVec(&e, mat.NewVecDense(2, x0))
	return []float64{y.AtVec(0), y.AtVec(1)}
}

// The BEA flows of GD on a quadratic are linear with the rates of
// docs/theory.md: NGF λ, IGR λ + hλ²/2, BEA3 λ + hλ²/2 + h²λ³/3 (D³E = 0).
func beaRate(order int, h float64) func(float64) float64 {
	return func(l float64) float64 {
		r := l
		if order >= 1 {
			r += h * l * l / 2
		}
		if order >= 2 {
			r += h * h * l * l * l / 3
		}
		return r
	}
}

func TestCompareBEAClosedForm(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := p.Start()
	for order, name := range []string{"ngf", "igr", "bea3"} {
		for _, h := range []float64{0.5, 0.9, 1.05} {
			const n = 5
			r, err := Compare(p, name, h, n, nil, nil)
			if err != nil {
				t.Fatalf("%s h=%v: %v", name, h, err)
			}
			if len(r.Points) != n+1 || r.Method != "dop853" || !r.IntegratorChecked || !r.Complex {
				t.Fatalf("%s: %d points, method %q, checked %v", name, len(r.Points), r.Method, r.IntegratorChecked)
			}
			maxErr := 0.0
			for k, pt := range r.Points {
				// GD on the diagonal quadratic: θ_k = (1 − hλ)^k θ0.
				gd := []float64{math.Pow(1-2*h, float64(k)) * x0[0], math.Pow(1-0.02*h, float64(k)) * x0[1]}
				fl := quadFlowExact(beaRate(order, h), float64(k)*h, x0)
				wantErr := math.Hypot(fl[0]-gd[0], fl[1]-gd[1])
				// GD is computed by repeated multiplication in both: a few
				// ulps. The flow is integrated at rtol 1e-12 over at most
				// 5.25 time units: 1e-11 absolute is an ample bound.
				for i := range gd {
					if !scalar.EqualWithinAbsOrRel(pt.GD[i], gd[i], 1e-15, 1e-13) {
						t.Errorf("%s h=%v k=%d: GD %v, want %v", name, h, k, pt.GD, gd)
					}
					if math.Abs(real(pt.Flow[i])-fl[i]) > 1e-11 || imag(pt.Flow[i]) != 0 {
						t.Errorf("%s h=%v k=%d: flow %v, want %v", name, h, k, pt.Flow, fl)
					}
				}
				if math.Abs(pt.Error-wantErr) > 2e-11 {
					t.Errorf("%s h=%v k=%d: error %v, want %v", name, h, k, pt.Error, wantErr)
				}
				if pt.T != float64(k)*h || pt.N != k {
					t.Errorf("point %d: N %d T %v", k, pt.N, pt.T)
				}
				if pt.GDLoss != p.Real.Func(pt.GD) {
					t.Errorf("GD loss %v, want %v", pt.GDLoss, p.Real.Func(pt.GD))
				}
				maxErr = math.Max(maxErr, pt.Error)
			}
			if r.MaxError != maxErr {
				t.Errorf("MaxError %v, want %v", r.MaxError, maxErr)
			}
			if r.IntegratorError > 1e-11 {
				t.Errorf("%s h=%v: integrator error estimate %v", name, h, r.IntegratorError)
			}
		}
	}
}

// The number quoted in the issue: NGF at h = 0.9 after five steps is
// ‖exp(−4.5H)θ0 − (I − 0.9H)^5θ0‖ = 0.11473…
func TestCompareNGFIssueNumber(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	r, err := Compare(p, "ngf", 0.9, 5, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	gd := []float64{-0.35 * math.Pow(-0.8, 5), -0.2 * math.Pow(0.982, 5)}
	ngf := []float64{-0.35 * math.Exp(-9), -0.2 * math.Exp(-0.09)}
	want := math.Hypot(ngf[0]-gd[0], ngf[1]-gd[1])
	if got := r.Points[5].Error; math.Abs(got-want) > 1e-11 || math.Abs(got-0.115) > 5e-4 {
		t.Errorf("NGF distance at n = 5: %v, want %v", got, want)
	}
}

func TestComparePFExactAllRegimes(t *testing.T) {
	for _, c := range []struct {
		spec string
		h    float64
		n    int
	}{
		{"quadratic2d", 0.25, 10}, {"quadratic2d", 0.5, 10}, {"quadratic2d", 0.9, 10}, {"quadratic2d", 1.0, 10},
		{"quadratic2d", 1.05, 5}, {"saddle", 0.3, 10}, {"saddle", 1.2, 5},
	} {
		p := mustProblem(t, c.spec)
		r, err := Compare(p, "pf", c.h, c.n, nil, nil)
		if err != nil {
			t.Fatalf("%s h=%v: %v", c.spec, c.h, err)
		}
		// PF = GD at every t = nh (docs/theory.md); what remains is the
		// integrator's error at rtol 1e-12 over amplitudes up to ~5.
		if r.MaxError > 1e-10 {
			t.Errorf("%s h=%v: PF max distance %v", c.spec, c.h, r.MaxError)
		}
		// The estimate must account for what is measured (same order).
		if r.IntegratorError < r.MaxError/100 {
			t.Errorf("%s h=%v: integrator estimate %v far below the measured %v", c.spec, c.h, r.IntegratorError, r.MaxError)
		}
	}
}

// On the quadratic the error of a loosely integrated NGF is all
// integrator error; the estimate from the tighter run must match it.
func TestIntegratorErrorEstimate(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := p.Start()
	const h, n = 0.4, 10
	r, err := Compare(p, "ngf", h, n, nil, &Settings{RTol: 1e-6, ATol: 1e-6, Method: ode.DOPRI5})
	if err != nil {
		t.Fatal(err)
	}
	actual := 0.0
	for k, pt := range r.Points {
		fl := quadFlowExact(beaRate(0, h), float64(k)*h, x0)
		actual = math.Max(actual, math.Hypot(real(pt.Flow[0])-fl[0], real(pt.Flow[1])-fl[1]))
	}
	if actual < 1e-12 {
		t.Fatalf("loose integration unexpectedly exact (%v): the test needs a visible error", actual)
	}
	if ratio := r.IntegratorError / actual; ratio < 0.5 || ratio > 2 {
		t.Errorf("integrator error estimate %v, actual %v (ratio %v)", r.IntegratorError, actual, ratio)
	}
	r2, err := Compare(p, "ngf", h, n, nil, &Settings{RTol: 1e-6, ATol: 1e-6, Method: ode.DOPRI5, SkipIntegratorCheck: true})
	if err != nil || r2.IntegratorChecked || r2.IntegratorError != 0 || r2.Stats.NFev != r.Stats.NFev {
		t.Errorf("SkipIntegratorCheck: err %v, checked %v, estimate %v, nfev %d vs %d", err, r2.IntegratorChecked, r2.IntegratorError, r2.Stats.NFev, r.Stats.NFev)
	}
}

// The continued PF on log cosh at h = 1.5 from 0.1 (docs/theory.md): within
// 4e-4 of GD after one step, with a small imaginary part, and the flow's
// loss is the holomorphic extension at the complex state.
func TestCompareBranchContinuation(t *testing.T) {
	p := mustProblem(t, "logcosh")
	r, err := Compare(p, "pf", 1.5, 12, []float64{0.1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := r.Points[1].Error; e > 4e-4 || e < 1e-5 {
		t.Errorf("one-step distance %v, docs/theory.md measured < 4e-4", e)
	}
	if r.MaxError > 1e-3 {
		t.Errorf("max distance over 12 steps %v", r.MaxError)
	}
	for _, pt := range r.Points {
		z := pt.Flow[0]
		if pt.Imag != math.Abs(imag(z)) {
			t.Errorf("Imag %v, want |%v|", pt.Imag, imag(z))
		}
		// log cosh z = z − log 2 + log(1 + e^{−2z}) (Re z > 0) computed
		// independently with math/cmplx.
		want := cmplx.Log(cmplx.Cosh(z))
		if cmplx.Abs(pt.FlowLoss-want) > 1e-15 {
			t.Errorf("flow loss %v, want %v", pt.FlowLoss, want)
		}
		// log cosh x = log1p(2 sinh²(x/2)) without cancellation; the
		// problem's formula x + log1p(e^{−2x}) − log 2 is accurate to a
		// few ulps of log 2 in absolute terms.
		x := pt.GD[0]
		if s := math.Sinh(x / 2); math.Abs(pt.GDLoss-math.Log1p(2*s*s)) > 1e-15 || pt.GDLoss != p.Real.Func(pt.GD) {
			t.Errorf("GD loss %v at %v", pt.GDLoss, x)
		}
	}
	if r.Points[1].Imag == 0 {
		t.Error("the PF should leave the real axis slightly at hλ > 1")
	}
}

func TestCompareGDItself(t *testing.T) {
	p := mustProblem(t, "rosenbrock")
	r, err := Compare(p, GD, 1e-3, 50, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.MaxError != 0 || r.Stats.NFev != 0 || r.Method != "" || len(r.Points) != 51 {
		t.Errorf("GD as a flow: %+v", r)
	}
	ref, _ := modified.GD[float64](p, p.Start(), 1e-3, 50, nil)
	for k, pt := range r.Points {
		for i := range pt.GD {
			if pt.GD[i] != ref.Iterates[k][i] || real(pt.Flow[i]) != pt.GD[i] {
				t.Fatalf("iterate %d differs", k)
			}
		}
	}
}

func TestCompareFailures(t *testing.T) {
	// GD overflows at h = 10 on the quartic: the points before the
	// overflow come back with ErrGDDiverged.
	p := mustProblem(t, "quartic")
	r, err := Compare(p, GD, 10, 100, []float64{1}, nil)
	if !errors.Is(err, ErrGDDiverged) || !errors.Is(err, modified.ErrDiverged) || r == nil || len(r.Points) < 2 || len(r.Points) > 100 {
		t.Fatalf("overflowing GD: err %v, result %v", err, r)
	}
	for _, pt := range r.Points {
		if math.IsInf(pt.GD[0], 0) || math.IsNaN(pt.GD[0]) {
			t.Errorf("non-finite point returned: %v", pt.GD)
		}
	}
	// The PF on the double well at h = 0.3 runs off to infinity in ℂ
	// shortly after t = 1.5: the integration fails, partial points return.
	dw := mustProblem(t, "doublewell")
	r, err = Compare(dw, "pf", 0.3, 30, nil, &Settings{MaxSteps: 50000})
	if err == nil || r == nil || len(r.Points) < 2 || len(r.Points) > 30 {
		t.Fatalf("PF on the double well: err %v, %d points", err, len(r.Points))
	}
	if !errors.Is(err, ode.ErrNonFinite) && !errors.Is(err, ode.ErrMaxSteps) && !errors.Is(err, ode.ErrStepTooSmall) {
		t.Errorf("error %v does not wrap an ode sentinel", err)
	}
}

func TestCompareBadInput(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	for _, c := range []struct {
		name string
		p    *problems.Problem
		flow string
		h    float64
		n    int
		x0   []float64
		s    *Settings
		want error
	}{
		{"nil problem", nil, "ngf", 0.1, 1, nil, nil, ErrInvalidInput},
		{"h = 0", p, "ngf", 0, 1, nil, nil, ErrInvalidInput},
		{"h < 0", p, "ngf", -1, 1, nil, nil, ErrInvalidInput},
		{"h NaN", p, "ngf", math.NaN(), 1, nil, nil, ErrInvalidInput},
		{"h Inf", p, "ngf", math.Inf(1), 1, nil, nil, ErrInvalidInput},
		{"n < 0", p, "ngf", 0.1, -1, nil, nil, ErrInvalidInput},
		{"x0 length", p, "ngf", 0.1, 1, []float64{1}, nil, ErrInvalidInput},
		{"x0 NaN", p, "ngf", 0.1, 1, []float64{1, math.NaN()}, nil, ErrInvalidInput},
		{"unknown flow", p, "nope", 0.1, 1, nil, nil, modified.ErrUnknownFlow},
		{"fixed step NaN", p, "ngf", 0.1, 1, nil, &Settings{Method: ode.RK4, Step: math.NaN()}, ErrInvalidInput},
		{"rtol too small", p, "ngf", 0.1, 1, nil, &Settings{RTol: 1e-16}, ErrInvalidInput},
		{"rtol NaN", p, "ngf", 0.1, 1, nil, &Settings{RTol: math.NaN()}, ErrInvalidInput},
		{"negative MaxSteps", p, "ngf", 0.1, 1, nil, &Settings{MaxSteps: -1}, ErrInvalidInput},
		{"nil builder result", p, "custom", 0.1, 1, nil, &Settings{Build: func(*problems.Problem, float64) (*modified.Flow[complex128], error) { return nil, nil }}, ErrInvalidInput},
	} {
		r, err := Compare(c.p, c.flow, c.h, c.n, c.x0, c.s)
		if !errors.Is(err, c.want) || r != nil {
			t.Errorf("%s: err %v, result %v; want %v", c.name, err, r, c.want)
		}
	}
	// n = 0 is a valid, empty comparison.
	r, err := Compare(p, "pf", 0.5, 0, nil, nil)
	if err != nil || len(r.Points) != 1 || r.MaxError != 0 {
		t.Errorf("n = 0: %v, %+v", err, r)
	}
}

// A problem without a holomorphic extension is integrated in float64 and
// gives the same comparison as the complex run of the same real flow.
func TestCompareRealOnlyProblem(t *testing.T) {
	p := mustProblem(t, "cubic")
	realOnly := *p
	realOnly.Complex = nil
	rc, err := Compare(p, "igr", 0.3, 6, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := Compare(&realOnly, "igr", 0.3, 6, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Complex || !rc.Complex || len(rr.Points) != 7 {
		t.Fatalf("Complex flags %v %v", rr.Complex, rc.Complex)
	}
	for k := range rr.Points {
		a, b := rr.Points[k], rc.Points[k]
		// Same method, tolerances and arithmetic on real numbers: the step
		// sequences coincide and the results agree to round-off.
		if math.Abs(a.Error-b.Error) > 1e-14 || a.Imag != 0 || imag(a.FlowLoss) != 0 || math.Abs(real(a.FlowLoss)-real(b.FlowLoss)) > 1e-14 {
			t.Errorf("point %d: real %+v, complex %+v", k, a, b)
		}
	}
	// At hλ = 3 the real PF has no real value (log of a negative number):
	// the failure says why instead of returning NaNs.
	r, err := Compare(&realOnly, "pf", 1.5, 2, nil, nil)
	if !errors.Is(err, ode.ErrNonFinite) || !strings.Contains(err.Error(), "holomorphic") || len(r.Points) != 1 {
		t.Errorf("real PF at hλ = 3: %v", err)
	}
}

func TestNamedBuilder(t *testing.T) {
	p := mustProblem(t, "logcosh")
	a, err := Compare(p, "pf", 1.5, 4, []float64{0.1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compare(p, "label", 1.5, 4, []float64{0.1}, &Settings{Build: Named("pf", nil)})
	if err != nil {
		t.Fatal(err)
	}
	if b.Flow != "label" || a.MaxError != b.MaxError || a.Stats != b.Stats {
		t.Errorf("Named(pf): %v %v, direct %v %v", b.MaxError, b.Stats, a.MaxError, a.Stats)
	}
	if _, err := Compare(p, "x", 1.5, 4, nil, &Settings{Build: Named("nope", nil)}); !errors.Is(err, modified.ErrUnknownFlow) {
		t.Errorf("Named(nope): %v", err)
	}
}
