package ode

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"
)

// TestZeroAllocsPerStep proves that Step allocates nothing after set-up, for
// float64 and complex128 states, every built-in method, adaptive and fixed.
func TestZeroAllocsPerStep(t *testing.T) {
	for _, name := range Names() {
		m, _ := Lookup(name)
		s := &Settings[float64]{RTol: 1e-8, ATol: 1e-8}
		sc := &Settings[complex128]{RTol: 1e-8, ATol: 1e-8}
		if !m.Adaptive() {
			s = &Settings[float64]{Steps: 1 << 20}
			sc = &Settings[complex128]{Steps: 1 << 20}
		}
		it, err := NewIntegrator(ProblemOf(arenstorf), 0, 1e6, arenY0, m, s)
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(200, func() { it.Step() }); a != 0 {
			t.Errorf("%s float64: %v allocs per step", name, a)
		}
		yc := []complex128{0.994, 0, 0, -2.00158510637908252240537862224}
		itc, err := NewIntegrator(ProblemOf(arenstorfC), 0, 1e6, yc, m, sc)
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(200, func() { itc.Step() }); a != 0 {
			t.Errorf("%s complex128: %v allocs per step", name, a)
		}
	}
	// Large vectors take the gonum kernel path.
	n := 200
	y0 := make([]float64, n)
	for i := range y0 {
		y0[i] = 1
	}
	decay := func(dy []float64, _ float64, y []float64) {
		for i := range y {
			dy[i] = -float64(i+1) / float64(n) * y[i]
		}
	}
	it, _ := NewIntegrator(ProblemOf(decay), 0, 1e6, y0, DOP853, &Settings[float64]{RTol: 1e-10, ATol: 1e-10})
	if a := testing.AllocsPerRun(100, func() { it.Step() }); a != 0 {
		t.Errorf("dop853 n=200: %v allocs per step", a)
	}
}

// TestComplexLinear: y' = A y with A = [[λ1, 1], [0, λ2]] (complex), whose
// solution is y2 = e^{λ2 t} y2(0), y1 = e^{λ1 t} y1(0) + (e^{λ1 t} − e^{λ2 t})/(λ1 − λ2) y2(0).
func TestComplexLinear(t *testing.T) {
	l1, l2 := complex(-0.3, 2), complex(-0.1, -1.5)
	f := func(dy []complex128, _ float64, y []complex128) {
		dy[0] = l1*y[0] + y[1]
		dy[1] = l2 * y[1]
	}
	y0 := []complex128{1 + 0.5i, -0.25 + 1i}
	const t1 = 5.0
	e1, e2 := cmplx.Exp(l1*t1), cmplx.Exp(l2*t1)
	want := []complex128{e1*y0[0] + (e1-e2)/(l1-l2)*y0[1], e2 * y0[1]}
	for _, m := range []*Tableau{DOPRI5, Tsit5, DOP853, Vern7} {
		sol, err := Solve(ProblemOf(f), 0, t1, y0, m, &Settings[complex128]{RTol: 1e-10, ATol: 1e-10})
		if err != nil {
			t.Fatal(err)
		}
		got := sol.Y[len(sol.Y)-1]
		// Tolerance 1e-10 per step; the global error of these stable
		// problems stays within a small multiple (measured ≤ 2e-10).
		for i := range got {
			if d := cmplx.Abs(got[i] - want[i]); d > 1e-8 {
				t.Errorf("%s: |y%d − exact| = %.3g", m.Name, i, d)
			}
		}
	}
}

