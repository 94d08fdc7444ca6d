package linalg

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// SymOperator is a real symmetric linear operator given by its product:
// it writes A x into dst (both of length n) and must not retain or modify x.
// A Hessian-vector product is one.
type SymOperator func(dst, x []float64)

// COperator is a complex linear operator given by its product, dst = A x.
type COperator func(dst, x []complex128)

// Which selects the end of the spectrum wanted from LanczosEig.
type Which int

const (
	// Largest selects the algebraically largest eigenvalues.
	Largest Which = iota
	// Smallest selects the algebraically smallest eigenvalues.
	Smallest
)

// KrylovSettings holds the settings of the Krylov methods. The zero value
// (or a nil pointer) means the documented defaults.
type KrylovSettings struct {
	// Tol is the relative stopping tolerance (default 1e-10). LanczosEig
	// stops when every wanted Ritz pair has residual ‖Ay − θy‖ ≤ Tol·‖T‖,
	// with ‖T‖ = max |θ| the largest Ritz value (an estimate of ‖A‖).
	// LanczosFunc, ArnoldiFunc and ComplexSymFunc (and the Krylov methods
	// of the same names) stop when the a-posteriori estimate of the error
	// of the returned approximation (see Krylov) is ≤ Tol·‖approximation‖.
	Tol float64
	// MaxIter bounds the Krylov dimension (default min(n, 500)). Reaching it
	// without convergence returns ErrNoConvergence along with the last
	// approximation.
	MaxIter int
	// Seed seeds the start vector of LanczosEig (a vector of independent
	// standard normals drawn from math/rand/v2's PCG with seeds
	// (Seed, Seed^0x9e3779b97f4a7c15)). Default 0.
	Seed uint64
	// Start, if non-nil, is the start vector of LanczosEig (length n,
	// nonzero) and replaces the random one.
	Start []float64
	// Reorth makes ComplexSymFunc reorthogonalize every new basis vector
	// against all the previous ones in the bilinear form (full
	// rebiorthogonalization, as in two-sided Lanczos: Bai, Day, Ye, SIAM J.
	// Matrix Anal. Appl. 20, 1999), at O(mn) work per step like Arnoldi's
	// Gram–Schmidt: fewer products where they dominate the cost. The other
	// methods always reorthogonalize fully.
	Reorth bool
}

func (s *KrylovSettings) withDefaults(n int) KrylovSettings {
	var r KrylovSettings
	if s != nil {
		r = *s
	}
	if r.Tol <= 0 {
		r.Tol = 1e-10
	}
	if r.MaxIter <= 0 {
		r.MaxIter = min(n, 500)
	}
	r.MaxIter = min(r.MaxIter, n)
	return r
}

// KrylovStats reports the work of a Krylov method.
type KrylovStats struct {
	Iterations int     // Krylov dimension reached
	MatVecs    int     // operator applications
	Solves     int     // shifted solves (RationalFuncTo)
	ErrEst     float64 // final a-posteriori error estimate (relative)
}

// lanczos is the Lanczos process with full reorthogonalization (classical
// Gram–Schmidt applied twice, "twice is enough": Giraud, Langou, Rozložník,
// Comput. Math. Appl. 50, 2005).
type lanczos struct {
	n           int
	q           [][]float64
	alpha, beta []float64
	w, h        []float64
	rng         *rand.Rand
}

func newLanczos(n, maxIter int, rng *rand.Rand) *lanczos {
	return &lanczos{n: n, w: make([]float64, n), h: make([]float64, maxIter+1), rng: rng,
		q: make([][]float64, 0, maxIter+1)}
}

// orth orthogonalizes w against the basis twice; returns ‖w‖ after.
func (l *lanczos) orth(w []float64) float64 {
	for pass := 0; pass < 2; pass++ {
		for _, q := range l.q {
			floats.AddScaled(w, -floats.Dot(q, w), q)
		}
	}
	return floats.Norm(w, 2)
}

// push appends w/‖w‖ (w has norm nrm) to the basis.
func (l *lanczos) push(w []float64, nrm float64) {
	q := make([]float64, l.n)
	floats.ScaleTo(q, 1/nrm, w)
	l.q = append(l.q, q)
}

// step extends the basis by one vector. It returns false if the Krylov space
// became invariant and no new direction could be found (the basis spans the
// whole space).
func (l *lanczos) step(op SymOperator, anorm float64) (invariant bool) {
	j := len(l.q) - 1
	w := l.w
	op(w, l.q[j])
	a := floats.Dot(l.q[j], w)
	l.alpha = append(l.alpha, a)
	nrm := l.orth(w)
	// Breakdown: the Krylov space is invariant (exact for the start vector).
	if nrm <= 1e-13*math.Max(anorm, math.Abs(a)) || nrm == 0 {
		l.beta = append(l.beta, 0)
		return true
	}
	l.beta = append(l.beta, nrm)
	l.push(w, nrm)
	return false
}

