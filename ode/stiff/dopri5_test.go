package stiff

import (
	"fmt"

	"github.com/pflow-go/pflow/ode"
)

// dopri5 integrates y' = f(y) from y0 at t = 0 to t1 with the package ode's
// Dormand–Prince 5(4) (ode.DOPRI5: Hairer's step-size control and error norm),
// the explicit reference of the tests. It returns y(t1) and the number of
// right-hand-side evaluations. The step budget is raised so that stiff runs
// (millions of stability-limited steps) complete.
func dopri5(f func(dy, y []float64), y0 []float64, t1, rtol, atol float64) ([]float64, int) {
	sol, err := ode.Solve(ode.ProblemOf(func(dy []float64, _ float64, y []float64) { f(dy, y) }), 0, t1, y0, ode.DOPRI5,
		&ode.Settings[float64]{RTol: rtol, ATol: atol, TEval: []float64{t1}, MaxSteps: 1 << 30})
	if err != nil {
		panic(fmt.Sprintf("stiff test: DOPRI5 reference failed: %v", err))
	}
	return sol.Y[len(sol.Y)-1], sol.Stats.NFev
}
