package verify

import (
	"time"

	"context"
	"errors"
	"fmt"
	"github.com/pflow-go/pflow"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// Sentinel errors of the package.
var (
	// ErrInvalidInput reports an unusable problem, flow, learning rate,
	// number of steps, start point or setting.
	ErrInvalidInput = pflow.Sentinel("verify: invalid input", pflow.ErrInvalidInput)
	// ErrGDDiverged reports that a GD iterate overflowed (a non-finite
	// component): the comparison stops at the last finite iterate.
	ErrGDDiverged = pflow.Sentinel("verify: GD iterate is not finite", pflow.ErrDiverged)
	// ErrMaxEvals reports that the flow's right-hand side was evaluated
	// Settings.MaxEvals times before the comparison was complete.
	ErrMaxEvals = pflow.Sentinel("verify: evaluation budget exhausted", pflow.ErrBudget)
	// ErrStalled reports an integration whose step size collapsed: with
	// the default MaxSteps, stallWindow consecutive accepted steps each
	// shorter than stallRatio·h (a pace of more than 1/stallRatio steps
	// per GD step) stop the run, instead of letting it grind through the
	// step budget (the principal flow on matfact at h = 0.5 took 146 s to
	// reach ode.ErrMaxSteps at t = 2.78 with steps of 1e-6).
	ErrStalled = pflow.Sentinel("verify: integration stalled", pflow.ErrBudget)
	// ErrMaxDistance reports that the distance between the flow and GD
	// exceeded Settings.MaxDistance: the comparison stops at that step.
	ErrMaxDistance = pflow.Sentinel("verify: distance to GD above the bound", pflow.ErrBudget)
)

// Progress is what CompareContext reports through Settings.Progress after
// every accepted integrator step (and after the GD run).
type Progress struct {
	// Stage is "gd" (the GD iterates are computed), "flow" (the main
	// integration) or "check" (the reference integration of the
	// integrator check).
	Stage string
	// T is the flow time reached and TEnd = N·h the final time.
	T, TEnd float64
	// Step is the number of GD steps whose comparison is complete.
	Step int
	// NFev counts the evaluations of the flow's right-hand side so far
	// (main run and check together).
	NFev int
	// MaxError is the largest distance to GD so far.
	MaxError float64
}

// GD is the name under which Compare treats gradient descent itself as a
// "flow": θ_flow(nh) = θ_n, distance zero, no integration. It lets the
// suite and pflow trajectory apply one check to GD and to its flows.
const GD = "gd"

// Builder constructs the complex-valued flow compared with GD on problem
// p at learning rate h. Named wraps the flows of package modified; tests
// and users pass their own (for example a deliberately wrong flow) through
// Settings.Build.
type Builder func(p *problems.Problem, h float64) (*modified.Flow[complex128], error)

// Default integration settings of Compare (see Settings).
const (
	// DefaultRTol is the default relative tolerance of the flow's
	// integration.
	DefaultRTol = 1e-12
	// DefaultATol is the default absolute tolerance.
	DefaultATol = 1e-14
	// MinRTol is the smallest relative tolerance of an adaptive run:
	// 100·eps = 100·2⁻⁵² = 2.220446049250313e-14, the floor that package
	// ode enforces (Settings.RTol "must be at least 100·eps"). Compare,
	// the integrator check and the command line use this one value.
	MinRTol = 100 * 0x1p-52
	// MaxRTol bounds the relative tolerance from above: a tolerance of 1
	// or more asks for no correct digit at all.
	MaxRTol = 1.0
	// refStepsPerGD is the least number of integrator steps per GD step of
	// the reference integration.
	refStepsPerGD = 4
	// stallRatio and stallWindow define a stalled integration (see
	// ErrStalled).
	stallRatio  = 1e-4
	stallWindow = 500
)

// Settings configures Compare and the order estimators. The zero value
// (and a nil *Settings) means the documented defaults.
type Settings struct {
	// Method integrates the flow: any method of package ode that can
	// integrate it (nil: DOP853, whose 7th-order dense output keeps the
	// interpolation error at the level of the step error, and which tests
	// the flow independently of its structure; see AutoMethod for the
	// fastest choice). Adaptive methods run at RTol and ATol; fixed-step
	// methods with Step.
	Method ode.Method
	// Step is the step size of a fixed-step method (default: h for the
	// principal flow's exponential integrators, which are exact on
	// quadratics with one step per GD step; h/16 otherwise). Ignored by
	// adaptive methods.
	Step float64
	// RTol and ATol are the integration tolerances (defaults DefaultRTol
	// and DefaultATol).
	RTol, ATol float64
	// MaxSteps caps the integrator's attempted steps (default
	// 20000 + 2000·n for n GD steps, at most 1e6: about 200 times what a
	// non-stiff flow needs; with the default, a run whose step size
	// collapses stops early with ErrStalled, so that a flow made stiff or
	// singular fails in seconds instead of grinding through the budget). The
	// reference run of the integrator check may take four times as many
	// steps as the main run used, plus four per GD step.
	MaxSteps int
	// Options are passed to modified.New (nil: the flows' defaults).
	Options *modified.Options
	// Build, when non-nil, constructs the flow instead of modified.New;
	// the flow name passed to Compare is then only a label.
	Build Builder
	// MaxEvals, when positive, caps the evaluations of the flow's
	// right-hand side (main run and integrator check together): a run that
	// needs more stops with an error wrapping ErrMaxEvals and returns the
	// points computed. The integrator checks the budget before each step,
	// so the last step can take the count over it by at most one step's
	// evaluations (12 for DOP853). It bounds the work where MaxSteps does not (a step
	// of the principal flow near a pole can cost many evaluations).
	MaxEvals int
	// MaxDistance, when positive, stops the comparison at the first GD step
	// whose distance to the flow exceeds it, with an error wrapping
	// ErrMaxDistance; the points up to and including that step are
	// returned. Use it to stop a run once the flow has left GD.
	MaxDistance float64
	// Progress, when non-nil, is called after every accepted integrator
	// step (and once after the GD run) with the state of the run, from the
	// goroutine that called CompareContext.
	Progress func(Progress)
	// SkipIntegratorCheck disables the second integration that estimates
	// the integrator's own error (Result.IntegratorError): the same method
	// at 100× tighter tolerances (clamped at MinRTol = 100·eps, the floor
	// of package ode) with at least refStepsPerGD steps per GD step, so that its step
	// sequence differs from the main run's even where one step would do.
	// The default runs it, at about twice the cost.
	SkipIntegratorCheck bool
}

func (s *Settings) resolved() Settings {
	var c Settings
	if s != nil {
		c = *s
	}
	if c.Method == nil {
		c.Method = ode.DOP853
	}
	if c.RTol == 0 {
		c.RTol = DefaultRTol
	}
	if c.ATol == 0 {
		c.ATol = DefaultATol
	}
	return c
}

func (s *Settings) validate() error {
	bad := func(name string, x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }
	if bad("RTol", s.RTol) || bad("ATol", s.ATol) {
		return fmt.Errorf("%w: tolerances rtol = %v, atol = %v must be finite and non-negative", ErrInvalidInput, s.RTol, s.ATol)
	}
	if s.RTol != 0 && s.RTol < MinRTol {
		return fmt.Errorf("%w: rtol = %v below %v (100·eps, the floor of package ode)", ErrInvalidInput, s.RTol, MinRTol)
	}
	if s.RTol >= MaxRTol {
		return fmt.Errorf("%w: rtol = %v is not below %v (no correct digit asked for)", ErrInvalidInput, s.RTol, MaxRTol)
	}
	if s.MaxSteps < 0 || s.MaxEvals < 0 {
		return fmt.Errorf("%w: MaxSteps = %d, MaxEvals = %d must be non-negative", ErrInvalidInput, s.MaxSteps, s.MaxEvals)
	}
	if math.IsNaN(s.MaxDistance) || s.MaxDistance < 0 {
		return fmt.Errorf("%w: MaxDistance = %v must be non-negative (0: no bound)", ErrInvalidInput, s.MaxDistance)
	}
	if math.IsNaN(s.Step) || math.IsInf(s.Step, 0) || s.Step < 0 {
		return fmt.Errorf("%w: Step = %v must be finite and non-negative", ErrInvalidInput, s.Step)
	}
	return nil
}

// AutoMethod is the integrator of `pflow trajectory -method auto`: the
// principal flow's exponential Euler (modified.ExpEuler, one step per GD
// step) for the principal-flow family ("pf", "pf-re") on problems with a
// constant Hessian, DOP853 otherwise. On a quadratic the exponential Euler
// step of size h is GD's step by construction (e^{hL} = I − hH for the
// PF's linear part L), so it costs one evaluation per GD step and is exact
// to rounding — and for the same reason it does not test the PF: the
// verification suite integrates with DOP853.
func AutoMethod(p *problems.Problem, flow string) ode.Method {
	if p != nil && p.ConstantHessian && (flow == "pf" || flow == "pf-re") {
		return modified.ExpEuler
	}
	return ode.DOP853
}

// fixedStep returns the step of a fixed-step method m for learning rate h.
func (s *Settings) fixedStep(m ode.Method, h float64) float64 {
	if s.Step > 0 {
		return s.Step
	}
	if m.Info().Family == "exponential" {
		return h
	}
	return h / 16
}

// Point is the comparison at one GD step n, flow time t = n·h.
type Point struct {
	// N is the GD step and T = N·h the flow time.
	N int
	T float64
	// Flow is the flow's state θ_flow(T); its imaginary part is zero for
	// the real flows and may be non-zero for the principal flow.
	Flow []complex128
	// GD is the GD iterate θ_N.
	GD []float64
	// Error is ‖θ_flow(T) − θ_N‖₂ with the complex modulus.
	Error float64
	// FlowLoss is E(θ_flow(T)) (the holomorphic extension when θ_flow is
	// complex; the real loss when the problem is integrated in float64).
	FlowLoss complex128
	// GDLoss is E(θ_N).
	GDLoss float64
	// Imag is ‖Im θ_flow(T)‖₂.
	Imag float64
}

// Result is the outcome of Compare.
type Result struct {
	// Problem and Flow name what was compared; H is the learning rate and
	// N the number of GD steps asked for.
	Problem, Flow string
	H             float64
	N             int
	// Method is the integrator's name ("" for GD itself).
	Method string
	// RTol and ATol are the tolerances of an adaptive method (0 for a
	// fixed-step one); Step is the step of a fixed-step method (0 for an
	// adaptive one).
	RTol, ATol float64
	Step       float64
	// Points holds the comparison at n = 0, 1, …, N (fewer when the
	// returned error reports that the integration or GD stopped early).
	Points []Point
	// MaxError is the largest Point.Error.
	MaxError float64
	// IntegratorError is max_n ‖θ_flow(nh) − θ_ref(nh)‖₂ where θ_ref is a
	// second integration at 100× tighter tolerances: an estimate of how
	// much of Error is the integrator's. It is zero when IntegratorChecked
	// is false (Settings.SkipIntegratorCheck) and, with IntegratorChecked
	// true, for GD itself, which involves no integration.
	IntegratorError   float64
	IntegratorChecked bool
	// IntegratorCheckErr says why the reference integration failed (for
	// example ode.ErrMaxSteps on a stiff flow) when IntegratorChecked is
	// false although the check was asked for. The comparison itself is
	// still valid.
	IntegratorCheckErr error
	// Stats counts the work of the main integration (NFev evaluations of
	// the flow's right-hand side).
	Stats ode.Stats
	// Complex reports whether the flow was integrated in complex128 (it is
	// false only for problems without a holomorphic extension, integrated
	// in float64 with the real flows).
	Complex bool
}

// Named returns a Builder for the registered flow name with options o.
func Named(name string, o *modified.Options) Builder {
	return func(p *problems.Problem, h float64) (*modified.Flow[complex128], error) {
		return modified.New[complex128](name, p, h, o)
	}
}

// runGD returns the GD iterates θ_0 = x0, …, θ_n of modified.GD in
// float64 and their losses. When an iterate overflows it returns the
// iterates before it with an error wrapping ErrGDDiverged (and
// modified.ErrDiverged).
func runGD(p *problems.Problem, h float64, n int, x0 []float64) ([][]float64, []float64, error) {
	r, err := modified.GD[float64](p, x0, h, n, nil)
	if err != nil {
		if r == nil || !errors.Is(err, modified.ErrDiverged) {
			return nil, nil, fmt.Errorf("%w: %w", ErrInvalidInput, err)
		}
		return r.Iterates, r.Loss, fmt.Errorf("%w: %w", ErrGDDiverged, err)
	}
	return r.Iterates, r.Loss, nil
}

// runGDContext is runGD with the gradient evaluations bounded by ctx: when
// ctx ends, the iterates computed so far come back with an error wrapping
// ctx.Err().
func runGDContext(ctx context.Context, p *problems.Problem, h float64, n int, x0 []float64) (gd [][]float64, loss []float64, err error) {
	if ctx.Done() == nil { // context.Background: nothing to watch
		return runGD(p, h, n, x0)
	}
	q := *p
	grad := p.Real.Grad
	var k int
	var its [][]float64
	q.Real.Grad = func(dst, x []float64) {
		if err := ctx.Err(); err != nil {
			panic(stopSignal{err})
		}
		if k <= n {
			its = append(its, append([]float64(nil), x...))
		}
		k++
		grad(dst, x)
	}
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(stopSignal)
			if !ok {
				panic(r)
			}
			// The gradients were taken at θ_0, θ_1, …: those are the
			// iterates reached.
			gd, err = its, fmt.Errorf("verify: GD on %s stopped after %d of %d steps: %w", p.Name, max(len(its)-1, 0), n, s.err)
			loss = make([]float64, len(gd))
			for i, x := range gd {
				loss[i] = p.Real.Func(x)
			}
		}
	}()
	return runGD(&q, h, n, x0)
}

