package stability

import (
	"errors"
	"flag"
	"math"
	"slices"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
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

// TestDALSweepMLP runs the sweep on the MLP of the edge-of-stability test
// (static h = 0.6, 600 steps) with λ₀ computed at every step, so that the
// summary is the maximum over the run, not over samples. What it shows is
// measured, not a theorem (docs/stability.md): plain GD runs at the edge
// with loss spikes; DAL-1 has h_n‖Hg_n‖/‖g_n‖ = 2 at every step (exact:
// 2/c·c, no clipping since c ≥ 1.4 here) and no spikes but many small loss
// increases, and a higher final loss; DAL-2 has neither spikes nor
// increases and a lower final loss than plain GD, although λ₀h_n exceeds 2
// at hundreds of steps (up to 26, the rate clipped at h_max = 5): the
// rate falls as soon as the gradient turns into the sharp directions.
// Figures: p = 0: 23 spikes, final 4.64e−3; p = 1: 0 spikes, 219
// increases, final 9.76e−3; p = 2: 0 increases, final 2.22e−3.
func TestDALSweepMLP(t *testing.T) {
	if testing.Short() {
		t.Skip("20 s: Lanczos at every step of three 600-step runs")
	}
	p := mustProblem(t, mlpEoSSpec)
	runs, err := SweepDAL(p, mlpEoSRate, p.Start(), []float64{0, 1, 2}, DAL{}, &TrackSettings{Steps: 600, Every: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		t.Logf("p=%v final %.3g spikes %d increases %d max E ratio %.3g max λ₀h %.3g (above 2 at %d of %d steps) max h‖Hg‖/‖g‖ %.3g mean h %.3g max h %.3g",
			r.P, r.FinalLoss, r.Spikes, r.LossIncreases, r.MaxLossRatio, r.MaxSharpnessRate, r.AboveEdge, r.Samples, r.MaxCurvRate, r.MeanRate, r.MaxRate)
		if !r.EveryStep || r.Samples != 601 || r.Diverged {
			t.Errorf("p = %v: %d samples, diverged %v", r.P, r.Samples, r.Diverged)
		}
	}
	gd, dal1, dal2 := runs[0], runs[1], runs[2]
	if gd.Spikes == 0 || gd.MaxSharpnessRate < 2 || gd.AboveEdge == 0 || gd.MaxCurvRate != 0 {
		t.Errorf("plain GD not at the edge: %+v", gd)
	}
	if dal1.Spikes != 0 || math.Abs(dal1.MaxCurvRate-2) > 1e-14 || !(dal1.FinalLoss > gd.FinalLoss) {
		t.Errorf("DAL-1: %+v", dal1)
	}
	if dal2.Spikes != 0 || dal2.LossIncreases != 0 || dal2.AboveEdge == 0 || dal2.MaxRate != DefaultDALMaxRate || !(dal2.FinalLoss < gd.FinalLoss) {
		t.Errorf("DAL-2: %+v", dal2)
	}
}

// TestDALMatchesFormula re-implements dal.py's step in the test, h(θ) =
// min(2/(‖Hg‖/‖g‖)^p, 5) with Hg from the exact product or the finite
// difference (∇E(θ + εg) − ∇E(θ))/ε, ε = 0.01/‖g‖, as a plain loop, and
// checks that Track's DAL run is the same sequence of iterates bit for bit
// (the same floating-point operations in the same order), including across
// the chunks in which Track calls modified.GD and for the rate window.
func TestDALMatchesFormula(t *testing.T) {
	p := mustProblem(t, mlpEoSSpec)
	n := p.Dim
	for _, d := range []DAL{{P: 2}, {P: 1.5, FiniteDiff: true}, {P: 1, Start: 20, Stop: 280}} {
		const steps, h = 300, 0.6
		tr, err := Track(p, h, p.Start(), &TrackSettings{Steps: steps, Every: 100, DAL: &d})
		if err != nil {
			t.Fatal(err)
		}
		theta := p.Start()
		g, hg, tmp := make([]float64, n), make([]float64, n), make([]float64, n)
		for k := range steps {
			p.Real.Grad(g, theta)
			rate := h
			start := d.Start
			if start == 0 { // dal.py: `scaling_start if scaling_start else -1`
				start = -1
			}
			if k > start && (d.Stop == 0 || k < d.Stop) {
				gn := linalg.Norm2(g)
				if d.FiniteDiff {
					eps := 0.01 / gn
					for i := range tmp {
						tmp[i] = theta[i] + eps*g[i]
					}
					p.Real.Grad(hg, tmp)
					for i := range hg {
						hg[i] = (hg[i] - g[i]) / eps
					}
				} else {
					p.Real.HessVec(hg, theta, g)
				}
				c := linalg.Norm2(hg) / gn
				rate = math.Min(2/math.Pow(c, d.P), 5)
				if tr.Curv[k] != c {
					t.Fatalf("%+v step %d: curvature %v want %v", d, k, tr.Curv[k], c)
				}
			} else if !math.IsNaN(tr.Curv[k]) {
				t.Fatalf("%+v step %d: curvature %v outside the window", d, k, tr.Curv[k])
			}
			if tr.Rates[k] != rate || tr.Loss[k] != p.Real.Func(theta) {
				t.Fatalf("%+v step %d: rate %v want %v, loss %v want %v", d, k, tr.Rates[k], rate, tr.Loss[k], p.Real.Func(theta))
			}
			for i := range theta {
				theta[i] -= rate * g[i]
			}
		}
		for i := range theta {
			if theta[i] != tr.Final[i] {
				t.Fatalf("%+v: final iterate differs at %d: %v vs %v", d, i, tr.Final[i], theta[i])
			}
		}
	}
}

// TestTrackIsModifiedGD: Track's iterates are modified.GD's, bit for bit,
// for a constant rate and with DALRule.Rate as the rate rule, over more
// steps than one chunk of Track's calls to modified.GD.
func TestTrackIsModifiedGD(t *testing.T) {
	p := mustProblem(t, mlpEoSSpec)
	const steps, h = trackChunk + 44, 0.6
	for _, d := range []*DAL{nil, {P: 2, FiniteDiff: true}} {
		tr, err := Track(p, h, p.Start(), &TrackSettings{Steps: steps, Every: 37, DAL: d})
		if err != nil {
			t.Fatal(err)
		}
		var set *modified.GDSettings[float64]
		if d != nil {
			rule, err := NewDALRule(p, h, *d)
			if err != nil {
				t.Fatal(err)
			}
			set = &modified.GDSettings[float64]{Rate: func(k int, theta, g []float64) float64 {
				r, _ := rule.Rate(k, theta, g)
				return r
			}}
		}
		res, err := modified.GD(p, p.Start(), h, steps, set)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Loss, tr.Loss) || !slices.Equal(res.Rates, tr.Rates) || !slices.Equal(res.Last(), tr.Final) {
			t.Errorf("DAL %v: Track differs from modified.GD", d)
		}
		if tr.Grads != steps+1 || len(tr.Samples) != 10 || tr.Samples[9].Step != steps || tr.Samples[8].Step != 8*37 {
			t.Errorf("DAL %v: %d gradients, %d samples", d, tr.Grads, len(tr.Samples))
		}
		for _, s := range tr.Samples {
			if s.Loss != res.Loss[s.Step] {
				t.Errorf("sample at %d: loss %v want %v", s.Step, s.Loss, res.Loss[s.Step])
			}
		}
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
// spectrum [0.01, 10] at h = 0.15 (hλ_max = 1.5: plain GD is monotone),
// with the Hessian analysed at every step. Theory checked:
//   - the Hessian is constant, so the maximum of λ₀h_n over all steps is
//     λ_max·max_n h_n;
//   - for p = 1 the rate 2/(‖Hg‖/‖g‖) is ≥ 2/λ_max because ‖Hg‖/‖g‖ never
//     exceeds λ_max: λ₀h_n ≥ 2 at every step, h_n‖Hg_n‖/‖g_n‖ = 2, the
//     component along the top eigenvector is never contracted and the loss
//     stays above ½λ_max(u_maxᵀθ₀)²;
//   - plain GD has no loss increase and λ₀h = 1.5.
//
// Measured (docs/stability.md): p = 0.5 diverges, p = 1.5 and 2 end far
// below plain GD (3.4e−4, 6.6e−4 against 1.3e−2) with the rate clipped at
// h_max = 5 once the top components are gone (λ₀h = 50).
func TestDALSweepQuadratic(t *testing.T) {
	p := mustProblem(t, "quadratic:d=20,seed=1,min=0.01,max=10")
	runs, err := SweepDAL(p, 0.15, p.Start(), []float64{0, 0.5, 1, 1.5, 2}, DAL{}, &TrackSettings{Steps: 300, Every: 1})
	if err != nil {
		t.Fatal(err)
	}
	pt, err := Analyze(p, 0.15, p.Start(), nil)
	if err != nil {
		t.Fatal(err)
	}
	top := pt.Directions[0]
	for _, r := range runs {
		t.Logf("p=%v final %.3g spikes %d increases %d max E ratio %.3g max λ₀h %.3g (above 2 at %d of %d steps) max h‖Hg‖/‖g‖ %.3g mean h %.3g max h %.3g diverged %v",
			r.P, r.FinalLoss, r.Spikes, r.LossIncreases, r.MaxLossRatio, r.MaxSharpnessRate, r.AboveEdge, r.Samples, r.MaxCurvRate, r.MeanRate, r.MaxRate, r.Diverged)
		if !r.EveryStep {
			t.Errorf("p = %v: %d samples for %d losses", r.P, r.Samples, len(r.Trajectory.Loss))
		}
		// Eigenvalues of the constant Hessian are recomputed at every
		// step: backward error a few ulp of ‖H‖ = 10.
		if want := top.Lambda * r.MaxRate; math.Abs(r.MaxSharpnessRate-want) > 1e-13*want {
			t.Errorf("p = %v: max λ₀h %v, λ_max·max h = %v", r.P, r.MaxSharpnessRate, want)
		}
	}
	if runs[0].LossIncreases != 0 || runs[0].Diverged || math.Abs(runs[0].MaxSharpnessRate-1.5) > 1e-13 || runs[0].AboveEdge != 0 {
		t.Errorf("plain GD: %+v", runs[0])
	}
	c := linalg.Dot(top.U, p.X0)
	floor := 0.5 * top.Lambda * c * c
	dal1 := runs[2]
	for _, sm := range dal1.Trajectory.Samples {
		if sm.Sharpness*sm.Rate < 2-1e-9 {
			t.Errorf("p = 1, step %d: λ₀h = %v < 2", sm.Step, sm.Sharpness*sm.Rate)
		}
	}
	// h·c = (2/c)·c = 2 up to one rounding of each operation.
	if math.Abs(dal1.MaxCurvRate-2) > 1e-15 || !(dal1.FinalLoss >= floor*(1-1e-9)) {
		t.Errorf("p = 1: max h‖Hg‖/‖g‖ %v, final loss %v, floor %v", dal1.MaxCurvRate, dal1.FinalLoss, floor)
	}
}

var fullSweep = flag.Bool("stability.fullsweep", false, "run the full DAL sweep on the MLP (p = 0, 0.5, 1, 1.5, 2; exact Hg and finite difference; about 70 s)")

// TestDALSweepMLPFull produces the MLP table of docs/stability.md:
// go test ./stability -run DALSweepMLPFull -v -stability.fullsweep.
// It checks what holds by construction: λ₀ at every step, h_n·c_n = 2 for
// p = 1 (no clipping: c ≥ 1.4 on this run), no divergence.
func TestDALSweepMLPFull(t *testing.T) {
	if !*fullSweep {
		t.Skip("needs -stability.fullsweep (about 70 s)")
	}
	p := mustProblem(t, mlpEoSSpec)
	for _, fd := range []bool{false, true} {
		runs, err := SweepDAL(p, mlpEoSRate, p.Start(), []float64{0, 0.5, 1, 1.5, 2}, DAL{FiniteDiff: fd}, &TrackSettings{Steps: 600, Every: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			t.Logf("| %v%s | %.3g | %d | %d | %.3g | %.3g | %d/%d | %.3g | %.3g | %.3g |", r.P, map[bool]string{true: " (FD)"}[fd],
				r.FinalLoss, r.Spikes, r.LossIncreases, r.MaxLossRatio, r.MaxSharpnessRate, r.AboveEdge, r.Samples, r.MaxCurvRate, r.MeanRate, r.MaxRate)
			if !r.EveryStep || r.Diverged {
				t.Errorf("p = %v: every step %v, diverged %v", r.P, r.EveryStep, r.Diverged)
			}
		}
		if math.Abs(runs[2].MaxCurvRate-2) > 1e-14 {
			t.Errorf("p = 1: max h·c = %v", runs[2].MaxCurvRate)
		}
	}
}
