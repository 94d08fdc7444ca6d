package stability

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/linalg"
)

// TestDALRate checks the rule of dal.py on quadratic2d, where everything is
// closed form: with the start on the first axis, g = 2θ₁e₁ and
// Hg = 2g, so ‖Hg‖/‖g‖ = 2 and the DAL rate is min(2/2^p, h_max).
func TestDALRate(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	theta := []float64{-0.35, 0}
	g := []float64{-0.7, 0}
	for _, c := range []struct {
		d    DAL
		n    int
		want float64
	}{
		{DAL{P: 0}, 5, 0.3},                  // p = 0: static rate
		{DAL{P: 1}, 5, 1},                    // 2/2
		{DAL{P: 2}, 5, 0.5},                  // 2/4
		{DAL{P: 1, FiniteDiff: true}, 5, 1},  // FD exact on a quadratic (to rounding)
		{DAL{P: 0.5, MaxRate: 1}, 5, 1},      // 2/√2 = 1.414 clipped to 1
		{DAL{P: 1, Start: 5}, 5, 0.3},        // n > Start fails: static
		{DAL{P: 1, Start: 4, Stop: 6}, 5, 1}, // inside the window
		{DAL{P: 1, Stop: 5}, 5, 0.3},         // n < Stop fails
		{DAL{P: 1, Start: 0, Stop: 0}, 0, 1}, // unset window: Start = −1
		{DAL{P: 1, Epsilon: 1e-3, FiniteDiff: true}, 1, 1},
	} {
		r, err := NewDALRule(p, 0.3, c.d)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := r.Rate(c.n, theta, g)
		// FD: the gradient is linear, so (g(θ+εg) − g)/ε is exact up to
		// cancellation, ≈ ε_mach‖g‖/(ε‖g‖) ~ 1e-14 relative for ε = 0.01/‖g‖.
		if math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%+v at n=%d: rate %v want %v", c.d, c.n, got, c.want)
		}
	}
	// Zero gradient (at the minimum) and zero Hg give h_max.
	r, _ := NewDALRule(p, 0.3, DAL{P: 1})
	if got, _ := r.Rate(1, []float64{0, 0}, []float64{0, 0}); got != DefaultDALMaxRate {
		t.Errorf("zero gradient: %v", got)
	}
	for _, d := range []DAL{{P: -1}, {P: math.NaN()}, {P: 1, MaxRate: -1}, {P: 1, Epsilon: math.Inf(1)}} {
		if _, err := NewDALRule(p, 0.3, d); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%+v: %v", d, err)
		}
	}
}

// TestDALQuadraticDynamics: on quadratic2d from the first axis, DAL-1 sets
// hλ = 2 (period two: the loss stays at E₀ exactly) and DAL-2 sets hλ = 1
// (the minimiser in one step), while plain GD at 0.9 decays by 0.64 per
// step. These are the two ends of the trade-off, in closed form.
func TestDALQuadraticDynamics(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	x0 := []float64{-0.35, 0}
	runs, err := SweepDAL(p, 0.9, x0, []float64{0, 1, 2}, DAL{}, &TrackSettings{Steps: 10})
	if err != nil {
		t.Fatal(err)
	}
	e0 := 0.1225
	if math.Abs(runs[0].FinalLoss-e0*math.Pow(0.64, 10)) > 1e-15 {
		t.Errorf("p = 0: %v", runs[0].FinalLoss)
	}
	if runs[1].FinalLoss != runs[1].Trajectory.Loss[0] || runs[1].MaxSharpnessRate != 2 || runs[1].MeanRate != 1 {
		t.Errorf("p = 1: %+v", runs[1])
	}
	if runs[2].Trajectory.Loss[1] != 0 || runs[2].Trajectory.Rates[0] != 0.5 {
		t.Errorf("p = 2: loss %v rates %v", runs[2].Trajectory.Loss[:2], runs[2].Trajectory.Rates[:2])
	}
}

