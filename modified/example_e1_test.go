package modified_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// GD on the paper's toy quadratic at h = 1.05 diverges slowly: the first
// direction is multiplied by 1 − 2h = −1.1 at every step.
func ExampleGD() {
	p, _ := problems.ByName("quadratic2d")
	r, err := modified.GD(p, p.Start(), 1.05, 5, nil)
	if err != nil {
		panic(err)
	}
	for k, th := range r.Iterates {
		fmt.Printf("n=%d θ=(%.6f, %.6f) E=%.6f\n", k, th[0], th[1], r.Loss[k])
	}
	// Output:
	// n=0 θ=(-0.350000, -0.200000) E=0.122900
	// n=1 θ=(0.385000, -0.195800) E=0.148608
	// n=2 θ=(-0.423500, -0.191688) E=0.179720
	// n=3 θ=(0.465850, -0.187663) E=0.217368
	// n=4 θ=(-0.512435, -0.183722) E=0.262927
	// n=5 θ=(0.563679, -0.179864) E=0.318057
}

// GD reports the step at which the iterates overflow.
func ExampleGD_divergence() {
	p, _ := problems.ByName("cubic")
	r, err := modified.GD(p, []float64{-2}, 0.5, 100, nil)
	fmt.Println(errors.Is(err, modified.ErrDiverged), r.Steps())
	fmt.Println(err)
	// Output:
	// true 9
	// modified: gradient descent diverged at step 10: E(θ_10) = -Inf
}

// A learning-rate rule: a decaying schedule h_k = 0.9/(1 + k/2).
func ExampleGDSettings() {
	p, _ := problems.ByName("quadratic2d")
	s := &modified.GDSettings[float64]{Rate: func(k int, _, _ []float64) float64 {
		return 0.9 / (1 + float64(k)/2)
	}}
	r, _ := modified.GD(p, p.Start(), 0, 4, s)
	fmt.Printf("rates %.4f\nloss  %.4f\n", r.Rates, r.Loss)
	// Output:
	// rates [0.9000 0.6000 0.4500 0.3600]
	// loss  [0.1229 0.0788 0.0035 0.0004 0.0004]
}

// The IGR flow at t = h is closer to the GD step than the negative gradient
// flow: local errors O(h³) against O(h²).
func ExampleNew() {
	p, _ := problems.ByName("logcosh")
	h := 0.1
	x0 := []float64{0.5}
	gd, _ := modified.GD(p, x0, h, 1, nil)
	for _, name := range []string{"ngf", "igr", "bea3", "bea4"} {
		f, err := modified.New[float64](name, p, h, nil)
		if err != nil {
			panic(err)
		}
		sol, err := ode.Solve(ode.ProblemOf(f.F), 0, h, x0, ode.DOP853, f.Wire(&ode.Settings[float64]{Steps: 8}))
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-4s |θ(h) − θ_1| = %.1e\n", name, math.Abs(sol.Y[len(sol.Y)-1][0]-gd.Last()[0]))
	}
	// Output:
	// ngf  |θ(h) − θ_1| = 1.8e-03
	// igr  |θ(h) − θ_1| = 8.4e-05
	// bea3 |θ(h) − θ_1| = 3.9e-06
	// bea4 |θ(h) − θ_1| = 1.5e-07
}

// Heavy ball with β = 0.9 moves like gradient descent with the rate
// h/(1 − β) = 10h: the order-0 momentum flow is that rescaled gradient
// flow, and order 1 adds the implicit regulariser −h(1+β)/(2(1−β)³)·Hg.
func ExampleNewMomentum() {
	p, _ := problems.ByName("logcosh")
	x := 0.5
	for order := 0; order <= 1; order++ {
		f, _ := modified.NewMomentum[float64](p, 0.001, 0.9, order)
		dy := []float64{0}
		f.F(dy, 0, []float64{x})
		fmt.Printf("order %d: θ' = %.6f\n", order, dy[0])
	}
	g, hess := math.Tanh(x), 1/(math.Cosh(x)*math.Cosh(x))
	fmt.Printf("closed form: %.6f, %.6f\n", -g/0.1, -g/0.1-0.001*1.9*1000/2*hess*g)
	// Output:
	// order 0: θ' = -4.621172
	// order 1: θ' = -4.966431
	// closed form: -4.621172, -4.966431
}

// SGD with random reshuffling on least squares with 4 minibatches: the
// mean iterate after one epoch (20000 seeded epochs) against the Smith et
// al. flow and the gradient flow of E at time 4h.
func ExampleNewSGDFlow() {
	a := []float64{1, 0, 0, 1, 1, 1, 1, -1, 2, 0, 0, 2, 1, 2, 2, 1}
	b := []float64{1, 0, 2, 1, 0, 1, 1, 2}
	s, _ := modified.LeastSquares[float64](a, b, 4)
	h, x0 := 0.02, []float64{0, 0}
	rng := rand.New(rand.NewPCG(1, 1))
	mean := []float64{0, 0}
	const runs = 20000
	for range runs {
		it, _ := modified.SGD(s, x0, h, 1, rng)
		mean[0] += it[1][0] / runs
		mean[1] += it[1][1] / runs
	}
	fmt.Printf("mean SGD       (%.4f, %.4f)\n", mean[0], mean[1])
	for _, hf := range []float64{h, 1e-300} { // 1e-300: no regulariser
		f, _ := modified.NewSGDFlow(s, hf)
		sol, _ := ode.Solve(ode.ProblemOf(f.F), 0, 4*h, x0, ode.DOP853, f.Wire(&ode.Settings[float64]{Steps: 8}))
		y := sol.Y[len(sol.Y)-1]
		fmt.Printf("flow, h = %.0e (%.4f, %.4f)\n", hf, y[0], y[1])
	}
	// Output:
	// mean SGD       (0.0857, 0.0666)
	// flow, h = 2e-02 (0.0856, 0.0664)
	// flow, h = 1e-300 (0.0835, 0.0643)
}

// Simultaneous and alternating GD on the monkey-saddle game x³ − 3xy² and
// their drift flows after one step.
func ExampleNewGameFlow() {
	p, _ := problems.ByName("monkeysaddle")
	g, _ := modified.ZeroSumGame[float64](p, 1)
	h := 0.05
	for _, alt := range []bool{false, true} {
		f, _ := modified.NewGameFlow(g, h, 1, 1, alt)
		sol, _ := ode.Solve(ode.ProblemOf(f.F), 0, h, []float64{0.4, 0.3}, ode.DOP853, f.Wire(&ode.Settings[float64]{Steps: 8}))
		xn, yn := modified.GameStep(nil, nil, g, []float64{0.4}, []float64{0.3}, h, 1, 1, alt, nil, nil)
		z := sol.Y[len(sol.Y)-1]
		fmt.Printf("alternating=%-5v step (%.5f, %.5f), flow (%.5f, %.5f)\n", alt, xn[0], yn[0], z[0], z[1])
	}
	// Output:
	// alternating=false step (0.38950, 0.26400), flow (0.38926, 0.26417)
	// alternating=true  step (0.38950, 0.26494), flow (0.38931, 0.26508)
}
