// Package kernel holds the dense matrix-vector kernels behind
// linalg.MulVec and linalg.CMatVec: y = A x for a real row-major matrix and
// a real vector (Gemv) or a complex vector read in place (GemvC), and the
// pair of products (row·p, row·q) that gives a complex matrix's product
// from real arithmetic (Gemv2).
//
// On amd64 processors with AVX2 and FMA (detected at start-up with CPUID
// and XGETBV, as the Intel SDM vol. 1 §14.3 prescribes) the products run in
// hand-written assembly that works on four rows at once, so that every
// load of x serves four rows and eight independent fused multiply-add
// chains hide the FMA latency: the register blocking of optimized BLAS
// kernels (for the principle, Goto & van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3), 2008). Elsewhere,
// or when built with the noasm tag, they call gonum's DGEMV. Both sum each
// row in a fixed order, so a result depends only on the inputs and the
// machine's instruction set: the same on every run.
package kernel

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Accelerated reports whether the AVX2/FMA kernels are in use.
func Accelerated() bool { return useAsm }

// ForTests switches the AVX2/FMA kernels off (asm false) or back on where
// the processor has them, so that the packages using this one can test
// both routes; it returns the function that restores the previous state.
// It is not safe to call while products are running.
func ForTests(asm bool) (restore func()) {
	saved := useAsm
	useAsm = asm && hasAsm
	return func() { useAsm = saved }
}

// Gemv sets y[i] = Σ_{j<n} a[i·lda+j]·x[j] for i < m. It panics if the
// slices are too short or lda < max(1, n); y must not overlap x or a.
func Gemv(m, n int, a []float64, lda int, x, y []float64) {
	check(m, n, a, lda)
	if len(x) < n || len(y) < m {
		panic("kernel: short vector")
	}
	if m == 0 {
		return
	}
	if n == 0 {
		clear(y[:m])
		return
	}
	if useAsm {
		gemvAsm(m, n, a, lda, x, y)
		return
	}
	gemvGonum(m, n, a, lda, x, y)
}

// Gemv2 sets y[2i] = Σ_{j<n} a[i·lda+j]·p[j] and y[2i+1] = Σ_{j<n}
// a[i·lda+j]·q[j] for i < m: with a row of a complex matrix read as n = 2k
// float64 (re, im, …), p = (Re x₀, −Im x₀, …) and q = (Im x₀, Re x₀, …), y
// read as complex numbers is the complex product. It panics if the slices
// are too short or lda < max(1, n); y must not overlap a, p or q.
func Gemv2(m, n int, a []float64, lda int, p, q, y []float64) {
	check(m, n, a, lda)
	if len(p) < n || len(q) < n || len(y) < 2*m {
		panic("kernel: short vector")
	}
	gemvPair(m, n, a, lda, p, q, 1, y)
}

// GemvC sets y[2i] + i·y[2i+1] = Σ_{j<n} a[i·lda+j]·(x[2j] + i·x[2j+1]) for
// i < m: a real matrix times a complex vector, x and y stored as
// (re, im, re, im, …) (a []complex128 read in place). It panics if the
// slices are too short or lda < max(1, n); y must not overlap a or x.
func GemvC(m, n int, a []float64, lda int, x, y []float64) {
	check(m, n, a, lda)
	if len(x) < 2*n || len(y) < 2*m {
		panic("kernel: short vector")
	}
	gemvPair(m, n, a, lda, x, x[min(1, len(x)):], 2, y)
}

// gemvPair sets y[2i] = Σ_{j<n} a[i·lda+j]·u[inc·j] and y[2i+1] the same
// with v, for i < m: Gemv2 with u, v = p, q and inc = 1, GemvC with u, v =
// x, x[1:] and inc = 2 (the real and imaginary parts read in place).
func gemvPair(m, n int, a []float64, lda int, u, v []float64, inc int, y []float64) {
	if m == 0 {
		return
	}
	if n == 0 {
		clear(y[:2*m])
		return
	}
	if useAsm {
		gemvPairAsm(m, n, a, lda, u, v, inc, y)
		return
	}
	gemvPairGonum(m, n, a, lda, u, v, inc, y)
}

func check(m, n int, a []float64, lda int) {
	if m < 0 || n < 0 || lda < max(1, n) {
		panic("kernel: bad dimensions")
	}
	if m > 0 && len(a) < (m-1)*lda+n {
		panic("kernel: short matrix")
	}
}

func gemvGonum(m, n int, a []float64, lda int, x, y []float64) {
	g := blas64.General{Rows: m, Cols: n, Stride: lda, Data: a[:(m-1)*lda+n]}
	blas64.Gemv(blas.NoTrans, 1, g, blas64.Vector{N: n, Inc: 1, Data: x}, 0, blas64.Vector{N: m, Inc: 1, Data: y})
}

// gemvPairGonum is two DGEMVs, on u and on v, in blocks of rows small
// enough (≤ 128 KiB) to stay in cache between the two products, so that a
// is read from memory once.
func gemvPairGonum(m, n int, a []float64, lda int, u, v []float64, inc int, y []float64) {
	bs := max(1, (128<<10)/(8*lda))
	for i0 := 0; i0 < m; i0 += bs {
		r := min(bs, m-i0)
		g := blas64.General{Rows: r, Cols: n, Stride: lda, Data: a[i0*lda : (i0+r-1)*lda+n]}
		blas64.Gemv(blas.NoTrans, 1, g, blas64.Vector{N: n, Inc: inc, Data: u}, 0, blas64.Vector{N: r, Inc: 2, Data: y[2*i0:]})
		blas64.Gemv(blas.NoTrans, 1, g, blas64.Vector{N: n, Inc: inc, Data: v}, 0, blas64.Vector{N: r, Inc: 2, Data: y[2*i0+1:]})
	}
}
