package figures

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

// Parameters of figure 9: the local (one-step) error of each flow on
// log cosh θ from θ₀ = 0.5 at h = 0.4, 0.2, …, 0.4/2⁶ (docs/theory.md lists the
// expected orders on this problem).
const (
	backwardProblem  = "logcosh"
	backwardH0       = 0.4
	backwardHalvings = 6
)

var backwardX0 = []float64{0.5}

// backwardFlows are the flows of figure 9 with the slope each should show
// (local error O(h^(q+2)) for BEA of order q; PF 3, PF+np 4).
var backwardFlows = []struct {
	name  string
	slope float64
}{{"ngf", 2}, {"igr", 3}, {"bea3", 4}, {"pf", 3}, {"pf+np", 4}}

// BackwardErrors returns verify.LocalOrder for each flow of figure 9.
func BackwardErrors() ([]*verify.Order, error) {
	p, err := problems.ByName(backwardProblem)
	if err != nil {
		return nil, err
	}
	var out []*verify.Order
	for _, f := range backwardFlows {
		o, err := verify.LocalOrder(p, f.name, backwardH0, backwardHalvings, backwardX0, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		out = append(out, o)
	}
	return out, nil
}

// backwardFigure is figure 9.
func backwardFigure() (*Result, error) {
	ords, err := BackwardErrors()
	if err != nil {
		return nil, err
	}
	t := NewTable("h", "error", "integrator_error", "fitted_slope", "expected_slope")
	p := newPlot("one-step error ||θ_flow(h) − θ₁|| on log cosh θ from θ₀ = 0.5", "learning rate h", "local error")
	logAxis(&p.Y)
	logAxis(&p.X)
	var notes []string
	hmin, hmax := math.Inf(1), math.Inf(-1)
	for k, o := range ords {
		f := backwardFlows[k]
		lab := Label(f.name, nil)
		if f.name == "pf" {
			lab = "PF"
		}
		pts := make(plotter.XYs, len(o.H))
		for i, h := range o.H {
			pts[i] = plotter.XY{X: h, Y: o.Err[i]}
			t.Add(f.name, h, o.Err[i], o.IntegratorErr[i], o.Slope, f.slope)
			hmin, hmax = math.Min(hmin, h), math.Max(hmax, h)
		}
		ls := flowStyle(lab)
		addLine(p, pts, ls, fmt.Sprintf("%s: slope %.2f (expected %g)", lab, o.Slope, f.slope))
		s, _ := plotter.NewScatter(pts)
		s.GlyphStyle = draw.GlyphStyle{Color: ls.Color, Shape: draw.CircleGlyph{}, Radius: vg.Points(2)}
		p.Add(s)
		notes = append(notes, fmt.Sprintf("%s: observed local order %.3f (expected %g)", f.name, o.Slope, f.slope))
	}
	// Reference slopes 2, 3, 4, each a factor 4 below the lowest flow of
	// that expected order at the smallest h.
	for _, s := range []float64{2, 3, 4} {
		y0 := math.Inf(1)
		for k, o := range ords {
			if backwardFlows[k].slope == s {
				y0 = math.Min(y0, o.Err[len(o.Err)-1]/4)
			}
		}
		a := y0 / math.Pow(hmin, s)
		ref := plotter.XYs{{X: hmin, Y: y0}, {X: hmax, Y: a * math.Pow(hmax, s)}}
		addLine(p, ref, draw.LineStyle{Color: colGrey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}, "")
		lab, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: hmin, Y: y0}}, Labels: []string{fmt.Sprintf("slope %g", s)}})
		lab.TextStyle[0].Font.Size = vg.Points(8)
		lab.TextStyle[0].XAlign = draw.XRight
		lab.Offset.X = -vg.Points(3)
		p.Add(lab)
		t.Add(fmt.Sprintf("reference-slope-%g", s), hmin, y0, math.NaN(), s, s)
		t.Add(fmt.Sprintf("reference-slope-%g", s), hmax, a*math.Pow(hmax, s), math.NaN(), s, s)
	}
	p.Legend.Left = true
	p.Legend.Top = true
	p.X.Min = hmin / 2.5
	return &Result{
		Panels: [][]*plot.Plot{{p}},
		Width:  7 * vg.Inch, Height: 5 * vg.Inch,
		Data:  t,
		Notes: notes,
	}, nil
}
