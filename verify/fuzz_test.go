package verify

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
)

// FuzzCompareSettings: any settings, learning rate and step count either
// fail validation with ErrInvalidInput, stop with a documented sentinel,
// or return n+1 points whose distances are finite numbers (no silent
// NaN); nothing panics. The evaluation budget keeps each run short.
func FuzzCompareSettings(f *testing.F) {
	f.Add(0.5, uint8(3), 1e-9, 1e-12, 0, 0, 0.0, uint8(0))
	f.Add(1.05, uint8(20), 1e-3, 1e-3, 10, 50, 1e-300, uint8(1))
	f.Add(1e300, uint8(5), 0.0, 0.0, -1, 0, math.NaN(), uint8(2))
	f.Add(2.5, uint8(3), 2.220446049250313e-14, 1e-300, 0, 0, 1.0, uint8(3))
	flows := []string{"pf", "ngf", GD, "bea3", "pf+np", "nope"}
	f.Fuzz(func(t *testing.T, h float64, n uint8, rtol, atol float64, maxSteps, maxEvals int, maxDist float64, flowIdx uint8) {
		if maxEvals <= 0 || maxEvals > 20000 {
			maxEvals = 20000 // about 0.1 s of the quadratic's PF
		}
		p := mustProblem(t, "quadratic2d")
		flow := flows[int(flowIdx)%len(flows)]
		s := &Settings{RTol: rtol, ATol: atol, MaxSteps: maxSteps, MaxEvals: maxEvals, MaxDistance: maxDist, SkipIntegratorCheck: n%2 == 1}
		r, err := Compare(p, flow, h, int(n%40), nil, s)
		if err != nil {
			for _, ok := range []error{ErrInvalidInput, modified.ErrUnknownFlow, ErrMaxEvals, ErrMaxDistance, ErrStalled, ErrGDDiverged,
				ode.ErrMaxSteps, ode.ErrStepTooSmall, ode.ErrNonFinite, ode.ErrInvalidSettings} {
				if errors.Is(err, ok) {
					return
				}
			}
			t.Fatalf("h = %v, n = %d, %+v: undocumented error %v", h, n%40, *s, err)
		}
		if len(r.Points) != int(n%40)+1 {
			t.Fatalf("%d points for %d steps without an error", len(r.Points), n%40)
		}
		for _, pt := range r.Points {
			if math.IsNaN(pt.Error) {
				t.Fatalf("NaN distance at step %d without an error", pt.N)
			}
		}
	})
}