// tridiagEig returns the eigenvalues (ascending) and eigenvectors (row-major
// m×m, columns) of the tridiagonal matrix with diagonal alpha[:m] and
// off-diagonal beta[:m-1], by LAPACK's DSTEQR (implicit QL/QR).
func tridiagEig(alpha, beta []float64, m int) (theta, s []float64, err error) {
	theta = append([]float64(nil), alpha[:m]...)
	e := make([]float64, max(m-1, 0))
	copy(e, beta[:max(m-1, 0)])
	s = make([]float64, m*m)
	work := make([]float64, max(1, 2*m-2))
	if !(lapackgonum.Implementation{}).Dsteqr(lapack.EVTridiag, m, theta, e, s, max(1, m), work) {
		return nil, nil, fmt.Errorf("linalg: tridiagonal eigensolver: %w", ErrNoConvergence)
	}
	return theta, s, nil
}

// LanczosResult holds k Ritz pairs from LanczosEig.
type LanczosResult struct {
	Values    []float64   // Ritz values, largest first for Largest, smallest first for Smallest
	Vectors   [][]float64 // Ritz vectors (unit 2-norm), in the order of Values
	Residuals []float64   // ‖A y − θ y‖ = β_m |s_mi| for each pair
	Stats     KrylovStats // Stats.ErrEst = max residual / ‖T‖
}

// LanczosEig computes k extreme eigenpairs (Largest or Smallest) of the
// real symmetric n×n operator a, given only by its product, by the Lanczos
// process with full reorthogonalization (Golub & Van Loan, Matrix
// Computations, 4th ed., §10.1–10.3; Parlett, The Symmetric Eigenvalue
// Problem, ch. 13). The a-posteriori estimate is the Ritz residual
// ‖A y − θ y‖ = β_m |e_mᵀ s| (exact in exact arithmetic); by Kahan–Parlett
// bounds the eigenvalue error is ≤ residual²/gap and the vector angle
// ≤ residual/gap. Convergence is checked every 5 steps.
//
// Lanczos finds one copy of a multiple eigenvalue per start vector: repeated
// eigenvalues are returned once. The result is returned with an error
// wrapping ErrNoConvergence if MaxIter is reached first.
func LanczosEig(a SymOperator, n, k int, which Which, s *KrylovSettings) (LanczosResult, error) {
	if k < 1 || k > n {
		return LanczosResult{}, fmt.Errorf("linalg: LanczosEig: k = %d not in [1, n = %d]: %w", k, n, ErrInvalidArgument)
	}
	set := s.withDefaults(n)
	rng := rand.New(rand.NewPCG(set.Seed, set.Seed^0x9e3779b97f4a7c15))
	l := newLanczos(n, set.MaxIter, rng)
	v := make([]float64, n)
	if set.Start != nil {
		if len(set.Start) != n {
			panic("linalg: LanczosEig: len(Start) != n")
		}
		copy(v, set.Start)
	} else {
		for i := range v {
			v[i] = rng.NormFloat64()
		}
	}
	nrm := floats.Norm(v, 2)
	if nrm == 0 || math.IsNaN(nrm) || math.IsInf(nrm, 0) {
		return LanczosResult{}, fmt.Errorf("linalg: LanczosEig: start vector zero or not finite: %w", ErrInvalidArgument)
	}
	l.push(v, nrm)
	var res LanczosResult
	anorm := 0.0
	for m := 1; ; m++ {
		invariant := l.step(a, anorm)
		res.Stats.MatVecs++
		if math.IsNaN(l.alpha[m-1]) || math.IsInf(l.alpha[m-1], 0) {
			return res, fmt.Errorf("linalg: LanczosEig: operator produced non-finite values: %w", ErrNotFinite)
		}
		last := m >= set.MaxIter || invariant
		if m < k && !last {
			continue
		}
		if !last && (m-k)%5 != 0 {
			continue
		}
		theta, sv, err := tridiagEig(l.alpha, l.beta, m)
		if err != nil {
			return res, err
		}
		anorm = math.Max(math.Abs(theta[0]), math.Abs(theta[m-1]))
		kk := min(k, m)
		idx := make([]int, kk)
		for i := range idx {
			if which == Largest {
				idx[i] = m - 1 - i
			} else {
				idx[i] = i
			}
		}
		bm := l.beta[m-1]
		worst := 0.0
		resid := make([]float64, kk)
		for i, c := range idx {
			resid[i] = math.Abs(bm * sv[(m-1)*m+c])
			worst = math.Max(worst, resid[i])
		}
		conv := kk == k && worst <= set.Tol*anorm
		if conv || last {
			res.Values = make([]float64, kk)
			res.Vectors = make([][]float64, kk)
			res.Residuals = resid
			for i, c := range idx {
				res.Values[i] = theta[c]
				y := make([]float64, n)
				for j := 0; j < m; j++ {
					floats.AddScaled(y, sv[j*m+c], l.q[j])
				}
				floats.Scale(1/floats.Norm(y, 2), y)
				res.Vectors[i] = y
			}
			res.Stats.Iterations = m
			if anorm > 0 {
				res.Stats.ErrEst = worst / anorm
			}
			if conv {
				return res, nil
			}
			if invariant && kk < k {
				return res, fmt.Errorf("linalg: LanczosEig: Krylov space of the start vector is invariant at dimension %d < k = %d: %w", m, k, ErrNoConvergence)
			}
			if invariant {
				return res, nil
			}
			return res, fmt.Errorf("linalg: LanczosEig: residual %.3g > %.3g after %d iterations: %w", worst/anorm, set.Tol, m, ErrNoConvergence)
		}
	}
}