func checkArgs(p *problems.Problem, h float64, n int, x0 []float64) error {
	if p == nil {
		return fmt.Errorf("%w: nil problem", ErrInvalidInput)
	}
	if math.IsNaN(h) || math.IsInf(h, 0) || h <= 0 {
		return fmt.Errorf("%w: learning rate %v must be positive and finite", ErrInvalidInput, h)
	}
	if n < 0 {
		return fmt.Errorf("%w: number of steps %d is negative", ErrInvalidInput, n)
	}
	if math.IsInf(float64(n)*h, 0) {
		return fmt.Errorf("%w: final time %d·%v overflows", ErrInvalidInput, n, h)
	}
	if err := modified.CheckStart(p, x0); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}

// Compare integrates the flow named flow (a name of modified.Names, or GD)
// of GD with learning rate h on problem p from x0 (nil: p.X0) up to
// t = n·h in complex128, records the dense output at every t = k·h, runs
// GD for n steps exactly from the same point and returns the distances,
// both losses and the imaginary part of the flow at every step.
//
// The integration uses s.Method (default DOP853) at tolerances s.RTol,
// s.ATol and, unless s.SkipIntegratorCheck, is repeated at 100× tighter
// tolerances to estimate the integrator's error (Result.IntegratorError).
// Problems without a holomorphic extension are integrated in float64.
//
// Invalid input returns an error wrapping ErrInvalidInput (or
// modified.ErrUnknownFlow). When GD overflows or the integration fails
// (for example ode.ErrNonFinite when the flow blows up), the points up to
// that time are returned together with the error.
//
// Compare is CompareContext with context.Background().
func Compare(p *problems.Problem, flow string, h float64, n int, x0 []float64, s *Settings) (*Result, error) {
	return CompareContext(context.Background(), p, flow, h, n, x0, s)
}

