package linalg

// LU is a reusable LU factorization with partial (row) pivoting of a dense
// n×n matrix over float64 or complex128, P A = L U (Doolittle form, Golub &
// Van Loan, Matrix Computations, 4th ed., Alg. 3.4.1). The pivot of each
// column is the entry of largest modulus. Matrices are row-major []T of
// length n·n; L (unit diagonal) and U are stored in place of a copy of A.
//
// LU serves the small dense Newton systems of the implicit integrators:
// the zero value is ready to use, workspaces are reused across calls of the
// same n, and after the first call neither a successful Factorize nor
// SolveTo allocates.
//
// gonum's mat.LU is real only. CLU is the complex factorization with a
// condition estimate and the inverse, built on the same elimination.
type LU[T Scalar] struct {
	n    int
	lu   []T
	piv  []int
	sign int
	ok   bool
}

// Factorize computes the LU factorization of the row-major n×n matrix a,
// which is not modified. It returns ErrSingular if a pivot is exactly zero
// and ErrNotFinite if a pivot is NaN or infinite; the factorization is then
// unusable. The sentinels are returned as they are, so that a Newton
// iteration meeting a singular matrix does not allocate. It panics if
// len(a) != n*n.
func (f *LU[T]) Factorize(a []T, n int) error {
	if n < 0 || len(a) != n*n {
		panic("linalg: LU.Factorize: len(a) != n*n")
	}
	_, err := f.factor(a, n, Abs[T])
	return err
}

// factor copies a into the workspace and eliminates with partial pivoting,
// choosing in column k the first row of largest mag among rows k…n−1. On
// failure it returns the column of the unusable pivot and ErrSingular (zero
// pivot) or ErrNotFinite (non-finite pivot).
func (f *LU[T]) factor(a []T, n int, mag func(T) float64) (int, error) {
	f.ok = false
	if f.n != n || f.lu == nil {
		f.n = n
		f.lu = make([]T, n*n)
		f.piv = make([]int, n)
	}
	copy(f.lu, a)
	m := f.lu
	f.sign = 1
	for k := 0; k < n; k++ {
		p, big := k, mag(m[k*n+k])
		for i := k + 1; i < n; i++ {
			if v := mag(m[i*n+k]); v > big {
				p, big = i, v
			}
		}
		f.piv[k] = p
		if big == 0 {
			return k, ErrSingular
		}
		if !IsFinite(m[p*n+k]) {
			return k, ErrNotFinite
		}
		if p != k {
			f.sign = -f.sign
			rk, rp := m[k*n:k*n+n], m[p*n:p*n+n]
			for j := range rk {
				rk[j], rp[j] = rp[j], rk[j]
			}
		}
		inv := 1 / m[k*n+k]
		rk := m[k*n+k+1 : k*n+n]
		for i := k + 1; i < n; i++ {
			l := m[i*n+k] * inv
			m[i*n+k] = l
			if l == 0 {
				continue
			}
			ri := m[i*n+k+1 : i*n+n]
			if len(rk) >= axpyMin {
				// ri + (−l)·rk by the assembly kernel: the same
				// operations as the loop below (measured bit-identical on
				// amd64), faster on long rows.
				Axpy(ri, -l, rk)
				continue
			}
			for j, v := range rk {
				ri[j] -= l * v
			}
		}
	}
	f.ok = true
	return -1, nil
}

// axpyMin is the row length from which the elimination calls the assembly
// Axpy instead of an inline loop (measured with BenchmarkCLU).
const axpyMin = 16

func (f *LU[T]) check() {
	if !f.ok {
		panic("linalg: LU: no successful factorization")
	}
}

// N returns the order of the factorized matrix.
func (f *LU[T]) N() int { return f.n }

// Det returns the determinant of A, the signed product of the pivots.
func (f *LU[T]) Det() T {
	f.check()
	d := FromFloat[T](float64(f.sign))
	for k := 0; k < f.n; k++ {
		d *= f.lu[k*f.n+k]
	}
	return d
}

// SolveTo solves A x = b into dst (len n; may alias b) and returns dst. It
// panics if the last factorization failed or the lengths are not n.
func (f *LU[T]) SolveTo(dst, b []T) []T {
	f.check()
	n := f.n
	if len(dst) != n || len(b) != n {
		panic(badLen)
	}
	copy(dst, b)
	for k := 0; k < n; k++ {
		if p := f.piv[k]; p != k {
			dst[k], dst[p] = dst[p], dst[k]
		}
	}
	m := f.lu
	for i := 1; i < n; i++ {
		s := dst[i]
		for j, v := range m[i*n : i*n+i] {
			s -= v * dst[j]
		}
		dst[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		s := dst[i]
		for j := i + 1; j < n; j++ {
			s -= m[i*n+j] * dst[j]
		}
		dst[i] = s / m[i*n+i]
	}
	return dst
}
