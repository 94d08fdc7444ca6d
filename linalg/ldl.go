package linalg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
)

// ShiftedLDL is the symmetric indefinite factorization of A − σI for a
// dense real symmetric n×n matrix A,
//
//	P (A − σI) Pᵀ = L D Lᵀ,
//
// with P a permutation, L unit lower triangular and D block diagonal with
// 1×1 and 2×2 blocks, by the Bunch–Kaufman partial pivoting strategy
// (Bunch & Kaufman, Math. Comp. 31, 1977; α = (1 + √17)/8 bounds the
// element growth), blocked as in LAPACK's DSYTRF/DLASYF (Golub & Van Loan,
// Matrix Computations, 4th ed., §4.4): panels of ldlBlock columns are
// factorized left-looking, and the trailing lower triangle is updated by
// DGEMMs. It costs n³/3 flops, half an LU factorization, and reads only the
// lower triangle of A. Unlike LAPACK, P is applied to whole rows of L, so
// that L is a plain unit lower triangular matrix.
//
// Its Solve is the operator x ↦ (A − σI)⁻¹x of the rational Krylov
// method (Krylov.RationalFuncTo), and Inertia counts the
// eigenvalues of A below, at and above σ (Sylvester's law of inertia: D
// and A − σI have the same inertia). The zero value is ready to use; the
// storage (n² + O(n·ldlBlock) words) is reused by later factorizations of
// the same order. A ShiftedLDL is not safe for concurrent use.
type ShiftedLDL struct {
	n     int
	nb    int // block size (ldlBlock; smaller in tests)
	sigma float64
	a     []float64 // row-major; strictly lower part holds L
	d     []float64 // diagonal of D
	e     []float64 // e[k] = D[k+1][k] for a 2×2 block at k, else 0
	piv   []int     // row k was interchanged with row piv[k] ≥ k at step k
	w     []float64 // panel workspace W, n×(nb+1), stored by columns: W_ij = w[j*n+i]
	xw    []float64 // a row of W, gathered
}

// ldlBlock is the panel width of ShiftedLDL, solveBlock the block size of
// its triangular solves (the rows of a block update by one DGEMV, then by
// short loops).
const (
	ldlBlock   = 64
	solveBlock = 64
)

