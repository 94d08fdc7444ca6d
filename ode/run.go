package ode

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode/internal/event"
)

// Run is one integration in progress: the problem, the interval, the
// settings with their defaults applied, the work counters, and the output
// written so far. Solve creates it and passes it to the method
// (Method.RunReal or RunComplex). Everything a method does not own is
// written once here: output selection (every step, TEval, dense), events,
// the observer, the progress callback, cancellation and the budgets.
type Run[T linalg.Scalar] struct {
	// Problem is the problem being solved.
	Problem Problem[T]
	// T0, T1 and Y0 are the interval and the initial state (read-only).
	T0, T1 float64
	Y0     []T
	// Settings holds the settings with the defaults applied: RTol, ATol,
	// MaxSteps and MaxStep are set; Controller is nil unless the user chose
	// one (see Run.Controller).
	Settings Settings[T]
	// Stats counts the work; methods update it.
	Stats Stats

	info  MethodInfo
	ctx   context.Context
	done  <-chan struct{}
	dir   float64
	sol   *Solution[T]
	next  int  // next TEval index to record
	stop  int  // next TEval index to stop at (Target)
	fixed int  // number of fixed steps (0: adaptive)
	quiet bool // no recording (NewIntegrator)

	ctrl Controller
	cs   ControlState

	// events
	gPrev, gB []float64
	ye, ys    []T
	cand      []evCand
	yEv       []T

	progressAt time.Time
}

type evCand struct {
	t float64
	e int
}

// Dense is the continuous extension of the last accepted step, which a
// method hands to Run.Accepted. Interpolate writes y(t) for t in the step;
// Keep returns a copy that stays valid after the step (for Solution.At).
type Dense[T linalg.Scalar] interface {
	Interpolate(dst []T, t float64)
	Keep() Dense[T]
}

// Dir returns +1 for forward and −1 for backward integration.
func (r *Run[T]) Dir() float64 { return r.dir }

// Info returns the description of the method being run.
func (r *Run[T]) Info() MethodInfo { return r.info }

// Eval evaluates F and counts it.
func (r *Run[T]) Eval(dst []T, t float64, y []T) {
	r.Problem.F(dst, t, y)
	r.Stats.NFev++
}

// FixedSteps returns the number of equal steps of a fixed-step run
// (Settings.Step or Steps), or 0 for an adaptive run.
func (r *Run[T]) FixedSteps() int { return r.fixed }

// Controller returns the step-size controller of an adaptive run: the
// one in Settings, or def (the method's default), reset for an error
// estimate of order q. The controller's state is ControlState.
func (r *Run[T]) Controller(def Controller, q int) Controller {
	c := r.ctrl
	if c == nil {
		c = def
	}
	c.Reset(&r.cs, q)
	return c
}

// ControlState returns the controller's state for this run.
func (r *Run[T]) ControlState() *ControlState { return &r.cs }

// Check is called by a method before each step attempt: it reports an
// error when the context is cancelled (wrapping ErrCanceled and the
// context's error), the step budget MaxSteps or the evaluation budget
// MaxEvals is spent (ErrMaxSteps).
func (r *Run[T]) Check() error {
	if r.done != nil {
		select {
		case <-r.done:
			return fmt.Errorf("%w: %w", ErrCanceled, context.Cause(r.ctx))
		default:
		}
	}
	if r.Stats.NSteps >= r.Settings.MaxSteps {
		return fmt.Errorf("%w: %d steps", ErrMaxSteps, r.Stats.NSteps)
	}
	if r.Settings.MaxEvals > 0 && r.Stats.NFev >= r.Settings.MaxEvals {
		return fmt.Errorf("%w: evaluation budget %d spent", ErrMaxSteps, r.Settings.MaxEvals)
	}
	return nil
}

// Target returns where the step starting at t must stop: T1, or the next
// TEval point beyond t when steps must land on them (Settings.StopAtTEval,
// or a method without dense output).
func (r *Run[T]) Target(t float64) float64 {
	te := r.Settings.TEval
	if r.Settings.StopAtTEval || !r.info.Dense {
		for r.stop < len(te) && (te[r.stop]-t)*r.dir <= 4*eps*math.Abs(te[r.stop]) {
			r.stop++
		}
		if r.stop < len(te) {
			return te[r.stop]
		}
	}
	return r.T1
}

