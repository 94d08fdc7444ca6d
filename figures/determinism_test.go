package figures

import (
	"bytes"
	"testing"
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
