package ode

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// ulpDiff returns |a − b| in units of the last place of b.
func ulpDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	u := math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b)
	return math.Abs(a-b) / u
}

// The controller's log and exp agree with the math package to 2 ulp (both are
// within about 1 ulp of the exact value) over their whole domain, and defer to
// it on the special values.
func TestCtrlMath(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var worstLog, worstExp float64
	check := func(x float64) {
		if d := ulpDiff(ctrlLog(x), math.Log(x)); d > worstLog {
			worstLog = d
		}
	}
	for range 200000 {
		// log-uniform over the normal range, and close to 1 (err ≈ 1)
		check(math.Ldexp(1+rng.Float64(), rng.IntN(2044)-1022))
		check(1 + (rng.Float64()-0.5)*1e-3)
	}
	for _, x := range []float64{1, 2, 0.5, math.Nextafter(1, 2), math.Nextafter(1, 0), math.MaxFloat64, 0x1p-1022, 1e-4} {
		check(x)
	}
	for range 200000 {
		x := (rng.Float64()*2 - 1) * 700
		if rng.IntN(2) == 0 {
			x = (rng.Float64()*2 - 1) * 1e-3
		}
		if d := ulpDiff(ctrlExp(x), math.Exp(x)); d > worstExp {
			worstExp = d
		}
	}
	t.Logf("max deviation from math: log %.2f ulp, exp %.2f ulp", worstLog, worstExp)
	if worstLog > 2 || worstExp > 2 {
		t.Errorf("deviation log %.2f ulp, exp %.2f ulp; want ≤ 2", worstLog, worstExp)
	}
	if ctrlLog(1) != 0 || ctrlExp(0) != 1 {
		t.Errorf("log 1 = %v, exp 0 = %v", ctrlLog(1), ctrlExp(0))
	}
	for _, x := range []float64{0, -1, math.Inf(1), math.NaN(), 1e-310} {
		if a, b := ctrlLog(x), math.Log(x); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Errorf("ctrlLog(%v) = %v, want %v", x, a, b)
		}
	}
	for _, x := range []float64{-800, 800, math.Inf(-1), math.Inf(1), math.NaN(), -745.2} {
		if a, b := ctrlExp(x), math.Exp(x); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Errorf("ctrlExp(%v) = %v, want %v", x, a, b)
		}
	}
}

// TestCtrlExpTable recomputes the tables of 2^(j/64) in 200-bit arithmetic.
func TestCtrlExpTable(t *testing.T) {
	const prec = 200
	r := new(big.Float).SetPrec(prec).SetInt64(2)
	for range ctrlExpBits {
		r.Sqrt(r)
	}
	v := new(big.Float).SetPrec(prec).SetInt64(1)
	for j := range ctrlExpTab {
		hi, _ := v.Float64()
		lo, _ := new(big.Float).SetPrec(prec).Sub(v, big.NewFloat(hi)).Float64()
		if ctrlExpTab[j] != hi || ctrlExpLo[j] != lo {
			t.Errorf("j = %d: table (%x, %x), want (%x, %x)", j, ctrlExpTab[j], ctrlExpLo[j], hi, lo)
		}
		v.Mul(v, r)
	}
}
