package stiff_test

import (
	"fmt"

	"github.com/pflow-go/pflow/ode/stiff"
)

// Robertson's stiff chemical kinetics up to t = 40 (Hairer & Wanner II,
// IV.1). Reference y1(40) = 0.7158270687193.
func ExampleRadau5() {
	p := stiff.Problem[float64]{F: func(dy []float64, _ float64, y []float64) {
		dy[0] = -0.04*y[0] + 1e4*y[1]*y[2]
		dy[1] = 0.04*y[0] - 1e4*y[1]*y[2] - 3e7*y[1]*y[1]
		dy[2] = 3e7 * y[1] * y[1]
	}}
	sol, err := stiff.Radau5(p, 0, 40, []float64{1, 0, 0}, &stiff.Settings{RTol: 1e-8, ATol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	y := sol.Y[len(sol.Y)-1]
	fmt.Printf("y1(40) = %.8f\n", y[0])
	// Output:
	// y1(40) = 0.71582707
}

// The exponential Euler method is exact on y' = −1000y + 1 for any step.
func ExampleExpEuler() {
	p := stiff.SemiLinear[float64]{
		L: []float64{-1000},
		N: func(dy []float64, _ float64, _ []float64) { dy[0] = 1 },
	}
	sol, _ := stiff.ExpEuler(p, 0, []float64{0}, 0.5, 2)
	fmt.Printf("y(1) = %.6f (exact 1/1000·(1 − e^{−1000}) = 0.001)\n", sol.Y[2][0])
	// Output:
	// y(1) = 0.001000 (exact 1/1000·(1 − e^{−1000}) = 0.001)
}