// Accepted is called by the method after every accepted step, which took
// the solution from tOld to (t, y); d is the step's dense output (nil for a
// method without one). It records the output, locates the events (a
// terminal one cuts the step: tEnd and yEnd are then the event point), and
// calls the observer and the progress callback. A non-nil error (wrapping
// ErrStopped, with the status set) ends the run; the method returns it.
func (r *Run[T]) Accepted(tOld, t float64, y []T, d Dense[T]) (tEnd float64, yEnd []T, err error) {
	tEnd, yEnd = t, y
	if len(r.Settings.Events) > 0 && d != nil {
		te, ye, hit, eerr := r.events(tOld, t, y, d)
		if eerr != nil {
			r.sol.TEnd = tOld
			return tOld, y, eerr
		}
		if hit >= 0 {
			tEnd, yEnd = te, ye
			err = fmt.Errorf("%w: terminal event %d at t = %v", ErrStopped, hit, te)
			r.sol.Status = EventStop
		}
	}
	if !r.record(tOld, tEnd, yEnd, d) && err == nil {
		err = fmt.Errorf("%w: output callback requested stop at t = %v", ErrStopped, tEnd)
		r.sol.Status = Stopped
	}
	if err == nil {
		if obs := r.Settings.Observer; obs != nil && !obs(tEnd, yEnd) && !r.reached(tEnd) {
			err = fmt.Errorf("%w: observer requested stop at t = %v", ErrStopped, tEnd)
			r.sol.Status = Stopped
		}
	}
	if p := r.Settings.Progress; p != nil {
		now := time.Now()
		if now.Sub(r.progressAt) >= r.Settings.ProgressEvery {
			r.progressAt = now
			p(Progress{T: tEnd, T0: r.T0, T1: r.T1, Stats: r.Stats})
		}
	}
	r.sol.TEnd = tEnd
	return tEnd, yEnd, err
}

func (r *Run[T]) reached(t float64) bool { return t == r.T1 }

// record stores the output of the step [tOld, t] and passes it to
// Settings.Output; it reports false when Output asks to stop.
func (r *Run[T]) record(tOld, t float64, y []T, d Dense[T]) bool {
	if r.quiet {
		return true
	}
	sol := r.sol
	te := r.Settings.TEval
	out := r.Settings.Output
	ok := true
	if te == nil {
		sol.T = append(sol.T, t)
		sol.Y = append(sol.Y, slices.Clone(y))
		if out != nil {
			ok = out(t, sol.Y[len(sol.Y)-1])
		}
	} else {
		for r.next < len(te) && (te[r.next]-t)*r.dir <= 4*eps*math.Abs(t) {
			v := make([]T, len(y))
			switch {
			case te[r.next] == t || d == nil:
				copy(v, y)
			default:
				d.Interpolate(v, te[r.next])
			}
			sol.T = append(sol.T, te[r.next])
			sol.Y = append(sol.Y, v)
			r.next++
			if out != nil && ok {
				ok = out(te[r.next-1], v)
			}
		}
	}
	if r.Settings.Dense && d != nil {
		sol.segs = append(sol.segs, seg[T]{t0: tOld, t1: t, d: d.Keep()})
	}
	return ok
}

