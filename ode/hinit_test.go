package ode

import (
	"errors"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/internal/benchprob"
)

// benchAdaptive are the adaptive methods of the benchmark table.
var benchAdaptive = []*Tableau{DOPRI5, Tsit5, DOP853, Vern7, Vern9}

// TestHinitTinyATol is `pflow bench -problem vanderpol -rtol 1e-13
// -atol 1e-300`: with y0 = (2, 0) the weight of the second component is
// sk = 1e-300, so (f0/sk)² = (2000/1e-300)² overflows and HINIT used to
// return h = 0. Hairer's formula in exact arithmetic gives
// h0 = 0.01·d0/d1 with d0 = 2/(1e-300 + 2e-13), d1 = 2000/1e-300 (y0_2 = 0
// and f0_1 = 0 contribute nothing), and h = 100·h0 because
// h1 = (0.01/max(d1, d2))^(1/p) ≥ (0.01/d2)^(1/8) is far larger (d2 is the
// Euler trial's ‖Δf‖/h0 ≈ 1e16, d1 = 2e303: h1 ≈ 1e-61 for p = 5).
func TestHinitTinyATol(t *testing.T) {
	p := benchprob.NewVanDerPol()
	const rtol, atol = 1e-13, 1e-300
	d0 := 2 / (atol + rtol*2)
	d1 := 2000 / atol
	want := 100 * (0.01 * (d0 / d1))
	for _, m := range benchAdaptive {
		s := &Settings[float64]{RTol: rtol, ATol: atol, MaxSteps: 1_000_000}
		it, err := NewIntegrator(ProblemOf(p.F), 0, p.T1, p.Y0, m, s)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		// The same two divisions and products in another order: a few ulp.
		if h := it.H(); math.Abs(h-want) > 4e-16*want {
			t.Errorf("%s: initial step %v, want Hairer's 100·h0 = %v", m.Name, h, want)
		}
		for it.Step() {
		}
		if err := it.Err(); err != nil {
			t.Errorf("%s: %v", m.Name, err)
			continue
		}
		// Against the 30-digit reference: every method reaches ≤ 4e-14 at
		// rtol = 1e-13 (measured), the error an rtol = atol = 1e-13 run has
		// too; 1e-11 leaves two orders for platform rounding and says that
		// the step sequence after the tiny start is an ordinary one.
		if e := p.Error(it.Y()); !(e < 1e-11) {
			t.Errorf("%s: error %v against the reference", m.Name, e)
		}
	}
}

// TestHinitHugeF is `pflow trajectory -problem quadratic2d -flow igr
// -lr 1e150`: the implicit-gradient-regularisation flow of
// E = θᵀdiag(1, 0.01)θ is θ' = −(H + (h/2)H²)θ with H = diag(2, 0.02) and
// h = 1e150, so f0 ≈ 1e150 and ‖f0/sk‖² ≈ 1e324 overflowed. HINIT must give
// Hairer's h = 100·h0 (h1 ≈ (1e-314)^(1/8) is far larger), and the run,
// which needs ~1e300 explicit steps to reach t = 3h, must end with the step
// budget, not with "step size below minimum: |h| below 0".
func TestHinitHugeF(t *testing.T) {
	const lr = 1e150
	a := [2]float64{2 + lr/2*4, 0.02 + lr/2*4e-4}
	f := func(dy []float64, _ float64, y []float64) {
		dy[0], dy[1] = -a[0]*y[0], -a[1]*y[1]
	}
	y0 := []float64{-0.35, -0.2}
	const rtol, atol = 1e-12, 1e-14 // verify's defaults, used by trajectory
	sk := func(y float64) float64 { return atol + rtol*math.Abs(y) }
	d0 := math.Hypot(y0[0]/sk(y0[0]), y0[1]/sk(y0[1]))
	d1 := math.Hypot(a[0]*y0[0]/sk(y0[0]), a[1]*y0[1]/sk(y0[1]))
	want := 100 * (0.01 * (d0 / d1))
	s := &Settings[float64]{RTol: rtol, ATol: atol, MaxSteps: 2000}
	it, err := NewIntegrator(ProblemOf(f), 0, 3*lr, y0, DOP853, s)
	if err != nil {
		t.Fatal(err)
	}
	// math.Hypot and the scaled sum of squares differ by a few ulp.
	if h := it.H(); math.Abs(h-want) > 1e-15*want {
		t.Errorf("initial step %v, want Hairer's 100·h0 = %v", h, want)
	}
	for it.Step() {
	}
	err = it.Err()
	if !errors.Is(err, ErrMaxSteps) || strings.Contains(err.Error(), "below 0") {
		t.Errorf("err = %v, want the step budget", err)
	}
	// The flow contracts: the state stays finite and below |y0|.
	if y := it.Y(); !(math.Abs(y[0]) <= 0.35 && math.Abs(y[1]) <= 0.2) || it.T() <= 0 {
		t.Errorf("stopped at t = %v with y = %v", it.T(), y)
	}
}

