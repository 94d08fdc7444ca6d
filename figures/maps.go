package figures

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
)

// Parameters of figure 10: the GD map of the cubic θ²/2 + θ³/3 (conjugate
// to the logistic map with r = 1 + h, see stability.GDMap) for h in
// [1.5, 3], started at θ₀ = 0.1.
const (
	bifProblem = "cubic"
	bifLo      = 1.5
	bifHi      = 3.0
	bifN       = 500
	bifTheta0  = 0.1
)

// Bifurcation returns the attractors of the GD map of figure 10 on n + 1
// equally spaced learning rates and the period doublings found by
// stability.GDMap.PeriodDoublings, with the curvature E″(θ*) at the minimum.
func Bifurcation(n int) (att []stability.Attractor, dbl []stability.Doubling, curv float64, err error) {
	p, err := problems.ByName(bifProblem)
	if err != nil {
		return nil, nil, 0, err
	}
	m, err := stability.NewGDMap(p)
	if err != nil {
		return nil, nil, 0, err
	}
	s := &stability.MapSettings{Transient: 1000, Samples: 64}
	att, err = m.Bifurcation(linspace(bifLo, bifHi, n+1), bifTheta0, s)
	if err != nil {
		return nil, nil, 0, err
	}
	dbl, err = m.PeriodDoublings(bifLo, bifHi, 300, bifTheta0, s)
	if err != nil {
		return nil, nil, 0, err
	}
	return att, dbl, m.Curv(p.Minima[0].X[0]), nil
}

// bifurcationFigure is figure 10.
func bifurcationFigure() (*Result, error) {
	att, dbl, curv, err := Bifurcation(bifN)
	if err != nil {
		return nil, err
	}
	t := NewTable("h", "theta", "period", "lyapunov")
	var pts plotter.XYs
	var ly plotter.XYs
	for _, a := range att {
		for _, th := range a.Orbit {
			pts = append(pts, plotter.XY{X: a.H, Y: th})
			t.Add("orbit", a.H, th, float64(a.Period), a.Lyapunov)
		}
		l := a.Lyapunov
		if math.IsInf(l, -1) {
			l = -3
		}
		ly = append(ly, plotter.XY{X: a.H, Y: math.Max(l, -3)})
	}
	edge := 2 / curv
	top := newPlot("GD on E = θ²/2 + θ³/3: where the iterates settle", "", "θ (last 64 of 1064 iterates)")
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{0, 0, 0, 90}, Shape: draw.CircleGlyph{}, Radius: vg.Points(0.45)}
	top.Add(s)
	ymin, ymax := -1.0, 0.8
	vline(top, edge, ymin, ymax, colPF, fmt.Sprintf("h = 2/λ = %g: the minimum loses stability", edge))
	var cascade []stability.Doubling // the doublings 1→2→4→8 of the main branch
	for _, d := range dbl {
		t.Add("doubling", d.H, math.NaN(), float64(d.From), math.NaN())
		if d.From >= 2 && d.From&(d.From-1) == 0 { // 2→4→8…
			cascade = append(cascade, d)
		}
	}
	for _, d := range cascade {
		if d.From <= 8 {
			vline(top, d.H, ymin, ymax, colGrey, "")
		}
	}
	if len(cascade) >= 2 {
		top.Legend.Add(fmt.Sprintf("period doublings 2→4, 4→8, …: h = %.4f, %.4f, …", cascade[0].H, cascade[1].H),
			lineThumb(draw.LineStyle{Color: colGrey, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}))
	}
	top.Y.Min, top.Y.Max = ymin, ymax
	top.X.Min, top.X.Max = bifLo, bifHi
	top.Legend.Left = true
	top.Legend.Top = false

	bot := newPlot("Lyapunov exponent of the GD orbit (> 0: chaos)", "learning rate h", "Lyapunov exponent")
	hline(bot, 0, bifLo, bifHi, colGrey, "")
	vline(bot, edge, -3, 1, colPF, "")
	addLine(bot, ly, draw.LineStyle{Color: colNGF, Width: vg.Points(0.8)}, "")
	bot.Y.Min, bot.Y.Max = -3, 1
	bot.X.Min, bot.X.Max = bifLo, bifHi
	var notes []string
	for _, d := range dbl {
		notes = append(notes, fmt.Sprintf("period doubling %d→%d at h = %.10g", d.From, 2*d.From, d.H))
	}
	return &Result{
		Panels:  [][]*plot.Plot{{top}, {bot}},
		Aligned: true,
		Width:   7 * vg.Inch, Height: 6.5 * vg.Inch,
		Data:  t,
		Notes: notes,
	}, nil
}
