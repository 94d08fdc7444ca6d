package modified

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// flowAt integrates f from x0 over [0, t] with n fixed DOP853 steps and
// returns the end point.
func flowAt[T linalg.Scalar](tb testing.TB, f *Flow[T], x0 []T, t float64, n int) []T {
	tb.Helper()
	sol, err := ode.Solve(ode.ProblemOf(f.F), 0, t, x0, ode.DOP853, f.Wire(&ode.Settings[T]{Steps: n}))
	if err != nil {
		tb.Fatal(err)
	}
	return sol.Y[len(sol.Y)-1]
}

func diffNorm[T linalg.Scalar](a, b []T) float64 {
	d := make([]T, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return linalg.Norm2(d)
}

// oneStepErrors returns ‖θ_flow(h) − (θ0 − h∇E(θ0))‖ for each h, the flow
// integrated with 8 fixed DOP853 steps; it fails the test unless the
// integration error (8 against 16 steps) is below 1e-3 of the measured
// error or at round-off level.
func oneStepErrors(t *testing.T, p *problems.Problem, x0 []float64, hs []float64, build func(h float64) (*Flow[float64], error)) []float64 {
	t.Helper()
	errs := make([]float64, len(hs))
	for j, h := range hs {
		fl, err := build(h)
		if err != nil {
			t.Fatal(err)
		}
		y := flowAt(t, fl, x0, h, 8)
		y2 := flowAt(t, fl, x0, h, 16)
		gd := GDStep(make([]float64, len(x0)), &p.Real, x0, h, nil)
		errs[j] = diffNorm(y, gd)
		// DOP853 has order 8: with step h/8 ≤ 0.00625 its error is
		// ~1e-18·C, far below the errors measured (≥ 1e-13).
		if ie := diffNorm(y, y2); ie > 1e-3*errs[j] && ie > 1e-15 {
			t.Fatalf("%s h=%v: integrator error %.2e not negligible against %.2e", p.Name, h, ie, errs[j])
		}
	}
	return errs
}

// checkOrders asserts log2(e_j/e_{j+1}) = want ± 0.15 for halving h.
func checkOrders(t *testing.T, label string, errs []float64, want float64) {
	t.Helper()
	for j := 0; j+1 < len(errs); j++ {
		ord := math.Log2(errs[j] / errs[j+1])
		if math.Abs(ord-want) > 0.15 {
			t.Errorf("%s: observed order %.3f between h_%d and h_%d, want %v ± 0.15 (errors %.3e)", label, ord, j, j+1, want, errs)
		}
	}
}

// The flow of order q reproduces one GD step up to O(h^(q+2)): observed
// orders 2/3/4/5 for ngf/igr/bea3/bea4 (docs/theory.md) on the paper's 1-D
// local-error problems from θ0 = 0.5 and on two multi-dimensional problems
// where H, D³E[g,g] and D³E[g,Hg] point in different directions (which
// tests the split of the order-3 terms, invisible in 1-D).
func TestBEALocalOrder(t *testing.T) {
	hs := []float64{0.05, 0.025, 0.0125, 0.00625}
	cases := []struct {
		name string
		x0   []float64
		hs   []float64
	}{
		{"cubic", []float64{0.5}, hs},
		{"quartic", []float64{0.5}, hs},
		{"logcosh", []float64{0.5}, hs},
		{"monkeysaddle", []float64{0.3, 0.2}, hs},
		{"deeplinear:k=3", []float64{0.6, 0.9, 1.3}, []float64{0.04, 0.02, 0.01, 0.005}},
	}
	for _, c := range cases {
		p := mustProblem(t, c.name)
		for order := 0; order <= MaxBEAOrder; order++ {
			errs := oneStepErrors(t, p, c.x0, c.hs, func(h float64) (*Flow[float64], error) {
				return NewBEA[float64](p, h, order)
			})
			checkOrders(t, c.name+"/"+beaNames[order], errs, float64(order+2))
		}
	}
}

// Complex mode started on the real axis equals real mode.
func TestBEAComplexOnRealAxis(t *testing.T) {
	for _, name := range []string{"cubic", "logcosh", "monkeysaddle", "deeplinear:k=3"} {
		p := mustProblem(t, name)
		x0 := make([]float64, p.Dim)
		for i := range x0 {
			x0[i] = 0.3 + 0.2*float64(i)
		}
		z0 := linalg.ToComplex(make([]complex128, p.Dim), x0)
		for order := 0; order <= MaxBEAOrder; order++ {
			fr, err := New[float64](beaNames[order], p, 0.2, nil)
			if err != nil {
				t.Fatal(err)
			}
			fc, err := New[complex128](beaNames[order], p, 0.2, nil)
			if err != nil {
				t.Fatal(err)
			}
			yr := flowAt(t, fr, x0, 0.4, 8)
			yc := flowAt(t, fc, z0, 0.4, 8)
			for i := range yr {
				// Identical operations on the real parts; complex products
				// with zero imaginary parts are exact: a few ulps at most.
				if math.Abs(real(yc[i])-yr[i]) > 1e-15*(1+math.Abs(yr[i])) || imag(yc[i]) != 0 {
					t.Errorf("%s %s: complex %v real %v", name, beaNames[order], yc[i], yr[i])
				}
			}
		}
	}
}

// At a complex point the order-3 field of the cubic E = θ²/2 + θ³/3
// (g = θ + θ², H = 1 + 2θ, E‴ = 2) has the closed form
// −g − (h/2)Hg − h²(H²g/3 + g²/6) − h³(H³g/4 + Hg²/6 + g²H/6).
func TestBEAComplexClosedForm(t *testing.T) {
	p := mustProblem(t, "cubic")
	h := 0.7
	for _, z := range []complex128{complex(0.3, 0.4), complex(-1.2, 0.9), complex(2, -3)} {
		g, H := z+z*z, 1+2*z
		want := []complex128{
			-g,
			-g - complex(h/2, 0)*H*g,
			-g - complex(h/2, 0)*H*g - complex(h*h, 0)*(H*H*g/3+g*g/6),
			-g - complex(h/2, 0)*H*g - complex(h*h, 0)*(H*H*g/3+g*g/6) - complex(h*h*h, 0)*(H*H*H*g/4+H*g*g/6+g*H*g/6),
		}
		for order := range want {
			f, err := NewBEA[complex128](p, h, order)
			if err != nil {
				t.Fatal(err)
			}
			dy := []complex128{0}
			f.F(dy, 0, []complex128{z})
			// A dozen roundings on numbers of size |w|: 1e-15 relative.
			if d := cmplx.Abs(dy[0] - want[order]); d > 1e-15*cmplx.Abs(want[order]) {
				t.Errorf("z=%v order %d: %v want %v", z, order, dy[0], want[order])
			}
		}
	}
}

func TestBEABadInput(t *testing.T) {
	p := mustProblem(t, "cubic")
	for _, order := range []int{-1, MaxBEAOrder + 1} {
		if _, err := NewBEA[float64](p, 0.1, order); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("order %d: %v", order, err)
		}
	}
	if _, err := NewBEA[float64](p, math.Inf(1), 1); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("h=Inf: %v", err)
	}
	noD3 := *p
	noD3.Real.D3 = nil
	if _, err := NewBEA[float64](&noD3, 0.1, 2); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("missing D3: %v", err)
	}
	if _, err := NewBEA[float64](&noD3, 0.1, 1); err != nil {
		t.Errorf("igr does not need D3: %v", err)
	}
	real := *p
	real.Complex = nil
	for _, name := range beaNames {
		if _, err := New[complex128](name, &real, 0.1, nil); !errors.Is(err, problems.ErrNotHolomorphic) {
			t.Errorf("%s complex on non-holomorphic problem: %v", name, err)
		}
	}
}

// The order-0…3 fields use no allocation per evaluation.
func TestBEANoAlloc(t *testing.T) {
	p := mustProblem(t, "logreg")
	for order := 0; order <= MaxBEAOrder; order++ {
		f, err := NewBEA[float64](p, 0.1, order)
		if err != nil {
			t.Fatal(err)
		}
		y, dy := make([]float64, p.Dim), make([]float64, p.Dim)
		if a := testing.AllocsPerRun(10, func() { f.F(dy, 0, y) }); a != 0 {
			t.Errorf("order %d: %v allocations per evaluation", order, a)
		}
	}
}
