package figures

import (
	"fmt"
	"image/color"
	"math"
	"math/cmplx"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// Parameters of the truncation-order figure (bea-truncation): bea:K for K = 0…8 on log cosh
// and the quartic from θ₀ = 0.5, one step and bseriesSteps steps, at the
// learning rates bseriesH.
const (
	bseriesSteps = 5
	bseriesX0    = 0.5
)

var (
	bseriesH        = []float64{0.2, 0.4, 0.8}
	bseriesProblems = []string{"logcosh", "quartic"}
	bseriesHColors  = []color.Color{color.RGBA{0, 114, 178, 255}, color.RGBA{0, 158, 115, 255}, color.RGBA{213, 94, 0, 255}}
)

// bseriesDistances returns the distance to GD of flow name at steps 1 and
// n (NaN where the integration stopped before).
func bseriesDistances(p *problems.Problem, name string, h float64, gd [][]float64) (one, n float64, err error) {
	c, err := FlowCurve(p, name, h, bseriesSteps, 1, []float64{bseriesX0}, nil)
	if err != nil {
		return 0, 0, err
	}
	dist := func(k int) float64 {
		y := c.AtStep(k)
		if y == nil || k >= len(gd) {
			return math.NaN()
		}
		s := 0.0
		for i := range y {
			d := cmplx.Abs(y[i] - complex(gd[k][i], 0))
			s += d * d
		}
		return math.Sqrt(s)
	}
	return dist(1), dist(bseriesSteps), nil
}

func bseriesFigure() (*Result, error) {
	t := NewTable("h", "K", "one_step", "n_step")
	var rows [][]*plot.Plot
	var notes []string
	for _, name := range bseriesProblems {
		p, err := problems.ByName(name)
		if err != nil {
			return nil, err
		}
		left := newPlot(fmt.Sprintf("%s: one step", name), "truncation order K (bea:K keeps h^K)", "‖θ_flow(h) − θ₁‖")
		right := newPlot(fmt.Sprintf("%s: %d steps", name, bseriesSteps), "truncation order K", fmt.Sprintf("‖θ_flow(%dh) − θ_%d‖", bseriesSteps, bseriesSteps))
		for _, pl := range []*plot.Plot{left, right} {
			logAxis(&pl.Y)
			pl.X.Min, pl.X.Max = -0.3, modified.MaxBEAK+0.3
		}
		for hi, h := range bseriesH {
			gd, _, err := GDIterates(p, h, bseriesSteps, []float64{bseriesX0})
			if err != nil {
				return nil, err
			}
			var ks, d1, dn []float64
			bestK, best := -1, math.Inf(1)
			for K := 0; K <= modified.MaxBEAK; K++ {
				a, b, err := bseriesDistances(p, fmt.Sprintf("bea:%d", K), h, gd)
				if err != nil {
					return nil, err
				}
				if math.IsNaN(a) || math.IsNaN(b) {
					notes = append(notes, fmt.Sprintf("%s h=%g bea:%d: integration stopped early", name, h, K))
				}
				ks, d1, dn = append(ks, float64(K)), append(d1, a), append(dn, b)
				t.Add(fmt.Sprintf("%s/h=%g/bea", name, h), h, float64(K), a, b)
				if b < best {
					best, bestK = b, K
				}
			}
			notes = append(notes, fmt.Sprintf("%s h=%g: smallest %d-step distance %.3g at K = %d", name, h, bseriesSteps, best, bestK))
			ls := draw.LineStyle{Color: bseriesHColors[hi], Width: vg.Points(1.6)}
			for j, pl := range []*plot.Plot{left, right} {
				d := [][]float64{d1, dn}[j]
				pts := xys(ks, d)
				addLine(pl, pts, ls, fmt.Sprintf("bea:K, h = %g", h))
				s, _ := plotter.NewScatter(pts)
				s.GlyphStyle = draw.GlyphStyle{Color: ls.Color, Shape: draw.CircleGlyph{}, Radius: vg.Points(2)}
				pl.Add(s)
			}
			for _, ref := range []struct {
				flow   string
				dashes []vg.Length
			}{{"pf", []vg.Length{vg.Points(5), vg.Points(3)}}, {"pf+np", []vg.Length{vg.Points(1), vg.Points(2)}}} {
				a, b, err := bseriesDistances(p, ref.flow, h, gd)
				if err != nil {
					return nil, err
				}
				t.Add(fmt.Sprintf("%s/h=%g/%s", name, h, ref.flow), h, math.NaN(), a, b)
				rs := draw.LineStyle{Color: bseriesHColors[hi], Width: vg.Points(1), Dashes: ref.dashes}
				lab := ""
				if hi == 0 {
					lab = map[string]string{"pf": "PF (dashed)", "pf+np": "PF+np (dotted)"}[ref.flow]
				}
				for j, pl := range []*plot.Plot{left, right} {
					v := []float64{a, b}[j]
					if math.IsNaN(v) || v <= 0 {
						continue
					}
					addLine(pl, plotter.XYs{{X: 0, Y: v}, {X: modified.MaxBEAK, Y: v}}, rs, lab)
				}
			}
		}
		for _, pl := range []*plot.Plot{left, right} {
			pl.Legend.Top = false
			pl.Legend.Left = true
		}
		rows = append(rows, []*plot.Plot{left, right})
	}
	return &Result{
		Panels: rows,
		Width:  10 * vg.Inch, Height: 8 * vg.Inch,
		Data:  t,
		Notes: notes,
	}, nil
}
