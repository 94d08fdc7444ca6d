package ode

import (
	"errors"
	"math"
	"testing"
)

// FuzzSolveSettings: arbitrary tolerances, step settings and end times never
// panic or hang; Solve either succeeds or returns one of the sentinels.
func FuzzSolveSettings(f *testing.F) {
	f.Add(1e-6, 1e-6, 0.0, 0.0, 10.0, 0.0, 0)
	f.Add(-1.0, 1e-6, 0.0, 0.0, 10.0, 0.0, 0)
	f.Add(1e-20, 0.0, 1e-4, 1e-3, -5.0, 0.5, 3)
	f.Add(math.NaN(), math.Inf(1), -1.0, 0.0, 0.0, 1e-300, 10)
	f.Fuzz(func(t *testing.T, rtol, atol, h0, minStep, t1, maxStep float64, steps int) {
		s := &Settings[float64]{RTol: rtol, ATol: atol, H0: h0, MinStep: minStep, MaxStep: maxStep,
			Steps: steps % 1000, MaxSteps: 2000}
		sol, err := Solve(ProblemOf(oscRHS), 0, t1, []float64{1, 0}, DOPRI5, s)
		if sol == nil {
			t.Fatal("nil solution")
		}
		if err != nil {
			for _, e := range []error{ErrInvalidSettings, ErrMaxSteps, ErrStepTooSmall, ErrNonFinite} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		for _, y := range sol.Y {
			if math.IsNaN(y[0]) || math.IsNaN(y[1]) {
				t.Fatal("NaN in a successful solution")
			}
		}
	})
}

// TestUserTableau: a user-built tableau runs through the same engine as the
// built-in one and gives bit-identical results.
func TestUserTableau(t *testing.T) {
	u := &Tableau{Name: "my-rk4", Order: 4, C: RK4.C, A: RK4.A, B: RK4.B}
	a, err := Solve(ProblemOf(keplerRHS), 0, 3, circY0, u, &Settings[float64]{Steps: 50})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Solve(ProblemOf(keplerRHS), 0, 3, circY0, RK4, &Settings[float64]{Steps: 50})
	if maxDiff(a.Y[len(a.Y)-1], b.Y[len(b.Y)-1]) != 0 {
		t.Error("user copy of RK4 differs from the built-in")
	}
	bad := &Tableau{Name: "bad", Order: 2, C: []float64{0, 0.5}, A: [][]float64{{}, {0.4}}, B: []float64{0, 1}}
	if _, err := Solve(ProblemOf(keplerRHS), 0, 3, circY0, bad, &Settings[float64]{Steps: 5}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("invalid tableau accepted: %v", err)
	}
}
