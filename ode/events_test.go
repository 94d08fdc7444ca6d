package ode

import (
	"errors"
	"math"
	"testing"
)

func TestEventsLocated(t *testing.T) {
	// y = (cos t, −sin t): y0 = 0 at π/2 (falling), 3π/2 (rising), 5π/2 (falling).
	g := func(_ float64, y []float64) float64 { return y[0] }
	s := &Settings[float64]{RTol: 1e-10, ATol: 1e-10, Events: []Event[float64]{
		{G: g}, {G: g, Direction: 1}, {G: g, Direction: -1}}}
	sol, err := Solve(ProblemOf(oscRHS), 0, 9, []float64{1, 0}, DOPRI5, s)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]float64{0: {math.Pi / 2, 3 * math.Pi / 2, 5 * math.Pi / 2}, 1: {3 * math.Pi / 2}, 2: {math.Pi / 2, 5 * math.Pi / 2}}
	got := map[int][]float64{}
	prev := 0.0
	for _, h := range sol.Events {
		got[h.Index] = append(got[h.Index], h.T)
		if h.T < prev {
			t.Errorf("events out of order: %v after %v", h.T, prev)
		}
		prev = h.T
		// the recorded state is the dense output at the zero: |y0| tiny
		if math.Abs(h.Y[0]) > 1e-9 {
			t.Errorf("g(y) = %.3g at the located event", h.Y[0])
		}
	}
	for k, w := range want {
		if len(got[k]) != len(w) {
			t.Fatalf("event %d: got %v, want %v", k, got[k], w)
		}
		for i := range w {
			// rtol 1e-10 and |y'| = 1 at the zeros: time error ~1e-9
			if math.Abs(got[k][i]-w[i]) > 1e-8 {
				t.Errorf("event %d #%d at %.12f, want %.12f", k, i, got[k][i], w[i])
			}
		}
	}
}

func TestTerminalEvent(t *testing.T) {
	s := &Settings[float64]{RTol: 1e-10, ATol: 1e-10, Events: []Event[float64]{
		{G: func(_ float64, y []float64) float64 { return y[0] }, Direction: 1, Terminal: true}}}
	for _, m := range []*Tableau{DOPRI5, DOP853, Vern7, BS3} {
		sol, err := Solve(ProblemOf(oscRHS), 0, 9, []float64{1, 0}, m, s)
		if !errors.Is(err, ErrStopped) || sol.Status != EventStop {
			t.Fatalf("%s: err = %v, status %v", m.Name, err, sol.Status)
		}
		te := 3 * math.Pi / 2
		if math.Abs(sol.TEnd-te) > 1e-8 || sol.T[len(sol.T)-1] != sol.TEnd {
			t.Errorf("%s: stopped at %v, last recorded %v, want %v", m.Name, sol.TEnd, sol.T[len(sol.T)-1], te)
		}
		if d := maxDiff(sol.Y[len(sol.Y)-1], oscExact(sol.TEnd)); d > 1e-8 {
			t.Errorf("%s: state at the event off by %.3g", m.Name, d)
		}
	}
}

// TestEventDoubleRootInOneStep: cos t = 0.999 has two zeros, 2π ± 0.0447,
// inside the single fixed step [6, 7]; sampling the step finds both, while
// looking only at the step ends (Samples: 1) sees no sign change.
func TestEventDoubleRootInOneStep(t *testing.T) {
	g := func(_ float64, y []float64) float64 { return y[0] - 0.999 }
	r := math.Acos(0.999)
	for _, samples := range []int{0, 1} {
		s := &Settings[float64]{Steps: 10, Events: []Event[float64]{{G: g, Samples: samples}}}
		sol, err := Solve(ProblemOf(oscRHS), 0, 10, []float64{1, 0}, DOP853, s)
		if err != nil {
			t.Fatal(err)
		}
		var in []float64
		for _, h := range sol.Events {
			if h.T > 6 && h.T < 7 {
				in = append(in, h.T)
			}
		}
		if samples == 1 {
			if len(in) != 0 {
				t.Errorf("Samples 1 found %v", in)
			}
			continue
		}
		if len(in) != 2 {
			t.Fatalf("found %v in [6, 7], want two zeros", in)
		}
		// DOP853 with h = 1: solution error ~1e-7, and near the double
		// root |g'| ≈ 0.045, so the zeros move by ~1e-5.
		for i, w := range []float64{2*math.Pi - r, 2*math.Pi + r} {
			if math.Abs(in[i]-w) > 1e-4 {
				t.Errorf("zero %d at %v, want %v", i, in[i], w)
			}
		}
	}
}

// TestTerminalEventHermiteFixed covers the Hermite fallback of a non-FSAL
// method (f at the step end evaluated on demand) with a terminal event.
func TestTerminalEventHermiteFixed(t *testing.T) {
	s := &Settings[float64]{Steps: 1000, Dense: true, Events: []Event[float64]{
		{G: func(_ float64, y []float64) float64 { return y[0] }, Direction: 1, Terminal: true}}}
	sol, err := Solve(ProblemOf(oscRHS), 0, 10, []float64{1, 0}, RK4, s)
	if !errors.Is(err, ErrStopped) {
		t.Fatal(err)
	}
	// RK4 with h = 0.01: global error ~1e-10; cubic Hermite between steps
	// adds O(h^4) ≈ 1e-9 (constant 1/384): the zero is located to ~1e-9.
	if math.Abs(sol.TEnd-3*math.Pi/2) > 1e-8 {
		t.Errorf("stopped at %v", sol.TEnd)
	}
	y, err := sol.At(nil, 4)
	if err != nil || maxDiff(y, oscExact(4)) > 1e-8 {
		t.Errorf("At(4) = %v (%v)", y, err)
	}
	// evaluations: 4 per step plus one f(t, y) at the end of each step that
	// the events sampled — reused as the next step's first stage.
	if sol.Stats.NFev != 4*sol.Stats.NAccepted+1 {
		t.Errorf("nfev %d for %d steps", sol.Stats.NFev, sol.Stats.NAccepted)
	}
}
