package ode

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/pflow-go/pflow/linalg"
)

// Settings configures an integration, for every method. The zero value
// (and a nil *Settings) means the documented defaults. A method that cannot
// honour a setting (events on a method without dense output, tolerances on
// a fixed-step-only method) refuses it with an error wrapping
// ErrUnsupported rather than ignoring it.
type Settings[T linalg.Scalar] struct {
	// RTol is the relative tolerance (default 1e-6). It must be at least
	// MinRTol unless the run is fixed-step.
	RTol float64
	// ATol is the absolute tolerance (default 1e-6), used for every
	// component unless ATolVec is set.
	ATol float64
	// ATolVec, if non-nil, gives a per-component absolute tolerance (length
	// of y0, entries ≥ 0). Zero entries give a purely relative test for
	// that component (which fails if the component passes through 0); a zero
	// ATol always means the default. Explicit Runge–Kutta methods only.
	ATolVec []float64

	// H0 is the initial step size (magnitude; default: the method's choice,
	// Hairer's HINIT algorithm for the Runge–Kutta methods, Hairer,
	// Nørsett, Wanner I, Sec. II.4, which costs one extra evaluation of f).
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
	// MaxEvals, if positive, is a budget of evaluations of F: a run stops
	// with ErrMaxSteps before the first step attempt that starts with the
	// budget spent (so the count can exceed it by one attempt's
	// evaluations).
	MaxEvals int

	// Step, if positive, selects fixed-step integration: N = ⌈|t1−t0|/Step⌉
	// equal steps of size (t1−t0)/N, so that t1 is hit exactly.
	Step float64
	// Steps, if positive, selects fixed-step integration with exactly Steps
	// equal steps (it takes precedence over Step). At most 1e12.
	Steps int

	// Controller chooses the step sizes of an adaptive run (I, PI, PID or
	// Predictive, see controller.go); nil means the method's default (PI
	// with the tableau's constants for Runge–Kutta, Predictive for Radau5,
	// I for the exponential integrators). Zero fields of a PI value take
	// the tableau's constants.
	Controller Controller
	// MaxNewton bounds the Newton iterations per step of implicit methods
	// (default: the method's, 7 for Radau5).
	MaxNewton int
	// RefreshFSAL re-evaluates f at the start of every step instead of
	// reusing the last stage of an FSAL method (or f(t, y) already computed
	// for the previous step's dense output). Set it when Observer changes
	// the right-hand side (for example commits a branch choice).
	RefreshFSAL bool

	// TEval lists the times at which Solve records the solution (in the
	// direction of integration, within [t0, t1]); nil records every
	// accepted step. Methods with dense output interpolate; the others
	// shorten their steps to land on the points.
	TEval []float64
	// StopAtTEval makes every method's steps end exactly at the TEval
	// points, so that their values are step values rather than
	// interpolated ones (at the cost of the shortened steps).
	StopAtTEval bool
	// Dense makes Solve keep the dense output of every step so that
	// Solution.At can evaluate the solution anywhere in the integrated
	// range (methods with dense output only).
	Dense bool
	// Events are functions whose zeros are located on the dense output
	// (methods with dense output only).
	Events []Event[T]
	// Observer, if non-nil, is called once after every accepted step with
	// the new time and state (read-only, valid only during the call), by
	// every method. It runs last: after the step's events were located (so
	// the state is the event point if a terminal event cut the step short)
	// and after the step's outputs were recorded. Returning false stops the
	// integration with ErrStopped. It is not called for rejected steps nor
	// for the initial point.
	Observer func(t float64, y []T) bool
	// Output, if non-nil, is called with every point Solve records (the
	// initial point excepted), as soon as it is recorded: each accepted
	// step, or each TEval point (read-only, valid only during the call).
	// Returning false stops the integration with ErrStopped. With TEval it
	// streams the requested outputs during the run.
	Output func(t float64, y []T) bool
	// Progress, if non-nil, is called after an accepted step at most once
	// every ProgressEvery (default 1 s) with the time reached and the work
	// so far, for progress reports of long runs.
	Progress      func(Progress)
	ProgressEvery time.Duration
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
	Success       Status = iota // reached t1
	MaxSteps                    // ErrMaxSteps
	StepTooSmall                // ErrStepTooSmall
	NonFinite                   // ErrNonFinite
	Stopped                     // ErrStopped by the observer
	EventStop                   // ErrStopped by a terminal event
	Invalid                     // ErrInvalidSettings, ErrUnsupported
	Running                     // integration not finished
	NoConvergence               // ErrNoConvergence
	Canceled                    // ErrCanceled (the context was cancelled)
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
	case NoConvergence:
		return "NoConvergence"
	case Canceled:
		return "Canceled"
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
	case NoConvergence:
		return ErrNoConvergence
	case Canceled:
		return ErrCanceled
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
	case errors.Is(err, ErrInvalidSettings), errors.Is(err, ErrUnsupported), errors.Is(err, ErrUnknownMethod):
		return Invalid
	case errors.Is(err, ErrNoConvergence):
		return NoConvergence
	case errors.Is(err, ErrCanceled):
		return Canceled
	case errors.Is(err, ErrStopped):
		return Stopped
	}
	return NonFinite // a method's own numerical failure (e.g. a failed evaluation)
}

