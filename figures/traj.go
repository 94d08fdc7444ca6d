package figures

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/pflow-go/pflow/internal/par"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

// FlowSpec names a flow of package modified and its options.
type FlowSpec struct {
	Name    string
	Options *modified.Options
	// Fixed, when positive, integrates the flow with the classical
	// Runge–Kutta method at Fixed equal steps per GD step instead of
	// adaptive DOP853 (for right-hand sides with jumps, where an adaptive
	// step collapses), and the distance to GD is then measured on the curve
	// itself rather than by verify.Compare.
	Fixed int
	// Method, when non-nil and Fixed is 0, integrates the flow (curve and
	// distances) with another method of package ode than DOP853, for
	// example modified.ETD4 or stiff.Radau5 for a stiff principal flow.
	Method ode.Method
}

func (fs FlowSpec) method() ode.Method {
	if fs.Method != nil {
		return fs.Method
	}
	return ode.DOP853
}

// Trajectories is the data of a trajectory figure: GD iterates and dense flow
// curves on one problem at one learning rate, and the verification of each
// flow against GD at every step (verify.Compare).
type Trajectories struct {
	Problem *problems.Problem
	H       float64
	N       int
	X0      []float64
	// GD holds θ_0 … θ_N from modified.GD (fewer when GD diverged to
	// overflow; Diverged is then true).
	GD       [][]float64
	Diverged bool
	// Curves holds one dense curve per flow, PerStep samples per GD step.
	Curves []*Curve
	// Checks holds verify.Compare's result for each flow (same order as
	// Curves; nil when the comparison failed before its first point).
	Checks []*verify.Result
	// StepMarkers draws the principal flows as rings at t = nh instead of
	// lines: where the PF is far from real between steps its real part
	// swings widely and a line hides everything else.
	StepMarkers bool
}

