package stability

import (
	"github.com/pflow-go/pflow"
)

// Sentinel errors returned by this package. Functions wrap them with
// context, so test with errors.Is.
var (
	// ErrInvalidInput reports an unusable argument: a non-positive or
	// non-finite learning rate, a start point of the wrong length or with a
	// non-finite entry, a problem without the derivatives an analysis needs,
	// or settings out of their documented range.
	ErrInvalidInput = pflow.Sentinel("stability: invalid input", pflow.ErrInvalidInput)
	// ErrDiverged reports a gradient-descent run whose loss or iterate
	// became non-finite. The part of the run computed before is returned
	// with it.
	ErrDiverged = pflow.Sentinel("stability: gradient descent diverged", pflow.ErrDiverged)
	// ErrTooLarge reports an analysis refused up front because its
	// eigensolver would need more memory than Settings.MaxBytes (see
	// MemoryEstimate). It wraps ErrInvalidInput.
	ErrTooLarge = pflow.Sentinel("stability: invalid input: above the memory bound", ErrInvalidInput)
)
