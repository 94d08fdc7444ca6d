package stability

import (
	"errors"
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

// TestEscapePrincipalFlow checks the escape thresholds with the principal
// flow itself, integrated in ℂ^D from the same nearby starts as GD (not
// with its linearisation): at 0.98 and 1.02 times the threshold 2/λ the PF
// returns or leaves exactly when GD does. Cases: the minimum of quadratic2d
// (where the PF is exact), the sharp minimum of doublewell (non-quadratic;
// above the threshold the PF is a growing rotation through ℂ), the saddle
// x² − y² along its stable direction (threshold 2/λ₊ = 1) and along its
// unstable one (every h), and the maximum of doublewell (every h).
//
// Margins: at 0.98·(2/λ) the linear factor per GD time is |1 − hλ| = 0.96,
// at 1.02·(2/λ) it is 1.04, so 600 GD times separate the outcomes by
// 0.96⁶⁰⁰ ≈ 2e−11 against 1.04⁶⁰⁰ ≈ 2e10; the start δ = 1e−7 and the radius
// 1e−3 keep the runs in the linear regime of the sharp well (width ≈ 0.2).
func TestEscapePrincipalFlow(t *testing.T) {
	const delta, steps, radius = 1e-7, 600, 1e-3
	type run struct {
		name string
		p    *problems.Problem
		pt   problems.Point
		dir  []float64
		h    float64
		left bool
	}
	var runs []run
	threshold := func(name string, p *problems.Problem, pt problems.Point) *Escape {
		e, err := EscapeThreshold(p, pt)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, c := range []struct {
		spec string
		pt   int
	}{{"quadratic2d", 0}, {"doublewell", 0}} {
		p := mustProblem(t, c.spec)
		pt := p.Minima[c.pt]
		e := threshold(c.spec, p, pt)
		runs = append(runs,
			run{c.spec + " minimum", p, pt, e.Dir, 0.98 * e.H, false},
			run{c.spec + " minimum", p, pt, e.Dir, 1.02 * e.H, true})
	}
	sp := mustProblem(t, "saddle")
	e := threshold("saddle", sp, sp.Saddles[0])
	if e.H != 0 || e.Lambda != -2 || e.Lambdas[0] != 2 {
		t.Fatalf("saddle: %+v", e)
	}
	up := []float64{1, 0} // stable direction, λ₊ = 2: threshold 1
	runs = append(runs,
		run{"saddle stable dir", sp, sp.Saddles[0], up, 0.98, false},
		run{"saddle stable dir", sp, sp.Saddles[0], up, 1.02, true})
	for _, h := range []float64{0.01, 0.1, 0.98, 1.02} {
		runs = append(runs, run{"saddle unstable dir", sp, sp.Saddles[0], e.Dir, h, true})
	}
	dw := mustProblem(t, "doublewell")
	em := threshold("doublewell", dw, dw.Maxima[0])
	for _, h := range []float64{0.01, 0.1} {
		runs = append(runs, run{"doublewell maximum", dw, dw.Maxima[0], em.Dir, h, true})
	}
	for _, c := range runs {
		gd, err := RunNear(c.p, c.pt.X, c.h, c.dir, delta, steps, radius)
		if err != nil {
			t.Fatal(err)
		}
		pf, err := RunNearPF(c.p, c.pt.X, c.h, c.dir, delta, steps, radius, nil)
		if err != nil {
			t.Fatalf("%s h=%v: %v", c.name, c.h, err)
		}
		t.Logf("%-20s h=%-10.6g GD left %-5v final %.3g (%d steps)  PF left %-5v final %.3g (%d GD times)", c.name, c.h, gd.Left, gd.Final, gd.Steps, pf.Left, pf.Final, pf.Steps)
		if gd.Left != c.left || pf.Left != c.left {
			t.Errorf("%s h=%v: want left=%v, GD %+v PF %+v", c.name, c.h, c.left, gd, pf)
		}
		if c.left && (pf.Max <= radius || gd.Max <= radius) {
			t.Errorf("%s h=%v: left but did not reach the radius: GD %+v PF %+v", c.name, c.h, gd, pf)
		}
		if !c.left && (pf.Final > 1e-3*delta || gd.Final > 1e-3*delta) {
			t.Errorf("%s h=%v: stayed but did not contract: GD %+v PF %+v", c.name, c.h, gd, pf)
		}
	}
}

// TestRunNearErrors: bad arguments of RunNear and RunNearPF are errors
// wrapping ErrInvalidInput, never panics.
func TestRunNearErrors(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	c := []float64{0, 0}
	u := []float64{1, 0}
	bad := []struct {
		name   string
		h      float64
		dir    []float64
		delta  float64
		steps  int
		center []float64
	}{
		{"h ≤ 0", 0, u, 1e-7, 10, c},
		{"h NaN", math.NaN(), u, 1e-7, 10, c},
		{"zero direction", 0.5, []float64{0, 0}, 1e-7, 10, c},
		{"short direction", 0.5, []float64{1}, 1e-7, 10, c},
		{"delta 0", 0.5, u, 0, 10, c},
		{"delta Inf", 0.5, u, math.Inf(1), 10, c},
		{"no steps", 0.5, u, 1e-7, 0, c},
		{"NaN center", 0.5, u, 1e-7, 10, []float64{math.NaN(), 0}},
	}
	for _, b := range bad {
		if _, err := RunNear(p, b.center, b.h, b.dir, b.delta, b.steps, 0); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("RunNear %s: %v", b.name, err)
		}
		if _, err := RunNearPF(p, b.center, b.h, b.dir, b.delta, b.steps, 0, nil); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("RunNearPF %s: %v", b.name, err)
		}
	}
	if _, err := RunNearPF(p, c, 0.5, u, 1e-7, 10, 0, &NearPFSettings{RTol: -1}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("RTol < 0: %v", err)
	}
	// GD overflow counts as leaving, with Final = +Inf.
	r, err := RunNear(p, c, 1.5, u, 1, 5000, 0)
	if err != nil || !r.Left || !math.IsInf(r.Final, 1) {
		t.Errorf("overflow: %+v %v", r, err)
	}
}
