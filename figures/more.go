package figures

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
)

// Parameters of figure 6: doublewell at h = 0.3 from θ₀ = 0.1 in the sharp
// well (E″ ≈ 24.3 there, so hλ ≈ 7.3; the wide well at θ = 2 has E″ ≈ 1.2,
// hλ ≈ 0.36).
const (
	dwH     = 0.3
	dwSteps = 30
)

// doublewellFigure is figure 6.
func doublewellFigure() (*Result, error) {
	p, err := problems.ByName("doublewell")
	if err != nil {
		return nil, err
	}
	tr, err := NewTrajectories(p, dwH, dwSteps, 20, nil, paperFlows)
	if err != nil {
		return nil, err
	}
	m, err := stability.NewGDMap(p)
	if err != nil {
		return nil, err
	}
	hExit, _, okExit, err := stability.BasinExit(m, p.X0[0], -0.5, 0.5, linspace(0.05, 1, 96), 500)
	if err != nil {
		return nil, err
	}
	sharp := p.Minima[0]
	// Landscape with the GD path on it.
	land := newPlot("the loss and where GD goes", "θ", "E(θ)")
	var curve plotter.XYs
	for _, x := range linspace(-1, 3, 400) {
		curve = append(curve, plotter.XY{X: x, Y: p.Real.Func([]float64{x})})
	}
	addLine(land, curve, draw.LineStyle{Color: colGrey, Width: vg.Points(1.2)}, "E(θ)")
	var path plotter.XYs
	for _, th := range tr.GD {
		path = append(path, plotter.XY{X: th[0], Y: p.Real.Func(th)})
	}
	gdDots(land, path, "GD iterates on the loss")
	markStart(land, p.X0[0], p.Real.Func(p.X0))
	for i, mn := range p.Minima {
		lab := ""
		if i == 0 {
			lab = "minima"
		}
		markMin(land, mn.X[0], mn.E, lab)
	}
	land.Legend.Top = true
	land.Legend.Left = false

	re := tr.timePanel("θ against the step (real part for the PF)", "θ", 0, false)
	im := tr.timePanel("Im θ: the PF leaves the real line", "Im θ", 0, true)
	for _, q := range []*plot.Plot{re, im} {
		q.Legend = plot.NewLegend()
	}
	re.Y.Min, re.Y.Max = -1, 2.5
	hline(re, sharp.X[0], 0, dwSteps, colLight, "")
	hline(re, 2, 0, dwSteps, colLight, "")
	notes := tr.notes()
	if okExit {
		notes = append(notes, fmt.Sprintf("GD from θ₀ = %g leaves the sharp well for h > %.6g (stability.BasinExit); 2/E″ = %.4g",
			p.X0[0], hExit, 2/m.Curv(sharp.X[0])))
	}
	return &Result{
		Panels: [][]*plot.Plot{{land, re}, {im, flowLegend(tr)}},
		Width:  10 * vg.Inch, Height: 7 * vg.Inch,
		Data:  tr.Table(),
		Notes: notes,
	}, nil
}

// Parameters of figure 7: the saddle x² − y² (eigenvalues 2 and −2) at
// h = 0.6 (hλ = 1.2 and −1.2) from (1, 0.01), near the stable manifold y = 0.
const (
	saddleH     = 0.6
	saddleSteps = 7
)

// saddleFigure is figure 7.
func saddleFigure() (*Result, error) {
	p, err := problems.ByName("saddle")
	if err != nil {
		return nil, err
	}
	tr, err := NewTrajectories(p, saddleH, saddleSteps, 40, nil, []FlowSpec{{Name: "ngf"}, {Name: "pf"}})
	if err != nil {
		return nil, err
	}
	x0, x1, y0, y1 := tr.boundsOf(0.08, func(c *Curve) bool { return c.Flow == "pf" }, p.Saddles[0].X)
	left := tr.paramPanelIn(fmt.Sprintf("E = θ₁² − θ₂², h = %g: escape from the saddle", saddleH), x0, x1, y0, y1)
	left.Legend.Top = true
	left.Legend.Left = false
	// Escape: distance from the saddle along the unstable direction.
	right := newPlot("|θ₂| (unstable direction) against the step", "step n = t/h", "|θ₂|")
	logAxis(&right.Y)
	for _, c := range tr.Curves {
		var pts plotter.XYs
		for k, th := range c.Theta {
			if k == 0 {
				continue
			}
			pts = append(pts, plotter.XY{X: c.T[k] / tr.H, Y: math.Abs(real(th[1]))})
		}
		addLine(right, pts, flowStyle(c.Label), c.Label)
	}
	gd := make(plotter.XYs, len(tr.GD))
	for n, th := range tr.GD {
		gd[n] = plotter.XY{X: float64(n), Y: math.Abs(th[1])}
	}
	gdDots(right, gd, "GD: |θ₂| grows by 1 + h·2 = 2.2 per step")
	right.Legend.Top = true
	right.Legend.Left = true
	return &Result{
		Panels: [][]*plot.Plot{{left, right}},
		Width:  10 * vg.Inch, Height: 4.5 * vg.Inch,
		Data:  tr.Table(),
		Notes: tr.notes(),
	}, nil
}

