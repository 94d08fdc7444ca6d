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

// csymTestMatrix returns the complex symmetric A = B + 0.3i·C of
// TestArnoldiFunc (B the benchmarks matrix, C random symmetric with norm
// about 0.3) and a random complex start vector.
func csymTestMatrix(d int, seed uint64) (a []complex128, op COperator, v []complex128) {
	b, _, _ := benchMatrix(d)
	rng := rand.New(rand.NewPCG(seed, seed+1))
	a = make([]complex128, d*d)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			c := 0.3 * rng.NormFloat64() / math.Sqrt(float64(d))
			a[i*d+j] = complex(b[i*d+j], c)
			a[j*d+i] = a[i*d+j]
		}
	}
	op = func(dst, x []complex128) {
		for i := 0; i < d; i++ {
			dst[i] = Dot(a[i*d:i*d+d], x)
		}
	}
	v = make([]complex128, d)
	for i := range v {
		v[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return a, op, v
}

func relDiff(got, want []complex128) float64 {
	diff := make([]complex128, len(got))
	for i := range diff {
		diff[i] = got[i] - want[i]
	}
	return Norm2(diff) / Norm2(want)
}

// The complex symmetric Lanczos process agrees with the dense
// V f(Λ) V⁻¹ v of CEig for f = φ(h·) (analytic on the spectrum) and for
// exp, and with Arnoldi, using fewer operations per step.
func TestComplexSymFunc(t *testing.T) {
	for _, d := range []int{50, 200} {
		a, op, v := csymTestMatrix(d, 19)
		var e CEig
		if err := e.FactorizeSymmetric(a, d); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			f    func(complex128) complex128
		}{{"phi", func(z complex128) complex128 { return Phi(0.5 * z) }}, {"exp", func(z complex128) complex128 { return cmplx.Exp(-3 * z) }}} {
			ref := make([]complex128, d)
			e.ApplyFunc(ref, v, c.f)
			got := make([]complex128, d)
			st, err := ComplexSymFunc(got, op, v, c.f, &KrylovSettings{Tol: 1e-12})
			if err != nil {
				t.Fatalf("d=%d %s: %v", d, c.name, err)
			}
			arn := make([]complex128, d)
			sta, err := ArnoldiFunc(arn, op, v, c.f, &KrylovSettings{Tol: 1e-12})
			if err != nil {
				t.Fatal(err)
			}
			reo := make([]complex128, d)
			str, err := ComplexSymFunc(reo, op, v, c.f, &KrylovSettings{Tol: 1e-12, Reorth: true})
			if err != nil {
				t.Fatal(err)
			}
			rel, relr := relDiff(got, ref), relDiff(reo, ref)
			t.Logf("d=%d %s: complex symmetric Lanczos %d products (estimate %.2g, error %.2g); with Reorth %d (error %.2g); Arnoldi %d (error %.2g)",
				d, c.name, st.MatVecs, st.ErrEst, rel, str.MatVecs, relr, sta.MatVecs, relDiff(arn, ref))
			// Tol 1e-12, plus the dense reference's cond(V)·ε (≈ 1e-14
			// here, V being nearly orthogonal for this mildly non-normal
			// matrix): 1e-11 leaves a factor 10 for the estimate.
			if rel > 1e-11 || relr > 1e-11 {
				t.Errorf("d=%d %s: relative error %.3g (Reorth: %.3g)", d, c.name, rel, relr)
			}
		}
	}
}

