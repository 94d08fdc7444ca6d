package ode

import (
	"errors"
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
)

// Settings configures an integration. The zero value (and a nil *Settings)
// means the documented defaults.
type Settings[T linalg.Scalar] struct {
	// RTol is the relative tolerance (default 1e-6). It must be at least
	// 100·eps unless the run is fixed-step.
	RTol float64
	// ATol is the absolute tolerance (default 1e-6), used for every
	// component unless ATolVec is set.
	ATol float64
	// ATolVec, if non-nil, gives a per-component absolute tolerance (length
	// of y0, entries ≥ 0). Zero entries give a purely relative test for
	// that component (which fails if the component passes through 0); a zero
	// ATol always means the default.
	ATolVec []float64

	// H0 is the initial step size (magnitude; default: Hairer's HINIT
	// algorithm, Hairer, Nørsett, Wanner I, Sec. II.4, which costs one
	// extra evaluation of f).
	H0 float64
	// MinStep is the floor on |h| below which an adaptive run fails with
	// ErrStepTooSmall (default 0; a floor of 10·eps·|t| always applies, as
	// in Hairer's codes).
	MinStep float64
	// MaxStep is the ceiling on |h| (default |t1 − t0|).
	MaxStep float64
	// MaxSteps is the budget of attempted steps, accepted plus rejected
	// (default 100000, Hairer's NMAX); exceeding it fails with ErrMaxSteps.
	MaxSteps int

	// Step, if positive, selects fixed-step integration: N = ⌈|t1−t0|/Step⌉
	// equal steps of size (t1−t0)/N, so that t1 is hit exactly.
	Step float64
	// Steps, if positive, selects fixed-step integration with exactly Steps
	// equal steps (it takes precedence over Step).
	Steps int

	// Controller overrides the method's default step-size controller
	// constants. Zero fields take the method's values.
	Controller *Controller
	// RefreshFSAL re-evaluates f at the start of every step instead of
	// reusing the last stage of an FSAL method (or f(t, y) already computed
	// for the previous step's dense output). Set it when Observer changes
	// the right-hand side (for example commits a branch choice).
	RefreshFSAL bool

	// TEval lists the times at which Solve records the solution (in the
	// direction of integration, within [t0, t1]); nil records every
	// accepted step.
	TEval []float64
	// Dense makes Solve keep the dense output of every step so that
	// Solution.At can evaluate the solution anywhere in the integrated
	// range.
	Dense bool
	// Events are functions whose zeros are located on the dense output.
	Events []Event[T]
	// Observer, if non-nil, is called once after every accepted step with
	// the new time and state (read-only, valid only during the call).
	// It runs last: after the step's events were located (so the state is
	// the event point if a terminal event cut the step short) and after the
	// step's outputs were recorded; during the call the dense output of the
	// step (Integrator.Interpolate) is available. Returning false stops the
	// integration with ErrStopped. It is not called for rejected steps nor
	// for the initial point.
	Observer func(t float64, y []T) bool
}

// Event describes a function g(t, y) whose zeros are located during
// integration.
type Event[T linalg.Scalar] struct {
	// G is the event function. It must not retain or modify y.
	G func(t float64, y []T) float64
	// Direction selects crossings: 0 any, +1 only g going from negative to
	// non-negative, −1 only from positive to non-positive.
	Direction int
	// Terminal stops the integration at the first located zero (with
	// Status Event and an error wrapping ErrStopped).
	Terminal bool
	// Samples is the number of sub-intervals of each step in which g is
	// sampled on the dense output before root finding (default 8): two
	// zeros closer than h/Samples inside one step can be missed.
	Samples int
}

// EventHit records one located zero of an event function.
type EventHit[T linalg.Scalar] struct {
	Index int     // index into Settings.Events
	T     float64 // time of the zero
	Y     []T     // state at T (dense output)
}

// Status is the outcome of an integration.
type Status int

// Outcomes. Every status but Success comes with a non-nil error wrapping the
// matching sentinel.
const (
	Success      Status = iota // reached t1
	MaxSteps                   // ErrMaxSteps
	StepTooSmall               // ErrStepTooSmall
	NonFinite                  // ErrNonFinite
	Stopped                    // ErrStopped by the observer
	EventStop                  // ErrStopped by a terminal event
	Invalid                    // ErrInvalidSettings
	Running                    // integration not finished
)