// NewTrajectories computes GD and the given flows on p at learning rate h for
// n steps from x0 (nil: p.X0), sampling the flows perStep times per step, and
// compares every flow with GD by verify.Compare. The flows are integrated
// concurrently (GOMAXPROCS goroutines; the result is the same as one after
// another); FlowSpec.Options must then be safe to share, as modified's
// options are (read-only).
func NewTrajectories(p *problems.Problem, h float64, n, perStep int, x0 []float64, flows []FlowSpec) (*Trajectories, error) {
	if p == nil {
		return nil, errors.New("figures: nil problem")
	}
	if x0 == nil {
		x0 = p.X0
	}
	gd, div, err := GDIterates(p, h, n, x0)
	if err != nil {
		return nil, err
	}
	tr := &Trajectories{Problem: p, H: h, N: n, X0: x0, GD: gd, Diverged: div}
	// The flows are independent: integrated on GOMAXPROCS goroutines,
	// collected in the order of flows (internal/par), the same result as
	// one after another.
	type flowRun struct {
		c   *Curve
		res *verify.Result
	}
	runs, _, err := par.Map(context.Background(), len(flows), 0, func(_ context.Context, i int) (flowRun, error) {
		fs := flows[i]
		c, err := flowCurve(p, fs, h, n, perStep, x0)
		if err != nil {
			return flowRun{}, err
		}
		if fs.Fixed > 0 {
			return flowRun{c, curveCheck(c, gd)}, nil
		}
		// DOP853, as for the drawn curve (FlowCurve): the distances and the
		// curve come from the same kind of integration.
		res, _ := verify.Compare(p, fs.Name, h, n, x0, &verify.Settings{Method: fs.method(), Options: fs.Options, SkipIntegratorCheck: true, MaxSteps: curveMaxSteps})
		if res != nil && len(res.Points) == 0 {
			res = nil
		}
		return flowRun{c, res}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		tr.Curves = append(tr.Curves, r.c)
		tr.Checks = append(tr.Checks, r.res)
	}
	return tr, nil
}

// Table returns the data: series "gd" with the iterates (step, t, θ, loss),
// one series per flow (labelled by its legend label, lower case) with the dense
// curve (real and imaginary parts of θ and of the loss), and series
// "error:<flow>" with verify.Compare's distance ‖θ_flow(nh) − θ_n‖₂ per step.
func (tr *Trajectories) Table() *Table {
	d := tr.Problem.Dim
	cols := []string{"step", "t"}
	for i := range d {
		cols = append(cols, fmt.Sprintf("theta%d", i+1))
	}
	for i := range d {
		cols = append(cols, fmt.Sprintf("theta%d_im", i+1))
	}
	cols = append(cols, "loss", "loss_im", "error")
	t := NewTable(cols...)
	row := make([]float64, len(cols))
	for n, th := range tr.GD {
		row[0], row[1] = float64(n), float64(n)*tr.H
		for i := range d {
			row[2+i] = th[i]
			row[2+d+i] = 0
		}
		row[2+2*d] = tr.Problem.Real.Func(th)
		row[3+2*d] = 0
		row[4+2*d] = math.NaN()
		t.Add("gd", row...)
	}
	cf, _ := tr.Problem.ComplexFuncs()
	for _, c := range tr.Curves {
		name := seriesName(c)
		for k, th := range c.Theta {
			row[0], row[1] = c.T[k]/tr.H, c.T[k]
			for i := range d {
				row[2+i] = real(th[i])
				row[2+d+i] = imag(th[i])
			}
			e := complex(math.NaN(), math.NaN())
			if cf != nil {
				e = cf.Func(th)
			}
			row[2+2*d], row[3+2*d] = real(e), imag(e)
			row[4+2*d] = math.NaN()
			t.Add(name, row...)
		}
	}
	for k, r := range tr.Checks {
		if r == nil {
			continue
		}
		name := "error:" + seriesName(tr.Curves[k])
		for _, pt := range r.Points {
			for i := range row {
				row[i] = math.NaN()
			}
			row[0], row[1], row[4+2*d] = float64(pt.N), pt.T, pt.Error
			t.Add(name, row...)
		}
	}
	return t
}

func seriesName(c *Curve) string {
	switch c.Label {
	case "PF (branch continued)":
		return "pf"
	case "PF (principal branch)":
		return "pf-principal"
	}
	return c.Flow
}

// bounds returns the box holding GD, the real parts of the curves and extra
// points, padded by frac on each side.
func (tr *Trajectories) bounds(frac float64, extra ...[]float64) (x0, x1, y0, y1 float64) {
	return tr.boundsOf(frac, func(*Curve) bool { return true }, extra...)
}

// boundsOf is bounds counting only the curves for which use is true.
func (tr *Trajectories) boundsOf(frac float64, use func(*Curve) bool, extra ...[]float64) (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	add := func(x, y float64) {
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			return
		}
		x0, x1 = math.Min(x0, x), math.Max(x1, x)
		y0, y1 = math.Min(y0, y), math.Max(y1, y)
	}
	for _, th := range tr.GD {
		add(th[0], th[1])
	}
	for _, c := range tr.Curves {
		if !use(c) {
			continue
		}
		for _, th := range c.Theta {
			add(real(th[0]), real(th[1]))
		}
	}
	for _, e := range extra {
		add(e[0], e[1])
	}
	dx, dy := (x1-x0)*frac, (y1-y0)*frac
	if dx == 0 {
		dx = 0.1
	}
	if dy == 0 {
		dy = 0.1
	}
	return x0 - dx, x1 + dx, y0 - dy, y1 + dy
}

// paramPanel draws a 2-D problem's loss contours, GD iterates, the real part
// of each flow's trajectory, the start point and the problem's known minima.
func (tr *Trajectories) paramPanel(title string) *plot.Plot {
	var extra [][]float64
	for _, m := range tr.Problem.Minima {
		extra = append(extra, m.X)
	}
	x0, x1, y0, y1 := tr.bounds(0.08, extra...)
	return tr.paramPanelIn(title, x0, x1, y0, y1)
}

