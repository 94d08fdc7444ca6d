package ode

import (
	"fmt"
	"math"
)

// This file holds every step-size controller of the toolkit. A controller
// is a value (Settings.Controller) that any adaptive method takes: explicit
// Runge–Kutta tableaus, Radau5 (package stiff) and the exponential
// integrators (package modified) all report the scaled error of each
// attempted step as a StepError and ask the controller for the next step.
// The controllers keep their memory (previous errors and steps) in a
// ControlState owned by the run, so one Controller value can serve many
// concurrent runs.
//
// The methods choose the default: PI with the tableau's constants for the
// Runge–Kutta methods (Hairer's DOPRI5 and DOP853 codes), Predictive for
// Radau5 (Hairer's RADAU5) and I for the exponential integrators.

// StepError is what an adaptive method reports after attempting a step:
// the scaled RMS error of Hairer, Nørsett and Wanner (I, Sec. II.4), either
// squared (Err2, the form the Runge–Kutta kernels compute) or not (Err);
// a method fills one of them (Err2 < 0 means "use Err"). Implicit methods
// also report the Newton iterations of the step (Iter) and their maximum
// (MaxIter), which the Predictive controller uses.
type StepError struct {
	Err2, Err     float64
	Iter, MaxIter int
}

func (e StepError) err() float64 {
	if e.Err2 >= 0 && e.Err == 0 {
		return math.Sqrt(e.Err2)
	}
	return e.Err
}

// ControlState is the memory of a controller during one run (previous
// errors and steps). The zero value is reset by Controller.Reset at the
// start of a run; methods pass it back unchanged.
type ControlState struct {
	k         float64 // q + 1, where q is the order of the error estimate
	lfo       float64 // PI: −β·log(errOld), errOld ≥ 1e-4 (Hairer's FACOLD)
	logSafety float64
	e1, e2    float64 // PID: previous two accepted errors (floored)
	hacc      float64 // Predictive: last accepted step
	erracc    float64 // Predictive: its error (floored at 1e-2)
	nacc      int     // accepted steps so far
	rejected  bool    // the previous attempt was rejected
}

// Rejected records a rejection decided outside the controller (a failed
// Newton iteration, a singular matrix, a non-finite state), so that the
// next accepted step does not grow beyond the failed one.
func (s *ControlState) Rejected() { s.rejected = true }

// Controller chooses step sizes from the errors of the attempted steps.
// Accept is called after a step with err ≤ 1 and returns the next step
// size; Reject after a step with err > 1 and returns the size to retry
// with. Both return values of the sign of h. Validate reports constants
// out of range (a NaN, a safety factor above 1, FacMin ≥ 1, …).
type Controller interface {
	Reset(s *ControlState, q int)
	Accept(s *ControlState, h float64, e StepError) float64
	Reject(s *ControlState, h float64, e StepError) float64
	Validate() error
}

// checkLimits validates the constants shared by the controllers.
func checkLimits(name string, safety, facMin, facMax float64) error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if bad(safety) || bad(facMin) || bad(facMax) || !(safety > 0 && safety <= 1) || !(facMin > 0 && facMin < 1) || !(facMax > 1) {
		return fmt.Errorf("%w: %s controller: Safety = %v must be in (0, 1], FacMin = %v in (0, 1), FacMax = %v finite and > 1",
			ErrInvalidSettings, name, safety, facMin, facMax)
	}
	return nil
}

func orDefault(x, d float64) float64 {
	if x == 0 {
		return d
	}
	return x
}

// I is the integral (elementary) controller,
//
//	h_new = h · clamp(Safety · err^(−1/k), FacMin, FacMax),   k = q + 1,
//
// with q the order of the error estimate (Hairer, Nørsett, Wanner I,
// Sec. II.4, eq. (4.13)). Zero fields take Safety 0.9, FacMin 0.2,
// FacMax 10. It is the default of the exponential integrators.
type I struct {
	Safety, FacMin, FacMax float64
}

func (c I) get() I {
	return I{orDefault(c.Safety, 0.9), orDefault(c.FacMin, 0.2), orDefault(c.FacMax, 10)}
}

