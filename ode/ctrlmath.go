package ode

import (
	"math"
	"math/big"
)

// Logarithm and exponential for the step-size controller.
//
// Every adaptive step evaluates fac = err^α · err_old^(−β) (Hairer's FAC11
// and FACOLD), as exp(α·log err − β·log err_old). Both functions sit on the
// critical path of the step (the next step size depends on them) and for
// small systems math.Log and math.Exp cost about a third of a DOPRI5 step.
// These table-driven versions (Tang's method, ACM TOMS 15 (1989) 144–157 for
// exp, and the analogous reduction for log used by glibc and musl) have a
// short dependency chain and an accuracy of about one ulp, like math's
// (ctrlmath_test.go checks ≤ 2 ulp against math.Log and math.Exp over the
// whole range and on the special values, which fall back to the math
// package).

const (
	ctrlExpBits = 6 // 2^(j/64) table
	ctrlExpN    = 1 << ctrlExpBits
	ctrlLogBits = 7 // 1/c_j table, c_j = 1 + (j + 1/2)/128
	ctrlLogN    = 1 << ctrlLogBits
	// ln 2 split so that k·ln2Hi is exact for |k| < 2^11·64.
	ctrlLn2Hi = 6.93147180369123816490e-01
	ctrlLn2Lo = 1.90821492927058770002e-10
)

var (
	ctrlExpTab [ctrlExpN]float64 // 2^(j/64) rounded to double
	ctrlExpLo  [ctrlExpN]float64 // 2^(j/64) − ctrlExpTab[j]
	ctrlInvC   [ctrlLogN]float64 // 1/c_j rounded to double
	ctrlLogC   [ctrlLogN]float64 // −log(ctrlInvC[j]), minus ln 2 for j ≥ 64
)

func init() {
	// 2^(j/64) to 200 bits (2^(1/64) by six square roots), split into a
	// double and the double nearest to the remainder.
	const prec = 200
	r := new(big.Float).SetPrec(prec).SetInt64(2)
	for range ctrlExpBits {
		r.Sqrt(r)
	}
	v := new(big.Float).SetPrec(prec).SetInt64(1)
	for j := range ctrlExpTab {
		hi, _ := v.Float64()
		lo, _ := new(big.Float).SetPrec(prec).Sub(v, big.NewFloat(hi)).Float64()
		ctrlExpTab[j], ctrlExpLo[j] = hi, lo
		v.Mul(v, r)
	}
	for j := range ctrlInvC {
		c := 1 + (float64(j)+0.5)/ctrlLogN
		ctrlInvC[j] = 1 / c
		ctrlLogC[j] = -math.Log(ctrlInvC[j])
		if j >= ctrlLogN/2 {
			// m ≥ 1.5 is treated as (m/2)·2, so that near x = 1 from
			// below the table term does not cancel against −ln 2.
			ctrlLogC[j] = -math.Log(2 * ctrlInvC[j])
		}
	}
}

// ctrlLog returns log(x) (math.Log for x ≤ 0, subnormal, +Inf or NaN).
func ctrlLog(x float64) float64 {
	b := math.Float64bits(x)
	ex := int(b>>52) - 1023 // sign bit set → ex ≥ 1025
	if ex <= -1023 || ex >= 1024 {
		return math.Log(x)
	}
	if d := x - 1; math.Abs(d) < 0x1p-8 {
		// x − 1 is exact here; no table term to cancel against.
		return log1pSmall(d)
	}
	j := (b >> (52 - ctrlLogBits)) & (ctrlLogN - 1)
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52) // [1, 2)
	// r = m/c − 1 (one rounding, |r| < 2^-7): log m = log c + log1p(r).
	p := log1pSmall(math.FMA(m, ctrlInvC[j], -1))
	k := float64(ex + int(j>>(ctrlLogBits-1)))
	return k*ctrlLn2Hi + (ctrlLogC[j] + k*ctrlLn2Lo + p)
}

// log1pSmall returns log(1 + r) for |r| < 2^-7 by its Taylor series
// r − r²/2 + … + r⁷/7 (the r⁸ term is below 2^-60·|r|).
func log1pSmall(r float64) float64 {
	r2 := r * r
	return r - r2*(0.5-r*(1.0/3-r*0.25)) + r2*r2*r*(0.2-r*(1.0/6-r*(1.0/7)))
}

// ctrlExp returns exp(x) (math.Exp outside [−700, 700] and for NaN).
func ctrlExp(x float64) float64 {
	if !(x > -700 && x < 700) {
		return math.Exp(x)
	}
	// x = (64q + j)·ln2/64 + r, |r| ≤ ln2/128; exp x = 2^q · 2^(j/64) · e^r.
	const shift = 0x1.8p52
	t := x*(ctrlExpN/math.Ln2) + shift
	kf := t - shift
	k := int64(math.Float64bits(t)) // low bits hold round(x·64/ln2)
	r := (x - kf*(ctrlLn2Hi/ctrlExpN)) - kf*(ctrlLn2Lo/ctrlExpN)
	r2 := r * r
	// e^r − 1 = r + r²/2 + … + r⁶/720 (the r⁷ term is below 2^-64)
	p := r + r2*(0.5+r*(1.0/6+r*(1.0/24))) + r2*r2*r*(1.0/120+r*(1.0/720))
	j := k & (ctrlExpN - 1)
	s := ctrlExpTab[j]
	y := s + math.FMA(s, p, ctrlExpLo[j])
	return math.Float64frombits(math.Float64bits(y) + uint64(k>>ctrlExpBits)<<52)
}