// events samples every event function on the dense output of the step,
// locates the zeros in time order and records them. It returns the index
// of a terminal event (and the point) or −1. An event function that
// returns NaN or ±Inf ends the run with an error wrapping ErrNonFinite.
func (r *Run[T]) events(tOld, t float64, y []T, d Dense[T]) (float64, []T, int, error) {
	evs := r.Settings.Events
	samples := 0
	for _, e := range evs {
		samples = max(samples, e.Samples)
	}
	if samples == 0 {
		samples = 8
	}
	tA := tOld
	for s := 1; s <= samples; s++ {
		tB := tOld + (t-tOld)*float64(s)/float64(samples)
		yB := r.ye
		if s == samples {
			tB, yB = t, y
		} else {
			d.Interpolate(yB, tB)
		}
		for i, e := range evs {
			r.gB[i] = e.G(tB, yB)
			if !isFiniteF(r.gB[i]) {
				return t, y, -1, fmt.Errorf("%w: event function %d returned %v at t = %v", ErrNonFinite, i, r.gB[i], tB)
			}
		}
		r.cand = r.cand[:0]
		for i, e := range evs {
			if event.Crossing(r.gPrev[i], r.gB[i], e.Direction) {
				g := e.G
				tz := event.Locate(func(t float64) float64 {
					d.Interpolate(r.ys, t)
					return g(t, r.ys)
				}, tA, tB, r.gPrev[i], r.gB[i])
				r.cand = append(r.cand, evCand{t: tz, e: i})
			}
		}
		if len(r.cand) > 1 {
			slices.SortFunc(r.cand, func(a, b evCand) int {
				if (a.t-b.t)*r.dir < 0 {
					return -1
				}
				if a.t == b.t {
					return a.e - b.e
				}
				return 1
			})
		}
		for _, c := range r.cand {
			yz := make([]T, len(y))
			d.Interpolate(yz, c.t)
			r.sol.Events = append(r.sol.Events, EventHit[T]{Index: c.e, T: c.t, Y: yz})
			if evs[c.e].Terminal {
				copy(r.yEv, yz)
				return c.t, r.yEv, c.e, nil
			}
		}
		copy(r.gPrev, r.gB)
		tA = tB
	}
	return t, y, -1, nil
}

// Progress is what Settings.Progress receives: the time reached, the
// interval and the work so far.
type Progress struct {
	T, T0, T1 float64
	Stats     Stats
}

// Fixed runs a fixed-step method: the Settings.Step or Steps equal steps
// from T0 to T1 (a step is shortened to land on a TEval point inside it),
// each computed by step(t, h, y, ynew), which writes the state after the
// step of size h from (t, y) into ynew. Fixed counts the steps, checks the
// budgets and the context before each, fails with ErrNonFinite on a
// non-finite state, and hands every step to Accepted. A method without an
// error estimator implements RunReal and RunComplex with it.
func (r *Run[T]) Fixed(step func(t, h float64, y, ynew []T) error) error {
	n := r.fixed
	if n == 0 {
		return fmt.Errorf("%w: method %q is fixed-step: set Step or Steps", ErrUnsupported, r.info.Name)
	}
	H := (r.T1 - r.T0) / float64(n)
	exact := false
	span := math.Abs(r.T1 - r.T0)
	if st := r.Settings.Step; r.Settings.Steps == 0 && math.Abs(float64(n)*st-span) <= 1e-12*span+4*eps*(math.Abs(r.T0)+math.Abs(r.T1)) {
		// t1 = t0 + n·Step up to rounding: every step has the requested
		// size exactly, and the last one ends at t1.
		H, exact = r.dir*st, true
	}
	y := slices.Clone(r.Y0)
	ynew := make([]T, len(y))
	t := r.T0
	for k := 1; k <= n; k++ {
		tk := r.T0 + float64(k)*H
		if k == n {
			tk = r.T1
		}
		for t != tk {
			if err := r.Check(); err != nil {
				return fmt.Errorf("%w (t = %v)", err, t)
			}
			tn := tk
			if tg := r.Target(t); (tg-tn)*r.dir < 0 && math.Abs(tg-tn) > 4*eps*math.Abs(tn) {
				tn = tg
			}
			r.Stats.NSteps++
			h := tn - t
			if tn == tk && (k < n || exact) {
				h = H // a whole step: its size exactly
			}
			if err := step(t, h, y, ynew); err != nil {
				return fmt.Errorf("step from t = %v: %w", t, err)
			}
			if !linalg.AllFinite(ynew) {
				return fmt.Errorf("%w: state after the step to t = %v", ErrNonFinite, tn)
			}
			r.Stats.NAccepted++
			y, ynew = ynew, y
			tOld := t
			t = tn
			if _, _, err := r.Accepted(tOld, t, y, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
