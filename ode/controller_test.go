package ode

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The PID controller's step ratios follow its formula, recomputed here
// independently: after accepted errors e1, e2, e3 the third ratio is
// Safety·e3^(−B1/k)·e2^(−B2/k)·e1^(−B3/k); a rejection is retried with the
// integral part and caps the next growth at 1.
func TestPIDFormula(t *testing.T) {
	c := PID{B1: 0.6, B2: -0.2, B3: 0.1}
	var s ControlState
	c.Reset(&s, 4) // k = 5
	errs := []float64{0.5, 0.25, 0.8}
	h := 1.0
	var got []float64
	for _, e := range errs {
		hn := c.Accept(&s, h, StepError{Err2: e * e})
		got = append(got, hn/h)
		h = hn
	}
	k := 5.0
	pw := func(x, b float64) float64 { return math.Pow(x, -b/k) }
	want := []float64{
		0.9 * pw(0.5, 0.6),
		0.9 * pw(0.25, 0.6) * pw(0.5, -0.2),
		0.9 * pw(0.8, 0.6) * pw(0.25, -0.2) * pw(0.5, 0.1),
	}
	if d := cmp.Diff(want, got, cmpopts.EquateApprox(1e-14, 0)); d != "" {
		t.Errorf("PID ratios (-want +got):\n%s", d)
	}
	hr := c.Reject(&s, h, StepError{Err2: 4}) // err = 2
	if r := hr / h; math.Abs(r-0.9*math.Pow(2, -1/k)) > 1e-15 {
		t.Errorf("reject ratio %v", r)
	}
	if hn := c.Accept(&s, hr, StepError{Err2: 1e-6}); hn > hr {
		t.Errorf("growth %v after a rejection", hn/hr)
	}
	// Defaults: H312PID.
	g := PID{}.get()
	if g.B1 != 1.0/18 || g.B2 != 1.0/9 || g.B3 != 1.0/18 || g.Safety != 0.9 {
		t.Errorf("defaults %+v", g)
	}
}

// DOPRI5 with the PID controller on the Arenstorf orbit: the same
// tolerance gives an error of the same size as Hairer's PI (which the
// counters test pins), with a different step sequence; both come back to
// y0 after one period within 100·rtol·(scale of the orbit).
func TestPIDWithDOPRI5(t *testing.T) {
	run := func(c Controller) (*Solution[float64], float64) {
		sol, err := Solve(ProblemOf(arenstorf), 0, arenT, arenY0, DOPRI5, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, Controller: c})
		if err != nil {
			t.Fatal(err)
		}
		y := sol.Y[len(sol.Y)-1]
		e := 0.0
		for i := range y {
			e = math.Max(e, math.Abs(y[i]-arenY0[i]))
		}
		return sol, e
	}
	solPI, ePI := run(nil)
	solPID, ePID := run(PID{})
	t.Logf("PI: %d steps (%d rejected), error %.2e; PID: %d steps (%d rejected), error %.2e",
		solPI.Stats.NSteps, solPI.Stats.NRejected, ePI, solPID.Stats.NSteps, solPID.Stats.NRejected, ePID)
	// The orbit has |y| up to ~2 and Lyapunov growth over one period of
	// ~1e3 (the PI run's error at rtol 1e-9 is 1.9e-5, PID's 3.3e-6): 1e-4 fails any
	// controller that does not control the error.
	if ePID > 1e-4 || solPID.Stats.NSteps == solPI.Stats.NSteps {
		t.Errorf("PID error %.2e, %d steps (PI %d)", ePID, solPID.Stats.NSteps, solPI.Stats.NSteps)
	}
}

// Controllers with unusable constants are refused before any work.
func TestControllerValidation(t *testing.T) {
	for _, c := range []Controller{
		PI{Beta: math.NaN()}, PI{Alpha: -1}, PI{Safety: 2}, PI{FacMax: math.Inf(1)},
		I{FacMin: 1.5}, PID{B1: math.NaN()}, PID{B1: -1}, Predictive{Safety: math.NaN()},
	} {
		_, err := Solve(ProblemOf(oscRHS), 0, 1, []float64{1, 0}, DOPRI5, &Settings[float64]{Controller: c})
		if !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%#v: err %v", c, err)
		}
	}
	// A controller on a fixed-step run is refused, not ignored.
	if _, err := Solve(ProblemOf(oscRHS), 0, 1, []float64{1, 0}, RK4, &Settings[float64]{Steps: 10, Controller: PID{}}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("controller with Steps: %v", err)
	}
}

// Steps beyond 1e12 are refused up front (they would never return), and
// an event function returning NaN ends the run with ErrNonFinite instead
// of being ignored.
func TestHugeStepsAndNaNEvent(t *testing.T) {
	// 1e13 steps do not fit in a 32-bit int: there the check is moot.
	if steps := int64(1e13); int64(int(steps)) == steps {
		if _, err := Solve(ProblemOf(oscRHS), 0, 1, []float64{1, 0}, RK4, &Settings[float64]{Steps: int(steps)}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("Steps 1e13: %v", err)
		}
	}
	ev := Event[float64]{G: func(t float64, y []float64) float64 {
		if t > 0.5 {
			return math.NaN()
		}
		return 1
	}}
	sol, err := Solve(ProblemOf(oscRHS), 0, 1, []float64{1, 0}, DOPRI5, &Settings[float64]{Events: []Event[float64]{ev}})
	if !errors.Is(err, ErrNonFinite) || sol.Status != NonFinite {
		t.Errorf("NaN event: %v, status %v", err, sol.Status)
	}
}