// TestComplexMatchesRealSplit runs the same fixed-step integration on the
// complex system and on its real 2n-dimensional form: the stage
// combinations are the same real operations, so the results agree to
// round-off.
func TestComplexMatchesRealSplit(t *testing.T) {
	l1, l2 := complex(-0.3, 2), complex(-0.1, -1.5)
	fc := func(dy []complex128, _ float64, y []complex128) {
		dy[0] = l1*y[0] + y[1]*y[1]/4
		dy[1] = l2 * y[1]
	}
	fr := func(dy []float64, _ float64, y []float64) {
		z0, z1 := complex(y[0], y[1]), complex(y[2], y[3])
		d0, d1 := l1*z0+z1*z1/4, l2*z1
		dy[0], dy[1], dy[2], dy[3] = real(d0), imag(d0), real(d1), imag(d1)
	}
	for _, m := range []*Tableau{RK4, DOPRI5, DOP853, Vern7} {
		sc, err := Solve(ProblemOf(fc), 0, 3, []complex128{1 + 0.5i, -0.25 + 1i}, m, &Settings[complex128]{Steps: 60})
		if err != nil {
			t.Fatal(err)
		}
		sr, err := Solve(ProblemOf(fr), 0, 3, []float64{1, 0.5, -0.25, 1}, m, &Settings[float64]{Steps: 60})
		if err != nil {
			t.Fatal(err)
		}
		zc, zr := sc.Y[len(sc.Y)-1], sr.Y[len(sr.Y)-1]
		for i := range zc {
			if d := cmplx.Abs(zc[i] - complex(zr[2*i], zr[2*i+1])); d > 1e-14 {
				t.Errorf("%s: component %d differs by %.3g", m.Name, i, d)
			}
		}
	}
}

func TestBackwardIntegration(t *testing.T) {
	// Integrate the oscillator from t = 3 back to t = −1.
	y3 := oscExact(3)
	for _, m := range []*Tableau{DOPRI5, DOP853, Tsit5, Vern7, BS3} {
		sol, err := Solve(ProblemOf(oscRHS), 3, -1, y3, m, &Settings[float64]{RTol: 1e-10, ATol: 1e-10, Dense: true})
		if err != nil {
			t.Fatal(err)
		}
		if sol.TEnd != -1 {
			t.Errorf("%s: ended at %v", m.Name, sol.TEnd)
		}
		tol := 1e-8 // 1e-10 per unit step, 4 time units, slack for accumulation
		if d := maxDiff(sol.Y[len(sol.Y)-1], oscExact(-1)); d > tol {
			t.Errorf("%s: backward error %.3g", m.Name, d)
		}
		y, err := sol.At(nil, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		if d := maxDiff(y, oscExact(0.5)); d > tol {
			t.Errorf("%s: dense backward error %.3g", m.Name, d)
		}
	}
}

func TestTEvalAndDense(t *testing.T) {
	te := []float64{0, 0.5, 1, 2.5, 4}
	sol, err := Solve(ProblemOf(oscRHS), 0, 4, []float64{1, 0}, DOP853, &Settings[float64]{RTol: 1e-12, ATol: 1e-12, TEval: te, Dense: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sol.T) != len(te) {
		t.Fatalf("recorded %d points, want %d", len(sol.T), len(te))
	}
	for i, ti := range te {
		if sol.T[i] != ti {
			t.Errorf("T[%d] = %v", i, sol.T[i])
		}
		// DOP853's 7th-order interpolant at rtol 1e-12: errors ~1e-11.
		if d := maxDiff(sol.Y[i], oscExact(ti)); d > 1e-10 {
			t.Errorf("Y at %v off by %.3g", ti, d)
		}
	}
	if _, err := sol.At(nil, 4.5); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("At outside range: %v", err)
	}
	sol2, _ := Solve(ProblemOf(oscRHS), 0, 4, []float64{1, 0}, DOP853, nil)
	if _, err := sol2.At(nil, 1); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("At without dense: %v", err)
	}
}

