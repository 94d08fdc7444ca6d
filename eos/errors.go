package eos

import (
	"errors"
	"fmt"

	"github.com/pflow-go/pflow/modified"
)

// Sentinel errors of this package. ErrInvalidInput wraps
// modified.ErrInvalidInput, so errors.Is(err, modified.ErrInvalidInput)
// holds as well (to be re-pointed to the root package's sentinels when
// they land).
var (
	// ErrInvalidInput reports an unusable problem, rate, step count or
	// model name.
	ErrInvalidInput = fmt.Errorf("eos: %w", modified.ErrInvalidInput)
	// ErrNonFinite reports a NaN or infinity in an input or a computed
	// quantity.
	ErrNonFinite = errors.New("eos: non-finite value")
	// ErrNoConvergence reports an inner solver (eigenpairs, SDCP) that
	// did not reach its tolerance.
	ErrNoConvergence = errors.New("eos: no convergence")
)
