package stiff

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// Problem is a stiff system y' = f(t, y).
type Problem[T linalg.Scalar] struct {
	F ode.Func[T]
	// Jac optionally writes the n×n Jacobian ∂f/∂y at (t, y), row-major,
	// into dst. When nil it is approximated by forward differences
	// (perturbing y_j by RADAU5's √(1e−16·max(1e−5, |y_j|)) along the real
	// axis, which for a holomorphic f gives the complex derivative).
	Jac func(dst []T, t float64, y []T)
	// Events are functions g(t, y) whose zeros Radau5 locates on the
	// collocation polynomial of each step (ode.Event's conventions for
	// Direction, Terminal and Samples; EventHit.Index indexes this slice).
	// A terminal event ends the integration at the zero with an error
	// wrapping ode.ErrStopped.
	Events []ode.Event[T]
}

// Settings configures Radau5. The zero value (and nil) means the defaults.
type Settings struct {
	// RTol and ATol are the relative and absolute tolerances of the scaled
	// RMS error norm, scal_i = ATol + RTol·|y_i|. Default 1e−6 both.
	// As in Hairer's RADAU5 they are mapped internally to
	// rtol' = 0.1·RTol^{2/3}, atol' = rtol'·ATol/RTol, so that the global
	// error is roughly RTol.
	RTol, ATol float64
	// H0 is the initial step size. Default 1e−6 (RADAU5's default).
	H0 float64
	// HMax bounds the step size. Default t1 − t0.
	HMax float64
	// MaxSteps bounds the number of attempted steps. Default 100000.
	MaxSteps int
	// MaxNewton is the maximal number of Newton iterations per step.
	// Default 7.
	MaxNewton int

	// TEval lists the times (nondecreasing, within [t0, t1]) at which
	// Radau5 records the solution, evaluated on the collocation polynomial
	// of the step that contains them; nil records every accepted step.
	TEval []float64
	// StopAtTEval makes the steps end exactly at the TEval points, so that
	// their values are step values (global error of the method) instead of
	// values of the collocation polynomial, whose error is O(h⁴) and not
	// controlled by the tolerances. It costs the extra, shortened steps.
	StopAtTEval bool
	// Dense keeps the collocation polynomial of every accepted step so that
	// Solution.At can evaluate the solution anywhere in the integrated range
	// (memory: 4n values per step).
	Dense bool
}

// Solution holds the result of an integration: Y[k] = y(T[k]) at every
// accepted step, starting with (t0, y0) and ending at t1 (or where the
// integration failed), or at the requested Settings.TEval points.
type Solution[T linalg.Scalar] struct {
	T     []float64
	Y     [][]T
	Stats ode.Stats
	// Radau holds the counters of Hairer's RADAU5 that ode.Stats lacks
	// (zero for the exponential integrators).
	Radau RadauStats
	// TEnd is the time the integration reached (t1 on success, the zero of
	// a terminal event, or the last accepted step on failure).
	TEnd float64
	// Events lists the located zeros of Problem.Events in time order.
	Events []ode.EventHit[T]

	t0    float64
	dense bool
	segs  []radauSeg[T]
}

// RadauStats are the counters of Hairer's RADAU5 that complement
// ode.Stats, for comparison with published RADAU5 statistics.
type RadauStats struct {
	// NSolve counts the linear-system solves of the Newton iterations
	// (one per iteration; RADAU5's NSOL).
	NSolve int
	// NRejectErr counts the steps rejected by the error test after the
	// first accepted step (RADAU5's NREJCT). ode.Stats.NRejected counts in
	// addition the rejections of the first step, Newton failures and
	// singular iteration matrices.
	NRejectErr int
	// NNewtonFail counts step reductions because the simplified Newton
	// iteration diverged, was predicted to converge too slowly, or hit
	// MaxNewton.
	NNewtonFail int
	// NSingular counts singular (or non-finite) iteration matrices
	// (RADAU5's NSING).
	NSingular int
	// MaxNewtonIter is the largest number of Newton iterations of an
	// accepted step.
	MaxNewtonIter int
}

func (s *Settings) get(t0, t1 float64) (Settings, error) {
	var d Settings
	if s != nil {
		d = *s
	}
	if d.RTol == 0 {
		d.RTol = 1e-6
	}
	if d.ATol == 0 {
		d.ATol = 1e-6
	}
	if !(d.RTol > 1e-15) || !linalg.IsFinite(d.RTol) || !(d.ATol > 0) || !linalg.IsFinite(d.ATol) {
		return d, fmt.Errorf("%w: rtol = %v, atol = %v (need rtol > 1e−15, atol > 0, finite)", ode.ErrInvalidSettings, d.RTol, d.ATol)
	}
	if !linalg.IsFinite(t0) || !linalg.IsFinite(t1) || !(t1 > t0) {
		return d, fmt.Errorf("%w: need finite t0 < t1 (got %v, %v)", ode.ErrInvalidSettings, t0, t1)
	}
	if d.H0 == 0 {
		d.H0 = 1e-6
	}
	if d.HMax == 0 {
		d.HMax = t1 - t0
	}
	if !(d.H0 > 0) || !linalg.IsFinite(d.H0) || !(d.HMax > 0) || math.IsNaN(d.HMax) {
		return d, fmt.Errorf("%w: H0 = %v, HMax = %v", ode.ErrInvalidSettings, d.H0, d.HMax)
	}
	if d.MaxSteps == 0 {
		d.MaxSteps = 100000
	}
	if d.MaxNewton == 0 {
		d.MaxNewton = 7
	}
	if d.MaxSteps < 0 || d.MaxNewton < 0 {
		return d, fmt.Errorf("%w: MaxSteps = %d, MaxNewton = %d", ode.ErrInvalidSettings, d.MaxSteps, d.MaxNewton)
	}
	for i, te := range d.TEval {
		if !(te >= t0 && te <= t1) || (i > 0 && te < d.TEval[i-1]) {
			return d, fmt.Errorf("%w: TEval[%d] = %v not nondecreasing within [%v, %v]", ode.ErrInvalidSettings, i, te, t0, t1)
		}
	}
	return d, nil
}

// toC and fromC convert between T and complex128 slice-wise.
func toC[T linalg.Scalar](dst []complex128, src []T) {
	switch s := any(src).(type) {
	case []float64:
		for i, v := range s {
			dst[i] = complex(v, 0)
		}
	case []complex128:
		copy(dst, s)
	}
}

// fromC writes real parts (T = float64) or the values (T = complex128).
func fromC[T linalg.Scalar](dst []T, src []complex128) {
	switch d := any(dst).(type) {
	case []float64:
		for i, v := range src {
			d[i] = real(v)
		}
	case []complex128:
		copy(d, src)
	}
}

func isReal[T linalg.Scalar]() bool {
	var z T
	_, ok := any(z).(float64)
	return ok
}
