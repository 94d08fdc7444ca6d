package stiff_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/ode/stiff"
)

// Robertson's stiff chemical kinetics up to t = 40 (Hairer & Wanner II,
// IV.1). Reference y1(40) = 0.7158270687193.
func ExampleRadau5() {
	p := ode.Problem[float64]{F: func(dy []float64, _ float64, y []float64) {
		dy[0] = -0.04*y[0] + 1e4*y[1]*y[2]
		dy[1] = 0.04*y[0] - 1e4*y[1]*y[2] - 3e7*y[1]*y[1]
		dy[2] = 3e7 * y[1] * y[1]
	}}
	sol, err := ode.Solve(p, 0, 40, []float64{1, 0, 0}, stiff.Radau5, &ode.Settings[float64]{RTol: 1e-8, ATol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	y := sol.Y[len(sol.Y)-1]
	fmt.Printf("y1(40) = %.8f\n", y[0])
	// Output:
	// y1(40) = 0.71582707
}

// The exponential Euler method is exact on y' = −1000y + 1 for any step:
// Problem.Linear is the stiff linear part L = −1000.
func ExampleExpEuler() {
	p := ode.Problem[float64]{
		F:      func(dy []float64, _ float64, y []float64) { dy[0] = -1000*y[0] + 1 },
		Linear: []float64{-1000},
	}
	sol, _ := ode.Solve(p, 0, 1, []float64{0}, stiff.ExpEuler, &ode.Settings[float64]{Step: 0.5})
	fmt.Printf("y(1) = %.6f (exact 1/1000·(1 − e^{−1000}) = 0.001)\n", sol.Y[2][0])
	// Output:
	// y(1) = 0.001000 (exact 1/1000·(1 − e^{−1000}) = 0.001)
}

// Dense output: the collocation polynomial of each Radau IIA step evaluated
// anywhere in the integrated range, here on the stiff y' = −1000(y − cos t),
// y(0) = 0, whose exact solution is y_p(t) − y_p(0)e^{−1000t} with
// y_p = (10⁶ cos t + 10³ sin t)/(10⁶ + 1). The dense output is not
// error-controlled: once the transient has decayed Radau5 takes steps of
// ≈ 0.37 and the cubic is off by ~1e−5 between the steps.
func ExampleRadau5_dense() {
	p := ode.Problem[float64]{
		F: func(dy []float64, t float64, y []float64) { dy[0] = -1000 * (y[0] - math.Cos(t)) },
	}
	sol, err := ode.Solve(p, 0, 2, []float64{0}, stiff.Radau5, &ode.Settings[float64]{RTol: 1e-8, ATol: 1e-8, Dense: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	yp := func(t float64) float64 { return (1e6*math.Cos(t) + 1e3*math.Sin(t)) / (1e6 + 1) }
	for _, t := range []float64{0.001, 0.5, 1.5} {
		y, _ := sol.At(nil, t)
		fmt.Printf("y(%g) = %.4f  exact %.4f\n", t, y[0], yp(t)-yp(0)*math.Exp(-1000*t))
	}
	_, err = sol.At(nil, 3)
	fmt.Println(err)
	// Output:
	// y(0.001) = 0.6321  exact 0.6321
	// y(0.5) = 0.8781  exact 0.8781
	// y(1.5) = 0.0717  exact 0.0717
	// ode: invalid settings: t = 3 outside the integrated range [0, 2]
}

// A terminal event on the dense output: van der Pol (ε = 1e−3) from (2, 0)
// until y1 first crosses zero, in the fast transition.
func ExampleRadau5_events() {
	const eps = 1e-3
	p := ode.Problem[float64]{
		F: func(dy []float64, _ float64, y []float64) {
			dy[0] = y[1]
			dy[1] = ((1-y[0]*y[0])*y[1] - y[0]) / eps
		},
	}
	sol, err := ode.Solve(p, 0, 2, []float64{2, 0}, stiff.Radau5, &ode.Settings[float64]{RTol: 1e-8, ATol: 1e-8,
		Events: []ode.Event[float64]{{
			G:        func(_ float64, y []float64) float64 { return y[0] },
			Terminal: true,
		}}})
	fmt.Println(errors.Is(err, ode.ErrStopped))
	fmt.Printf("y1 = 0 at t = %.4f\n", sol.TEnd)
	// Output:
	// true
	// y1 = 0 at t = 0.8287
}
