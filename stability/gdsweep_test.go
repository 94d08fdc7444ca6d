package stability

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

// TestSweepTargets: on E = (x² − 1)² + 2y² from (0.5, 0.5) the Hessian at
// the minimum (1, 0) is diag(8, 4) (E_xx = 12x² − 4), so GD's multiplier
// along x is 1 − 8h: h = 0.2 converges with oscillation (1 − 1.6 < 0),
// the edge is 2/8 = 0.25, h = 0.26 is past it (period doubling to a
// 2-cycle) and h = 0.6 diverges.
func TestSweepTargets(t *testing.T) {
	p, err := problems.Parse("(x^2-1)^2+2*y^2")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Sweep(context.Background(), p, []float64{0.5, 0.5}, []float64{0.1, 0.2, 0.26, 0.6}, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		out    Outcome
		period int
	}{{OutcomeConverge, 1}, {OutcomeOscillateConverge, 1}, {OutcomePeriodic, 2}, {OutcomeDiverge, 0}}
	for i, r := range res.Rates {
		if r.Outcome != want[i].out || r.Period != want[i].period {
			t.Errorf("h = %g: %s period %d, want %s period %d (%s)", r.H, r.Outcome, r.Period, want[i].out, want[i].period, r.Evidence)
		}
		if r.Outcome == OutcomeDiverge {
			if !math.IsInf(r.Lyapunov, 1) || !math.IsNaN(r.Distance) || r.DivergedAt < 1 {
				t.Errorf("h = %g: diverge with Lyapunov %g, distance %g, at step %d", r.H, r.Lyapunov, r.Distance, r.DivergedAt)
			}
			continue
		}
		// The limit is (1, 0) where λ_max = 8 exactly (Jet arithmetic on
		// 12x² − 4 at x = 1 within a few ulps): the edge is 0.25.
		if math.Abs(r.Stationary[0]-1) > 1e-14 || math.Abs(r.Stationary[1]) > 1e-14 {
			t.Errorf("h = %g: stationary point %v, want (1, 0)", r.H, r.Stationary)
		}
		if math.Abs(r.Edge-0.25) > 1e-14 || math.Abs(r.HLambdaMax-8*r.H) > 1e-13 {
			t.Errorf("h = %g: edge %.17g, hλ_max %.17g; want 0.25, %g", r.H, r.Edge, r.HLambdaMax, 8*r.H)
		}
	}
	// Converged runs: distance at round-off, and the Lyapunov exponent is
	// log of the spectral radius of I − hH(1, 0) = diag(1 − 8h, 1 − 4h)
	// (tangent vectors align with the dominant direction within a few
	// steps; over 250 steps the average is exact to ~1e-3 of its value).
	for _, r := range res.Rates[:2] {
		if r.Distance > 1e-14 {
			t.Errorf("h = %g: distance %g", r.H, r.Distance)
		}
		rho := math.Max(math.Abs(1-8*r.H), math.Abs(1-4*r.H))
		if math.Abs(r.Lyapunov-math.Log(rho)) > 1e-2*math.Abs(math.Log(rho)) {
			t.Errorf("h = %g: Lyapunov %g, want log %g = %g", r.H, r.Lyapunov, rho, math.Log(rho))
		}
	}
	// The 2-cycle at h = 0.26: y has decayed by |1 − 4h|^1000 = 0.04^1000
	// (to 0), and x alternates between the two points of the 2-cycle of
	// the 1-D map x ↦ x − 4hx(x² − 1), which GDMap.Cycle finds by Newton
	// (independent code). The tail passed the period test at 1e-9
	// relative, so the points agree to that.
	r := res.Rates[2]
	p1, _ := problems.Parse("(x^2-1)^2")
	m, _ := NewGDMap(p1)
	cyc, mu, ok := m.Cycle(0.26, r.Cycle[0][0], 2)
	if !ok || math.Abs(mu) >= 1 {
		t.Fatalf("GDMap.Cycle: ok %v, multiplier %g", ok, mu)
	}
	for i := range 2 {
		if math.Abs(r.Cycle[i][0]-cyc[i]) > 1e-8 || math.Abs(r.Cycle[i][1]) > 1e-300 {
			t.Errorf("cycle point %d = %v, GDMap %g", i, r.Cycle[i], cyc[i])
		}
	}
	if d := math.Abs(r.Final[0] - 1); math.Abs(r.Distance-d) > 1e-15 || d < 0.05 {
		t.Errorf("distance %g, want |x_N − 1| = %g", r.Distance, d)
	}
}

// TestSweepMatches1D compares the outcome with the 1-D theory of GDMap
// (stability/map1d.go, separate code: Attractor's period detection and
// Lyapunov exponent) on E = (x² − 1)² from 0.5, at rates away from the
// bifurcation points so both settle: fixed point, 2-, 4-cycles, chaos,
// divergence.
func TestSweepMatches1D(t *testing.T) {
	p, _ := problems.Parse("(x^2-1)^2")
	m, _ := NewGDMap(p)
	hs := []float64{0.1, 0.2, 0.28, 0.31, 0.37, 0.45, 0.55}
	res, err := Sweep(context.Background(), p, []float64{0.5}, hs, 4000, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Outcome]bool{}
	for i, h := range hs {
		a, err := m.Attractor(h, 0.5, &MapSettings{Transient: 3744, Samples: 256})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Rates[i]
		seen[r.Outcome] = true
		var want Outcome
		switch {
		case a.Period == -1:
			want = OutcomeDiverge
		case a.Period == 0:
			want = OutcomeChaotic
		case a.Period == 1:
			want = OutcomeConverge
			if 1-h*m.Curv(a.Orbit[0]) < 0 {
				want = OutcomeOscillateConverge
			}
		default:
			want = OutcomePeriodic
		}
		if r.Outcome != want || (want == OutcomePeriodic && r.Period != a.Period) {
			t.Errorf("h = %g: sweep %s period %d, GDMap period %d (%s)", h, r.Outcome, r.Period, a.Period, r.Evidence)
		}
		if a.Period == 0 && !(r.Lyapunov > 0 && a.Lyapunov > 0) {
			t.Errorf("h = %g: chaotic with Lyapunov %g (GDMap %g)", h, r.Lyapunov, a.Lyapunov)
		}
	}
	for _, o := range []Outcome{OutcomeOscillateConverge, OutcomePeriodic, OutcomeChaotic, OutcomeDiverge} {
		if !seen[o] {
			t.Errorf("no rate gave %s: the grid does not exercise it", o)
		}
	}
}

