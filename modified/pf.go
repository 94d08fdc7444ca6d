package modified

import (
	"context"
	"errors"
	"fmt"
	"github.com/pflow-go/pflow"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/floats"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// ErrComplexFlow is returned (wrapped) when a float64 principal flow meets
// an eigenvalue with hλ > 1: there log(1 − hλ) is complex and the flow
// leaves ℝ^D, so it must be integrated in complex128.
var ErrComplexFlow = pflow.Sentinel("modified: principal flow leaves the real space (hλ > 1): use complex128", pflow.ErrUnsupported)

// ErrPFEval reports that the principal flow could not be evaluated at a
// point (non-finite gradient or Hessian, eigendecomposition or Krylov
// failure). It wraps the underlying cause, for example linalg.ErrDefective.
var ErrPFEval = pflow.Sentinel("modified: principal flow evaluation failed", pflow.ErrNonFinite)

// PoleFloor and PoleTol define the principal flow at the pole hλ = 1.
// There the rate log(1 − hλ)/h is −∞ (GD lands on the minimiser of that
// direction in one step). When |1 − hλ| ≤ PoleTol the flow uses
// 1 − hλ := PoleFloor (real, positive): the rate is the finite
// log(PoleFloor)/h ≈ −36.04/h, and the component shrinks by PoleFloor = 2⁻⁵²
// per unit of GD time, below the rounding error of the GD iterate itself.
// PoleTol (2⁻⁴⁴ ≈ 5.7e−14, 256 ulp of 1) absorbs the rounding of computed
// eigenvalues and Ritz values, so that a computed hλ = 1 ± a few ulp does
// not switch between a real rate and one that rotates by ±iπ/h; the flow
// then differs from GD by at most PoleTol times that component per step.
// The exponential integrators (ExpMethod: ETD4, ETD2, ExpEuler) apply the
// factor exactly.
const (
	PoleFloor = 0x1p-52
	PoleTol   = 0x1p-44
)

// pfKind selects the variant of the principal flow.
type pfKind int

const (
	pfPlain pfKind = iota // φ(hH)g
	pfNP                  // φ(hH)g − (h²/12)D³E[g,g]
	pfRe                  // Re φ(hH) g (diagnostic)
)

func init() {
	register("pf", "principal flow θ' = φ(hH)∇E, φ(z) = log(1−z)/z (Rosca et al., TMLR 2023)",
		newPFFlow[float64](pfPlain), newPFFlow[complex128](pfPlain))
	register("pf+np", "principal flow plus non-principal term: φ(hH)∇E − (h²/12)D³E[∇E,∇E]",
		newPFFlow[float64](pfNP), newPFFlow[complex128](pfNP))
	register("pf-re", "diagnostic, not from the paper: real part of the stability coefficients, Re φ(hH)∇E",
		newPFFlow[float64](pfRe), newPFFlow[complex128](pfRe))
}

func newPFFlow[T linalg.Scalar](k pfKind) func(p *problems.Problem, h float64, o *Options) (*Flow[T], error) {
	return func(p *problems.Problem, h float64, o *Options) (*Flow[T], error) {
		pf, err := newPF[T](p, h, o, k)
		if err != nil {
			return nil, err
		}
		return pf.Flow(), nil
	}
}

// PF is the principal flow of gradient descent with learning rate h on a
// problem (Rosca, Wu, Qin, Dherin, "On a continuous time model of gradient
// descent dynamics and instability in deep learning", TMLR 2023):
//
//	θ' = φ(hH)g = Σ_i φ(hλ_i)(u_iᵀg)u_i,   φ(z) = log(1 − z)/z,
//
// with g = ∇E(θ), H = ∇²E(θ) = Σ λ_i u_i u_iᵀ. One unit of flow time is one
// unit of GD time (GD step n ↔ t = nh). Build one with NewPF, or through
// the registry (New with the names "pf", "pf+np", "pf-re").
//
// # Variants
//
// NewPF builds φ(hH)g; NewPFNP adds the non-principal term of order h²,
// θ' = φ(hH)g − (h²/12)D³E[g,g] (the authors' include_higher_order), which
// matches backward error analysis through O(h²); NewPFRe is a diagnostic
// that is not in the paper: θ' = Re(φ)(hH)g, the real part of the
// stability coefficients with the same eigenvectors, a real flow that
// keeps the decay rates and drops the rotation of the directions with
// hλ > 1.
//
// # Back-ends
//
// The dense back-end decomposes the Hessian at every evaluation: at a real
// θ (every component with zero imaginary part) by the real symmetric
// eigensolver (linalg.SymEig, LAPACK DSYEV), at a complex θ by the complex
// symmetric one (linalg.CEig.FactorizeSymmetric, eigenvectors with
// uᵀu = 1), and applies the matrix function V φ(hΛ) V⁻¹ g, which is right
// for complex symmetric H. The constant back-end (problems with
// ConstantHessian) decomposes once. The Krylov back-end needs only
// Hessian-vector products: the Lanczos approximation of φ(hH)g at real θ
// (linalg.Krylov.LanczosFuncTo) and the complex symmetric Lanczos one at
// complex θ, where H is complex symmetric (linalg.Krylov.ComplexSymFuncTo
// with full rebiorthogonalization, which falls back to Arnoldi on a
// breakdown; for a constant real Hessian two real Lanczos runs on Re g and
// Im g, which keep the Ritz values real and so the branch of log(1 − hλ)
// consistent), to the relative accuracy Options.KrylovTol, with one
// workspace reused by every evaluation, so that evaluations after the
// first allocate nothing. Its value carries errors of order KrylovTol·‖F‖
// that vary from point to point, and a direction whose share of g is below
// about 1e-13 is not seen at all: with an adaptive Runge–Kutta method keep
// the absolute tolerance above KrylovTol·‖F‖ (a stiff direction that
// Lanczos stops seeing can otherwise be amplified by the explicit method),
// or use an exponential integrator (ExpMethod).
//
// # Real and complex flows
//
// For hλ > 1 the logarithm is complex and the flow leaves ℝ^D: a PF[float64]
// (pf and pf+np) is defined only while every hλ ≤ 1 and fails with
// ErrComplexFlow otherwise. PF[complex128] needs the holomorphic extension
// of the loss (problems.ErrNotHolomorphic otherwise).
//
// # Branch of the logarithm
//
// On a non-quadratic loss with hλ > 1 the state becomes complex, 1 − hλ
// wanders around the negative real axis and the principal logarithm jumps
// between +iπ and −iπ. By default a PF[complex128] continues the branch
// along the trajectory: per eigendirection it takes the value of
// log(1 − hλ) closest to the one committed at the last accepted step.
// Eigendirections are matched between the committed point and the current
// one by eigenvector overlap |ūᵀw|/(‖u‖‖w‖) (the largest wins); when no
// committed vector has overlap ≥ 1/√2 with the current one (a cluster of
// nearly equal eigenvalues mixes its eigenvectors) the committed direction
// with the nearest eigenvalue is used. The Krylov back-end, which has no
// eigenvectors, matches each Ritz value to the nearest committed Ritz
// value. Options.PrincipalBranch takes the principal branch at every
// evaluation instead (the authors' code does); its right-hand side then
// jumps where Im(1 − hλ) changes sign with Re(1 − hλ) < 0, and adaptive
// integrators stall at the jump (ode.ErrMaxSteps): integrate it with fixed
// steps, as the authors do.
//
// The branch state changes only in Commit, which integrators call after an
// accepted step (Flow.Wire arranges it for ode.Solve); trial evaluations
// inside a step use the committed state, so rejected steps cannot corrupt
// it. The first evaluation after construction or Reset fixes the initial
// state at the principal branch (integrators evaluate the start point
// first). The branch can only be followed if 1 − hλ turns by less than π
// around 0 between accepted steps: keep the step size moderate when the
// state spirals (the default error control does).
//
// # The pole hλ = 1
//
// See PoleFloor: the rate is clamped to the finite log(PoleFloor)/h.
//
// # Errors
//
// ode.Func has no error return: when an evaluation fails, F writes NaN into
// its output (so that integrators stop with ode.ErrNonFinite) and records
// the error, which Err returns. PF.Solve joins it to the integrator's
// error.
//
// A PF owns workspaces and branch state: it is not safe for concurrent use.
type PF[T linalg.Scalar] struct {
	p       *problems.Problem
	h       float64
	n       int
	kind    pfKind
	backend Backend
	branch  bool // continue the branch (complex flows, non-constant back-ends)
	ktol    float64
	kmax    int

	rf *problems.Funcs[float64]
	cf *problems.Funcs[complex128] // nil for float64 flows

	// workspaces
	yr, gr, d3r   []float64
	gc, outc, d3c []complex128
	hr            []float64 // n×n real Hessian
	hc            []complex128
	sym           linalg.SymEig
	ce            linalg.CEig
	cplxDec       bool // the current decomposition is complex (ce), else real (sym)
	lam           []complex128
	lg            []complex128 // continued logarithms of the current evaluation
	d             []complex128 // diagonal φ values
	vt            []complex128 // normalised eigenvectors of the current decomposition, row k = vector k
	vtOK          bool
	phiR          func(float64) float64

	// branch state committed at the last accepted step
	committed bool
	cvt       []complex128 // n×n, row k = normalised committed eigenvector k
	clam, clg []complex128
	cmaxIm    float64 // max |Im clg|

	// Krylov Ritz state: committed Ritz values and logs; recording buffer
	kz, kl    []complex128
	rz, rl    []complex128
	recording bool
	kreal     bool // float64 Krylov evaluation
	kbad      float64
	lanF      func(float64) complex128
	arnF      func(complex128) complex128
	hvR       linalg.SymOperator
	hvC       linalg.COperator
	kyr       []float64
	kyc       []complex128
	kset      linalg.KrylovSettings
	kgr       []float64
	kw        linalg.Krylov // reused by every Krylov evaluation
	kout      []complex128

	// Options.Rational: the factorization of H(ldlY) − I/h and the dense
	// Hessian it came from (hr), for the rational Krylov method.
	rational bool
	ldl      linalg.ShiftedLDL
	ldlOK    bool
	ldlY     []float64
	mulH     linalg.SymOperator

	// cache of the value at the committed point
	cacheY, cacheF []T
	cacheOK        bool
	noCache        bool // the exponential integrator needs every decomposition

	err  error
	flow *Flow[T]
}

// NewPF returns the principal flow θ' = φ(hH)∇E of GD with learning rate h
// on p (o may be nil; see Options for the back-end and the branch).
func NewPF[T linalg.Scalar](p *problems.Problem, h float64, o *Options) (*PF[T], error) {
	return newPF[T](p, h, o, pfPlain)
}

// NewPFNP returns the principal flow with the non-principal correction,
// θ' = φ(hH)g − (h²/12)D³E[g,g] (matches backward error analysis of GD
// through O(h²); Rosca et al., TMLR 2023, the authors' include_higher_order).
func NewPFNP[T linalg.Scalar](p *problems.Problem, h float64, o *Options) (*PF[T], error) {
	return newPF[T](p, h, o, pfNP)
}

// NewPFRe returns the real-part principal flow θ' = Re(φ)(hH)g, a diagnostic
// variant that is NOT from the paper: the decay rates Re log(1 − hλ)/(hλ)
// of the principal flow without the rotation of the directions with hλ > 1.
// It is real at real θ for every h.
func NewPFRe[T linalg.Scalar](p *problems.Problem, h float64, o *Options) (*PF[T], error) {
	return newPF[T](p, h, o, pfRe)
}

func newPF[T linalg.Scalar](p *problems.Problem, h float64, o *Options, kind pfKind) (*PF[T], error) {
	if err := checkInput(p, h); err != nil {
		return nil, err
	}
	if o == nil {
		o = &Options{}
	}
	n := p.Dim
	pf := &PF[T]{p: p, h: h, n: n, kind: kind, rf: &p.Real, ktol: o.KrylovTol, kmax: o.KrylovMaxIter}
	if pf.ktol == 0 {
		pf.ktol = 1e-12
	}
	if math.IsNaN(pf.ktol) || pf.ktol < 0 || pf.ktol >= 1 {
		return nil, fmt.Errorf("%w: KrylovTol = %v must be in (0, 1)", ErrInvalidInput, o.KrylovTol)
	}
	if pf.kmax < 0 {
		return nil, fmt.Errorf("%w: KrylovMaxIter = %d must be non-negative", ErrInvalidInput, o.KrylovMaxIter)
	}
	if pf.kmax == 0 {
		pf.kmax = min(n, 200)
		if pf.rf.Hess != nil {
			// A problem with a dense Hessian that BackendAuto hands to
			// Krylov (above the dense crossover): near the pole at
			// hλ = 1 Lanczos needs ~0.4·n products (407 at n = 1000),
			// so allow the full dimension, where it is exact.
			pf.kmax = n
		}
	}
	_, isC := any(*new(T)).(complex128)
	if isC {
		c, err := p.ComplexFuncs()
		if err != nil {
			return nil, err
		}
		pf.cf = c
	}
	if pf.rf.Grad == nil || pf.rf.HessVec == nil || (isC && (pf.cf.Grad == nil || pf.cf.HessVec == nil)) {
		return nil, fmt.Errorf("%w: problem %s lacks a gradient or Hessian-vector product", ErrInvalidInput, p.Name)
	}
	if kind == pfNP && !p.ConstantHessian && (pf.rf.D3 == nil || (isC && pf.cf.D3 == nil)) {
		return nil, fmt.Errorf("%w: pf+np needs D³E, which problem %s lacks", ErrInvalidInput, p.Name)
	}
	pf.backend = o.Backend
	switch pf.backend {
	case BackendAuto:
		switch {
		case p.ConstantHessian && pf.rf.Hess != nil:
			pf.backend = BackendConstant
		case pf.rf.Hess != nil && (!isC || pf.cf.Hess != nil) && n <= pfAutoDenseMax(isC):
			pf.backend = BackendDense
		default:
			pf.backend = BackendKrylov
		}
	case BackendDense:
		if pf.rf.Hess == nil || (isC && pf.cf.Hess == nil) {
			return nil, fmt.Errorf("%w: problem %s has no dense Hessian: use BackendKrylov", ErrInvalidInput, p.Name)
		}
	case BackendConstant:
		if !p.ConstantHessian {
			return nil, fmt.Errorf("%w: BackendConstant needs a constant Hessian; problem %s has none", ErrInvalidInput, p.Name)
		}
		if pf.rf.Hess == nil {
			return nil, fmt.Errorf("%w: problem %s has no dense Hessian: use BackendKrylov", ErrInvalidInput, p.Name)
		}
	case BackendKrylov:
	default:
		return nil, fmt.Errorf("%w: unknown back-end %d", ErrInvalidInput, o.Backend)
	}
	if o.Rational {
		if pf.backend != BackendKrylov || pf.rf.Hess == nil {
			return nil, fmt.Errorf("%w: Options.Rational needs the Krylov back-end and a problem with a dense Hessian (problem %s, back-end %d)", ErrInvalidInput, p.Name, pf.backend)
		}
		pf.rational = true
	}
	pf.branch = isC && !o.PrincipalBranch && pf.backend != BackendConstant
	pf.alloc(isC)
	pf.phiR = pf.realPhi
	if pf.backend == BackendConstant {
		clear(pf.yr)
		pf.rf.Hess(pf.hr, pf.yr)
		if err := pf.sym.Factorize(pf.hr, n); err != nil {
			return nil, fmt.Errorf("%w: constant Hessian: %w", ErrPFEval, err)
		}
		if !isC && kind != pfRe {
			if l := pf.sym.Values()[n-1]; h*l > 1 && math.Abs(1-h*l) > PoleTol {
				return nil, fmt.Errorf("%w: hλ_max = %v", ErrComplexFlow, h*l)
			}
		}
	}
	if pf.backend == BackendKrylov {
		pf.setupKrylov()
	}
	pf.flow = &Flow[T]{Name: pf.name(), H: h, Dim: n, F: pf.rhs(), Reset: pf.Reset, linear: pf}
	if pf.branch {
		pf.flow.Commit = pf.Commit
	}
	return pf, nil
}

func (pf *PF[T]) name() string {
	switch pf.kind {
	case pfNP:
		return "pf+np"
	case pfRe:
		return "pf-re"
	}
	return "pf"
}

func (pf *PF[T]) alloc(isC bool) {
	n := pf.n
	pf.yr, pf.gr = make([]float64, n), make([]float64, n)
	pf.lam, pf.lg, pf.d = make([]complex128, n), make([]complex128, n), make([]complex128, n)
	if pf.backend != BackendKrylov {
		pf.hr = make([]float64, n*n)
	}
	if pf.kind == pfNP {
		pf.d3r = make([]float64, n)
	}
	if isC {
		pf.gc, pf.outc = make([]complex128, n), make([]complex128, n)
		if pf.kind == pfNP {
			pf.d3c = make([]complex128, n)
		}
		if pf.backend == BackendDense {
			pf.hc = make([]complex128, n*n)
		}
		if pf.branch && pf.backend != BackendKrylov {
			pf.vt, pf.cvt = make([]complex128, n*n), make([]complex128, n*n)
			pf.clam, pf.clg = make([]complex128, n), make([]complex128, n)
		}
	}
	pf.cacheY, pf.cacheF = make([]T, n), make([]T, n)
}

// Flow returns the Flow view of pf for the ode integrators (its F, Commit
// and Reset are pf's).
func (pf *PF[T]) Flow() *Flow[T] { return pf.flow }

// H returns the learning rate.
func (pf *PF[T]) H() float64 { return pf.h }

// Backend returns the back-end in use (never BackendAuto).
func (pf *PF[T]) Backend() Backend { return pf.backend }

// pfAutoDenseMax returns the largest dimension for which BackendAuto picks
// the dense back-end (for a problem with a dense, non-constant Hessian):
// 256 for a real flow, 128 for a complex one, whose dense evaluations at
// complex points use the complex symmetric eigensolver (several times the
// cost of the real one). Measured by BenchmarkPFCrossover (logistic
// regression, hλ_max = 1.5, 2 cores): per evaluation at real points dense
// 68 ms vs Krylov 83 ms at d = 200 and 451 ms vs 120 ms at d = 400; at
// complex points 45 ms vs 88 ms at d = 100 and 285 ms vs 144 ms at
// d = 200. The crossover depends on the cost of the Hessian-vector product
// and on the spectrum; set Options.Backend to override it.
func pfAutoDenseMax(complexFlow bool) int {
	if complexFlow {
		return 128
	}
	return 256
}

// Err returns the error of the last failed evaluation since construction
// or Reset, or nil. A failure at a trial point that the integrator later
// avoided by shrinking the step still shows here; PF.Solve reports it only
// when the integration failed.
func (pf *PF[T]) Err() error { return pf.err }

// Reset forgets the branch state and the recorded error, so that the next
// evaluation starts a new trajectory.
func (pf *PF[T]) Reset() {
	pf.committed, pf.cacheOK, pf.err = false, false, nil
	pf.kz, pf.kl = pf.kz[:0], pf.kl[:0]
}

// Eval writes θ' = F(θ) into dst and returns the error of the evaluation
// (F writes NaN and records the error instead). It uses the committed
// branch state and does not change it, except that the first evaluation
// after construction or Reset commits θ as the start of the trajectory.
func (pf *PF[T]) Eval(dst, theta []T) error {
	if len(dst) != pf.n || len(theta) != pf.n {
		panic("modified: PF.Eval: slice length mismatch")
	}
	return pf.eval(dst, theta, false)
}

// Commit records the branch of the logarithm at the accepted state y (call
// it once after every accepted step; Flow.Wire does it for ode.Solve). It
// is a no-op for flows without branch state. A failed evaluation leaves
// the committed state unchanged and is recorded (Err).
func (pf *PF[T]) Commit(t float64, y []T) {
	if !pf.branch {
		return
	}
	if err := pf.eval(pf.cacheF, y, true); err != nil {
		pf.cacheOK = false
		return
	}
	copy(pf.cacheY, y)
	pf.cacheOK = true
}

func (pf *PF[T]) rhs() ode.Func[T] {
	f := func(dydt []T, _ float64, y []T) {
		if len(dydt) != pf.n || len(y) != pf.n {
			panic("modified: principal flow: slice length mismatch")
		}
		_ = pf.eval(dydt, y, false)
	}
	return f
}

func (pf *PF[T]) fail(dst []T, err error) error {
	nan := linalg.FromFloat[T](math.NaN())
	for i := range dst {
		dst[i] = nan
	}
	if !errors.Is(err, ErrComplexFlow) && !errors.Is(err, ErrPFEval) {
		err = fmt.Errorf("%w: %w", ErrPFEval, err)
	}
	pf.err = err
	return err
}

// eval computes F(y) into dst; with commit it also records the branch
// state at y.
func (pf *PF[T]) eval(dst, y []T, commit bool) error {
	if pf.branch && !pf.committed {
		commit = true // the first point starts the trajectory
	}
	if !commit && !pf.noCache && pf.cacheOK && pf.committed && equalVec(y, pf.cacheY) {
		copy(dst, pf.cacheF)
		return nil
	}
	var err error
	switch d := any(dst).(type) {
	case []float64:
		err = pf.evalReal(d, any(y).([]float64))
	case []complex128:
		err = pf.evalCplx(d, any(y).([]complex128), commit)
	}
	if err != nil {
		return pf.fail(dst, err)
	}
	return nil
}

func equalVec[T linalg.Scalar](a, b []T) bool {
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}

// atPole reports whether |1 − z| ≤ PoleTol.
func atPole(z complex128) bool {
	return cmplx.Abs(complex(1-real(z), -imag(z))) <= PoleTol
}

// clampLog returns log(1 − z) on the principal branch with |1 − z|
// floored at PoleFloor (see PoleFloor).
func clampLog(z complex128) complex128 {
	if atPole(z) {
		return complex(math.Log(PoleFloor), 0)
	}
	return linalg.Log1mz(z)
}

// phiOfLog returns φ = l/z for a branch l of log(1 − z) that differs from
// the principal (clamped) value by 2πik, keeping full accuracy near z = 0.
func phiOfLog(z, l complex128, k float64) complex128 {
	if atPole(z) {
		return l / z
	}
	if k == 0 {
		return linalg.Phi(z)
	}
	if z == 0 {
		return cmplx.Inf()
	}
	return linalg.Phi(z) + complex(0, 2*math.Pi*k)/z
}

// realPhi is φ(hλ) for the real flows: clamped at the pole; for pf-re it is
// Re φ, defined for every hλ.
func (pf *PF[T]) realPhi(l float64) float64 {
	z := pf.h * l
	if math.Abs(1-z) <= PoleTol {
		return math.Log(PoleFloor) / z
	}
	if z > 1 {
		if pf.kind == pfRe {
			return math.Log(z-1) / z
		}
		pf.kbad = math.Max(pf.kbad, z)
		return math.NaN()
	}
	return linalg.PhiReal(z)
}

// evalReal is the float64 flow.
func (pf *PF[T]) evalReal(dst, y []float64) error {
	rf := pf.rf
	if i := firstNonFinite(y); i >= 0 {
		return fmt.Errorf("%w: θ[%d] = %v", ErrInvalidInput, i, y[i])
	}
	rf.Grad(pf.gr, y)
	if i := firstNonFinite(pf.gr); i >= 0 {
		return fmt.Errorf("gradient component %d is %v", i, pf.gr[i])
	}
	pf.kbad = 0
	switch pf.backend {
	case BackendConstant, BackendDense:
		if pf.backend == BackendDense {
			rf.Hess(pf.hr, y)
			if err := pf.sym.Factorize(pf.hr, pf.n); err != nil {
				return fmt.Errorf("Hessian eigendecomposition: %w", err)
			}
		}
		pf.sym.ApplyFunc(dst, pf.gr, pf.phiR)
	case BackendKrylov:
		copy(pf.kyr, y)
		pf.kreal = true
		_, err := pf.symPhi(pf.outc, pf.gr)
		if err != nil && pf.kbad == 0 {
			return fmt.Errorf("Krylov φ(hH)g: %w", err)
		}
		for i, v := range pf.outc {
			dst[i] = real(v)
		}
	}
	if pf.kbad > 0 {
		return fmt.Errorf("%w: hλ = %v", ErrComplexFlow, pf.kbad)
	}
	if pf.kind == pfNP && !pf.p.ConstantHessian {
		rf.D3(pf.d3r, y, pf.gr, pf.gr)
		floats.AddScaled(dst, -pf.h*pf.h/12, pf.d3r)
	}
	if i := firstNonFinite(dst); i >= 0 {
		return fmt.Errorf("flow component %d is %v", i, dst[i])
	}
	return nil
}

func isRealVec(y []complex128) bool {
	for _, v := range y {
		if imag(v) != 0 {
			return false
		}
	}
	return true
}

// evalCplx is the complex128 flow.
func (pf *PF[T]) evalCplx(dst, y []complex128, commit bool) error {
	cf := pf.cf
	if i := firstNonFinite(y); i >= 0 {
		return fmt.Errorf("%w: θ[%d] = %v", ErrInvalidInput, i, y[i])
	}
	cf.Grad(pf.gc, y)
	if i := firstNonFinite(pf.gc); i >= 0 {
		return fmt.Errorf("gradient component %d is %v", i, pf.gc[i])
	}
	if pf.backend == BackendKrylov {
		if err := pf.krylovC(dst, y, commit); err != nil {
			return err
		}
	} else {
		if err := pf.decompose(y); err != nil {
			return err
		}
		pf.chooseBranches()
		for i, z := range pf.lam {
			phi := pf.d[i]
			if pf.kind == pfRe {
				phi = complex(real(phi), 0)
			}
			pf.d[i] = phi
			if !linalg.IsFinite(phi) {
				return fmt.Errorf("φ(hλ) is not finite at hλ = %v (branch %v)", complex(pf.h, 0)*z, pf.lg[i])
			}
		}
		if pf.cplxDec {
			pf.ce.ApplyDiag(dst, pf.gc, pf.d)
		} else {
			pf.sym.ApplyDiagC(dst, pf.gc, pf.d)
		}
		if commit {
			pf.commitDense()
		}
	}
	if pf.kind == pfNP && !pf.p.ConstantHessian {
		cf.D3(pf.d3c, y, pf.gc, pf.gc)
		linalg.Axpy(dst, complex(-pf.h*pf.h/12, 0), pf.d3c)
	}
	if i := firstNonFinite(dst); i >= 0 {
		return fmt.Errorf("flow component %d is %v", i, dst[i])
	}
	return nil
}

// decompose computes the eigendecomposition of H(y) (or reuses the
// constant one) into sym or ce and the eigenvalues into lam.
func (pf *PF[T]) decompose(y []complex128) error {
	n := pf.n
	pf.vtOK = false
	if pf.backend == BackendConstant {
		pf.useSymValues()
		return nil
	}
	if isRealVec(y) {
		for i, v := range y {
			pf.yr[i] = real(v)
		}
		pf.rf.Hess(pf.hr, pf.yr)
		if i := firstNonFinite(pf.hr); i >= 0 {
			return fmt.Errorf("Hessian entry (%d, %d) is %v", i/n, i%n, pf.hr[i])
		}
		return pf.decomposeReal()
	}
	pf.cf.Hess(pf.hc, y)
	if i := firstNonFinite(pf.hc); i >= 0 {
		return fmt.Errorf("Hessian entry (%d, %d) is %v", i/n, i%n, pf.hc[i])
	}
	if isRealVec(pf.hc) {
		// A real Hessian at a complex point (quadratics): the real
		// symmetric solver is faster and keeps the eigenvalues real.
		for i, v := range pf.hc {
			pf.hr[i] = real(v)
		}
		return pf.decomposeReal()
	}
	if err := pf.ce.FactorizeSymmetric(pf.hc, n); err != nil {
		return fmt.Errorf("complex symmetric Hessian eigendecomposition: %w", err)
	}
	pf.cplxDec = true
	copy(pf.lam, pf.ce.Values())
	return nil
}

// decomposeReal computes the eigendecomposition of the real symmetric
// Hessian in hr into sym and the eigenvalues into lam.
func (pf *PF[T]) decomposeReal() error {
	if err := pf.sym.Factorize(pf.hr, pf.n); err != nil {
		return fmt.Errorf("Hessian eigendecomposition: %w", err)
	}
	pf.useSymValues()
	return nil
}

// useSymValues selects the real decomposition in sym and copies its
// eigenvalues into lam.
func (pf *PF[T]) useSymValues() {
	pf.cplxDec = false
	for i, l := range pf.sym.Values() {
		pf.lam[i] = complex(l, 0)
	}
}

// fillVT writes the current eigenvectors, normalised to unit 2-norm, as the
// rows of vt.
func (pf *PF[T]) fillVT() {
	if pf.vtOK {
		return
	}
	n := pf.n
	if pf.cplxDec {
		v := pf.ce.Vectors()
		for k := 0; k < n; k++ {
			row := pf.vt[k*n : k*n+n]
			var s float64
			for i := 0; i < n; i++ {
				x := v[i*n+k]
				row[i] = x
				s += real(x)*real(x) + imag(x)*imag(x)
			}
			linalg.Scale(complex(1/math.Sqrt(s), 0), row)
		}
	} else {
		v := pf.sym.Vectors()
		for k := 0; k < n; k++ {
			for i := 0; i < n; i++ {
				pf.vt[k*n+i] = complex(v[i*n+k], 0)
			}
		}
	}
	pf.vtOK = true
}

// chooseBranches computes lg (the logarithms) and d (φ) for the current
// eigenvalues, continuing the committed branches when enabled.
func (pf *PF[T]) chooseBranches() {
	useRef := pf.branch && pf.committed
	for i, l := range pf.lam {
		z := complex(pf.h, 0) * l
		lg := clampLog(z)
		k := 0.0
		if useRef && math.Abs(imag(lg))+pf.cmaxIm >= math.Pi {
			j := pf.match(i)
			k = math.Round((imag(pf.clg[j]) - imag(lg)) / (2 * math.Pi))
			lg += complex(0, 2*math.Pi*k)
		}
		pf.lg[i] = lg
		pf.d[i] = phiOfLog(z, lg, k)
	}
}

// match returns the committed direction matched to current direction i:
// the largest eigenvector overlap, or the nearest eigenvalue when no
// overlap reaches 1/√2.
func (pf *PF[T]) match(i int) int {
	n := pf.n
	if n == 1 {
		return 0
	}
	pf.fillVT()
	u := pf.vt[i*n : i*n+n]
	best, bj := -1.0, 0
	for j := 0; j < n; j++ {
		o := cmplx.Abs(linalg.DotC(pf.cvt[j*n:j*n+n], u))
		if o > best {
			best, bj = o, j
		}
	}
	if best >= 1/math.Sqrt2 {
		return bj
	}
	dmin := math.Inf(1)
	for j, c := range pf.clam {
		if d := cmplx.Abs(c - pf.lam[i]); d < dmin {
			dmin, bj = d, j
		}
	}
	return bj
}

func (pf *PF[T]) commitDense() {
	if !pf.branch {
		return
	}
	pf.fillVT()
	copy(pf.cvt, pf.vt)
	copy(pf.clam, pf.lam)
	copy(pf.clg, pf.lg)
	pf.cmaxIm = 0
	for _, l := range pf.clg {
		pf.cmaxIm = math.Max(pf.cmaxIm, math.Abs(imag(l)))
	}
	pf.committed = true
}

// setupKrylov builds the operators and the φ closures of the Krylov
// back-end once.
func (pf *PF[T]) setupKrylov() {
	n := pf.n
	pf.kyr, pf.kgr = make([]float64, n), make([]float64, n)
	// Reorth: full rebiorthogonalization of the complex symmetric Lanczos
	// basis saves products (62 instead of 68 on the d = 2103 MLP at a
	// complex point) and, Hessian-vector products being the dominant cost,
	// time as well.
	pf.kset = linalg.KrylovSettings{Tol: pf.ktol, MaxIter: pf.kmax, Reorth: true}
	pf.hvR = func(dst, x []float64) { pf.rf.HessVec(dst, pf.kyr, x) }
	if pf.outc == nil {
		pf.outc = make([]complex128, n)
	}
	if pf.cf != nil {
		pf.kyc, pf.kout = make([]complex128, n), make([]complex128, n)
		pf.hvC = func(dst, x []complex128) { pf.cf.HessVec(dst, pf.kyc, x) }
	}
	pf.lanF = func(l float64) complex128 { return pf.krylovPhi(complex(l, 0)) }
	pf.arnF = pf.krylovPhi
}

// krylovLog returns log(1 − hz) at a Ritz value z: clamped at the pole,
// continued from the nearest committed Ritz value when branch
// continuation is on; k is the branch shift in units of 2πi.
func (pf *PF[T]) krylovLog(l complex128) complex128 {
	lg, _ := pf.krylovLogK(l)
	return lg
}

func (pf *PF[T]) krylovLogK(l complex128) (complex128, float64) {
	z := complex(pf.h, 0) * l
	lg := clampLog(z)
	k := 0.0
	if pf.branch && pf.committed && len(pf.kz) > 0 {
		dmin, j := math.Inf(1), 0
		for jj, c := range pf.kz {
			if d := cmplx.Abs(c - l); d < dmin {
				dmin, j = d, jj
			}
		}
		k = math.Round((imag(pf.kl[j]) - imag(lg)) / (2 * math.Pi))
		lg += complex(0, 2*math.Pi*k)
	}
	return lg, k
}

// krylovPhi is φ(hz) at a Ritz value z on the branch of krylovLog,
// recorded while committing.
func (pf *PF[T]) krylovPhi(l complex128) complex128 {
	z := complex(pf.h, 0) * l
	lg, k := pf.krylovLogK(l)
	if pf.recording {
		pf.rz = append(pf.rz, l)
		pf.rl = append(pf.rl, lg)
	}
	phi := phiOfLog(z, lg, k)
	if pf.kreal && pf.kind != pfRe && imag(l) == 0 && real(z) > 1 && !atPole(z) {
		pf.kbad = math.Max(pf.kbad, real(z))
	}
	if pf.kind == pfRe {
		phi = complex(real(phi), 0)
	}
	return phi
}

// symPhi sets dst = φ(hH)g for the real Hessian H at kyr (Hessian-vector
// products pf.hvR) by Lanczos; with Options.Rational, when Lanczos has not
// converged after RationalTrial products, by the rational Krylov method
// with σ = 1/h on the factorized dense Hessian. The Ritz values of the run
// that returns are recorded last, as the branch state expects.
func (pf *PF[T]) symPhi(dst []complex128, g []float64) (linalg.KrylovStats, error) {
	if !pf.rational {
		return pf.kw.LanczosFuncTo(dst, pf.hvR, g, pf.lanF, &pf.kset)
	}
	var st linalg.KrylovStats
	// A constant Hessian whose trial failed once fails every time: its
	// factorization is kept and the trial skipped.
	if !(pf.p.ConstantHessian && pf.ldlOK) {
		trial := pf.kset
		trial.MaxIter = min(trial.MaxIter, RationalTrial)
		var err error
		st, err = pf.kw.LanczosFuncTo(dst, pf.hvR, g, pf.lanF, &trial)
		if trial.MaxIter == pf.kset.MaxIter || !errors.Is(err, linalg.ErrNoConvergence) {
			return st, err
		}
	}
	if err := pf.factorShifted(); err != nil {
		// σ = 1/h an eigenvalue to working precision: Lanczos alone.
		return pf.kw.LanczosFuncTo(dst, pf.hvR, g, pf.lanF, &pf.kset)
	}
	rs, err := pf.kw.RationalFuncTo(dst, pf.mulH, pf.ldl.Solve, 1/pf.h, g, pf.lanF, &pf.kset)
	rs.MatVecs += st.MatVecs
	return rs, err
}

// factorShifted factorizes H(kyr) − I/h into pf.ldl, unless it already
// holds that of the same Hessian (the same point, or any point for a
// constant Hessian).
func (pf *PF[T]) factorShifted() error {
	n := pf.n
	if pf.ldlOK && (pf.p.ConstantHessian || slices.Equal(pf.ldlY, pf.kyr)) {
		return nil
	}
	if pf.hr == nil {
		pf.hr = make([]float64, n*n)
		pf.ldlY = make([]float64, n)
		pf.mulH = func(dst, x []float64) { linalg.MulVec(dst, pf.hr, n, n, x) }
	}
	pf.ldlOK = false
	pf.rf.Hess(pf.hr, pf.kyr)
	if err := pf.ldl.Factorize(pf.hr, n, 1/pf.h); err != nil {
		return err
	}
	copy(pf.ldlY, pf.kyr)
	pf.ldlOK = true
	return nil
}

// krylovC evaluates φ(hH)g at complex (or real) y by Lanczos or Arnoldi.
func (pf *PF[T]) krylovC(dst, y []complex128, commit bool) error {
	pf.kreal = false
	pf.recording = commit && pf.branch
	pf.rz, pf.rl = pf.rz[:0], pf.rl[:0]
	var st linalg.KrylovStats
	var err error
	// The committed Ritz values are those of the last checkpoint of the
	// final run, rz[len(rz)−m:], and with two runs also rz[lo1:hi1].
	lo1, hi1 := 0, 0
	if isRealVec(y) {
		for i, v := range y {
			pf.kyr[i] = real(v)
		}
		for i, v := range pf.gc {
			pf.kgr[i] = real(v)
		}
		st, err = pf.symPhi(dst, pf.kgr)
	} else if pf.p.ConstantHessian {
		// A real Hessian at complex θ: φ(hH)g = φ(hH)Re g + i φ(hH)Im g by
		// two real Lanczos runs (the Hessian is the same at every point,
		// so it is applied at θ = 0). The branch state keeps the Ritz
		// values of both: either part alone may miss directions.
		clear(pf.kyr)
		for i, v := range pf.gc {
			pf.kgr[i] = real(v)
		}
		st, err = pf.symPhi(dst, pf.kgr)
		if err == nil {
			hi1 = len(pf.rz)
			lo1 = hi1 - min(st.Iterations, hi1)
			for i, v := range pf.gc {
				pf.kgr[i] = imag(v)
			}
			st, err = pf.symPhi(pf.kout, pf.kgr)
			st.Iterations = min(st.Iterations, len(pf.rz)-hi1)
			for i, v := range pf.kout {
				dst[i] += complex(-imag(v), real(v))
			}
		}
	} else {
		copy(pf.kyc, y)
		st, err = pf.kw.ComplexSymFuncTo(dst, pf.hvC, pf.gc, pf.arnF, &pf.kset)
	}
	pf.recording = false
	if err != nil {
		return fmt.Errorf("Krylov φ(hH)g: %w", err)
	}
	if commit && pf.branch {
		m := min(st.Iterations, len(pf.rz))
		pf.kz = append(append(pf.kz[:0], pf.rz[lo1:hi1]...), pf.rz[len(pf.rz)-m:]...)
		pf.kl = append(append(pf.kl[:0], pf.rl[lo1:hi1]...), pf.rl[len(pf.rl)-m:]...)
		pf.committed = true
	}
	return nil
}

// Solve integrates the flow from θ(0) = y0 to t1 with any method of
// package ode (nil means DOP853; the exponential integrators ETD4, ETD2
// and ExpEuler of this package treat the flow's linear part exactly) and
// settings s (nil means defaults): Flow.Solve after checking y0 with
// CheckStart.
func (pf *PF[T]) Solve(t1 float64, y0 []T, m ode.Method, s *ode.Settings[T]) (*ode.Solution[T], error) {
	if err := CheckStart(pf.p, y0); err != nil {
		return nil, err
	}
	return pf.flow.Solve(context.Background(), t1, y0, m, s)
}