// Parameters of figure 8: Rosenbrock (1 − x)² + 100(y − x²)² at h = 0.0021,
// just above 2/λ_max = 0.001997 at the minimum (1, 1). From (0.95, y₀) the
// curvature across the valley, about 200(1 + 4x²), gives hλ ≈ 1.9: GD flips
// across the valley at every step. Two starts: a small offset from the valley
// floor (y₀ = 0.91, the PF follows GD) and a large one (y₀ = 0.95, the PF
// departs).
const (
	rosenH     = 0.0021
	rosenSteps = 400
)

var rosenStarts = [][]float64{{0.95, 0.91}, {0.95, 0.95}}

// rosenbrockRow computes one start of figure 8 and draws its three panels.
func rosenbrockRow(p *problems.Problem, x0 []float64) (*Trajectories, []*plot.Plot, error) {
	tr, err := NewTrajectories(p, rosenH, rosenSteps, 4, x0, []FlowSpec{{Name: "ngf"}, {Name: "pf"}})
	if err != nil {
		return nil, nil, err
	}
	tr.StepMarkers = true
	// The box of GD and the NGF: a PF that departs from GD is clipped.
	bx0, bx1, by0, by1 := tr.boundsOf(0.08, func(c *Curve) bool { return c.Flow == "ngf" })
	left := tr.paramPanelIn(fmt.Sprintf("from (%g, %g): parameter space", x0[0], x0[1]), bx0, bx1, by0, by1)
	left.Legend.Top = true
	left.Legend.Left = true
	right := newPlot("across the valley: θ₂ − θ₁² (real part for the PF)", "step n = t/h", "θ₂ − θ₁²")
	for _, c := range tr.Curves {
		across := func(th []complex128) (float64, float64) { return 0, real(th[1] - th[0]*th[0]) }
		if c.Flow == "pf" {
			pts := stepXY(c, across)
			for n := range pts {
				pts[n].X = float64(n)
			}
			addDots(right, pts, colPF, draw.RingGlyph{}, vg.Points(2.5), false, c.Label+" at t = nh")
			continue
		}
		var pts plotter.XYs
		for k, th := range c.Theta {
			_, v := across(th)
			pts = append(pts, plotter.XY{X: c.T[k] / tr.H, Y: v})
		}
		addLine(right, pts, flowStyle(c.Label), c.Label)
	}
	gd := make(plotter.XYs, len(tr.GD))
	for n, th := range tr.GD {
		gd[n] = plotter.XY{X: float64(n), Y: th[1] - th[0]*th[0]}
	}
	gdDots(right, gd, "GD iterates")
	right.Legend.Top = true
	right.Y.Min, right.Y.Max = 1.4*minY(gd), 1.4*maxY(gd)
	er := tr.errorPanel("distance to GD at t = nh", 1e-6)
	er.Y.Max = 10
	er.Legend.Top = true
	er.Legend.YOffs = 0
	er.Legend.Left = false
	return tr, []*plot.Plot{left, right, er}, nil
}

// rosenbrockFigure is figure 8.
func rosenbrockFigure() (*Result, error) {
	p, err := problems.ByName("rosenbrock")
	if err != nil {
		return nil, err
	}
	res := &Result{Width: 12 * vg.Inch, Height: 6.6 * vg.Inch}
	for i, x0 := range rosenStarts {
		tr, row, err := rosenbrockRow(p, x0)
		if err != nil {
			return nil, err
		}
		res.Panels = append(res.Panels, row)
		res.Notes = append(res.Notes, tr.notes()...)
		tab := tr.Table()
		if res.Data == nil {
			res.Data = NewTable(tab.Columns...)
		}
		for _, r := range tab.Rows {
			res.Data.Rows = append(res.Data.Rows, Row{Series: fmt.Sprintf("start%d:%s", i+1, r.Series), Values: r.Values})
		}
	}
	return res, nil
}