// CompareContext is Compare bounded by ctx: when ctx is cancelled or its
// deadline passes, the run stops within one evaluation of the flow's
// right-hand side (or one gradient of the GD run) and returns the points
// computed so far with an error wrapping ctx.Err() (errors.Is(err,
// context.DeadlineExceeded) after a timeout). The budgets of s
// (MaxSteps, MaxEvals, MaxDistance) bound the run in the same way, and
// s.Progress reports on it.
func CompareContext(ctx context.Context, p *problems.Problem, flow string, h float64, n int, x0 []float64, s *Settings) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if s != nil {
		if err := s.validate(); err != nil {
			return nil, err
		}
	}
	st := s.resolved()
	if p != nil && x0 == nil {
		x0 = p.X0
	}
	if err := checkArgs(p, h, n, x0); err != nil {
		return nil, err
	}
	res := &Result{Problem: p.Name, Flow: flow, H: h, N: n}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("verify: %s on %s not started: %w", flow, p.Name, err)
	}
	gd, gdLoss, gdErr := runGDContext(ctx, p, h, n, x0)
	if len(gd) == 0 {
		return res, gdErr
	}
	if errors.Is(gdErr, ctx.Err()) && ctx.Err() != nil {
		// GD itself was cut short: report its iterates as a GD-only run.
		for k, x := range gd {
			res.Points = append(res.Points, newPoint(p, k, h, toComplex(x), x, gdLoss[k], true))
		}
		return res, gdErr
	}
	if st.Progress != nil {
		st.Progress(Progress{Stage: "gd", TEnd: float64(n) * h})
	}
	if flow == GD && st.Build == nil {
		res.Complex = true
		for k, x := range gd {
			res.Points = append(res.Points, newPoint(p, k, h, toComplex(x), x, gdLoss[k], true))
		}
		res.IntegratorChecked = true
		return res, gdErr
	}
	res.Method, res.RTol, res.ATol = st.Method.Info().Name, st.RTol, st.ATol
	fixed := !st.Method.Info().Adaptive
	if fixed {
		res.RTol, res.ATol = 0, 0
	}

	// Build the flow first so that unknown names fail before any work.
	fc, fr, err := build(p, flow, h, &st)
	if err != nil {
		return nil, err
	}
	res.Complex = fc != nil
	tEnd := float64(n) * h
	budget := st.MaxSteps
	if budget == 0 {
		budget = int(min(1e6, 20000+2000*float64(n)))
	}
	step := 0.0
	if fixed {
		step = st.fixedStep(st.Method, h)
		res.Step = step
		if st.MaxSteps == 0 {
			budget = max(budget, int(math.Ceil(tEnd/step))+1)
		}
	}
	rb := &runBudget{ctx: ctx, maxEvals: st.MaxEvals, progress: st.Progress, tEnd: tEnd, stallCheck: st.MaxSteps == 0 && !fixed}
	rb.stage = "flow"
	rb.onPoint = func(k int, z []complex128) error {
		pt := newPoint(p, k, h, z, gd[k], gdLoss[k], res.Complex)
		res.Points = append(res.Points, pt)
		res.MaxError = math.Max(res.MaxError, pt.Error)
		rb.maxError, rb.step = res.MaxError, k
		if st.MaxDistance > 0 && pt.Error > st.MaxDistance {
			return fmt.Errorf("%w: ‖θ_flow − θ_n‖ = %.3g > %g at step %d", ErrMaxDistance, pt.Error, st.MaxDistance, k)
		}
		return nil
	}
	states, stats, intErr := integrate(fc, fr, x0, h, len(gd)-1, st.RTol, st.ATol, st.Method, budget, 0, step, rb)
	if errors.Is(intErr, ode.ErrInvalidSettings) && len(states) <= 1 {
		// The method cannot integrate this flow (or the settings are
		// impossible for it): bad input, nothing was computed.
		return nil, fmt.Errorf("%w: %s with method %s: %w", ErrInvalidInput, flow, res.Method, intErr)
	}
	res.Stats = stats
	if intErr != nil && (errors.Is(intErr, ErrMaxDistance) || errors.Is(intErr, ErrMaxEvals) || errors.Is(intErr, ErrStalled) || ctx.Err() != nil && errors.Is(intErr, ctx.Err())) {
		return res, fmt.Errorf("verify: %s on %s (h = %v) stopped at t = %v of %v: %w", flow, p.Name, h, rb.t, tEnd, intErr)
	}
	if intErr != nil {
		hint := ""
		if !res.Complex {
			hint = " (integrated in float64 because the problem has no holomorphic extension: a flow that needs complex values cannot be represented)"
		}
		return res, fmt.Errorf("verify: integrating %s on %s (h = %v) to t = %v%s: %w", flow, p.Name, h, tEnd, hint, intErr)
	}
	if !st.SkipIntegratorCheck && len(states) > 1 {
		fc2, fr2, err := build(p, flow, h, &st)
		if err != nil {
			return res, err
		}
		tight := math.Max(st.RTol/100, MinRTol)
		rb.stage, rb.onPoint = "check", nil
		// Fixed steps: the same method with a quarter of the step.
		refStep := step / 4
		ref, _, err := integrate(fc2, fr2, x0, h, len(states)-1, tight, st.ATol/100, st.Method,
			10*stats.NSteps+refStepsPerGD*n+1000, h/refStepsPerGD, refStep, rb)
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			res.IntegratorCheckErr = fmt.Errorf("verify: reference integration of %s at rtol = %v: %w", flow, tight, err)
			return res, fmt.Errorf("verify: %s on %s: comparison complete, integrator check stopped: %w", flow, p.Name, err)
		}
		if err != nil {
			// The comparison stands; only its error estimate is missing.
			what := fmt.Sprintf("rtol = %v", tight)
			if fixed {
				what = fmt.Sprintf("step %v", refStep)
			}
			res.IntegratorCheckErr = fmt.Errorf("verify: reference integration of %s at %s: %w", flow, what, err)
		} else {
			for k := range states {
				res.IntegratorError = math.Max(res.IntegratorError, dist(states[k], ref[k]))
			}
			res.IntegratorChecked = true
		}
	}
	return res, gdErr
}

