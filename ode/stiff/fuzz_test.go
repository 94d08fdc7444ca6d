package stiff

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

// Arbitrary settings, initial values and output times never panic or hang:
// the result is either a finite solution ending at t1 (with one output per
// TEval point) or one of the documented errors.
func FuzzRadau5Settings(f *testing.F) {
	f.Add(0.0, 1.0, 1.0, 1e-6, 1e-6, 1e-6, -3.0, 0.5, false)
	f.Add(0.0, 1e-300, 1.0, 0.0, 0.0, 0.0, -1e6, 0.0, true)
	f.Add(math.NaN(), 1.0, 1.0, 1e-3, -1.0, 1.0, 1.0, 2.0, true)
	f.Add(0.0, 1.0, 1.0, 1e-6, 1e-6, 1e-6, -3.0, 1-1e-16, true)
	f.Fuzz(func(t *testing.T, t0, t1, y0, rtol, atol, h0, lam, te float64, stop bool) {
		if math.Abs(lam) > 1e8 {
			lam = math.Copysign(1e8, lam)
		}
		p := Problem[float64]{F: func(dy []float64, _ float64, y []float64) { dy[0] = lam * y[0] }}
		s := &Settings{RTol: rtol, ATol: atol, H0: h0, MaxSteps: 2000, StopAtTEval: stop, Dense: true}
		if te != 0 {
			s.TEval = []float64{te}
		}
		sol, err := radau5(p, t0, t1, []float64{y0}, s)
		if err != nil {
			if !errors.Is(err, ode.ErrInvalidSettings) && !errors.Is(err, ode.ErrMaxSteps) &&
				!errors.Is(err, ode.ErrStepTooSmall) && !errors.Is(err, ode.ErrNonFinite) &&
				!errors.Is(err, ode.ErrNoConvergence) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		if sol.TEnd != t1 {
			t.Fatalf("ended at %v, want %v", sol.TEnd, t1)
		}
		if s.TEval == nil && sol.T[len(sol.T)-1] != t1 || s.TEval != nil && len(sol.T) != 1 {
			t.Fatalf("outputs at %v", sol.T)
		}
		if _, err := sol.At(nil, t1); err != nil {
			t.Fatalf("At(t1): %v", err)
		}
	})
}
