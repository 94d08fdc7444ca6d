package verify

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// wrongIGR builds θ' = −g + (h/2)Hg: the implicit-regularisation flow with
// the sign of its correction flipped, a plausible implementation slip that
// the suite must catch.
func wrongIGR(p *problems.Problem, h float64) (*modified.Flow[complex128], error) {
	f, err := p.ComplexFuncs()
	if err != nil {
		return nil, err
	}
	g := make([]complex128, p.Dim)
	hg := make([]complex128, p.Dim)
	return &modified.Flow[complex128]{Name: "igr-wrong-sign", H: h, Dim: p.Dim,
		F: func(dy []complex128, _ float64, y []complex128) {
			f.Grad(g, y)
			f.HessVec(hg, y, g)
			for i := range dy {
				dy[i] = -g[i] + complex(h/2, 0)*hg[i]
			}
		}}, nil
}

// rightIGR is the same construction with the correct sign: it must pass
// wherever modified's igr passes (a check on the test's own flow).
func rightIGR(p *problems.Problem, h float64) (*modified.Flow[complex128], error) {
	f, err := wrongIGR(p, -h)
	if f != nil {
		f.H = h
	}
	return f, err
}

func TestSuitePasses(t *testing.T) {
	cases := Suite()
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.Name] {
			t.Errorf("duplicate case name %q", c.Name)
		}
		names[c.Name] = true
		if c.About == "" {
			t.Errorf("case %q has no About line", c.Name)
		}
	}
	outs := Run(cases, 0, nil)
	for i, o := range outs {
		if o.Case.Name != cases[i].Name {
			t.Fatalf("outcome %d is %q, want %q", i, o.Case.Name, cases[i].Name)
		}
		if !o.Pass || o.Err != nil {
			t.Errorf("%s: value %v, threshold %v, %s", o.Case.Name, o.Value, o.Case.Threshold, o.Detail)
		}
	}
}

// Every case that checks the IGR flow fails when the IGR has the wrong
// sign, while the correctly signed copy passes them.
func TestSuiteCatchesWrongFlow(t *testing.T) {
	var wrong, right []Case
	for _, c := range Suite() {
		if c.Flow != "igr" {
			continue
		}
		w, r := c, c
		w.Build, r.Build = wrongIGR, rightIGR
		wrong = append(wrong, w)
		right = append(right, r)
	}
	if len(wrong) < 8 {
		t.Fatalf("only %d IGR cases in the suite", len(wrong))
	}
	for _, o := range Run(wrong, 0, nil) {
		if o.Pass {
			t.Errorf("wrong-sign IGR passes %s: value %v, %s", o.Case.Name, o.Value, o.Detail)
		}
	}
	for _, o := range Run(right, 0, nil) {
		if !o.Pass {
			t.Errorf("the test's own IGR fails %s: value %v, %s", o.Case.Name, o.Value, o.Detail)
		}
	}
}

// A wrong threshold or a wrong expectation fails: the checks compare, they
// do not rubber-stamp.
func TestSuiteCatchesWrongThreshold(t *testing.T) {
	base := map[string]Case{}
	for _, c := range Suite() {
		base[c.Name] = c
	}
	get := func(name string) Case {
		c, ok := base[name]
		if !ok {
			t.Fatalf("no case %q", name)
		}
		return c
	}
	var bad []Case
	// Exactness demanded below round-off.
	c := get("pf-exact/quadratic2d/h=1.05")
	c.Threshold = 1e-16
	bad = append(bad, c)
	// The NGF does not have local order 3.
	c = get("local-order/cubic/ngf")
	c.Want = 3
	bad = append(bad, c)
	// The PF does not have local order 4 (only with the non-principal term).
	c = get("local-order/logcosh/pf")
	c.Want = 4
	bad = append(bad, c)
	// The NGF does not diverge.
	c = get("diverge/quadratic2d/ngf")
	c.AtLeast, c.Threshold = true, 10
	bad = append(bad, c)
	// The continued PF is not within 1e-6 of GD at h = 1.5.
	c = get("branch/logcosh/continued")
	c.Threshold = 1e-6
	bad = append(bad, c)
	// A threshold between the measured value and the integrator's
	// uncertainty: the value is below it, but not by more than the
	// integrator's estimated error, so the case cannot pass.
	c = get("diverge/quadratic2d/pf-tracks")
	r := Evaluate(c)
	c.Threshold = r.Value * (1 + 1e-6)
	bad = append(bad, c)
	for _, o := range Run(bad, 0, nil) {
		if o.Pass {
			t.Errorf("%s with threshold %v (want %v) passes: value %v", o.Case.Name, o.Case.Threshold, o.Case.Want, o.Value)
		}
	}
	if o := Evaluate(bad[len(bad)-1]); !strings.Contains(o.Detail, "integrator error too large") {
		t.Errorf("untrusted value not reported: %s", o.Detail)
	}
}

