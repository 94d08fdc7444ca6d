package figures

import (
	"math"
	"testing"
)

// TestLevelSet: the level set x² + y² = 0.5 on a 161 × 161 grid of
// [−1, 1]² is one closed polyline whose vertices lie on the circle to the
// interpolation error of a quadratic along an edge (≤ Δ²·max|f″|/8 =
// 0.0125²·2/8 ≈ 4e-5) and whose length is the circumference 2π√0.5 to
// the chord error (≤ 1e-3 relative); x·y = 0.1 (two hyperbola branches
// crossing the boundary) gives two open polylines.
func TestLevelSet(t *testing.T) {
	g := newGrid(func(x, y float64) float64 { return x*x + y*y }, -1, 1, -1, 1, 161, 161)
	lines := g.levelSet(0.5)
	if len(lines) != 1 {
		t.Fatalf("%d polylines, want 1", len(lines))
	}
	l := lines[0]
	if l[0] != l[len(l)-1] {
		t.Errorf("not closed: %v … %v", l[0], l[len(l)-1])
	}
	length := 0.0
	for i, p := range l {
		if d := math.Abs(p[0]*p[0] + p[1]*p[1] - 0.5); d > 4e-5 {
			t.Errorf("vertex %d off the circle by %g", i, d)
		}
		if i > 0 {
			length += math.Hypot(p[0]-l[i-1][0], p[1]-l[i-1][1])
		}
	}
	if want := 2 * math.Pi * math.Sqrt(0.5); math.Abs(length-want) > 1e-3*want {
		t.Errorf("length %g, want %g", length, want)
	}
	h := newGrid(func(x, y float64) float64 { return x * y }, -1, 1, -1, 1, 101, 101)
	if n := len(h.levelSet(0.1)); n != 2 {
		t.Errorf("x·y = 0.1: %d polylines, want 2", n)
	}
}
