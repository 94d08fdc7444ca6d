package ode

import (
	"testing"
)

// The constants of the specialised DOPRI5 kernel are the tableau's values.
func TestDP5Constants(t *testing.T) {
	a := [][]float64{{}, {dpA21}, {dpA31, dpA32}, {dpA41, dpA42, dpA43}, {dpA51, dpA52, dpA53, dpA54},
		{dpA61, dpA62, dpA63, dpA64, dpA65}, {dpB1, 0, dpB3, dpB4, dpB5, dpB6}}
	for i, row := range a {
		if !equalF(row, DOPRI5.A[i]) {
			t.Errorf("row %d: kernel %v, tableau %v", i, row, DOPRI5.A[i])
		}
	}
	if c := []float64{0, dpC2, dpC3, dpC4, dpC5, 1, 1}; !equalF(c, DOPRI5.C) {
		t.Errorf("c: kernel %v, tableau %v", c, DOPRI5.C)
	}
	if e := []float64{dpE1, 0, dpE3, dpE4, dpE5, dpE6, dpE7}; !equalF(e, DOPRI5.E) {
		t.Errorf("E: kernel %v, tableau %v", e, DOPRI5.E)
	}
	cp := *DOPRI5
	if !dp5Match(&cp) || dp5Match(Tsit5) || dp5Match(DOP853) {
		t.Error("dp5Match misclassifies")
	}
}

// dp5Pair runs the same problem through the specialised DOPRI5 kernel and
// through the generic engine and requires bitwise equal steps and states.
func dp5Pair[T float64 | complex128](t *testing.T, name string, f Func[T], t1 float64, y0 []T, s *Settings[T]) {
	fast, err := NewIntegrator(ProblemOf(f), 0, t1, y0, DOPRI5, s)
	if err != nil {
		t.Fatal(err)
	}
	gen, _ := NewIntegrator(ProblemOf(f), 0, t1, y0, DOPRI5, s)
	if !fast.dp5 {
		t.Fatalf("%s: kernel not selected", name)
	}
	gen.dp5 = false
	for {
		a, b := fast.Step(), gen.Step()
		if a != b || fast.T() != gen.T() || fast.H() != gen.H() || fast.Stats() != gen.Stats() {
			t.Fatalf("%s: diverged at t = %v / %v (h %v / %v)", name, fast.T(), gen.T(), fast.H(), gen.H())
		}
		for i := range fast.Y() {
			if fast.Y()[i] != gen.Y()[i] {
				t.Fatalf("%s: state differs at t = %v: %v vs %v", name, fast.T(), fast.Y()[i], gen.Y()[i])
			}
		}
		if !a {
			break
		}
	}
	if fast.Err() != nil {
		t.Fatalf("%s: %v", name, fast.Err())
	}
	st := fast.Stats()
	t.Logf("%s: %d steps, %d rejected, identical", name, st.NSteps, st.NRejected)
}

func TestDP5KernelMatchesGeneric(t *testing.T) {
	dp5Pair(t, "arenstorf", arenstorf, arenT, arenY0, &Settings[float64]{RTol: 1e-7, ATol: 1e-7, H0: 1e-4})
	dp5Pair(t, "lorenz", lorenz, 20, []float64{1, 1, 1}, &Settings[float64]{RTol: 1e-10, ATol: 1e-10})
	dp5Pair(t, "lorenz atolvec", lorenz, 20, []float64{1, 1, 1}, &Settings[float64]{RTol: 1e-8, ATolVec: []float64{1e-8, 1e-9, 1e-10}})
	dp5Pair(t, "arenstorf complex", arenstorfC, arenT, []complex128{0.994, 0, 0, -2.00158510637908252240537862224}, &Settings[complex128]{RTol: 1e-9, ATol: 1e-9})
	dp5Pair(t, "backward", arenstorf, -arenT/2, arenY0, &Settings[float64]{RTol: 1e-9, ATol: 1e-9})
	// Above the fused-loop limit the generic path (gonum kernels) is used.
	it, _ := NewIntegrator(ProblemOf(lorenz), 0, 1, make([]float64, fuseLimit+1), DOPRI5, nil)
	if it.dp5 {
		t.Error("kernel selected above fuseLimit")
	}
}

// Verner's interpolants have a stage f(t+h, y1); with dense output it is
// reused as the next step's first stage: the same steps and states, one
// evaluation fewer per accepted step but the last.
func TestEndStageReuse(t *testing.T) {
	for _, m := range []*Tableau{Vern7, Vern9} {
		it, _ := NewIntegrator(ProblemOf(arenstorf), 0, 1, arenY0, m, nil)
		if it.endExtra != 0 {
			t.Fatalf("%s: end stage %d, want 0", m.Name, it.endExtra)
		}
		plain, err := Solve(ProblemOf(arenstorf), 0, arenT, arenY0, m, &Settings[float64]{RTol: 1e-9, ATol: 1e-9})
		if err != nil {
			t.Fatal(err)
		}
		dense, err := Solve(ProblemOf(arenstorf), 0, arenT, arenY0, m, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, Dense: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(plain.T) != len(dense.T) {
			t.Fatalf("%s: %d vs %d steps", m.Name, len(plain.T), len(dense.T))
		}
		for i := range plain.Y {
			for j := range plain.Y[i] {
				if plain.Y[i][j] != dense.Y[i][j] || plain.T[i] != dense.T[i] {
					t.Fatalf("%s: step %d differs", m.Name, i)
				}
			}
		}
		na := plain.Stats.NAccepted
		want := plain.Stats.NFev + len(m.ExtraC)*na - (na - 1)
		if dense.Stats.NFev != want {
			t.Errorf("%s: %d evaluations with dense output, want %d (plain %d, %d accepted)", m.Name, dense.Stats.NFev, want, plain.Stats.NFev, na)
		}
		// With RefreshFSAL the first stage is always evaluated afresh.
		ref, _ := Solve(ProblemOf(arenstorf), 0, arenT, arenY0, m, &Settings[float64]{RTol: 1e-9, ATol: 1e-9, Dense: true, RefreshFSAL: true})
		if ref.Stats.NFev != plain.Stats.NFev+len(m.ExtraC)*na {
			t.Errorf("%s: RefreshFSAL: %d evaluations, want %d", m.Name, ref.Stats.NFev, plain.Stats.NFev+len(m.ExtraC)*na)
		}
	}
}