// Krylov is a reusable workspace for the Krylov approximations of f(A)v:
// it keeps the basis, the projected matrix, the iterates and the small
// eigensolver's arrays between calls, so that a call needs no allocation
// once an earlier one has reached the same order n and Krylov dimension
// (the functions LanczosFunc, ArnoldiFunc and ComplexSymFunc allocate a
// fresh Krylov each time). The zero value is ready to use. A Krylov is not
// safe for concurrent use.
//
// # Stopping rule
//
// All four methods compute the small-matrix function c_m = f(T_m)e₁ at
// checkpoints m₁ < m₂ < … and estimate the error of the approximation
// they would return from the differences of successive checkpoint
// iterates, d_k = ‖Q(c_{m_k} − c_{m_{k−1}})‖ (equal to ‖c_{m_k} −
// c_{m_{k−1}}‖ for an orthonormal basis; computed from the assembled
// approximations for the complex symmetric Lanczos basis). Under geometric
// convergence with ratio r per checkpoint interval the error of the
// newest iterate is d_k·r/(1 − r) (the tail of a geometric series, as in
// Aitken's extrapolation); r is measured as d_k/d_{k−1} (scaled to equal
// interval lengths), and the factor r/(1 − r) is confined to [0.1, 10]:
// the estimate trusts the observed rate for at most one decimal digit in
// either direction, and is 10·d_k when there is no rate yet or the
// differences do not decrease. Iteration stops when the estimate is at
// most Tol times the norm of the approximation. A Krylov space found to be
// invariant gives the exact answer (estimate 0).
//
// For a symmetric A the checkpoints are every second step up to m = 40,
// then 5% apart (f(T_m)e₁ costs O(m²) there); for Arnoldi and the complex
// symmetric Lanczos process, whose f(T_m)e₁ is dense O(m³), and for the
// rational method, whose projected matrix is dense (c_m = f(σI + H_m)e₁),
// every fourth step up to m = 40, then 10% apart. f is called once per
// Ritz value at every checkpoint, the last time for the returned
// approximation.
type Krylov struct {
	n int
	// Real Lanczos: the basis vectors are the rows of the row-major
	// matrix qr (row j = qr[j*n:(j+1)*n]), so that reorthogonalization
	// and assembly are matrix-vector products through BLAS (Dgemv).
	qr          []float64
	hr          []float64 // Gram–Schmidt coefficients Q_mᵀw
	cr          []float64 // real or imaginary part of c_m
	alpha, beta []float64
	wr          []float64
	theta       []float64
	rs          rotStore
	// Complex bases (Arnoldi and complex symmetric Lanczos).
	qc    [][]complex128
	qn    []float64 // 2-norms of the complex basis vectors
	wc    []complex128
	hcol  [][]complex128 // Arnoldi: column j of H_m, length j+2
	ca    []complex128   // complex symmetric Lanczos: diagonal
	cb    []complex128   // and off-diagonal of T_m
	sh    []complex128   // m×m working copy of H_m / T_m, then its Schur form
	szt   []complex128   // Schur vectors, transposed
	sx    []complex128   // eigenvectors of the Schur form, transposed
	sy, s []complex128
	// Rational (extended) Krylov: the images (A − σI)q_j of the basis
	// vectors (row-major like qr), the projected matrix (stride maxm) and
	// its working copy with the tridiagonal reduction.
	cq     []float64
	hp, hs []float64
	// Iterates c_m at the current and the previous checkpoint, and
	// assembled ones (complex symmetric Lanczos).
	c, prev []complex128
	u, up   []complex128
}

// growF returns s resliced to length n, reallocated if its capacity is short.
func growF(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n, n+n/4)
	}
	return s[:n]
}

func growC(s []complex128, n int) []complex128 {
	if cap(s) < n {
		return make([]complex128, n, n+n/4)
	}
	return s[:n]
}

// reset prepares the workspace for operators of order n.
func (k *Krylov) reset(n int) {
	if k.n != n {
		k.n = n
		k.qr, k.qc = k.qr[:0], k.qc[:0]
		k.wr, k.wc = nil, nil
	}
	k.wr = growF(k.wr, n)
	k.wc = growC(k.wc, n)
}

// realVec returns basis vector j of the real Lanczos process, growing the
// basis storage (see growRow).
func (k *Krylov) realVec(j, maxm int) []float64 {
	return growRow(&k.qr, j, k.n, maxm)
}

// growRow returns row j (length n) of the row-major storage *rows, growing
// it to j+1 rows when needed (the capacity doubles, keeping the rows there;
// maxm rows bound the growth).
func growRow(rows *[]float64, j, n, maxm int) []float64 {
	r := *rows
	if need := (j + 1) * n; len(r) < need {
		if cap(r) < need {
			q := make([]float64, need, min(max(2*cap(r), need), maxm*n))
			copy(q, r)
			r = q
		}
		r = r[:need]
		*rows = r
	}
	return r[j*n : (j+1)*n]
}

// realBasis returns the first m real basis vectors as the rows of an m×n
// BLAS matrix.
func (k *Krylov) realBasis(m int) blas64.General {
	return blas64.General{Rows: m, Cols: k.n, Stride: k.n, Data: k.qr[:m*k.n]}
}

