package eos_test

import (
	"context"
	"fmt"

	"github.com/pflow-go/pflow/eos"
	"github.com/pflow-go/pflow/problems"
)

// The one-eigenvalue SDCP: x ≥ 0, a + bx ≥ 0, x(a + bx) = 0 has the
// solution x = max(0, −a/b).
func ExampleSolveSDCP() {
	x, _, err := eos.SolveSDCP([]float64{-3}, []float64{2}, 1, nil)
	fmt.Println(x, err)
	// Output: [1.5] <nil>
}

// A short central flow on the reference example: below the edge
// (λ₀ ≈ 3.4 < 2/η = 20) Σ = 0 and the predicted loss is the loss.
func ExampleCentral() {
	p, _ := problems.ByName("cfjax")
	c, _ := eos.NewCentral(p, 0.1, p.X0, &eos.CentralSettings{Eigs: 2})
	st, _ := c.Step()
	fmt.Printf("λ₀ = %.3f, Σ = %v, prediction = loss: %v\n", st.Eigs[0], st.Sigma, st.Pred == st.Loss)
	// Output: λ₀ = 3.386, Σ = [0 0 0 0], prediction = loss: true
}

// Run compares GD with the models; here 40 steps of the reference
// example, far from the edge, where every model stays close to GD.
func ExampleRun() {
	p, _ := problems.ByName("cfjax")
	res, err := eos.Run(context.Background(), eos.Config{Problem: p, LR: 0.1, Steps: 40,
		Models: []string{"gf", "igr"}, K: 5, Every: 20, Sample: 20})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("onset:", res.OnsetStep)
	for _, m := range res.Models {
		fmt.Printf("%s (%s): %d distances, all < 0.02: %v\n", m.Name, m.Kind, len(m.Distance), allBelow(m.Distance, 0.02))
	}
	// Output:
	// onset: -1
	// gf (flow): 3 distances, all < 0.02: true
	// igr (predictor): 2 distances, all < 0.02: true
}

func allBelow(d []eos.Point, x float64) bool {
	for _, p := range d {
		if !(p.Value < x) {
			return false
		}
	}
	return true
}
