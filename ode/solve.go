package ode

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/pflow-go/pflow/linalg"
)

// Solution is the result of Solve, for every method.
type Solution[T linalg.Scalar] struct {
	// Method is the name of the method that ran.
	Method string
	// T and Y are the recorded times and states: t0 and every accepted step,
	// or the requested Settings.TEval points.
	T []float64
	Y [][]T
	// Events lists the located event zeros in time order.
	Events []EventHit[T]
	// Stats counts the work done.
	Stats Stats
	// Status is the outcome; Status.Err() is the sentinel of the error
	// returned with the solution.
	Status Status
	// TEnd is the time the integration reached (t1 on success).
	TEnd float64

	t0   float64
	n    int
	segs []seg[T]
	err  error
}

type seg[T linalg.Scalar] struct {
	t0, t1 float64
	d      Dense[T]
}

// Err returns the error that ended the integration (nil on success).
func (s *Solution[T]) Err() error { return s.err }

// Solve integrates y' = F(t, y) from (t0, y0) to t1 (t1 < t0 integrates
// backwards) with the method m (a tableau such as DOPRI5, or any Method:
// stiff.Radau5, the geometric and exponential methods) and settings s (nil
// for defaults). On failure it returns the partial solution together with
// an error wrapping one of the sentinels (ErrMaxSteps, ErrStepTooSmall,
// ErrNonFinite, ErrNoConvergence, ErrStopped, ErrCanceled,
// ErrInvalidSettings, ErrUnsupported); Solution.Status names it.
func Solve[T linalg.Scalar](p Problem[T], t0, t1 float64, y0 []T, m Method, s *Settings[T]) (*Solution[T], error) {
	return SolveContext(context.Background(), p, t0, t1, y0, m, s)
}

// SolveContext is Solve with a context: cancelling it (or its deadline)
// ends the run before the next step with an error wrapping ErrCanceled and
// the context's cause, and the partial solution.
func SolveContext[T linalg.Scalar](ctx context.Context, p Problem[T], t0, t1 float64, y0 []T, m Method, s *Settings[T]) (*Solution[T], error) {
	sol := &Solution[T]{t0: t0, TEnd: t0, Status: Invalid, n: len(y0)}
	if t, ok := m.(*Tableau); ok && t == nil {
		m = nil
	}
	if m != nil {
		sol.Method = m.Info().Name
	}
	r, err := newRun(ctx, p, t0, t1, y0, m, s, sol)
	if err != nil {
		sol.err = err
		return sol, err
	}
	sol.Status = Running
	if te := r.Settings.TEval; te == nil {
		sol.T = append(sol.T, t0)
		sol.Y = append(sol.Y, slices.Clone(y0))
	} else {
		for r.next < len(te) && te[r.next] == t0 {
			sol.T = append(sol.T, t0)
			sol.Y = append(sol.Y, slices.Clone(y0))
			r.next++
		}
	}
	switch rr := any(r).(type) {
	case *Run[float64]:
		err = m.RunReal(rr)
	case *Run[complex128]:
		err = m.RunComplex(rr)
	}
	sol.Stats = r.Stats
	switch {
	case err == nil:
		sol.Status = Success
		if sol.TEnd != t1 {
			err = fmt.Errorf("ode: method %q returned at t = %v before t1 = %v without an error", sol.Method, sol.TEnd, t1)
			sol.Status = Invalid
		}
	case sol.Status == EventStop || sol.Status == Stopped:
	default:
		sol.Status = statusOf(err)
	}
	sol.err = err
	return sol, err
}

// HasDense reports whether At is available (Settings.Dense was set).
func (s *Solution[T]) HasDense() bool { return len(s.segs) > 0 }

// At writes into dst (allocated if nil) the dense-output value of the
// solution at time t and returns it. It requires Settings.Dense and t in the
// integrated range [t0, TEnd]; otherwise it returns an error wrapping
// ErrInvalidSettings.
func (s *Solution[T]) At(dst []T, t float64) ([]T, error) {
	if len(s.segs) == 0 {
		return dst, fmt.Errorf("%w: Solution has no dense output (set Settings.Dense)", ErrInvalidSettings)
	}
	dir := 1.0
	if s.TEnd < s.t0 {
		dir = -1
	}
	if (t-s.t0)*dir < 0 || (t-s.TEnd)*dir > 0 || t != t {
		return dst, fmt.Errorf("%w: t = %v outside the integrated range [%v, %v]", ErrInvalidSettings, t, s.t0, s.TEnd)
	}
	// first segment whose end is at or beyond t
	i := sort.Search(len(s.segs), func(i int) bool { return (s.segs[i].t1-t)*dir >= 0 })
	if i == len(s.segs) {
		i = len(s.segs) - 1
	}
	if dst == nil {
		dst = make([]T, s.n)
	}
	if len(dst) != s.n {
		panic("ode: At: length mismatch")
	}
	s.segs[i].d.Interpolate(dst, t)
	return dst, nil
}