// reorth orthogonalizes w, of norm wn, against the first m real basis
// vectors by classical Gram–Schmidt as two matrix-vector products,
// h = Q_m w and w ← w − Q_mᵀh (row-major Q_m), repeated once when the
// first pass removed more than 1 − 1/√2 of the norm ("twice is enough";
// the criterion of Daniel, Gragg, Kaufman, Stewart, Math. Comp. 30, 1976),
// and returns the new norm. It uses hr[:m] for h.
func (k *Krylov) reorth(w []float64, m int, wn float64) float64 {
	qm, h := k.realBasis(m), vec(k.hr[:m])
	for pass := 0; pass < 2; pass++ {
		blas64.Gemv(blas.NoTrans, 1, qm, vec(w), 0, h)
		blas64.Gemv(blas.Trans, -1, qm, h, 1, vec(w))
		prev := wn
		wn = floats.Norm(w, 2)
		if wn > prev/math.Sqrt2 {
			break
		}
	}
	return wn
}

// assemble sets dst = nrm·Q_mᵀ c_m for the real basis (the rows of qr)
// and c_m = k.c[:m], real and imaginary parts by DGEMV.
func (k *Krylov) assemble(dst []complex128, m int, nrm float64) {
	n := k.n
	k.cr = growF(k.cr, 2*m+2*n)
	cre, cim := k.cr[:m], k.cr[m:2*m]
	xre, xim := k.cr[2*m:2*m+n], k.cr[2*m+n:2*m+2*n]
	for j, z := range k.c[:m] {
		cre[j], cim[j] = real(z), imag(z)
	}
	qm := k.realBasis(m)
	blas64.Gemv(blas.Trans, nrm, qm, vec(cre), 0, vec(xre))
	blas64.Gemv(blas.Trans, nrm, qm, vec(cim), 0, vec(xim))
	for i := range dst {
		dst[i] = complex(xre[i], xim[i])
	}
}

func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }

// cplxVec returns complex basis vector j.
func (k *Krylov) cplxVec(j int) []complex128 {
	for len(k.qc) <= j {
		k.qc = append(k.qc, make([]complex128, k.n))
	}
	return k.qc[j]
}

// checkpoint schedules: real symmetric (cheap f(T_m)e₁) and dense.
func nextCheckSym(m int) int   { return m + max(2, m/20) }
func nextCheckDense(m int) int { return m + max(4, m/10) }

// convMon turns the differences of successive checkpoint iterates into the
// error estimate described in Krylov's documentation.
type convMon struct {
	d1   float64 // previous difference
	g1   int     // its interval length
	have bool
	last int // step of the previous checkpoint, 0 before the first
}

// check returns the relative error estimate of the iterate of norm cn at
// checkpoint m: infinite at the first checkpoint, zero when the Krylov
// space is invariant (the iterate is exact), otherwise estimate(diff(),
// m − previous checkpoint), divided by cn when cn > 0. diff returns the
// norm of the difference to the iterate of the previous checkpoint; it is
// called only when there is one.
func (cm *convMon) check(m int, invariant bool, cn float64, diff func() float64) float64 {
	est := math.Inf(1)
	if cm.last > 0 {
		est = cm.estimate(diff(), m-cm.last)
	}
	cm.last = m
	if invariant {
		est = 0
	}
	if cn > 0 {
		return est / cn
	}
	return est
}

// estimate returns the estimated error of the newest iterate given the
// difference d2 to the previous checkpoint over an interval of g2 steps,
// and records d2.
func (cm *convMon) estimate(d2 float64, g2 int) float64 {
	fac := 10.0
	if cm.have && cm.d1 > 0 {
		r := math.Pow(d2/cm.d1, float64(g2)/float64(cm.g1))
		if r < 1 {
			fac = math.Min(10, math.Max(0.1, r/(1-r)))
		}
	} else if cm.have && d2 == 0 {
		fac = 0
	}
	cm.d1, cm.g1, cm.have = d2, g2, true
	return fac * d2
}

// startNorm returns ‖v‖₂ for the start vector of the Krylov method name
// (for error messages). For v = 0 it clears dst (f(A)0 = 0) and returns 0;
// for a non-finite v it returns an error wrapping ErrNotFinite. It panics
// if len(dst) != len(v).
func startNorm[T Scalar](name string, dst []complex128, v []T) (float64, error) {
	if len(dst) != len(v) {
		panic(badLen)
	}
	nrm := Norm2(v)
	if nrm == 0 {
		clear(dst)
		return 0, nil
	}
	if math.IsNaN(nrm) || math.IsInf(nrm, 0) {
		return nrm, fmt.Errorf("linalg: %s: v: %w", name, ErrNotFinite)
	}
	return nrm, nil
}

// diffNorm returns ‖c − [p; 0]‖₂ with len(p) ≤ len(c).
func diffNorm(c, p []complex128) float64 {
	var scale, ssq float64 = 0, 1
	for i, z := range c {
		if i < len(p) {
			z -= p[i]
		}
		for _, x := range [2]float64{real(z), imag(z)} {
			if x != 0 {
				a := math.Abs(x)
				if scale < a {
					ssq = 1 + ssq*(scale/a)*(scale/a)
					scale = a
				} else {
					ssq += (a / scale) * (a / scale)
				}
			}
		}
	}
	return scale * math.Sqrt(ssq)
}

