package stiff

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/internal/benchprob"
	"github.com/pflow-go/pflow/ode"
)

// VanDerPolRef is y(2) of the vanderpol benchmark (ε = 1e−3, y(0) = (2, 0)),
// the project's one reference for it: a Taylor-series integration in
// 320-bit arithmetic (internal/benchprob), rounded to float64. DOPRI5 at
// rtol = atol = 1e−13 agrees with it to 3e−13, Radau5 at 1e−9 to 3e−9.
var VanDerPolRef = [2]float64(benchprob.VanDerPolRef())

// VanDerPolResult is one row of the vanderpol benchmark.
type VanDerPolResult struct {
	Y     []float64 // y(t1)
	Stats ode.Stats
	// Error is the max-norm distance of y(2) to VanDerPolRef when ε = 1e−3
	// and t1 = 2 (the benchmark's definition), NaN otherwise.
	Error float64
}

// VanDerPol solves the project's vanderpol benchmark problem
// y1′ = y2, y2′ = ((1 − y1²)y2 − y1)/ε, y(0) = (2, 0) on [0, t1] with
// Radau5 at the given tolerances; the benchmark uses ε = 1e−3, t1 = 2.
// The Jacobian is analytic unless fdJac is true (forward differences).
func VanDerPol(eps, t1, rtol, atol float64, fdJac bool) (VanDerPolResult, error) {
	if !(eps > 0) {
		return VanDerPolResult{}, fmt.Errorf("stiff: VanDerPol needs ε > 0, got %v", eps)
	}
	p := Problem[float64]{
		F: func(dy []float64, _ float64, y []float64) {
			dy[0] = y[1]
			dy[1] = ((1-y[0]*y[0])*y[1] - y[0]) / eps
		},
	}
	if !fdJac {
		p.Jac = func(j []float64, _ float64, y []float64) {
			j[0], j[1] = 0, 1
			j[2] = (-2*y[0]*y[1] - 1) / eps
			j[3] = (1 - y[0]*y[0]) / eps
		}
	}
	sol, err := Radau5(p, 0, t1, []float64{2, 0}, &Settings{RTol: rtol, ATol: atol})
	r := VanDerPolResult{Error: math.NaN()}
	if sol != nil {
		r.Y = sol.Y[len(sol.Y)-1]
		r.Stats = sol.Stats
		if eps == 1e-3 && t1 == 2 && err == nil {
			r.Error = math.Max(math.Abs(r.Y[0]-VanDerPolRef[0]), math.Abs(r.Y[1]-VanDerPolRef[1]))
		}
	}
	return r, err
}