// paramPanelIn is paramPanel on the box [x0, x1]×[y0, y1]; lines leaving it
// are clipped.
func (tr *Trajectories) paramPanelIn(title string, x0, x1, y0, y1 float64) *plot.Plot {
	p := newPlot(title, "θ₁ (real part for the PF)", "θ₂ (real part for the PF)")
	f := tr.Problem.Real.Func
	g := newGrid(func(x, y float64) float64 { return f([]float64{x, y}) }, x0, x1, y0, y1, 160, 160)
	addContours(p, g, contourLevels(g, 16))
	// The principal flows first: their real parts sweep back and forth
	// through the GD iterates and would hide the other lines.
	for k := len(tr.Curves) - 1; k >= 0; k-- {
		c := tr.Curves[k]
		ls := flowStyle(c.Label)
		if strings.HasPrefix(c.Label, "PF") {
			if tr.StepMarkers {
				addDots(p, stepXY(c, func(th []complex128) (float64, float64) { return real(th[0]), real(th[1]) }),
					ls.Color, draw.RingGlyph{}, vg.Points(3), false, c.Label+" at t = nh")
				continue
			}
			ls.Width = vg.Points(0.9)
		}
		addLine(p, curveXY(c, func(th []complex128) (float64, float64) { return real(th[0]), real(th[1]) }),
			ls, c.Label)
	}
	gdDots(p, iterXY(tr.GD, func(th []float64) (float64, float64) { return th[0], th[1] }), "GD iterates")
	markStart(p, tr.X0[0], tr.X0[1])
	for _, m := range tr.Problem.Saddles {
		markSaddle(p, m.X[0], m.X[1])
	}
	for i, m := range tr.Problem.Minima {
		lab := ""
		if i == 0 {
			lab = "minimum"
		}
		markMin(p, m.X[0], m.X[1], lab)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
	return p
}

// timePanel draws component i of GD and of every flow (part re or im; for
// im, GD is zero and drawn as such) against the step number t/h.
func (tr *Trajectories) timePanel(title, ylabel string, i int, im bool) *plot.Plot {
	p := newPlot(title, "step n = t/h", ylabel)
	for _, c := range tr.Curves {
		pts := make(plotter.XYs, 0, len(c.T))
		for k, th := range c.Theta {
			v := real(th[i])
			if im {
				v = imag(th[i])
			}
			pts = append(pts, plotter.XY{X: c.T[k] / tr.H, Y: v})
		}
		addLine(p, pts, flowStyle(c.Label), c.Label)
	}
	pts := make(plotter.XYs, len(tr.GD))
	for n, th := range tr.GD {
		pts[n] = plotter.XY{X: float64(n), Y: th[i]}
		if im {
			pts[n].Y = 0
		}
	}
	gdDots(p, pts, "GD iterates")
	return p
}

// errorPanel draws verify.Compare's distance ‖θ_flow(nh) − θ_n‖₂ against n
// on a logarithmic axis; zero distances are drawn at floor.
func (tr *Trajectories) errorPanel(title string, floor float64) *plot.Plot {
	p := newPlot(title, "step n", "||θ_flow(nh) − θ_n||")
	logAxis(&p.Y)
	ymax := floor
	for k, r := range tr.Checks {
		if r == nil {
			continue
		}
		pts := make(plotter.XYs, 0, len(r.Points))
		// Only the steps the dense curve reached: where the integration
		// failed, the comparison's last states are not meaningful.
		last := (len(tr.Curves[k].Theta) - 1) / tr.Curves[k].PerStep
		for _, pt := range r.Points {
			if pt.N == 0 || pt.N > last || math.IsNaN(pt.Error) || math.IsInf(pt.Error, 0) {
				continue
			}
			e := math.Max(pt.Error, floor)
			ymax = math.Max(ymax, e)
			pts = append(pts, plotter.XY{X: float64(pt.N), Y: e})
		}
		addLine(p, pts, flowStyle(tr.Curves[k].Label), tr.Curves[k].Label)
	}
	p.Y.Min = floor
	p.Y.Max = ymax * 3
	// Right-hand side, a third of the way down: clear of the distances of
	// NGF and IGR (large) and of the PF (round-off) in figures 1 and 2.
	p.Legend.Top = true
	p.Legend.YOffs = -vg.Inch * 1.4
	return p
}

func curveXY(c *Curve, f func([]complex128) (float64, float64)) plotter.XYs {
	pts := make(plotter.XYs, 0, len(c.Theta))
	for _, th := range c.Theta {
		x, y := f(th)
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: x, Y: y})
	}
	return pts
}

