package modified

import (
	"errors"
	"math"
	"math/cmplx"
	"strconv"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

func mustProblem(t testing.TB, name string) *problems.Problem {
	t.Helper()
	p, err := problems.ByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// On the paper's toy quadratic E = θᵀdiag(1, 0.01)θ the GD iterate has the
// closed form θ_n = (1 − 2h)^n θ_{0,1}, (1 − 0.02h)^n θ_{0,2}.
func TestGDQuadraticClosedForm(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := []float64{-0.35, -0.2}
	for _, h := range []float64{0.5, 0.9, 1.0, 1.05} {
		const n = 50
		r, err := GD(p, x0, h, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Steps() != n || len(r.Loss) != n+1 || len(r.Rates) != n || len(r.GradNorm) != n {
			t.Fatalf("h=%v: lengths %d %d %d %d", h, len(r.Iterates), len(r.Loss), len(r.Rates), len(r.GradNorm))
		}
		for k, th := range r.Iterates {
			want := []float64{math.Pow(1-2*h, float64(k)) * x0[0], math.Pow(1-0.02*h, float64(k)) * x0[1]}
			for i := range want {
				// Each step rounds once per component (relative eps); math.Pow
				// is correctly rounded to 1 ulp; 50 steps: ≤ 1e-13 relative.
				if d := math.Abs(th[i] - want[i]); d > 1e-13*math.Abs(want[i])+1e-300 {
					t.Fatalf("h=%v k=%d i=%d: %v want %v", h, k, i, th[i], want[i])
				}
			}
			e := th[0]*th[0] + 0.01*th[1]*th[1]
			if math.Abs(r.Loss[k]-e) > 1e-14*e+1e-300 {
				t.Fatalf("loss %d: %v want %v", k, r.Loss[k], e)
			}
		}
	}
	if x0[0] != -0.35 || x0[1] != -0.2 {
		t.Fatal("x0 modified")
	}
}

// Complex GD started on the real axis stays on it and equals real GD
// exactly (the holomorphic extension has real values on real inputs).
func TestGDComplexMatchesReal(t *testing.T) {
	for _, name := range []string{"cubic", "logcosh", "rosenbrock", "himmelblau"} {
		p := mustProblem(t, name)
		x0 := p.Start()
		if name == "rosenbrock" {
			x0 = []float64{-0.5, 0.3}
		}
		z0 := make([]complex128, len(x0))
		for i, v := range x0 {
			z0[i] = complex(v, 0)
		}
		h := 0.3
		if p.Dim == 2 {
			h = 1e-3
		}
		rr, err := GD(p, x0, h, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := GD(p, z0, h, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k := range rr.Iterates {
			for i := range x0 {
				a, b := rr.Iterates[k][i], rc.Iterates[k][i]
				// Same operations on the real part, zero imaginary part:
				// agreement to a few ulps (complex products add round-off
				// terms that vanish exactly for zero imaginary parts).
				if math.Abs(real(b)-a) > 4e-16*math.Abs(a) || imag(b) != 0 {
					t.Fatalf("%s k=%d: complex %v real %v", name, k, b, a)
				}
			}
		}
	}
}

func TestGDComplexOffAxis(t *testing.T) {
	// log cosh from a complex start: compare with a direct evaluation of
	// θ − h tanh θ in complex arithmetic.
	p := mustProblem(t, "logcosh")
	z := []complex128{complex(0.3, 0.2)}
	r, err := GD(p, z, 0.7, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := z[0]
	for k := 1; k <= 5; k++ {
		w -= 0.7 * cmplx.Tanh(w)
		if cmplx.Abs(r.Iterates[k][0]-w) > 1e-15 {
			t.Fatalf("step %d: %v want %v", k, r.Iterates[k][0], w)
		}
	}
}

func TestGDNotHolomorphic(t *testing.T) {
	p := &problems.Problem{Name: "abs", Dim: 1, Real: mustProblem(t, "cubic").Real}
	_, err := GD(p, []complex128{0.5}, 0.1, 3, nil)
	if !errors.Is(err, problems.ErrNotHolomorphic) {
		t.Fatalf("err = %v, want ErrNotHolomorphic", err)
	}
}

func TestGDBadInput(t *testing.T) {
	p := mustProblem(t, "cubic")
	cases := []struct {
		name string
		x0   []float64
		h    float64
		n    int
		s    *GDSettings[float64]
	}{
		{"nan start", []float64{math.NaN()}, 0.1, 3, nil},
		{"inf start", []float64{math.Inf(1)}, 0.1, 3, nil},
		{"wrong length", []float64{1, 2}, 0.1, 3, nil},
		{"zero rate", []float64{0.5}, 0, 3, nil},
		{"negative rate", []float64{0.5}, -1, 3, nil},
		{"nan rate", []float64{0.5}, math.NaN(), 3, nil},
		{"negative steps", []float64{0.5}, 0.1, -1, nil},
		{"momentum 1", []float64{0.5}, 0.1, 3, &GDSettings[float64]{Momentum: 1}},
		{"momentum nan", []float64{0.5}, 0.1, 3, &GDSettings[float64]{Momentum: math.NaN()}},
		{"bad prev", []float64{0.5}, 0.1, 3, &GDSettings[float64]{Momentum: 0.5, Prev: []float64{1, 2}}},
	}
	for _, c := range cases {
		r, err := GD(p, c.x0, c.h, c.n, c.s)
		if !errors.Is(err, ErrInvalidInput) || r != nil {
			t.Errorf("%s: err = %v, result %v; want ErrInvalidInput and nil", c.name, err, r)
		}
	}
	if _, err := GD[float64](nil, []float64{1}, 0.1, 1, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("nil problem: %v", err)
	}
}

// The cubic θ²/2 + θ³/3 diverges from θ0 = −2 (left of the maximum at −1):
// θ_{k+1} = θ_k − h(θ_k + θ_k²) grows doubly exponentially and overflows.
func TestGDOverflowReportsStep(t *testing.T) {
	p := mustProblem(t, "cubic")
	r, err := GD(p, []float64{-2}, 0.5, 100, nil)
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("err = %v, want ErrDiverged", err)
	}
	// Replay the recurrence to find the first step whose θ, E or ∇E
	// overflows.
	x, k := -2.0, 0
	for ; ; k++ {
		e := x*x/2 + x*x*x/3
		g := x + x*x
		if math.IsInf(x, 0) || math.IsInf(e, 0) || math.IsNaN(e) || math.IsInf(g, 0) {
			break
		}
		x -= 0.5 * g
	}
	if !strings.Contains(err.Error(), "at step "+strconv.Itoa(k)+":") {
		t.Fatalf("err %q does not name step %d", err, k)
	}
	if r == nil || r.Steps() != k-1 {
		t.Fatalf("partial result has %d steps, want %d (iterates θ_0…θ_%d)", r.Steps(), k-1, k-1)
	}
	for _, th := range r.Iterates {
		if math.IsInf(th[0], 0) || math.IsNaN(th[0]) {
			t.Fatal("partial result holds a non-finite iterate")
		}
	}
}

func TestGDRateRule(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := []float64{-0.35, -0.2}
	// h_k = 0.1(k+1): θ_n,1 = Π_k (1 − 0.2(k+1)) θ_0,1.
	var seen []int
	s := &GDSettings[float64]{Rate: func(k int, th, g []float64) float64 {
		seen = append(seen, k)
		// g must be the gradient at θ_k: (2θ₁, 0.02θ₂).
		if math.Abs(g[0]-2*th[0]) > 1e-15 || math.Abs(g[1]-0.02*th[1]) > 1e-17 {
			t.Errorf("rate rule got a gradient %v at %v", g, th)
		}
		return 0.1 * float64(k+1)
	}}
	r, err := GD(p, x0, 0, 4, s)
	if err != nil {
		t.Fatal(err)
	}
	want := x0[0]
	for k := range 4 {
		want *= 1 - 0.2*float64(k+1)
		if r.Rates[k] != 0.1*float64(k+1) {
			t.Fatalf("rate %d = %v", k, r.Rates[k])
		}
	}
	if math.Abs(r.Last()[0]-want) > 1e-16 || len(seen) != 4 || seen[3] != 3 {
		t.Fatalf("θ_4 = %v want %v; rule called at %v", r.Last()[0], want, seen)
	}
	bad := &GDSettings[float64]{Rate: func(k int, _, _ []float64) float64 {
		if k == 2 {
			return math.NaN()
		}
		return 0.1
	}}
	r, err = GD(p, x0, 0, 4, bad)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "step 2") || r.Steps() != 2 {
		t.Fatalf("bad rate: err %v, %d steps", err, r.Steps())
	}
}

// Heavy ball on a 1-D quadratic E = λθ²/2 obeys the linear recurrence
// θ_{k+1} = (1 + β − hλ)θ_k − βθ_{k−1}.
func TestGDMomentumRecurrence(t *testing.T) {
	p := mustProblem(t, "quadratic2d") // λ = 2 and 0.02
	x0 := []float64{-0.35, -0.2}
	prev := []float64{-0.3, -0.25}
	h, beta := 0.3, 0.7
	r, err := GD(p, x0, h, 30, &GDSettings[float64]{Momentum: beta, Prev: prev})
	if err != nil {
		t.Fatal(err)
	}
	for i, lam := range []float64{2, 0.02} {
		a, b := prev[i], x0[i]
		for k := 1; k <= 30; k++ {
			a, b = b, (1+beta-h*lam)*b-beta*a
			// Same recurrence in another association order; the iteration
			// is contracting (spectral radius √β < 1): errors stay ~1e-16.
			if math.Abs(r.Iterates[k][i]-b) > 1e-15 {
				t.Fatalf("component %d step %d: %v want %v", i, k, r.Iterates[k][i], b)
			}
		}
	}
}

func TestGDStep(t *testing.T) {
	p := mustProblem(t, "quartic")
	x := []float64{0.5}
	GDStep(x, &p.Real, x, 0.1, nil) // in place
	want := 0.5 - 0.1*(0.125+0.5)
	if x[0] != want {
		t.Fatalf("GDStep = %v want %v", x[0], want)
	}
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "modified:") {
			t.Fatalf("panic %v", r)
		}
	}()
	GDStep(make([]float64, 2), &p.Real, x, 0.1, nil)
}

func TestGDNonFiniteGradient(t *testing.T) {
	// A problem whose gradient is NaN at finite θ with finite loss.
	q := mustProblem(t, "quartic")
	p := *q
	p.Real.Grad = func(g, x []float64) {
		if x[0] < 0.45 { // θ_1 = 0.4375
			g[0] = math.NaN()
			return
		}
		q.Real.Grad(g, x)
	}
	r, err := GD(&p, []float64{0.5}, 0.1, 10, nil)
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "at step 1:") || r.Steps() != 0 {
		t.Fatalf("err = %v, steps %d", err, r.Steps())
	}
}
