package ode

import "math"

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

// ctrlExpTab[j] is 2^(j/64) rounded to double and ctrlExpLo[j] the double
// nearest to the remainder 2^(j/64) − ctrlExpTab[j], from 2^(j/64) to 200
// bits (2^(1/64) by six square roots in math/big; ctrlmath_test.go
// recomputes them).
var ctrlExpTab = [ctrlExpN]float64{
	0x1p+00, 0x1.02c9a3e778061p+00, 0x1.059b0d3158574p+00, 0x1.0874518759bc8p+00,
	0x1.0b5586cf9890fp+00, 0x1.0e3ec32d3d1a2p+00, 0x1.11301d0125b51p+00, 0x1.1429aaea92dep+00,
	0x1.172b83c7d517bp+00, 0x1.1a35beb6fcb75p+00, 0x1.1d4873168b9aap+00, 0x1.2063b88628cd6p+00,
	0x1.2387a6e756238p+00, 0x1.26b4565e27cddp+00, 0x1.29e9df51fdee1p+00, 0x1.2d285a6e4030bp+00,
	0x1.306fe0a31b715p+00, 0x1.33c08b26416ffp+00, 0x1.371a7373aa9cbp+00, 0x1.3a7db34e59ff7p+00,
	0x1.3dea64c123422p+00, 0x1.4160a21f72e2ap+00, 0x1.44e086061892dp+00, 0x1.486a2b5c13cdp+00,
	0x1.4bfdad5362a27p+00, 0x1.4f9b2769d2ca7p+00, 0x1.5342b569d4f82p+00, 0x1.56f4736b527dap+00,
	0x1.5ab07dd485429p+00, 0x1.5e76f15ad2148p+00, 0x1.6247eb03a5585p+00, 0x1.6623882552225p+00,
	0x1.6a09e667f3bcdp+00, 0x1.6dfb23c651a2fp+00, 0x1.71f75e8ec5f74p+00, 0x1.75feb564267c9p+00,
	0x1.7a11473eb0187p+00, 0x1.7e2f336cf4e62p+00, 0x1.82589994cce13p+00, 0x1.868d99b4492edp+00,
	0x1.8ace5422aa0dbp+00, 0x1.8f1ae99157736p+00, 0x1.93737b0cdc5e5p+00, 0x1.97d829fde4e5p+00,
	0x1.9c49182a3f09p+00, 0x1.a0c667b5de565p+00, 0x1.a5503b23e255dp+00, 0x1.a9e6b5579fdbfp+00,
	0x1.ae89f995ad3adp+00, 0x1.b33a2b84f15fbp+00, 0x1.b7f76f2fb5e47p+00, 0x1.bcc1e904bc1d2p+00,
	0x1.c199bdd85529cp+00, 0x1.c67f12e57d14bp+00, 0x1.cb720dcef9069p+00, 0x1.d072d4a07897cp+00,
	0x1.d5818dcfba487p+00, 0x1.da9e603db3285p+00, 0x1.dfc97337b9b5fp+00, 0x1.e502ee78b3ff6p+00,
	0x1.ea4afa2a490dap+00, 0x1.efa1bee615a27p+00, 0x1.f50765b6e454p+00, 0x1.fa7c1819e90d8p+00,
}

var ctrlExpLo = [ctrlExpN]float64{
	0x0p+00, -0x1.19083535b085dp-56, 0x1.d73e2a475b465p-55, 0x1.186be4bb284ffp-57,
	0x1.8a62e4adc610bp-54, 0x1.03a1727c57b53p-59, -0x1.6c51039449b3ap-54, -0x1.32fbf9af1369ep-54,
	-0x1.19041b9d78a76p-55, 0x1.e5b4c7b4968e4p-55, 0x1.e016e00a2643cp-54, 0x1.dc775814a8495p-55,
	0x1.9b07eb6c70573p-54, 0x1.2bd339940e9d9p-55, 0x1.612e8afad1255p-55, 0x1.0024754db41d5p-54,
	0x1.6f46ad23182e4p-55, 0x1.32721843659a6p-54, -0x1.63aeabf42eae2p-54, -0x1.5e436d661f5e3p-56,
	0x1.ada0911f09ebcp-55, -0x1.ef3691c309278p-58, 0x1.89b7a04ef80dp-59, 0x1.3c1a3b69062fp-56,
	0x1.d4397afec42e2p-56, -0x1.4b309d25957e3p-54, -0x1.07abe1db13cadp-55, 0x1.9bb2c011d93adp-54,
	0x1.6324c054647adp-54, 0x1.ba6f93080e65ep-54, -0x1.383c17e40b497p-54, -0x1.bb60987591c34p-54,
	-0x1.bdd3413b26456p-54, -0x1.bbe3a683c88abp-57, -0x1.16e4786887a99p-55, -0x1.0245957316dd3p-54,
	-0x1.41577ee04992fp-55, 0x1.05d02ba15797ep-56, -0x1.d4c1dd41532d8p-54, -0x1.fc6f89bd4f6bap-54,
	0x1.6e9f156864b27p-54, 0x1.5cc13a2e3976cp-55, -0x1.75fc781b57ebcp-57, -0x1.d185b7c1b85d1p-54,
	0x1.c7c46b071f2bep-56, -0x1.359495d1cd533p-54, -0x1.d2f6edb8d41e1p-54, 0x1.0fac90ef7fd31p-54,
	0x1.7a1cd345dcc81p-54, -0x1.2805e3084d708p-57, -0x1.5584f7e54ac3bp-56, 0x1.23dd07a2d9e84p-55,
	0x1.11065895048ddp-55, 0x1.2884dff483cadp-54, 0x1.503cbd1e949dbp-56, -0x1.cbc3743797a9cp-54,
	0x1.2ed02d75b3707p-55, 0x1.c2300696db532p-54, -0x1.1a5cd4f184b5cp-54, 0x1.39e8980a9cc8fp-55,
	-0x1.e9c23179c2893p-54, 0x1.dc7f486a4b6bp-54, 0x1.9d3e12dd8a18bp-54, 0x1.74853f3a5931ep-55,
}

var (
	ctrlInvC [ctrlLogN]float64 // 1/c_j rounded to double
	ctrlLogC [ctrlLogN]float64 // −log(ctrlInvC[j]), minus ln 2 for j ≥ 64
)

func init() {
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