// firstNonFiniteF returns the index of the first NaN or infinite entry of
// x, or −1.
func firstNonFiniteF(x []float64) int {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// bkAlpha is Bunch and Kaufman's pivoting threshold (1 + √17)/8.
var bkAlpha = (1 + math.Sqrt(17)) / 8

// Factorize computes the factorization of A − σI from the lower triangle
// of the row-major n×n matrix a (the strictly upper part is not read; a is
// not modified). It returns an error wrapping ErrNotFinite if the lower
// triangle of a or sigma is not finite, and ErrSingular if A − σI is
// exactly singular (σ an eigenvalue of A to working precision: a zero
// pivot column); the factorization is then unusable. It panics if len(a)
// != n·n.
func (f *ShiftedLDL) Factorize(a []float64, n int, sigma float64) error {
	if n < 0 || len(a) != n*n {
		panic(badLen)
	}
	f.n, f.sigma = 0, sigma
	if math.IsNaN(sigma) || math.IsInf(sigma, 0) {
		return fmt.Errorf("linalg: ShiftedLDL: σ = %v: %w", sigma, ErrNotFinite)
	}
	f.a = growF(f.a, n*n)
	for i := 0; i < n; i++ {
		row := a[i*n : i*n+i+1]
		if j := firstNonFiniteF(row); j >= 0 {
			return fmt.Errorf("linalg: ShiftedLDL: a[%d][%d] = %v: %w", i, j, row[j], ErrNotFinite)
		}
		copy(f.a[i*n:], row)
		f.a[i*n+i] -= sigma
	}
	nb := f.nb
	if nb < 2 {
		nb = ldlBlock
	}
	f.d, f.e = growF(f.d, n), growF(f.e, n)
	clear(f.e)
	if cap(f.piv) < n {
		f.piv = make([]int, n)
	}
	f.piv = f.piv[:n]
	f.w = growF(f.w, n*(nb+1))
	f.xw = growF(f.xw, nb+1)
	for k0 := 0; k0 < n; {
		kb, err := f.panel(k0, nb)
		if err != nil {
			return err
		}
		f.update(k0, k0+kb, nb)
		k0 += kb
	}
	f.n = n
	return nil
}

// at returns the entry (i, j) of the symmetric working matrix (lower
// storage).
func (f *ShiftedLDL) at(i, j int) float64 {
	if j > i {
		i, j = j, i
	}
	return f.a[i*f.n+j]
}

// panel factorizes the columns k0, k0+1, … of the working matrix, whose
// trailing part A[k0:, k0:] holds the matrix updated by every earlier
// panel, left-looking (the updates by this panel's columns are applied
// through W = L·D, one column at a time). It stops before column k0+nb−1
// unless the rest of the matrix fits in the panel, and returns the number
// of columns done (nb−1 or nb, or all that remain).
func (f *ShiftedLDL) panel(k0, nb int) (int, error) {
	n := f.n0()
	a, w := f.a, f.w
	all := n-k0 <= nb
	k := k0
	for k < n && (all || k-k0 < nb-1) {
		jw := k - k0
		// w_k = A[k:, k] − L[k:, k0:k] W[k, 0:jw]ᵀ into column jw of W.
		f.updatedColumn(k, k, jw, jw)
		absakk := math.Abs(w[jw*n+k])
		imax, colmax := -1, 0.0
		for i := k + 1; i < n; i++ {
			if v := math.Abs(w[jw*n+i]); v > colmax {
				imax, colmax = i, v
			}
		}
		kstep, kp := 1, k
		if math.Max(absakk, colmax) == 0 {
			return 0, fmt.Errorf("linalg: ShiftedLDL: A − σI with σ = %v, column %d: %w", f.sigma, k, ErrSingular)
		}
		if absakk < bkAlpha*colmax {
			// Column imax, updated, into column jw+1 of W.
			f.updatedColumn(k, imax, jw, jw+1)
			rowmax := 0.0
			for i := k; i < n; i++ {
				if i != imax {
					rowmax = math.Max(rowmax, math.Abs(w[(jw+1)*n+i]))
				}
			}
			switch {
			case absakk >= bkAlpha*colmax*(colmax/rowmax):
				// 1×1 pivot a_kk after all.
			case math.Abs(w[(jw+1)*n+imax]) >= bkAlpha*rowmax:
				// 1×1 pivot a_imax,imax: its column replaces column k.
				kp = imax
				for i := k; i < n; i++ {
					w[jw*n+i] = w[(jw+1)*n+i]
				}
			default:
				kp, kstep = imax, 2
			}
		}
		kk := k + kstep - 1
		if kp != kk {
			f.swap(kk, kp, jw+kstep)
		}
		f.piv[k] = kp
		if kstep == 2 {
			f.piv[k] = k // the interchange of a 2×2 step is recorded at k+1
			f.piv[k+1] = kp
		}
		if kstep == 1 {
			dkk := w[jw*n+k]
			f.d[k] = dkk
			a[k*n+k] = 1
			r := 1 / dkk
			for i := k + 1; i < n; i++ {
				a[i*n+k] = w[jw*n+i] * r
			}
		} else {
			d11, d21, d22 := w[jw*n+k], w[jw*n+k+1], w[(jw+1)*n+k+1]
			f.d[k], f.e[k], f.d[k+1] = d11, d21, d22
			// [l_ik, l_i,k+1] = [w_ik, w_i,k+1] D⁻¹, computed as in
			// DLASYF (scaled by d21 to avoid overflow).
			e11 := d22 / d21
			e22 := d11 / d21
			t := 1 / (e11*e22 - 1)
			s := t / d21
			for i := k + 2; i < n; i++ {
				wk, wk1 := w[jw*n+i], w[(jw+1)*n+i]
				a[i*n+k] = s * (e11*wk - wk1)
				a[i*n+k+1] = s * (e22*wk1 - wk)
			}
			a[k*n+k], a[(k+1)*n+k], a[(k+1)*n+k+1] = 1, 0, 1
		}
		k += kstep
	}
	return k - k0, nil
}

// n0 returns the order during factorization (f.n is set only at the end).
func (f *ShiftedLDL) n0() int { return len(f.d) }

// updatedColumn puts column c of the working matrix, rows k…n−1, updated
// by the jw columns k0 = k−jw … k−1 of the current panel, into column wc
// of W: A[k:, c] − L[k:, k0:k] W[c, 0:jw]ᵀ.
func (f *ShiftedLDL) updatedColumn(k, c, jw, wc int) {
	n := f.n0()
	a, w := f.a, f.w
	col := w[wc*n : (wc+1)*n]
	for i := k; i < n; i++ {
		if i < c {
			col[i] = a[c*n+i]
		} else {
			col[i] = a[i*n+c]
		}
	}
	if jw == 0 {
		return
	}
	k0 := k - jw
	// W[k:, wc] −= L[k:, k0:k] · W[c, 0:jw] (one DGEMV, unit strides).
	x := f.xw[:jw]
	for j := range x {
		x[j] = w[j*n+c]
	}
	l := blas64.General{Rows: n - k, Cols: jw, Stride: n, Data: a[k*n+k0:]}
	blas64.Gemv(blas.NoTrans, -1, l, vec(x), 1, vec(col[k:]))
}

// swap interchanges rows and columns p < q of the working matrix: the
// not yet factorized part (rows and columns ≥ p), rows p and q of L and
// of the columns of the current step (columns < p; their values are in
// W), and rows p and q of the first wc columns of W.
func (f *ShiftedLDL) swap(p, q, wc int) {
	n := f.n0()
	a, w := f.a, f.w
	a[p*n+p], a[q*n+q] = a[q*n+q], a[p*n+p]
	for j := p + 1; j < q; j++ {
		a[j*n+p], a[q*n+j] = a[q*n+j], a[j*n+p]
	}
	for i := q + 1; i < n; i++ {
		a[i*n+p], a[i*n+q] = a[i*n+q], a[i*n+p]
	}
	// Rows p and q of L and of the columns k…p−1 (the first column of a
	// 2×2 step, whose values are in W).
	rp, rq := a[p*n:p*n+p], a[q*n:q*n+p]
	for j := range rp {
		rp[j], rq[j] = rq[j], rp[j]
	}
	for j := 0; j < wc; j++ {
		w[j*n+p], w[j*n+q] = w[j*n+q], w[j*n+p]
	}
}

// update subtracts L[k1:, k0:k1] W[k1:, 0:k1−k0]ᵀ from the lower triangle
// of the trailing matrix A[k1:, k1:], by DGEMMs on column blocks (each
// also updates the strictly upper part of its diagonal block, which is not
// used).
func (f *ShiftedLDL) update(k0, k1, nb int) {
	n := f.n0()
	kb := k1 - k0
	if k1 >= n || kb == 0 {
		return
	}
	// Column blocks of width nb up to n = 2047 and 2nb above: fewer, larger
	// DGEMMs pay off for large n (measured: d = 1000 44 ms with 64, 45 ms
	// with 128; d = 4000 2.6 s with 64, 1.8 s with 128 and 256).
	ub := nb
	if n >= 2048 {
		ub = 2 * nb
	}
	for j := k1; j < n; j += ub {
		jb := min(ub, n-j)
		l := blas64.General{Rows: n - j, Cols: kb, Stride: n, Data: f.a[j*n+k0:]}
		// W[j:j+jb, 0:kb]ᵀ, read in place from W's column storage.
		wt := blas64.General{Rows: kb, Cols: jb, Stride: n, Data: f.w[j:]}
		c := blas64.General{Rows: n - j, Cols: jb, Stride: n, Data: f.a[j*n+j:]}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, l, wt, 1, c)
	}
}

