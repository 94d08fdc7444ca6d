package stability

import (
	"math"
)

// Regime names the behaviour of gradient descent and of the principal flow
// along one eigendirection of the Hessian, as a function of z = hλ (the
// table of the project's math notes; Rosca, Wu, Qin, Dherin, TMLR 2023,
// §3). GD multiplies the component of θ − θ* along the direction by 1 − hλ
// per step; the principal flow multiplies it by exp(t·φ(hλ)λ) =
// (1 − hλ)^{t/h}.
type Regime string

// The regimes, in increasing order of hλ. The strings are part of the
// command-line and JSON contract.
const (
	// RegimeNegativeCurvature is hλ < 0 (λ < 0): φ is real in (−1, 0), GD
	// grows the component by 1 + h|λ| per step and the principal flow
	// grows it too: both escape saddles and maxima for every h > 0.
	RegimeNegativeCurvature Regime = "negative-curvature"
	// RegimeFlat is hλ = 0: φ = −1, GD and the flow behave as gradient
	// flow (the component does not move to first order).
	RegimeFlat Regime = "flat"
	// RegimeStable is 0 < hλ < 1: φ real and < −1, monotone decay at the
	// exact rate log(1 − hλ)/h per unit time.
	RegimeStable Regime = "stable"
	// RegimeCritical is hλ = 1: φ = −∞, GD lands on the minimiser of the
	// direction in one step; the flow decays infinitely fast.
	RegimeCritical Regime = "critical"
	// RegimeOscillatingConvergent is 1 < hλ < 2: Re φ < 0, Im φ = π/(hλ);
	// GD flips sign and decays, the flow is a decaying rotation.
	RegimeOscillatingConvergent Regime = "oscillating-convergent"
	// RegimePeriodTwo is hλ = 2: Re φ = 0; GD is on a period-two orbit, the
	// flow is a pure rotation. 2/h is the edge of stability.
	RegimePeriodTwo Regime = "period-two"
	// RegimeDivergent is hλ > 2: Re φ > 0; GD flips sign and grows, the
	// flow is a growing rotation.
	RegimeDivergent Regime = "divergent"
)

// Unstable reports whether GD grows the component along a direction in
// this regime (|1 − hλ| > 1): negative curvature or divergent.
func (r Regime) Unstable() bool {
	return r == RegimeNegativeCurvature || r == RegimeDivergent
}

// Oscillating reports whether GD flips the sign of the component each step
// (hλ > 1): the regimes where the principal flow is complex.
func (r Regime) Oscillating() bool {
	return r == RegimeOscillatingConvergent || r == RegimePeriodTwo || r == RegimeDivergent
}

// Classify returns the regime of z = hλ with exact comparisons at the
// boundaries 0, 1 and 2. It returns "" for NaN.
func Classify(z float64) Regime { return ClassifyTol(z, 0) }

// ClassifyTol returns the regime of z = hλ, treating |z − b| ≤ tol as the
// boundary value b for b = 0, 1, 2. Eigenvalues computed in floating point
// carry a backward error of a few ulp times ‖H‖, so an exact boundary
// (h = 1 on a Hessian with eigenvalue 2) may come out a few ulp off; Analyze
// uses a tolerance scaled to that error. It returns "" for NaN or a negative
// tol.
func ClassifyTol(z, tol float64) Regime {
	if math.IsNaN(z) || !(tol >= 0) {
		return ""
	}
	switch {
	case math.Abs(z) <= tol:
		return RegimeFlat
	case z < 0:
		return RegimeNegativeCurvature
	case math.Abs(z-1) <= tol:
		return RegimeCritical
	case z < 1:
		return RegimeStable
	case math.Abs(z-2) <= tol:
		return RegimePeriodTwo
	case z < 2:
		return RegimeOscillatingConvergent
	}
	return RegimeDivergent
}
