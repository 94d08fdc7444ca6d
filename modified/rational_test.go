package modified

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// TestPFRationalMatchesDense evaluates the principal flow near the pole
// (hλ = 1 inside the dense part of the spectrum) by the Krylov back-end
// with Options.Rational and by the dense eigendecomposition, on a problem
// with a non-constant Hessian (logistic regression, d = 300 (160 with
// -short), real flow pf-re
// at a real point and the complex flow at a real point) and on the
// docs/benchmarks.md quadratic (constant Hessian, complex flow at a
// complex point: two real runs on one factorization). The two back-ends
// are independent computations of the same φ(hH)g; KrylovTol 1e-12 (the
// estimate is trusted to one decimal digit, see linalg.Krylov) gives the
// bound 1e-10 with a margin of 10 for the dense route's own rounding.
func TestPFRationalMatchesDense(t *testing.T) {
	dim := 300
	if testing.Short() {
		dim = 160 // still beyond the 48 products of the Lanczos trial
	}
	lr := pfProblem(t, fmt.Sprintf("logreg:n=400,p=%d", dim))
	n := lr.Dim
	rnd := rand.New(rand.NewPCG(21, 22))
	yr := make([]float64, n)
	for i := range yr {
		yr[i] = lr.X0[i] + 0.1*rnd.NormFloat64()
	}
	hr := make([]float64, n*n)
	lr.Real.Hess(hr, yr)
	var e linalg.SymEig
	if err := e.Factorize(hr, n); err != nil {
		t.Fatal(err)
	}
	// The pole at the eigenvalue of rank 0.8·n, between two neighbours.
	vals := e.Values()
	k := 4 * n / 5
	h := 2 / (vals[k] + vals[k+1])

	t.Run("pf-re/real", func(t *testing.T) {
		dense, _ := NewPFRe[float64](lr, h, &Options{Backend: BackendDense})
		rat, err := NewPFRe[float64](lr, h, &Options{Backend: BackendKrylov, Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		compareRational(t, dense, rat, yr)
	})
	t.Run("pf/complex-flow-real-point", func(t *testing.T) {
		dense, _ := NewPF[complex128](lr, h, &Options{Backend: BackendDense})
		rat, err := NewPF[complex128](lr, h, &Options{Backend: BackendKrylov, Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		y := make([]complex128, n)
		linalg.ToComplex(y, yr)
		compareRational(t, dense, rat, y)
	})
	t.Run("benchquad/complex-point", func(t *testing.T) {
		q := pfProblem(t, "benchquad:d=400")
		hq := 1.8 // λ ∈ [0.01, 1]: hλ_max = 1.8
		dense, _ := NewPF[complex128](q, hq, &Options{Backend: BackendConstant})
		rat, err := NewPF[complex128](q, hq, &Options{Backend: BackendKrylov, Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		y := make([]complex128, q.Dim)
		for i := range y {
			y[i] = complex(1+0.1*rnd.NormFloat64(), 0.05*rnd.NormFloat64())
		}
		compareRational(t, dense, rat, y)
	})
}

// compareRational evaluates ref and rat at y and requires rat to have used
// the rational method and to agree with ref to 1e-10 (relative).
func compareRational[T linalg.Scalar](t *testing.T, ref, rat *PF[T], y []T) {
	t.Helper()
	n := len(y)
	a, b := make([]T, n), make([]T, n)
	if err := ref.Eval(a, y); err != nil {
		t.Fatal(err)
	}
	if err := rat.Eval(b, y); err != nil {
		t.Fatal(err)
	}
	if !rat.ldlOK {
		t.Fatal("the rational method was not used: Lanczos converged within the trial")
	}
	toC := func(x []T) []complex128 {
		c := make([]complex128, n)
		for i, v := range x {
			switch w := any(v).(type) {
			case float64:
				c[i] = complex(w, 0)
			case complex128:
				c[i] = w
			}
		}
		return c
	}
	if d := pfRelErr(toC(b), toC(a)); d > 1e-10 {
		t.Errorf("rational vs %v: relative difference %.3g", ref.Backend(), d)
	}
}

// TestPFRationalOptions: Rational needs the Krylov back-end and a dense
// Hessian.
func TestPFRationalOptions(t *testing.T) {
	q := pfProblem(t, "quadratic2d")
	if _, err := NewPF[float64](q, 0.5, &Options{Backend: BackendDense, Rational: true}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("dense back-end with Rational: got %v", err)
	}
	noHess := *q
	noHess.Real.Hess = nil
	if _, err := NewPF[float64](&noHess, 0.5, &Options{Backend: BackendKrylov, Rational: true}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("no dense Hessian with Rational: got %v", err)
	}
}

// TestPFRationalTrajectory integrates the principal flow of the
// docs/benchmarks.md quadratic (d = 200, hλ_max = 1.8: the pole inside the
// spectrum; the flow turns complex from the real start θ0 = 1) over two GD
// steps with the constant dense back-end and with the Krylov back-end with
// Options.Rational, and compares both with the GD iterates (I − hA)^k θ0,
// which the principal flow of a quadratic reproduces exactly at t = kh.
// DOP853 at rtol 1e-10 on this linear flow bounds each run's error well
// below the 1e-7 asked here.
func TestPFRationalTrajectory(t *testing.T) {
	p := pfProblem(t, "benchquad:d=200")
	n := p.Dim
	h := 1.8
	hr := make([]float64, n*n)
	p.Real.Hess(hr, p.X0)
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	var gd [2][]float64
	tmp := make([]float64, n)
	for k := range gd {
		linalg.MulVec(tmp, hr, n, n, x)
		for i := range x {
			x[i] -= h * tmp[i]
		}
		gd[k] = append([]float64(nil), x...)
	}
	y0 := make([]complex128, n)
	for i := range y0 {
		y0[i] = 1
	}
	for _, o := range []*Options{{Backend: BackendConstant}, {Backend: BackendKrylov, Rational: true}} {
		pf, err := NewPF[complex128](p, h, o)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := pf.Solve(2*h, y0, ode.DOP853, &ode.Settings[complex128]{RTol: 1e-10, ATol: 1e-12, TEval: []float64{h, 2 * h}})
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if o.Rational && !pf.ldlOK {
			t.Fatal("the rational method was not used")
		}
		for k, want := range gd {
			wc := make([]complex128, n)
			linalg.ToComplex(wc, want)
			if d := pfRelErr(sol.Y[k], wc); d > 1e-7 {
				t.Errorf("%+v, GD step %d: relative distance to GD %.3g", o, k+1, d)
			}
		}
	}
}
