package figures

import (
	"context"
	"errors"
	"fmt"
	"math/cmplx"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

// Integration tolerances of FlowCurve: those of verify.Compare (its
// DefaultRTol and DefaultATol), so that a curve sampled at t = n·h agrees
// with the verification results to the integrator's accuracy.
const (
	curveRTol = verify.DefaultRTol
	curveATol = verify.DefaultATol
	// curveMaxSteps caps the adaptive integration: a flow whose right-hand
	// side jumps (the principal branch) makes the step size collapse, and
	// the figure then shows where it stalled.
	curveMaxSteps = 20000
)

// Curve is a flow trajectory sampled densely in flow time: T[k] = k·H/PerStep,
// so that every PerStep-th sample is at a GD step, t = n·H.
type Curve struct {
	// Flow is the flow's name (a name of modified.Names), Label the name
	// shown in legends.
	Flow, Label string
	// H is the learning rate and PerStep the number of samples per GD step.
	H       float64
	PerStep int
	// T holds the sample times and Theta the states θ(T[k]) in ℂ^D.
	T     []float64
	Theta [][]complex128
	// Err is non-nil when the integration stopped before the last time
	// asked for (for example ode.ErrNonFinite when the flow reaches a
	// pole); T and Theta then hold the samples before the stop.
	Err error
}

// AtStep returns θ(n·H), or nil when the curve stopped before it.
func (c *Curve) AtStep(n int) []complex128 {
	k := n * c.PerStep
	if k < 0 || k >= len(c.Theta) {
		return nil
	}
	return c.Theta[k]
}

// FlowCurve integrates the flow name of package modified (with options o,
// nil for the defaults) for GD with learning rate h on p from x0 (nil:
// p.X0) over [0, n·h] in complex128, with DOP853 at rtol 1e-12, atol 1e-14
// and the branch of the principal flow committed after every step
// (modified.Flow.Wire), and samples it perStep times per GD step from the
// dense output.
//
// Invalid input returns an error. A failed integration returns the curve up
// to the failure with Curve.Err set and a nil error: where a flow stops is
// part of what a figure shows.
func FlowCurve(p *problems.Problem, name string, h float64, n, perStep int, x0 []float64, o *modified.Options) (*Curve, error) {
	return flowCurve(p, FlowSpec{Name: name, Options: o}, h, n, perStep, x0)
}

// flowCurve is FlowCurve for a FlowSpec: with fs.Fixed > 0 it integrates with
// the classical Runge–Kutta method at fs.Fixed equal steps per GD step
// (a multiple of perStep) instead of adaptive DOP853.
func flowCurve(p *problems.Problem, fs FlowSpec, h float64, n, perStep int, x0 []float64) (*Curve, error) {
	name, o := fs.Name, fs.Options
	if p == nil {
		return nil, errors.New("figures: nil problem")
	}
	if n < 1 || perStep < 1 {
		return nil, fmt.Errorf("figures: need n ≥ 1 steps and perStep ≥ 1 samples, got %d and %d", n, perStep)
	}
	if x0 == nil {
		x0 = p.X0
	}
	if err := modified.CheckStart(p, x0); err != nil {
		return nil, err
	}
	fl, err := modified.New[complex128](name, p, h, o)
	if err != nil {
		return nil, err
	}
	m := n * perStep
	ts := make([]float64, m+1)
	for k := range ts {
		ts[k] = float64(k) * h / float64(perStep)
	}
	ts[m] = float64(n) * h
	y0 := make([]complex128, len(x0))
	for i, v := range x0 {
		y0[i] = complex(v, 0)
	}
	var sol *ode.Solution[complex128]
	var serr error
	if fs.Fixed > 0 {
		if fs.Fixed%perStep != 0 {
			return nil, fmt.Errorf("figures: %d fixed steps per GD step is not a multiple of %d samples", fs.Fixed, perStep)
		}
		sol, serr = fl.Solve(context.Background(), ts[m], y0, ode.RK4, &ode.Settings[complex128]{Steps: n * fs.Fixed, TEval: ts})
	} else {
		sol, serr = fl.Solve(context.Background(), ts[m], y0, fs.method(),
			&ode.Settings[complex128]{RTol: curveRTol, ATol: curveATol, TEval: ts, MaxSteps: curveMaxSteps})
	}
	if sol == nil {
		return nil, serr
	}
	c := &Curve{Flow: name, Label: Label(name, o), H: h, PerStep: perStep, T: sol.T, Theta: sol.Y, Err: serr}
	// Drop trailing samples that are not finite (the dense output of a
	// step that overflowed).
	for len(c.Theta) > 0 && !finiteC(c.Theta[len(c.Theta)-1]) {
		c.Theta = c.Theta[:len(c.Theta)-1]
		c.T = c.T[:len(c.T)-1]
		if c.Err == nil {
			c.Err = errors.New("figures: non-finite flow state")
		}
	}
	if serr != nil && errors.Is(serr, ode.ErrInvalidSettings) {
		return nil, serr
	}
	return c, nil
}

// Label returns the legend label of a flow: its upper-case name, "PF
// (principal branch)" when o asks for the principal branch.
func Label(name string, o *modified.Options) string {
	switch name {
	case "gd":
		return "GD"
	case "ngf":
		return "NGF"
	case "igr":
		return "IGR"
	case "bea3":
		return "BEA3"
	case "bea4":
		return "BEA4"
	case "pf":
		if o != nil && o.PrincipalBranch {
			return "PF (principal branch)"
		}
		return "PF (branch continued)"
	case "pf+np":
		return "PF+np"
	case "pf-re":
		return "PF-re"
	}
	return name
}

// GDIterates runs n steps of GD with learning rate h on p from x0 (nil:
// p.X0) with modified.GD. A run that diverges returns the finite iterates
// with a nil error and diverged true.
func GDIterates(p *problems.Problem, h float64, n int, x0 []float64) (it [][]float64, diverged bool, err error) {
	if p == nil {
		return nil, false, errors.New("figures: nil problem")
	}
	if x0 == nil {
		x0 = p.X0
	}
	r, err := modified.GD[float64](p, x0, h, n, nil)
	if err != nil {
		if errors.Is(err, modified.ErrDiverged) && r != nil {
			return r.Iterates, true, nil
		}
		return nil, false, err
	}
	return r.Iterates, false, nil
}

func finiteC(v []complex128) bool {
	for _, z := range v {
		if cmplx.IsNaN(z) || cmplx.IsInf(z) {
			return false
		}
	}
	return true
}
