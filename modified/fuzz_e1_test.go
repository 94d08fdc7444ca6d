package modified

import (
	"errors"
	"testing"

	"github.com/pflow-go/pflow/linalg"
)

// FuzzGD feeds arbitrary start points (complex values as two float64s),
// rates, step counts and momenta to GD: it must never panic or hang, and
// it returns either finite iterates or an error wrapping ErrInvalidInput or
// ErrDiverged.
func FuzzGD(f *testing.F) {
	f.Add(0.5, 0.0, 0.1, 10, 0.0)
	f.Add(-2.0, 0.0, 0.5, 100, 0.0)
	f.Add(0.3, 1.5, 1.5, 20, 0.5)
	f.Add(1e300, -1e300, 1e10, 5, 0.9)
	p := mustProblem(f, "logcosh")
	f.Fuzz(func(t *testing.T, re, im, h float64, n int, beta float64) {
		n %= 200 // bound the work, keep negative counts
		r, err := GD(p, []complex128{complex(re, im)}, h, n, &GDSettings[complex128]{Momentum: beta})
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrDiverged) {
				t.Fatalf("unexpected error %v", err)
			}
			if errors.Is(err, ErrInvalidInput) && r != nil {
				t.Fatalf("invalid input with a result")
			}
		} else if r.Steps() != n {
			t.Fatalf("%d steps, want %d", r.Steps(), n)
		}
		if r == nil {
			return
		}
		for k, x := range r.Iterates {
			if !linalg.IsFinite(x[0]) || !linalg.IsFinite(r.Loss[k]) {
				t.Fatalf("non-finite iterate %d: %v, loss %v", k, x[0], r.Loss[k])
			}
		}
	})
}
