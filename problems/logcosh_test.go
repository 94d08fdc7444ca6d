package problems

import (
	"math"
	"math/big"
	"testing"
)

// TestLogCoshSmall checks relative accuracy near 0, where log cosh x ≈ x²/2,
// against the series x²/2 − x⁴/12 + x⁶/45 − 17x⁸/2520 evaluated in big.Float
// (the truncation error is below x¹⁰/10 ≪ 1e-30 relative for |x| ≤ 1e-3).
func TestLogCoshSmall(t *testing.T) {
	for _, x := range []float64{2.4e-5, 1e-8, 3e-4, -7e-6, 1e-3, 1e-150} {
		bx := new(big.Float).SetPrec(200).SetFloat64(x)
		x2 := new(big.Float).SetPrec(200).Mul(bx, bx)
		term := func(c float64, pow int) *big.Float {
			r := new(big.Float).SetPrec(200).SetFloat64(c)
			for i := 0; i < pow; i++ {
				r.Mul(r, x2)
			}
			return r
		}
		ref := term(0.5, 1)
		ref.Sub(ref, term(1.0/12, 2))
		ref.Add(ref, term(1.0/45, 3))
		want, _ := ref.Float64()
		got := logCosh(x)
		// math.Sinh and math.Log1p are accurate to about 1 ulp each: 2ε.
		if d := math.Abs(got-want) / want; d > 2*0x1p-52 {
			t.Errorf("logCosh(%g) = %.17g, want %.17g (relative error %.1e)", x, got, want, d)
		}
		// The complex path goes through Goldberg's log1p, whose relative
		// error is bounded by 5ε (Goldberg 1991, Thm 4): allow 5ε.
		gotc := logCosh(complex(x, 0))
		if d := math.Abs(real(gotc)-want) / want; d > 5*0x1p-52 || imag(gotc) != 0 {
			t.Errorf("complex logCosh(%g) = %v, want %.17g", x, gotc, want)
		}
	}
	// Both formulas agree where they meet (|x| = 1) to round-off.
	for _, x := range []float64{0.999999, 1.000001} {
		a := math.Log(math.Cosh(x))
		if d := math.Abs(logCosh(x) - a); d > 4e-16 {
			t.Errorf("logCosh(%g) off by %.1e from log(cosh x)", x, d)
		}
	}
}
