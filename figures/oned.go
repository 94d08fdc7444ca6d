package figures

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// flowLegend returns a legend-only panel for the curves of tr and GD.
func flowLegend(tr *Trajectories, extra ...legendItem) *plot.Plot {
	var items []legendItem
	for _, c := range tr.Curves {
		items = append(items, legendItem{c.Label, lineThumb(flowStyle(c.Label))})
	}
	items = append(items, legendItem{"GD iterates", dotThumb(colGD, draw.CircleGlyph{}, vg.Points(2.3))})
	items = append(items, extra...)
	return legendPanel(items...)
}

// oneDFigure draws a 1-D problem: Re θ and Im θ against the step, the
// distance to GD per step and a legend.
func oneDFigure(spec string, h float64, n int, x0 []float64, flows []FlowSpec, what string, floor float64) func() (*Result, error) {
	return func() (*Result, error) {
		p, err := problems.ByName(spec)
		if err != nil {
			return nil, err
		}
		tr, err := NewTrajectories(p, h, n, 40, x0, flows)
		if err != nil {
			return nil, err
		}
		re := tr.timePanel(fmt.Sprintf("Re θ: %s", what), "θ (real part)", 0, false)
		im := tr.timePanel("Im θ: GD is real, the PF leaves the real line", "Im θ", 0, true)
		er := tr.errorPanel("distance to GD at t = nh", floor)
		for _, q := range []*plot.Plot{re, im, er} {
			q.Legend = plot.NewLegend()
			q.Legend.TextStyle.Font.Size = legendSize
		}
		return &Result{
			Panels: [][]*plot.Plot{{re, im}, {er, flowLegend(tr)}},
			Width:  10 * vg.Inch, Height: 7 * vg.Inch,
			Data:  tr.Table(),
			Notes: tr.notes(),
		}, nil
	}
}

// logcoshFlows are the flows of figure 5. The principal flow on the
// principal branch has a right-hand side that jumps where 1 − hλ(θ) crosses
// the negative real axis; an adaptive integrator stalls there, so it is
// integrated at fixed steps as in the authors' code (which uses explicit Euler
// at steps of 1e−5).
var logcoshFlows = []FlowSpec{
	{Name: "ngf"}, {Name: "igr"}, {Name: "pf"}, {Name: "pf", Options: &modified.Options{PrincipalBranch: true}, Fixed: 4000},
}
