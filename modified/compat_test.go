package modified

import (
	"errors"
	"fmt"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// The exponential-integrator tests keep the shape of their first version
// (PF.Exponential with its settings); this shorthand maps it onto
// ode.Solve with the ExpMethod as the method.

type ExpSettings struct {
	Method     ExpMethod
	RTol, ATol float64
	Step, H0   float64
	MaxSteps   int
	TEval      []float64
}

type ExpSolution[T linalg.Scalar] = ode.Solution[T]

func (pf *PF[T]) Exponential(t1 float64, y0 []T, s *ExpSettings) (*ode.Solution[T], error) {
	if err := CheckStart(pf.p, y0); err != nil {
		return nil, err
	}
	var set ExpSettings
	if s != nil {
		set = *s
	}
	os := &ode.Settings[T]{RTol: set.RTol, ATol: set.ATol, Step: set.Step, H0: set.H0, MaxSteps: set.MaxSteps, TEval: set.TEval}
	sol, err := ode.Solve(pf.flow.Problem(), 0, t1, y0, set.Method, os)
	if errors.Is(err, ode.ErrInvalidSettings) {
		return nil, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return sol, err
}
