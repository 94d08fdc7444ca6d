// Package lu is a small dense LU factorization with partial pivoting over
// float64 or complex128, used by the implicit integrators of ode/geometric
// and ode/stiff for their (small, dense) Newton systems. gonum has no complex
// LU; one generic routine serves both element types.
package lu

import (
	"github.com/pflow-go/pflow/linalg"
)

// LU holds the factorization P·A = L·U of an n×n matrix, stored in place.
type LU[T linalg.Scalar] struct {
	n    int
	a    []T // row-major; strict lower part L (unit diagonal), upper part U
	piv  []int
	sing bool
}

// New returns a workspace for n×n factorizations.
func New[T linalg.Scalar](n int) *LU[T] {
	return &LU[T]{n: n, a: make([]T, n*n), piv: make([]int, n)}
}

// N returns the order of the matrices.
func (f *LU[T]) N() int { return f.n }

// Factorize copies the row-major n×n matrix a and factorizes it (Doolittle,
// partial pivoting by modulus). It reports false if a pivot is exactly zero
// or non-finite, in which case Solve must not be used.
func (f *LU[T]) Factorize(a []T) bool {
	n := f.n
	if len(a) != n*n {
		panic("lu: matrix length mismatch")
	}
	copy(f.a, a)
	m := f.a
	f.sing = false
	for k := 0; k < n; k++ {
		p, big := k, linalg.Abs(m[k*n+k])
		for i := k + 1; i < n; i++ {
			if v := linalg.Abs(m[i*n+k]); v > big {
				p, big = i, v
			}
		}
		f.piv[k] = p
		if big == 0 || !linalg.IsFinite(m[p*n+k]) {
			f.sing = true
			return false
		}
		if p != k {
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
			for j, v := range rk {
				ri[j] -= l * v
			}
		}
	}
	return true
}

// Solve overwrites b with A⁻¹b.
func (f *LU[T]) Solve(b []T) {
	n := f.n
	if len(b) != n {
		panic("lu: vector length mismatch")
	}
	if f.sing {
		panic("lu: solve with a singular factorization")
	}
	m := f.a
	for k := 0; k < n; k++ {
		if p := f.piv[k]; p != k {
			b[k], b[p] = b[p], b[k]
		}
	}
	for i := 1; i < n; i++ {
		s := b[i]
		for j, v := range m[i*n : i*n+i] {
			s -= v * b[j]
		}
		b[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for j := i + 1; j < n; j++ {
			s -= m[i*n+j] * b[j]
		}
		b[i] = s / m[i*n+i]
	}
}
