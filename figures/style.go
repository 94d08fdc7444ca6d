package figures

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// Sizes of the figure pages and fonts. One-panel figures are 6×4 in, which
// at DPI = 100 gives 600×400-pixel PNG files of a few tens of kilobytes.
const (
	titleSize  = vg.Length(13)
	panelTitle = vg.Length(11)
	labelSize  = vg.Length(10)
	tickSize   = vg.Length(9)
	legendSize = vg.Length(9)
)

// The colours of the methods, the same in every figure (a colour-blind-safe
// set: Wong, "Points of view: Color blindness", Nature Methods 8, 441, 2011).
var (
	colGD     = color.RGBA{0, 0, 0, 255}
	colNGF    = color.RGBA{0, 114, 178, 255}   // blue
	colIGR    = color.RGBA{0, 158, 115, 255}   // bluish green
	colBEA3   = color.RGBA{230, 159, 0, 255}   // orange
	colPF     = color.RGBA{213, 94, 0, 255}    // vermillion
	colPFPrin = color.RGBA{204, 121, 167, 255} // reddish purple
	colPFNP   = color.RGBA{86, 180, 233, 255}  // sky blue
	colGrey   = color.RGBA{150, 150, 150, 255}
	colLight  = color.RGBA{200, 200, 200, 255}
)

// flowStyle returns the line style of a flow label.
func flowStyle(label string) draw.LineStyle {
	ls := draw.LineStyle{Width: vg.Points(1.6)}
	switch label {
	case "NGF":
		ls.Color = colNGF
	case "IGR":
		ls.Color = colIGR
		ls.Dashes = []vg.Length{vg.Points(5), vg.Points(2)}
	case "BEA3":
		ls.Color = colBEA3
	case "PF", "PF (branch continued)", "Re PF":
		ls.Color = colPF
	case "PF (principal branch)":
		ls.Color = colPFPrin
		ls.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	case "PF+np":
		ls.Color = colPFNP
	case "|PF|":
		ls.Color = colPF
		ls.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		ls.Width = vg.Points(1.2)
	default:
		ls.Color = colGrey
	}
	return ls
}

// newPlot returns a panel with the project's fonts and a light grid.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(plot.DefaultFont, panelTitle)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(plot.DefaultFont, labelSize)
		a.Tick.Label.Font = font.From(plot.DefaultFont, tickSize)
	}
	p.Legend.TextStyle.Font = font.From(plot.DefaultFont, legendSize)
	p.Legend.ThumbnailWidth = vg.Points(18)
	p.Legend.Padding = vg.Points(1)
	g := plotter.NewGrid()
	g.Vertical.Color = color.RGBA{235, 235, 235, 255}
	g.Horizontal.Color = color.RGBA{235, 235, 235, 255}
	p.Add(g)
	return p
}

// xys converts parallel slices into plotter.XYs.
func xys(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(x))
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
	}
	return pts
}

// addLine draws a polyline with style ls and, when label is not empty, adds
// it to the legend.
func addLine(p *plot.Plot, pts plotter.XYs, ls draw.LineStyle, label string) {
	if len(pts) == 0 {
		return
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return
	}
	l.LineStyle = ls
	p.Add(clippedLine{l})
	if label != "" {
		p.Legend.Add(label, l)
	}
}

// addDots draws markers at pts; with joined a thin line connects them in
// order (GD's path).
func addDots(p *plot.Plot, pts plotter.XYs, c color.Color, shape draw.GlyphDrawer, radius vg.Length, joined bool, label string) {
	if len(pts) == 0 {
		return
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Shape: shape, Radius: radius}
	if joined && len(pts) > 1 {
		l, err := plotter.NewLine(pts)
		if err == nil {
			l.LineStyle = draw.LineStyle{Color: color.RGBA{0, 0, 0, 110}, Width: vg.Points(0.6)}
			p.Add(l)
		}
	}
	p.Add(s)
	if label != "" {
		p.Legend.Add(label, s)
	}
}

// gdDots draws GD iterates as black dots joined by a faint line.
func gdDots(p *plot.Plot, pts plotter.XYs, label string) {
	r, joined := vg.Points(2.3), true
	if len(pts) > 120 {
		// Many iterates: small dots without the joining line, which
		// would fill the picture (and the PNG file).
		r, joined = vg.Points(1.2), false
	}
	addDots(p, pts, colGD, draw.CircleGlyph{}, r, joined, label)
}

// markStart and markMin draw the start point (a triangle) and a minimum (a
// star-like cross) with legend entries.
func markStart(p *plot.Plot, x, y float64) {
	addDots(p, plotter.XYs{{X: x, Y: y}}, color.RGBA{120, 0, 160, 255}, draw.TriangleGlyph{}, vg.Points(4.5), false, "start")
}

func markMin(p *plot.Plot, x, y float64, label string) {
	s, _ := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
	s.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{0, 0, 0, 255}, Shape: starGlyph{}, Radius: vg.Points(5)}
	p.Add(s)
	if label != "" {
		p.Legend.Add(label, s)
	}
}

func markSaddle(p *plot.Plot, x, y float64) {
	addDots(p, plotter.XYs{{X: x, Y: y}}, color.Black, draw.CrossGlyph{}, vg.Points(5), false, "saddle point")
}