// Validate implements Controller.
func (c I) Validate() error { g := c.get(); return checkLimits("I", g.Safety, g.FacMin, g.FacMax) }

// Reset implements Controller.
func (c I) Reset(s *ControlState, q int) { *s = ControlState{k: float64(q + 1)} }

// Accept implements Controller.
func (c I) Accept(s *ControlState, h float64, e StepError) float64 {
	g := c.get()
	s.nacc++
	s.rejected = false
	return h * min(g.FacMax, max(g.FacMin, g.Safety*math.Pow(max(e.err(), 1e-10), -1/s.k)))
}

// Reject implements Controller.
func (c I) Reject(s *ControlState, h float64, e StepError) float64 {
	g := c.get()
	return integralReject(s, h, e, g.Safety, g.FacMin)
}

// integralReject is the retry step of the I and PID controllers after a
// rejection: h·max(FacMin, Safety·err^(−1/k)), and h·FacMin for a
// non-finite error.
func integralReject(s *ControlState, h float64, e StepError, safety, facMin float64) float64 {
	s.rejected = true
	x := e.err()
	if !(x <= math.MaxFloat64) {
		return h * facMin
	}
	return h * max(facMin, safety*math.Pow(x, -1/s.k))
}

// PI is the proportional–integral controller of Hairer's DOPRI5 and DOP853
// codes (Hairer, Nørsett, Wanner I, Sec. II.4, eq. (4.13), and the Fortran
// sources; the PI idea is Gustafsson's, BIT 31 (1991) 336–351). After a step
// with scaled error err (and errOld of the previous accepted step)
//
//	h_new = h · clamp(Safety · errOld^Beta / err^Alpha, FacMin, FacMax),
//
// with errOld starting at and floored at 1e-4, the growth capped at 1 after
// a rejection, and h·max(FacMin, Safety/err^Alpha) after a rejected step.
// Zero fields take the method's values (for a tableau: its Controller
// field; Hairer's I-controller values Alpha = 1/(q+1), Beta = 0,
// Safety 0.9, FacMin 0.2, FacMax 10 otherwise). Beta = 0 gives the I
// controller with the cap after rejections.
type PI struct {
	Alpha  float64 // exponent of the current error (Hairer's EXPO1)
	Beta   float64 // exponent of the previous error (0: I control)
	Safety float64 // safety factor (Hairer: 0.9)
	FacMin float64 // smallest step ratio (Hairer: 0.2)
	FacMax float64 // largest step ratio (Hairer: 10)
}

// defaultPI returns Hairer's constants for an embedded order q and a given
// β: α = 1/(q+1) − 0.75β (DOPRI5: β = 0.04).
func defaultPI(q int, beta float64) PI {
	return PI{Alpha: 1/float64(q+1) - 0.75*beta, Beta: beta, Safety: 0.9, FacMin: 0.2, FacMax: 10}
}

// merge fills the zero fields of c from d.
func (c PI) merge(d PI) PI {
	return PI{orDefault(c.Alpha, d.Alpha), orDefault(c.Beta, d.Beta), orDefault(c.Safety, d.Safety),
		orDefault(c.FacMin, d.FacMin), orDefault(c.FacMax, d.FacMax)}
}

// Validate implements Controller (zero fields count as their defaults).
func (c PI) Validate() error {
	g := c.merge(defaultPI(4, 0))
	if math.IsNaN(g.Alpha) || math.IsNaN(g.Beta) || !(g.Alpha > 0) || g.Beta < 0 || math.IsInf(g.Alpha, 0) || math.IsInf(g.Beta, 0) {
		return fmt.Errorf("%w: PI controller: Alpha = %v must be positive, Beta = %v non-negative, both finite", ErrInvalidSettings, c.Alpha, c.Beta)
	}
	return checkLimits("PI", g.Safety, g.FacMin, g.FacMax)
}

// logMinErrOld is log(1e-4), Hairer's floor (and start value) of errOld.
var logMinErrOld = math.Log(1e-4)

// Reset implements Controller. The constants must be complete (the
// methods merge zero fields with their defaults before the run).
func (c PI) Reset(s *ControlState, q int) {
	*s = ControlState{k: float64(q + 1), lfo: -c.Beta * logMinErrOld, logSafety: math.Log(c.Safety)}
}

