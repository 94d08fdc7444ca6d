package problems

import (
	"math"
	"math/big"
	"testing"
)

// bigExp returns e^x by its Taylor series at precision prec (|x| ≤ 4
// here: the terms fall below 2^−prec·e^|x| after about 120 of them).
func bigExp(x *big.Float, prec uint) *big.Float {
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	eps := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1), -int(prec))
	for k := int64(1); k < 400; k++ {
		term.Mul(term, x)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(k))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum
}

// bigDoubleWellD1 is E′(θ) = (θ/σ²)·e^{−θ²/(2σ²)} + c·(θ−m)·e^{−(θ−m)²/2}
// of the double well with the decimal parameters σ = 0.2, c = 1.2, m = 2,
// in 256-bit arithmetic.
func bigDoubleWellD1(theta *big.Float) *big.Float {
	const prec = 256
	f := func(s string) *big.Float { v, _, _ := big.ParseFloat(s, 10, prec, big.ToNearestEven); return v }
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	s2 := f("0.04")
	x := nf().Set(theta)
	a := nf().Mul(x, x)
	a.Quo(a, nf().Mul(f("2"), s2))
	a = bigExp(a.Neg(a), prec)
	t1 := nf().Quo(x, s2)
	t1.Mul(t1, a)
	y := nf().Sub(x, f("2"))
	b := nf().Mul(y, y)
	b.Quo(b, f("2"))
	b = bigExp(b.Neg(b), prec)
	t2 := nf().Mul(f("1.2"), y)
	t2.Mul(t2, b)
	return t1.Add(t1, t2)
}

// TestDoubleWellCorrectlyRounded checks with E′ in 256-bit arithmetic
// (independent of the float64 evaluation) that the recorded stationary
// points are the correctly rounded roots: E′ changes sign between the
// midpoints to the neighbouring floats, x ± ulp/2. (Issue 16 found the
// earlier sharp minimum 0.013281404501600941 two ulps off; mpmath at 50
// digits gives the root 0.0132814045016009441063…, which rounds to
// 0.013281404501600945.)
func TestDoubleWellCorrectlyRounded(t *testing.T) {
	for _, x := range []float64{DoubleWellSharpMin, DoubleWellMax} {
		lo := new(big.Float).SetPrec(256).SetFloat64(x)
		hi := new(big.Float).SetPrec(256).SetFloat64(x)
		lo.Add(lo, new(big.Float).SetPrec(256).SetFloat64(math.Nextafter(x, -10)))
		lo.Quo(lo, big.NewFloat(2))
		hi.Add(hi, new(big.Float).SetPrec(256).SetFloat64(math.Nextafter(x, 10)))
		hi.Quo(hi, big.NewFloat(2))
		gl, gh := bigDoubleWellD1(lo), bigDoubleWellD1(hi)
		if gl.Sign()*gh.Sign() > 0 {
			l, _ := gl.Float64()
			h, _ := gh.Float64()
			t.Errorf("%v: E′ at the half-ulp midpoints is %v and %v: the root is not within half an ulp", x, l, h)
		}
	}
	// The wide minimum 2 is shifted by the sharp well by about −8e−21,
	// below half an ulp of 2 (2.2e−16).
	g := bigDoubleWellD1(new(big.Float).SetPrec(256).SetFloat64(2))
	// Newton's shift −E′(2)/E″(2), with E″(2) = 1.2 up to e^{−50}.
	shift := new(big.Float).Quo(g, big.NewFloat(-1.2))
	if s, _ := shift.Float64(); !(math.Abs(s) < 1e-20 && math.Abs(s) > 1e-21) {
		t.Errorf("shift of the wide minimum %v, want about 8e-21 in magnitude", s)
	}
}
