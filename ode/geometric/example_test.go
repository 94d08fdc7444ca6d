package geometric_test

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/ode/geometric"
)

// Velocity Verlet on the harmonic oscillator q″ = −q over one period: the
// phase error h²/24 per unit time shows in p(2π) ≈ −2π·h²/24 ≈ −1.0e−3.
// The state is y = (q, p).
func ExampleSplitting() {
	osc := geometric.SecondOrder(func(dp, q []float64) { dp[0] = -q[0] })
	sol, err := ode.Solve(ode.Problem[float64]{Split: &osc}, 0, 2*math.Pi, []float64{1, 0}, geometric.VerletKDK,
		&ode.Settings[float64]{Steps: 100})
	if err != nil {
		fmt.Println(err)
		return
	}
	y := sol.Y[len(sol.Y)-1]
	fmt.Printf("q(2π) = %.4f, p(2π) = %.4f, force evaluations %d\n", y[0], y[1], sol.Stats.NFev)
	// Output:
	// q(2π) = 1.0000, p(2π) = -0.0010, force evaluations 101
}

// The fourth-order Gauss method conserves the angular momentum of Kepler's
// problem to round-off.
func ExampleGaussMethod() {
	kepler := ode.Problem[float64]{F: func(dy []float64, _ float64, y []float64) {
		r3 := math.Pow(y[0]*y[0]+y[1]*y[1], 1.5)
		dy[0], dy[1], dy[2], dy[3] = y[2], y[3], -y[0]/r3, -y[1]/r3
	}}
	y0 := []float64{0.5, 0, 0, math.Sqrt(3)}
	sol, err := ode.Solve(kepler, 0, 50, y0, geometric.Gauss4, &ode.Settings[float64]{Step: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	y := sol.Y[len(sol.Y)-1]
	L0, L := y0[0]*y0[3]-y0[1]*y0[2], y[0]*y[3]-y[1]*y[2]
	fmt.Printf("angular momentum change below 1e-13: %v\n", math.Abs(L-L0) < 1e-13)
	// Output:
	// angular momentum change below 1e-13: true
}

// Heavy-ball momentum θ_{k+1} = θ_k + β(θ_k − θ_{k−1}) − η∇V(θ_k) on
// V = θ²/2 is the conformal symplectic Euler method with h = √η,
// γ = −ln β/√η.
func ExampleHeavyBall() {
	eta, beta := 0.01, 0.9
	h, gamma, _ := geometric.HeavyBall(eta, beta)
	prob := geometric.SecondOrder(func(dp, q []float64) { dp[0] = -q[0] })
	sol, _ := ode.Solve(ode.Problem[float64]{Split: &prob}, 0, 3*h, []float64{1, 0}, geometric.SymplecticEulerKD.Conformal(gamma),
		&ode.Settings[float64]{Steps: 3})
	th, prev := 1.0, 1.0
	for k := 1; k <= 3; k++ {
		th, prev = th+beta*(th-prev)-eta*th, th
		fmt.Printf("k=%d heavy ball %.6f conformal %.6f\n", k, th, sol.Y[k][0])
	}
	// Output:
	// k=1 heavy ball 0.990000 conformal 0.990000
	// k=2 heavy ball 0.971100 conformal 0.971100
	// k=3 heavy ball 0.944379 conformal 0.944379
}