// LanczosFunc computes dst ≈ f(A)v for a real symmetric operator a and a
// complex-valued f, with a fresh workspace: see Krylov.LanczosFuncTo.
func LanczosFunc(dst []complex128, a SymOperator, v []float64, f func(float64) complex128, s *KrylovSettings) (KrylovStats, error) {
	var k Krylov
	return k.LanczosFuncTo(dst, a, v, f, s)
}

// ArnoldiFunc computes dst ≈ f(A)v for a general complex operator a, with a
// fresh workspace: see Krylov.ArnoldiFuncTo.
func ArnoldiFunc(dst []complex128, a COperator, v []complex128, f func(complex128) complex128, s *KrylovSettings) (KrylovStats, error) {
	var k Krylov
	return k.ArnoldiFuncTo(dst, a, v, f, s)
}

// ComplexSymFunc computes dst ≈ f(A)v for a complex symmetric operator a
// (Aᵀ = A), with a fresh workspace: see Krylov.ComplexSymFuncTo.
func ComplexSymFunc(dst []complex128, a COperator, v []complex128, f func(complex128) complex128, s *KrylovSettings) (KrylovStats, error) {
	var k Krylov
	return k.ComplexSymFuncTo(dst, a, v, f, s)
}

// LanczosFuncTo computes dst ≈ f(A)v for a real symmetric operator a and a
// complex-valued f (such as z ↦ φ(hz) of the principal flow, complex beyond
// hλ = 1) by the Lanczos approximation f(A)v ≈ ‖v‖ Q_m f(T_m) e₁
// (Gallopoulos & Saad, SIAM J. Sci. Stat. Comput. 13, 1992; Higham,
// Functions of Matrices, SIAM 2008, §13.2), with full reorthogonalization
// (classical Gram–Schmidt, repeated when it cancels). f(T_m)e₁ is computed in O(m²) by
// implicit QL with recorded rotations (tridiagFunc). The stopping rule is
// described in Krylov's documentation.
//
// For functions analytic on a neighbourhood of the spectrum convergence is
// geometric and the estimate is reliable. It can be optimistic when f has
// a singularity inside the spectral interval (φ(hz) at hλ = 1): then
// convergence is slow and the estimate should be confirmed with a tighter
// Tol.
//
// dst and v have length n; v is not modified. A zero v gives dst = 0. The
// approximation reached is returned with an error wrapping
// ErrNoConvergence when MaxIter runs out. It panics if len(dst) != len(v).
func (k *Krylov) LanczosFuncTo(dst []complex128, a SymOperator, v []float64, f func(float64) complex128, s *KrylovSettings) (KrylovStats, error) {
	var st KrylovStats
	nrm, err := startNorm("LanczosFunc", dst, v)
	if nrm == 0 || err != nil {
		return st, err
	}
	n := len(v)
	set := s.withDefaults(n)
	k.reset(n)
	maxm := set.MaxIter
	k.alpha, k.beta = growF(k.alpha, maxm)[:0], growF(k.beta, maxm)[:0]
	k.theta = growF(k.theta, maxm)
	k.c, k.prev = growC(k.c, maxm)[:0], growC(k.prev, maxm)[:0]
	k.qr = k.qr[:0]
	floats.ScaleTo(k.realVec(0, maxm), 1/nrm, v)
	k.hr = growF(k.hr, maxm)
	w := k.wr
	var cm convMon
	anorm := 0.0
	next := 2
	for m := 1; ; m++ {
		q := k.qr[(m-1)*n : m*n]
		a(w, q)
		st.MatVecs++
		al := floats.Dot(q, w)
		if math.IsNaN(al) || math.IsInf(al, 0) {
			return st, fmt.Errorf("linalg: LanczosFunc: operator produced non-finite values: %w", ErrNotFinite)
		}
		k.alpha = append(k.alpha, al)
		// The three-term recurrence, then full reorthogonalization:
		// a second Gram–Schmidt pass only when the first removed more than
		// 1 − 1/√2 of the norm (the criterion of Daniel, Gragg, Kaufman,
		// Stewart, Math. Comp. 30, 1976); it rarely does, the recurrence
		// having removed the large components already.
		floats.AddScaled(w, -al, q)
		if m > 1 {
			floats.AddScaled(w, -k.beta[m-2], k.qr[(m-2)*n:(m-1)*n])
		}
		bt := k.reorth(w, m, floats.Norm(w, 2))
		if math.IsNaN(bt) || math.IsInf(bt, 0) {
			return st, fmt.Errorf("linalg: LanczosFunc: operator produced non-finite values: %w", ErrNotFinite)
		}
		invariant := bt == 0 || bt <= 1e-13*math.Max(anorm, math.Abs(al))
		anorm = math.Max(anorm, math.Abs(al)+bt)
		if invariant {
			k.beta = append(k.beta, 0)
		} else {
			k.beta = append(k.beta, bt)
			if m < maxm {
				floats.ScaleTo(k.realVec(m, maxm), 1/bt, w)
			}
		}
		last := m >= maxm || invariant
		if !last && m < next {
			continue
		}
		next = nextCheckSym(m)
		k.prev, k.c = k.c, k.prev[:m]
		if err := tridiagFunc(k.c, k.theta[:m], k.alpha, k.beta, m, f, &k.rs); err != nil {
			return st, err
		}
		for _, z := range k.c {
			if !IsFinite(z) {
				return st, fmt.Errorf("linalg: LanczosFunc: f(T_m)e₁ is not finite (f singular at a Ritz value?): %w", ErrNotFinite)
			}
		}
		st.Iterations = m
		st.ErrEst = cm.check(m, invariant, Norm2(k.c), func() float64 { return diffNorm(k.c, k.prev) })
		if st.ErrEst <= set.Tol || last {
			k.assemble(dst, m, nrm)
			if st.ErrEst <= set.Tol {
				return st, nil
			}
			return st, fmt.Errorf("linalg: LanczosFunc: error estimate %.3g > %.3g after %d iterations: %w", st.ErrEst, set.Tol, m, ErrNoConvergence)
		}
	}
}

