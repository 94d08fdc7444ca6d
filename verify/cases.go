package verify

import (
	"fmt"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// orderTolerance is the allowed distance of an observed order from the
// theoretical one in the default suite.
const orderTolerance = 0.15

// exactTol bounds the distance of the principal flow from GD on quadratics,
// where the flow is exact and only the integrator (rtol 1e-12) and
// round-off separate them. The measured values are 1e-13 … 1e-11; 1e-9
// leaves room for other platforms' libm while any real discrepancy (a wrong
// branch, a wrong eigenvector normalisation) shows at 1e-3 or above.
const exactTol = 1e-9

// Suite returns the default verification suite of pflow verify: the cases
// that docs/verification.md explains, each with its threshold. The slice is
// freshly allocated; callers may filter or extend it.
func Suite() []Case {
	var cs []Case
	add := func(c Case) { cs = append(cs, c) }

	// 1. The principal flow is exact on quadratics in every regime of hλ.
	for _, h := range []float64{0.5, 0.9, 1.0, 1.05} {
		regime := map[float64]string{0.5: "hλ = 1: lands on the minimiser", 0.9: "hλ = 1.8: oscillating decay",
			1.0: "hλ = 2: period two", 1.05: "hλ = 2.1: divergence"}[h]
		add(Case{Name: fmt.Sprintf("pf-exact/quadratic2d/h=%g", h), Problem: "quadratic2d", Flow: "pf", H: h, N: 20,
			Check: CheckMaxError, Threshold: exactTol, About: "PF equals GD on the paper's toy, " + regime})
	}
	add(Case{Name: "pf-exact/quadratic2d/h=1.05,n=5", Problem: "quadratic2d", Flow: "pf", H: 1.05, N: 5,
		Check: CheckMaxError, Threshold: 1e-10, About: "the paper's divergence run: five steps at hλ = 2.1"})
	add(Case{Name: "pf-exact/saddle/h=0.3", Problem: "saddle", Flow: "pf", H: 0.3, N: 10,
		Check: CheckMaxError, Threshold: exactTol, About: "PF equals GD with hλ = ±0.6 (a saddle direction, hλ < 0)"})
	add(Case{Name: "pf-exact/saddle/h=0.7", Problem: "saddle", Flow: "pf", H: 0.7, N: 10,
		Check: CheckMaxError, Threshold: exactTol, About: "PF equals GD with hλ = 1.4 (sign flips) and −1.4 (growth)"})
	add(Case{Name: "pf-exact/quadratic-d10/h=0.25", Problem: "quadratic:d=10,seed=1,min=-1,max=10", Flow: "pf", H: 0.25, N: 8,
		Check: CheckMaxError, Threshold: exactTol,
		About: "PF equals GD on a rotated 10-D quadratic with hλ from −0.25 to 2.5 (all regimes at once)"})
	add(Case{Name: "pf+np-exact/quadratic2d/h=0.9", Problem: "quadratic2d", Flow: "pf+np", H: 0.9, N: 20,
		Check: CheckMaxError, Threshold: exactTol, About: "the non-principal term vanishes on quadratics (D³E = 0)"})

	// 2. Observed local orders.
	type ord struct {
		flow string
		want float64
	}
	orders := []ord{{"ngf", 2}, {"igr", 3}, {"bea3", 4}, {"bea4", 5}, {"pf", 3}, {"pf+np", 4}}
	for _, pr := range []struct {
		name string
		h0   float64
	}{{"cubic", 0.1}, {"quartic", 0.1}, {"logcosh", 0.1}, {"rosenbrock", 1e-4}, {"saddle", 0.1}} {
		for _, o := range orders {
			c := Case{Name: fmt.Sprintf("local-order/%s/%s", pr.name, o.flow), Problem: pr.name, Flow: o.flow,
				H: pr.h0, Check: CheckLocalOrder, Want: o.want, Threshold: orderTolerance,
				About: fmt.Sprintf("one-step error O(h^%g) from the problem's default start", o.want)}
			if pr.name == "saddle" && (o.flow == "pf" || o.flow == "pf+np") {
				// A quadratic: the PF is exact, there is no order to see.
				c = Case{Name: fmt.Sprintf("local-order/saddle/%s", o.flow), Problem: "saddle", Flow: o.flow,
					H: pr.h0, N: 1, Check: CheckMaxError, Threshold: 1e-13,
					About: "on a quadratic the one-step error of the PF is round-off"}
			}
			add(c)
		}
	}

	// 3. Observed global orders at a fixed time.
	for _, o := range orders {
		add(Case{Name: "global-order/logcosh/" + o.flow, Problem: "logcosh", Flow: o.flow, H: 0.1, N: 20,
			Check: CheckGlobalOrder, Want: o.want - 1, Threshold: orderTolerance, Settings: &Settings{RTol: 1e-13},
			About: fmt.Sprintf("error at T = 2 is O(h^%g)", o.want-1)})
	}

	// 4. Branch continuation of the logarithm.
	add(Case{Name: "branch/logcosh/continued", Problem: "logcosh", Flow: "pf", X0: []float64{0.1}, H: 1.5, N: 12,
		Check: CheckMaxError, Threshold: 1e-3,
		About: "hλ ≈ 1.5 > 1: the continued PF tracks GD's sign flips within 1e-3 for 12 steps"})
	add(Case{Name: "branch/logcosh/principal", Problem: "logcosh", Flow: "pf", X0: []float64{0.1}, H: 1.5, N: 3,
		Options:  &modified.Options{PrincipalBranch: true},
		Settings: principalBranchSettings,
		Check:    CheckMaxError, AtLeast: true, Threshold: 0.05,
		About: "the principal branch jumps at the cut: the PF lands near 0.05i instead of −0.0495"})

	// The limit of the continued PF (docs/theory.md): at h = 2.5 GD settles
	// on the period-2 orbit ±θ* with θ* = 1.25·tanh θ* ≈ 0.888015, while the
	// PF leaves the real axis for the pole of tanh at −iπ/2.
	add(Case{Name: "branch/logcosh/h=2.5/gd", Problem: "logcosh", Flow: GD, H: 2.5, N: 40, Ref: []float64{0.888015},
		Check: CheckDistance, Threshold: 1e-6, About: "h = 2.5: GD settles on the period-2 orbit ±0.888015"})
	add(Case{Name: "branch/logcosh/h=2.5/pf", Problem: "logcosh", Flow: "pf", H: 2.5, N: 3,
		Check: CheckImag, AtLeast: true, Threshold: 1.5,
		About: "the PF does not: by step 3 it is near the pole −iπ/2 of tanh (a reported limit)"})

	// 5. Divergence beyond h = 2/λ on the quadratic (λ_max = 2, h = 1.05).
	for _, f := range []struct {
		flow    string
		atLeast bool
		thr     float64
		about   string
	}{
		{GD, true, 10, "GD diverges: the oscillation grows by 1.1 per step"},
		{"pf", true, 10, "the PF diverges with GD (Re φ(2.1) > 0)"},
		{"ngf", false, 1, "the NGF converges: it cannot see the instability"},
		{"igr", false, 1, "IGR converges: −(1 + hλ/2) < 0 for every λ > 0"},
		{"bea3", false, 1, "BEA3 converges: its truncated series stays negative"},
	} {
		add(Case{Name: "diverge/quadratic2d/" + f.flow, Problem: "quadratic2d", Flow: f.flow, H: 1.05, N: 40,
			Check: CheckGrowth, AtLeast: f.atLeast, Threshold: f.thr, About: f.about})
	}
	add(Case{Name: "diverge/quadratic2d/pf-tracks", Problem: "quadratic2d", Flow: "pf", H: 1.05, N: 40,
		Check: CheckMaxError, Threshold: exactTol, About: "and stays on the GD iterates while they grow"})

	// 6. Saddle escape on E = x² − y² (H = diag(2, −2)), started near the
	// stable manifold y = 0.
	nearStable := []float64{1, 1e-8}
	for _, f := range []struct {
		flow    string
		atLeast bool
		thr     float64
		about   string
	}{
		{GD, true, 5, "h = 1.2 > 2/λ₊: GD leaves the saddle (|1 − 2h| = 1.4 per step)"},
		{"pf", true, 5, "the PF leaves with GD"},
		{"ngf", false, 0.01, "the NGF slides into the saddle and only leaves at rate e^{2t} from y = 1e-8"},
		{"igr", false, 0.01, "IGR is attracted in both directions (y rate 2(1 − h) < 0 for h > 1)"},
	} {
		add(Case{Name: "saddle-escape/h=1.2/" + f.flow, Problem: "saddle", Flow: f.flow, X0: nearStable, H: 1.2, N: 5,
			Check: CheckGrowth, AtLeast: f.atLeast, Threshold: f.thr, About: f.about})
	}
	add(Case{Name: "saddle-escape/h=1.2/pf-tracks", Problem: "saddle", Flow: "pf", X0: nearStable, H: 1.2, N: 5,
		Check: CheckMaxError, Threshold: exactTol, About: "the PF is exact on the saddle as on any quadratic"})
	// Below the edge the roles reverse along the unstable direction: GD's
	// rate per unit time log(1 + 2h)/h is below the NGF's 2.
	nearSaddle := []float64{0.01, 1e-6}
	add(Case{Name: "saddle-escape/h=0.4/gd", Problem: "saddle", Flow: GD, X0: nearSaddle, H: 0.4, N: 20,
		Check: CheckDistance, Threshold: 1, About: "h = 0.4: GD grows by 1.8 per step along y (rate log(1.8)/0.4 = 1.47)"})
	add(Case{Name: "saddle-escape/h=0.4/pf", Problem: "saddle", Flow: "pf", X0: nearSaddle, H: 0.4, N: 20,
		Check: CheckMaxError, Threshold: exactTol, About: "the PF escapes at GD's rate exactly"})
	add(Case{Name: "saddle-escape/h=0.4/ngf", Problem: "saddle", Flow: "ngf", X0: nearSaddle, H: 0.4, N: 20,
		Check: CheckDistance, AtLeast: true, Threshold: 1, About: "the NGF escapes faster than GD (rate 2)"})

	// 7. Escape from the sharp well of the double well (E″ ≈ 24 at the
	// sharp minimum, so GD is unstable there for h > 0.082).
	sharp := []float64{problems.DoubleWellSharpMin}
	wide := []float64{problems.DoubleWellWideMin}
	add(Case{Name: "sharp-well/doublewell/gd", Problem: "doublewell", Flow: GD, H: 0.3, N: 30, Ref: wide,
		Check: CheckDistance, Threshold: 1e-3, About: "h = 0.3: GD leaves the sharp well and settles in the wide one"})
	for _, f := range []string{"ngf", "igr", "bea3"} {
		add(Case{Name: "sharp-well/doublewell/" + f, Problem: "doublewell", Flow: f, H: 0.3, N: 30, Ref: sharp,
			Check: CheckDistance, Threshold: 1e-6, About: "stays in the sharp well (" + f + " has no instability)"})
	}
	add(Case{Name: "sharp-well/doublewell/pf-leaves", Problem: "doublewell", Flow: "pf", H: 0.3, N: 5, Ref: sharp,
		Check: CheckDistance, AtLeast: true, Threshold: 0.5,
		About: "the PF leaves the sharp well too, but into ℂ (hλ ≈ 5 at θ0)"})
	add(Case{Name: "sharp-well/doublewell/pf-complex", Problem: "doublewell", Flow: "pf", H: 0.3, N: 5,
		Check: CheckImag, AtLeast: true, Threshold: 1,
		About: "…and does not follow GD to the wide well: |Im θ| > 1 after a few steps"})
	add(Case{Name: "sharp-well/doublewell/pf+np", Problem: "doublewell", Flow: "pf+np", H: 0.3, N: 30, Ref: wide,
		Check: CheckDistance, AtLeast: true, Threshold: 1,
		About: "PF + non-principal term stalls at θ ≈ 0.31, between the wells"})
	return cs
}

// principalBranchSettings integrates the principal-branch PF, whose
// right-hand side jumps where the trajectory crosses the branch cut: an
// adaptive integrator at tight tolerance grinds to steps of 1e-12 there,
// so this case uses DOPRI5 at 1e-6 without the tight reference run. The
// quantity checked (a distance of 0.07 from GD) is five orders above that
// tolerance.
var principalBranchSettings = &Settings{Method: ode.DOPRI5, RTol: 1e-6, ATol: 1e-6, SkipIntegratorCheck: true, MaxSteps: 200000}
