package figures

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

// RunPerStep is the number of flow samples per GD step drawn by RunFigure.
const RunPerStep = 20

// RunFigure computes GD and the named flows of package modified ("gd" is
// skipped: GD's iterates are always drawn) on p at learning rate h for n
// steps from x0 (nil: p.X0) and draws them with Trajectories.Figure. It is
// the figure of `pflow trajectory … -plot FILE`. The flows are integrated
// in complex128 and drawn densely (RunPerStep samples per step); for a
// loss without a holomorphic extension (p.Complex nil, e.g. with |x|) they
// are integrated in float64 by verify.Compare and drawn at t = nh only.
func RunFigure(p *problems.Problem, h float64, n int, x0 []float64, flows []string) (*Result, error) {
	if p == nil {
		return nil, fmt.Errorf("figures: nil problem")
	}
	if p.Complex == nil {
		tr, err := realTrajectories(p, h, n, x0, flows)
		if err != nil {
			return nil, err
		}
		return tr.Figure(fmt.Sprintf("%s, h = %g, %d steps (flows at t = nh only: no complex extension)", p.Name, h, n)), nil
	}
	var specs []FlowSpec
	for _, f := range flows {
		if f != "gd" {
			specs = append(specs, FlowSpec{Name: f})
		}
	}
	tr, err := NewTrajectories(p, h, n, RunPerStep, x0, specs)
	if err != nil {
		return nil, err
	}
	return tr.Figure(fmt.Sprintf("%s, h = %g, %d steps", p.Name, h, n)), nil
}

// Figure draws any trajectory run as the gallery does: on the top row the
// parameter space (loss contours, GD iterates, the real part of each
// flow, the start and known minima) for a 2-D problem, or component θ₁
// against the step number otherwise, next to each flow's distance to GD at
// t = nh (verify.Compare, logarithmic axis); when a flow leaves ℝ^D (the
// principal flow for hλ > 1), a second row draws the imaginary part of the
// component where it is largest. The data (Table) and notes come with it.
// Output is deterministic: the same run gives the same PNG and SVG bytes.
func (tr *Trajectories) Figure(title string) *Result {
	var left *plot.Plot
	if tr.Problem.Dim == 2 {
		left = tr.paramPanel("parameter space")
	} else {
		left = tr.timePanel("θ₁ against the step (real part)", "θ₁", 0, false)
	}
	left.Legend.Top = true
	right := tr.errorPanel("distance to GD at t = nh", 1e-17)
	panels := [][]*plot.Plot{{left, right}}
	height := 4.2 * vg.Inch
	if i, m := tr.maxImag(); m > 0 {
		im := tr.timePanel(fmt.Sprintf("Im θ%d of the flows (GD is real)", i+1), fmt.Sprintf("Im θ%d", i+1), i, true)
		re := tr.timePanel(fmt.Sprintf("Re θ%d against the step", i+1), fmt.Sprintf("Re θ%d", i+1), i, false)
		panels = append(panels, []*plot.Plot{re, im})
		height = 8 * vg.Inch
	}
	return &Result{
		Name: "trajectory", Title: title,
		Panels: panels,
		Width:  10 * vg.Inch, Height: height,
		Data:  tr.Table(),
		Notes: tr.notes(),
	}
}

// maxImag returns the component with the largest |Im θ_i| over every curve
// and that value (0 when all flows stay real).
func (tr *Trajectories) maxImag() (int, float64) {
	best, bi := 0.0, 0
	for _, c := range tr.Curves {
		for _, th := range c.Theta {
			for i, z := range th {
				if a := math.Abs(imag(z)); a > best && !math.IsInf(a, 0) {
					best, bi = a, i
				}
			}
		}
	}
	return bi, best
}

// realTrajectories is NewTrajectories for a problem without a complex
// extension: each flow from verify.Compare in float64, sampled at the GD
// steps (PerStep = 1).
func realTrajectories(p *problems.Problem, h float64, n int, x0 []float64, flows []string) (*Trajectories, error) {
	if x0 == nil {
		x0 = p.X0
	}
	gd, div, err := GDIterates(p, h, n, x0)
	if err != nil {
		return nil, err
	}
	tr := &Trajectories{Problem: p, H: h, N: n, X0: x0, GD: gd, Diverged: div}
	for _, f := range flows {
		if f == "gd" {
			continue
		}
		res, err := verify.Compare(p, f, h, n, x0, &verify.Settings{SkipIntegratorCheck: true, MaxSteps: curveMaxSteps})
		if res == nil {
			return nil, err
		}
		c := &Curve{Flow: f, Label: Label(f, nil), H: h, PerStep: 1, Err: err}
		for _, pt := range res.Points {
			c.T = append(c.T, pt.T)
			c.Theta = append(c.Theta, pt.Flow)
		}
		tr.Curves = append(tr.Curves, c)
		tr.Checks = append(tr.Checks, res)
	}
	return tr, nil
}
