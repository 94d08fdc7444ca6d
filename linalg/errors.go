package linalg

import (
	"errors"
	"fmt"
	"github.com/pflow-go/pflow"
)

// Sentinel errors. Functions wrap them with context, so test with errors.Is.
var (
	// ErrSingular reports an exactly singular matrix in an LU factorization
	// (a zero pivot) or a non-finite entry.
	ErrSingular = pflow.Sentinel("linalg: matrix is singular")
	// ErrIllConditioned reports a factorization that succeeded but whose
	// reciprocal condition number is below the working precision: solutions
	// computed from it are not reliable.
	ErrIllConditioned = errors.New("linalg: matrix is ill-conditioned")
	// ErrNoConvergence reports that an iteration (QR, Lanczos, Arnoldi) did
	// not reach its tolerance within its iteration limit.
	ErrNoConvergence = pflow.Sentinel("linalg: iteration did not converge", pflow.ErrNoConvergence)
	// ErrDefective reports a matrix that is (numerically) defective: its
	// eigenvector matrix is singular to within the tolerance, so it has no
	// usable eigendecomposition A = V Λ V⁻¹.
	ErrDefective = errors.New("linalg: matrix is numerically defective")
	// ErrQuasiNull reports an eigenvector u of a complex symmetric matrix with
	// uᵀu ≈ 0 (a quasi-null vector), which cannot be normalised so that
	// uᵀu = 1. It happens only at (near-)defective eigenvalues; errors wrapping
	// ErrQuasiNull also match ErrDefective.
	ErrQuasiNull = errors.New("linalg: quasi-null eigenvector (uᵀu ≈ 0)")
	// ErrNotFinite reports a NaN or infinite entry in an input.
	ErrNotFinite = pflow.Sentinel("linalg: input is not finite", pflow.ErrInvalidInput, pflow.ErrNonFinite)
	// ErrOverflow reports a result (an eigenvalue, say) whose magnitude
	// exceeds the float64 range although the input is finite. Errors
	// wrapping it also match ErrNotFinite.
	ErrOverflow = pflow.Sentinel("linalg: result overflows the float64 range", pflow.ErrNonFinite)
	// ErrInvalidArgument reports an argument out of its documented range
	// (for example k > n in a Krylov method).
	ErrInvalidArgument = pflow.Sentinel("linalg: invalid argument", pflow.ErrInvalidInput)
)

// overflowErr returns an error wrapping both ErrOverflow and ErrNotFinite.
func overflowErr(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), errors.Join(ErrOverflow, ErrNotFinite))
}
