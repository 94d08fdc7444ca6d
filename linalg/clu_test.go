package linalg

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestCLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{1, 2, 5, 40} {
		a := randCMat(rng, n, false)
		var f CLU
		if err := f.Factorize(a, n); err != nil {
			t.Fatal(err)
		}
		b := make([]complex128, n)
		for i := range b {
			b[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		x := make([]complex128, n)
		f.SolveTo(x, b)
		r := make([]complex128, n)
		for i := 0; i < n; i++ {
			r[i] = Dot(a[i*n:i*n+n], x) - b[i]
		}
		// Backward stability of GEPP: ‖Ax − b‖ ≲ nε‖A‖‖x‖ (growth is
		// tiny for random matrices).
		if Norm2(r) > 10*float64(n)*eps*Norm2(a)*Norm2(x) {
			t.Errorf("n=%d: residual %g", n, Norm2(r))
		}
		// det(A) against the 2n×2n real embedding: det(E) = |det A|².
		m := embedReal(a, n)
		det := f.Det()
		de := mat.Det(m)
		if d := math.Abs(cmplx.Abs(det)*cmplx.Abs(det)-de) / de; d > 1e-12 {
			t.Errorf("n=%d: |det|² = %g, embedding det = %g", n, cmplx.Abs(det)*cmplx.Abs(det), de)
		}
		// Condition estimate against the exact 1-norm condition number from
		// the explicit inverse: Higham's estimator is a lower bound, and
		// within a factor 3 in practice.
		inv := f.InverseTo(nil)
		var ninv float64
		for j := 0; j < n; j++ {
			var s float64
			for i := 0; i < n; i++ {
				s += cmplx.Abs(inv[i*n+j])
			}
			ninv = math.Max(ninv, s)
		}
		exact := 1 / (f.Norm1() * ninv)
		if rc := f.RCond(); rc < exact*(1-1e-12) || rc > 3*exact {
			t.Errorf("n=%d: RCond %g, exact %g", n, rc, exact)
		}
	}
}

func TestCLUSingular(t *testing.T) {
	var f CLU
	a := []complex128{1, 1i, 1i, -1} // rank 1: row 2 = i·row 1
	err := f.Factorize(a, 2)
	if err != nil && !errors.Is(err, ErrSingular) {
		t.Fatalf("err = %v", err)
	}
	if err == nil && f.RCond() > 1e-15 {
		t.Errorf("rank-1 matrix: RCond = %g", f.RCond())
	}
	if err := f.Factorize([]complex128{0, 0, 0, 0}, 2); !errors.Is(err, ErrSingular) {
		t.Errorf("zero matrix: err = %v", err)
	}
	if err := f.Factorize([]complex128{cmplx.Inf()}, 1); !errors.Is(err, ErrNotFinite) {
		t.Errorf("Inf: err = %v", err)
	}
	// Ill-conditioned but nonsingular: the Hilbert matrix of order 10,
	// whose inverse has the closed form (1-based indices)
	// (H⁻¹)_ij = (−1)^(i+j) (i+j−1) C(n+i−1, n−j) C(n+j−1, n−i) C(i+j−2, i−1)²
	// (integers below 2^53 for n = 10, so exact in float64).
	n := 10
	h := make([]complex128, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			h[i*n+j] = complex(1/float64(i+j+1), 0)
		}
	}
	if err := f.Factorize(h, n); err != nil {
		t.Fatal(err)
	}
	binom := func(a, b int) float64 {
		r := 1.0
		for k := 1; k <= b; k++ {
			r = r * float64(a-b+k) / float64(k)
		}
		return math.Round(r)
	}
	var ninv float64
	for j := 1; j <= n; j++ {
		var s float64
		for i := 1; i <= n; i++ {
			c := binom(i+j-2, i-1)
			s += float64(i+j-1) * binom(n+i-1, n-j) * binom(n+j-1, n-i) * c * c
		}
		ninv = math.Max(ninv, s)
	}
	exact := 1 / (f.Norm1() * ninv)
	// The LU-based estimate sees A⁻¹ perturbed by about κ₁ε ≈ 1e−2
	// relative; allow 5% below the exact value.
	if rc := f.RCond(); rc < exact*0.95 || rc > 3*exact {
		t.Errorf("Hilbert(10): RCond = %g, exact %g", rc, exact)
	}
}
