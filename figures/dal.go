package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DALSeries is one training run for DALFigure: a learning-rate rule (DAL-p
// or plain GD at a fixed rate) with its training loss and λ₀·h_n at the
// analysed steps, and its test metrics.
type DALSeries struct {
	// Label names the run in the legend ("DAL p = 1", "GD h = 0.25").
	Label string
	// Steps, Loss and LambdaH are the analysed steps n, E(θ_n) and
	// λ₀(θ_n)·h_n (2 is the edge of stability).
	Steps   []int
	Loss    []float64
	LambdaH []float64
	// Spikes, TestLoss and TestAccuracy summarise the run (NaN: unknown);
	// Diverged marks a run whose loss overflowed.
	Spikes       int
	TestLoss     float64
	TestAccuracy float64
	Diverged     bool
}

// DALFigure draws runs of the DAL learning-rate rule (Rosca et al., TMLR
// 2023, Sec. 6) and of plain GD side by side: the training loss against the
// step (log scale), and λ₀·h_n against the step with the edge of stability
// 2; the legend carries each run's loss spikes and test metrics, so that
// the figure shows whether stability (fewer spikes, λ₀h below 2) costs test
// performance. The loss axis ends at 10 times the largest initial loss and
// the λ₀·h axis spans [1e-2, 1e3]: a diverging run is drawn until it
// leaves them, and its legend says it diverged.
func DALFigure(title string, runs []DALSeries) (*Result, error) {
	if len(runs) == 0 {
		return nil, errors.New("figures: DALFigure needs at least one run")
	}
	palette := []color.Color{colGD, colNGF, colIGR, colBEA3, colPF, colPFPrin, colPFNP, colGrey}
	dashes := [][]vg.Length{nil, {vg.Points(4), vg.Points(2)}, {vg.Points(1), vg.Points(2)}}
	t := NewTable("step", "loss", "lambda0_h")
	a := newPlot("training loss", "step", "E(θ_n)")
	logAxis(&a.Y)
	b := newPlot("sharpness in units of the edge: λ₀·h_n (edge 2)", "step", "λ₀·h_n")
	logAxis(&b.Y) // DAL's rate can put λ₀h far above 2 for a step
	maxStep := 0
	lossCap := 0.0
	for _, r := range runs {
		if len(r.Loss) > 0 && r.Loss[0] > 0 && !math.IsInf(r.Loss[0], 0) {
			lossCap = max(lossCap, 10*r.Loss[0])
		}
	}
	if lossCap == 0 {
		lossCap = math.Inf(1)
	}
	var notes []string
	for i, r := range runs {
		if len(r.Steps) != len(r.Loss) || len(r.Steps) != len(r.LambdaH) {
			return nil, fmt.Errorf("figures: DAL run %q has %d steps, %d losses, %d sharpness values", r.Label, len(r.Steps), len(r.Loss), len(r.LambdaH))
		}
		ls := draw.LineStyle{Color: palette[i%len(palette)], Width: vg.Points(1.2), Dashes: dashes[(i/len(palette))%len(dashes)]}
		var lp, sp plotter.XYs
		for k, n := range r.Steps {
			t.Add(r.Label, float64(n), r.Loss[k], r.LambdaH[k])
			maxStep = max(maxStep, n)
			if l := r.Loss[k]; l > 0 && l <= lossCap {
				lp = append(lp, plotter.XY{X: float64(n), Y: l})
			}
			if s := r.LambdaH[k]; s >= 1e-2 && s <= 1e3 {
				sp = append(sp, plotter.XY{X: float64(n), Y: s})
			}
		}
		lab := fmt.Sprintf("%s: %d spikes, test loss %.3g, test acc. %.1f%%", r.Label, r.Spikes, r.TestLoss, 100*r.TestAccuracy)
		if r.Diverged {
			lab = fmt.Sprintf("%s: diverged (%d spikes)", r.Label, r.Spikes)
		}
		addLine(a, lp, ls, lab)
		addLine(b, sp, ls, r.Label)
		notes = append(notes, lab)
	}
	hline(b, 2, 0, float64(maxStep), colGrey, "edge of stability λ₀h = 2")
	a.Legend.Top = true
	b.Legend.Top = false
	b.Y.Min, b.Y.Max = 1e-2, 1e3
	return &Result{
		Name: "dal", Title: title,
		Panels: [][]*plot.Plot{{a, b}},
		Width:  11 * vg.Inch, Height: 4.5 * vg.Inch,
		Data:  t,
		Notes: notes,
	}, nil
}
