package stability

import (
	"math"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

// TestEscapeThresholds checks H = 2/λ_max at minima and H = 0 at saddles
// and maxima against GD runs from nearby starts: just below H GD returns,
// just above it leaves (for minima), and at a saddle it leaves for every
// h along the negative-curvature direction.
func TestEscapeThresholds(t *testing.T) {
	cases := []struct {
		spec string
		pt   func(p *problems.Problem) problems.Point
	}{
		{"quadratic2d", func(p *problems.Problem) problems.Point { return p.Minima[0] }},
		{"rosenbrock", func(p *problems.Problem) problems.Point { return p.Minima[0] }},
		{"logcosh", func(p *problems.Problem) problems.Point { return p.Minima[0] }},
		{"doublewell", func(p *problems.Problem) problems.Point { return p.Minima[0] }},
		{"saddle", func(p *problems.Problem) problems.Point { return p.Saddles[0] }},
		{"doublewell", func(p *problems.Problem) problems.Point { return p.Maxima[0] }},
	}
	for _, c := range cases {
		p := mustProblem(t, c.spec)
		pt := c.pt(p)
		e, err := EscapeThreshold(p, pt)
		if err != nil {
			t.Fatal(err)
		}
		if pt.Kind == problems.Minimum {
			if !(e.H > 0) || math.Abs(e.H*e.Lambda-2) > 1e-15 || e.Lambda != e.Lambdas[0] {
				t.Errorf("%s: threshold %v, λ %v", c.spec, e.H, e.Lambdas)
			}
			// 2% either side: the linear rate |1 − hλ| is 0.96 or 1.04,
			// so 3000 steps separate the two outcomes by a factor ≥ 1e50;
			// δ = 1e−7 keeps the start in the linear regime.
			stay, err := RunNear(p, pt.X, 0.98*e.H, e.Dir, 1e-7, 3000, 1)
			if err != nil {
				t.Fatal(err)
			}
			leave, err := RunNear(p, pt.X, 1.02*e.H, e.Dir, 1e-7, 3000, 1)
			if err != nil {
				t.Fatal(err)
			}
			if stay.Left || stay.Final > 1e-12 || !leave.Left || leave.Max < 1e-4 {
				t.Errorf("%s: below %+v above %+v", c.spec, stay, leave)
			}
			continue
		}
		if e.H != 0 || e.Lambda >= 0 {
			t.Errorf("%s %v: threshold %v λ %v", c.spec, pt.Kind, e.H, e.Lambda)
		}
		for _, h := range []float64{1e-3, 0.01, 0.1} {
			r, err := RunNear(p, pt.X, h, e.Dir, 1e-7, 20000, 0.1)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Left || r.Final < 0.1 {
				t.Errorf("%s %v h=%v: %+v", c.spec, pt.Kind, h, r)
			}
		}
	}
}

// TestDoublewellExit: GD started next to the sharp minimum of doublewell
// (E″ ≈ 24.34, so 2/E″ ≈ 0.0822) does not leave the sharp well when the
// minimum loses stability; it goes through period doubling inside the well
// and leaves for the wide minimum at θ = 2 only at h ≈ 0.207. The exit rate
// is bracketed by bisection to one ulp: just below it the final iterate is
// inside the well, at it at the wide minimum.
func TestDoublewellExit(t *testing.T) {
	p := mustProblem(t, "doublewell")
	m, err := NewGDMap(p)
	if err != nil {
		t.Fatal(err)
	}
	var hs []float64
	for h := 0.05; h < 0.3; h += 0.0025 {
		hs = append(hs, h)
	}
	x0 := problems.DoubleWellSharpMin + 1e-3
	h, final, ok, err := BasinExit(m, x0, math.Inf(-1), problems.DoubleWellMax, hs, 2000)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	edge := 2 / m.Curv(problems.DoubleWellSharpMin)
	t.Logf("sharp minimum unstable above h = %.6g; GD leaves the sharp well at h = %.12g", edge, h)
	if !(h > 2*edge) || math.Abs(final-problems.DoubleWellWideMin) > 1e-6 {
		t.Errorf("exit at %v (edge %v), final %v", h, edge, final)
	}
	// The bisection bracket is one ulp wide: at the float below the exit
	// rate GD stays in the sharp well. (The exit happens inside a chaotic
	// band, so the outcome is not monotone in h further away.)
	x := x0
	for range 2000 {
		x = m.Step(math.Nextafter(h, 0), x)
	}
	if !(x < problems.DoubleWellMax) {
		t.Errorf("one ulp below the exit rate GD ends at %v", x)
	}
}
