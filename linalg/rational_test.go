package linalg

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// TestRationalPhiAtPole applies φ(hA) to v = 1 for the benchmarks.md
// matrix with hλ_max = 1.8, so that the pole hλ = 1 lies inside the
// spectrum, by the rational Krylov method with σ = 1/h, and compares with
// the exact φ(hA)v from the known eigenbasis. It also checks the point of
// the method: fewer operator applications (products and solves) than the
// products of polynomial Lanczos at the same tolerance. Tol = 1e-8; the
// estimate trusts the observed convergence rate for one decimal digit (see
// Krylov), so the error is required below 10·Tol.
func TestRationalPhiAtPole(t *testing.T) {
	for _, d := range []int{300, 600} {
		a, u, lam := benchMatrix(d)
		v := make([]float64, d)
		for i := range v {
			v[i] = 1
		}
		h := 1.8 / lam[d-1]
		want := exactPhiApply(u, lam, v, h)
		f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
		var ldl ShiftedLDL
		if err := ldl.Factorize(a, d, 1/h); err != nil {
			t.Fatal(err)
		}
		set := &KrylovSettings{Tol: 1e-8, MaxIter: d}
		got := make([]complex128, d)
		op := denseOp(a, d)
		st, err := RationalFunc(got, op, ldl.Solve, 1/h, v, f, set)
		if err != nil {
			t.Fatal(err)
		}
		if e := relErr(got, want); e > 1e-7 {
			t.Errorf("d=%d: relative error %.3g > 1e-7", d, e)
		}
		if st.MatVecs != st.Iterations || st.Solves != st.Iterations/2 {
			t.Errorf("d=%d: %d products + %d solves for %d basis vectors, want a product each and a solve every other", d, st.MatVecs, st.Solves, st.Iterations)
		}
		poly := make([]complex128, d)
		pst, err := LanczosFunc(poly, op, v, f, set)
		if err != nil {
			t.Fatal(err)
		}
		if st.MatVecs+st.Solves >= pst.MatVecs {
			t.Errorf("d=%d: rational %d products and solves, polynomial %d products: no saving", d, st.MatVecs+st.Solves, pst.MatVecs)
		}
		t.Logf("d=%d: rational %d products + %d solves, error %.2g; polynomial %d products, error %.2g",
			d, st.MatVecs, st.Solves, relErr(got, want), pst.MatVecs, relErr(poly, want))
	}
}

// TestRationalAnalytic: for f(x) = exp(−x) on a random symmetric positive
// definite matrix (σ = −1 outside the spectrum) the result agrees with the
// dense eigendecomposition route (SymEig), and a workspace reused for a
// second call gives the same bits without allocating.
func TestRationalAnalytic(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 120
	g := make([]float64, n*n)
	for i := range g {
		g[i] = rng.NormFloat64() / math.Sqrt(float64(n))
	}
	a := make([]float64, n*n) // GᵀG + 0.1 I
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += g[k*n+i] * g[k*n+j]
			}
			a[i*n+j] = s
		}
		a[i*n+i] += 0.1
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	var e SymEig
	if err := e.Factorize(a, n); err != nil {
		t.Fatal(err)
	}
	want := make([]float64, n)
	e.ApplyFunc(want, v, func(x float64) float64 { return math.Exp(-x) })
	sigma := -1.0
	var ldl ShiftedLDL
	if err := ldl.Factorize(a, n, sigma); err != nil {
		t.Fatal(err)
	}
	f := func(x float64) complex128 { return complex(math.Exp(-x), 0) }
	var k Krylov
	got := make([]complex128, n)
	set := &KrylovSettings{Tol: 1e-12}
	st, err := k.RationalFuncTo(got, denseOp(a, n), ldl.Solve, sigma, v, f, set)
	if err != nil {
		t.Fatal(err)
	}
	wc := make([]complex128, n)
	ToComplex(wc, want)
	// Tol 1e-12, one decimal digit of trust in the estimate: 1e-11.
	if r := relErr(got, wc); r > 1e-11 {
		t.Errorf("relative error %.3g against SymEig (%d basis vectors)", r, st.Iterations)
	}
	again := make([]complex128, n)
	if _, err := k.RationalFuncTo(again, denseOp(a, n), ldl.Solve, sigma, v, f, set); err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if again[i] != got[i] {
			t.Fatalf("second call differs at %d", i)
		}
	}
	op := func(dst, x []float64) { MulVec(dst, a, n, n, x) }
	allocs := testing.AllocsPerRun(3, func() {
		_, _ = k.RationalFuncTo(again, op, ldl.Solve, sigma, v, f, set)
	})
	if allocs != 0 {
		t.Errorf("reused workspace: %v allocations per call, want 0", allocs)
	}
}

// TestRationalErrors: bad σ, a solve producing NaN, a zero start vector
// and a dimension budget too small.
func TestRationalErrors(t *testing.T) {
	n := 50
	a, _, lam := benchMatrix(n)
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	op := denseOp(a, n)
	id := func(dst, x []float64) { copy(dst, x) }
	f := func(x float64) complex128 { return cmplx.Log(complex(1-x, 0)) }
	dst := make([]complex128, n)
	if _, err := RationalFunc(dst, op, id, math.NaN(), v, f, nil); !errors.Is(err, ErrNotFinite) {
		t.Errorf("σ = NaN: got %v", err)
	}
	nan := func(dst, x []float64) {
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
	if _, err := RationalFunc(dst, op, nan, 0.5, v, f, nil); !errors.Is(err, ErrNotFinite) {
		t.Errorf("solve gives NaN: got %v", err)
	}
	dst[0] = 7
	if _, err := RationalFunc(dst, op, id, 0.5, make([]float64, n), f, nil); err != nil || dst[0] != 0 {
		t.Errorf("v = 0: got %v, dst[0] = %v", err, dst[0])
	}
	var ldl ShiftedLDL
	h := 1.8 / lam[n-1]
	if err := ldl.Factorize(a, n, 1/h); err != nil {
		t.Fatal(err)
	}
	phi := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
	st, err := RationalFunc(dst, op, ldl.Solve, 1/h, v, phi, &KrylovSettings{Tol: 1e-14, MaxIter: 6})
	if !errors.Is(err, ErrNoConvergence) || st.Iterations != 6 {
		t.Errorf("MaxIter 6 at Tol 1e-14: got %v after %d", err, st.Iterations)
	}
}
