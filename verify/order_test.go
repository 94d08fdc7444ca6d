package verify

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// On the diagonal quadratic the one-step error of the NGF is known in
// closed form, |e^{−hλ} − (1 − hλ)| per component: LocalOrder must
// reproduce the errors and the regression of an independent fit.
func TestLocalOrderQuadraticClosedForm(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := p.Start()
	o, err := LocalOrder(p, "ngf", 0.1, 5, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.H) != 6 || len(o.Err) != 6 || len(o.Local) != 5 || len(o.IntegratorErr) != 6 {
		t.Fatalf("ladder lengths %d %d %d", len(o.H), len(o.Err), len(o.Local))
	}
	x := make([]float64, 6)
	y := make([]float64, 6)
	for k, h := range o.H {
		if h != 0.1/math.Exp2(float64(k)) {
			t.Errorf("rung %d: h = %v", k, h)
		}
		e0 := (math.Exp(-2*h) - (1 - 2*h)) * x0[0]
		e1 := (math.Exp(-0.02*h) - (1 - 0.02*h)) * x0[1]
		want := math.Hypot(e0, e1)
		// The error is ~1e-2…1e-5; the integrator contributes ~1e-16.
		if math.Abs(o.Err[k]-want) > 1e-13 {
			t.Errorf("rung %d: error %v, want %v", k, o.Err[k], want)
		}
		x[k], y[k] = math.Log(h), math.Log(want)
	}
	a, b := stat.LinearRegression(x, y, nil, false)
	if math.Abs(o.Slope-b) > 1e-8 || math.Abs(o.Intercept-a) > 1e-7 {
		t.Errorf("fit %v + %v·log h, independent fit %v + %v", o.Intercept, o.Slope, a, b)
	}
	if math.Abs(o.Slope-2) > 0.05 {
		t.Errorf("NGF local order %v, want 2", o.Slope)
	}
}

// The fit of an exact power law has zero residual and zero spread; noise
// shows in both.
func TestOrderFit(t *testing.T) {
	o := &Order{}
	for k := range 5 {
		h := 0.2 / math.Exp2(float64(k))
		o.H = append(o.H, h)
		o.Err = append(o.Err, 3*math.Pow(h, 2.5))
	}
	o.fit()
	if math.Abs(o.Slope-2.5) > 1e-12 || math.Abs(o.Intercept-math.Log(3)) > 1e-11 || o.StdErr > 1e-12 || o.Spread > 1e-12 {
		t.Errorf("power law: %+v", o)
	}
	o.Err[2] *= 1.5
	o.fit()
	if o.StdErr < 0.01 || o.Spread < 0.1 {
		t.Errorf("perturbed point not visible: StdErr %v, Spread %v", o.StdErr, o.Spread)
	}
	// Pairwise slopes log2(e_k/e_{k+1}) around the perturbed rung:
	// 2.5 − log2(1.5) then 2.5 + log2(1.5).
	if math.Abs(o.Local[1]-(2.5-math.Log2(1.5))) > 1e-12 || math.Abs(o.Local[2]-(2.5+math.Log2(1.5))) > 1e-12 {
		t.Errorf("pairwise slopes %v", o.Local)
	}
}

// Global error at T = 2 of the NGF on the quadratic, in closed form.
func TestGlobalOrderQuadraticClosedForm(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := p.Start()
	const T = 2.0
	o, err := GlobalOrder(p, "ngf", T, 0.1, 4, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, h := range o.H {
		n := math.Round(T / h)
		e0 := (math.Exp(-2*T) - math.Pow(1-2*h, n)) * x0[0]
		e1 := (math.Exp(-0.02*T) - math.Pow(1-0.02*h, n)) * x0[1]
		if want := math.Hypot(e0, e1); math.Abs(o.Err[k]-want) > 1e-12 {
			t.Errorf("rung %d: error %v, want %v", k, o.Err[k], want)
		}
	}
	if math.Abs(o.Slope-1) > 0.05 {
		t.Errorf("NGF global order %v, want 1", o.Slope)
	}
}

func TestOrderBadInput(t *testing.T) {
	p := mustProblem(t, "cubic")
	if _, err := LocalOrder(p, "ngf", 0.1, 3, nil, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("3 halvings: %v", err)
	}
	if _, err := LocalOrder(p, "ngf", -0.1, 4, nil, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("negative h0: %v", err)
	}
	if _, err := GlobalOrder(p, "ngf", 1.05, 0.1, 4, nil, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("T not a multiple of h0: %v", err)
	}
	if _, err := GlobalOrder(p, "ngf", math.NaN(), 0.1, 4, nil, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("T NaN: %v", err)
	}
	// The PF is exact on a quadratic: there is no order to measure.
	q := mustProblem(t, "saddle")
	if o, err := LocalOrder(q, "pf", 0.1, 4, nil, nil); !errors.Is(err, ErrInvalidInput) || o == nil {
		t.Errorf("exact flow: %v", err)
	}
}
