package figures

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

// TestRunFigure: the figure of any run has the documented panels, its
// bytes are deterministic, and its data are the run's.
func TestRunFigure(t *testing.T) {
	p, err := problems.Parse("(x^2-1)^2 + 2*y^2")
	if err != nil {
		t.Fatal(err)
	}
	x0 := []float64{0.5, 0.5}
	// h = 0.2: hλ = 1.6 at the minimum (1, 0), so the PF leaves ℝ² and a
	// second row draws its imaginary part. h = 0.1: hλ ≤ 0.8 < 1 at the
	// minimum and |hλ| < 1 along the path, so every flow stays real.
	for _, c := range []struct {
		h    float64
		rows int
	}{{0.2, 2}, {0.1, 1}} {
		r, err := RunFigure(p, c.h, 10, x0, []string{"gd", "ngf", "pf"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Panels) != c.rows || len(r.Panels[0]) != 2 {
			t.Errorf("h = %g: %d rows, want %d", c.h, len(r.Panels), c.rows)
		}
		if got := len(r.Data.Series("gd")); got != 11 {
			t.Errorf("h = %g: %d GD rows, want 11", c.h, got)
		}
		// GD's first step from (0.5, 0.5): ∇E = (−1.5, 2).
		gd := r.Data.Series("gd")
		if math.Abs(gd[1][2]-(0.5+1.5*c.h)) > 1e-15 || math.Abs(gd[1][3]-(0.5-2*c.h)) > 1e-15 {
			t.Errorf("h = %g: GD step 1 = %v", c.h, gd[1][2:4])
		}
		var a, b, s1, s2 bytes.Buffer
		if err := r.WritePNG(&a); err != nil {
			t.Fatal(err)
		}
		if err := r.WritePNG(&b); err != nil {
			t.Fatal(err)
		}
		r2, _ := RunFigure(p, c.h, 10, x0, []string{"gd", "ngf", "pf"})
		if err := r.WriteSVG(&s1); err != nil {
			t.Fatal(err)
		}
		if err := r2.WriteSVG(&s2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(s1.Bytes(), s2.Bytes()) || !bytes.HasPrefix(a.Bytes(), []byte("\x89PNG")) {
			t.Errorf("h = %g: output not deterministic (PNG %d/%d bytes, SVG %d/%d)", c.h, a.Len(), b.Len(), s1.Len(), s2.Len())
		}
	}
	// One dimension: θ₁ against the step on the left.
	p1, _ := problems.ByName("logcosh")
	r, err := RunFigure(p1, 1.5, 6, nil, []string{"pf"})
	if err != nil || len(r.Panels) != 2 || !strings.Contains(r.Panels[0][0].Title.Text, "θ₁") {
		t.Errorf("logcosh: %v", err)
	}
	// Not holomorphic: the flows in float64 at t = nh. On |x| + y² from
	// (1, 1) with h = 0.1 the PF is exact along y (a quadratic direction:
	// y_n = 0.8ⁿ) and x moves by −h per step for GD and every flow.
	pa, _ := problems.Parse("abs(x) + y^2")
	r, err = RunFigure(pa, 0.1, 3, []float64{1, 1}, []string{"pf", "ngf"})
	if err != nil {
		t.Fatal(err)
	}
	pf := r.Data.Series("pf")
	if len(pf) != 4 || math.Abs(pf[3][2]-0.7) > 1e-12 || math.Abs(pf[3][3]-0.512) > 1e-12 || !strings.Contains(r.Title, "t = nh only") {
		t.Errorf("abs: PF rows %v, title %q", pf, r.Title)
	}
}

func ExampleRunFigure() {
	p, _ := problems.Parse("(x^2-1)^2 + 2*y^2")
	r, _ := RunFigure(p, 0.2, 10, []float64{0.5, 0.5}, []string{"ngf", "igr", "pf"})
	var png bytes.Buffer
	_ = r.WritePNG(&png) // or WriteSVG, WriteCSV
	fmt.Println(len(r.Panels), "rows of panels;", len(r.Data.Series("gd")), "GD iterates")
	// Output: 2 rows of panels; 11 GD iterates
}
