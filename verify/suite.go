package verify

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// Check is the quantity a Case measures.
type Check int

// Checks. Each computes one number, Outcome.Value, compared with
// Case.Threshold (≤ by default, ≥ when Case.AtLeast is set).
const (
	// CheckMaxError is max_{n ≤ N} ‖θ_flow(nh) − θ_n‖₂ (Compare's MaxError).
	CheckMaxError Check = iota
	// CheckLocalOrder is |p − Want| where p is the observed one-step order of
	// LocalOrder on the ladder H, H/2, …, H/2^Halvings.
	CheckLocalOrder
	// CheckGlobalOrder is |p − Want| where p is the observed order of the error
	// at T = N·H (GlobalOrder on the ladder H, …, H/2^Halvings).
	CheckGlobalOrder
	// CheckDistance is ‖θ_flow(Nh) − Ref‖₂ (complex modulus; Ref nil means the
	// origin).
	CheckDistance
	// CheckGrowth is ‖θ_flow(Nh) − Ref‖₂ / ‖θ_0 − Ref‖₂.
	CheckGrowth
	// CheckImag is max_{n ≤ N} ‖Im θ_flow(nh)‖₂: how far a complex flow leaves
	// the real space.
	CheckImag
)

// String returns the check's name as used in reports.
func (c Check) String() string {
	switch c {
	case CheckMaxError:
		return "max_error"
	case CheckLocalOrder:
		return "local_order"
	case CheckGlobalOrder:
		return "global_order"
	case CheckDistance:
		return "distance"
	case CheckGrowth:
		return "growth"
	case CheckImag:
		return "max_imag"
	}
	return fmt.Sprintf("Check(%d)", int(c))
}

// Case is one row of a verification suite: a problem, a flow, a learning
// rate and a number of steps, a check and its threshold. The suite is data:
// a slice of Cases (see Suite).
type Case struct {
	// Name identifies the case (unique within a suite; pflow verify -run
	// matches it).
	Name string
	// Problem is a problems.ByName spec.
	Problem string
	// Flow is a modified flow name or GD; with Build set it is a label.
	Flow string
	// Options are passed to modified.New.
	Options *modified.Options
	// Build, when non-nil, constructs the flow (Settings.Build).
	Build Builder
	// X0 is the start point (nil: the problem's default).
	X0 []float64
	// H is the learning rate (the largest rung for order checks).
	H float64
	// N is the number of GD steps; for CheckGlobalOrder the final time is N·H.
	N int
	// Halvings is the number of halvings of H for order checks (default
	// MinHalvings).
	Halvings int
	// Check selects what is measured.
	Check Check
	// Want is the expected order for CheckLocalOrder and CheckGlobalOrder.
	Want float64
	// Ref is the reference point of CheckDistance and CheckGrowth (nil: origin).
	Ref []float64
	// AtLeast makes the case pass when Value ≥ Threshold (default: pass
	// when Value ≤ Threshold).
	AtLeast bool
	// Threshold is the bound on Value.
	Threshold float64
	// Settings configures the integration (nil: defaults).
	Settings *Settings
	// About says in one line what the case shows.
	About string
}

// CheckName is the check with its comparison, e.g. "max_error <=" or
// "|local_order-3| <=", as reported in Outcome tables.
func (c *Case) CheckName() string {
	op := "<="
	if c.AtLeast {
		op = ">="
	}
	switch c.Check {
	case CheckLocalOrder, CheckGlobalOrder:
		return fmt.Sprintf("|%s-%g| %s", c.Check, c.Want, op)
	}
	return fmt.Sprintf("%s %s", c.Check, op)
}

// Outcome is the result of one Case.
type Outcome struct {
	// Case is the case that was run.
	Case Case
	// Value is the measured quantity (NaN when Err is set).
	Value float64
	// Pass reports whether Value satisfies the threshold with the
	// integrator's estimated error counted against it.
	Pass bool
	// Detail is a short human-readable account: the observed order with
	// its spread, the integrator's error estimate, the step counts.
	Detail string
	// Err is the error that prevented the measurement, if any.
	Err error
}

// Evaluate runs one case.
func Evaluate(c Case) (o Outcome) {
	return EvaluateContext(context.Background(), c)
}

