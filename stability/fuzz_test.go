package stability

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/linalg"
)

// FuzzAnalyzeSettings: any settings and learning rate either fail with
// ErrInvalidInput (ErrTooLarge included), linalg.ErrNoConvergence or
// linalg.ErrNotFinite (the Lanczos dE/dt at the pole), or
// give eigenvalues in descending order with the documented regimes;
// nothing panics.
func FuzzAnalyzeSettings(f *testing.F) {
	f.Add(0.5, 0, 0, 0, 0.0, int64(0), uint8(0))
	f.Add(1.8, 3, 1, 4, 1e-3, int64(0), uint8(1))
	f.Add(1e-320, -1, 0, 0, math.NaN(), int64(-1), uint8(2))
	f.Add(0.1, 100, 100, 1, 0.0, int64(10), uint8(1))
	specs := []string{"quadratic2d", "benchquad:d=60", "quadratic:d=12,seed=2,min=-1,max=3"}
	f.Fuzz(func(t *testing.T, h float64, top, bottom, denseMax int, regimeTol float64, maxBytes int64, spec uint8) {
		p := mustProblem(t, specs[int(spec)%len(specs)])
		s := &Settings{Top: top % 100, Bottom: bottom % 100, DenseMax: denseMax % 100, RegimeTol: regimeTol, MaxBytes: maxBytes}
		pt, err := Analyze(p, h, p.Start(), s)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, linalg.ErrNoConvergence) && !errors.Is(err, linalg.ErrNotFinite) {
				t.Fatalf("h = %v, %+v: undocumented error %v", h, *s, err)
			}
			return
		}
		for i := 1; i < len(pt.Directions); i++ {
			if pt.Directions[i].Lambda > pt.Directions[i-1].Lambda {
				t.Fatalf("eigenvalues not descending: %v then %v", pt.Directions[i-1].Lambda, pt.Directions[i].Lambda)
			}
		}
		for _, d := range pt.Directions {
			if math.IsNaN(d.Lambda) || d.Regime == "" {
				t.Fatalf("direction %+v", d)
			}
		}
	})
}
