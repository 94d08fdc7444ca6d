package stiff

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"github.com/pflow-go/pflow/ode"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// φ₁ of a scalar against expm1(z)/z (accurate for small z, where the naive
// (e^z − 1)/z loses all digits), and of a complex scalar against its series.
func TestPhi1Scalar(t *testing.T) {
	for _, z := range []float64{1e-12, 1e-6, 0.3, -2, -50, 5} {
		ph := make([]float64, 1)
		ExpPhi1(nil, ph, []float64{z}, 1)
		want := math.Expm1(z) / z
		// Scaling and squaring of the 2×2 augmented matrix: a few eps.
		if d := math.Abs(ph[0] - want); d > 1e-14*math.Abs(want) {
			t.Errorf("φ1(%g) = %.17g want %.17g", z, ph[0], want)
		}
	}
	for _, z := range []complex128{1e-9 + 1e-9i, 0.5 - 2i, -3 + 40i} {
		ph := make([]complex128, 1)
		ex := make([]complex128, 1)
		ExpPhi1(ex, ph, []complex128{z}, 1)
		var want complex128
		if cmplx.Abs(z) < 1e-3 {
			want = 1 + z/2 + z*z/6
		} else {
			want = (cmplx.Exp(z) - 1) / z
		}
		if d := cmplx.Abs(ph[0] - want); d > 1e-13*cmplx.Abs(want) {
			t.Errorf("φ1(%v) = %v want %v", z, ph[0], want)
		}
		if d := cmplx.Abs(ex[0] - cmplx.Exp(z)); d > 1e-13*cmplx.Abs(cmplx.Exp(z)) {
			t.Errorf("exp(%v) = %v", z, ex[0])
		}
	}
	// Singular matrix: φ₁([[0, 1], [0, 0]]) = [[1, 1/2], [0, 1]].
	ph := make([]float64, 4)
	ExpPhi1(nil, ph, []float64{0, 1, 0, 0}, 2)
	if ph[0] != 1 || math.Abs(ph[1]-0.5) > 1e-16 || ph[2] != 0 || ph[3] != 1 {
		t.Errorf("φ1(nilpotent) = %v", ph)
	}
}

// Exponential Euler and exponential Rosenbrock–Euler are exact on the stiff
// linear problem y' = Ay + b (A with eigenvalues down to −1e4), for a step
// h = 0.5 that is 1e3 times the explicit stability limit. The reference is
// the exponential of the augmented matrix [[A, b], [0, 0]] by gonum.
func TestExponentialExactLinear(t *testing.T) {
	a := []float64{-1e4, 1, 0, -2, -1, 3, 0, -3, -0.5}
	b := []float64{1, -2, 0.5}
	y0 := []float64{1, 1, 1}
	const h, steps = 0.5, 6
	aug := mat.NewDense(4, 4, nil)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			aug.Set(i, j, a[3*i+j]*h*steps)
		}
		aug.Set(i, 3, b[i]*h*steps)
	}
	var e mat.Dense
	e.Exp(aug)
	want := make([]float64, 3)
	for i := 0; i < 3; i++ {
		want[i] = e.At(i, 3)
		for j := 0; j < 3; j++ {
			want[i] += e.At(i, j) * y0[j]
		}
	}
	sl := SemiLinear[float64]{L: a, N: func(dy []float64, _ float64, _ []float64) { copy(dy, b) }}
	s1, err := expEuler(sl, 0, y0, h, steps)
	if err != nil {
		t.Fatal(err)
	}
	f := func(dy []float64, _ float64, y []float64) {
		for i := 0; i < 3; i++ {
			dy[i] = a[3*i]*y[0] + a[3*i+1]*y[1] + a[3*i+2]*y[2] + b[i]
		}
	}
	s2, err := expRosenbrockEuler(Problem[float64]{F: f}, 0, y0, h, steps)
	if err != nil {
		t.Fatal(err)
	}
	s3, err := expRosenbrockEuler(Problem[float64]{F: f, Jac: func(j []float64, _ float64, _ []float64) { copy(j, a) }}, 0, y0, h, steps)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*ode.Solution[float64]{"expeuler": s1, "exprosenbrock-fdjac": s2, "exprosenbrock": s3} {
		y := s.Y[len(s.Y)-1]
		// Scaling and squaring of a matrix of norm ‖hA‖ ≈ 5e3 (and 3e4 for
		// the reference) takes ~15 squarings; its forward error bound is of
		// order ‖A‖·eps ≈ 3e4·1.1e−16 ≈ 3e−12 relative (Higham 2008, 10.3).
		tol := 1e-11
		if name == "exprosenbrock-fdjac" {
			tol = 1e-6 // FD Jacobian of a linear f: error ~√eps·|A|/|A| relative
		}
		for i := range y {
			if d := math.Abs(y[i] - want[i]); d > tol*(1+math.Abs(want[i])) {
				t.Errorf("%s: y[%d] = %.16g want %.16g", name, i, y[i], want[i])
			}
		}
	}
}

