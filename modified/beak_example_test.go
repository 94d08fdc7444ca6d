package modified_test

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// The backward-error flow keeping h⁰ … h⁶ follows one GD step on log cosh
// far more closely than the negative gradient flow (bea:0).
func ExampleNewBEAK() {
	p, err := problems.ByName("logcosh")
	if err != nil {
		panic(err)
	}
	const h = 0.2
	x0 := []float64{0.5}
	gd := x0[0] - h*math.Tanh(x0[0])
	for _, K := range []int{0, 6} {
		f, err := modified.NewBEAK[float64](p, h, K)
		if err != nil {
			panic(err)
		}
		sol, err := ode.Solve(ode.ProblemOf(f.F), 0, h, x0, ode.DOP853, &ode.Settings[float64]{Steps: 8})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: one-step distance to GD %.0e\n", f.Name, math.Abs(sol.Y[len(sol.Y)-1][0]-gd))
	}
	// Output:
	// bea:0: one-step distance to GD 7e-03
	// bea:6: one-step distance to GD 2e-08
}