func TestInvalidSettings(t *testing.T) {
	y0 := []float64{1, 0}
	cases := []struct {
		name   string
		t0, t1 float64
		y0     []float64
		s      *Settings[float64]
		m      *Tableau
	}{
		{"t1==t0", 1, 1, y0, nil, DOPRI5},
		{"NaN t1", 0, math.NaN(), y0, nil, DOPRI5},
		{"Inf t0", math.Inf(-1), 1, y0, nil, DOPRI5},
		{"negative rtol", 0, 1, y0, &Settings[float64]{RTol: -1}, DOPRI5},
		{"rtol below 100 eps", 0, 1, y0, &Settings[float64]{RTol: 1e-15}, DOPRI5},
		{"NaN atol", 0, 1, y0, &Settings[float64]{ATol: math.NaN()}, DOPRI5},
		{"atol vec length", 0, 1, y0, &Settings[float64]{ATolVec: []float64{1}}, DOPRI5},
		{"empty y0", 0, 1, nil, nil, DOPRI5},
		{"NaN y0", 0, 1, []float64{math.NaN(), 0}, nil, DOPRI5},
		{"no error estimator", 0, 1, y0, nil, RK4},
		{"TEval out of range", 0, 1, y0, &Settings[float64]{TEval: []float64{0.5, 2}}, DOPRI5},
		{"TEval not monotone", 0, 1, y0, &Settings[float64]{TEval: []float64{0.5, 0.2}}, DOPRI5},
		{"negative Step", 0, 1, y0, &Settings[float64]{Step: -0.1}, DOPRI5},
		{"nil method", 0, 1, y0, nil, nil},
		{"event without G", 0, 1, y0, &Settings[float64]{Events: []Event[float64]{{}}}, DOPRI5},
	}
	for _, c := range cases {
		sol, err := Solve(ProblemOf(oscRHS), c.t0, c.t1, c.y0, c.m, c.s)
		if !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v, want ErrInvalidSettings", c.name, err)
		}
		if sol == nil || sol.Status != Invalid {
			t.Errorf("%s: status %v", c.name, sol.Status)
		}
	}
}

func TestFailures(t *testing.T) {
	// Finite-time blow-up y' = y², y(0) = 1 (y = 1/(1−t)): the step shrinks
	// towards t = 1 until it falls below the floor (the last accepted step may
	// land just beyond the pole).
	blow := func(dy []float64, _ float64, y []float64) { dy[0] = y[0] * y[0] }
	sol, err := Solve(ProblemOf(blow), 0, 2, []float64{1}, DOPRI5, &Settings[float64]{RTol: 1e-8, ATol: 1e-8})
	if !errors.Is(err, ErrStepTooSmall) && !errors.Is(err, ErrNonFinite) {
		t.Errorf("blow-up: err = %v", err)
	}
	if math.Abs(sol.TEnd-1) > 1e-3 || len(sol.T) < 10 {
		t.Errorf("blow-up: partial solution ends at %v with %d points", sol.TEnd, len(sol.T))
	}
	// MaxSteps
	sol, err = Solve(ProblemOf(oscRHS), 0, 100, []float64{1, 0}, DOPRI5, &Settings[float64]{MaxSteps: 10})
	if !errors.Is(err, ErrMaxSteps) || sol.Status != MaxSteps || sol.Stats.NSteps != 10 {
		t.Errorf("max steps: err = %v, status %v, stats %+v", err, sol.Status, sol.Stats)
	}
	// NaN appearing in f for t > 1: the steps are rejected and shrink
	// until the floor, reported as ErrNonFinite.
	nanAfter := func(dy []float64, t float64, y []float64) {
		dy[0] = -y[0]
		if t > 1 {
			dy[0] = math.NaN()
		}
	}
	sol, err = Solve(ProblemOf(nanAfter), 0, 2, []float64{1}, Tsit5, nil)
	if !errors.Is(err, ErrNonFinite) || sol.Status != NonFinite {
		t.Errorf("NaN: err = %v, status %v", err, sol.Status)
	}
	if sol.TEnd > 1 || sol.TEnd < 0.99 {
		t.Errorf("NaN: stopped at %v", sol.TEnd)
	}
	for _, y := range sol.Y {
		if math.IsNaN(y[0]) {
			t.Fatal("NaN recorded in the partial solution")
		}
	}
	// Fixed step with NaN.
	_, err = Solve(ProblemOf(nanAfter), 0, 2, []float64{1}, RK4, &Settings[float64]{Steps: 10})
	if !errors.Is(err, ErrNonFinite) {
		t.Errorf("fixed NaN: err = %v", err)
	}
}