const eps = 0x1p-52

// MinRTol is the smallest relative tolerance of an adaptive run, 100·eps
// = 2.22e-14 with eps = 2^-52: below it the error estimate is round-off.
const MinRTol = 100 * eps

// resolved holds the settings an explicit Runge–Kutta run needs, with
// defaults applied.
type resolved struct {
	rtol, atol     float64
	atolVec        []float64
	h0, hmin, hmax float64
	fixed          bool
	nFixed         int
	pi             PI // the controller when it is PI (merged with the tableau's)
	refresh        bool
}

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidSettings, fmt.Sprintf(format, args...))
}

func nanInf(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

// newRun validates the problem, the times and the settings against the
// method and applies the defaults.
func newRun[T linalg.Scalar](ctx context.Context, p Problem[T], t0, t1 float64, y0 []T, m Method, s *Settings[T], sol *Solution[T]) (*Run[T], error) {
	if m == nil {
		return nil, bad("nil method")
	}
	info := m.Info()
	var z Settings[T]
	if s == nil {
		s = &z
	}
	var zt T
	_, cplx := any(zt).(complex128)
	if cplx && !info.Complex || !cplx && !info.Real {
		return nil, fmt.Errorf("%w: method %q does not integrate %T states", ErrUnsupported, info.Name, zt)
	}
	for _, need := range info.Needs {
		missing := false
		switch need {
		case "Split":
			missing = p.Split == nil || p.Split.Velocity == nil || p.Split.Force == nil
		case "Energy":
			missing = p.Energy == nil || p.Energy.E == nil || p.Energy.Grad == nil
		case "Linear":
			missing = p.Linear == nil
		case "F":
			missing = p.F == nil
		}
		if missing {
			return nil, fmt.Errorf("%w: method %q needs Problem.%s", ErrUnsupported, info.Name, need)
		}
	}
	if p.F == nil && !slices.Contains(info.Needs, "Split") && !slices.Contains(info.Needs, "Energy") {
		return nil, bad("Problem.F is nil")
	}
	n := len(y0)
	if n == 0 {
		return nil, bad("empty initial state")
	}
	for i, v := range y0 {
		if !linalg.IsFinite(v) {
			return nil, bad("y0[%d] = %v is not finite", i, v)
		}
	}
	if nanInf(t0) || nanInf(t1) {
		return nil, bad("t0 = %v, t1 = %v must be finite", t0, t1)
	}
	if t0 == t1 {
		return nil, bad("t1 == t0 = %v", t0)
	}
	span := math.Abs(t1 - t0)
	r := &Run[T]{Problem: p, T0: t0, T1: t1, Y0: y0, Settings: *s, info: info, ctx: ctx, dir: 1, sol: sol}
	if t1 < t0 {
		r.dir = -1
	}
	if ctx != nil {
		r.done = ctx.Done()
	}
	rs := &r.Settings
	for _, v := range []struct {
		name string
		x    float64
	}{{"RTol", s.RTol}, {"ATol", s.ATol}, {"H0", s.H0}, {"MinStep", s.MinStep}, {"MaxStep", s.MaxStep}, {"Step", s.Step}} {
		if nanInf(v.x) || v.x < 0 {
			return nil, bad("%s = %v must be finite and non-negative", v.name, v.x)
		}
	}
	if s.MaxSteps < 0 || s.Steps < 0 || s.MaxEvals < 0 || s.MaxNewton < 0 || s.ProgressEvery < 0 {
		return nil, bad("MaxSteps = %d, Steps = %d, MaxEvals = %d, MaxNewton = %d, ProgressEvery = %v must be non-negative",
			s.MaxSteps, s.Steps, s.MaxEvals, s.MaxNewton, s.ProgressEvery)
	}
	if rs.RTol == 0 {
		rs.RTol = 1e-6
	}
	if rs.ATol == 0 {
		rs.ATol = 1e-6
	}
	if rs.MaxStep == 0 {
		rs.MaxStep = span
	}
	if rs.MaxSteps == 0 {
		rs.MaxSteps = 100000
	}
	if rs.ProgressEvery == 0 {
		rs.ProgressEvery = time.Second
	}
	if s.ATolVec != nil {
		if len(s.ATolVec) != n {
			return nil, bad("len(ATolVec) = %d, want %d", len(s.ATolVec), n)
		}
		for i, a := range s.ATolVec {
			if nanInf(a) || a < 0 {
				return nil, bad("ATolVec[%d] = %v must be finite and non-negative", i, a)
			}
		}
	}
	if s.Steps > 0 || s.Step > 0 {
		nf := s.Steps
		if nf == 0 {
			q := span / s.Step
			if q > 1e12 {
				return nil, bad("Step = %v gives more than 1e12 steps", s.Step)
			}
			if q > math.MaxInt/2 {
				return nil, bad("Step = %v gives more steps than an int holds on this platform", s.Step)
			}
			// t1 − t0 carries the rounding of t0 and t1: a Step that
			// divides the span up to that rounding gives exactly q steps.
			tol := 4 * eps * (math.Abs(t0) + math.Abs(t1) + span) / span
			nf = max(int(math.Ceil(q*(1-tol))), 1)
		}
		if int64(nf) > 1e12 {
			return nil, bad("Steps = %d exceeds 1e12", nf)
		}
		if nf > rs.MaxSteps && s.MaxSteps != 0 {
			return nil, fmt.Errorf("%w: %d fixed steps exceed MaxSteps = %d", ErrMaxSteps, nf, rs.MaxSteps)
		}
		rs.MaxSteps = max(rs.MaxSteps, nf)
		r.fixed = nf
		if s.Controller != nil {
			return nil, fmt.Errorf("%w: a step-size controller on a fixed-step run (Step or Steps set)", ErrUnsupported)
		}
	} else {
		if !info.Adaptive {
			return nil, fmt.Errorf("%w: method %q has no error estimator: set Step or Steps", ErrUnsupported, info.Name)
		}
		if rs.RTol < MinRTol {
			return nil, bad("RTol = %v is below MinRTol = 100·eps = %.3g", rs.RTol, MinRTol)
		}
		if rs.H0 > 0 && rs.H0 < rs.MinStep {
			return nil, bad("H0 = %v below MinStep = %v", rs.H0, rs.MinStep)
		}
		if rs.MinStep > rs.MaxStep {
			return nil, bad("MinStep = %v above MaxStep = %v", rs.MinStep, rs.MaxStep)
		}
	}
	if s.Controller != nil {
		if err := s.Controller.Validate(); err != nil {
			return nil, err
		}
		r.ctrl = s.Controller
	}
	if !info.Dense {
		switch {
		case s.Dense:
			return nil, fmt.Errorf("%w: method %q has no dense output (Settings.Dense)", ErrUnsupported, info.Name)
		case len(s.Events) > 0:
			return nil, fmt.Errorf("%w: method %q has no dense output to locate events on", ErrUnsupported, info.Name)
		}
	}
	if s.ATolVec != nil && info.Family != "explicit RK" {
		return nil, fmt.Errorf("%w: ATolVec with method %q (explicit Runge–Kutta methods only)", ErrUnsupported, info.Name)
	}
	for i, e := range s.Events {
		if e.G == nil {
			return nil, bad("Events[%d].G is nil", i)
		}
		if e.Direction < -1 || e.Direction > 1 || e.Samples < 0 {
			return nil, bad("Events[%d]: Direction %d, Samples %d", i, e.Direction, e.Samples)
		}
	}
	prev := t0
	for i, te := range s.TEval {
		if nanInf(te) || (te-t0)*r.dir < 0 || (te-t1)*r.dir > 0 || (te-prev)*r.dir < 0 {
			return nil, bad("TEval[%d] = %v not monotone within [t0, t1]", i, te)
		}
		prev = te
	}
	if ne := len(s.Events); ne > 0 {
		r.gPrev = make([]float64, ne)
		r.gB = make([]float64, ne)
		r.cand = make([]evCand, 0, ne)
		r.ye, r.ys, r.yEv = make([]T, n), make([]T, n), make([]T, n)
		for i, e := range s.Events {
			r.gPrev[i] = e.G(t0, y0)
			if !isFiniteF(r.gPrev[i]) {
				return nil, bad("event function %d returned %v at t0", i, r.gPrev[i])
			}
		}
	}
	return r, nil
}

// resolveRK derives the Runge–Kutta settings from a run.
func resolveRK[T linalg.Scalar](r *Run[T], m *Tableau) resolved {
	s := &r.Settings
	res := resolved{rtol: s.RTol, atol: s.ATol, atolVec: s.ATolVec, h0: s.H0, hmin: s.MinStep, hmax: s.MaxStep, refresh: s.RefreshFSAL}
	if r.fixed > 0 {
		res.fixed, res.nFixed = true, r.fixed
	}
	q := m.EmbeddedOrder
	if q == 0 {
		q = m.Order
	}
	res.pi = m.Controller.merge(defaultPI(q, 0))
	if c, ok := r.ctrl.(PI); ok {
		res.pi = c.merge(res.pi)
		r.ctrl = res.pi
	}
	return res
}