// ArnoldiFuncTo computes dst ≈ f(A)v for a general complex operator a by
// the Arnoldi approximation f(A)v ≈ ‖v‖ Q_m f(H_m) e₁ (Saad, SIAM J.
// Numer. Anal. 29, 1992; Higham, Functions of Matrices, §13.2.1), with the
// Hermitian inner product and Gram–Schmidt applied twice. f(H_m)e₁ is
// computed from the Schur form H_m = Z T Zᴴ (the implicit QR of CEig) and
// the eigenvectors X of T: f(H_m)e₁ = Z X f(Λ) X⁻¹ Zᴴe₁, with X⁻¹ applied by
// back substitution. H_m must be diagonalizable: when X⁻¹ amplifies
// Zᴴe₁ by more than 1/√ε (the default CEigSettings.MaxCond), an error
// wrapping ErrDefective is returned. The stopping rule is described in
// Krylov's documentation.
//
// For a complex symmetric A (the Hessian of a holomorphic loss at complex
// θ) ComplexSymFuncTo is much cheaper per step.
func (k *Krylov) ArnoldiFuncTo(dst []complex128, a COperator, v []complex128, f func(complex128) complex128, s *KrylovSettings) (KrylovStats, error) {
	return k.arnoldi(dst, a, v, f, s, KrylovStats{})
}

func (k *Krylov) arnoldi(dst []complex128, a COperator, v []complex128, f func(complex128) complex128, s *KrylovSettings, st KrylovStats) (KrylovStats, error) {
	nrm, err := startNorm("ArnoldiFunc", dst, v)
	if nrm == 0 || err != nil {
		return st, err
	}
	n := len(v)
	set := s.withDefaults(n)
	k.reset(n)
	maxm := set.MaxIter
	k.c, k.prev = growC(k.c, maxm)[:0], growC(k.prev, maxm)[:0]
	ScaleTo(k.cplxVec(0), complex(1/nrm, 0), v)
	for len(k.hcol) < maxm {
		k.hcol = append(k.hcol, make([]complex128, len(k.hcol)+2))
	}
	w := k.wc
	var cm convMon
	anorm := 0.0
	next := 4
	for m := 1; ; m++ {
		j := m - 1
		a(w, k.qc[j])
		st.MatVecs++
		hj := k.hcol[j]
		clear(hj)
		for pass := 0; pass < 2; pass++ {
			for i, qi := range k.qc[:m] {
				d := DotC(qi, w)
				hj[i] += d
				Axpy(w, -d, qi)
			}
		}
		beta := Norm2(w)
		if math.IsNaN(beta) || math.IsInf(beta, 0) {
			return st, fmt.Errorf("linalg: ArnoldiFunc: operator produced non-finite values: %w", ErrNotFinite)
		}
		anorm = math.Max(anorm, Norm2(hj[:m]))
		invariant := beta <= 1e-13*anorm
		hj[m] = complex(beta, 0)
		if !invariant && m < maxm {
			ScaleTo(k.cplxVec(m), complex(1/beta, 0), w)
		}
		last := m >= maxm || invariant
		if !last && m < next {
			continue
		}
		next = nextCheckDense(m)
		hm := k.denseH(m)
		for jj := 0; jj < m; jj++ {
			for i := 0; i <= min(jj+1, m-1); i++ {
				hm[i*m+jj] = k.hcol[jj][i]
			}
		}
		k.prev, k.c = k.c, k.prev[:m]
		if err := k.hessFunc(k.c, m, f); err != nil {
			return st, fmt.Errorf("linalg: ArnoldiFunc: f(H_m): %w", err)
		}
		st.Iterations = m
		st.ErrEst = cm.check(m, invariant, Norm2(k.c), func() float64 { return diffNorm(k.c, k.prev) })
		if st.ErrEst <= set.Tol || last {
			clear(dst)
			for jj := 0; jj < m; jj++ {
				Axpy(dst, k.c[jj]*complex(nrm, 0), k.qc[jj])
			}
			if st.ErrEst <= set.Tol {
				return st, nil
			}
			return st, fmt.Errorf("linalg: ArnoldiFunc: error estimate %.3g > %.3g after %d iterations: %w", st.ErrEst, set.Tol, m, ErrNoConvergence)
		}
	}
}