// starGlyph is a filled five-pointed star.
type starGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (starGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetColor(sty.Color)
	var path vg.Path
	for k := range 10 {
		r := sty.Radius
		if k%2 == 1 {
			r *= 0.45
		}
		a := math.Pi/2 + float64(k)*math.Pi/5
		q := vg.Point{X: pt.X + r*vg.Length(math.Cos(a)), Y: pt.Y + r*vg.Length(math.Sin(a))}
		if k == 0 {
			path.Move(q)
		} else {
			path.Line(q)
		}
	}
	path.Close()
	c.Fill(path)
}

// grid is a plotter.GridXYZ of a function sampled on a regular grid.
type grid struct {
	xs, ys []float64
	z      [][]float64 // z[i][j] = f(xs[i], ys[j])
}

func newGrid(f func(x, y float64) float64, x0, x1, y0, y1 float64, nx, ny int) *grid {
	g := &grid{xs: linspace(x0, x1, nx), ys: linspace(y0, y1, ny)}
	g.z = make([][]float64, nx)
	for i, x := range g.xs {
		g.z[i] = make([]float64, ny)
		for j, y := range g.ys {
			g.z[i][j] = f(x, y)
		}
	}
	return g
}

func (g *grid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g *grid) Z(c, r int) float64 { return g.z[c][r] }
func (g *grid) X(c int) float64    { return g.xs[c] }
func (g *grid) Y(r int) float64    { return g.ys[r] }

// addContours draws level sets of g at levels in light grey.
func addContours(p *plot.Plot, g *grid, levels []float64) {
	c := plotter.NewContour(g, levels, nil)
	c.LineStyles = []draw.LineStyle{{Color: colLight, Width: vg.Points(0.7)}}
	p.Add(sortedContour{c})
}

// sortedContour draws a plotter.Contour with its paths in a canonical
// order. gonum/plot collates the contour segments through maps, so the
// order in which it strokes the paths (and with it the bytes of an SVG
// file) changes from run to run although the picture does not. The
// wrapper records the contour's drawing calls, groups them into
// style-then-stroke runs, sorts the runs by their recorded calls and
// replays them: the same strokes in the same styles, in a fixed order.
type sortedContour struct{ *plotter.Contour }

// Plot implements plot.Plotter.
func (s sortedContour) Plot(c draw.Canvas, plt *plot.Plot) {
	rec := &recorder.Canvas{}
	s.Contour.Plot(draw.Canvas{Canvas: rec, Rectangle: c.Rectangle}, plt)
	type run struct {
		acts []recorder.Action
		key  string
	}
	var runs []run
	var cur run
	var key strings.Builder
	for _, a := range rec.Actions {
		cur.acts = append(cur.acts, a)
		key.WriteString(a.Call())
		key.WriteByte('\n')
		if _, ok := a.(*recorder.Stroke); ok {
			cur.key = key.String()
			runs = append(runs, cur)
			cur = run{}
			key.Reset()
		}
	}
	slices.SortStableFunc(runs, func(a, b run) int { return strings.Compare(a.key, b.key) })
	for _, r := range runs {
		for _, a := range r.acts {
			a.ApplyTo(c)
		}
	}
	for _, a := range cur.acts { // trailing calls after the last stroke
		a.ApplyTo(c)
	}
}

// geomLevels returns n levels spaced geometrically from lo to hi.
func geomLevels(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo * math.Pow(hi/lo, float64(i)/float64(n-1))
	}
	return out
}

func linspace(a, b float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	out[n-1] = b
	return out
}

// hline and vline draw a dashed reference line across the panel's range
// [lo, hi] with a legend label.
func hline(p *plot.Plot, y, lo, hi float64, c color.Color, label string) {
	addLine(p, plotter.XYs{{X: lo, Y: y}, {X: hi, Y: y}},
		draw.LineStyle{Color: c, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}, label)
}

func vline(p *plot.Plot, x, lo, hi float64, c color.Color, label string) {
	addLine(p, plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}},
		draw.LineStyle{Color: c, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}, label)
}

// logAxis makes the plot's y axis logarithmic with ticks at the powers of
// ten, labelled "1e-12" and so on (every decade, or every second or third
// one on long ranges).
func logAxis(a *plot.Axis) {
	a.Scale = plot.LogScale{}
	a.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		e0, e1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
		step := 1 + (e1-e0)/8
		var ts []plot.Tick
		for e := e0; e <= e1; e++ {
			v := math.Pow(10, float64(e))
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			lab := ""
			if e%step == 0 {
				lab = decade(e)
			}
			ts = append(ts, plot.Tick{Value: v, Label: lab})
		}
		return ts
	})
}

func decade(e int) string {
	switch e {
	case 0:
		return "1"
	case 1:
		return "10"
	case -1:
		return "0.1"
	}
	return fmt.Sprintf("1e%d", e)
}

// legendItem is one entry of a legend-only panel.
type legendItem struct {
	label string
	thumb plot.Thumbnailer
}

func lineThumb(ls draw.LineStyle) plot.Thumbnailer {
	l := &plotter.Line{LineStyle: ls}
	return l
}

func dotThumb(c color.Color, shape draw.GlyphDrawer, r vg.Length) plot.Thumbnailer {
	return &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: c, Shape: shape, Radius: r}}
}

// legendPanel returns a panel without axes that holds only a legend, to fill
// an empty tile of a multi-panel figure.
func legendPanel(items ...legendItem) *plot.Plot {
	p := plot.New()
	p.HideAxes()
	p.Legend.TextStyle.Font = font.From(plot.DefaultFont, legendSize+1)
	p.Legend.ThumbnailWidth = vg.Points(24)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.YOffs = -vg.Points(20)
	for _, it := range items {
		p.Legend.Add(it.label, it.thumb)
	}
	return p
}
