package linalg

import (
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/cblas128"
	"gonum.org/v1/gonum/floats"

	"github.com/pflow-go/pflow/internal/kernel"
)

// Dense matrix-vector products. All go through internal/kernel:
// AVX2/FMA assembly on amd64 processors that have it, gonum's DGEMV
// elsewhere. A complex128 is stored as two float64, real part first, so a
// []complex128 of length n is read in place as a []float64 of length 2n:
// the real parts with stride 2 from offset 0, the imaginary parts from
// offset 1. BenchmarkMulVec compares these kernels with plain loops and
// with gonum's complex ZGEMV.

// floatView returns the float64 view (re, im, re, im, …) of x, sharing its
// memory.
func floatView(x []complex128) []float64 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&x[0])), 2*len(x))
}

// MulVec sets dst = A x for the real row-major m×n matrix a (a[i*n+j] =
// A_ij) and x of either Scalar type, through internal/kernel: AVX2/FMA
// where available (for complex x the kernel splits x into its real and
// imaginary parts in registers), else DGEMV (for complex x two DGEMVs on
// its real and imaginary parts read in place). It does not allocate. dst (length m) must not overlap x (length n). It panics
// if the lengths do not match.
func MulVec[T Scalar](dst []T, a []float64, m, n int, x []T) {
	if len(a) != m*n || len(dst) != m || len(x) != n {
		panic(badLen)
	}
	if m == 0 {
		return
	}
	if n == 0 {
		clear(dst)
		return
	}
	switch d := any(dst).(type) {
	case []float64:
		kernel.Gemv(m, n, a, n, any(x).([]float64), d)
	case []complex128:
		kernel.GemvC(m, n, a, n, floatView(any(x).([]complex128)), floatView(d))
	}
}

// CMatVec computes products with a fixed complex row-major m×n matrix A.
// Where internal/kernel has its AVX2/FMA kernels it always uses them: row
// i of A, read in place as 2n float64 (re, im, re, im, …), gives
// Re (Ax)_i = row·p and Im (Ax)_i = row·q with p = (Re x₀, −Im x₀, Re x₁,
// −Im x₁, …) and q = (Im x₀, Re x₀, Im x₁, Re x₁, …), four rows at a time
// (`go test ./internal/kernel -bench Gemv` on the idle 2-core AVX2 machine
// at d = 1000: 0.34–0.45 ms against gonum's ZGEMV's 0.51–0.72 ms and
// OpenBLAS's single-threaded ZGEMV's 0.39–0.54 ms; docs/benchmarks.md).
// Without them, the same products go through DGEMV up to
// cmatvecZgemv bytes and through gonum's ZGEMV above (4.5–4.7 µs against
// ZGEMV's 5.0–5.3 µs at d = 100, parity at d = 300, 0.64–0.69 against
// 0.51–0.56 ms at d = 1000). The vectors p and q are kept in the
// receiver, so a CMatVec is not safe for concurrent use (make one per
// goroutine; they may share A).
type CMatVec struct {
	m, n int
	ac   []complex128
	a    []float64
	p, q []float64
}

// cmatvecZgemv is the matrix size in bytes (2 MiB, d ≈ 360 for a square
// matrix) above which CMatVec uses ZGEMV when internal/kernel has no
// AVX2/FMA kernels.
const cmatvecZgemv = 2 << 20

// NewCMatVec returns the product operator of the complex row-major m×n
// matrix a (a[i*n+j] = A_ij), which it reads in place and does not copy: A
// must not change while the CMatVec is in use. It panics if len(a) != m·n.
func NewCMatVec(a []complex128, m, n int) *CMatVec {
	if len(a) != m*n {
		panic(badLen)
	}
	if !kernel.Accelerated() && 16*m*n > cmatvecZgemv {
		return &CMatVec{m: m, n: n, ac: a}
	}
	return &CMatVec{m: m, n: n, a: floatView(a), p: make([]float64, 2*n), q: make([]float64, 2*n)}
}

// MulVecTo sets dst = A x. dst (length m) must not overlap x (length n). It
// does not allocate. It panics if the lengths do not match.
func (c *CMatVec) MulVecTo(dst, x []complex128) {
	if len(dst) != c.m || len(x) != c.n {
		panic(badLen)
	}
	if c.m == 0 {
		return
	}
	if c.n == 0 {
		clear(dst)
		return
	}
	if c.ac != nil {
		g := cblas128.General{Rows: c.m, Cols: c.n, Stride: c.n, Data: c.ac}
		cblas128.Gemv(blas.NoTrans, 1, g, cblas128.Vector{N: c.n, Inc: 1, Data: x}, 0, cblas128.Vector{N: c.m, Inc: 1, Data: dst})
		return
	}
	p, q := c.p, c.q
	for j, z := range x {
		re, im := real(z), imag(z)
		p[2*j], p[2*j+1] = re, -im
		q[2*j], q[2*j+1] = im, re
	}
	kernel.Gemv2(c.m, 2*c.n, c.a, 2*c.n, p, q, floatView(dst))
}

// DotRC returns Σ_j a_j x_j for real a and x of either Scalar type, by the
// real dot-product kernel (for complex x, two dots on its real and
// imaginary parts read in place with stride 2). It panics if the lengths
// differ.
func DotRC[T Scalar](a []float64, x []T) T {
	if len(a) != len(x) {
		panic(badLen)
	}
	n := len(a)
	if n == 0 {
		return 0
	}
	switch xs := any(x).(type) {
	case []float64:
		return any(floats.Dot(a, xs)).(T)
	default:
		xv := floatView(any(x).([]complex128))
		av := blas64.Vector{N: n, Inc: 1, Data: a}
		re := blas64.Dot(av, blas64.Vector{N: n, Inc: 2, Data: xv})
		im := blas64.Dot(av, blas64.Vector{N: n, Inc: 2, Data: xv[1:]})
		return any(complex(re, im)).(T)
	}
}
