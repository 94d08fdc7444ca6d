package linalg

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func TestTridiagFunc(t *testing.T) {
	// Against the DSTEQR route S f(Θ) Sᵀ e₁, including a tridiagonal matrix
	// that splits (a zero off-diagonal) and one with equal diagonal entries.
	rng := rand.New(rand.NewPCG(23, 24))
	var ws rotStore
	for _, m := range []int{1, 2, 3, 10, 60} {
		for variant := 0; variant < 3; variant++ {
			alpha, beta := make([]float64, m), make([]float64, m)
			for i := range alpha {
				alpha[i], beta[i] = rng.NormFloat64(), rng.NormFloat64()
				if variant == 2 {
					alpha[i] = 1
				}
			}
			if variant == 1 && m > 2 {
				beta[m/2] = 0
			}
			f := func(x float64) complex128 { return cmplx.Exp(complex(0.5*x, x)) }
			c := make([]complex128, m)
			theta := make([]float64, m)
			if err := tridiagFunc(c, theta, alpha, beta, m, f, &ws); err != nil {
				t.Fatal(err)
			}
			th, s, err := tridiagEig(alpha, beta, m)
			if err != nil {
				t.Fatal(err)
			}
			var worst, scale float64
			for i := 0; i < m; i++ {
				var ref complex128
				for j := 0; j < m; j++ {
					ref += complex(s[i*m+j]*s[j], 0) * f(th[j])
				}
				worst = math.Max(worst, cmplx.Abs(c[i]-ref))
				scale = math.Max(scale, cmplx.Abs(ref))
			}
			// Both are backward stable: agreement to a modest multiple of
			// mε·max|f| (|f| ≤ e^{|θ|/2} ≲ 10 here).
			if worst > 100*float64(m)*eps*math.Max(scale, 1)*10 {
				t.Errorf("m=%d variant=%d: max difference %g", m, variant, worst)
			}
		}
	}
}