// stepXY maps the curve's states at the GD steps t = nh.
func stepXY(c *Curve, f func([]complex128) (float64, float64)) plotter.XYs {
	var pts plotter.XYs
	for k := 0; k < len(c.Theta); k += c.PerStep {
		x, y := f(c.Theta[k])
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: x, Y: y})
	}
	return pts
}

func iterXY(it [][]float64, f func([]float64) (float64, float64)) plotter.XYs {
	pts := make(plotter.XYs, 0, len(it))
	for _, th := range it {
		x, y := f(th)
		pts = append(pts, plotter.XY{X: x, Y: y})
	}
	return pts
}

// contourLevels returns n levels: geometrically spaced from 1e−4 of the
// largest value to the largest when the function is non-negative on the grid
// (losses with minimum value 0, whose level sets near the minimum would be
// lost on a linear scale), the quantiles of gridQuantiles otherwise.
func contourLevels(g *grid, n int) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, col := range g.z {
		for _, z := range col {
			lo, hi = math.Min(lo, z), math.Max(hi, z)
		}
	}
	if lo >= 0 && hi > 0 {
		return geomLevels(hi*1e-4, hi, n)
	}
	return gridQuantiles(g, n)
}

// gridQuantiles returns n contour levels at the quantiles (k+½)/n of the
// grid values, so that level sets are spread over the drawn region whatever
// the scale of the loss.
func gridQuantiles(g *grid, n int) []float64 {
	var v []float64
	for _, col := range g.z {
		for _, z := range col {
			if !math.IsNaN(z) && !math.IsInf(z, 0) {
				v = append(v, z)
			}
		}
	}
	sort.Float64s(v)
	out := make([]float64, n)
	for k := range out {
		q := (float64(k) + 0.5) / float64(n)
		out[k] = v[int(q*float64(len(v)-1))]
	}
	return out
}

// notes returns remarks about flows that stopped early or GD that overflowed.
func (tr *Trajectories) notes() []string {
	var out []string
	if tr.Diverged {
		out = append(out, fmt.Sprintf("%s h=%g: GD overflowed after %d steps", tr.Problem.Name, tr.H, len(tr.GD)-1))
	}
	for _, c := range tr.Curves {
		if c.Err != nil {
			out = append(out, fmt.Sprintf("%s h=%g: %s stopped at t = %.4g (step %.3g): %s",
				tr.Problem.Name, tr.H, c.Label, c.T[len(c.T)-1], c.T[len(c.T)-1]/tr.H, stopReason(c.Err)))
		}
	}
	return out
}

// cabs is the Euclidean norm of a complex vector.
func cabs(v []complex128) float64 {
	s := 0.0
	for _, z := range v {
		a := cmplx.Abs(z)
		s += a * a
	}
	return math.Sqrt(s)
}

// curveCheck measures the distance of a curve to the GD iterates at every
// step it reached, in the form of verify.Result.
func curveCheck(c *Curve, gd [][]float64) *verify.Result {
	r := &verify.Result{Flow: c.Flow, H: c.H, N: len(gd) - 1}
	for n, th := range gd {
		f := c.AtStep(n)
		if f == nil {
			break
		}
		d := make([]complex128, len(th))
		for i := range th {
			d[i] = f[i] - complex(th[i], 0)
		}
		e := cabs(d)
		r.Points = append(r.Points, verify.Point{N: n, T: float64(n) * c.H, Flow: f, GD: th, Error: e})
		r.MaxError = math.Max(r.MaxError, e)
	}
	return r
}

// stopReason says in a few words why an integration stopped.
func stopReason(err error) string {
	switch {
	case errors.Is(err, ode.ErrNonFinite):
		return "the state or the error estimate became non-finite (a pole of the flow)"
	case errors.Is(err, ode.ErrMaxSteps):
		return fmt.Sprintf("the step size collapsed (%d attempted steps)", curveMaxSteps)
	case errors.Is(err, ode.ErrStepTooSmall):
		return "the step size fell below its floor"
	}
	return err.Error()
}
