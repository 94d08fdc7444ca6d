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

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
)

// regimeOrder lists the regimes of package stability in increasing hλ.
var regimeOrder = []stability.Regime{
	stability.RegimeNegativeCurvature, stability.RegimeFlat, stability.RegimeStable,
	stability.RegimeCritical, stability.RegimeOscillatingConvergent, stability.RegimePeriodTwo,
	stability.RegimeDivergent,
}

// regimeIndex returns the position of r in regimeOrder, or −1.
func regimeIndex(r stability.Regime) int {
	for i, q := range regimeOrder {
		if q == r {
			return i
		}
	}
	return -1
}

// regimeFill is the shading of the interval regimes.
var regimeFill = map[stability.Regime]color.Color{
	stability.RegimeNegativeCurvature:     color.RGBA{255, 235, 205, 255},
	stability.RegimeStable:                color.RGBA{220, 240, 220, 255},
	stability.RegimeOscillatingConvergent: color.RGBA{220, 232, 250, 255},
	stability.RegimeDivergent:             color.RGBA{250, 220, 220, 255},
}

// PhiCurve samples the stability coefficient φ(z) = log(1 − z)/z of the
// principal flow (linalg.Phi, principal branch) at n points of [lo, hi], and
// the regime of each z (stability.Classify).
type PhiCurve struct {
	Z       []float64
	Phi     []complex128
	Regimes []stability.Regime
}

// NewPhiCurve returns φ and the regimes at n equally spaced points of
// [lo, hi].
func NewPhiCurve(lo, hi float64, n int) *PhiCurve {
	c := &PhiCurve{Z: linspace(lo, hi, n)}
	c.Phi = make([]complex128, n)
	c.Regimes = make([]stability.Regime, n)
	for i, z := range c.Z {
		c.Phi[i] = linalg.Phi(complex(z, 0))
		c.Regimes[i] = stability.Classify(z)
	}
	return c
}

// shadeRegimes shades the interval regimes of c between y0 and y1 and draws
// the boundary regimes (single points) as vertical lines.
func shadeRegimes(p *plot.Plot, c *PhiCurve, y0, y1 float64) {
	i := 0
	for i < len(c.Z) {
		j := i
		for j+1 < len(c.Z) && c.Regimes[j+1] == c.Regimes[i] {
			j++
		}
		if col, ok := regimeFill[c.Regimes[i]]; ok {
			a, b := c.Z[i], c.Z[j]
			if i > 0 {
				a = (c.Z[i-1] + c.Z[i]) / 2
			}
			if j+1 < len(c.Z) {
				b = (c.Z[j] + c.Z[j+1]) / 2
			}
			poly, _ := plotter.NewPolygon(plotter.XYs{{X: a, Y: y0}, {X: b, Y: y0}, {X: b, Y: y1}, {X: a, Y: y1}})
			poly.Color = col
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		i = j + 1
	}
}

// regimeLabels writes the regime names at height y, centred on x (or
// starting at x when left is set).
func regimeLabels(p *plot.Plot, y float64, left bool, items []struct {
	x   float64
	txt string
}) {
	var xy plotter.XYs
	var txt []string
	for _, it := range items {
		xy = append(xy, plotter.XY{X: it.x, Y: y})
		txt = append(txt, it.txt)
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: txt})
	if err != nil {
		return
	}
	for k := range l.TextStyle {
		l.TextStyle[k].Font.Size = vg.Points(8)
		l.TextStyle[k].XAlign = draw.XCenter
		if left {
			l.TextStyle[k].XAlign = draw.XLeft
			l.Offset.X = vg.Points(4)
		}
	}
	p.Add(l)
}