// N returns the order of the factorized matrix (0 before a successful
// Factorize).
func (f *ShiftedLDL) N() int { return f.n }

// Sigma returns the shift σ of the last Factorize.
func (f *ShiftedLDL) Sigma() float64 { return f.sigma }

// Inertia returns the numbers of eigenvalues of A below, equal to and
// above σ, from the signs of the eigenvalues of D (Sylvester's law of
// inertia; a 2×2 block of D has one eigenvalue of each sign, as its
// determinant is negative under Bunch–Kaufman pivoting). For the principal
// flow with σ = 1/h, above counts the directions with hλ > 1. It panics
// before a successful Factorize.
func (f *ShiftedLDL) Inertia() (below, zero, above int) {
	if f.n == 0 {
		panic(badLen)
	}
	for k := 0; k < f.n; k++ {
		if f.e[k] != 0 {
			// det = d_k d_{k+1} − e² < 0: one of each sign.
			det := f.d[k]*f.d[k+1] - f.e[k]*f.e[k]
			switch {
			case det < 0:
				below++
				above++
			case det > 0 && f.d[k]+f.d[k+1] > 0:
				above += 2
			case det > 0:
				below += 2
			default:
				zero++
				if f.d[k]+f.d[k+1] > 0 {
					above++
				} else {
					below++
				}
			}
			k++
			continue
		}
		switch {
		case f.d[k] > 0:
			above++
		case f.d[k] < 0:
			below++
		default:
			zero++
		}
	}
	return below, zero, above
}

