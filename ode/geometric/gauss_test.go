package geometric

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

func pendulumProblem() Problem[float64] {
	return Problem[float64]{F: func(dy []float64, _ float64, y []float64) {
		dy[0] = y[1]
		dy[1] = -math.Sin(y[0])
	}}
}

func TestGaussTableauConditions(t *testing.T) {
	for s := 1; s <= 4; s++ {
		a, b, c := GaussTableau(s)
		// B(2s): Σ b_i c_i^{k−1} = 1/k; symplecticity b_i a_ij + b_j a_ji = b_i b_j.
		for k := 1; k <= 2*s; k++ {
			sum := 0.0
			for i := range b {
				sum += b[i] * math.Pow(c[i], float64(k-1))
			}
			if math.Abs(sum-1/float64(k)) > 1e-15 {
				t.Errorf("s=%d: B(%d) residual %g", s, k, sum-1/float64(k))
			}
		}
		for i := range b {
			for j := range b {
				// The Vandermonde solve for a_ij loses ~cond(V) ≈ 1e2 for s = 4.
				if r := b[i]*a[i][j] + b[j]*a[j][i] - b[i]*b[j]; math.Abs(r) > 1e-14 {
					t.Errorf("s=%d: symplecticity residual %g at (%d,%d)", s, r, i, j)
				}
			}
		}
	}
}

func TestGaussOrders(t *testing.T) {
	// Error windows as in TestSplittingOrders: between ~1e−3 and ~1e−12.
	ns := map[int][]int{1: {50, 100, 200, 400}, 2: {10, 20, 40, 80}, 3: {20, 28, 40, 56}, 4: {12, 16, 20, 24}}
	for _, solver := range []NonlinearSolver{FixedPoint, Newton} {
		for s := 1; s <= 4; s++ {
			var hs, errs []float64
			for _, n := range ns[s] {
				h := 2 * math.Pi / float64(n)
				sol, err := gauss(pendulumProblem(), 0, []float64{0, 1}, h, n, &GaussSettings{Stages: s, Solver: solver})
				if err != nil {
					t.Fatal(err)
				}
				y := sol.Y[len(sol.Y)-1]
				hs = append(hs, h)
				errs = append(errs, math.Max(math.Abs(y[0]-pendQ), math.Abs(y[1]-pendP)))
			}
			got := slope(hs, errs)
			t.Logf("solver %d s=%d: observed order %.3f errors %.2e", solver, s, got, errs)
			if math.Abs(got-float64(2*s)) > 0.1 {
				t.Errorf("solver %d s=%d: observed order %.3f want %d", solver, s, got, 2*s)
			}
		}
	}
}

// Quadratic invariants: the angular momentum L = q1 p2 − q2 p1 of Kepler's
// problem is preserved by every Gauss method to round-off, for any step size.
func TestGaussQuadraticInvariant(t *testing.T) {
	kep := Problem[float64]{F: func(dy []float64, _ float64, y []float64) {
		r3 := math.Pow(y[0]*y[0]+y[1]*y[1], 1.5)
		dy[0], dy[1] = y[2], y[3]
		dy[2], dy[3] = -y[0]/r3, -y[1]/r3
	}}
	e := 0.5
	y0 := []float64{1 - e, 0, 0, math.Sqrt((1 + e) / (1 - e))}
	L0 := y0[0]*y0[3] - y0[1]*y0[2]
	for s := 1; s <= 4; s++ {
		for _, solver := range []NonlinearSolver{FixedPoint, Newton} {
			sol, err := gauss(kep, 0, y0, 2*math.Pi/200, 2000, &GaussSettings{Stages: s, Solver: solver, Compensated: true})
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for _, y := range sol.Y {
				worst = math.Max(worst, math.Abs(y[0]*y[3]-y[1]*y[2]-L0))
			}
			// 2000 steps, each adding O(eps) round-off to L ≈ 1.7: a random
			// walk of ~√2000·eps·few ≈ 1e−14; 1e−13 leaves margin but is still
			// 1e8 below the O(h^{2s}) energy error of the method.
			if worst > 1e-13 {
				t.Errorf("s=%d solver %d: angular momentum drift %g", s, solver, worst)
			}
		}
	}
}

