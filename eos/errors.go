package eos

import (
	"github.com/pflow-go/pflow"
	"github.com/pflow-go/pflow/modified"
)

// Sentinel errors of this package, each one of the toolkit's kinds
// (package pflow). ErrInvalidInput also wraps modified.ErrInvalidInput.
var (
	// ErrInvalidInput reports an unusable problem, rate, step count or
	// model name.
	ErrInvalidInput = pflow.Sentinel("eos: modified: invalid input", modified.ErrInvalidInput, pflow.ErrInvalidInput)
	// ErrNonFinite reports a NaN or infinity in an input or a computed
	// quantity.
	ErrNonFinite = pflow.Sentinel("eos: non-finite value", pflow.ErrNonFinite)
	// ErrNoConvergence reports an inner solver (eigenpairs, SDCP) that
	// did not reach its tolerance.
	ErrNoConvergence = pflow.Sentinel("eos: no convergence", pflow.ErrNoConvergence)
)