// String returns the name of the status.
func (s Status) String() string {
	switch s {
	case Success:
		return "Success"
	case MaxSteps:
		return "MaxSteps"
	case StepTooSmall:
		return "StepTooSmall"
	case NonFinite:
		return "NonFinite"
	case Stopped:
		return "Stopped"
	case EventStop:
		return "EventStop"
	case Invalid:
		return "Invalid"
	case Running:
		return "Running"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Err returns the sentinel error of the status (nil for Success and Running).
func (s Status) Err() error {
	switch s {
	case MaxSteps:
		return ErrMaxSteps
	case StepTooSmall:
		return ErrStepTooSmall
	case NonFinite:
		return ErrNonFinite
	case Stopped, EventStop:
		return ErrStopped
	case Invalid:
		return ErrInvalidSettings
	}
	return nil
}

func statusOf(err error) Status {
	switch {
	case err == nil:
		return Success
	case errors.Is(err, ErrMaxSteps):
		return MaxSteps
	case errors.Is(err, ErrStepTooSmall):
		return StepTooSmall
	case errors.Is(err, ErrNonFinite):
		return NonFinite
	case errors.Is(err, ErrInvalidSettings):
		return Invalid
	}
	return Stopped
}

const eps = 0x1p-52

// resolved is Settings with defaults applied and validated.
type resolved struct {
	rtol, atol     float64
	atolVec        []float64
	h0, hmin, hmax float64
	maxSteps       int
	fixed          bool
	nFixed         int
	ctrl           Controller
	logSafety      float64 // log(ctrl.Safety)
	refresh        bool
}

func resolve[T linalg.Scalar](s *Settings[T], m *Tableau, t0, t1 float64, n int) (resolved, error) {
	var z Settings[T]
	if s == nil {
		s = &z
	}
	bad := func(format string, args ...any) (resolved, error) {
		return resolved{}, fmt.Errorf("%w: %s", ErrInvalidSettings, fmt.Sprintf(format, args...))
	}
	nanInf := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if nanInf(t0) || nanInf(t1) {
		return bad("t0 = %v, t1 = %v must be finite", t0, t1)
	}
	if t0 == t1 {
		return bad("t1 == t0 = %v", t0)
	}
	span := math.Abs(t1 - t0)
	r := resolved{rtol: s.RTol, atol: s.ATol, h0: s.H0, hmin: s.MinStep, hmax: s.MaxStep,
		maxSteps: s.MaxSteps, refresh: s.RefreshFSAL}
	for _, v := range []struct {
		name string
		x    float64
	}{{"RTol", s.RTol}, {"ATol", s.ATol}, {"H0", s.H0}, {"MinStep", s.MinStep}, {"MaxStep", s.MaxStep}, {"Step", s.Step}} {
		if nanInf(v.x) || v.x < 0 {
			return bad("%s = %v must be finite and non-negative", v.name, v.x)
		}
	}
	if s.MaxSteps < 0 || s.Steps < 0 {
		return bad("MaxSteps = %d, Steps = %d must be non-negative", s.MaxSteps, s.Steps)
	}
	if r.rtol == 0 {
		r.rtol = 1e-6
	}
	if r.atol == 0 {
		r.atol = 1e-6
	}
	if r.hmax == 0 {
		r.hmax = span
	}
	if r.maxSteps == 0 {
		r.maxSteps = 100000
	}
	if s.ATolVec != nil {
		if len(s.ATolVec) != n {
			return bad("len(ATolVec) = %d, want %d", len(s.ATolVec), n)
		}
		for i, a := range s.ATolVec {
			if nanInf(a) || a < 0 {
				return bad("ATolVec[%d] = %v must be finite and non-negative", i, a)
			}
		}
		r.atolVec = s.ATolVec
	}
	if s.Steps > 0 || s.Step > 0 {
		r.fixed = true
		r.nFixed = s.Steps
		if r.nFixed == 0 {
			q := span / s.Step
			if q > 1e12 {
				return bad("Step = %v gives more than 1e12 steps", s.Step)
			}
			r.nFixed = int(math.Ceil(q * (1 - 4*eps)))
			if r.nFixed < 1 {
				r.nFixed = 1
			}
		}
		if r.nFixed > r.maxSteps && s.MaxSteps != 0 {
			return bad("%d fixed steps exceed MaxSteps = %d", r.nFixed, r.maxSteps)
		}
		r.maxSteps = max(r.maxSteps, r.nFixed)
	} else {
		if !m.Adaptive() {
			return bad("method %q has no error estimator: set Step or Steps", m.Name)
		}
		if r.rtol < 100*eps {
			return bad("RTol = %v is below 100·eps", r.rtol)
		}
		if r.h0 > 0 && r.h0 < r.hmin {
			return bad("H0 = %v below MinStep = %v", r.h0, r.hmin)
		}
		if r.hmin > r.hmax {
			return bad("MinStep = %v above MaxStep = %v", r.hmin, r.hmax)
		}
	}
	q := m.EmbeddedOrder
	if q == 0 {
		q = m.Order
	}
	r.ctrl = defaultController(q, 0)
	for _, c := range []*Controller{&m.Controller, s.Controller} {
		if c == nil {
			continue
		}
		if c.Alpha != 0 {
			r.ctrl.Alpha = c.Alpha
		}
		if c.Beta != 0 {
			r.ctrl.Beta = c.Beta
		}
		if c.Safety != 0 {
			r.ctrl.Safety = c.Safety
		}
		if c.FacMin != 0 {
			r.ctrl.FacMin = c.FacMin
		}
		if c.FacMax != 0 {
			r.ctrl.FacMax = c.FacMax
		}
	}
	ct := r.ctrl
	r.logSafety = math.Log(ct.Safety)
	if !(ct.Alpha > 0) || ct.Beta < 0 || !(ct.Safety > 0 && ct.Safety <= 1) || !(ct.FacMin > 0 && ct.FacMin < 1) || !(ct.FacMax > 1) || nanInf(ct.FacMax) {
		return bad("controller %+v out of range", ct)
	}
	for i, e := range s.Events {
		if e.G == nil {
			return bad("Events[%d].G is nil", i)
		}
		if e.Direction < -1 || e.Direction > 1 || e.Samples < 0 {
			return bad("Events[%d]: Direction %d, Samples %d", i, e.Direction, e.Samples)
		}
	}
	dir := 1.0
	if t1 < t0 {
		dir = -1
	}
	prev := t0
	for i, te := range s.TEval {
		if nanInf(te) || (te-t0)*dir < 0 || (te-t1)*dir > 0 || (te-prev)*dir < 0 {
			return bad("TEval[%d] = %v not monotone within [t0, t1]", i, te)
		}
		prev = te
	}
	return r, nil
}
