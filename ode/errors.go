package ode

import (
	"errors"
	"fmt"
)

// Sentinel errors. Integrators wrap them with context (time, step size),
// so test with errors.Is.
var (
	// ErrInvalidSettings reports unusable settings or inputs: a negative or
	// non-finite tolerance, rtol below 100·eps, NaN or infinite times, t1 == t0,
	// a non-finite initial state, an impossible step size.
	ErrInvalidSettings = errors.New("ode: invalid settings")
	// ErrMaxSteps reports that the step budget (Settings.MaxSteps) ran out.
	ErrMaxSteps = errors.New("ode: maximum number of steps reached")
	// ErrStepTooSmall reports that the step size fell below the floor.
	ErrStepTooSmall = errors.New("ode: step size below minimum")
	// ErrNonFinite reports a NaN or Inf in the state that could not be
	// recovered from by shrinking the step.
	ErrNonFinite = errors.New("ode: non-finite state")
	// ErrStopped reports that an observer or a terminal event stopped the
	// integration before t1. The partial solution is returned with it.
	ErrStopped = errors.New("ode: stopped")
	// ErrNoConvergence reports that the nonlinear solve of an implicit method
	// did not converge, even after the step was reduced.
	ErrNoConvergence = errors.New("ode: nonlinear solver did not converge")
	// ErrUnsupported reports a request the method cannot honour: a state
	// type, a missing Problem part (Split, Energy, Linear), events or dense
	// output without a continuous extension, tolerances on a fixed-step
	// method. The method never ignores such a request silently. It wraps
	// ErrInvalidSettings (an unsupported request is invalid for that method).
	ErrUnsupported = fmt.Errorf("%w: not supported by the method", ErrInvalidSettings)
	// ErrUnknownMethod reports a method name that LookupMethod does not know.
	ErrUnknownMethod = errors.New("ode: unknown method")
	// ErrCanceled reports that the context passed to SolveContext was
	// cancelled or timed out; the error also wraps the context's cause.
	ErrCanceled = errors.New("ode: canceled")
)