// phiFigure is figure 3.
func phiFigure() (*Result, error) {
	c := NewPhiCurve(-1, 3, 2001)
	t := NewTable("z", "phi_re", "phi_im", "gf", "igr", "regime")
	re := make(plotter.XYs, 0, len(c.Z))
	im := make(plotter.XYs, 0, len(c.Z))
	gf := make(plotter.XYs, 0, len(c.Z))
	igr := make(plotter.XYs, 0, len(c.Z))
	const yLo, yHi = -6.0, 1.5
	for i, z := range c.Z {
		ph := c.Phi[i]
		t.Add("phi", z, real(ph), imag(ph), -1, -(1 + z/2), float64(regimeIndex(c.Regimes[i])))
		if !linalg.IsPhiPole(ph) && real(ph) > yLo-1 {
			re = append(re, plotter.XY{X: z, Y: real(ph)})
		}
		im = append(im, plotter.XY{X: z, Y: imag(ph)})
		gf = append(gf, plotter.XY{X: z, Y: -1})
		igr = append(igr, plotter.XY{X: z, Y: -(1 + z/2)})
	}
	top := newPlot("Re φ(hλ): the rate; Re φ > 0 means growth", "", "Re φ(hλ)")
	shadeRegimes(top, c, yLo, yHi)
	hline(top, 0, -1, 3, colGrey, "")
	// Split the real part at the pole z = 1 so the line does not jump.
	var left, right plotter.XYs
	for _, q := range re {
		if q.X < 1 {
			left = append(left, q)
		} else {
			right = append(right, q)
		}
	}
	addLine(top, gf, flowStyle("NGF"), "gradient flow (NGF): −1")
	addLine(top, igr, flowStyle("IGR"), "IGR: −(1 + hλ/2)")
	addLine(top, left, flowStyle("PF"), "PF: Re φ(hλ)")
	addLine(top, right, flowStyle("PF"), "")
	top.Y.Min, top.Y.Max = yLo, yHi
	top.X.Min, top.X.Max = -1, 3
	top.Legend.Left = true
	top.Legend.Top = false
	top.Legend.XOffs = vg.Points(4)
	top.Legend.YOffs = vg.Points(4)
	regimeLabels(top, 1.0, false, []struct {
		x   float64
		txt string
	}{{-0.5, "hλ < 0: escape"}, {0.5, "0 < hλ < 1:\nmonotone decay"}, {1.5, "1 < hλ < 2:\nsign flips, decay"}, {2.5, "hλ > 2:\nsign flips, growth"}})

	bot := newPlot("Im φ(hλ): the rotation (π/hλ per unit time for hλ > 1)", "hλ", "Im φ(hλ)")
	shadeRegimes(bot, c, -0.3, 3.5)
	addLine(bot, im, flowStyle("PF"), "PF: Im φ(hλ)")
	hline(bot, 0, -1, 3, colGrey, "")
	bot.Y.Min, bot.Y.Max = -0.3, 3.5
	bot.X.Min, bot.X.Max = -1, 3
	for _, b := range []float64{1, 2} {
		vline(top, b, yLo, yHi, color.Black, "")
		vline(bot, b, -0.3, 3.5, color.Black, "")
	}
	regimeLabels(bot, 3.1, true, []struct {
		x   float64
		txt string
	}{{1, "hλ = 1: GD lands\non the minimum"}, {2, "hλ = 2 (λ = 2/h):\nedge of stability"}})
	return &Result{
		Panels:  [][]*plot.Plot{{top}, {bot}},
		Aligned: true,
		Width:   7 * vg.Inch, Height: 7 * vg.Inch,
		Data: t,
	}, nil
}

// regimeZ are the values of hλ of figure 4, one per regime with a
// non-degenerate flow.
var regimeZ = []float64{-0.3, 0.5, 1.5, 2.0, 2.2}

// RegimeRun is one panel of figure 4: GD and the principal flow on the 1-D
// quadratic E = λθ²/2 with hλ = Z (h = 1), from θ₀ = 1.
type RegimeRun struct {
	Z      float64
	Regime stability.Regime
	*Trajectories
}

// NewRegimeRuns computes figure 4's data: n GD steps and the principal flow
// for each z of regimeZ.
func NewRegimeRuns(n int) ([]RegimeRun, error) {
	var out []RegimeRun
	for _, z := range regimeZ {
		p, err := problems.NewQuadratic(fmt.Sprintf("quadratic:hλ=%g", z), []float64{z}, nil, []float64{1})
		if err != nil {
			return nil, err
		}
		pt, err := stability.Analyze(p, 1, []float64{1}, nil)
		if err != nil {
			return nil, err
		}
		tr, err := NewTrajectories(p, 1, n, 40, nil, []FlowSpec{{Name: "pf"}})
		if err != nil {
			return nil, err
		}
		out = append(out, RegimeRun{Z: z, Regime: pt.Directions[0].Regime, Trajectories: tr})
	}
	return out, nil
}

// regimesFigure is figure 4.
func regimesFigure() (*Result, error) {
	runs, err := NewRegimeRuns(10)
	if err != nil {
		return nil, err
	}
	t := NewTable("z", "step", "gd", "pf_re", "pf_im", "pf_abs")
	var panels []*plot.Plot
	for _, r := range runs {
		p := newPlot(fmt.Sprintf("hλ = %g: %s", r.Z, r.Regime), "step n = t/h", "θ")
		c := r.Curves[0]
		var re, mod plotter.XYs
		for k, th := range c.Theta {
			s := c.T[k] / r.H
			re = append(re, plotter.XY{X: s, Y: real(th[0])})
			mod = append(mod, plotter.XY{X: s, Y: cmplx.Abs(th[0])})
			t.Add("pf", r.Z, s, math.NaN(), real(th[0]), imag(th[0]), cmplx.Abs(th[0]))
		}
		for n, th := range r.GD {
			t.Add("gd", r.Z, float64(n), th[0], math.NaN(), math.NaN(), math.NaN())
		}
		hline(p, 0, 0, float64(r.N), colLight, "")
		addLine(p, mod, flowStyle("|PF|"), "")
		addLine(p, re, flowStyle("Re PF"), "")
		gd := make(plotter.XYs, len(r.GD))
		for n, th := range r.GD {
			gd[n] = plotter.XY{X: float64(n), Y: th[0]}
		}
		gdDots(p, gd, "")
		panels = append(panels, p)
	}
	leg := legendPanel(
		legendItem{"Re θ_PF(t): real part of the principal flow", lineThumb(flowStyle("Re PF"))},
		legendItem{"|θ_PF(t)| = |1 − hλ|^(t/h)", lineThumb(flowStyle("|PF|"))},
		legendItem{"GD iterates θ_n = (1 − hλ)^n θ₀", dotThumb(colGD, draw.CircleGlyph{}, vg.Points(2.3))},
	)
	return &Result{
		Panels: [][]*plot.Plot{{panels[0], panels[1], panels[2]}, {panels[3], panels[4], leg}},
		Width:  10 * vg.Inch, Height: 6 * vg.Inch,
		Data: t,
	}, nil
}