// TestSweepUnbounded: on the linear loss E = x GD walks off at constant
// speed h; it never reaches the bound in 50 steps, and the sweep calls it
// a divergence (not settled) rather than chaos.
func TestSweepUnbounded(t *testing.T) {
	p, _ := problems.Parse("x")
	res, err := Sweep(context.Background(), p, []float64{1}, []float64{0.1}, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Rates[0]; r.Outcome != OutcomeDiverge || r.Settled || r.Stationary != nil || math.Abs(r.Final[0]-(1-50*0.1)) > 1e-14 {
		t.Errorf("linear loss: %s settled %v stationary %v final %v (%s)", r.Outcome, r.Settled, r.Stationary, r.Final, r.Evidence)
	}
}

// TestSweepDegenerate: on E = x⁴ (E″ = 0 at the minimum) GD from 1 with
// h = 0.1 creeps in like n^(−1/2); the run does not settle in 100 steps
// but is read as converging, Newton (linear at a degenerate point) finds
// the minimum within 1e-10, and the distance is |x₁₀₀| from the same
// recursion x ← x − 0.4x³ computed here.
func TestSweepDegenerate(t *testing.T) {
	p, _ := problems.Parse("x^4")
	res, err := Sweep(context.Background(), p, []float64{1}, []float64{0.1}, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := 1.0
	for range 100 {
		x -= 0.1 * 4 * x * x * x
	}
	r := res.Rates[0]
	if r.Outcome != OutcomeConverge || r.Settled || r.Stationary == nil || math.Abs(r.Stationary[0]) > 1e-10 ||
		math.Abs(r.Distance-math.Abs(x)) > 1e-10 {
		t.Errorf("x⁴: %s settled %v stationary %v distance %g (want %g): %s", r.Outcome, r.Settled, r.Stationary, r.Distance, math.Abs(x), r.Evidence)
	}
}

func TestSweepBadInput(t *testing.T) {
	p, _ := problems.Parse("x^2+y^2")
	ctx := context.Background()
	x0 := []float64{1, 1}
	for i, f := range []func() error{
		func() error { _, err := Sweep(ctx, p, x0, []float64{0.1}, 0, nil); return err },
		func() error { _, err := Sweep(ctx, p, x0, nil, 10, nil); return err },
		func() error { _, err := Sweep(ctx, p, x0, []float64{-0.1}, 10, nil); return err },
		func() error { _, err := Sweep(ctx, p, x0, []float64{math.NaN()}, 10, nil); return err },
		func() error { _, err := Sweep(ctx, p, []float64{1}, []float64{0.1}, 10, nil); return err },
	} {
		if err := f(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("case %d: error %v, want ErrInvalidInput", i, err)
		}
	}
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Sweep(c, p, x0, []float64{0.1}, 5000, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if got := LinRates(0.1, 0.3, 3); len(got) != 3 || got[0] != 0.1 || got[2] != 0.3 || math.Abs(got[1]-0.2) > 1e-16 {
		t.Errorf("LinRates = %v", got)
	}
}

func ExampleSweep() {
	p, _ := problems.Parse("(x^2-1)^2 + 2*y^2")
	res, _ := Sweep(context.Background(), p, []float64{0.5, 0.5}, []float64{0.2, 0.26, 0.6}, 1000, nil)
	for _, r := range res.Rates {
		fmt.Printf("h = %.2f: %s (period %d), hλ_max = %.2f, edge %.2f\n", r.H, r.Outcome, r.Period, r.HLambdaMax, r.Edge)
	}
	// Output:
	// h = 0.20: oscillate-converge (period 1), hλ_max = 1.60, edge 0.25
	// h = 0.26: periodic (period 2), hλ_max = 2.08, edge 0.25
	// h = 0.60: diverge (period 0), hλ_max = 4.80, edge 0.25
}

// TestNewtonLeavesNeighbourhood: from just past the inflection point
// 1/√3 of E = x⁴/4 − x²/2 the Hessian 3x² − 1 is about 3.5e-9, so the
// first Newton step lands near x ≈ 1e8, where ‖∇E‖ = |x³ − x| is about
// 1e24: the search has left the start's neighbourhood and gives up (before
// the guard it crawled back to the minimum 1, each step shrinking x by
// about a third, at the cost of dozens of Hessians). From 0.9 it converges
// to 1.
func TestNewtonLeavesNeighbourhood(t *testing.T) {
	p, err := problems.Parse("x^4/4 - x^2/2")
	if err != nil {
		t.Fatal(err)
	}
	if x := newtonStationary(p, []float64{1/math.Sqrt(3) + 1e-9}); x != nil {
		t.Errorf("from the inflection point: %v, want nil", x)
	}
	x := newtonStationary(p, []float64{0.9})
	if x == nil || math.Abs(x[0]-1) > 1e-12 {
		t.Errorf("from 0.9: %v, want 1", x)
	}
}