// EvaluateContext runs one case bounded by ctx (see CompareContext): when
// ctx ends first the case fails with an error wrapping ctx.Err().
func EvaluateContext(ctx context.Context, c Case) (o Outcome) {
	o = Outcome{Case: c, Value: math.NaN()}
	defer func() {
		// A custom flow or problem that panics fails its case instead of
		// the whole suite.
		if r := recover(); r != nil {
			o.Value, o.Pass = math.NaN(), false
			o.Err = fmt.Errorf("verify: case %s panicked: %v", c.Name, r)
			o.Detail = o.Err.Error()
		}
	}()
	fail := func(err error) Outcome {
		o.Err = err
		o.Detail = err.Error()
		return o
	}
	p, err := problems.ByName(c.Problem)
	if err != nil {
		return fail(err)
	}
	if c.Ref != nil && len(c.Ref) != p.Dim {
		return fail(fmt.Errorf("%w: case %s: Ref has length %d, problem %s has dimension %d", ErrInvalidInput, c.Name, len(c.Ref), p.Name, p.Dim))
	}
	if math.IsNaN(c.Threshold) {
		return fail(fmt.Errorf("%w: case %s: threshold is NaN", ErrInvalidInput, c.Name))
	}
	s := Settings{}
	if c.Settings != nil {
		s = *c.Settings
	}
	if c.Options != nil {
		s.Options = c.Options
	}
	if c.Build != nil {
		s.Build = c.Build
	}
	// margin is the integrator's estimated error in the units of Value: a
	// "≤" check must hold with it added, a "≥" check with it subtracted,
	// so that no verdict rests on integration error.
	margin := 0.0
	switch c.Check {
	case CheckLocalOrder, CheckGlobalOrder:
		hv := c.Halvings
		if hv == 0 {
			hv = MinHalvings
		}
		var ord *Order
		if c.Check == CheckLocalOrder {
			ord, err = localOrder(ctx, p, c.Flow, c.H, hv, c.X0, &s)
		} else {
			ord, err = globalOrder(ctx, p, c.Flow, float64(c.N)*c.H, c.H, hv, c.X0, &s)
		}
		if err != nil {
			return fail(err)
		}
		o.Value = math.Abs(ord.Slope - c.Want)
		// An error e ± δ moves y = log e by at most w = max δ/e (to first
		// order), and the least-squares slope Σ(x−x̄)y / Σ(x−x̄)² then by at
		// most w·Σ|x−x̄| / Σ(x−x̄)², x = log h.
		worst := 0.0
		for k := range ord.Err {
			worst = math.Max(worst, ord.IntegratorErr[k]/ord.Err[k])
		}
		var mx, sa, s2 float64
		for _, h := range ord.H {
			mx += math.Log(h) / float64(len(ord.H))
		}
		for _, h := range ord.H {
			d := math.Log(h) - mx
			sa += math.Abs(d)
			s2 += d * d
		}
		margin = worst * sa / s2
		o.Detail = fmt.Sprintf("slope %.3f ± %.3f (pairwise spread %.3f), errors %.2g … %.2g, integrator share ≤ %.1g",
			ord.Slope, ord.StdErr, ord.Spread, ord.Err[0], ord.Err[len(ord.Err)-1], worst)
	default:
		r, err := CompareContext(ctx, p, c.Flow, c.H, c.N, c.X0, &s)
		if err != nil {
			return fail(err)
		}
		last := r.Points[len(r.Points)-1]
		margin = r.IntegratorError
		switch c.Check {
		case CheckMaxError:
			o.Value = r.MaxError
		case CheckDistance, CheckGrowth:
			o.Value = distRef(last.Flow, c.Ref)
			if c.Check == CheckGrowth {
				x0 := c.X0
				if x0 == nil {
					x0 = p.X0
				}
				d0 := distRef(toComplex(x0), c.Ref)
				o.Value /= d0
				margin /= d0
			}
		case CheckImag:
			o.Value = 0
			for _, pt := range r.Points {
				o.Value = math.Max(o.Value, pt.Imag)
			}
		default:
			return fail(fmt.Errorf("%w: unknown check %v", ErrInvalidInput, c.Check))
		}
		ie := fmt.Sprintf("integrator error %.1g", r.IntegratorError)
		if !r.IntegratorChecked {
			ie = "integrator error not estimated"
			if r.IntegratorCheckErr != nil {
				// The verdict must not rest on an unknown integration error.
				return fail(r.IntegratorCheckErr)
			}
		}
		o.Detail = fmt.Sprintf("max error %.3g, final |θ_flow| %.3g, |θ_GD| %.3g, %s, nfev %d",
			r.MaxError, linalg.Norm2(last.Flow), linalg.Norm2(last.GD), ie, r.Stats.NFev)
		if c.Flow == GD {
			// GD against itself: no integration, nothing else to say.
			o.Detail = fmt.Sprintf("GD iterates (no integration), final |θ_GD| %.3g", linalg.Norm2(last.GD))
		}
	}
	if math.IsNaN(o.Value) {
		return fail(fmt.Errorf("verify: case %s measured NaN", c.Name))
	}
	if c.AtLeast {
		o.Pass = o.Value >= c.Threshold
		if o.Pass && o.Value-margin < c.Threshold {
			o.Pass = false
			o.Detail = "integrator error too large to trust the value: " + o.Detail
		}
	} else {
		o.Pass = o.Value <= c.Threshold
		if o.Pass && o.Value+margin > c.Threshold {
			o.Pass = false
			o.Detail = "integrator error too large to trust the value: " + o.Detail
		}
	}
	return o
}

func distRef(z []complex128, ref []float64) float64 {
	d := make([]complex128, len(z))
	for i := range z {
		d[i] = z[i]
		if ref != nil {
			d[i] -= complex(ref[i], 0)
		}
	}
	return linalg.Norm2(d)
}

// Run evaluates the cases on workers goroutines (0 means
// runtime.GOMAXPROCS(0)) and returns the outcomes in the order of cases,
// whatever order they finish in. progress, when non-nil, is called after
// each case with its index and outcome, from one goroutine at a time.
func Run(cases []Case, workers int, progress func(i int, o Outcome)) []Outcome {
	return RunContext(context.Background(), cases, workers, progress)
}

// RunContext is Run bounded by ctx: the running cases stop (failing with
// an error wrapping ctx.Err()) and the cases not yet started are not run,
// each with an Outcome whose Err wraps ctx.Err() and whose Detail starts
// with "not run".
func RunContext(ctx context.Context, cases []Case, workers int, progress func(i int, o Outcome)) []Outcome {
	if ctx == nil {
		ctx = context.Background()
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]Outcome, len(cases))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range min(workers, max(len(cases), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var o Outcome
				if err := ctx.Err(); err != nil {
					o = Outcome{Case: cases[i], Value: math.NaN(), Err: fmt.Errorf("verify: case %s not run: %w", cases[i].Name, err)}
					o.Detail = "not run: " + err.Error()
				} else {
					o = EvaluateContext(ctx, cases[i])
				}
				out[i] = o
				if progress != nil {
					mu.Lock()
					progress(i, o)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range cases {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}
