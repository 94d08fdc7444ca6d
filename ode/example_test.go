package ode_test

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/pflow-go/pflow/ode"
)

// Integrate the harmonic oscillator y” = −y over one period with DOP853.
func ExampleSolve() {
	f := func(dy []float64, _ float64, y []float64) { dy[0], dy[1] = y[1], -y[0] }
	sol, err := ode.Solve(ode.ProblemOf(f), 0, 2*math.Pi, []float64{1, 0}, ode.DOP853,
		&ode.Settings[float64]{RTol: 1e-10, ATol: 1e-10, TEval: []float64{math.Pi}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("y(π) = %.8f\n", sol.Y[0][0])
	fmt.Println(sol.Status)
	// Output:
	// y(π) = -1.00000000
	// Success
}

// Hairer's published DOPRI5 run on the Arenstorf orbit.
func ExampleSolve_arenstorf() {
	const mu = 0.012277471
	f := func(dy []float64, _ float64, y []float64) {
		a, b := y[0]+mu, y[0]-(1-mu)
		d1 := math.Pow(a*a+y[1]*y[1], 1.5)
		d2 := math.Pow(b*b+y[1]*y[1], 1.5)
		dy[0], dy[1] = y[2], y[3]
		dy[2] = y[0] + 2*y[3] - (1-mu)*a/d1 - mu*b/d2
		dy[3] = y[1] - 2*y[2] - (1-mu)*y[1]/d1 - mu*y[1]/d2
	}
	y0 := []float64{0.994, 0, 0, -2.00158510637908252240537862224}
	sol, _ := ode.Solve(ode.ProblemOf(f), 0, 17.0652165601579625588917206249, y0, ode.DOPRI5,
		&ode.Settings[float64]{RTol: 1e-7, ATol: 1e-7, H0: 1e-4})
	fmt.Println(sol.Stats.NSteps, sol.Stats.NAccepted, sol.Stats.NRejected)
	// Output:
	// 238 217 21
}

// Step through a complex linear ODE y' = iy with the iterator.
func ExampleIntegrator_Steps() {
	f := func(dy []complex128, _ float64, y []complex128) { dy[0] = 1i * y[0] }
	it, err := ode.NewIntegrator(ode.ProblemOf(f), 0, math.Pi, []complex128{1}, ode.Tsit5, &ode.Settings[complex128]{RTol: 1e-9, ATol: 1e-9})
	if err != nil {
		fmt.Println(err)
		return
	}
	var last complex128
	for _, y := range it.Steps() {
		last = y[0]
	}
	fmt.Printf("Re y(π) = %.6f, |Im y(π)| < 1e-8: %v, err = %v\n", real(last), math.Abs(imag(last)) < 1e-8, it.Err())
	// Output:
	// Re y(π) = -1.000000, |Im y(π)| < 1e-8: true, err = <nil>
}

// Stop at the first upward zero crossing of y0 = cos t.
func ExampleEvent() {
	f := func(dy []float64, _ float64, y []float64) { dy[0], dy[1] = y[1], -y[0] }
	s := &ode.Settings[float64]{RTol: 1e-10, ATol: 1e-10, Events: []ode.Event[float64]{{
		G:         func(_ float64, y []float64) float64 { return y[0] },
		Direction: 1, Terminal: true,
	}}}
	sol, err := ode.Solve(ode.ProblemOf(f), 0, 10, []float64{1, 0}, ode.DOPRI5, s)
	fmt.Printf("stopped at t = %.6f (3π/2 = %.6f): %v\n", sol.TEnd, 3*math.Pi/2, sol.Status)
	fmt.Println(err != nil)
	// Output:
	// stopped at t = 4.712389 (3π/2 = 4.712389): EventStop
	// true
}

// Any method by name, any controller: the Gustafsson–Söderlind PID
// controller on DOPRI5 found by name (ode.MethodNames lists every method
// the imported packages registered: radau5 with package stiff, …). A
// cancelled context ends a run before its first step.
func ExampleSolveContext() {
	osc := ode.ProblemOf(func(dy []float64, _ float64, y []float64) { dy[0], dy[1] = y[1], -y[0] })
	m, err := ode.LookupMethod("dopri5")
	if err != nil {
		fmt.Println(err)
		return
	}
	sol, err := ode.Solve(osc, 0, 2*math.Pi, []float64{1, 0}, m, &ode.Settings[float64]{RTol: 1e-9, ATol: 1e-12, Controller: ode.PID{}})
	fmt.Println(sol.Method, sol.Status, err, math.Abs(sol.Y[len(sol.Y)-1][0]-1) < 1e-7)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sol, err = ode.SolveContext(ctx, osc, 0, 1, []float64{1, 0}, ode.DOPRI5, nil)
	fmt.Println(sol.Status, errors.Is(err, context.Canceled))
	// Output:
	// dopri5 Success <nil> true
	// Canceled true
}