func TestObserver(t *testing.T) {
	var times []float64
	stopAt := 5
	s := &Settings[float64]{RTol: 1e-8, ATol: 1e-8, Observer: func(t float64, y []float64) bool {
		times = append(times, t)
		return len(times) < stopAt
	}}
	sol, err := Solve(ProblemOf(oscRHS), 0, 10, []float64{1, 0}, DOPRI5, s)
	if !errors.Is(err, ErrStopped) || sol.Status != Stopped {
		t.Fatalf("err = %v, status = %v", err, sol.Status)
	}
	if len(times) != stopAt || sol.Stats.NAccepted != stopAt {
		t.Errorf("observer called %d times, %d accepted steps", len(times), sol.Stats.NAccepted)
	}
	// Recorded points: t0 and one per accepted step, the observer sees the
	// same times.
	for i, ti := range times {
		if sol.T[i+1] != ti {
			t.Errorf("observer time %v, recorded %v", ti, sol.T[i+1])
		}
	}
	// Observer count equals accepted steps on a full run.
	n := 0
	sol, err = Solve(ProblemOf(arenstorf), 0, arenT, arenY0, DOPRI5, &Settings[float64]{RTol: 1e-7, ATol: 1e-7, H0: 1e-4,
		Observer: func(float64, []float64) bool { n++; return true }})
	if err != nil || n != sol.Stats.NAccepted || n != 217 {
		t.Errorf("observer calls %d, accepted %d, err %v", n, sol.Stats.NAccepted, err)
	}
}

func TestIteratorMatchesSolve(t *testing.T) {
	it, err := NewIntegrator(ProblemOf(arenstorf), 0, arenT, arenY0, DOPRI5, &Settings[float64]{RTol: 1e-7, ATol: 1e-7, H0: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	sol, _ := Solve(ProblemOf(arenstorf), 0, arenT, arenY0, DOPRI5, &Settings[float64]{RTol: 1e-7, ATol: 1e-7, H0: 1e-4})
	k := 1
	for tt, y := range it.Steps() {
		if tt != sol.T[k] || maxDiff(y, sol.Y[k]) != 0 {
			t.Fatalf("step %d: (%v) differs from Solve (%v)", k, tt, sol.T[k])
		}
		k++
	}
	if it.Err() != nil || k != len(sol.T) || it.Stats() != sol.Stats {
		t.Errorf("iterator: err %v, %d points vs %d, stats %+v vs %+v", it.Err(), k, len(sol.T), it.Stats(), sol.Stats)
	}
}

func TestVectorATolAndHinit(t *testing.T) {
	// A scalar ATol equal to every entry of ATolVec gives identical runs.
	a, _ := Solve(ProblemOf(arenstorf), 0, arenT, arenY0, DOP853, &Settings[float64]{RTol: 1e-9, ATol: 1e-9})
	b, _ := Solve(ProblemOf(arenstorf), 0, arenT, arenY0, DOP853, &Settings[float64]{RTol: 1e-9, ATolVec: []float64{1e-9, 1e-9, 1e-9, 1e-9}})
	if a.Stats != b.Stats {
		t.Errorf("ATolVec changes the run: %+v vs %+v", a.Stats, b.Stats)
	}
	// HINIT costs exactly one extra evaluation.
	if a.Stats.NFev != 1+1+11*a.Stats.NSteps+a.Stats.NAccepted {
		t.Errorf("DOP853 evaluations %d, want 2 + 11·steps + accepted = %d", a.Stats.NFev, 2+11*a.Stats.NSteps+a.Stats.NAccepted)
	}
	if e := maxDiff(a.Y[len(a.Y)-1], arenY0); e > 1e-5 {
		t.Errorf("DOP853 arenstorf error %.3g at rtol 1e-9", e)
	}
}
