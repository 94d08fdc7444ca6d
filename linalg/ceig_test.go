package linalg

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randCMat(rng *rand.Rand, n int, sym bool) []complex128 {
	a := make([]complex128, n*n)
	for i := range a {
		a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	if sym {
		for i := 0; i < n; i++ {
			for j := 0; j < i; j++ {
				a[i*n+j] = a[j*n+i]
			}
		}
	}
	return a
}

// embedReal returns the 2n×2n real embedding [[Re A, −Im A], [Im A, Re A]]
// of the row-major complex n×n matrix a: the matrix of z ↦ Az acting on
// (Re z, Im z), the independent reference for complex linear algebra.
func embedReal(a []complex128, n int) *mat.Dense {
	m := mat.NewDense(2*n, 2*n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			z := a[i*n+j]
			m.Set(i, j, real(z))
			m.Set(i, j+n, -imag(z))
			m.Set(i+n, j, imag(z))
			m.Set(i+n, j+n, real(z))
		}
	}
	return m
}

// embedEigenvalues returns the eigenvalues of the 2n×2n real embedding
// [[Re A, −Im A], [Im A, Re A]] computed by gonum's mat.Eigen: its spectrum
// is that of A together with that of conj(A).
func embedEigenvalues(a []complex128, n int) []complex128 {
	m := embedReal(a, n)
	var eg mat.Eigen
	if !eg.Factorize(m, mat.EigenNone) {
		panic("embedding eigen failed")
	}
	return eg.Values(nil)
}

func TestCEigResidualsAndEmbedding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 10, 50, 200} {
		for _, sym := range []bool{false, true} {
			a := randCMat(rng, n, sym)
			orig := slices.Clone(a)
			var e CEig
			var err error
			if sym {
				err = e.FactorizeSymmetric(a, n)
			} else {
				err = e.Factorize(a, n)
			}
			if err != nil {
				t.Fatalf("n=%d sym=%v: %v", n, sym, err)
			}
			if !slices.Equal(a, orig) {
				t.Fatalf("input modified")
			}
			anorm := Norm2(a) // Frobenius ≥ 2-norm
			vals, v := e.Values(), e.Vectors()
			col := make([]complex128, n)
			av := make([]complex128, n)
			worst := 0.0
			for j := 0; j < n; j++ {
				for i := range col {
					col[i] = v[i*n+j]
				}
				for i := 0; i < n; i++ {
					av[i] = Dot(a[i*n:i*n+n], col) - vals[j]*col[i]
				}
				// Residual relative to ‖A‖·‖v‖ (backward error of the pair).
				worst = math.Max(worst, Norm2(av)/(anorm*Norm2(col)))
				if sym {
					if d := cmplx.Abs(Dot(col, col) - 1); d > 1e-12 {
						t.Errorf("n=%d: uᵀu − 1 = %g", n, d)
					}
				}
			}
			// The bound of the issue: ‖Av − λv‖ ≤ 1e-12‖A‖ (ZGEEV's backward
			// error is a small multiple of n·ε).
			if worst > 1e-12 {
				t.Errorf("n=%d sym=%v: worst relative residual %g", n, sym, worst)
			}
			// V⁻¹ V = I.
			vinv := e.InverseVectors()
			var maxErr float64
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					var s complex128
					for k := 0; k < n; k++ {
						s += vinv[i*n+k] * v[k*n+j]
					}
					if i == j {
						s--
					}
					maxErr = math.Max(maxErr, cmplx.Abs(s))
				}
			}
			// ‖V⁻¹V − I‖ ≲ cond(V)·nε.
			if maxErr > e.Cond()*float64(n)*1e-14 {
				t.Errorf("n=%d: ‖V⁻¹V − I‖ = %g (cond %g)", n, maxErr, e.Cond())
			}
			if n > 100 && !sym {
				continue // embedding checked on the symmetric case at n=200
			}
			// Every eigenvalue appears among the embedding's eigenvalues.
			emb := embedEigenvalues(a, n)
			for _, l := range vals {
				best := math.Inf(1)
				for _, m := range emb {
					best = math.Min(best, cmplx.Abs(l-m))
				}
				// Eigenvalues of random matrices are well conditioned: the
				// two solvers agree to a modest multiple of ε‖A‖.
				if best > 1e-10*anorm {
					t.Errorf("n=%d sym=%v: eigenvalue %v not in embedding spectrum (dist %g)", n, sym, l, best)
				}
			}
		}
	}
}

