package geometric

import (
	"fmt"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// The tests keep the call shapes of the fixed-step drivers (t0, y0, h,
// nsteps, SaveEvery); these shorthands map them onto ode.Solve, the one
// way to run the methods.

type Problem[T linalg.Scalar] = ode.Problem[T]

type Energy = ode.Energy

type FixedSettings struct {
	SaveEvery   int
	Compensated bool
}

type GaussSettings struct {
	Stages      int
	Solver      NonlinearSolver
	Tol         float64
	MaxIter     int
	SaveEvery   int
	Compensated bool
	Composition []float64
}

type DGSettings struct {
	Nodes     int
	Tol       float64
	MaxIter   int
	SaveEvery int
}

// fixedSolve runs m with nsteps steps of size h, keeping every every-th
// state and the last one.
func fixedSolve[T linalg.Scalar](m ode.Method, p ode.Problem[T], t0 float64, y0 []T, h float64, nsteps, every int) (*ode.Solution[T], error) {
	if every <= 0 {
		every = 1
	}
	ts, ys := []float64{t0}, [][]T{append([]T(nil), y0...)}
	if !(h > 0) || nsteps < 0 {
		return nil, fmt.Errorf("%w: h = %v, nsteps = %d", ode.ErrInvalidSettings, h, nsteps)
	}
	if nsteps == 0 {
		return &ode.Solution[T]{T: ts, Y: ys, TEnd: t0}, nil
	}
	k := 0
	set := &ode.Settings[T]{Step: h, Observer: func(t float64, y []T) bool {
		k++
		if k%every == 0 || k == nsteps {
			ts = append(ts, t)
			ys = append(ys, append([]T(nil), y...))
		}
		return true
	}}
	sol, err := ode.Solve(p, t0, t0+float64(nsteps)*h, y0, m, set)
	if sol.Status != ode.Invalid {
		sol.T, sol.Y = ts, ys
	}
	return sol, err
}

func integrate[T linalg.Scalar](m Splitting, prob Separable[T], t0 float64, q0, p0 []T, h float64, nsteps int, s *FixedSettings) (*ode.Solution[T], error) {
	return integrateConformal(m, 0, prob, t0, q0, p0, h, nsteps, s)
}

func integrateConformal[T linalg.Scalar](m Splitting, gamma float64, prob Separable[T], t0 float64, q0, p0 []T, h float64, nsteps int, s *FixedSettings) (*ode.Solution[T], error) {
	if len(q0) != len(p0) {
		panic("geometric: len(q0) != len(p0)")
	}
	every := 1
	if s != nil {
		every, m.Compensated = s.SaveEvery, s.Compensated
	}
	m.Damping = gamma
	y0 := append(append([]T(nil), q0...), p0...)
	return fixedSolve[T](m, ode.Problem[T]{Split: &ode.Split[T]{Velocity: prob.Velocity, Force: prob.Force}}, t0, y0, h, nsteps, every)
}

func gauss[T linalg.Scalar](prob Problem[T], t0 float64, y0 []T, h float64, nsteps int, set *GaussSettings) (*ode.Solution[T], error) {
	var m GaussMethod
	every := 1
	if set != nil {
		m = GaussMethod{Stages: set.Stages, Solver: set.Solver, Tol: set.Tol, MaxIter: set.MaxIter, Compensated: set.Compensated, Composition: set.Composition}
		every = set.SaveEvery
	}
	return fixedSolve[T](m, prob, t0, y0, h, nsteps, every)
}

func implicitMidpoint[T linalg.Scalar](prob Problem[T], t0 float64, y0 []T, h float64, nsteps int, set *GaussSettings) (*ode.Solution[T], error) {
	var s GaussSettings
	if set != nil {
		s = *set
	}
	s.Stages = 1
	return gauss(prob, t0, y0, h, nsteps, &s)
}

func dgSolve(m DiscreteGradient, prob Energy, t0 float64, x0 []float64, h float64, nsteps int, set *DGSettings) (*ode.Solution[float64], error) {
	every := 1
	if set != nil {
		m.Nodes, m.Tol, m.MaxIter, every = set.Nodes, set.Tol, set.MaxIter, set.SaveEvery
	}
	return fixedSolve[float64](m, ode.Problem[float64]{Energy: &prob}, t0, x0, h, nsteps, every)
}

func avf(prob Energy, t0 float64, x0 []float64, h float64, nsteps int, set *DGSettings) (*ode.Solution[float64], error) {
	return dgSolve(AVF, prob, t0, x0, h, nsteps, set)
}

func itohAbe(prob Energy, t0 float64, x0 []float64, h float64, nsteps int, set *DGSettings) (*ode.Solution[float64], error) {
	return dgSolve(ItohAbe, prob, t0, x0, h, nsteps, set)
}