func TestEvaluateErrors(t *testing.T) {
	for _, c := range []Case{
		{Name: "unknown problem", Problem: "nope", Flow: "ngf", H: 0.1, N: 1},
		{Name: "unknown flow", Problem: "cubic", Flow: "nope", H: 0.1, N: 1},
		{Name: "bad h", Problem: "cubic", Flow: "ngf", H: -1, N: 1},
		{Name: "unknown check", Problem: "cubic", Flow: "ngf", H: 0.1, N: 1, Check: Check(99)},
		{Name: "bad Ref", Problem: "cubic", Flow: "ngf", H: 0.1, N: 1, Check: CheckDistance, Ref: []float64{1, 2}},
		{Name: "NaN threshold", Problem: "cubic", Flow: "ngf", H: 0.1, N: 1, Threshold: math.NaN()},
		{Name: "exact flow has no order", Problem: "saddle", Flow: "pf", H: 0.1, Check: CheckLocalOrder, Want: 3, Threshold: 10},
		{Name: "GD overflow", Problem: "quartic", Flow: GD, X0: []float64{1}, H: 10, N: 100, Check: CheckGrowth, AtLeast: true, Threshold: 1},
		{Name: "panicking flow", Problem: "cubic", Flow: "custom", H: 0.1, N: 1,
			Build: func(p *problems.Problem, h float64) (*modified.Flow[complex128], error) {
				return &modified.Flow[complex128]{Dim: 1, F: func(dy []complex128, _ float64, y []complex128) { panic("boom") }}, nil
			}},
	} {
		o := Evaluate(c)
		if o.Pass || o.Err == nil || !math.IsNaN(o.Value) || o.Detail == "" {
			t.Errorf("%s: %+v", c.Name, o)
		}
	}
}

// Run's output order is the input order for any number of workers, and
// the values do not depend on the scheduling.
func TestRunDeterministic(t *testing.T) {
	var cases []Case
	for _, c := range Suite() {
		if strings.HasPrefix(c.Name, "local-order/cubic") || strings.HasPrefix(c.Name, "diverge") {
			cases = append(cases, c)
		}
	}
	seq := Run(cases, 1, nil)
	var seen []int
	par := Run(cases, 4, func(i int, o Outcome) { seen = append(seen, i) })
	slices.Sort(seen)
	if len(seen) != len(cases) || seen[0] != 0 || seen[len(seen)-1] != len(cases)-1 {
		t.Errorf("progress saw %v", seen)
	}
	for i := range cases {
		if seq[i].Case.Name != cases[i].Name || par[i].Case.Name != cases[i].Name {
			t.Fatalf("order differs at %d", i)
		}
		if seq[i].Value != par[i].Value || seq[i].Pass != par[i].Pass {
			t.Errorf("%s: sequential %v, parallel %v", cases[i].Name, seq[i].Value, par[i].Value)
		}
	}
	if out := Run(nil, 0, nil); len(out) != 0 {
		t.Errorf("empty suite: %v", out)
	}
}

func TestCheckNames(t *testing.T) {
	for _, c := range []struct {
		c    Case
		want string
	}{
		{Case{Check: CheckMaxError}, "max_error <="},
		{Case{Check: CheckLocalOrder, Want: 3}, "|local_order-3| <="},
		{Case{Check: CheckGlobalOrder, Want: 2}, "|global_order-2| <="},
		{Case{Check: CheckGrowth, AtLeast: true}, "growth >="},
		{Case{Check: CheckDistance}, "distance <="},
		{Case{Check: CheckImag, AtLeast: true}, "max_imag >="},
	} {
		if got := c.c.CheckName(); got != c.want {
			t.Errorf("%v: %q, want %q", c.c.Check, got, c.want)
		}
	}
	if s := Check(42).String(); s != "Check(42)" {
		t.Error(s)
	}
}

// The growth check divides by the start's distance from Ref: on the
// quadratic GD multiplies the first component by 1 − 2h per step.
func TestGrowthValue(t *testing.T) {
	c := Case{Name: "g", Problem: "quadratic2d", Flow: GD, H: 1.05, N: 10, X0: []float64{1, 0}, Check: CheckGrowth, AtLeast: true, Threshold: 1}
	o := Evaluate(c)
	if want := math.Pow(1.1, 10); math.Abs(o.Value-want) > 1e-13*want || !o.Pass {
		t.Errorf("growth %v, want %v", o.Value, want)
	}
	c.Ref = []float64{0, 1}
	c.Check = CheckDistance
	o = Evaluate(c)
	if want := linalg.Norm2([]float64{math.Pow(1.1, 10), -1}); math.Abs(o.Value-want) > 1e-13*want {
		t.Errorf("distance %v, want %v", o.Value, want)
	}
}

// Independent checks of the reference numbers used by the branch cases.
func TestBranchReferenceNumbers(t *testing.T) {
	// GD on log cosh at h = 2.5 has the 2-cycle ±θ* with θ* − 2.5·tanh θ* =
	// −θ*, i.e. θ* = 1.25·tanh θ*: Newton's method from 1.
	x := 1.0
	for range 50 {
		th := math.Tanh(x)
		x -= (x - 1.25*th) / (1 - 1.25*(1-th*th))
	}
	if math.Abs(x-0.888015) > 5e-7 {
		t.Errorf("2-cycle at %v, the suite uses 0.888015", x)
	}
	// The principal-branch PF lands near 0 + 0.05i after one step, where GD
	// is at 0.1 − 1.5·tanh 0.1 = −0.0495.
	o := Evaluate(Case{Name: "p", Problem: "logcosh", Flow: "pf", X0: []float64{0.1}, H: 1.5, N: 1,
		Options: &modified.Options{PrincipalBranch: true}, Settings: principalBranchSettings,
		Check: CheckImag, AtLeast: true, Threshold: 0.045})
	if !o.Pass || o.Value > 0.055 {
		t.Errorf("principal-branch PF: |Im θ_1| = %v (%s)", o.Value, o.Detail)
	}
	if gd1 := 0.1 - 1.5*math.Tanh(0.1); math.Abs(gd1+0.0495) > 5e-5 {
		t.Errorf("GD step %v", gd1)
	}
}
