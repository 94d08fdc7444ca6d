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

// Parameters of figure 11: full-batch GD on a tanh MLP 10 → 20 → 3
// (d = 283) fitted to 128 seeded samples, at h = 0.6 (edge 2/h = 3.33),
// the set-up in which package stability's tests establish progressive
// sharpening and the edge of stability.
const (
	eosSpec     = "mlp:n=128,in=10,hidden=20,out=3,seed=1"
	eosRate     = 0.6
	eosSteps    = 1000
	eosEvery    = 10
	eosDALSteps = 600
	eosDALEvery = 20
)

// eosDALPowers are the DAL powers of figure 11 (p = 0 is plain GD).
var eosDALPowers = []float64{0, 1, 2}

// EdgeOfStability returns the tracked GD run of figure 11
// (stability.Track) and the DAL-p runs (stability.SweepDAL).
func EdgeOfStability() (*stability.Trajectory, []stability.DALRun, error) {
	p, err := problems.ByName(eosSpec)
	if err != nil {
		return nil, nil, err
	}
	tr, err := stability.Track(p, eosRate, p.Start(), &stability.TrackSettings{Steps: eosSteps, Every: eosEvery})
	if err != nil {
		return nil, nil, err
	}
	runs, err := stability.SweepDAL(p, eosRate, p.Start(), eosDALPowers, stability.DAL{}, &stability.TrackSettings{Steps: eosDALSteps, Every: eosDALEvery})
	if err != nil {
		return nil, nil, err
	}
	return tr, runs, nil
}

var dalColours = []color.Color{colGD, colNGF, colIGR, colPF, colBEA3, colPFPrin}

// eosFigure is figure 11.
func eosFigure() (*Result, error) {
	tr, runs, err := EdgeOfStability()
	if err != nil {
		return nil, err
	}
	t := NewTable("p", "step", "loss", "rate", "sharpness", "edge", "grad_proj")
	edge := 2 / eosRate
	var lam, proj plotter.XYs
	for _, s := range tr.Samples {
		lam = append(lam, plotter.XY{X: float64(s.Step), Y: s.Sharpness})
		proj = append(proj, plotter.XY{X: float64(s.Step), Y: s.GradProj})
		t.Add("gd-sample", 0, float64(s.Step), s.Loss, s.Rate, s.Sharpness, 2/s.Rate, s.GradProj)
	}
	var loss plotter.XYs
	for n, l := range tr.Loss {
		loss = append(loss, plotter.XY{X: float64(n), Y: l})
		t.Add("gd-loss", 0, float64(n), l, eosRate, math.NaN(), edge, math.NaN())
	}
	a := newPlot("sharpness λ₀ of the Hessian against the edge 2/h", "step", "λ₀")
	if tr.Edge.Found {
		// The band first, so that the lines are drawn over it.
		poly, _ := plotter.NewPolygon(plotter.XYs{
			{X: float64(tr.Edge.Start), Y: 0.9 * edge}, {X: float64(tr.Edge.End), Y: 0.9 * edge},
			{X: float64(tr.Edge.End), Y: 1.1 * edge}, {X: float64(tr.Edge.Start), Y: 1.1 * edge}})
		poly.Color = color.RGBA{250, 225, 210, 255}
		poly.LineStyle.Width = 0
		a.Add(poly)
		a.Legend.Add(fmt.Sprintf("edge of stability: |λ₀h/2 − 1| ≤ 0.1, steps %d–%d", tr.Edge.Start, tr.Edge.End), poly)
	}
	hline(a, edge, 0, eosSteps, colPF, fmt.Sprintf("2/h = %.3g", edge))
	addLine(a, lam, draw.LineStyle{Color: colNGF, Width: vg.Points(1.4)}, "λ₀ (Lanczos every 10 steps)")
	a.Legend.Top = false
	a.Y.Min = 0

	b := newPlot("training loss (GD, h = 0.6)", "step", "loss")
	logAxis(&b.Y)
	addLine(b, loss, draw.LineStyle{Color: colGD, Width: vg.Points(1)}, "")
	if tr.Sharpening.Found {
		vline(b, float64(tr.Sharpening.End), minY(loss), maxY(loss), colPF, fmt.Sprintf("λ₀ reaches 2/h (step %d)", tr.Sharpening.End))
	}

	b.Legend.Top = true

	c := newPlot("gradient along the top eigenvector, gᵀu₀", "step", "gᵀu₀")
	hline(c, 0, 0, eosSteps, colGrey, "")
	addLine(c, proj, draw.LineStyle{Color: colNGF, Width: vg.Points(1)}, "")
	gs, _ := plotter.NewScatter(proj)
	gs.GlyphStyle = draw.GlyphStyle{Color: colNGF, Shape: draw.CircleGlyph{}, Radius: vg.Points(1.2)}
	c.Add(gs)

	d := newPlot(fmt.Sprintf("DAL-p: h_n = min(2/(||Hg|| / ||g||)^p, 5), %d steps", eosDALSteps), "step", "loss")
	logAxis(&d.Y)
	for k, r := range runs {
		var pts plotter.XYs
		for n, l := range r.Trajectory.Loss {
			pts = append(pts, plotter.XY{X: float64(n), Y: l})
			rate := math.NaN()
			if n < len(r.Trajectory.Rates) {
				rate = r.Trajectory.Rates[n]
			}
			t.Add(fmt.Sprintf("dal-p%g", r.P), r.P, float64(n), l, rate, math.NaN(), math.NaN(), math.NaN())
		}
		lab := fmt.Sprintf("p = %g: final %.2g, %d spikes", r.P, r.FinalLoss, r.Spikes)
		if r.P == 0 {
			lab = fmt.Sprintf("p = 0 (GD, h = %g): final %.2g, %d spikes", eosRate, r.FinalLoss, r.Spikes)
		}
		if r.Diverged {
			lab = fmt.Sprintf("p = %g: diverged", r.P)
		}
		addLine(d, pts, draw.LineStyle{Color: dalColours[k%len(dalColours)], Width: vg.Points(1)}, lab)
	}
	d.Legend.Top = true
	var notes []string
	sh, e := tr.Sharpening, tr.Edge
	notes = append(notes,
		fmt.Sprintf("progressive sharpening found: %v, λ₀ %.4g → %.4g between steps %d and %d", sh.Found, sh.From, sh.To, sh.Start, sh.End),
		fmt.Sprintf("edge of stability found: %v, steps %d–%d, mean λ₀h/2 = %.4f, max |λ₀h/2 − 1| = %.3f", e.Found, e.Start, e.End, e.MeanRatio, e.MaxDev))
	for _, r := range runs {
		notes = append(notes, fmt.Sprintf("DAL p=%g: final loss %.3g, spikes %d, max λ₀h %.3g, mean rate %.3g",
			r.P, r.FinalLoss, r.Spikes, r.MaxSharpnessRate, r.MeanRate))
	}
	return &Result{
		Panels: [][]*plot.Plot{{a, b}, {c, d}},
		Width:  11 * vg.Inch, Height: 7.5 * vg.Inch,
		Data:    t,
		Notes:   notes,
		Aligned: false,
	}, nil
}

func minY(pts plotter.XYs) float64 {
	m := math.Inf(1)
	for _, q := range pts {
		m = math.Min(m, q.Y)
	}
	return m
}

func maxY(pts plotter.XYs) float64 {
	m := math.Inf(-1)
	for _, q := range pts {
		m = math.Max(m, q.Y)
	}
	return m
}