// Solve sets dst = (A − σI)⁻¹ b: the interchanges P, the triangular solves
// with L and Lᵀ (blocked; DGEMVs on row blocks of L, which is read twice,
// each time at about the speed of a matrix-vector product) and the 1×1 and 2×2
// systems of D. dst may alias b. It does not allocate. It panics if the
// lengths differ from N() (in particular before a successful Factorize).
func (f *ShiftedLDL) Solve(dst, b []float64) {
	n := f.n
	if len(dst) != n || len(b) != n || n == 0 {
		panic(badLen)
	}
	copy(dst, b)
	for k, p := range f.piv {
		if p != k {
			dst[k], dst[p] = dst[p], dst[k]
		}
	}
	a := f.a
	// L y = P b.
	for b0 := 0; b0 < n; b0 += solveBlock {
		b1 := min(b0+solveBlock, n)
		if b0 > 0 {
			g := blas64.General{Rows: b1 - b0, Cols: b0, Stride: n, Data: a[b0*n:]}
			blas64.Gemv(blas.NoTrans, -1, g, vec(dst[:b0]), 1, vec(dst[b0:b1]))
		}
		for i := b0 + 1; i < b1; i++ {
			dst[i] -= floats.Dot(a[i*n+b0:i*n+i], dst[b0:i])
		}
	}
	// D z = y.
	for k := 0; k < n; k++ {
		if e := f.e[k]; e != 0 {
			// [d_k e; e d_k+1]⁻¹ scaled by e, as in DSYTRS.
			akm1 := f.d[k] / e
			ak := f.d[k+1] / e
			den := akm1*ak - 1
			bkm1 := dst[k] / e
			bk := dst[k+1] / e
			dst[k] = (ak*bkm1 - bk) / den
			dst[k+1] = (akm1*bk - bkm1) / den
			k++
			continue
		}
		dst[k] /= f.d[k]
	}
	// Lᵀ x = z, blocks of rows of L from the last: the block's own
	// triangle, then its contribution to all the entries above it by one
	// DGEMV (transposed: it streams the contiguous row segments
	// L[b0:b1, 0:b0]).
	for b1 := n; b1 > 0; b1 -= solveBlock {
		b0 := max(b1-solveBlock, 0)
		for j := b1 - 1; j > b0; j-- {
			xj := dst[j]
			row := a[j*n+b0 : j*n+j]
			for i, l := range row {
				dst[b0+i] -= l * xj
			}
		}
		if b0 > 0 {
			g := blas64.General{Rows: b1 - b0, Cols: b0, Stride: n, Data: a[b0*n:]}
			blas64.Gemv(blas.Trans, -1, g, vec(dst[b0:b1]), 1, vec(dst[:b0]))
		}
	}
	for k := n - 1; k >= 0; k-- {
		if p := f.piv[k]; p != k {
			dst[k], dst[p] = dst[p], dst[k]
		}
	}
}