// build constructs the flow in complex128, or in float64 when the problem
// has no holomorphic extension (and no custom Builder is given).
func build(p *problems.Problem, flow string, h float64, st *Settings) (*modified.Flow[complex128], *modified.Flow[float64], error) {
	if st.Build != nil {
		f, err := st.Build(p, h)
		if err != nil {
			return nil, nil, err
		}
		if f == nil || f.F == nil || f.Dim != p.Dim {
			return nil, nil, fmt.Errorf("%w: Builder for %q returned an unusable flow", ErrInvalidInput, flow)
		}
		return f, nil, nil
	}
	if _, err := p.ComplexFuncs(); err != nil {
		fr, err := modified.New[float64](flow, p, h, st.Options)
		if err == nil && fr.Dim != p.Dim {
			return nil, nil, fmt.Errorf("%w: flow %q has state dimension %d, problem %s has %d: not comparable with GD",
				ErrInvalidInput, flow, fr.Dim, p.Name, p.Dim)
		}
		return nil, fr, err
	}
	fc, err := modified.New[complex128](flow, p, h, st.Options)
	if err == nil && fc.Dim != p.Dim {
		return nil, nil, fmt.Errorf("%w: flow %q has state dimension %d, problem %s has %d: not comparable with GD",
			ErrInvalidInput, flow, fc.Dim, p.Name, p.Dim)
	}
	return fc, nil, err
}