// Accept implements Controller. It evaluates Hairer's formula as
// h·clamp(exp(log Safety − α·log err + β·log errOld), FacMin, FacMax) with
// one logarithm and one exponential (the short-latency versions of
// ctrlmath.go; the result equals Hairer's up to rounding, and the step
// sequences of his codes are reproduced exactly).
func (c PI) Accept(s *ControlState, h float64, e StepError) float64 {
	lerr := c.logErr(e)
	g := ctrlExp(s.logSafety - (c.Alpha*lerr + s.lfo)) // 1/fac; +Inf if err = 0
	// The clamp is written with branches (rarely taken, so predicted).
	if g < c.FacMin {
		g = c.FacMin
	} else if g > c.FacMax {
		g = c.FacMax
	}
	hnew := h * g
	s.lfo = -c.Beta * max(lerr, logMinErrOld)
	if s.rejected {
		hnew = math.Copysign(min(math.Abs(hnew), math.Abs(h)), h)
	}
	s.rejected = false
	s.nacc++
	return hnew
}

func (c PI) logErr(e StepError) float64 {
	if e.Err2 >= 0 && e.Err == 0 {
		if e.Err2 > 0 {
			return 0.5 * ctrlLog(e.Err2)
		}
		return math.Inf(-1)
	}
	if e.Err > 0 {
		return ctrlLog(e.Err)
	}
	return math.Inf(-1)
}

// Reject implements Controller: h / min(1/FacMin, err^Alpha/Safety).
func (c PI) Reject(s *ControlState, h float64, e StepError) float64 {
	s.rejected = true
	return h * max(c.FacMin, ctrlExp(s.logSafety-c.Alpha*c.logErr(e)))
}

// PID is the three-term controller of Söderlind's digital-filter theory
// (G. Söderlind, "Digital filters in adaptive time-stepping", ACM TOMS 29
// (2003) 1–26; continuing Gustafsson's control-theoretic PI design, BIT 31
// (1991) 336–351):
//
//	h_new = h · clamp(Safety · err_n^(−B1/k) · err_{n−1}^(−B2/k) · err_{n−2}^(−B3/k), FacMin, FacMax),
//
// with k = q + 1, err_n the error of the step just accepted and err_{n−1},
// err_{n−2} those of the two accepted steps before it (1 before the run has
// them, floored at 1e-4 like Hairer's errOld). A rejected step is retried
// with the integral part alone, h·max(FacMin, Safety·err^(−1/k)), and the
// next accepted step does not grow. All-zero B take Söderlind's H312PID
// filter (B1, B2, B3) = (1/18, 1/9, 1/18) (his Table III: a smooth
// third-order low-pass filter); zero Safety, FacMin, FacMax take 0.9,
// 0.2 and 10.
type PID struct {
	B1, B2, B3             float64
	Safety, FacMin, FacMax float64
}

func (c PID) get() PID {
	g := c
	if c.B1 == 0 && c.B2 == 0 && c.B3 == 0 {
		g.B1, g.B2, g.B3 = 1.0/18, 1.0/9, 1.0/18
	}
	g.Safety, g.FacMin, g.FacMax = orDefault(c.Safety, 0.9), orDefault(c.FacMin, 0.2), orDefault(c.FacMax, 10)
	return g
}

// Validate implements Controller.
func (c PID) Validate() error {
	g := c.get()
	for _, b := range []float64{g.B1, g.B2, g.B3} {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return fmt.Errorf("%w: PID controller: gains %v, %v, %v must be finite", ErrInvalidSettings, c.B1, c.B2, c.B3)
		}
	}
	if !(g.B1 > 0) {
		return fmt.Errorf("%w: PID controller: B1 = %v must be positive", ErrInvalidSettings, g.B1)
	}
	return checkLimits("PID", g.Safety, g.FacMin, g.FacMax)
}

// Reset implements Controller.
func (c PID) Reset(s *ControlState, q int) { *s = ControlState{k: float64(q + 1), e1: 1, e2: 1} }

