// Package pflow holds the one vocabulary of errors shared by every package
// of the toolkit. Each package keeps its own named sentinels (with their
// familiar messages, such as ode.ErrInvalidSettings or
// problems.ErrBadParameter), and each of them wraps one of the kinds below,
// so that a caller can test any error of any package with one question:
//
//	errors.Is(err, pflow.ErrInvalidInput)   // bad input, whichever package said so
//	errors.Is(err, pflow.ErrDiverged)       // GD or a flow blew up
//
// The kinds:
//
//   - ErrInvalidInput: unusable input or settings (NaN, impossible values,
//     wrong lengths, malformed expressions). ErrUnknownName and
//     ErrUnsupported are kinds of it.
//   - ErrUnknownName: a problem, flow, method or figure name that is not
//     registered.
//   - ErrUnsupported: a request the component cannot honour (events on a
//     method without dense output, a flow a method cannot integrate).
//   - ErrNonFinite: a NaN or an overflow in a computation.
//   - ErrDiverged: gradient descent or a flow left every bound.
//   - ErrBudget: a step, evaluation or time budget ran out.
//   - ErrNoConvergence: an iteration (Newton, an eigensolver) did not
//     converge.
//   - ErrStopped: a run was stopped on request (an observer, a terminal
//     event, a cancelled context).
package pflow

import "errors"

// The kinds of error of the toolkit (see the package comment).
var (
	ErrInvalidInput  = errors.New("pflow: invalid input")
	ErrUnknownName   = Sentinel("pflow: unknown name", ErrInvalidInput)
	ErrUnsupported   = Sentinel("pflow: not supported", ErrInvalidInput)
	ErrNonFinite     = errors.New("pflow: non-finite value")
	ErrDiverged      = errors.New("pflow: diverged")
	ErrBudget        = errors.New("pflow: budget exhausted")
	ErrNoConvergence = errors.New("pflow: no convergence")
	ErrStopped       = errors.New("pflow: stopped")
)

// Sentinel returns a sentinel error with the message msg that wraps the
// given kinds: errors.Is(Sentinel(msg, k), k) is true. Packages declare
// their named errors with it.
func Sentinel(msg string, kinds ...error) error { return &sentinel{msg, kinds} }

type sentinel struct {
	msg   string
	kinds []error
}

func (e *sentinel) Error() string   { return e.msg }
func (e *sentinel) Unwrap() []error { return e.kinds }
