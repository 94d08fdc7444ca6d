package modified_test

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// The principal flow of the paper's toy problem at h = 0.9 (hλ = 1.8:
// GD oscillates) is complex; at t = nh it equals the GD iterate. The
// principal flow's exponential Euler, an ode.Method like any other, with one
// step per GD step is exact (one evaluation per step).
func ExampleExpMethod() {
	p, _ := problems.ByName("quadratic2d")
	const h = 0.9
	pf, err := modified.NewPF[complex128](p, h, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sol, err := pf.Solve(5*h, []complex128{-0.35, -0.2}, modified.ExpEuler, &ode.Settings[complex128]{Step: h})
	if err != nil {
		fmt.Println(err)
		return
	}
	th := sol.Y[len(sol.Y)-1]
	gd := []float64{-0.35 * math.Pow(1-2*h, 5), -0.2 * math.Pow(1-0.02*h, 5)}
	fmt.Printf("PF(5h) = (%.6f, %.6f)\n", real(th[0]), real(th[1]))
	fmt.Printf("GD θ_5 = (%.6f, %.6f)\n", gd[0], gd[1])
	fmt.Println("real to rounding:", math.Max(math.Abs(imag(th[0])), math.Abs(imag(th[1]))) < 1e-14)
	fmt.Println("nfev:", sol.Stats.NFev)
	// Output:
	// PF(5h) = (0.114688, -0.182636)
	// GD θ_5 = (0.114688, -0.182636)
	// real to rounding: true
	// nfev: 5
}

// Branch continuation on log cosh (θ0 = 0.1, h = 1.5): the PF leaves the
// real axis, and the continued branch keeps it close to GD.
func ExampleNewPF() {
	p, _ := problems.ByName("logcosh")
	const h = 1.5
	pf, err := modified.NewPF[complex128](p, h, nil) // branch continuation is the default
	if err != nil {
		fmt.Println(err)
		return
	}
	sol, err := pf.Solve(h, []complex128{0.1}, ode.DOP853, &ode.Settings[complex128]{RTol: 1e-10, ATol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	th := sol.Y[len(sol.Y)-1][0]
	fmt.Printf("PF(h)  = %.4f%+.5fi\n", real(th), imag(th))
	fmt.Printf("GD θ_1 = %.4f\n", 0.1-h*math.Tanh(0.1))
	// Output:
	// PF(h)  = -0.0498+0.00017i
	// GD θ_1 = -0.0495
}