// Observed orders on the semi-linear problem y' = −2y + sin(y) + 1 on
// [0, 1] (mild λ so that the error at T reflects the local errors rather
// than the equilibrium); reference: Radau5 at tolerance 1e−13.
func TestExponentialOrders(t *testing.T) {
	lam := -2.0
	nl := func(dy []float64, _ float64, y []float64) { dy[0] = math.Sin(y[0]) + 1 }
	full := func(dy []float64, _ float64, y []float64) { dy[0] = lam*y[0] + math.Sin(y[0]) + 1 }
	y0 := []float64{2}
	T := 1.0
	ref, err := radau5(Problem[float64]{F: full}, 0, T, y0, &Settings{RTol: 1e-13, ATol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	yref := ref.Y[len(ref.Y)-1][0]
	for _, c := range []struct {
		name  string
		order float64
		run   func(h float64, n int) float64
	}{
		{"expeuler", 1, func(h float64, n int) float64 {
			s, _ := expEuler(SemiLinear[float64]{L: []float64{lam}, N: nl}, 0, y0, h, n)
			return s.Y[n][0]
		}},
		{"exprosenbrock", 2, func(h float64, n int) float64 {
			s, _ := expRosenbrockEuler(Problem[float64]{F: full, Jac: func(j []float64, _ float64, y []float64) { j[0] = lam + math.Cos(y[0]) }}, 0, y0, h, n)
			return s.Y[n][0]
		}},
	} {
		var lh, le []float64
		for _, n := range []int{20, 40, 80, 160} {
			h := T / float64(n)
			lh = append(lh, math.Log(h))
			le = append(le, math.Log(math.Abs(c.run(h, n)-yref)))
		}
		_, slope := stat.LinearRegression(lh, le, nil, false)
		t.Logf("%s: observed order %.3f", c.name, slope)
		if math.Abs(slope-c.order) > 0.1 {
			t.Errorf("%s: order %.3f want %v", c.name, slope, c.order)
		}
	}
}

func TestExponentialInvalid(t *testing.T) {
	sl := SemiLinear[float64]{L: []float64{math.NaN()}, N: func(dy []float64, _ float64, _ []float64) { dy[0] = 0 }}
	if _, err := expEuler(sl, 0, []float64{1}, 0.1, 3); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("NaN L: %v", err)
	}
	sl.L[0] = -1
	if _, err := expEuler(sl, 0, []float64{1}, 0, 3); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("h = 0: %v", err)
	}
	// y' = y² blows up at t = 1: the state or the Jacobian becomes
	// non-finite and the partial solution comes back with ErrNonFinite.
	p := Problem[float64]{F: func(dy []float64, _ float64, y []float64) { dy[0] = y[0] * y[0] }}
	sol, err := expRosenbrockEuler(p, 0, []float64{1}, 0.3, 100)
	if !errors.Is(err, ode.ErrNonFinite) || sol == nil {
		t.Errorf("blow-up: %v", err)
	}
}
