package modified

import (
	"math"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

// Over a fixed time T = 1 (n = 1/h GD steps) the flow of order q stays
// within O(h^(q+1)) of the GD iterates: global orders 1/2/3/4 for
// ngf/igr/bea3/bea4 on log cosh from θ0 = 0.5 (the local errors
// accumulate over 1/h steps of a contracting map).
func TestBEAGlobalOrder(t *testing.T) {
	p := mustProblem(t, "logcosh")
	x0 := []float64{0.5}
	hs := []float64{0.05, 0.025, 0.0125, 0.00625}
	for order := 0; order <= MaxBEAOrder; order++ {
		errs := make([]float64, len(hs))
		for j, h := range hs {
			n := int(math.Round(1 / h))
			gd, err := GD(p, x0, h, n, &GDSettings[float64]{SkipLoss: true})
			if err != nil {
				t.Fatal(err)
			}
			fl, _ := NewBEA[float64](p, h, order)
			teval := make([]float64, n+1)
			for k := range teval {
				teval[k] = float64(k) * h
			}
			// Four DOP853 steps per GD step (step ≤ 0.0125): integration
			// error ~1e-17, far below the smallest error measured (~1e-11).
			sol, err := ode.Solve(ode.ProblemOf(fl.F), 0, teval[n], x0, ode.DOP853, fl.Wire(&ode.Settings[float64]{Steps: 4 * n, TEval: teval}))
			if err != nil {
				t.Fatal(err)
			}
			for k := range teval {
				errs[j] = math.Max(errs[j], math.Abs(sol.Y[k][0]-gd.Iterates[k][0]))
			}
		}
		t.Logf("%s: max error over [0, 1] %.3e", beaNames[order], errs)
		checkOrders(t, beaNames[order]+" global", errs, float64(order+1))
	}
}
