package linalg

import (
	"math"
	"math/cmplx"
)

// φ(z) = log(1 − z)/z is the stability coefficient of the principal flow
// (Rosca, Wu, Qin, Dherin, TMLR 2023): the principal flow is θ' = φ(hH)g.
//
// Evaluation:
//   - |z| ≤ phiSeriesRadius: the Taylor series φ(z) = −Σ_{k≥0} z^k/(k+1),
//     summed by Horner's rule. It has relative error of a few ulp and is
//     exact at z = 0 (φ(0) = −1).
//   - otherwise: log1pNeg(z)/z, where log1pNeg computes log(1 − z) with the
//     real part ½·log1p(−2x + x² + y²) evaluated in double-double arithmetic
//     so that it keeps full relative accuracy near the circle |1 − z| = 1.
//   - real z < 1: math.Log1p(−z)/z (the real fast path).
//
// z = 1 is the logarithmic singularity: Phi returns complex(−Inf, 0) there,
// and IsPhiPole reports it.
//
// Branch: the principal branch of log, with the branch cut z ∈ (1, ∞). On
// the cut itself (Im z = ±0, Re z > 1) the value is log(x − 1) + iπ, the limit
// from below (Im z → 0⁻); this matches the table in the project's math notes,
// where Im φ(hλ) = π/(hλ) for hλ ∈ (1, 2), whatever the sign of the zero.
// PhiContinued continues the logarithm across the cut instead.

// phiSeriesRadius is the radius below which the Taylor series is used:
// with |z| ≤ 1/16, 14 terms reach 16⁻¹⁴ < 2⁻⁵⁴ relative truncation error.
const (
	phiSeriesRadius = 1.0 / 16
	phiSeriesTerms  = 15
)

// Phi returns φ(z) = log(1 − z)/z on the principal branch, with φ(0) = −1 and
// φ(1) = complex(−Inf, 0) (see IsPhiPole). For z on the cut (1, ∞) it returns
// the limit from Im z < 0, (log(x−1) + iπ)/x. NaN inputs give NaN outputs;
// infinite inputs give 0, the limit.
func Phi(z complex128) complex128 {
	if imag(z) == 0 && real(z) < 1 {
		return complex(PhiReal(real(z)), 0)
	}
	if cabs1(z) <= phiSeriesRadius {
		return phiSeries(z)
	}
	if cmplx.IsInf(z) {
		return 0 // |log(1 − z)/z| → 0 as |z| → ∞
	}
	l := Log1mz(z)
	if cmplx.IsInf(l) {
		return l
	}
	return l / z
}

// PhiReal returns φ(x) = log(1 − x)/x for real x ≤ 1: φ(0) = −1, φ(1) = −Inf.
// For x > 1 φ is complex and PhiReal returns NaN: use Phi (or check x first).
func PhiReal(x float64) float64 {
	switch {
	case x > 1:
		return math.NaN()
	case x == 1:
		return math.Inf(-1)
	case math.IsInf(x, -1):
		return math.Copysign(0, -1) // log(1 − x)/x → 0⁻
	case math.Abs(x) <= phiSeriesRadius:
		s := -1 / float64(phiSeriesTerms)
		for k := phiSeriesTerms - 1; k >= 1; k-- {
			s = s*x - 1/float64(k)
		}
		return s
	}
	return math.Log1p(-x) / x
}

func phiSeries(z complex128) complex128 {
	s := complex(-1/float64(phiSeriesTerms), 0)
	for k := phiSeriesTerms - 1; k >= 1; k-- {
		s = s*z - complex(1/float64(k), 0)
	}
	return s
}

// IsPhiPole reports whether v is the value Phi returns at its pole z = 1
// (real part −Inf).
func IsPhiPole(v complex128) bool { return math.IsInf(real(v), -1) }

// Log1mz returns log(1 − z) on the principal branch with full relative
// accuracy for small |z| and near |1 − z| = 1. On the cut z ∈ (1, ∞) the
// imaginary part is +π (see Phi). Log1mz(1) = complex(−Inf, 0).
func Log1mz(z complex128) complex128 {
	x, y := real(z), imag(z)
	if math.IsNaN(x) || math.IsNaN(y) {
		return cmplx.NaN()
	}
	if math.IsInf(x, 0) || math.IsInf(y, 0) {
		return complex(math.Inf(1), math.Atan2(y, 1-x))
	}
	// w = 1 − z = (1 − x) − i y.
	wr := 1 - x
	wi := -y
	if y == 0 {
		wi = 0 // the cut takes +iπ (limit from Im z < 0)
	}
	im := math.Atan2(wi, wr)
	if x == 1 && y == 0 {
		return complex(math.Inf(-1), 0)
	}
	// |w|² − 1 = −2x + x² + y², in double-double.
	var re float64
	if math.Abs(x) < 4 && math.Abs(y) < 4 {
		// |w|² near 1 (where log|w| cancels) requires |x| ≤ 2 and |y| ≤ 1;
		// there the products are made exact with FMA and summed in
		// double-double, so |w|² − 1 has full relative accuracy.
		p, pe := twoProd(x, x)
		q, qe := twoProd(y, y)
		s, se := twoSum(-2*x, p) // −2x is exact
		s, se2 := twoSum(s, q)
		e := se + se2 + pe + qe
		t := s + e
		if math.Abs(t) < 0.5 {
			re = 0.5 * math.Log1p(t)
		} else {
			re = math.Log(math.Hypot(wr, wi))
		}
	} else {
		re = math.Log(math.Hypot(wr, wi))
	}
	return complex(re, im)
}

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return
}

func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return
}

// PhiContinued returns φ(z) on the branch of log(1 − z) that is continued from
// a previous value prevLog of the logarithm: it computes the principal value
// L = Log1mz(z) and returns logNew = L + 2πik with the integer k that puts
// Im logNew closest to Im prevLog, and phi = logNew/z. Carrying logNew to the
// next call along a path continues the logarithm analytically, across the cut
// z ∈ (1, ∞), as long as consecutive points are close enough that the
// imaginary part changes by less than π between calls. Start a path with
// prevLog = Log1mz(z0) (or 0 near z = 0).
//
// With k = 0 phi equals Phi(z), including the series near 0; with k ≠ 0 and
// z = 0 phi is complex infinity. At z = 1 phi is complex(−Inf, 2πk).
func PhiContinued(z, prevLog complex128) (phi, logNew complex128) {
	l := Log1mz(z)
	if math.IsNaN(real(l)) || math.IsNaN(imag(prevLog)) || math.IsInf(imag(prevLog), 0) {
		return cmplx.NaN(), cmplx.NaN()
	}
	k := math.Round((imag(prevLog) - imag(l)) / (2 * math.Pi))
	if k == 0 {
		return Phi(z), l
	}
	shift := 2 * math.Pi * k
	logNew = complex(real(l), imag(l)+shift)
	if z == 0 {
		return cmplx.Inf(), logNew
	}
	if IsPhiPole(l) {
		return complex(math.Inf(-1), shift), logNew
	}
	// φ_k(z) = φ(z) + 2πik/z keeps the accuracy of Phi near 0.
	return Phi(z) + complex(0, shift)/z, logNew
}
