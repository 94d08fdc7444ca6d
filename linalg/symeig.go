package linalg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// SymEig is a reusable eigendecomposition A = V Λ Vᵀ of a real symmetric
// n×n matrix, computed by LAPACK's DSYEV as implemented in gonum (the routine
// behind mat.EigenSym), into workspaces owned by the receiver: after the
// first call for a given n, Factorize and the Apply methods do not allocate,
// so a right-hand side may refactorize at every evaluation.
//
// Matrices are dense row-major []float64 of length n·n (a[i*n+j] = A_ij).
// Eigenvalues are sorted ascending, or descending if Descending is set
// before Factorize; Vectors()[i*n+j] is component i of eigenvector j.
// The zero value is ready to use.
type SymEig struct {
	// Descending, if true, stores the eigenpairs in descending order of
	// eigenvalue. The default is ascending.
	Descending bool

	n      int
	ok     bool
	values []float64
	v      []float64
	work   []float64
	tmp    []float64
	ftmp   []float64 // 4n, for ApplyDiagC
}

// Factorize computes the eigendecomposition of the symmetric matrix given by
// the upper triangle of the row-major n×n matrix a (the strict lower
// triangle is not read). a is not modified. It returns an error wrapping
// ErrNotFinite for a non-finite entry, ErrNoConvergence if the QR
// iteration of DSYEV fails, and ErrOverflow (which also matches
// ErrNotFinite) when an eigenvalue exceeds the float64 range (finite
// entries near 1e308 can have eigenvalues up to n times larger). It panics if len(a) != n*n.
func (e *SymEig) Factorize(a []float64, n int) error {
	if n < 0 || len(a) != n*n {
		panic("linalg: SymEig.Factorize: len(a) != n*n")
	}
	e.ok = false
	for i := 0; i < n; i++ {
		for _, x := range a[i*n+i : i*n+n] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("linalg: SymEig.Factorize: %w", ErrNotFinite)
			}
		}
	}
	e.reserve(n)
	copy(e.v, a)
	return e.factorize()
}

// FactorizeSym is Factorize for a *mat.SymDense.
func (e *SymEig) FactorizeSym(a *mat.SymDense) error {
	raw := a.RawSymmetric()
	n := raw.N
	e.ok = false
	e.reserve(n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			x := raw.Data[i*raw.Stride+j]
			if raw.Uplo == blas.Lower {
				x = raw.Data[j*raw.Stride+i]
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("linalg: SymEig.FactorizeSym: %w", ErrNotFinite)
			}
			e.v[i*n+j] = x
		}
	}
	return e.factorize()
}

func (e *SymEig) reserve(n int) {
	if e.n == n && e.v != nil {
		return
	}
	e.n = n
	e.values = make([]float64, n)
	e.v = make([]float64, n*n)
	e.tmp = make([]float64, n)
	e.ftmp = nil
	work := []float64{0}
	lapack64.Syev(lapack.EVCompute, blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: max(1, n), Data: e.v}, e.values, work, -1)
	e.work = make([]float64, int(work[0]))
}

func (e *SymEig) factorize() error {
	n := e.n
	if n == 0 {
		e.ok = true
		return nil
	}
	a := blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: e.v}
	if !lapack64.Syev(lapack.EVCompute, a, e.values, e.work, len(e.work)) {
		return fmt.Errorf("linalg: SymEig: DSYEV: %w", ErrNoConvergence)
	}
	// DSYEV scales a matrix with entries near the overflow threshold before
	// the iteration and scales the eigenvalues back: an eigenvalue beyond
	// the float64 range comes back infinite.
	for _, l := range e.values {
		if math.IsInf(l, 0) || math.IsNaN(l) {
			return overflowErr("linalg: SymEig: eigenvalue %v", l)
		}
	}
	if e.Descending {
		for j := 0; j < n/2; j++ {
			k := n - 1 - j
			e.values[j], e.values[k] = e.values[k], e.values[j]
			for i := 0; i < n; i++ {
				row := e.v[i*n : i*n+n]
				row[j], row[k] = row[k], row[j]
			}
		}
	}
	e.ok = true
	return nil
}

