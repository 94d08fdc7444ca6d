package figures

import (
	"bytes"
	"slices"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
	"gonum.org/v1/plot/vg/vgsvg"
)

// render returns the SVG and CSV bytes of a computed figure.
func render(t *testing.T, r *Result) (svg, csv []byte) {
	t.Helper()
	var s, c bytes.Buffer
	if err := r.WriteSVG(&s); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	return s.Bytes(), c.Bytes()
}

// TestDeterministicOutput draws every figure twice and compares the bytes
// (gonum/plot's contour collates its paths through maps, whose iteration
// order Go randomises on every range: before sortedContour four of the
// eleven SVG files differed between runs). Without -short each figure is
// also computed twice, so that the data are compared too.
func TestDeterministicOutput(t *testing.T) {
	for _, f := range Gallery() {
		t.Run(f.Name, func(t *testing.T) {
			r1, err := f.Make()
			if err != nil {
				t.Fatal(err)
			}
			r2 := r1
			if !testing.Short() {
				if r2, err = f.Make(); err != nil {
					t.Fatal(err)
				}
			}
			// Three draws: a map-order dependence survives two equal draws
			// with probability at most 1/2 per map range, less for three.
			svg1, csv1 := render(t, r1)
			for range 2 {
				svg2, csv2 := render(t, r2)
				if !bytes.Equal(svg1, svg2) {
					t.Errorf("SVG differs between two draws (%d and %d bytes)", len(svg1), len(svg2))
				}
				if !bytes.Equal(csv1, csv2) {
					t.Errorf("CSV differs between two runs")
				}
			}
		})
	}
}

// TestSortedContourSameStrokes checks that sortedContour strokes exactly
// the paths of plotter.Contour, only in a fixed order.
func TestSortedContourSameStrokes(t *testing.T) {
	g := newGrid(func(x, y float64) float64 { return x*x*x*x - 2*x*x + 3*y*y }, -2, 2, -1.5, 1.5, 41, 31)
	levels := []float64{-0.9, -0.5, 0, 0.5, 1, 2, 4}
	strokes := func(pl plot.Plotter) []string {
		p := plot.New()
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -2, 2, -1.5, 1.5
		rec := &recorder.Canvas{}
		pl.Plot(draw.NewCanvas(rec, 4*vg.Inch, 3*vg.Inch), p)
		var out []string
		for _, a := range rec.Actions {
			if s, ok := a.(*recorder.Stroke); ok {
				out = append(out, s.Call())
			}
		}
		return out
	}
	c := plotter.NewContour(g, levels, nil)
	raw, sorted := strokes(c), strokes(sortedContour{c})
	if len(raw) < len(levels) {
		t.Fatalf("only %d paths for %d levels", len(raw), len(levels))
	}
	if !slices.IsSorted(sorted) {
		t.Error("sortedContour's strokes are not in sorted order")
	}
	slices.Sort(raw)
	if !slices.Equal(raw, sorted) {
		t.Errorf("sortedContour strokes %d paths, plotter.Contour %d, or different ones", len(sorted), len(raw))
	}
	// And the SVG of the same plot is the same twice.
	var b1, b2 bytes.Buffer
	for _, b := range []*bytes.Buffer{&b1, &b2} {
		cv := vgsvg.New(4*vg.Inch, 3*vg.Inch)
		p := plot.New()
		p.Add(sortedContour{plotter.NewContour(g, levels, nil)})
		p.Draw(draw.New(cv))
		if _, err := cv.WriteTo(b); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("SVG of a contour plot differs between two draws")
	}
}
