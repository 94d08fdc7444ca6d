package lu

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Real: compared with gonum's mat.LU solve. Complex: compared with the real
// 2n×2n embedding [[X, −Y], [Y, X]] solved by gonum.
func TestSolveAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 17} {
		a := make([]float64, n*n)
		b := make([]float64, n)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		f := New[float64](n)
		if !f.Factorize(a) {
			t.Fatalf("n=%d: singular", n)
		}
		x := append([]float64(nil), b...)
		f.Solve(x)
		var want mat.VecDense
		if err := want.SolveVec(mat.NewDense(n, n, append([]float64(nil), a...)), mat.NewVecDense(n, append([]float64(nil), b...))); err != nil {
			t.Fatal(err)
		}
		for i := range x {
			// Random Gaussian matrices of this size have condition numbers
			// below ~1e3; two backward-stable solvers agree to ~1e-12.
			if d := math.Abs(x[i] - want.AtVec(i)); d > 1e-11*(1+math.Abs(x[i])) {
				t.Errorf("real n=%d: x[%d]=%v want %v", n, i, x[i], want.AtVec(i))
			}
		}

		ac := make([]complex128, n*n)
		bc := make([]complex128, n)
		for i := range ac {
			ac[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		for i := range bc {
			bc[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		fc := New[complex128](n)
		if !fc.Factorize(ac) {
			t.Fatalf("n=%d: complex singular", n)
		}
		xc := append([]complex128(nil), bc...)
		fc.Solve(xc)
		emb := mat.NewDense(2*n, 2*n, nil)
		rhs := mat.NewVecDense(2*n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				z := ac[i*n+j]
				emb.Set(i, j, real(z))
				emb.Set(i, j+n, -imag(z))
				emb.Set(i+n, j, imag(z))
				emb.Set(i+n, j+n, real(z))
			}
			rhs.SetVec(i, real(bc[i]))
			rhs.SetVec(i+n, imag(bc[i]))
		}
		var xe mat.VecDense
		if err := xe.SolveVec(emb, rhs); err != nil {
			t.Fatal(err)
		}
		for i := range xc {
			w := complex(xe.AtVec(i), xe.AtVec(i+n))
			if d := cmplx.Abs(xc[i] - w); d > 1e-11*(1+cmplx.Abs(w)) {
				t.Errorf("complex n=%d: x[%d]=%v want %v", n, i, xc[i], w)
			}
		}
	}
}

func TestSingular(t *testing.T) {
	f := New[float64](2)
	if f.Factorize([]float64{1, 2, 2, 4}) {
		t.Fatal("singular matrix reported regular")
	}
	if f.Factorize([]float64{math.NaN(), 0, 0, 1}) {
		t.Fatal("NaN matrix reported regular")
	}
}