// TestHinitHugeFComplex: the same overflow with a complex state,
// y' = −(1 + i)·1e150·y, where d1 = √2·1e150·‖y0/sk‖.
func TestHinitHugeFComplex(t *testing.T) {
	c := complex(1e150, 1e150)
	f := func(dy []complex128, _ float64, y []complex128) {
		for i := range y {
			dy[i] = -c * y[i]
		}
	}
	y0 := []complex128{1, 1i}
	const tol = 1e-10
	for _, m := range benchAdaptive {
		it, err := NewIntegrator(ProblemOf(f), 0, 1, y0, m, &Settings[complex128]{RTol: tol, ATol: tol, MaxSteps: 200})
		if err != nil {
			t.Fatal(err)
		}
		// d0/d1 = 1/|c| exactly in real arithmetic (every component has the
		// same weight); h = 100·0.01/|c|.
		want := 1 / cmplx.Abs(c)
		if h := it.H(); math.Abs(h-want) > 1e-15*want {
			t.Errorf("%s: initial step %v, want %v", m.Name, h, want)
		}
		for it.Step() {
		}
		if err := it.Err(); !errors.Is(err, ErrMaxSteps) {
			t.Errorf("%s: err = %v, want the step budget", m.Name, err)
		}
	}
}

// TestHinitZeroWeights: a component with atol_i = 0 and y0_i = 0 has
// sk_i = 0; with f0_i ≠ 0 its weighted derivative is infinite (Hairer's
// formula gives h0 = 0) and with f0_i = 0 it is 0/0. Both must start with a
// positive step and integrate y' = (1, −y2, 0), y0 = (0, 1, 0), whose
// solution is (t, e^{−t}, 0).
func TestHinitZeroWeights(t *testing.T) {
	f := func(dy []float64, _ float64, y []float64) { dy[0], dy[1], dy[2] = 1, -y[1], 0 }
	for _, dir := range []float64{1, -1} {
		s := &Settings[float64]{RTol: 1e-10, ATolVec: []float64{0, 1e-10, 0}}
		sol, err := Solve(ProblemOf(f), 0, dir, []float64{0, 1, 0}, DOPRI5, s)
		if err != nil {
			t.Fatalf("t1 = %v: %v", dir, err)
		}
		y := sol.Y[len(sol.Y)-1]
		// rtol = 1e-10 on O(1) values: global errors of a few 1e-10.
		if math.Abs(y[0]-dir) > 1e-9 || math.Abs(y[1]-math.Exp(-dir)) > 1e-9 || y[2] != 0 {
			t.Errorf("t1 = %v: y = %v", dir, y)
		}
	}
}

// TestNonFiniteF0: f(t0, y0) = Inf is reported as such, naming the
// component, before any step is chosen.
func TestNonFiniteF0(t *testing.T) {
	f := func(dy []float64, _ float64, y []float64) { dy[0], dy[1] = y[1], 1/y[0] }
	_, err := Solve(ProblemOf(f), 0, 1, []float64{0, 1}, DOPRI5, nil)
	if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "f(t0, y0)[1] = +Inf") {
		t.Errorf("err = %v", err)
	}
}