// A start vector with vᵀv = 0 breaks the complex symmetric process down at
// once; the computation falls back to Arnoldi and is still right. So is a
// run that exhausts MaxIter.
func TestComplexSymFuncFallback(t *testing.T) {
	const d = 50
	a, op, v := csymTestMatrix(d, 7)
	v[0], v[1] = 1, 1i // vᵀv = 0 needs the rest zero
	for i := 2; i < d; i++ {
		v[i] = 0
	}
	if z := Dot(v, v); z != 0 {
		t.Fatalf("vᵀv = %v", z)
	}
	var e CEig
	if err := e.FactorizeSymmetric(a, d); err != nil {
		t.Fatal(err)
	}
	f := func(z complex128) complex128 { return Phi(0.5 * z) }
	ref := make([]complex128, d)
	e.ApplyFunc(ref, v, f)
	got := make([]complex128, d)
	st, err := ComplexSymFunc(got, op, v, f, &KrylovSettings{Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	if rel := relDiff(got, ref); rel > 1e-11 {
		t.Errorf("breakdown at the start: relative error %.3g (%+v)", rel, st)
	}
	// MaxIter = 3 cannot reach 1e-12: both the complex symmetric run and
	// the Arnoldi one spend their 3 products and report it.
	_, _, v = csymTestMatrix(d, 7)
	st, err = ComplexSymFunc(got, op, v, f, &KrylovSettings{Tol: 1e-12, MaxIter: 3})
	if !errors.Is(err, ErrNoConvergence) || st.MatVecs != 6 {
		t.Errorf("MaxIter 3: err = %v, %d products, want ErrNoConvergence after 6", err, st.MatVecs)
	}
}

// A Krylov workspace reused across orders, functions and methods gives
// bit-for-bit the results of fresh calls (no state leaks between calls),
// and allocates nothing once it has seen the sizes.
func TestKrylovWorkspace(t *testing.T) {
	var k Krylov
	type call func(k *Krylov) []complex128
	var calls []call
	for _, d := range []int{60, 30} {
		a, _, lam := benchMatrix(d)
		op := denseOp(a, d)
		vr := make([]float64, d)
		for i := range vr {
			vr[i] = math.Sin(float64(i + 1))
		}
		for _, hl := range []float64{0.5, 1.5} {
			h := hl / lam[d-1]
			f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
			calls = append(calls, func(k *Krylov) []complex128 {
				dst := make([]complex128, d)
				if k == nil {
					_, _ = LanczosFunc(dst, op, vr, f, &KrylovSettings{Tol: 1e-12})
				} else {
					_, _ = k.LanczosFuncTo(dst, op, vr, f, &KrylovSettings{Tol: 1e-12})
				}
				return dst
			})
		}
		_, cop, v := csymTestMatrix(d, 3)
		fc := func(z complex128) complex128 { return Phi(0.5 * z) }
		calls = append(calls, func(k *Krylov) []complex128 {
			dst := make([]complex128, d)
			if k == nil {
				_, _ = ArnoldiFunc(dst, cop, v, fc, nil)
			} else {
				_, _ = k.ArnoldiFuncTo(dst, cop, v, fc, nil)
			}
			return dst
		}, func(k *Krylov) []complex128 {
			dst := make([]complex128, d)
			if k == nil {
				_, _ = ComplexSymFunc(dst, cop, v, fc, nil)
			} else {
				_, _ = k.ComplexSymFuncTo(dst, cop, v, fc, nil)
			}
			return dst
		})
	}
	for round := 0; round < 2; round++ {
		for i, c := range calls {
			want := c(nil)
			got := c(&k)
			if !slices.Equal(got, want) {
				t.Errorf("round %d call %d: reused workspace differs from a fresh one", round, i)
			}
		}
	}
	// Allocations: the same call twice on a warm workspace (with an
	// operator that does not allocate itself).
	const d = 200
	a, _, lam := benchMatrix(d)
	op := func(dst, x []float64) {
		for i := range dst {
			dst[i] = Dot(a[i*d:i*d+d], x)
		}
	}
	vr := make([]float64, d)
	for i := range vr {
		vr[i] = 1
	}
	h := 1.5 / lam[d-1]
	f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
	dst := make([]complex128, d)
	set := &KrylovSettings{Tol: 1e-10}
	_, cop, v := csymTestMatrix(d, 5)
	fc := func(z complex128) complex128 { return Phi(0.5 * z) }
	for name, run := range map[string]func(){
		"lanczos": func() { _, _ = k.LanczosFuncTo(dst, op, vr, f, set) },
		"arnoldi": func() { _, _ = k.ArnoldiFuncTo(dst, cop, v, fc, set) },
		"csym":    func() { _, _ = k.ComplexSymFuncTo(dst, cop, v, fc, set) },
		"csym+reorth": func() {
			_, _ = k.ComplexSymFuncTo(dst, cop, v, fc, &KrylovSettings{Tol: 1e-10, Reorth: true})
		},
	} {
		run()
		if n := testing.AllocsPerRun(3, run); n != 0 {
			t.Errorf("%s: %v allocations per call on a warm workspace", name, n)
		}
	}
}

// The error estimate of the stopping rule: on the differences of a
// geometric sequence with ratio r per interval the error of the newest
// iterate is d·r/(1 − r), credited within [0.1, 10]·d.
func TestConvMonEstimate(t *testing.T) {
	for _, c := range []struct{ r, fac float64 }{{0.5, 1}, {0.2, 0.25}, {0.01, 0.1}, {0.95, 10}, {1.5, 10}} {
		var cm convMon
		if e := cm.estimate(1, 2); e != 10 {
			t.Errorf("first difference: estimate %v, want 10", e)
		}
		// Difference c.r over an interval of the same length.
		if e := cm.estimate(c.r, 2); math.Abs(e-c.fac*c.r) > 1e-15 {
			t.Errorf("r = %v: estimate %v, want %v", c.r, e, c.fac*c.r)
		}
	}
	// Unequal intervals: the ratio 0.5 of differences over intervals of 2
	// then 4 steps is scaled to the longer interval, r = 0.5² = 0.25, so
	// the estimate is 0.5·0.25/0.75.
	var cm convMon
	cm.estimate(1, 2)
	got := cm.estimate(0.5, 4)
	want := 0.5 * 0.25 / 0.75
	if math.Abs(got-want) > 1e-15 {
		t.Errorf("unequal intervals: %v, want %v", got, want)
	}
}

// KrylovTol means the relative accuracy of the result: over tolerances
// from 1e-3 to 1e-12 the error of each method against the dense
// reference stays within a small factor of the tolerance, for φ(h·)
// analytic on the spectrum and (real symmetric case) with the logarithmic
// singularity hλ = 1 inside it.
func TestKrylovTolMeaning(t *testing.T) {
	const d = 300
	a, _, lam := benchMatrix(d)
	op := denseOp(a, d)
	var es SymEig
	if err := es.Factorize(a, d); err != nil {
		t.Fatal(err)
	}
	v := make([]float64, d)
	for i := range v {
		v[i] = math.Cos(float64(3 * i))
	}
	cv := ToComplex(make([]complex128, d), v)
	ca, cop, w := csymTestMatrix(d, 29)
	var ec CEig
	if err := ec.FactorizeSymmetric(ca, d); err != nil {
		t.Fatal(err)
	}
	for _, hl := range []float64{0.9, 1.5} {
		h := hl / lam[d-1]
		f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
		fc := func(z complex128) complex128 { return Phi(complex(h, 0) * z) }
		coef := make([]complex128, d)
		for j, l := range es.Values() {
			coef[j] = f(l)
		}
		refR := make([]complex128, d)
		es.ApplyDiagC(refR, cv, coef)
		refC := make([]complex128, d)
		ec.ApplyFunc(refC, w, fc)
		for _, tol := range []float64{1e-3, 1e-6, 1e-9, 1e-12} {
			set := &KrylovSettings{Tol: tol, MaxIter: d}
			got := make([]complex128, d)
			var k Krylov
			check := func(name string, st KrylovStats, err error, ref []complex128) {
				if err != nil {
					t.Fatalf("hλmax=%v tol=%g %s: %v", hl, tol, name, err)
				}
				e := relDiff(got, ref)
				t.Logf("hλmax=%v tol=%g %s: %d products, estimate %.2g, error %.2g", hl, tol, name, st.MatVecs, st.ErrEst, e)
				// The estimate credits the observed convergence rate with
				// at most one digit; a factor 10 over the tolerance
				// allows for one interval of a non-geometric convergence.
				// The floor 1e-13 is the dense reference's own accuracy.
				if e > 10*tol+1e-13 {
					t.Errorf("hλmax=%v tol=%g %s: error %.3g", hl, tol, name, e)
				}
			}
			st, err := k.LanczosFuncTo(got, op, v, f, set)
			check("lanczos", st, err, refR)
			if hl > 1 {
				continue // the complex test matrix's φ is analytic there only for hλ < 1
			}
			st, err = k.ArnoldiFuncTo(got, cop, w, fc, set)
			check("arnoldi", st, err, refC)
			st, err = k.ComplexSymFuncTo(got, cop, w, fc, set)
			check("csym", st, err, refC)
			set.Reorth = true
			st, err = k.ComplexSymFuncTo(got, cop, w, fc, set)
			check("csym+reorth", st, err, refC)
		}
	}
}

// BenchmarkKrylovFunc times φ(hA)v with hλ_max = 0.9 for the d = 1000
// benchmarks matrix (real symmetric, LanczosFuncTo) and for the d = 1000
// complex symmetric matrix of csymTestMatrix (ArnoldiFuncTo and
// ComplexSymFuncTo), Tol = 1e-10, on a reused workspace, with products by
// plain loops (no allocation): allocs/op shows the workspace's.
func BenchmarkKrylovFunc(b *testing.B) {
	const d = 1000
	a, _, lam := benchMatrix(d)
	op := func(dst, x []float64) {
		for i := range dst {
			dst[i] = Dot(a[i*d:i*d+d], x)
		}
	}
	v := make([]float64, d)
	for i := range v {
		v[i] = 1
	}
	h := 0.9 / lam[d-1]
	f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
	_, cop, w := csymTestMatrix(d, 31)
	fc := func(z complex128) complex128 { return Phi(complex(h, 0) * z) }
	dst := make([]complex128, d)
	set := &KrylovSettings{Tol: 1e-10}
	for _, c := range []struct {
		name string
		run  func(k *Krylov) (KrylovStats, error)
	}{
		{"lanczos", func(k *Krylov) (KrylovStats, error) { return k.LanczosFuncTo(dst, op, v, f, set) }},
		{"arnoldi", func(k *Krylov) (KrylovStats, error) { return k.ArnoldiFuncTo(dst, cop, w, fc, set) }},
		{"csym", func(k *Krylov) (KrylovStats, error) { return k.ComplexSymFuncTo(dst, cop, w, fc, set) }},
		{"csym+reorth", func(k *Krylov) (KrylovStats, error) {
			return k.ComplexSymFuncTo(dst, cop, w, fc, &KrylovSettings{Tol: 1e-10, Reorth: true})
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var k Krylov
			st, err := c.run(&k) // warm the workspace
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if st, err = c.run(&k); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.MatVecs), "matvecs/op")
		})
	}
}

