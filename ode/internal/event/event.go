// Package event is the numerical core of event location on a dense output,
// shared by the integrators of ode and ode/stiff: the sign-change test of
// ode.Event and the Illinois root finder.
package event

import "math"

// Crossing reports whether g moves from ga to gb through zero in the
// direction dir (ode.Event's convention: +1 from negative to non-negative,
// −1 from positive to non-positive, 0 either).
func Crossing(ga, gb float64, dir int) bool {
	rising := ga < 0 && gb >= 0
	falling := ga > 0 && gb <= 0
	switch dir {
	case 1:
		return rising
	case -1:
		return falling
	}
	return rising || falling
}

// Locate finds the zero of g between ta and tb (in either order), where
// g(ta) = ga is non-zero and g(tb) = gb is zero or of the other sign, with
// the Illinois variant of regula falsi (Dowell & Jarratt, BIT 11 (1971)
// 168) to a width of 4 ulps of max(|ta|, |tb|), in at most 200
// evaluations of g. It returns the bracket end on the far side of the zero
// (or an exact zero), so that the recorded point has crossed.
func Locate(g func(t float64) float64, ta, tb, ga, gb float64) float64 {
	tol := 4 * 0x1p-52 * math.Max(math.Abs(ta), math.Abs(tb))
	if gb == 0 {
		return tb
	}
	side := 0
	for range 200 {
		if math.Abs(tb-ta) <= tol {
			break
		}
		tc := tb - gb*(tb-ta)/(gb-ga)
		if !(math.Min(ta, tb) < tc && tc < math.Max(ta, tb)) {
			tc = 0.5 * (ta + tb)
		}
		gc := g(tc)
		if gc == 0 {
			return tc
		}
		if (gc > 0) == (gb > 0) {
			tb, gb = tc, gc
			if side == 1 {
				ga /= 2
			}
			side = 1
		} else {
			ta, ga = tc, gc
			if side == -1 {
				gb /= 2
			}
			side = -1
		}
	}
	return tb
}