// TestDALSweepMLP shows the trade-off on the MLP of the edge-of-stability
// test (h = 0.6): plain GD (p = 0) runs at the edge with loss spikes; DAL-1
// caps the rate at 2/(‖Hg‖/‖g‖) and has no spikes, at the price of a higher
// loss after 600 steps. Figures measured with this code (see
// docs/stability.md): p = 0: 23 spikes, final loss 4.6e−3; p = 1: 0 spikes,
// final 9.8e−3.
func TestDALSweepMLP(t *testing.T) {
	if testing.Short() {
		t.Skip("4 s")
	}
	p := mustProblem(t, mlpEoSSpec)
	runs, err := SweepDAL(p, mlpEoSRate, p.Start(), []float64{0, 1, 2}, DAL{}, &TrackSettings{Steps: 600, Every: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		t.Logf("p=%v final %.3g spikes %d increases %d max λ₀h %.3g mean h %.3g", r.P, r.FinalLoss, r.Spikes, r.LossIncreases, r.MaxSharpnessRate, r.MeanRate)
	}
	gd, dal := runs[0], runs[1]
	if gd.Diverged || dal.Diverged || gd.Spikes == 0 || dal.Spikes != 0 || !(dal.FinalLoss > gd.FinalLoss) || gd.MaxSharpnessRate < 2 {
		t.Errorf("trade-off not shown: gd %+v dal %+v", gd, dal)
	}
}

// TestDALFiniteDifference checks dal.py's finite difference against its
// Taylor expansion: (∇E(θ + εg) − g)/ε = Hg + (ε/2)D³E[g,g] + O(ε²), with
// the exact Hg and D³E of the MLP. Removing the predicted first-order term
// must leave a residual much smaller than the raw difference.
func TestDALFiniteDifference(t *testing.T) {
	p := mustProblem(t, mlpEoSSpec)
	r, err := NewDALRule(p, 0.6, DAL{P: 1, FiniteDiff: true})
	if err != nil {
		t.Fatal(err)
	}
	n := p.Dim
	theta := p.Start()
	g, fd, hg, d3 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	p.Real.Grad(g, theta)
	r.HessGrad(fd, theta, g)
	p.Real.HessVec(hg, theta, g)
	p.Real.D3(d3, theta, g, g)
	eps := 0.01 / linalg.Norm2(g)
	var e1, e2 float64
	for i := range fd {
		e1 = math.Hypot(e1, fd[i]-hg[i])
		e2 = math.Hypot(e2, fd[i]-hg[i]-eps/2*d3[i])
	}
	t.Logf("‖FD − Hg‖ = %.3g, after removing (ε/2)D³E[g,g]: %.3g", e1, e2)
	if !(e1 > 0) || e2 > 0.05*e1 {
		t.Errorf("finite difference error %v not explained by (ε/2)D³E[g,g] (residual %v)", e1, e2)
	}
}

// TestDALSweepQuadratic runs the sweep on a 20-dimensional quadratic with
// spectrum [0.01, 10] at h = 0.15 (hλ_max = 1.5: plain GD is monotone).
// Theory: for p = 1 the rate 2/(‖Hg‖/‖g‖) is ≥ 2/λ_max because the
// Rayleigh-type quotient ‖Hg‖/‖g‖ never exceeds λ_max, so the component
// along the top eigenvector is never contracted (|1 − hλ_max| ≥ 1) and the
// loss stays above ½λ_max(u_maxᵀθ₀)²; plain GD has no loss increase.
func TestDALSweepQuadratic(t *testing.T) {
	p := mustProblem(t, "quadratic:d=20,seed=1,min=0.01,max=10")
	runs, err := SweepDAL(p, 0.15, p.Start(), []float64{0, 0.5, 1, 1.5, 2}, DAL{}, &TrackSettings{Steps: 300, Every: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		t.Logf("p=%v final %.3g spikes %d increases %d max λ₀h %.3g mean h %.3g diverged %v", r.P, r.FinalLoss, r.Spikes, r.LossIncreases, r.MaxSharpnessRate, r.MeanRate, r.Diverged)
	}
	if runs[0].LossIncreases != 0 || runs[0].Diverged || runs[0].MaxSharpnessRate > 1.5+1e-12 {
		t.Errorf("plain GD: %+v", runs[0])
	}
	pt, err := Analyze(p, 0.15, p.Start(), nil)
	if err != nil {
		t.Fatal(err)
	}
	top := pt.Directions[0]
	c := linalg.Dot(top.U, p.X0)
	floor := 0.5 * top.Lambda * c * c
	for _, sm := range runs[2].Trajectory.Samples {
		if sm.Sharpness*sm.Rate < 2-1e-9 {
			t.Errorf("p = 1, step %d: λ₀h = %v < 2", sm.Step, sm.Sharpness*sm.Rate)
		}
	}
	if !(runs[2].FinalLoss >= floor*(1-1e-9)) {
		t.Errorf("p = 1: final loss %v below the floor %v", runs[2].FinalLoss, floor)
	}
}
