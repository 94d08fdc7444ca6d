package linalg

import (
	"errors"
	"flag"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchMatrix returns the benchmarks.md workload matrix A = Q diag(λ) Q with
// Q = I − 2uuᵀ, u = v/‖v‖, v_i = ((7i) mod 11) − 4.5, λ_i log-spaced from
// 0.01 to 1 (i = 1..d), as a dense row-major slice, with u and λ.
func benchMatrix(d int) (a, u, lam []float64) {
	u = make([]float64, d)
	lam = make([]float64, d)
	for i := 1; i <= d; i++ {
		u[i-1] = float64((7*i)%11) - 4.5
		lam[i-1] = math.Pow(10, -2+2*float64(i-1)/float64(d-1))
	}
	Scale(1/Norm2(u), u)
	// A = (I − 2uuᵀ) Λ (I − 2uuᵀ) = Λ − 2u(Λu)ᵀ − 2(Λu)uᵀ + 4(uᵀΛu) uuᵀ.
	lu := make([]float64, d)
	var ulu float64
	for i := range lu {
		lu[i] = lam[i] * u[i]
		ulu += u[i] * lu[i]
	}
	a = make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a[i*d+j] = -2*u[i]*lu[j] - 2*lu[i]*u[j] + 4*ulu*u[i]*u[j]
		}
		a[i*d+i] += lam[i]
	}
	return a, u, lam
}

// denseOp returns the product with a dense row-major d×d matrix.
func denseOp(a []float64, d int) SymOperator {
	m := mat.NewDense(d, d, a)
	return func(dst, x []float64) {
		mat.NewVecDense(d, dst).MulVec(m, mat.NewVecDense(d, x))
	}
}