// runBudget carries the bounds and reports of one CompareContext run into
// integrate: the context, the evaluation budget (shared by the main run
// and the check), the progress callback and, for the main run, onPoint,
// which receives every state at t = k·h as soon as it is known and may
// stop the run by returning an error.
type runBudget struct {
	ctx      context.Context
	maxEvals int
	progress func(Progress)
	onPoint  func(k int, z []complex128) error

	stage      string
	tEnd, t    float64
	nfev, step int
	nfev0      int // evaluations of the finished integrations
	maxError   float64
	stallCheck bool // stop with ErrStalled (default MaxSteps only)
}

// stopSignal carries a budget error out of a gradient evaluation of the
// GD run (runGDContext recovers it).
type stopSignal struct{ err error }

func (b *runBudget) report() {
	if b.progress != nil {
		b.progress(Progress{Stage: b.stage, T: b.t, TEnd: b.tEnd, Step: b.step, NFev: b.nfev, MaxError: b.maxError})
	}
}

// integrate solves the flow (complex fc or real fr) from x0 with method m
// (fixed steps of size step when it is positive) and returns the states at
// t = k·h, k = 0..n, as complex vectors (as many as were reached when it
// fails), passing each to b.onPoint as soon as it is known. It is the
// package's one call into the ODE solver: Flow.Solve, with the context,
// the evaluation budget, the stall check and the progress of b.
func integrate(fc *modified.Flow[complex128], fr *modified.Flow[float64], x0 []float64, h float64, n int,
	rtol, atol float64, m ode.Method, maxSteps int, maxStep, step float64, b *runBudget) ([][]complex128, ode.Stats, error) {
	first := toComplex(x0)
	if b.onPoint != nil {
		if err := b.onPoint(0, first); err != nil {
			return [][]complex128{first}, ode.Stats{}, err
		}
	}
	if n == 0 {
		return [][]complex128{first}, ode.Stats{}, nil
	}
	if fc != nil {
		return solveFlow(fc, first, h, n, rtol, atol, m, maxSteps, maxStep, step, b, func(y []complex128) []complex128 { return append([]complex128(nil), y...) })
	}
	return solveFlow(fr, append([]float64(nil), x0...), h, n, rtol, atol, m, maxSteps, maxStep, step, b, toComplex)
}

