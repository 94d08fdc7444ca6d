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
	// (perturbing y_j by √eps·max(1, |y_j|) along the real axis, which for a
	// holomorphic f gives the complex derivative).
	Jac func(dst []T, t float64, y []T)
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
}

// Solution holds the accepted steps of an integration: Y[k] = y(T[k]),
// starting with (t0, y0) and ending at t1 (or where the integration failed).
type Solution[T linalg.Scalar] struct {
	T     []float64
	Y     [][]T
	Stats ode.Stats
}

func isFinite(x float64) bool { return x-x == 0 }

func allFinite[T linalg.Scalar](y []T) bool {
	for _, v := range y {
		if !linalg.IsFinite(v) {
			return false
		}
	}
	return true
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
	if !(d.RTol > 1e-15) || !isFinite(d.RTol) || !(d.ATol > 0) || !isFinite(d.ATol) {
		return d, fmt.Errorf("%w: rtol = %v, atol = %v (need rtol > 1e−15, atol > 0, finite)", ode.ErrInvalidSettings, d.RTol, d.ATol)
	}
	if !isFinite(t0) || !isFinite(t1) || !(t1 > t0) {
		return d, fmt.Errorf("%w: need finite t0 < t1 (got %v, %v)", ode.ErrInvalidSettings, t0, t1)
	}
	if d.H0 == 0 {
		d.H0 = 1e-6
	}
	if d.HMax == 0 {
		d.HMax = t1 - t0
	}
	if !(d.H0 > 0) || !isFinite(d.H0) || !(d.HMax > 0) || math.IsNaN(d.HMax) {
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
