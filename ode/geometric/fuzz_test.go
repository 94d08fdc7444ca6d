package geometric

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

// Arbitrary step sizes, states and damping never panic: either a solution
// with nsteps+1 saved states or a documented error.
func FuzzIntegrateInputs(f *testing.F) {
	f.Add(0.0, 0.1, 1.0, 0.0, 0.0, uint8(10))
	f.Add(math.Inf(1), -1.0, math.NaN(), 1.0, -1.0, uint8(3))
	f.Add(0.0, 1e300, 1e300, 1e300, 1.0, uint8(5))
	f.Fuzz(func(t *testing.T, t0, h, q0, p0, gamma float64, n uint8) {
		sol, err := integrateConformal(VerletKDK, gamma, pendulum(), t0, []float64{q0}, []float64{p0}, h, int(n), nil)
		if err != nil {
			if !errors.Is(err, ode.ErrInvalidSettings) && !errors.Is(err, ode.ErrNonFinite) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		if len(sol.Y) != int(n)+1 {
			t.Fatalf("%d states for %d steps", len(sol.Y), n)
		}
	})
}
