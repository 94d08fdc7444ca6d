package figures

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/pflow-go/pflow/problems"
)

// paperFlows are the flows of the authors' released toy figure.
var paperFlows = []FlowSpec{{Name: "ngf"}, {Name: "igr"}, {Name: "pf"}}

// quadraticFigure is figures 1 and 2: quadratic2d at learning rate h for n
// steps, parameter space on the left and the distance of each flow to GD per
// step on the right.
func quadraticFigure(h float64, n int, what string) func() (*Result, error) {
	return func() (*Result, error) {
		p, err := problems.ByName("quadratic2d")
		if err != nil {
			return nil, err
		}
		tr, err := NewTrajectories(p, h, n, 40, nil, paperFlows)
		if err != nil {
			return nil, err
		}
		left := tr.paramPanel(fmt.Sprintf("E = θ₁² + 0.01θ₂², h = %g: %s", h, what))
		left.Legend.Top = true
		right := tr.errorPanel("distance to GD at t = nh", 1e-17)
		return &Result{
			Panels: [][]*plot.Plot{{left, right}},
			Width:  10 * vg.Inch, Height: 4.2 * vg.Inch,
			Data:  tr.Table(),
			Notes: tr.notes(),
		}, nil
	}
}
