package pflow_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/pflow-go/pflow"
	"github.com/pflow-go/pflow/bseries"
	"github.com/pflow-go/pflow/eos"
	"github.com/pflow-go/pflow/figures"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
	"github.com/pflow-go/pflow/verify"
)

// Every package's named sentinel is one of the toolkit's kinds, and keeps
// its own message.
func TestVocabulary(t *testing.T) {
	for kind, errs := range map[error][]error{
		pflow.ErrInvalidInput: {ode.ErrInvalidSettings, ode.ErrUnsupported, ode.ErrUnknownMethod, problems.ErrBadParameter,
			problems.ErrUnknownProblem, problems.ErrSyntax, problems.ErrNotHolomorphic, problems.ErrNoDerivs, modified.ErrInvalidInput,
			modified.ErrUnknownFlow, stability.ErrInvalidInput, verify.ErrInvalidInput, linalg.ErrInvalidArgument,
			linalg.ErrNotFinite, bseries.ErrInvalidInput, figures.ErrUnknownFigure, eos.ErrInvalidInput, problems.ErrNoData, stability.ErrTooLarge},
		pflow.ErrUnknownName:   {ode.ErrUnknownMethod, problems.ErrUnknownProblem, modified.ErrUnknownFlow, figures.ErrUnknownFigure},
		pflow.ErrUnsupported:   {ode.ErrUnsupported, problems.ErrNotHolomorphic, problems.ErrNoDerivs},
		pflow.ErrNonFinite:     {ode.ErrNonFinite, linalg.ErrNotFinite, linalg.ErrOverflow, modified.ErrPFEval},
		pflow.ErrDiverged:      {modified.ErrDiverged, stability.ErrDiverged, verify.ErrGDDiverged},
		pflow.ErrBudget:        {ode.ErrMaxSteps, ode.ErrStepTooSmall},
		pflow.ErrNoConvergence: {ode.ErrNoConvergence, linalg.ErrNoConvergence, eos.ErrNoConvergence},
		pflow.ErrStopped:       {ode.ErrStopped, ode.ErrCanceled},
	} {
		for _, e := range errs {
			if !errors.Is(e, kind) || !errors.Is(fmt.Errorf("context: %w", e), kind) {
				t.Errorf("%q is not a %q", e, kind)
			}
		}
	}
	if got := ode.ErrInvalidSettings.Error(); got != "ode: invalid settings" {
		t.Errorf("message %q", got)
	}
	if errors.Is(ode.ErrMaxSteps, pflow.ErrInvalidInput) || errors.Is(problems.ErrBadParameter, pflow.ErrDiverged) {
		t.Error("kinds leak")
	}
}
