package linalg

import (
	"math"
	"math/big"
	"math/cmplx"
	"testing"
)

// High-precision references for φ(z) = log(1 − z)/z, computed in math/big at
// 300 bits from the float64 input (exact in big.Float) with elementary
// series: log a = e·ln2 + 2·atanh((m−1)/(m+1)) for a = m·2^e, and atan by
// argument halving t ← t/(1 + √(1 + t²)) followed by its Taylor series.

const bigPrec = 300

func bf(x float64) *big.Float { return new(big.Float).SetPrec(bigPrec).SetFloat64(x) }

// atanhSeries returns Σ t^(2k+1)/(2k+1) for |t| ≤ 1/3.
func atanhSeries(t *big.Float) *big.Float {
	sum := new(big.Float).SetPrec(bigPrec).Set(t)
	t2 := new(big.Float).SetPrec(bigPrec).Mul(t, t)
	pow := new(big.Float).SetPrec(bigPrec).Set(t)
	eps := new(big.Float).SetPrec(bigPrec).SetMantExp(bf(1), -bigPrec-4)
	for k := 1; ; k++ {
		pow.Mul(pow, t2)
		term := new(big.Float).SetPrec(bigPrec).Quo(pow, bf(float64(2*k+1)))
		sum.Add(sum, term)
		if term.Sign() == 0 || new(big.Float).Abs(term).Cmp(eps) < 0 {
			return sum
		}
	}
}

func bigLn2() *big.Float {
	third := new(big.Float).SetPrec(bigPrec).Quo(bf(1), bf(3))
	r := atanhSeries(third)
	return r.Mul(r, bf(2))
}

// bigLog returns ln a for a > 0.
func bigLog(a *big.Float) *big.Float {
	m := new(big.Float).SetPrec(bigPrec)
	e := a.MantExp(m) // a = m·2^e, m ∈ [0.5, 1)
	num := new(big.Float).SetPrec(bigPrec).Sub(m, bf(1))
	den := new(big.Float).SetPrec(bigPrec).Add(m, bf(1))
	t := num.Quo(num, den)
	r := atanhSeries(t)
	r.Mul(r, bf(2))
	l2 := bigLn2()
	l2.Mul(l2, bf(float64(e)))
	return r.Add(r, l2)
}

