package verify

import (
	"errors"
	"fmt"
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
	ErrInvalidInput = errors.New("verify: invalid input")
	// ErrGDDiverged reports that a GD iterate overflowed (a non-finite
	// component): the comparison stops at the last finite iterate.
	ErrGDDiverged = errors.New("verify: GD iterate is not finite")
)

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
)

// Settings configures Compare and the order estimators. The zero value
// (and a nil *Settings) means the documented defaults.
type Settings struct {
	// Method integrates the flow; it must be adaptive (have an error
	// estimator). Default ode.DOP853, whose 7th-order dense output keeps
	// the interpolation error at the level of the step error.
	Method *ode.Tableau
	// RTol and ATol are the integration tolerances (defaults DefaultRTol
	// and DefaultATol).
	RTol, ATol float64
	// MaxSteps caps the integrator's attempted steps (default
	// 20000 + 2000·n for n GD steps, at most 1e6: about 200 times what a
	// non-stiff flow needs, so that a flow made stiff by a huge learning
	// rate fails with ode.ErrMaxSteps in seconds instead of grinding). The
	// reference run of the integrator check may take four times as many
	// steps as the main run used, plus four per GD step.
	MaxSteps int
	// Options are passed to modified.New (nil: the flows' defaults).
	Options *modified.Options
	// Build, when non-nil, constructs the flow instead of modified.New;
	// the flow name passed to Compare is then only a label.
	Build Builder
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
	if s.MaxSteps < 0 {
		return fmt.Errorf("%w: MaxSteps = %d is negative", ErrInvalidInput, s.MaxSteps)
	}
	if s.Method != nil && !s.Method.Adaptive() {
		return fmt.Errorf("%w: method %q has no error estimator (Compare needs adaptive step control)", ErrInvalidInput, s.Method.Name)
	}
	return nil
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
	// RTol and ATol are the tolerances used.
	RTol, ATol float64
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
func Compare(p *problems.Problem, flow string, h float64, n int, x0 []float64, s *Settings) (*Result, error) {
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
	gd, gdLoss, gdErr := runGD(p, h, n, x0)
	if len(gd) == 0 {
		return res, gdErr
	}
	if flow == GD && st.Build == nil {
		res.Complex = true
		for k, x := range gd {
			res.Points = append(res.Points, newPoint(p, k, h, toComplex(x), x, gdLoss[k], true))
		}
		res.IntegratorChecked = true
		return res, gdErr
	}
	res.Method, res.RTol, res.ATol = st.Method.Name, st.RTol, st.ATol

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
	states, stats, intErr := integrate(fc, fr, x0, h, len(gd)-1, st.RTol, st.ATol, st.Method, budget, 0)
	res.Stats = stats
	for k, z := range states {
		res.Points = append(res.Points, newPoint(p, k, h, z, gd[k], gdLoss[k], res.Complex))
	}
	for _, pt := range res.Points {
		res.MaxError = math.Max(res.MaxError, pt.Error)
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
		ref, _, err := integrate(fc2, fr2, x0, h, len(states)-1, tight, st.ATol/100, st.Method,
			10*stats.NSteps+refStepsPerGD*n+1000, h/refStepsPerGD)
		if err != nil {
			// The comparison stands; only its error estimate is missing.
			res.IntegratorCheckErr = fmt.Errorf("verify: reference integration of %s at rtol = %v: %w", flow, tight, err)
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

// integrate solves the flow (complex fc or real fr) from x0 and returns the
// states at t = k·h, k = 0..n, as complex vectors (as many as were reached
// when it fails).
func integrate(fc *modified.Flow[complex128], fr *modified.Flow[float64], x0 []float64, h float64, n int,
	rtol, atol float64, m *ode.Tableau, maxSteps int, maxStep float64) ([][]complex128, ode.Stats, error) {
	if n == 0 {
		return [][]complex128{toComplex(x0)}, ode.Stats{}, nil
	}
	tEval := make([]float64, n+1)
	for k := range tEval {
		tEval[k] = float64(k) * h
	}
	if fc != nil {
		if fc.Reset != nil {
			fc.Reset()
		}
		s := fc.Wire(&ode.Settings[complex128]{RTol: rtol, ATol: atol, TEval: tEval, MaxSteps: maxSteps, MaxStep: maxStep})
		sol, err := ode.Solve(fc.F, 0, tEval[n], toComplex(x0), m, s)
		return sol.Y, sol.Stats, err
	}
	if fr.Reset != nil {
		fr.Reset()
	}
	s := fr.Wire(&ode.Settings[float64]{RTol: rtol, ATol: atol, TEval: tEval, MaxSteps: maxSteps, MaxStep: maxStep})
	sol, err := ode.Solve(fr.F, 0, tEval[n], append([]float64(nil), x0...), m, s)
	out := make([][]complex128, len(sol.Y))
	for k, y := range sol.Y {
		out[k] = toComplex(y)
	}
	return out, sol.Stats, err
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