// denseH returns the cleared m×m working matrix.
func (k *Krylov) denseH(m int) []complex128 {
	k.sh = growC(k.sh, m*m)
	clear(k.sh)
	return k.sh
}

// hessFunc computes c = f(H)e₁ for the upper Hessenberg m×m matrix in k.sh
// (destroyed) through its Schur form and eigenvectors (see ArnoldiFuncTo).
func (k *Krylov) hessFunc(c []complex128, m int, f func(complex128) complex128) error {
	h := k.sh[:m*m]
	for _, z := range h {
		if !IsFinite(z) {
			return ErrNotFinite
		}
	}
	zt := growC(k.szt, m*m)
	k.szt = zt
	clear(zt)
	for i := 0; i < m; i++ {
		zt[i*m+i] = 1
	}
	if err := schurQR(h, zt, m, 30*max(10, m)); err != nil {
		return err
	}
	x := growC(k.sx, m*m)
	k.sx = x
	triEigvec(x, h, m)
	y := growC(k.sy, m)
	k.sy = y
	w := growC(k.s, m)
	k.s = w
	// y = Zᴴe₁; the column k of Z is row k of zt.
	for i := 0; i < m; i++ {
		y[i] = cmplx.Conj(zt[i*m])
	}
	// X w = y by back substitution; X_jl = x[l*m+j] (upper triangular).
	var xf2, wn2 float64
	for j := m - 1; j >= 0; j-- {
		sum := y[j]
		for l := j + 1; l < m; l++ {
			sum -= x[l*m+j] * w[l]
		}
		w[j] = sum / x[j*m+j]
		wn2 += real(w[j])*real(w[j]) + imag(w[j])*imag(w[j])
	}
	for _, z := range x {
		xf2 += real(z)*real(z) + imag(z)*imag(z)
	}
	// ‖X‖_F‖X⁻¹y‖/‖y‖ (‖y‖ = 1) bounds the amplification of rounding in
	// X f(Λ) X⁻¹ y; it is at most cond_F(X).
	if amp := math.Sqrt(xf2 * wn2); !(amp <= 1/math.Sqrt(eps)) {
		return fmt.Errorf("eigenvector amplification %.3g: %w", amp, ErrDefective)
	}
	for l := 0; l < m; l++ {
		w[l] *= f(h[l*m+l])
	}
	// y = X w.
	for j := 0; j < m; j++ {
		var sum complex128
		for l := j; l < m; l++ {
			sum += x[l*m+j] * w[l]
		}
		y[j] = sum
	}
	// c = Z y.
	clear(c)
	for l := 0; l < m; l++ {
		Axpy(c, y[l], zt[l*m:l*m+m])
	}
	for _, z := range c {
		if !IsFinite(z) {
			return fmt.Errorf("f(H_m)e₁ is not finite (f singular at a Ritz value?): %w", ErrNotFinite)
		}
	}
	return nil
}

// csymBreakdown is the threshold of the complex symmetric Lanczos process:
// a new basis vector w with |wᵀw| < csymBreakdown·‖w‖² (so that the
// normalised vector has ‖q‖₂ > 1/√csymBreakdown = 100) is treated as a
// breakdown.
const csymBreakdown = 1e-4