// solveFlow runs f.Solve from y0 to t = n·h with the outputs at t = k·h
// streamed to b.onPoint (ode.Settings.Output), the stall check and the
// progress report after every accepted step (ode.Settings.Observer, which
// Flow.Solve chains after the flow's commit), and the evaluation budget
// (ode.Settings.MaxEvals).
func solveFlow[T float64 | complex128](f *modified.Flow[T], y0 []T, h float64, n int,
	rtol, atol float64, m ode.Method, maxSteps int, maxStep, step float64, b *runBudget, cplx func([]T) []complex128) ([][]complex128, ode.Stats, error) {
	out := [][]complex128{cplx(y0)}
	tEnd := float64(n) * h
	tEval := make([]float64, n+1)
	for k := range tEval {
		tEval[k] = float64(k) * h
	}
	var stop error
	tPrev, short, k := 0.0, 0, 1
	set := &ode.Settings[T]{RTol: rtol, ATol: atol, MaxSteps: maxSteps, MaxStep: maxStep, TEval: tEval,
		Output: func(t float64, y []T) bool {
			z := cplx(y)
			out = append(out, z)
			if b.onPoint != nil {
				if stop = b.onPoint(k, z); stop != nil {
					return false
				}
			}
			k++
			return true
		},
		Observer: func(t float64, cur []T) bool {
			b.t = t
			if t-tPrev < stallRatio*h {
				short++
			} else {
				short = 0
			}
			if short >= stallWindow && b.stallCheck {
				stop = fmt.Errorf("%w: %d consecutive steps shorter than %g·h, the last %.3g, at t = %v (GD step %d, ‖θ_flow‖ = %.3g): the flow is singular or extremely stiff there "+
					"(for example it is running off to infinity, or an eigenvalue of the Hessian is crossing the pole hλ = 1 of the principal flow)",
					ErrStalled, short, stallRatio, t-tPrev, t, int(t/h), linalg.Norm2(cplx(cur)))
				return false
			}
			tPrev = t
			return true
		},
		Progress: func(q ode.Progress) {
			b.nfev = b.nfev0 + q.Stats.NFev
			b.report()
		},
		ProgressEvery: time.Nanosecond,
	}
	if step > 0 {
		set.RTol, set.ATol, set.MaxStep, set.Step = 0, 0, 0, step
	}
	if b.maxEvals > 0 {
		left := b.maxEvals - b.nfev
		if left <= 0 {
			return out, ode.Stats{}, fmt.Errorf("%w: %d evaluations of the flow", ErrMaxEvals, b.maxEvals)
		}
		set.MaxEvals = left
	}
	sol, err := f.Solve(b.ctx, tEnd, y0, m, set)
	var stats ode.Stats
	if sol != nil {
		stats = sol.Stats
	}
	b.nfev0 += stats.NFev
	b.nfev = b.nfev0
	switch {
	case stop != nil:
		return out, stats, stop
	case b.maxEvals > 0 && errors.Is(err, ode.ErrMaxSteps) && b.nfev >= b.maxEvals:
		return out, stats, fmt.Errorf("%w: %d evaluations of the flow", ErrMaxEvals, b.maxEvals)
	case b.ctx.Err() != nil && errors.Is(err, ode.ErrCanceled):
		return out, stats, fmt.Errorf("%w: %w", b.ctx.Err(), err)
	}
	return out, stats, err
}

func newPoint(p *problems.Problem, k int, h float64, z []complex128, x []float64, loss float64, cplx bool) Point {
	pt := Point{N: k, T: float64(k) * h, Flow: z, GD: x, GDLoss: loss}
	pt.Error = distReal(z, x)
	im := make([]float64, len(z))
	for i, v := range z {
		im[i] = imag(v)
	}
	pt.Imag = linalg.Norm2(im)
	if cplx && p.Complex != nil {
		pt.FlowLoss = p.Complex.Func(z)
	} else {
		re := make([]float64, len(z))
		for i, v := range z {
			re[i] = real(v)
		}
		pt.FlowLoss = complex(p.Real.Func(re), 0)
	}
	return pt
}

func toComplex(x []float64) []complex128 {
	return linalg.ToComplex(make([]complex128, len(x)), x)
}

// distReal returns ‖z − x‖₂ (complex modulus), scaled against overflow.
func distReal(z []complex128, x []float64) float64 {
	d := make([]complex128, len(z))
	for i := range z {
		d[i] = z[i] - complex(x[i], 0)
	}
	return linalg.Norm2(d)
}

func dist(a, b []complex128) float64 {
	d := make([]complex128, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return linalg.Norm2(d)
}