func TestCEigKnownSpectrum(t *testing.T) {
	// Diagonal plus rotation: A = D + R with D = diag(1, 2, 3) ⊕ and a 2×2
	// rotation block [[c, −s], [s, c]] whose eigenvalues are c ± is.
	c, s := math.Cos(0.3), math.Sin(0.3)
	n := 5
	a := make([]complex128, n*n)
	a[0] = 1
	a[1*n+1] = 2i
	a[2*n+2] = -3 + 1i
	a[3*n+3], a[3*n+4], a[4*n+3], a[4*n+4] = complex(c, 0), complex(-s, 0), complex(s, 0), complex(c, 0)
	// Similarity by a fixed well-conditioned unit-triangular S keeps the
	// spectrum: A' = S A S⁻¹ with S = I + 0.5·E_{01} + 0.25i·E_{24}.
	want := []complex128{1, 2i, -3 + 1i, complex(c, s), complex(c, -s)}
	sm := make([]complex128, n*n)
	si := make([]complex128, n*n)
	for i := 0; i < n; i++ {
		sm[i*n+i], si[i*n+i] = 1, 1
	}
	sm[0*n+1], si[0*n+1] = 0.5, -0.5
	sm[2*n+4], si[2*n+4] = 0.25i, -0.25i
	ap := cmatmul(cmatmul(sm, a, n), si, n)
	var e CEig
	if err := e.Factorize(ap, n); err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(e.Values())
	for _, w := range want {
		i := slices.IndexFunc(got, func(g complex128) bool { return cmplx.Abs(g-w) < 1e-14 })
		if i < 0 {
			t.Errorf("eigenvalue %v not found in %v", w, e.Values())
			continue
		}
		got = slices.Delete(got, i, i+1)
	}
}

func cmatmul(a, b []complex128, n int) []complex128 {
	c := make([]complex128, n*n)
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			Axpy(c[i*n:i*n+n], a[i*n+k], b[k*n:k*n+n])
		}
	}
	return c
}

func TestCEigDefective(t *testing.T) {
	// Jordan block J = [[2, 1], [0, 2]], and a hidden one S J S⁻¹.
	j := []complex128{2, 1, 0, 2}
	var e CEig
	if err := e.Factorize(j, 2); !errors.Is(err, ErrDefective) {
		t.Errorf("Jordan block: err = %v, want ErrDefective", err)
	}
	s := []complex128{1, 1i, 0.5, 2}
	si := make([]complex128, 4)
	var lu CLU
	if err := lu.Factorize(s, 2); err != nil {
		t.Fatal(err)
	}
	lu.InverseTo(si)
	if err := e.Factorize(cmatmul(cmatmul(s, j, 2), si, 2), 2); !errors.Is(err, ErrDefective) {
		t.Errorf("similar Jordan block: err = %v, want ErrDefective", err)
	}
	// Complex symmetric nilpotent [[1, i], [i, −1]]: eigenvalue 0 twice,
	// eigenvector (1, i) with uᵀu = 0: quasi-null.
	q := []complex128{1, 1i, 1i, -1}
	err := e.FactorizeSymmetric(q, 2)
	if !errors.Is(err, ErrQuasiNull) || !errors.Is(err, ErrDefective) {
		t.Errorf("quasi-null: err = %v", err)
	}
	// Non-finite input.
	if err := e.Factorize([]complex128{cmplx.NaN()}, 1); !errors.Is(err, ErrNotFinite) {
		t.Errorf("NaN: err = %v", err)
	}
}

func TestCEigSymmetricTranspose(t *testing.T) {
	// For complex symmetric A with distinct eigenvalues and uᵀu = 1,
	// V⁻¹ = Vᵀ.
	rng := rand.New(rand.NewPCG(3, 4))
	n := 30
	a := randCMat(rng, n, true)
	var e CEig
	if err := e.FactorizeSymmetric(a, n); err != nil {
		t.Fatal(err)
	}
	v, vinv := e.Vectors(), e.InverseVectors()
	var d float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d = math.Max(d, cmplx.Abs(vinv[i*n+j]-v[j*n+i]))
		}
	}
	if d > e.Cond()*float64(n)*1e-14 {
		t.Errorf("‖V⁻¹ − Vᵀ‖max = %g", d)
	}
}

