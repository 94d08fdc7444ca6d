package ode

import "math"

// Specialised step of the Dormand–Prince 5(4) pair.
//
// The generic engine combines stages through precomputed sparse
// combinations (kernels.go), which costs a few loads, slice headers and a
// switch per stage; for the small systems on which DOPRI5 is most used
// (n = 3 or 4) that book-keeping is as expensive as the arithmetic. This
// kernel has the coefficients as compile-time constants and the stage loops
// written out, and fuses the error estimate with the scaled norm. It performs
// the same floating-point operations in the same order as the generic path
// (base + h·(w1 k1 + w2 k2 + …), zero coefficients skipped), so results are
// bitwise identical (ode/dopri5_test.go checks it); it is selected for
// adaptive runs of any tableau whose coefficients equal DOPRI5's (dp5Match)
// when the state has at most fuseLimit float values (larger states use the
// generic path's assembly kernels).

// DOPRI5's coefficients (Dormand & Prince 1980; Hairer, Nørsett, Wanner I,
// Table 5.2). Go evaluates constant expressions exactly and rounds once, as
// big.Rat.Float64 does for the tableau's fields.
const (
	dpC2, dpC3, dpC4, dpC5 = 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9

	dpA21 = 1.0 / 5

	dpA31, dpA32 = 3.0 / 40, 9.0 / 40

	dpA41, dpA42, dpA43 = 44.0 / 45, -56.0 / 15, 32.0 / 9

	dpA51, dpA52, dpA53, dpA54 = 19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729

	dpA61, dpA62, dpA63, dpA64, dpA65 = 9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656

	dpB1, dpB3, dpB4, dpB5, dpB6 = 35.0 / 384, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84

	dpE1, dpE3, dpE4, dpE5, dpE6, dpE7 = 71.0 / 57600, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40
)

// dp5Match reports whether m has exactly DOPRI5's stages, weights, error
// weights and FSAL structure (the dense output is not used by the kernel).
func dp5Match(m *Tableau) bool {
	if m == DOPRI5 {
		return true
	}
	d := DOPRI5
	if m.FSAL != d.FSAL || len(m.C) != len(d.C) || m.E == nil || m.E3 != nil ||
		!equalF(m.C, d.C) || !equalF(m.B, d.B) || !equalF(m.E, d.E) {
		return false
	}
	for i := range d.A {
		if !equalF(m.A[i], d.A[i]) {
			return false
		}
	}
	return true
}

func equalF(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// attemptDP5 computes one DOPRI5 step of size h from (t, cur) into stage,
// evaluates the FSAL stage f(t+h, y1) and returns the squared scaled RMS
// error (errNorm's value). The first stage must be valid.
func (it *Integrator[T]) attemptDP5(h float64) float64 {
	kf := it.kf
	y := asFloats(it.cur)
	n := len(y)
	yn := asFloats(it.stage)[:n]
	k1, k2, k3, k4 := kf[0][:n], kf[1][:n], kf[2][:n], kf[3][:n]
	k5, k6, k7 := kf[4][:n], kf[5][:n], kf[6][:n]
	f, t, ys := it.run.Problem.F, it.t, it.stage
	for i := range yn {
		yn[i] = y[i] + h*(dpA21*k1[i])
	}
	f(it.k[1], t+dpC2*h, ys)
	for i := range yn {
		yn[i] = y[i] + h*(dpA31*k1[i]+dpA32*k2[i])
	}
	f(it.k[2], t+dpC3*h, ys)
	for i := range yn {
		yn[i] = y[i] + h*(dpA41*k1[i]+dpA42*k2[i]+dpA43*k3[i])
	}
	f(it.k[3], t+dpC4*h, ys)
	for i := range yn {
		yn[i] = y[i] + h*(dpA51*k1[i]+dpA52*k2[i]+dpA53*k3[i]+dpA54*k4[i])
	}
	f(it.k[4], t+dpC5*h, ys)
	for i := range yn {
		yn[i] = y[i] + h*(dpA61*k1[i]+dpA62*k2[i]+dpA63*k3[i]+dpA64*k4[i]+dpA65*k5[i])
	}
	f(it.k[5], t+h, ys)
	for i := range yn {
		yn[i] = y[i] + h*(dpB1*k1[i]+dpB3*k3[i]+dpB4*k4[i]+dpB5*k5[i]+dpB6*k6[i])
	}
	f(it.k[6], t+h, ys)
	it.stats.NFev += 6
	if it.cplx || it.r.atolVec != nil {
		return it.errNorm(h)
	}
	// Fused error estimate and squared norm (real data, scalar atol): the
	// same operations as combine + errNorm.
	rtol, atol := it.r.rtol, it.r.atol
	var s, guard float64
	for i := range yn {
		a, b := math.Abs(y[i]), math.Abs(yn[i])
		if b > a {
			a = b
		}
		guard += 0 * b // NaN if y1_i is NaN or ±Inf
		e := dpE1*k1[i] + dpE3*k3[i] + dpE4*k4[i] + dpE5*k5[i] + dpE6*k6[i] + dpE7*k7[i]
		e *= 1 / (atol + rtol*a)
		s += e * e
	}
	s += guard
	return h * h * (s * (1 / float64(it.n)))
}