// ComplexSymFuncTo computes dst ≈ f(A)v for a complex symmetric operator a
// (Aᵀ = A without conjugation, such as the Hessian of a holomorphic loss at
// complex θ) by the complex symmetric Lanczos process: the Lanczos
// recurrence with the bilinear form xᵀy in place of the inner product,
// which for Aᵀ = A gives a three-term recurrence A Q_m = Q_m T_m +
// β_m q_{m+1}e_mᵀ with T_m complex symmetric tridiagonal and Q_mᵀQ_m = I
// (Moro & Freed, J. Chem. Phys. 74, 1981; van der Vorst & Melissen, IEEE
// Trans. Magn. 26, 1990; Freund, SIAM J. Sci. Stat. Comput. 13, 1992). Then
// f(A)v ≈ γ Q_m f(T_m) e₁ with γ = (vᵀv)^{1/2}. Each step costs one product
// and O(n) work instead of Arnoldi's O(mn) orthogonalization. f(T_m)e₁ is
// computed as in ArnoldiFuncTo.
//
// The process breaks down when some wᵀw vanishes for w ≠ 0 (always
// possible for complex vectors). A near-breakdown, |wᵀw| < 10⁻⁴‖w‖², or a
// start vector with |vᵀv| < 10⁻⁴‖v‖², is detected, and the computation
// restarts with ArnoldiFuncTo; so does a run that reaches MaxIter without
// convergence (the products already spent are counted in the returned
// MatVecs). Without full orthogonalization the basis loses its bilinear
// orthogonality in floating point; as for the real Lanczos process this
// delays convergence without spoiling the limit. Since the basis is not
// orthonormal, the stopping rule (Krylov's documentation) measures the
// differences of iterates on the assembled approximations Q_m c_m, O(mn)
// per checkpoint. The operator is trusted to be symmetric; it is not
// checked.
//
// With KrylovSettings.Reorth the basis is rebiorthogonalized in full
// (O(mn) per step, half of Arnoldi's two Gram–Schmidt passes), which
// removes the delay. On the Hessian of a tanh MLP with d = 2103 at a
// complex point, Tol = 1e-12, Arnoldi needed 73 products, this method 68,
// and 62 with Reorth (see BenchmarkPFKrylov in package modified).
func (k *Krylov) ComplexSymFuncTo(dst []complex128, a COperator, v []complex128, f func(complex128) complex128, s *KrylovSettings) (KrylovStats, error) {
	var st KrylovStats
	nrm, err := startNorm("ComplexSymFunc", dst, v)
	if nrm == 0 || err != nil {
		return st, err
	}
	n := len(v)
	set := s.withDefaults(n)
	// Scale v to unit norm first so that vᵀv cannot overflow.
	k.reset(n)
	q0 := k.cplxVec(0)
	ScaleTo(q0, complex(1/nrm, 0), v)
	vv := Dot(q0, q0)
	if cmplx.Abs(vv) < csymBreakdown {
		return k.arnoldi(dst, a, v, f, s, st)
	}
	gs := cmplx.Sqrt(vv)
	gamma := complex(nrm, 0) * gs
	Scale(1/gs, q0)
	maxm := set.MaxIter
	k.ca, k.cb = growC(k.ca, maxm)[:0], growC(k.cb, maxm)[:0]
	k.qn = growF(k.qn, maxm+1)[:1]
	k.qn[0] = Norm2(q0)
	k.c, k.prev = growC(k.c, maxm)[:0], growC(k.prev, maxm)[:0]
	k.u, k.up = growC(k.u, n), growC(k.up, n)
	w := k.wc
	var cm convMon
	anorm := 0.0
	next := 4
	for m := 1; ; m++ {
		q := k.qc[m-1]
		a(w, q)
		st.MatVecs++
		al := Dot(q, w)
		Axpy(w, -al, q)
		if m > 1 {
			Axpy(w, -k.cb[m-2], k.qc[m-2])
		}
		if set.Reorth {
			// Full rebiorthogonalization in the bilinear form.
			for i, qi := range k.qc[:m] {
				d := Dot(qi, w)
				Axpy(w, -d, qi)
				if i == m-1 {
					al += d
				}
			}
		} else {
			// One local reorthogonalization against q_m and q_{m−1} keeps
			// the recurrence's own rounding from accumulating.
			d := Dot(q, w)
			al += d
			Axpy(w, -d, q)
			if m > 1 {
				Axpy(w, -Dot(k.qc[m-2], w), k.qc[m-2])
			}
		}
		if !IsFinite(al) {
			return st, fmt.Errorf("linalg: ComplexSymFunc: operator produced non-finite values: %w", ErrNotFinite)
		}
		k.ca = append(k.ca, al)
		wn := Norm2(w)
		if math.IsNaN(wn) || math.IsInf(wn, 0) {
			return st, fmt.Errorf("linalg: ComplexSymFunc: operator produced non-finite values: %w", ErrNotFinite)
		}
		invariant := wn <= 1e-13*math.Max(anorm, cmplx.Abs(al))*k.qn[m-1]
		anorm = math.Max(anorm, cmplx.Abs(al)+wn/k.qn[m-1])
		if invariant {
			k.cb = append(k.cb, 0)
		} else {
			ww := Dot(w, w)
			if cmplx.Abs(ww) < csymBreakdown*wn*wn {
				return k.arnoldi(dst, a, v, f, s, st)
			}
			bt := cmplx.Sqrt(ww)
			k.cb = append(k.cb, bt)
			if m < maxm {
				qm := k.cplxVec(m)
				ScaleTo(qm, 1/bt, w)
				k.qn = append(k.qn, wn/cmplx.Abs(bt))
			}
		}
		last := m >= maxm || invariant
		if !last && m < next {
			continue
		}
		next = nextCheckDense(m)
		hm := k.denseH(m)
		for i := 0; i < m; i++ {
			hm[i*m+i] = k.ca[i]
			if i+1 < m {
				hm[i*m+i+1], hm[(i+1)*m+i] = k.cb[i], k.cb[i]
			}
		}
		k.prev, k.c = k.c, k.prev[:m]
		if err := k.hessFunc(k.c, m, f); err != nil {
			return st, fmt.Errorf("linalg: ComplexSymFunc: f(T_m): %w", err)
		}
		// The basis is not orthonormal: the iterate is assembled,
		// u_m = Q_m c_m (O(mn), as cheap as the f(T_m)e₁ of the check), and
		// the difference of iterates is measured on it.
		k.u, k.up = k.up, k.u
		u := k.u
		clear(u)
		for j := 0; j < m; j++ {
			Axpy(u, k.c[j], k.qc[j])
		}
		st.Iterations = m
		st.ErrEst = cm.check(m, invariant, Norm2(u), func() float64 {
			for i := range u {
				k.wc[i] = u[i] - k.up[i]
			}
			return Norm2(k.wc)
		})
		if st.ErrEst <= set.Tol || last {
			if st.ErrEst <= set.Tol {
				ScaleTo(dst, gamma, u)
				return st, nil
			}
			// Not converged within MaxIter: the loss of bilinear
			// orthogonality may be to blame (at MaxIter = n Arnoldi is
			// exact), so Arnoldi gets its chance.
			return k.arnoldi(dst, a, v, f, s, st)
		}
	}
}