func TestCEigFunc(t *testing.T) {
	// f(A) = exp(A) through the eigendecomposition against gonum's real
	// Dense.Exp on the 2n×2n embedding (exp commutes with the embedding).
	rng := rand.New(rand.NewPCG(5, 6))
	n := 12
	a := randCMat(rng, n, false)
	Scale(0.3, a)
	var e CEig
	if err := e.Factorize(a, n); err != nil {
		t.Fatal(err)
	}
	fa := e.FuncTo(nil, cmplx.Exp)
	m := embedReal(a, n)
	var ex mat.Dense
	ex.Exp(m)
	v := make([]complex128, n)
	for i := range v {
		v[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	dst := make([]complex128, n)
	e.ApplyFunc(dst, v, cmplx.Exp)
	var errM, errV, scale float64
	for i := 0; i < n; i++ {
		var ref complex128
		for j := 0; j < n; j++ {
			r := complex(ex.At(i, j), ex.At(i+n, j))
			errM = math.Max(errM, cmplx.Abs(fa[i*n+j]-r))
			scale = math.Max(scale, cmplx.Abs(r))
			ref += r * v[j]
		}
		errV = math.Max(errV, cmplx.Abs(dst[i]-ref)/Norm2(v))
	}
	// Error bound ≈ cond(V)·ε·‖exp(A)‖ (times a small factor for n).
	tol := e.Cond() * 1e-14 * scale
	if errM > tol || errV > tol {
		t.Errorf("exp(A): matrix error %g, vector error %g, tol %g", errM, errV, tol)
	}
}

func TestCEigRepeatedDiagonalizable(t *testing.T) {
	// A = P diag(1, 1, 2, 1+i, 1) P with the unitary Hermitian reflector
	// P = I − 2wwᴴ/‖w‖²: a triple eigenvalue that is not defective. The
	// factorization must succeed, with small residuals.
	n := 5
	w := []complex128{1, 2i, -1, 0.5 + 0.5i, 3}
	wn := Norm2(w)
	p := make([]complex128, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p[i*n+j] = -2 * w[i] * cmplx.Conj(w[j]) / complex(wn*wn, 0)
		}
		p[i*n+i]++
	}
	d := make([]complex128, n*n)
	for i, l := range []complex128{1, 1, 2, 1 + 1i, 1} {
		d[i*n+i] = l
	}
	a := cmatmul(cmatmul(p, d, n), p, n)
	var e CEig
	if err := e.Factorize(a, n); err != nil {
		t.Fatal(err)
	}
	v := e.Vectors()
	for j, l := range e.Values() {
		var r float64
		for i := 0; i < n; i++ {
			var s complex128
			for k := 0; k < n; k++ {
				s += a[i*n+k] * v[k*n+j]
			}
			s -= l * v[i*n+j]
			r += cmplx.Abs(s) * cmplx.Abs(s)
		}
		if math.Sqrt(r) > 1e-14*Norm2(a) {
			t.Errorf("pair %d: residual %g", j, math.Sqrt(r))
		}
	}
	// f(A) = A² through the decomposition reproduces A·A.
	a2 := cmatmul(a, a, n)
	fa := e.FuncTo(nil, func(z complex128) complex128 { return z * z })
	for i := range a2 {
		if cmplx.Abs(a2[i]-fa[i]) > 1e-13 {
			t.Fatalf("A²[%d]: %v vs %v", i, fa[i], a2[i])
		}
	}
	// Complex symmetric identity: repeated eigenvalue, uᵀu = 1 possible.
	id := make([]complex128, 9)
	id[0], id[4], id[8] = 1, 1, 1
	if err := e.FactorizeSymmetric(id, 3); err != nil {
		t.Errorf("identity: %v", err)
	}
}

func TestCEigNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	n := 12
	a := randCMat(rng, n, true)
	var e CEig
	if err := e.FactorizeSymmetric(a, n); err != nil {
		t.Fatal(err)
	}
	v := make([]complex128, n)
	dst := make([]complex128, n)
	allocs := testing.AllocsPerRun(5, func() {
		_ = e.FactorizeSymmetric(a, n)
		e.ApplyFunc(dst, v, cmplx.Exp)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per FactorizeSymmetric+ApplyFunc", allocs)
	}
}

func TestCEigNoConvergence(t *testing.T) {
	// One QR iteration per eigenvalue cannot reduce a random 20×20 matrix.
	rng := rand.New(rand.NewPCG(27, 28))
	a := randCMat(rng, 20, false)
	e := CEig{Settings: &CEigSettings{MaxIter: 1}}
	if err := e.Factorize(a, 20); !errors.Is(err, ErrNoConvergence) {
		t.Errorf("err = %v, want ErrNoConvergence", err)
	}
}

// TestCEigScaling: matrices with huge or tiny entries are scaled by a power
// of two before the reduction. s·[[1, 2], [3, 4]] has eigenvalues
// s(5 ± √33)/2 (closed form); for s = 1e300 the unscaled QR iteration
// overflows in its intermediate products, for s = 1e-300 it underflows.
// [[x, x], [x, x]] with x = 1e308 has the eigenvalue 2e308, beyond the
// float64 range: an overflow error, not ErrDefective.
func TestCEigScaling(t *testing.T) {
	var e CEig
	for _, s := range []float64{1e300, 1e-300, 1} {
		a := []complex128{complex(s, 0), complex(2*s, 0), complex(3*s, 0), complex(4*s, 0)}
		if err := e.Factorize(a, 2); err != nil {
			t.Fatalf("s = %g: %v", s, err)
		}
		want := []float64{s * (5 - math.Sqrt(33)) / 2, s * (5 + math.Sqrt(33)) / 2}
		got := []float64{real(e.Values()[0]), real(e.Values()[1])}
		if got[0] > got[1] {
			got[0], got[1] = got[1], got[0]
		}
		for i := range want {
			// A backward-stable eigensolver: absolute error a small
			// multiple of ε‖A‖ (‖A‖ ≈ 5.5s).
			if math.Abs(got[i]-want[i]) > 20*eps*5.5*s || imag(e.Values()[i]) != 0 && math.Abs(imag(e.Values()[i])) > 20*eps*5.5*s {
				t.Errorf("s = %g: eigenvalues %v, want %v", s, e.Values(), want)
			}
		}
	}
	x := complex(1e308, 0)
	err := e.Factorize([]complex128{x, x, x, x}, 2)
	if !errors.Is(err, ErrOverflow) || !errors.Is(err, ErrNotFinite) || errors.Is(err, ErrDefective) {
		t.Fatalf("x = 1e308: err = %v, want ErrOverflow and ErrNotFinite, not ErrDefective", err)
	}
}