func TestLanczosEigTop5(t *testing.T) {
	d := 2000
	a, u, lam := benchMatrix(d)
	// Smallest is exercised on −A, whose bottom-5 are −(top-5 of A): the
	// bottom of A itself has relative gaps ~2e−5 and needs shift-invert.
	neg := make([]float64, d*d)
	for i, x := range a {
		neg[i] = -x
	}
	for _, which := range []Which{Largest, Smallest} {
		op := denseOp(a, d)
		sign := 1.0
		if which == Smallest {
			op, sign = denseOp(neg, d), -1
		}
		res, err := LanczosEig(op, d, 5, which, &KrylovSettings{Tol: 1e-12, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("which=%d: %d matvecs", which, res.Stats.MatVecs)
		// Exact eigenpairs: λ_i with eigenvector Q e_i = e_i − 2u u_i.
		q := make([]float64, d)
		for k := 0; k < 5; k++ {
			i := d - 1 - k
			if dl := math.Abs(sign*res.Values[k] - lam[i]); dl > 1e-8*lam[d-1] {
				t.Errorf("which=%d k=%d: λ = %v, want %v", which, k, res.Values[k], sign*lam[i])
			}
			y := res.Vectors[k]
			for j := range q {
				q[j] = -2 * u[j] * u[i]
			}
			q[i]++
			if Dot(q, y) < 0 {
				Scale(-1, q)
			}
			Axpy(q, -1, y)
			// ‖y − q‖ ≈ angle ≤ residual/gap = 1e−12/2.3e−3 (Davis–Kahan),
			// plus rounding.
			if dist := Norm2(q); dist > 1e-8 {
				t.Errorf("which=%d k=%d: ‖y − u_i‖ = %g", which, k, dist)
			}
			if res.Residuals[k] > 1e-12*lam[d-1] {
				t.Errorf("residual %g above tolerance", res.Residuals[k])
			}
		}
	}
	op := denseOp(a, d)
	if !*long {
		t.Log("comparison with mat.EigenSym at d = 2000 skipped (≈1 min): run with -args -linalg.long")
		return
	}
	// Against gonum's EigenSym (about a minute at d = 2000 on two cores).
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(d, slices.Clone(a)), true) {
		t.Fatal("EigenSym failed")
	}
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	vals := es.Values(nil)
	res, err := LanczosEig(op, d, 5, Largest, &KrylovSettings{Tol: 1e-12, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 5; k++ {
		if dl := math.Abs(res.Values[k] - vals[d-1-k]); dl > 1e-8 {
			t.Errorf("k=%d: Lanczos %v, EigenSym %v", k, res.Values[k], vals[d-1-k])
		}
		ref := mat.Col(nil, d-1-k, &vecs)
		if Dot(ref, res.Vectors[k]) < 0 {
			Scale(-1, ref)
		}
		Axpy(ref, -1, res.Vectors[k])
		if dist := Norm2(ref); dist > 1e-8 {
			t.Errorf("k=%d: distance to EigenSym vector %g", k, dist)
		}
	}
}

func TestLanczosEigErrors(t *testing.T) {
	op := func(dst, x []float64) { copy(dst, x) }
	if _, err := LanczosEig(op, 3, 4, Largest, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("k > n: %v", err)
	}
	// Identity: the Krylov space is invariant after one step, so only one
	// Ritz pair exists.
	if _, err := LanczosEig(op, 10, 2, Largest, nil); !errors.Is(err, ErrNoConvergence) {
		t.Errorf("identity, k = 2: %v", err)
	}
	nan := func(dst, x []float64) {
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
	if _, err := LanczosEig(nan, 10, 1, Largest, nil); !errors.Is(err, ErrNotFinite) {
		t.Errorf("NaN operator: %v", err)
	}
	// Iteration limit.
	a, _, _ := benchMatrix(300)
	if _, err := LanczosEig(denseOp(a, 300), 300, 3, Largest, &KrylovSettings{MaxIter: 10}); !errors.Is(err, ErrNoConvergence) {
		t.Errorf("MaxIter: %v", err)
	}
}

func TestLanczosFuncPhi(t *testing.T) {
	d := 1000
	a, _, lam := benchMatrix(d)
	op := denseOp(a, d)
	var e SymEig
	if err := e.Factorize(a, d); err != nil {
		t.Fatal(err)
	}
	v := make([]float64, d)
	for i := range v {
		v[i] = 1
	}
	cv := make([]complex128, d)
	ToComplex(cv, v)
	for _, h := range []float64{0.9 / lam[d-1], 1.8 / lam[d-1]} {
		f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
		coef := make([]complex128, d)
		for j, l := range e.Values() {
			coef[j] = f(l)
		}
		ref := make([]complex128, d)
		e.ApplyDiagC(ref, cv, coef)
		got := make([]complex128, d)
		st, err := LanczosFunc(got, op, v, f, &KrylovSettings{Tol: 1e-12})
		if err != nil {
			t.Fatalf("h=%v: %v (%+v)", h, err, st)
		}
		diff := make([]complex128, d)
		for i := range diff {
			diff[i] = got[i] - ref[i]
		}
		rel := Norm2(diff) / Norm2(ref)
		t.Logf("h·λmax = %.2f: %d iterations, estimate %.2g, error %.2g", h*lam[d-1], st.Iterations, st.ErrEst, rel)
		// The target: 1e−10 against the dense eigen route. The
		// dense route itself is accurate to about d·ε·|φ|max ≈ 1e−12 here.
		if rel > 1e-10 {
			t.Errorf("h·λmax = %.2f: relative error %g", h*lam[d-1], rel)
		}
	}
}

func TestArnoldiFunc(t *testing.T) {
	// Complex symmetric A = B + 0.3i·C (B the benchmarks matrix, C a random
	// symmetric matrix scaled to norm ~0.3), f = φ(h·) with h = 0.5, against
	// CEig's f(A)v.
	d := 200
	b, _, _ := benchMatrix(d)
	rng := rand.New(rand.NewPCG(19, 20))
	a := make([]complex128, d*d)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			c := 0.3 * rng.NormFloat64() / math.Sqrt(float64(d))
			a[i*d+j] = complex(b[i*d+j], c)
			a[j*d+i] = a[i*d+j]
		}
	}
	op := func(dst, x []complex128) {
		for i := 0; i < d; i++ {
			dst[i] = Dot(a[i*d:i*d+d], x)
		}
	}
	f := func(z complex128) complex128 { return Phi(0.5 * z) }
	var e CEig
	if err := e.FactorizeSymmetric(a, d); err != nil {
		t.Fatal(err)
	}
	v := make([]complex128, d)
	for i := range v {
		v[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	ref := make([]complex128, d)
	e.ApplyFunc(ref, v, f)
	got := make([]complex128, d)
	st, err := ArnoldiFunc(got, op, v, f, &KrylovSettings{Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	diff := make([]complex128, d)
	for i := range diff {
		diff[i] = got[i] - ref[i]
	}
	rel := Norm2(diff) / Norm2(ref)
	t.Logf("Arnoldi: %d iterations, estimate %.2g, error %.2g", st.Iterations, st.ErrEst, rel)
	// Dense reference accurate to ~cond(V)·ε; the Krylov tolerance is 1e−12.
	if rel > 1e-10 {
		t.Errorf("relative error %g", rel)
	}
	// The estimate bounds the error of the previous iterate; the error of
	// the final one is smaller still for geometric convergence.
	if rel > 10*st.ErrEst+1e-12 {
		t.Errorf("error %g not reflected by the estimate %g", rel, st.ErrEst)
	}
	// Exactness on an invariant subspace: A = I gives f(1)·v after one step.
	id := func(dst, x []complex128) { copy(dst, x) }
	st, err = ArnoldiFunc(got, id, v, cmplx.Exp, nil)
	if err != nil || st.Iterations != 1 {
		t.Fatalf("identity: %v %+v", err, st)
	}
	for i := range got {
		if cmplx.Abs(got[i]-math.E*v[i]) > 4*eps*cmplx.Abs(v[i])*math.E {
			t.Fatalf("identity: got[%d] = %v", i, got[i])
		}
	}
}

func TestSLQ(t *testing.T) {
	d := 500
	a, _, lam := benchMatrix(d)
	op := denseOp(a, d)
	steps := 30
	sd, err := SLQ(op, d, &SLQSettings{Probes: 40, Steps: steps, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Gauss quadrature is exact for degree < 2·steps: each probe's moments
	// Σ τ θ^k equal vᵀA^k v/‖v‖² (checked for k = 1..5 on a re-generated
	// probe through the trace estimate of a polynomial: the estimator is
	// unbiased, and for Rademacher probes its variance is 2Σ_{i≠j} (A^k)_ij²
	// per probe). Here: tr(A) and tr(A²) against the exact Σλ, Σλ².
	var t1, t2 float64
	for _, l := range lam {
		t1 += l
		t2 += l * l
	}
	var off1, off2 float64
	a2 := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for k := 0; k < d; k++ {
			Axpy(a2[i*d:i*d+d], a[i*d+k], a[k*d:k*d+d])
		}
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if i != j {
				off1 += a[i*d+j] * a[i*d+j]
				off2 += a2[i*d+j] * a2[i*d+j]
			}
		}
	}
	// 5 standard deviations of the mean of 40 probes.
	if e1 := math.Abs(sd.Trace(func(x float64) float64 { return x }) - t1); e1 > 5*math.Sqrt(2*off1/40) {
		t.Errorf("tr(A): error %g, σ = %g", e1, math.Sqrt(2*off1/40))
	}
	if e2 := math.Abs(sd.Trace(func(x float64) float64 { return x * x }) - t2); e2 > 5*math.Sqrt(2*off2/40) {
		t.Errorf("tr(A²): error %g", e2)
	}
	// Per-probe exactness of the quadrature for a polynomial of degree 7
	// (< 2·steps): with the probe regenerated from the same seed.
	v := make([]float64, d)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range v {
		if rng.Uint64()&1 == 0 {
			v[i] = 1
		} else {
			v[i] = -1
		}
	}
	x := slices.Clone(v)
	y := make([]float64, d)
	for k := 0; k < 7; k++ {
		op(y, x)
		x, y = y, x
	}
	want := Dot(v, x) / float64(d)
	var got float64
	for j, th := range sd.Nodes[0] {
		got += sd.Weights[0][j] * math.Pow(th, 7)
	}
	if math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("quadrature of θ⁷: %v, want %v", got, want)
	}
	// The density integrates to 1 and vanishes far from the spectrum.
	var integral float64
	for x := -0.5; x <= 1.5; x += 1e-3 {
		integral += sd.Density(x, 0.02) * 1e-3
	}
	if math.Abs(integral-1) > 1e-6 {
		t.Errorf("∫ density = %v", integral)
	}
	if sd.Density(3, 0.02) > 1e-100 {
		t.Errorf("density far away = %g", sd.Density(3, 0.02))
	}
}

var long = flag.Bool("linalg.long", false, "run the long linalg checks (EigenSym at d = 2000)")
