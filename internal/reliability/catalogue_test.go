package reliability

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/figures"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/ode/geometric"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
	"github.com/pflow-go/pflow/verify"
)

// errAny marks a case that must return some error (the sentinel is not
// part of the contract), without panicking.
var errAny = errors.New("any error")

// libCase is one library edge case: run returns the error under test;
// want is the sentinel it must wrap (errAny: any non-nil error, nil: no
// error), or panics is the prefix of the documented panic message.
type libCase struct {
	name   string
	run    func(t *testing.T) error
	want   error
	panics string
}

func byName(t *testing.T, spec string) *problems.Problem {
	t.Helper()
	p, err := problems.ByName(spec)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func libCatalogue() []libCase {
	spec := func(s string) func(*testing.T) error {
		return func(*testing.T) error { _, err := problems.ByName(s); return err }
	}
	flow := func(name string, h float64) func(*testing.T) error {
		return func(t *testing.T) error {
			_, err := modified.New[complex128](name, byName(t, "quadratic2d"), h, nil)
			return err
		}
	}
	compare := func(flowName string, h float64, n int, x0 []float64, s *verify.Settings) func(*testing.T) error {
		return func(t *testing.T) error {
			r, err := verify.Compare(byName(t, "quadratic2d"), flowName, h, n, x0, s)
			if r != nil {
				for _, pt := range r.Points {
					if math.IsNaN(pt.Error) && err == nil {
						t.Errorf("NaN distance at step %d without an error", pt.N)
					}
				}
			}
			return err
		}
	}
	analyze := func(problem string, h float64, x []float64, s *stability.Settings) func(*testing.T) error {
		return func(t *testing.T) error {
			p := byName(t, problem)
			if x == nil {
				x = p.Start()
			}
			_, err := stability.Analyze(p, h, x, s)
			return err
		}
	}
	decay := func(dy []float64, _ float64, y []float64) { dy[0] = -y[0] }
	solve := func(f ode.Func[float64], y0 []float64, m *ode.Tableau, s *ode.Settings[float64]) func(*testing.T) error {
		return func(*testing.T) error { _, err := ode.Solve(ode.ProblemOf(f), 0, 1, y0, m, s); return err }
	}
	return []libCase{
		// problems: the specification parser.
		{name: "problems/empty", run: spec(""), want: problems.ErrUnknownProblem},
		{name: "problems/unknown", run: spec("nope"), want: problems.ErrUnknownProblem},
		{name: "problems/unknown-with-params", run: spec("x:y=z"), want: problems.ErrUnknownProblem},
		{name: "problems/d=0", run: spec("quadratic:d=0"), want: problems.ErrBadParameter},
		{name: "problems/min=NaN", run: spec("quadratic:min=NaN"), want: problems.ErrBadParameter},
		{name: "problems/benchquad-d=1", run: spec("benchquad:d=1"), want: problems.ErrBadParameter},
		{name: "problems/benchquad-too-big", run: spec("benchquad:d=16777217"), want: problems.ErrBadParameter},
		{name: "problems/mlp-hidden=0", run: spec("mlp:hidden=0"), want: problems.ErrBadParameter},
		{name: "problems/matfact-rank", run: spec("matfact:r=9"), want: problems.ErrBadParameter},
		{name: "problems/logreg-lambda", run: spec("logreg:lambda=-1"), want: problems.ErrBadParameter},
		{name: "problems/deeplinear-huge", run: spec("deeplinear:k=1e9"), want: problems.ErrBadParameter},
		{name: "problems/empty-param", run: spec("cubic:"), want: errAny},
		{name: "problems/bare-colon", run: spec(":"), want: errAny},

		// modified: flows and GD.
		{name: "modified/unknown-flow", run: flow("nope", 0.5), want: modified.ErrUnknownFlow},
		{name: "modified/h=0", run: flow("pf", 0), want: modified.ErrInvalidInput},
		{name: "modified/h=NaN", run: flow("pf", math.NaN()), want: modified.ErrInvalidInput},
		{name: "modified/h=-Inf", run: flow("ngf", math.Inf(-1)), want: modified.ErrInvalidInput},
		{name: "modified/GD-NaN-start", run: func(t *testing.T) error {
			_, err := modified.GD[float64](byName(t, "quadratic2d"), []float64{math.NaN(), 0}, 0.5, 3, nil)
			return err
		}, want: modified.ErrInvalidInput},
		{name: "modified/GD-negative-steps", run: func(t *testing.T) error {
			_, err := modified.GD[float64](byName(t, "quadratic2d"), []float64{1, 1}, 0.5, -1, nil)
			return err
		}, want: modified.ErrInvalidInput},
		{name: "modified/GD-diverges", run: func(t *testing.T) error {
			_, err := modified.GD[float64](byName(t, "quadratic2d"), []float64{1, 1}, 1e300, 5, nil)
			return err
		}, want: modified.ErrDiverged},
		{name: "modified/CheckStart-length", run: func(t *testing.T) error {
			return modified.CheckStart(byName(t, "quadratic2d"), []float64{1})
		}, want: modified.ErrInvalidInput},

		// verify: Compare and the order estimators.
		{name: "verify/nil-problem", run: func(*testing.T) error {
			_, err := verify.Compare(nil, "pf", 0.5, 3, nil, nil)
			return err
		}, want: verify.ErrInvalidInput},
		{name: "verify/h=0", run: compare("pf", 0, 3, nil, nil), want: verify.ErrInvalidInput},
		{name: "verify/h=Inf", run: compare("pf", math.Inf(1), 3, nil, nil), want: verify.ErrInvalidInput},
		{name: "verify/n<0", run: compare("pf", 0.5, -1, nil, nil), want: verify.ErrInvalidInput},
		{name: "verify/final-time-overflows", run: compare("pf", 1e308, 1000, nil, nil), want: verify.ErrInvalidInput},
		{name: "verify/x0-length", run: compare("pf", 0.5, 3, []float64{1}, nil), want: verify.ErrInvalidInput},
		{name: "verify/x0-NaN", run: compare("pf", 0.5, 3, []float64{math.NaN(), 1}, nil), want: verify.ErrInvalidInput},
		{name: "verify/unknown-flow", run: compare("nope", 0.5, 3, nil, nil), want: modified.ErrUnknownFlow},
		{name: "verify/rtol-below-floor", run: compare("pf", 0.5, 3, nil, &verify.Settings{RTol: verify.MinRTol / 2}), want: verify.ErrInvalidInput},
		{name: "verify/rtol-at-floor", run: compare("pf", 0.5, 3, nil, &verify.Settings{RTol: verify.MinRTol}), want: nil},
		{name: "verify/rtol=1", run: compare("pf", 0.5, 3, nil, &verify.Settings{RTol: 1}), want: verify.ErrInvalidInput},
		{name: "verify/rtol=NaN", run: compare("pf", 0.5, 3, nil, &verify.Settings{RTol: math.NaN()}), want: verify.ErrInvalidInput},
		{name: "verify/fixed-step-NaN", run: compare("pf", 0.5, 3, nil, &verify.Settings{Method: ode.Euler, Step: math.NaN()}), want: verify.ErrInvalidInput},
		{name: "verify/method-cannot-serve-flow", run: compare("pf", 0.5, 3, nil, &verify.Settings{Method: geometric.VerletKDK}), want: verify.ErrInvalidInput},
		{name: "verify/MaxSteps<0", run: compare("pf", 0.5, 3, nil, &verify.Settings{MaxSteps: -1}), want: verify.ErrInvalidInput},
		{name: "verify/MaxEvals<0", run: compare("pf", 0.5, 3, nil, &verify.Settings{MaxEvals: -1}), want: verify.ErrInvalidInput},
		{name: "verify/MaxDistance=NaN", run: compare("pf", 0.5, 3, nil, &verify.Settings{MaxDistance: math.NaN()}), want: verify.ErrInvalidInput},
		{name: "verify/MaxEvals", run: compare("pf", 1.05, 30, nil, &verify.Settings{MaxEvals: 100}), want: verify.ErrMaxEvals},
		{name: "verify/MaxDistance", run: compare("ngf", 1.05, 30, nil, &verify.Settings{MaxDistance: 0.5}), want: verify.ErrMaxDistance},
		{name: "verify/MaxSteps", run: compare("pf", 0.5, 50, nil, &verify.Settings{MaxSteps: 3}), want: ode.ErrMaxSteps},
		{name: "verify/GD-diverges", run: compare(verify.GD, 1e300, 5, nil, nil), want: verify.ErrGDDiverged},
		{name: "verify/MaxEvals-inside-initial-step", run: compare("pf", 0.5, 3, nil, &verify.Settings{MaxEvals: 1}), want: verify.ErrMaxEvals},
		{name: "verify/cancelled", run: func(t *testing.T) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := verify.CompareContext(ctx, byName(t, "quadratic2d"), "pf", 0.5, 3, nil, nil)
			return err
		}, want: context.Canceled},
		{name: "verify/LocalOrder-no-halvings", run: func(t *testing.T) error {
			_, err := verify.LocalOrder(byName(t, "cubic"), "ngf", 0.1, 0, nil, nil)
			return err
		}, want: verify.ErrInvalidInput},
		{name: "verify/GlobalOrder-T-not-multiple", run: func(t *testing.T) error {
			_, err := verify.GlobalOrder(byName(t, "cubic"), "ngf", 1.05, 0.1, 4, nil, nil)
			return err
		}, want: verify.ErrInvalidInput},
		{name: "verify/LocalOrder-exact-flow", run: func(t *testing.T) error {
			_, err := verify.LocalOrder(byName(t, "quadratic2d"), "pf", 0.1, 4, nil, nil)
			return err
		}, want: verify.ErrInvalidInput},

		// stability.
		{name: "stability/h=0", run: analyze("quadratic2d", 0, nil, nil), want: stability.ErrInvalidInput},
		{name: "stability/h=NaN", run: analyze("quadratic2d", math.NaN(), nil, nil), want: stability.ErrInvalidInput},
		{name: "stability/theta-length", run: analyze("quadratic2d", 0.5, []float64{1}, nil), want: stability.ErrInvalidInput},
		{name: "stability/theta-Inf", run: analyze("quadratic2d", 0.5, []float64{math.Inf(1), 0}, nil), want: stability.ErrInvalidInput},
		{name: "stability/loss-overflows", run: analyze("quadratic2d", 0.5, []float64{1e308, 1e308}, nil), want: stability.ErrInvalidInput},
		{name: "stability/Top<0", run: analyze("quadratic2d", 0.5, nil, &stability.Settings{Top: -1}), want: stability.ErrInvalidInput},
		{name: "stability/RegimeTol=NaN", run: analyze("quadratic2d", 0.5, nil, &stability.Settings{RegimeTol: math.NaN()}), want: stability.ErrInvalidInput},
		{name: "stability/MaxBytes<0", run: analyze("quadratic2d", 0.5, nil, &stability.Settings{MaxBytes: -1}), want: stability.ErrInvalidInput},
		{name: "stability/memory-bound", run: analyze("benchquad:d=1100000", 0.1, nil, nil), want: stability.ErrTooLarge},
		{name: "stability/MaxBytes", run: analyze("quadratic2d", 0.5, nil, &stability.Settings{MaxBytes: 10}), want: stability.ErrTooLarge},
		{name: "stability/pole-is-not-an-error", run: analyze("quadratic2d", 0.5, nil, nil), want: nil},
		{name: "stability/cancelled", run: func(t *testing.T) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			p := byName(t, "quadratic2d")
			_, err := stability.AnalyzeContext(ctx, p, 0.5, p.Start(), nil)
			return err
		}, want: context.Canceled},
		{name: "stability/GDMap-2d", run: func(t *testing.T) error {
			_, err := stability.NewGDMap(byName(t, "quadratic2d"))
			return err
		}, want: stability.ErrInvalidInput},

		// ode (today's API; the issue-12 redesign keeps the sentinels).
		{name: "ode/rtol-below-floor", run: solve(decay, []float64{1}, ode.DOPRI5, &ode.Settings[float64]{RTol: 1e-300}), want: ode.ErrInvalidSettings},
		{name: "ode/fixed-step-needs-Steps", run: solve(decay, []float64{1}, ode.Euler, nil), want: ode.ErrInvalidSettings},
		{name: "ode/negative-MaxSteps", run: solve(decay, []float64{1}, ode.DOPRI5, &ode.Settings[float64]{MaxSteps: -1}), want: ode.ErrInvalidSettings},
		{name: "ode/NaN-field", run: solve(func(dy []float64, _ float64, _ []float64) { dy[0] = math.NaN() }, []float64{1}, ode.DOPRI5, nil), want: errAny},
		{name: "ode/MaxSteps", run: solve(decay, []float64{1}, ode.DOPRI5, &ode.Settings[float64]{RTol: 1e-12, ATol: 1e-12, MaxSteps: 2}), want: ode.ErrMaxSteps},
		{name: "ode/observer-stop", run: solve(decay, []float64{1}, ode.DOPRI5, &ode.Settings[float64]{Observer: func(float64, []float64) bool { return false }}), want: ode.ErrStopped},

		// linalg.
		{name: "linalg/SymEig-NaN", run: func(*testing.T) error {
			var e linalg.SymEig
			return e.Factorize([]float64{1, math.NaN(), math.NaN(), 1}, 2)
		}, want: linalg.ErrNotFinite},
		{name: "linalg/Lanczos-k>n", run: func(*testing.T) error {
			_, err := linalg.LanczosEig(func(dst, x []float64) { copy(dst, x) }, 3, 5, linalg.Largest, nil)
			return err
		}, want: errAny},
		{name: "linalg/Dot-length-mismatch", run: func(*testing.T) error {
			linalg.Dot([]float64{1, 2}, []float64{1})
			return nil
		}, panics: "linalg: "},

		// figures.
		{name: "figures/unknown", run: func(*testing.T) error { _, err := figures.Lookup("nope"); return err }, want: figures.ErrUnknownFigure},
		{name: "figures/WriteAll-unknown", run: func(t *testing.T) error {
			return figures.WriteAll(t.TempDir(), []string{"stability-coefficient", "nope"}, nil)
		}, want: figures.ErrUnknownFigure},
	}
}

// TestLibraryCatalogue runs every library edge case: the documented
// sentinel (errors.Is), or the documented panic prefix, and no other
// panic.
func TestLibraryCatalogue(t *testing.T) {
	cases := libCatalogue()
	if len(cases) < 40 {
		t.Errorf("%d library cases, issue 16 asks for at least 40", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Errorf("duplicate case name %s", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			var err error
			var rec any
			func() {
				defer func() { rec = recover() }()
				err = c.run(t)
			}()
			switch {
			case c.panics != "":
				msg, _ := rec.(string)
				if rec == nil || !strings.HasPrefix(msg, c.panics) {
					t.Errorf("panic %v, want one starting %q", rec, c.panics)
				}
			case rec != nil:
				t.Errorf("panicked: %v", rec)
			case c.want == nil:
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
			case c.want == errAny:
				if err == nil {
					t.Error("no error")
				}
			case !errors.Is(err, c.want):
				t.Errorf("error %v, want one wrapping %v", err, c.want)
			}
		})
	}
}