// TestLanczosFuncNearPole checks LanczosFunc against the dense eigen route
// at d = 300 for φ(hA)v with the logarithmic singularity hλ = 1 inside the
// spectrum (hλ_max = 1.05, 1.3, 1.8), where convergence is slow and sudden,
// and with a random start vector. One Krylov workspace serves all runs, so
// the basis storage also grows and is reused across orders.
func TestLanczosFuncNearPole(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	var k Krylov
	for _, d := range []int{300, 120} {
		a, _, lam := benchMatrix(d)
		op := denseOp(a, d)
		var e SymEig
		if err := e.Factorize(a, d); err != nil {
			t.Fatal(err)
		}
		v := make([]float64, d)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		cv := make([]complex128, d)
		ToComplex(cv, v)
		for _, hl := range []float64{1.05, 1.3, 1.8} {
			h := hl / lam[d-1]
			f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
			coef := make([]complex128, d)
			for j, l := range e.Values() {
				coef[j] = f(l)
			}
			ref := make([]complex128, d)
			e.ApplyDiagC(ref, cv, coef)
			for _, tol := range []float64{1e-8, 1e-12} {
				got := make([]complex128, d)
				st, err := k.LanczosFuncTo(got, op, v, f, &KrylovSettings{Tol: tol})
				if err != nil {
					t.Fatalf("d=%d hλmax=%v tol=%g: %v", d, hl, tol, err)
				}
				rel := relErr(got, ref)
				t.Logf("d=%d hλmax=%.2f tol=%g: %d products, estimate %.2g, error %.2g", d, hl, tol, st.MatVecs, st.ErrEst, rel)
				// The dense reference is accurate to about d·ε·max|φ| ≈
				// 1e−12 (|φ| ≤ 6 on this spectrum away from an eigenvalue
				// exactly at the pole); the Krylov result must meet Tol
				// up to that floor.
				if rel > math.Max(tol, 1e-12) {
					t.Errorf("d=%d hλmax=%.2f tol=%g: relative error %.3g", d, hl, tol, rel)
				}
			}
		}
	}
}

func TestHypot(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := [][2]float64{{0, 0}, {3, 4}, {-3, 4}, {1e-300, 1e-300}, {1e300, 1e300}, {1e-160, 0}, {0, 1e200}, {math.Inf(1), 1}, {1, math.NaN()}}
	for i := 0; i < 1000; i++ {
		cases = append(cases, [2]float64{rng.NormFloat64() * math.Exp(20*rng.NormFloat64()), rng.NormFloat64()})
	}
	for _, c := range cases {
		got, want := hypot(c[0], c[1]), math.Hypot(c[0], c[1])
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Errorf("hypot(%g, %g) = %g, want NaN", c[0], c[1], got)
			}
			continue
		}
		// The plain formula has at most 1.5 ulp of rounding error
		// (one for the sum of squares, halved by the root, plus the
		// root's own); math.Hypot has about 1.
		if math.Abs(got-want) > 2*eps*want {
			t.Errorf("hypot(%g, %g) = %g, math.Hypot %g", c[0], c[1], got, want)
		}
	}
}
