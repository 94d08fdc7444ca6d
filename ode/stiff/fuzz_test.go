package stiff

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

// Arbitrary settings and initial values never panic or hang: the result is
// either a finite solution ending at t1 or one of the documented errors.
func FuzzRadau5Settings(f *testing.F) {
	f.Add(0.0, 1.0, 1.0, 1e-6, 1e-6, 1e-6, -3.0)
	f.Add(0.0, 1e-300, 1.0, 0.0, 0.0, 0.0, -1e6)
	f.Add(math.NaN(), 1.0, 1.0, 1e-3, -1.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, t0, t1, y0, rtol, atol, h0, lam float64) {
		if math.Abs(lam) > 1e8 {
			lam = math.Copysign(1e8, lam)
		}
		p := Problem[float64]{F: func(dy []float64, _ float64, y []float64) { dy[0] = lam * y[0] }}
		sol, err := Radau5(p, t0, t1, []float64{y0}, &Settings{RTol: rtol, ATol: atol, H0: h0, MaxSteps: 2000})
		if err != nil {
			if !errors.Is(err, ode.ErrInvalidSettings) && !errors.Is(err, ode.ErrMaxSteps) &&
				!errors.Is(err, ode.ErrStepTooSmall) && !errors.Is(err, ode.ErrNonFinite) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		if sol.T[len(sol.T)-1] != t1 {
			t.Fatalf("ended at %v, want %v", sol.T[len(sol.T)-1], t1)
		}
	})
}
