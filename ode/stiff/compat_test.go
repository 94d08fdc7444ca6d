package stiff

import (
	"math"

	"github.com/pflow-go/pflow/internal/benchprob"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// The tests keep the shape of Hairer's driver programs: a problem with its
// events, RADAU5's settings (HMax), one call. These shorthands map them
// onto ode.Solve, the one way to run Radau5.

type Problem[T linalg.Scalar] struct {
	F      ode.Func[T]
	Jac    func(dst []T, t float64, y []T)
	Events []ode.Event[T]
}

type Settings struct {
	RTol, ATol, H0, HMax float64
	MaxSteps, MaxNewton  int
	TEval                []float64
	StopAtTEval, Dense   bool
}

func radau5[T linalg.Scalar](p Problem[T], t0, t1 float64, y0 []T, s *Settings) (*ode.Solution[T], error) {
	var set ode.Settings[T]
	if s != nil {
		set = ode.Settings[T]{RTol: s.RTol, ATol: s.ATol, H0: s.H0, MaxStep: s.HMax, MaxSteps: s.MaxSteps,
			MaxNewton: s.MaxNewton, TEval: s.TEval, StopAtTEval: s.StopAtTEval, Dense: s.Dense}
	}
	set.Events = p.Events
	return ode.Solve(ode.Problem[T]{F: p.F, Jac: p.Jac}, t0, t1, y0, Radau5, &set)
}

type SemiLinear[T linalg.Scalar] struct {
	L []T
	N ode.Func[T]
}

// expEuler runs ExpEuler on y' = Ly + N with nsteps steps of size h.
func expEuler[T linalg.Scalar](p SemiLinear[T], t0 float64, y0 []T, h float64, nsteps int) (*ode.Solution[T], error) {
	n := len(y0)
	f := func(dy []T, t float64, y []T) {
		p.N(dy, t, y)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				dy[i] += p.L[i*n+j] * y[j]
			}
		}
	}
	return ode.Solve(ode.Problem[T]{F: f, Linear: p.L}, t0, t0+float64(nsteps)*h, y0, ExpEuler, &ode.Settings[T]{Steps: nsteps})
}

func expRosenbrockEuler[T linalg.Scalar](p Problem[T], t0 float64, y0 []T, h float64, nsteps int) (*ode.Solution[T], error) {
	return ode.Solve(ode.Problem[T]{F: p.F, Jac: p.Jac}, t0, t0+float64(nsteps)*h, y0, ExpRosenbrockEuler, &ode.Settings[T]{Steps: nsteps})
}

// VanDerPolRef is the project's reference y(2) of the vanderpol benchmark.
var VanDerPolRef = [2]float64(benchprob.VanDerPolRef())

type vdpResult struct {
	Y     []float64
	Stats ode.Stats
	Error float64 // max-norm distance to VanDerPolRef (ε = 1e−3, t1 = 2), NaN otherwise
}

// VanDerPol runs the vanderpol benchmark with Radau5 (the fixture of
// internal/fixtures, which this package's tests cannot import).
func VanDerPol(eps, t1, rtol, atol float64, fdJac bool) (vdpResult, error) {
	p := vdpProblem(eps)
	if fdJac {
		p.Jac = nil
	}
	sol, err := radau5(p, 0, t1, []float64{2, 0}, &Settings{RTol: rtol, ATol: atol})
	r := vdpResult{Y: sol.Y[len(sol.Y)-1], Stats: sol.Stats, Error: math.NaN()}
	if eps == 1e-3 && t1 == 2 && err == nil {
		r.Error = math.Max(math.Abs(r.Y[0]-VanDerPolRef[0]), math.Abs(r.Y[1]-VanDerPolRef[1]))
	}
	return r, err
}