// bigAtan returns atan t for t ≥ 0.
func bigAtan(t *big.Float) *big.Float {
	t = new(big.Float).SetPrec(bigPrec).Set(t)
	k := 0
	eighth := bf(0.125)
	for t.Cmp(eighth) > 0 {
		s := new(big.Float).SetPrec(bigPrec).Mul(t, t)
		s.Add(s, bf(1))
		s.Sqrt(s)
		s.Add(s, bf(1))
		t.Quo(t, s)
		k++
	}
	// atan t = Σ (−1)^k t^(2k+1)/(2k+1).
	sum := new(big.Float).SetPrec(bigPrec).Set(t)
	t2 := new(big.Float).SetPrec(bigPrec).Mul(t, t)
	pow := new(big.Float).SetPrec(bigPrec).Set(t)
	eps := new(big.Float).SetPrec(bigPrec).SetMantExp(bf(1), -bigPrec-4)
	for j := 1; ; j++ {
		pow.Mul(pow, t2)
		pow.Neg(pow)
		term := new(big.Float).SetPrec(bigPrec).Quo(pow, bf(float64(2*j+1)))
		sum.Add(sum, term)
		if term.Sign() == 0 || new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum.SetMantExp(sum, k)
}

func bigPi() *big.Float { p := bigAtan(bf(1)); return p.Mul(p, bf(4)) }

// bigAtan2 returns arg(x + iy) ∈ (−π, π], with arg = +π for y = 0, x < 0.
func bigAtan2(y, x *big.Float) *big.Float {
	if x.Sign() == 0 {
		h := bigPi()
		h.Quo(h, bf(2))
		if y.Sign() < 0 {
			h.Neg(h)
		}
		return h
	}
	q := new(big.Float).SetPrec(bigPrec).Quo(y, x)
	neg := q.Sign() < 0
	q.Abs(q)
	r := bigAtan(q)
	if neg {
		r.Neg(r)
	}
	if x.Sign() < 0 {
		if y.Sign() >= 0 {
			r.Add(r, bigPi())
		} else {
			r.Sub(r, bigPi())
		}
	}
	return r
}

// phiRef returns φ(z) to about 90 decimal digits, rounded to complex128.
func phiRef(z complex128) complex128 {
	x, y := bf(real(z)), bf(imag(z))
	wr := new(big.Float).SetPrec(bigPrec).Sub(bf(1), x)
	wi := new(big.Float).SetPrec(bigPrec).Neg(y)
	m2 := new(big.Float).SetPrec(bigPrec).Mul(wr, wr)
	m2.Add(m2, new(big.Float).SetPrec(bigPrec).Mul(wi, wi))
	re := bigLog(m2)
	re.Quo(re, bf(2))
	im := bigAtan2(wi, wr)
	if imag(z) == 0 {
		im = bigAtan2(bf(0), wr) // the cut takes +iπ, as documented
	}
	// (re + i im)/(x + i y).
	d := new(big.Float).SetPrec(bigPrec).Mul(x, x)
	d.Add(d, new(big.Float).SetPrec(bigPrec).Mul(y, y))
	pr := new(big.Float).SetPrec(bigPrec).Mul(re, x)
	pr.Add(pr, new(big.Float).SetPrec(bigPrec).Mul(im, y))
	pi := new(big.Float).SetPrec(bigPrec).Mul(im, x)
	pi.Sub(pi, new(big.Float).SetPrec(bigPrec).Mul(re, y))
	pr.Quo(pr, d)
	pi.Quo(pi, d)
	a, _ := pr.Float64()
	b, _ := pi.Float64()
	return complex(a, b)
}

func TestBigReferences(t *testing.T) {
	// The reference machinery against math's correctly rounded-ish values.
	if l, _ := bigLog(bf(10)).Float64(); math.Abs(l-math.Ln10) > 1e-16*math.Ln10 {
		t.Errorf("ln 10 = %v", l)
	}
	if p, _ := bigPi().Float64(); p != math.Pi {
		t.Errorf("π = %v", p)
	}
	if a, _ := bigAtan2(bf(-1), bf(-1)).Float64(); math.Abs(a+3*math.Pi/4) > 1e-16 {
		t.Errorf("atan2(−1, −1) = %v", a)
	}
}

func TestPhiAgainstHighPrecision(t *testing.T) {
	var zs []complex128
	// Near 0, 1e−12..1e−3, along several directions.
	for _, r := range []float64{1e-12, 1e-9, 1e-6, 1e-4, 1e-3, 0.03, 0.0625, 0.07, 0.2} {
		for _, d := range []complex128{1, -1, 1i, -1i, complex(math.Sqrt2/2, math.Sqrt2/2), complex(-0.6, 0.8)} {
			zs = append(zs, complex(r, 0)*d)
		}
	}
	// Near the circle |1 − z| = 1 (cancellation in log|1 − z|).
	for _, th := range []float64{1e-3, 0.1, 1, 2, 3} {
		z := 1 - cmplx.Exp(complex(0, th))
		zs = append(zs, z, z*(1+1e-9), z*(1-1e-12))
	}
	// Near the branch cut (1, ∞) from above and below, and near z = 1.
	for _, x := range []float64{1 + 1e-9, 1.5, 2, 3, 10} {
		for _, e := range []float64{1e-14, 1e-8, 1e-3} {
			zs = append(zs, complex(x, e), complex(x, -e))
		}
	}
	zs = append(zs, complex(1, 1e-12), complex(1+1e-12, 0), complex(1-1e-12, 0))
	// Large |z|.
	for _, r := range []float64{1e3, 1e8, 1e15, 1e300} {
		for _, d := range []complex128{1, -1, 1i, complex(0.6, -0.8)} {
			zs = append(zs, complex(r, 0)*d)
		}
	}
	// General points and the real line below 1.
	zs = append(zs, 0.5, -0.5, -3, 0.999, -1e10, complex(0.3, 0.4), complex(-2, 5))
	for _, z := range zs {
		got, want := Phi(z), phiRef(z)
		rel := cmplx.Abs(got-want) / cmplx.Abs(want)
		// Componentwise-relative error of a few ulp: the evaluation uses a
		// handful of correctly-rounded-to-1ulp operations (log1p, atan2,
		// hypot, complex division), each contributing ≲ 2ε.
		if rel > 8*eps {
			t.Errorf("Phi(%v) = %v, want %v (rel err %.2g = %.1f ε)", z, got, want, rel, rel/eps)
		}
	}
}

func TestPhiSpecialValues(t *testing.T) {
	if got := Phi(0); got != -1 {
		t.Errorf("φ(0) = %v, want −1", got)
	}
	if got := PhiReal(0); got != -1 {
		t.Errorf("PhiReal(0) = %v", got)
	}
	if got := Phi(1); !IsPhiPole(got) || imag(got) != 0 {
		t.Errorf("φ(1) = %v, want −Inf", got)
	}
	if got := PhiReal(1); !math.IsInf(got, -1) {
		t.Errorf("PhiReal(1) = %v", got)
	}
	if got := PhiReal(1.5); !math.IsNaN(got) {
		t.Errorf("PhiReal(1.5) = %v, want NaN (complex value)", got)
	}
	if IsPhiPole(Phi(0.999)) {
		t.Errorf("IsPhiPole(φ(0.999))")
	}
	// On the cut the value is the limit from below: Im = +π/x.
	for _, x := range []float64{1.5, 2, 4} {
		got := Phi(complex(x, 0))
		if d := math.Abs(imag(got) - math.Pi/x); d > 4*eps*math.Pi/x {
			t.Errorf("Im φ(%v) = %v, want π/x", x, imag(got))
		}
		// The sign of zero does not matter.
		if g2 := Phi(complex(x, math.Copysign(0, -1))); g2 != got {
			t.Errorf("φ(%v − 0i) = %v ≠ φ(%v + 0i) = %v", x, g2, x, got)
		}
	}
	// At hλ = 2, Re φ = 0 (the edge of stability, math notes): log|1−2| = 0.
	if got := Phi(2); real(got) != 0 {
		t.Errorf("Re φ(2) = %v, want 0", real(got))
	}
	if got := Phi(cmplx.NaN()); !cmplx.IsNaN(got) {
		t.Errorf("φ(NaN) = %v", got)
	}
	// Real fast path agrees with the complex path just off the axis.
	for _, x := range []float64{-5, -0.1, 0.01, 0.5, 0.9} {
		a, b := PhiReal(x), Phi(complex(x, 1e-300))
		if math.Abs(a-real(b)) > 4*eps*math.Abs(a) {
			t.Errorf("PhiReal(%v) = %v, Phi = %v", x, a, b)
		}
	}
}

func TestPhiContinued(t *testing.T) {
	// Loop twice counter-clockwise around z = 1 on the circle
	// z = 1 − 0.8e^{iθ}... parametrised so that 1 − z = 0.8e^{iθ}, θ from
	// −π/2 to 4π − π/2: 1 − z winds twice around 0, crossing the negative
	// real axis (z ∈ (1, ∞), the cut of the principal branch) twice.
	const steps = 4000
	th0 := -math.Pi / 2
	z := 1 - 0.8*cmplx.Exp(complex(0, th0))
	prevPhi, prevLog := PhiContinued(z, Log1mz(z))
	jumps := 0
	for s := 1; s <= steps; s++ {
		th := th0 + 4*math.Pi*float64(s)/steps
		z := 1 - 0.8*cmplx.Exp(complex(0, th))
		phi, l := PhiContinued(z, prevLog)
		// Continuity: with L = log(1 − z), dL/dθ = i and |dz/dθ| = 0.8, so
		// |dφ/dθ| ≤ 1/|z| + 0.8|L|/|z|²; twice the local value bounds the
		// change over one step dθ = 4π/steps (|z| ≥ 0.2 on the circle).
		dth := 4 * math.Pi / steps
		az := cmplx.Abs(z)
		bound := 2 * dth * (1/az + 0.8*cmplx.Abs(l)/(az*az))
		if d := cmplx.Abs(phi - prevPhi); d > bound {
			t.Fatalf("θ = %v: continued φ jumps by %v", th, d)
		}
		// log stays exact: Im log = θ (the continued argument of 1 − z).
		if d := math.Abs(imag(l) - th); d > 1e-13 {
			t.Fatalf("θ = %v: Im log = %v", th, imag(l))
		}
		if cmplx.Abs(Phi(z)-phi) > 1e-12 {
			jumps++
		}
		prevPhi, prevLog = phi, l
	}
	// After the loops the continued logarithm is 2 sheets above principal.
	zEnd := 1 - 0.8*cmplx.Exp(complex(0, th0+4*math.Pi))
	if d := prevLog - Log1mz(zEnd); cmplx.Abs(d-complex(0, 4*math.Pi)) > 1e-12 {
		t.Errorf("log_end − Log = %v, want 4πi", d)
	}
	if jumps == 0 {
		t.Errorf("continued branch never left the principal one")
	}
	// Principal branch: one step across the cut jumps by 2π/|z|.
	a, b := Phi(complex(1.8, 1e-9)), Phi(complex(1.8, -1e-9))
	if d := cmplx.Abs(a - b); math.Abs(d-2*math.Pi/1.8) > 1e-6 {
		t.Errorf("principal jump across the cut = %v", d)
	}
	// k = 0 reproduces Phi exactly, including at 0.
	if p, l := PhiContinued(0, 0); p != -1 || l != 0 {
		t.Errorf("PhiContinued(0, 0) = %v, %v", p, l)
	}
}

func FuzzPhi(f *testing.F) {
	f.Add(0.5, 0.5)
	f.Add(1.0, 0.0)
	f.Add(2.0, -1e-300)
	f.Fuzz(func(t *testing.T, x, y float64) {
		z := complex(x, y)
		p := Phi(z)
		if IsFinite(z) && z != 1 && !IsFinite(p) && cmplx.Abs(z) < 1e300 {
			// φ is finite away from z = 1 (and overflow of |z|).
			if cmplx.Abs(z-1) > 1e-300 {
				t.Errorf("Phi(%v) = %v", z, p)
			}
		}
	})
}

func TestPhiInfinity(t *testing.T) {
	for _, z := range []complex128{complex(math.Inf(1), 0), complex(math.Inf(-1), 0), complex(0, math.Inf(1)), cmplx.Inf()} {
		if p := Phi(z); p != 0 {
			t.Errorf("Phi(%v) = %v, want 0", z, p)
		}
	}
	if p := PhiReal(math.Inf(-1)); p != 0 {
		t.Errorf("PhiReal(−Inf) = %v", p)
	}
}
