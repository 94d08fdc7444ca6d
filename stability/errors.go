package stability

import (
	"errors"
	"fmt"
)

// Sentinel errors returned by this package. Functions wrap them with
// context, so test with errors.Is.
var (
	// ErrInvalidInput reports an unusable argument: a non-positive or
	// non-finite learning rate, a start point of the wrong length or with a
	// non-finite entry, a problem without the derivatives an analysis needs,
	// or settings out of their documented range.
	ErrInvalidInput = errors.New("stability: invalid input")
	// ErrDiverged reports a gradient-descent run whose loss or iterate
	// became non-finite. The part of the run computed before is returned
	// with it.
	ErrDiverged = errors.New("stability: gradient descent diverged")
	// ErrTooLarge reports an analysis refused up front because its
	// eigensolver would need more memory than Settings.MaxBytes (see
	// MemoryEstimate). It wraps ErrInvalidInput.
	ErrTooLarge = fmt.Errorf("%w: above the memory bound", ErrInvalidInput)
)