// Accept implements Controller.
func (c PID) Accept(s *ControlState, h float64, e StepError) float64 {
	g := c.get()
	en := max(e.err(), 1e-4)
	fac := g.Safety * math.Pow(en, -g.B1/s.k) * math.Pow(s.e1, -g.B2/s.k) * math.Pow(s.e2, -g.B3/s.k)
	fac = min(g.FacMax, max(g.FacMin, fac))
	if s.rejected {
		fac = min(fac, 1)
	}
	s.e2, s.e1 = s.e1, en
	s.rejected = false
	s.nacc++
	return h * fac
}

// Reject implements Controller.
func (c PID) Reject(s *ControlState, h float64, e StepError) float64 {
	g := c.get()
	return integralReject(s, h, e, g.Safety, g.FacMin)
}

// Predictive is the predictive controller of Gustafsson (ACM TOMS 20 (1994)
// 496–517) as coded in Hairer's RADAU5 (Hairer & Wanner, Solving ODEs II,
// Sec. IV.8, eq. (8.25)). With fac = min(Safety, Safety·(2·MaxIter + 1)/
// (Iter + 2·MaxIter)) (fewer Newton iterations, a larger step) and
// err floored at 1e-10:
//
//	q = clamp(err^(1/k)/fac, 1/FacMax, 1/FacMin),
//	after the second accepted step also
//	q = max(q, clamp((h_acc/h)·(err²/err_acc)^(1/k)/Safety, 1/FacMax, 1/FacMin)),
//
// and h_new = h/q (h_acc, err_acc the previous accepted step and its error
// floored at 1e-2). A rejection before the first accepted step divides h
// by 10. Zero fields take RADAU5's Safety 0.9, FacMin 0.2 (FACL = 5) and
// FacMax 8 (FACR = 1/8). It is Radau5's default; with other methods
// (Iter = MaxIter = 0) fac is Safety.
type Predictive struct {
	Safety, FacMin, FacMax float64
}

func (c Predictive) get() Predictive {
	return Predictive{orDefault(c.Safety, 0.9), orDefault(c.FacMin, 0.2), orDefault(c.FacMax, 8)}
}

// Validate implements Controller.
func (c Predictive) Validate() error {
	g := c.get()
	return checkLimits("Predictive", g.Safety, g.FacMin, g.FacMax)
}

// Reset implements Controller.
func (c Predictive) Reset(s *ControlState, q int) { *s = ControlState{k: float64(q + 1)} }

func (c Predictive) quot(s *ControlState, e StepError) (q, errn float64, g Predictive) {
	g = c.get()
	errn = e.err()
	if math.IsNaN(errn) {
		errn = math.Inf(1)
	}
	errn = math.Max(errn, 1e-10)
	fac := g.Safety
	if e.MaxIter > 0 {
		fac = math.Min(g.Safety, g.Safety*float64(1+2*e.MaxIter)/float64(e.Iter+2*e.MaxIter))
	}
	facl, facr := 1/g.FacMin, 1/g.FacMax
	q = math.Max(facr, math.Min(facl, math.Pow(errn, 1/s.k)/fac))
	return q, errn, g
}

// Accept implements Controller.
func (c Predictive) Accept(s *ControlState, h float64, e StepError) float64 {
	q, errn, g := c.quot(s, e)
	s.nacc++
	if s.nacc > 1 {
		facl, facr := 1/g.FacMin, 1/g.FacMax
		facgus := (s.hacc / h) * math.Pow(errn*errn/s.erracc, 1/s.k) / g.Safety
		facgus = math.Max(facr, math.Min(facl, facgus))
		q = math.Max(q, facgus)
	}
	s.hacc = h
	s.erracc = math.Max(1e-2, errn)
	hnew := h / q
	if s.rejected {
		hnew = math.Copysign(min(math.Abs(hnew), math.Abs(h)), h)
	}
	s.rejected = false
	return hnew
}

// Reject implements Controller.
func (c Predictive) Reject(s *ControlState, h float64, e StepError) float64 {
	s.rejected = true
	if s.nacc == 0 {
		return h * 0.1
	}
	q, _, _ := c.quot(s, e)
	return h / q
}
