package figures

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// clippedLine is a plotter.Line clipped to the plot's axis ranges when it is
// drawn (gonum's Line clips to the canvas, not to the data area, so a flow
// that leaves a fixed window would be drawn over the axes).
type clippedLine struct {
	*plotter.Line
}

// Plot implements plot.Plotter.
func (l clippedLine) Plot(c draw.Canvas, plt *plot.Plot) {
	x0, x1, y0, y1 := plt.X.Min, plt.X.Max, plt.Y.Min, plt.Y.Max
	trX, trY := plt.Transforms(&c)
	var segs [][]plotter.XY
	var cur []plotter.XY
	flush := func() {
		if len(cur) > 1 {
			segs = append(segs, cur)
		}
		cur = nil
	}
	for i := 1; i < len(l.XYs); i++ {
		a, b := l.XYs[i-1], l.XYs[i]
		ca, cb, ok := clipSegment(a, b, x0, x1, y0, y1)
		if !ok {
			flush()
			continue
		}
		if len(cur) == 0 || cur[len(cur)-1] != ca {
			flush()
			cur = append(cur, ca)
		}
		cur = append(cur, cb)
		if cb != b {
			flush()
		}
	}
	flush()
	for _, s := range segs {
		pts := make([]vg.Point, len(s))
		for i, q := range s {
			pts[i] = vg.Point{X: trX(q.X), Y: trY(q.Y)}
		}
		c.StrokeLines(l.LineStyle, pts)
	}
}

// clipSegment clips the segment ab to the box (Liang–Barsky) and reports
// whether any part of it is inside.
func clipSegment(a, b plotter.XY, x0, x1, y0, y1 float64) (plotter.XY, plotter.XY, bool) {
	dx, dy := b.X-a.X, b.Y-a.Y
	t0, t1 := 0.0, 1.0
	for _, e := range [4][2]float64{{-dx, a.X - x0}, {dx, x1 - a.X}, {-dy, a.Y - y0}, {dy, y1 - a.Y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return a, b, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return a, b, false
		}
	}
	ca, cb := a, b
	if t0 > 0 {
		ca = plotter.XY{X: a.X + t0*dx, Y: a.Y + t0*dy}
	}
	if t1 < 1 {
		cb = plotter.XY{X: a.X + t1*dx, Y: a.Y + t1*dy}
	}
	return ca, cb, true
}
