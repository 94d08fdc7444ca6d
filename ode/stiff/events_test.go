package stiff

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

// Zeros of y1 = cos t for the oscillator y1' = y2, y2' = −y1, located on
// the dense output: all three in [0, 10], only the rising one with
// Direction +1, and a terminal one that ends the integration there.
// The located zero of the dense polynomial is off the true zero by the
// dense-output error divided by |y1'| = 1; at tolerance 1e−10 the dense
// error is of the order of the tolerance (measured event-time error
// 1.7e−10): bound 1e−8, the 10× dense-output factor of
// TestRadau5DenseComplex with another 10× margin.
func TestRadau5Events(t *testing.T) {
	osc := func(evs ...ode.Event[float64]) Problem[float64] {
		return Problem[float64]{
			F: func(dy []float64, _ float64, y []float64) { dy[0], dy[1] = y[1], -y[0] },
			Jac: func(j []float64, _ float64, _ []float64) {
				j[0], j[1], j[2], j[3] = 0, 1, -1, 0
			},
			Events: evs,
		}
	}
	g := func(_ float64, y []float64) float64 { return y[0] }
	set := &Settings{RTol: 1e-10, ATol: 1e-10}
	sol, err := radau5(osc(ode.Event[float64]{G: g}, ode.Event[float64]{G: g, Direction: 1}), 0, 10, []float64{1, 0}, set)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		t float64
		e int
	}{{math.Pi / 2, 0}, {3 * math.Pi / 2, 0}, {3 * math.Pi / 2, 1}, {5 * math.Pi / 2, 0}}
	if len(sol.Events) != len(want) {
		t.Fatalf("events %+v, want %v", sol.Events, want)
	}
	worst := 0.0
	for k, w := range want {
		h := sol.Events[k]
		worst = math.Max(worst, math.Abs(h.T-w.t))
		if h.Index != w.e || math.Abs(h.T-w.t) > 1e-8 || h.Y[0] != g(h.T, h.Y) {
			t.Errorf("event %d: %+v, want index %d at %v", k, h, w.e, w.t)
		}
	}
	t.Logf("max event time error %.2g", worst)

	// Terminal: stop at the first zero, state at the zero.
	te := []float64{1, 1.5, 1.6, 2}
	sol, err = radau5(osc(ode.Event[float64]{G: g, Terminal: true}), 0, 10, []float64{1, 0},
		&Settings{RTol: 1e-10, ATol: 1e-10, Dense: true, TEval: te})
	if !errors.Is(err, ode.ErrStopped) || len(sol.Events) != 1 {
		t.Fatalf("terminal: err = %v, events %+v", err, sol.Events)
	}
	hit := sol.Events[0]
	if math.Abs(hit.T-math.Pi/2) > 1e-8 || sol.TEnd != hit.T {
		t.Errorf("terminal: hit %+v, TEnd %v", hit, sol.TEnd)
	}
	// TEval points beyond the zero are not recorded.
	if len(sol.T) != 2 || sol.T[1] != 1.5 {
		t.Errorf("terminal: outputs at %v, want [1 1.5]", sol.T)
	}
	v, err := sol.At(nil, sol.TEnd)
	if err != nil || v[0] != hit.Y[0] || v[1] != hit.Y[1] {
		t.Errorf("terminal: At(TEnd) = %v (%v), hit %v", v, err, hit.Y)
	}
	if _, err := sol.At(nil, 1.6); err == nil {
		t.Error("At beyond a terminal event must fail")
	}
}

// A terminal event inside the fast transition of van der Pol (ε = 1e−3,
// y1 = 0 where |y1'| ≈ 690) against package ode's DOPRI5 with its own
// event location at tolerance 1e−12. Radau5 at 1e−8: its state error of
// order 100× the tolerance (TestVanDerPolBenchmarkAgainstDOPRI5) shifts the
// zero by ≲ 1e−6/690; bound 1e−8 (measured 5.3e−10).
func TestRadau5EventVanDerPol(t *testing.T) {
	const eps = 1e-3
	p := vdpProblem(eps)
	p.Events = []ode.Event[float64]{{G: func(_ float64, y []float64) float64 { return y[0] }, Terminal: true}}
	sol, err := radau5(p, 0, 2, []float64{2, 0}, &Settings{RTol: 1e-8, ATol: 1e-8})
	if !errors.Is(err, ode.ErrStopped) {
		t.Fatal(err)
	}
	ref, err := ode.Solve(ode.ProblemOf(p.F), 0, 2, []float64{2, 0}, ode.DOPRI5, &ode.Settings[float64]{
		RTol: 1e-12, ATol: 1e-12, MaxSteps: 1 << 30,
		Events: []ode.Event[float64]{{G: func(_ float64, y []float64) float64 { return y[0] }, Terminal: true}},
	})
	if !errors.Is(err, ode.ErrStopped) {
		t.Fatal(err)
	}
	d := math.Abs(sol.TEnd - ref.TEnd)
	t.Logf("zero at %.15g (DOPRI5 %.15g), difference %.2g", sol.TEnd, ref.TEnd, d)
	if d > 1e-8 {
		t.Errorf("event at %v, DOPRI5 %v", sol.TEnd, ref.TEnd)
	}
}