// Complex states: the rotation y' = i y preserves |y|² (a quadratic
// invariant, via y·ȳ), and the Gauss solution is the Padé approximant.
func TestGaussComplexRotation(t *testing.T) {
	prob := Problem[complex128]{
		F:   func(dy []complex128, _ float64, y []complex128) { dy[0] = 1i * y[0] },
		Jac: func(j []complex128, _ float64, _ []complex128) { j[0] = 1i },
	}
	for s := 1; s <= 4; s++ {
		sol, err := gauss(prob, 0, []complex128{1}, 0.5, 1000, &GaussSettings{Stages: s, Solver: Newton})
		if err != nil {
			t.Fatal(err)
		}
		y := sol.Y[len(sol.Y)-1][0]
		// 1000 steps of round-off ~eps each.
		if d := math.Abs(cmplx.Abs(y) - 1); d > 1e-13 {
			t.Errorf("s=%d: |y| − 1 = %g", s, d)
		}
	}
	// s = 1 is the Cayley transform (1 + ih/2)/(1 − ih/2) exactly.
	sol, _ := implicitMidpoint(prob, 0, []complex128{1}, 0.5, 1, &GaussSettings{Solver: Newton})
	want := (1 + 0.25i) / (1 - 0.25i)
	if d := cmplx.Abs(sol.Y[1][0] - want); d > 4e-16 {
		t.Errorf("midpoint = %v want %v", sol.Y[1][0], want)
	}
}

func TestGaussNoConvergence(t *testing.T) {
	// Stiff linear decay y' = −1e4 y with h = 1: fixed-point iteration
	// diverges (h·L·‖A‖ ≫ 1); Newton solves it exactly in one iteration.
	prob := Problem[float64]{F: func(dy []float64, _ float64, y []float64) { dy[0] = -1e4 * y[0] }}
	sol, err := gauss(prob, 0, []float64{1}, 1, 3, &GaussSettings{Stages: 2})
	if !errors.Is(err, ode.ErrNoConvergence) {
		t.Fatalf("err = %v, want ErrNoConvergence", err)
	}
	if sol == nil || len(sol.Y) != 1 {
		t.Fatalf("partial solution missing")
	}
	sol, err = gauss(prob, 0, []float64{1}, 1, 3, &GaussSettings{Stages: 2, Solver: Newton})
	if err != nil {
		t.Fatal(err)
	}
	// Gauss s=2 stability function: the (2,2) Padé approximant of e^z.
	z := -1e4
	r := (1 + z/2 + z*z/12) / (1 - z/2 + z*z/12)
	// The update y + hΣb_i f_i sums terms of size |z|·|Y_i| ≈ 1e4 that
	// cancel to O(1): 1e4·eps ≈ 2e−12 per step, three steps.
	if d := math.Abs(sol.Y[3][0] - r*r*r); d > 1e-11 {
		t.Errorf("y(3) = %v want %v", sol.Y[3][0], r*r*r)
	}
}

func TestGaussInvalid(t *testing.T) {
	p := pendulumProblem()
	for _, c := range []struct {
		h  float64
		y0 []float64
	}{{0, []float64{0, 1}}, {-1, []float64{0, 1}}, {math.NaN(), []float64{0, 1}}, {0.1, []float64{math.NaN(), 1}}} {
		if _, err := gauss(p, 0, c.y0, c.h, 10, nil); !errors.Is(err, ode.ErrInvalidSettings) {
			t.Errorf("h=%v y0=%v: err = %v", c.h, c.y0, err)
		}
	}
}

// Compositions over the symmetric implicit midpoint rule (order 2): raised
// to 4 by the triple jump and to 8 by Kahan–Li (coefficients designed for a
// second-order base).
func TestGaussComposition(t *testing.T) {
	for _, c := range []struct {
		name  string
		gamma []float64
		order float64
		ns    []int
	}{
		{"midpoint∘triple-jump", TripleJump4, 4, []int{20, 40, 80, 160}},
		{"midpoint∘kahan-li8", KahanLi8, 8, []int{16, 20, 24, 28}},
	} {
		var hs, errs []float64
		for _, n := range c.ns {
			h := 2 * math.Pi / float64(n)
			sol, err := gauss(pendulumProblem(), 0, []float64{0, 1}, h, n, &GaussSettings{Stages: 1, Composition: c.gamma})
			if err != nil {
				t.Fatal(err)
			}
			y := sol.Y[len(sol.Y)-1]
			hs = append(hs, h)
			errs = append(errs, math.Max(math.Abs(y[0]-pendQ), math.Abs(y[1]-pendP)))
		}
		got := slope(hs, errs)
		t.Logf("%s: observed order %.3f errors %.2e", c.name, got, errs)
		if math.Abs(got-c.order) > 0.1 {
			t.Errorf("%s: order %.3f want %v", c.name, got, c.order)
		}
	}
	if _, err := gauss(pendulumProblem(), 0, []float64{0, 1}, 0.1, 1, &GaussSettings{Composition: []float64{0.5, 0.4}}); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("bad composition: %v", err)
	}
}
