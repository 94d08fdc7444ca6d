package figures

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/pflow-go/pflow/eos"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// Parameters of the central-flow figure: the central flows reference
// example (MLP 8→16→16→1, swish) on 64 of its Gaussian examples, at
// η = 0.2 (edge 10), a smaller and shorter run than `pflow eos -problem
// cfjax -lr 0.1 -steps 1000` (docs/eos.md), so that the gallery stays fast.
const (
	centralSpec   = "cfjax:n=64"
	centralRate   = 0.2
	centralSteps  = 300
	centralK      = 1
	centralEvery  = 30
	centralSample = 5
	centralEigs   = 2
)

var centralModels = []string{"gf", "central", "igr", "bea3", "pf"}

func init() {
	gallery = append(gallery, &Figure{
		Name:  "central-flow",
		Title: "GD at the edge of stability against the central flow, the stable flow and k-step predictors",
		Caption: "Full-batch GD at η = 0.2 on the central flows reference network (MLP 8→16→16→1, swish, MSE; " +
			"problems.ByName(\"cfjax:n=64\"), 64 Gaussian inputs and targets), compared by eos.Run. Top left: the " +
			"sharpness λ₀ of GD (Lanczos every 5 steps) and of the central flow against the edge 2/η = 10: " +
			"progressive sharpening, then GD hovers at the edge, and so does the central flow, whose Σ keeps its " +
			"top eigenvalue at 2/η. Top right: GD's loss, its centred moving average over 51 steps and the " +
			"central flow's predicted time-averaged loss L + ½⟨H, Σ⟩. Bottom left: distance of the stable flow " +
			"(gradient flow) and of the central flow to GD's smoothed iterate (θ_{t−1} + 2θ_t + θ_{t+1})/4. " +
			"Bottom right: IGR, BEA3 and the principal flow as 1-step predictors from GD's iterate θ_t every 30 steps, distance to " +
			"θ_{t+1} (log scale; a missing point is a prediction that failed within the integrator's budget of 60 DOP853 steps; the PF's Krylov back-end at tolerance 1e-8, dimension ≤ 60). " +
			"The numbers are listed under the figure.",
		make: centralFigure,
	})
}

// CentralFlowRun returns the run of the central-flow figure.
func CentralFlowRun() (*eos.Result, error) {
	p, err := problems.ByName(centralSpec)
	if err != nil {
		return nil, err
	}
	return eos.Run(context.Background(), eos.Config{
		Problem: p, LR: centralRate, Steps: centralSteps, Models: centralModels,
		K: centralK, Every: centralEvery, Sample: centralSample, MaxSteps: 60,
		FlowOptions: &modified.Options{Backend: modified.BackendKrylov, KrylovTol: 1e-8, KrylovMaxIter: 60},
		Central:     eos.CentralSettings{Eigs: centralEigs},
	})
}

func centralFigure() (*Result, error) {
	res, err := CentralFlowRun()
	if err != nil {
		return nil, err
	}
	edge := 2 / centralRate
	t := NewTable("step", "value")
	xy := func(pts []eos.Point, series string) plotter.XYs {
		var out plotter.XYs
		for _, p := range pts {
			t.Add(series, float64(p.Step), p.Value)
			if !math.IsNaN(p.Value) && p.Value > 0 {
				out = append(out, plotter.XY{X: float64(p.Step), Y: p.Value})
			}
		}
		return out
	}
	a := newPlot("sharpness λ₀ against the edge 2/η", "step", "λ₀")
	if res.OnsetStep >= 0 {
		vline(a, float64(res.OnsetStep), 0, 1.3*edge, colGrey, fmt.Sprintf("onset (λ₀ ≥ 0.95·2/η): step %d", res.OnsetStep))
	}
	hline(a, edge, 0, centralSteps, colPF, fmt.Sprintf("2/η = %g", edge))
	addLine(a, xy(res.Sharpness, "sharpness-gd"), draw.LineStyle{Color: colGD, Width: vg.Points(1)}, "GD")
	addLine(a, xy(res.CentralSharpness, "sharpness-central"), draw.LineStyle{Color: colNGF, Width: vg.Points(1.4), Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}, "central flow")
	a.Y.Min = 0
	a.Legend.Top = false

	b := newPlot("loss", "step", "loss")
	logAxis(&b.Y)
	var gd, avg, pred []eos.Point
	for _, l := range res.Loss {
		gd = append(gd, eos.Point{Step: l.Step, Value: l.GD})
		avg = append(avg, eos.Point{Step: l.Step, Value: l.GDAvg})
		pred = append(pred, eos.Point{Step: l.Step, Value: l.CentralPred})
	}
	addLine(b, xy(gd, "loss-gd"), draw.LineStyle{Color: colLight, Width: vg.Points(1)}, "GD")
	addLine(b, xy(avg, "loss-gd-avg"), draw.LineStyle{Color: colGD, Width: vg.Points(1.4)}, "GD, moving average")
	addLine(b, xy(pred, "loss-central-pred"), draw.LineStyle{Color: colNGF, Width: vg.Points(1.4), Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}, "central flow prediction")
	b.Legend.Top = true

	c := newPlot("whole-run flows: distance to smoothed GD", "step", "‖w(t) − θ̄_t‖")
	d := newPlot(fmt.Sprintf("%d-step predictors: distance to θ_{t+%d}", centralK, centralK), "start step t", "‖θ̂ − θ_{t+k}‖")
	logAxis(&d.Y)
	colours := map[string]draw.LineStyle{
		"gf":      {Color: colGD, Width: vg.Points(1.2)},
		"central": {Color: colNGF, Width: vg.Points(1.4)},
		"ngf":     {Color: colNGF, Width: vg.Points(1)},
		"igr":     {Color: colIGR, Width: vg.Points(1)},
		"bea3":    {Color: colBEA3, Width: vg.Points(1)},
		"pf":      {Color: colPF, Width: vg.Points(1.4)},
	}
	var notes []string
	notes = append(notes, fmt.Sprintf("onset step %d; %d HVPs, %d D³ contractions", res.OnsetStep, res.HVPs, res.D3))
	for _, m := range res.Models {
		pts := xy(m.Distance, "distance-"+m.Name)
		lab := fmt.Sprintf("%s: mean after onset %.3g", m.Name, m.MeanAfterOnset)
		if m.Kind == "flow" {
			addLine(c, pts, colours[m.Name], lab)
		} else {
			addLine(d, pts, colours[m.Name], lab)
			s, _ := plotter.NewScatter(pts)
			s.GlyphStyle = draw.GlyphStyle{Color: colours[m.Name].Color, Shape: draw.CircleGlyph{}, Radius: vg.Points(1.5)}
			d.Add(s)
		}
		notes = append(notes, fmt.Sprintf("%s (%s): mean distance before onset %.3g, after onset %.3g, failures %d",
			m.Name, m.Kind, m.MeanBeforeOnset, m.MeanAfterOnset, m.Failures))
	}
	c.Legend.Top = true
	c.Y.Min = 0
	d.Legend.Top = false
	d.Legend.Left = true
	return &Result{
		Panels: [][]*plot.Plot{{a, b}, {c, d}},
		Width:  11 * vg.Inch, Height: 7.5 * vg.Inch,
		Data:  t,
		Notes: notes,
	}, nil
}