func (e *SymEig) check() {
	if !e.ok {
		panic("linalg: SymEig: no successful factorization")
	}
}

// N returns the order of the factorized matrix.
func (e *SymEig) N() int { return e.n }

// Values returns the eigenvalues, sorted as set by Descending. The slice
// belongs to the receiver and is overwritten by the next Factorize.
func (e *SymEig) Values() []float64 { e.check(); return e.values }

// Vectors returns the orthonormal eigenvectors as the columns of a row-major
// n×n matrix (Vectors()[i*n+j] is component i of eigenvector j), in the
// order of Values. The slice belongs to the receiver.
func (e *SymEig) Vectors() []float64 { e.check(); return e.v }

// VectorTo copies eigenvector j into dst (len n) and returns dst.
func (e *SymEig) VectorTo(dst []float64, j int) []float64 {
	e.check()
	n := e.n
	if len(dst) != n {
		panic(badLen)
	}
	for i := range dst {
		dst[i] = e.v[i*n+j]
	}
	return dst
}

// ApplyFunc computes dst = f(A)v = V f(Λ) Vᵀ v. dst and v must have length n
// and may alias. It does not allocate.
func (e *SymEig) ApplyFunc(dst, v []float64, f func(float64) float64) {
	e.check()
	n := e.n
	if len(dst) != n || len(v) != n {
		panic(badLen)
	}
	t := e.tmp
	for j := range t {
		t[j] = 0
	}
	for i := 0; i < n; i++ {
		floats.AddScaled(t, v[i], e.v[i*n:i*n+n])
	}
	for j := range t {
		t[j] *= f(e.values[j])
	}
	for i := 0; i < n; i++ {
		dst[i] = floats.Dot(e.v[i*n:i*n+n], t)
	}
}

// ApplyDiagC computes dst = V diag(d) Vᵀ v for complex d and v: with
// d_j = f(λ_j) this is f(A)v for a complex-valued f, such as φ(hλ) of the
// principal flow with hλ > 1, or per-direction continued branches. dst and v
// must have length n and may alias. It does not allocate after its first
// call for a given n.
func (e *SymEig) ApplyDiagC(dst, v, d []complex128) {
	e.check()
	n := e.n
	if len(dst) != n || len(v) != n || len(d) != n {
		panic(badLen)
	}
	if len(e.ftmp) != 4*n {
		e.ftmp = make([]float64, 4*n)
	}
	// Real and imaginary parts through the real kernels: tr = Vᵀ Re v,
	// ti = Vᵀ Im v.
	tr, ti := e.ftmp[:n], e.ftmp[n:2*n]
	for j := 0; j < n; j++ {
		tr[j], ti[j] = 0, 0
	}
	for i := 0; i < n; i++ {
		row := e.v[i*n : i*n+n]
		floats.AddScaled(tr, real(v[i]), row)
		floats.AddScaled(ti, imag(v[i]), row)
	}
	pr, pi := e.ftmp[2*n:3*n], e.ftmp[3*n:]
	for j := 0; j < n; j++ {
		c := complex(tr[j], ti[j]) * d[j]
		pr[j], pi[j] = real(c), imag(c)
	}
	for i := 0; i < n; i++ {
		row := e.v[i*n : i*n+n]
		dst[i] = complex(floats.Dot(row, pr), floats.Dot(row, pi))
	}
}

// FuncTo computes the matrix f(A) = V f(Λ) Vᵀ into dst (row-major n×n) and
// returns dst; nil dst allocates.
func (e *SymEig) FuncTo(dst []float64, f func(float64) float64) []float64 {
	e.check()
	n := e.n
	if dst == nil {
		dst = make([]float64, n*n)
	}
	if len(dst) != n*n {
		panic(badLen)
	}
	t := e.tmp
	for j := range t {
		t[j] = f(e.values[j])
	}
	for i := 0; i < n; i++ {
		ri := e.v[i*n : i*n+n]
		for k := i; k < n; k++ {
			rk := e.v[k*n : k*n+n]
			var s float64
			for j, x := range ri {
				s += x * t[j] * rk[j]
			}
			dst[i*n+k] = s
			dst[k*n+i] = s
		}
	}
	return dst
}
