package ode

import (
	"github.com/pflow-go/pflow"
)

// Sentinel errors. Integrators wrap them with context (time, step size),
// so test with errors.Is.
var (
	// ErrInvalidSettings reports unusable settings or inputs: a negative or
	// non-finite tolerance, rtol below 100·eps, NaN or infinite times, t1 == t0,
	// a non-finite initial state, an impossible step size.
	ErrInvalidSettings = pflow.Sentinel("ode: invalid settings", pflow.ErrInvalidInput)
	// ErrMaxSteps reports that the step budget (Settings.MaxSteps) ran out.
	ErrMaxSteps = pflow.Sentinel("ode: maximum number of steps reached", pflow.ErrBudget)
	// ErrStepTooSmall reports that the step size fell below the floor.
	ErrStepTooSmall = pflow.Sentinel("ode: step size below minimum", pflow.ErrBudget)
	// ErrNonFinite reports a NaN or Inf in the state that could not be
	// recovered from by shrinking the step.
	ErrNonFinite = pflow.Sentinel("ode: non-finite state", pflow.ErrNonFinite)
	// ErrStopped reports that an observer or a terminal event stopped the
	// integration before t1. The partial solution is returned with it.
	ErrStopped = pflow.Sentinel("ode: stopped", pflow.ErrStopped)
	// ErrNoConvergence reports that the nonlinear solve of an implicit method
	// did not converge, even after the step was reduced.
	ErrNoConvergence = pflow.Sentinel("ode: nonlinear solver did not converge", pflow.ErrNoConvergence)
	// ErrUnsupported reports a request the method cannot honour: a state
	// type, a missing Problem part (Split, Energy, Linear), events or dense
	// output without a continuous extension, tolerances on a fixed-step
	// method. The method never ignores such a request silently. It wraps
	// ErrInvalidSettings (an unsupported request is invalid for that method).
	ErrUnsupported = pflow.Sentinel("ode: invalid settings: not supported by the method", ErrInvalidSettings, pflow.ErrUnsupported)
	// ErrUnknownMethod reports a method name that LookupMethod does not know.
	ErrUnknownMethod = pflow.Sentinel("ode: unknown method", pflow.ErrUnknownName)
	// ErrCanceled reports that the context passed to SolveContext was
	// cancelled or timed out; the error also wraps the context's cause.
	ErrCanceled = pflow.Sentinel("ode: canceled", pflow.ErrStopped)
)
