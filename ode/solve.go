package ode

import (
	"fmt"
	"sort"

	"github.com/pflow-go/pflow/linalg"
)

// Solution is the result of Solve.
type Solution[T linalg.Scalar] struct {
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

	m     *Tableau
	t0    float64
	idx   []int
	segs  []segment[T]
	dense bool
}

type segment[T linalg.Scalar] struct {
	t0, h  float64
	y0, y1 []T
	k      [][]T
}

// Solve integrates y' = f(t, y) from (t0, y0) to t1 (t1 < t0 integrates
// backwards) with the method m (for example DOPRI5 or a user tableau) and
// settings s (nil for defaults). On failure it returns the partial solution
// together with an error wrapping one of the sentinels (ErrMaxSteps,
// ErrStepTooSmall, ErrNonFinite, ErrStopped, ErrInvalidSettings).
func Solve[T linalg.Scalar](f Func[T], t0, t1 float64, y0 []T, m *Tableau, s *Settings[T]) (*Solution[T], error) {
	it, err := NewIntegrator(f, t0, t1, y0, m, s)
	sol := &Solution[T]{m: m, t0: t0, TEnd: t0, Status: Invalid}
	if it == nil {
		return sol, err
	}
	var teval []float64
	if s != nil {
		teval = s.TEval
		sol.dense = s.Dense
	}
	sol.idx = it.denseIdx
	next := 0
	if teval == nil {
		sol.T = append(sol.T, t0)
		sol.Y = append(sol.Y, append([]T(nil), y0...))
	} else {
		for next < len(teval) && teval[next] == t0 {
			sol.T = append(sol.T, t0)
			sol.Y = append(sol.Y, append([]T(nil), y0...))
			next++
		}
	}
	it.hook = func() {
		if teval == nil {
			sol.T = append(sol.T, it.t)
			sol.Y = append(sol.Y, append([]T(nil), it.cur...))
		} else {
			for next < len(teval) && (teval[next]-it.t)*it.dir <= 0 {
				y := make([]T, it.n)
				if teval[next] == it.t {
					copy(y, it.cur)
				} else {
					it.Interpolate(y, teval[next])
				}
				sol.T = append(sol.T, teval[next])
				sol.Y = append(sol.Y, y)
				next++
			}
		}
		if sol.dense {
			it.ensureDense()
			sg := segment[T]{t0: it.tOld, h: it.hUsed,
				y0: append([]T(nil), it.yOld...), y1: append([]T(nil), it.yEnd...)}
			sg.k = make([][]T, len(it.dk))
			for j, v := range it.dk {
				sg.k[j] = append([]T(nil), v...)
			}
			sol.segs = append(sol.segs, sg)
		}
	}
	if err == nil {
		for it.Step() {
		}
		err = it.err
	}
	sol.Stats = it.stats
	sol.Status = it.status
	if err != nil {
		sol.Status = statusOf(err)
		if it.status == EventStop || it.status == Stopped {
			sol.Status = it.status
		}
	}
	sol.Events = it.hits
	sol.TEnd = it.t
	return sol, err
}

// HasDense reports whether At is available (Settings.Dense was set).
func (s *Solution[T]) HasDense() bool { return s.dense }

// At writes into dst (allocated if nil) the dense-output value of the
// solution at time t and returns it. It requires Settings.Dense and t in the
// integrated range [t0, TEnd]; otherwise it returns an error wrapping
// ErrInvalidSettings.
func (s *Solution[T]) At(dst []T, t float64) ([]T, error) {
	if !s.dense || len(s.segs) == 0 {
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
	i := sort.Search(len(s.segs), func(i int) bool {
		return (s.segs[i].t0+s.segs[i].h-t)*dir >= 0
	})
	if i == len(s.segs) {
		i = len(s.segs) - 1
	}
	sg := &s.segs[i]
	if dst == nil {
		dst = make([]T, len(sg.y0))
	}
	if len(dst) != len(sg.y0) {
		panic("ode: At: length mismatch")
	}
	denseEval(dst, s.m, sg.t0, sg.h, sg.y0, sg.y1, sg.k, s.idx, t)
	return dst, nil
}
