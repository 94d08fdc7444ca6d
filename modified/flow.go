package modified

import (
	"context"
	"errors"
	"fmt"
	"github.com/pflow-go/pflow"
	"math"
	"slices"
	"sort"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// Sentinel errors shared by every flow constructor.
var (
	// ErrUnknownFlow is returned by New for a name that is not registered.
	ErrUnknownFlow = pflow.Sentinel("modified: unknown flow", pflow.ErrUnknownName)
	// ErrInvalidInput reports an unusable learning rate, problem or start
	// point (non-finite, non-positive, wrong length).
	ErrInvalidInput = pflow.Sentinel("modified: invalid input", pflow.ErrInvalidInput)
)

// Flow is a continuous-time model of gradient descent with learning rate H
// on one problem: the right-hand side θ' = F(θ) of an autonomous ODE, ready
// for ode.Solve and the other integrators of package ode. One unit of flow
// time is one unit of GD "time": GD step n corresponds to t = n·H.
//
// A Flow owns workspaces and, for the principal flow, the branch of the
// logarithm chosen along the trajectory: it is not safe for concurrent use.
// Build one Flow per goroutine.
type Flow[T linalg.Scalar] struct {
	// Name is the registry name of the flow ("ngf", "igr", "pf", …).
	Name string
	// H is the learning rate.
	H float64
	// Dim is the dimension of the state.
	Dim int
	// F is the right-hand side.
	F ode.Func[T]
	// Commit, when non-nil, must be called once after every accepted step
	// with the accepted state: it records state that the flow carries
	// along the trajectory (the branch of the logarithm of the principal
	// flow). Trial evaluations inside a step use the state committed at the
	// previous accepted step, so rejected steps never change it. Wire does
	// this for ode.Solve.
	Commit func(t float64, y []T)
	// Reset, when non-nil, returns the carried state to its initial value
	// before a new trajectory is integrated with the same Flow.
	Reset func()

	linear any // Problem.Linear: the *PF of a principal flow
}

// Problem returns the flow as an ode.Problem: F, and for a principal flow
// the *PF as Linear, which its exponential integrators (ETD4, ETD2,
// ExpEuler) need.
func (f *Flow[T]) Problem() ode.Problem[T] { return ode.Problem[T]{F: f.F, Linear: f.linear} }

// Solve integrates the flow from θ(0) = y0 to t1 with any method of
// package ode (nil means DOP853) and settings s (nil means defaults), after
// Reset, with the carried state committed at accepted steps: through
// Wire, or by the method itself (the exponential integrators commit the
// principal flow's branch at the start of every step). A failed
// evaluation of the principal flow is joined to the integrator's error
// (errors.Is works for both).
func (f *Flow[T]) Solve(ctx context.Context, t1 float64, y0 []T, m ode.Method, s *ode.Settings[T]) (*ode.Solution[T], error) {
	if m == nil {
		m = ode.DOP853
	}
	if len(y0) != f.Dim {
		return nil, fmt.Errorf("%w: len(y0) = %d, want %d", ErrInvalidInput, len(y0), f.Dim)
	}
	if f.Reset != nil {
		f.Reset()
	}
	set := s
	if c, ok := m.(interface{ commitsBranch() bool }); !ok || !c.commitsBranch() {
		set = f.Wire(s)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	sol, err := ode.SolveContext(ctx, f.Problem(), 0, t1, y0, m, set)
	if pf, ok := f.linear.(*PF[T]); ok && err != nil && pf.err != nil && !errors.Is(err, pf.err) {
		err = fmt.Errorf("%w; principal flow: %w", err, pf.err)
	}
	return sol, err
}

// Wire returns a copy of s (nil means defaults) set up to integrate f:
// when f carries state, the copy's Observer calls f.Commit after every
// accepted step (then any Observer already in s) and RefreshFSAL is set,
// so that the first stage of each step is evaluated with the committed
// state.
func (f *Flow[T]) Wire(s *ode.Settings[T]) *ode.Settings[T] {
	var c ode.Settings[T]
	if s != nil {
		c = *s
	}
	if f.Commit == nil {
		return &c
	}
	user := c.Observer
	c.Observer = func(t float64, y []T) bool {
		f.Commit(t, y)
		if user != nil {
			return user(t, y)
		}
		return true
	}
	c.RefreshFSAL = true
	return &c
}

// Backend selects how the principal flow evaluates φ(hH)g.
type Backend int

const (
	// BackendAuto picks BackendConstant for problems with a constant
	// Hessian, BackendDense when the problem has a dense Hessian and its
	// dimension is at most 256 (real flows) or 128 (complex flows), the
	// measured crossover (see BenchmarkPFCrossover), and BackendKrylov
	// otherwise.
	BackendAuto Backend = iota
	// BackendDense decomposes the dense Hessian at every evaluation.
	BackendDense
	// BackendConstant decomposes the Hessian once (quadratics).
	BackendConstant
	// BackendKrylov uses Hessian-vector products only (Lanczos at real
	// points, Arnoldi at complex points).
	BackendKrylov
)

// Options configures a flow. The zero value (and a nil *Options) means the
// documented defaults. Options that do not apply to a flow are ignored.
type Options struct {
	// PrincipalBranch makes the principal flow take the principal branch
	// of log(1 − hλ) at every evaluation, as the authors' released code
	// does. The default continues the branch along the trajectory.
	PrincipalBranch bool
	// Backend selects the principal flow's evaluation of φ(hH)g (default
	// BackendAuto).
	Backend Backend
	// KrylovTol is the relative accuracy asked of the Krylov back-end
	// (default 1e-12).
	KrylovTol float64
	// KrylovMaxIter caps the Krylov subspace dimension (default Dim for
	// problems with a dense Hessian, min(Dim, 200) otherwise: near the
	// pole hλ = 1 the Lanczos error stalls until ~0.4·Dim products).
	KrylovMaxIter int
	// Rational makes the principal flow's Krylov back-end, for a problem
	// with a dense Hessian, switch to the rational Krylov method when
	// Lanczos has not converged after RationalTrial products (the pole
	// hλ = 1 inside the spectrum): the Hessian minus I/h is factorized
	// (linalg.ShiftedLDL; once for a constant Hessian) and φ(hH)g is
	// computed by linalg.RationalFuncTo with σ = 1/h, whose number of
	// products and solves grows much more slowly with the dimension than
	// Lanczos's (docs/benchmarks.md). It applies to the evaluations with a
	// real Hessian (real points, and complex points of a constant Hessian),
	// not to the exponential integrators' own Krylov products. It pays when
	// the dense Hessian is cheap next to ~0.4·Dim Hessian-vector products:
	// on logistic regression, whose Hessian costs about d products,
	// BenchmarkPFRational measured 106 ms against Lanczos's 128 ms per
	// evaluation at d = 300 and 313 against 396 ms at d = 600 (the Hessian
	// and its factorization rebuilt at every evaluation; dense 119 and
	// 585 ms), which is why it is not the default.
	Rational bool
}

// RationalTrial is the number of Lanczos products after which Options.Rational
// switches to the rational Krylov method.
const RationalTrial = 48

type constructor struct {
	desc string
	real func(p *problems.Problem, h float64, o *Options) (*Flow[float64], error)
	cplx func(p *problems.Problem, h float64, o *Options) (*Flow[complex128], error)
}

var registry = map[string]constructor{}

// register adds a flow to the registry; it is called from init functions
// with the two instantiations of a generic constructor.
func register(name, desc string,
	r func(p *problems.Problem, h float64, o *Options) (*Flow[float64], error),
	c func(p *problems.Problem, h float64, o *Options) (*Flow[complex128], error)) {
	if _, dup := registry[name]; dup {
		panic("modified: flow registered twice: " + name)
	}
	registry[name] = constructor{desc: desc, real: r, cplx: c}
}

// Names returns the registered flow names in sorted order.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Describe returns the one-line description of a registered flow.
func Describe(name string) (string, error) {
	c, ok := registry[name]
	if !ok {
		return "", fmt.Errorf("%w: %q (known: %v)", ErrUnknownFlow, name, Names())
	}
	return c.desc, nil
}

// New builds the named flow of GD with learning rate h on problem p, with
// state type T. For T = complex128 the problem must be holomorphic
// (problems.ErrNotHolomorphic otherwise). o may be nil.
func New[T linalg.Scalar](name string, p *problems.Problem, h float64, o *Options) (*Flow[T], error) {
	c, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q (known: %v)", ErrUnknownFlow, name, Names())
	}
	if err := checkInput(p, h); err != nil {
		return nil, err
	}
	if o == nil {
		o = &Options{}
	}
	var f any
	var err error
	switch any(*new(T)).(type) {
	case float64:
		f, err = c.real(p, h, o)
	case complex128:
		if _, herr := p.ComplexFuncs(); herr != nil {
			return nil, herr
		}
		f, err = c.cplx(p, h, o)
	}
	if err != nil {
		return nil, err
	}
	return f.(*Flow[T]), nil
}

func checkInput(p *problems.Problem, h float64) error {
	if p == nil {
		return fmt.Errorf("%w: nil problem", ErrInvalidInput)
	}
	if p.Dim <= 0 {
		return fmt.Errorf("%w: problem %s has dimension %d", ErrInvalidInput, p.Name, p.Dim)
	}
	if math.IsNaN(h) || math.IsInf(h, 0) || h <= 0 {
		return fmt.Errorf("%w: learning rate %v must be positive and finite", ErrInvalidInput, h)
	}
	return nil
}

// CheckStart reports an error wrapping ErrInvalidInput when x0 does not
// have the problem's dimension or holds a NaN or an infinity.
func CheckStart[T linalg.Scalar](p *problems.Problem, x0 []T) error {
	if len(x0) != p.Dim {
		return fmt.Errorf("%w: start point has length %d, problem %s has dimension %d",
			ErrInvalidInput, len(x0), p.Name, p.Dim)
	}
	if i := slices.IndexFunc(x0, func(v T) bool { return !linalg.IsFinite(v) }); i >= 0 {
		return fmt.Errorf("%w: start point component %d is %v", ErrInvalidInput, i, x0[i])
	}
	return nil
}
