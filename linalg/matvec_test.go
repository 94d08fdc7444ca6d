package linalg

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/cblas128"

	"github.com/pflow-go/pflow/internal/kernel"
)

// TestMulVec checks the BLAS products against plain loops. Both sum the
// same n products in different orders, so they agree to n·ε·Σ_j|A_ij||x_j|
// (the standard bound for a dot product, Higham, Accuracy and Stability,
// §3.1).
//
// It runs on both routes of internal/kernel: the AVX2/FMA kernels (where
// the processor has them) and gonum's DGEMV and ZGEMV.
func TestMulVec(t *testing.T) {
	for _, asm := range []bool{true, false} {
		restore := kernel.ForTests(asm)
		t.Run(fmt.Sprintf("asm=%v", kernel.Accelerated()), testMulVec)
		restore()
	}
}

func testMulVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][2]int{{1, 1}, {3, 5}, {17, 4}, {64, 64}, {0, 3}, {3, 0}, {380, 370}, {7, 9}, {9, 7}} { // 380×370: the ZGEMV route without AVX2
		m, n := sz[0], sz[1]
		a := make([]float64, m*n)
		ac := make([]complex128, m*n)
		for i := range a {
			a[i] = rng.NormFloat64()
			ac[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		x := make([]float64, n)
		xc := make([]complex128, n)
		for j := range x {
			x[j] = rng.NormFloat64()
			xc[j] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		y := make([]float64, m)
		yc := make([]complex128, m)
		for i := range y {
			y[i], yc[i] = math.NaN(), cmplx.NaN() // must be overwritten
		}
		MulVec(y, a, m, n, x)
		cv := NewCMatVec(ac, m, n)
		for pass := 0; pass < 2; pass++ {
			switch pass {
			case 0:
				MulVec(yc, a, m, n, xc)
			case 1:
				cv.MulVecTo(yc, xc)
			}
			for i := 0; i < m; i++ {
				var s, sc complex128
				var bound, bc float64
				for j := 0; j < n; j++ {
					if pass == 0 {
						s += complex(a[i*n+j], 0) * xc[j]
						bound += math.Abs(a[i*n+j]) * cmplx.Abs(xc[j])
					} else {
						s += ac[i*n+j] * xc[j]
						bound += cmplx.Abs(ac[i*n+j]) * cmplx.Abs(xc[j])
					}
					sc += complex(a[i*n+j]*x[j], 0)
					bc += math.Abs(a[i*n+j] * x[j])
				}
				tol := 4 * float64(n+1) * eps * bound
				if d := cmplx.Abs(yc[i] - s); !(d <= tol) {
					t.Errorf("%d×%d pass %d row %d: %v, loop %v", m, n, pass, i, yc[i], s)
				}
				if d := math.Abs(y[i] - real(sc)); !(d <= 2*float64(n+1)*eps*bc) {
					t.Errorf("%d×%d real row %d: %v, loop %v", m, n, i, y[i], real(sc))
				}
			}
		}
	}
}

func TestMulVecNoAlloc(t *testing.T) {
	n := 50
	a := make([]float64, n*n)
	ac := make([]complex128, n*n)
	x, y := make([]float64, n), make([]float64, n)
	xc, yc := make([]complex128, n), make([]complex128, n)
	cv := NewCMatVec(ac, n, n)
	big := 400
	cb := NewCMatVec(make([]complex128, big*big), big, big) // ZGEMV route
	xb, yb := make([]complex128, big), make([]complex128, big)
	if al := testing.AllocsPerRun(10, func() {
		MulVec(y, a, n, n, x)
		MulVec(yc, a, n, n, xc)
		cv.MulVecTo(yc, xc)
		cb.MulVecTo(yb, xb)
	}); al != 0 {
		t.Errorf("%v allocations per run", al)
	}
}

// BenchmarkMulVec compares, at d = 1000, the plain loops (what the dense
// quadratic of package problems did) with MulVec (DGEMV) for a real matrix
// and real or complex vectors, and gonum's ZGEMV with CMatVec for a complex
// matrix. Run with
//
//	go test ./linalg -run XXX -bench MulVec -benchmem
func BenchmarkMulVec(b *testing.B) {
	for _, d := range []int{100, 300, 1000} {
		rng := rand.New(rand.NewPCG(9, 10))
		a := make([]float64, d*d)
		ac := make([]complex128, d*d)
		for i := range a {
			a[i] = rng.NormFloat64()
			ac[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		x, y := make([]float64, d), make([]float64, d)
		xc, yc := make([]complex128, d), make([]complex128, d)
		for j := range x {
			x[j] = rng.NormFloat64()
			xc[j] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		b.Run(fmt.Sprintf("real/loop/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				loopMulVec(y, a, x)
			}
		})
		b.Run(fmt.Sprintf("real/mulvec/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				MulVec(y, a, d, d, x)
			}
		})
		b.Run(fmt.Sprintf("realmat-cvec/loop/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				loopMulVec(yc, a, xc)
			}
		})
		b.Run(fmt.Sprintf("realmat-cvec/mulvec/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				MulVec(yc, a, d, d, xc)
			}
		})
		b.Run(fmt.Sprintf("cmat/loop/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				for i := range yc {
					var s complex128
					for j, z := range ac[i*d : i*d+d] {
						s += z * xc[j]
					}
					yc[i] = s
				}
			}
		})
		b.Run(fmt.Sprintf("cmat/zgemv/d=%d", d), func(b *testing.B) {
			g := cblas128.General{Rows: d, Cols: d, Stride: d, Data: ac}
			for b.Loop() {
				cblas128.Gemv(blas.NoTrans, 1, g, cblas128.Vector{N: d, Inc: 1, Data: xc}, 0, cblas128.Vector{N: d, Inc: 1, Data: yc})
			}
		})
		b.Run(fmt.Sprintf("cmat/cmatvec/d=%d", d), func(b *testing.B) {
			cv := NewCMatVec(ac, d, d)
			for b.Loop() {
				cv.MulVecTo(yc, xc)
			}
		})
	}
}

// loopMulVec is the plain row-by-row loop for a real square matrix.
func loopMulVec[T Scalar](dst []T, a []float64, x []T) {
	n := len(x)
	for i := range dst {
		var s T
		for j, aij := range a[i*n : i*n+n] {
			s += FromFloat[T](aij) * x[j]
		}
		dst[i] = s
	}
}
