package modified

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// ExpMethod is one of the principal flow's exponential integrators, an
// ode.Method: ode.Solve(flow.Problem(), 0, t1, y0, modified.ETD4, s) (or
// Flow.Solve) integrates a principal flow with it.
//
// The methods integrate the principal flow given as Problem.Linear (the
// *PF whose field Problem.F is; Flow.Problem sets it) and treat its linear
// part exactly. They are the integrators of choice where the PF is stiff
// (hλ near 1, where the rate log(1 − hλ)/h → −∞) and on quadratics.
//
// At the start of each step (and of each half step of ETD4's step
// doubling) the Hessian is decomposed at θ_n and the flow's linear part
// is frozen,
//
//	L_n = (1/h) log(I − hH(θ_n)),   on the branch committed at θ_n,
//
// so that θ' = F(θ) = L_n(θ − θ_n) + N_n(θ) with N_n(θ_n) = F(θ_n) (the
// "frozen-Hessian" splitting). The methods (ETD4, ETD2, ExpEuler) need the functions φ_k(τL_n) (φ₁(z) = (e^z − 1)/z,
// φ₂(z) = (e^z − 1 − z)/z², φ₃ = (φ₂ − ½)/z) applied to vectors, which are
// diagonal in the eigenbasis: V φ_k(τM) V⁻¹ with M = diag(log(1 − hλ_i)/h).
// On a quadratic F is exactly L(θ − θ*) and N_n is constant, so every
// method is exact for any step size, θ_{n+1} − θ* = e^{τL}(θ_n − θ*) =
// (I − hH)^{τ/h}(θ_n − θ*): with Settings.Step = h it reproduces GD to
// rounding with one step per GD step (ExpEuler: one evaluation of F per GD
// step), and the stiffness costs nothing. On non-quadratic losses the
// methods have their classical orders 4, 2 and 1, whatever the frozen L_n
// (Hochbruck & Ostermann, Acta Numerica 19, 2010, §2.3).
//
// With the Krylov back-end the functions of L_n are applied by Lanczos
// (real θ_n) or Arnoldi (complex θ_n) on the Hessian-vector product at
// θ_n, with f(λ) = φ_k(τ log(1 − hλ)/h); a complex vector at a real θ_n
// takes two Lanczos runs.
//
// The branch state is committed at every accepted step (never at the
// midpoint of a step-doubling pair, nor at rejected steps). Adaptive runs
// (ETD4: step doubling, each half step freezing L at its own start; ETD2:
// the exponential Euler stage as embedded solution) use Settings'
// controller, by default ode.I{Safety: 0.9, FacMin: 0.2, FacMax: 4};
// ExpEuler runs with fixed steps (Settings.Step or Steps). The methods
// have no dense output: they shorten their steps to land on TEval points.
// Errors: a problem without a *PF as Linear wraps ode.ErrUnsupported; a
// failed evaluation wraps ErrPFEval (or ErrComplexFlow); Stats.NFev counts
// evaluations of F (each one a Hessian decomposition with the dense
// back-end), Stats.NJev applications of a function of the frozen linear
// part.
type ExpMethod int

const (
	// ETD4 is Krogstad's fourth-order exponential Runge–Kutta method
	// (J. Comput. Phys. 203, 2005, "ETDRK4-B"), four evaluations of F per
	// step; adaptive runs estimate the error by step doubling (each
	// half step freezes L at its own start) and keep the two half steps.
	ETD4 ExpMethod = iota
	// ETD2 is the second-order exponential Runge–Kutta method of Cox and
	// Matthews (ETD2RK; J. Comput. Phys. 176, 2002, eq. (22)), in the
	// form of Hochbruck and Ostermann (Acta Numerica 19, 2010, §2.3,
	// with c₂ = 1): stage a = θ + τφ₁(τL)F(θ), step
	// θ⁺ = a + τφ₂(τL)(N(a) − N(θ)), with the exponential Euler stage a as
	// embedded first-order solution for the error estimate.
	ETD2
	// ExpEuler is the exponential Euler method θ⁺ = θ + τφ₁(τL)F(θ)
	// (order 1; one evaluation of F per step).
	ExpEuler
)

// Info implements ode.Method: the principal flow's exponential
// integrators, registered as "etd4", "etd2" and "expeuler".
func (m ExpMethod) Info() ode.MethodInfo {
	in := ode.MethodInfo{Needs: []string{"Linear"}, Real: true, Complex: true, Family: "exponential"}
	switch m {
	case ETD4:
		in.Name, in.Order, in.Adaptive = "etd4", 4, true
		in.Reference = "Krogstad, J. Comput. Phys. 203 (2005) 72 (ETDRK4-B)"
	case ETD2:
		in.Name, in.Order, in.Adaptive = "etd2", 2, true
		in.Reference = "Cox & Matthews, J. Comput. Phys. 176 (2002) 430, eq. (22)"
	case ExpEuler:
		in.Name, in.Order, in.Fixed = "expeuler", 1, true
		in.Reference = "Hochbruck & Ostermann, Acta Numerica 19 (2010) 209, Sec. 2.1"
	default:
		in.Name = fmt.Sprintf("ExpMethod(%d)", int(m))
	}
	return in
}

// RunReal implements ode.Method.
func (m ExpMethod) RunReal(r *ode.Run[float64]) error { return runExp(m, r) }

// RunComplex implements ode.Method.
func (m ExpMethod) RunComplex(r *ode.Run[complex128]) error { return runExp(m, r) }

// commitsBranch tells Flow.Solve that the method commits the principal
// flow's branch itself (at the start of every step), so no Observer is
// needed for it.
func (m ExpMethod) commitsBranch() bool { return true }

func init() {
	for _, m := range []ExpMethod{ETD4, ETD2, ExpEuler} {
		ode.RegisterMethod(m)
	}
}

// runExp runs m on the *PF given as Problem.Linear (see ExpMethod).
func runExp[T linalg.Scalar](m ExpMethod, r *ode.Run[T]) error {
	pf, ok := r.Problem.Linear.(*PF[T])
	if !ok || pf == nil {
		return fmt.Errorf("%w: %s integrates the principal flow only: Problem.Linear must be its *modified.PF (Flow.Problem sets it)", ode.ErrUnsupported, m.Info().Name)
	}
	if m != ETD4 && m != ETD2 && m != ExpEuler {
		return fmt.Errorf("%w: unknown exponential method %d", ode.ErrInvalidSettings, int(m))
	}
	if r.Dir() < 0 {
		return fmt.Errorf("%w: %s integrates forward only", ode.ErrUnsupported, m.Info().Name)
	}
	if err := CheckStart(pf.p, r.Y0); err != nil {
		return err
	}
	rtol, atol := r.Settings.RTol, r.Settings.ATol
	pf.Reset()
	pf.noCache = true
	defer func() { pf.noCache = false }()
	w := newExpWork(pf)
	n := pf.n
	y := make([]complex128, n)
	yNew := make([]complex128, n)
	yT := make([]T, n)
	if r.FixedSteps() > 0 {
		return r.Fixed(func(_, h float64, yin, yout []T) error {
			toC(y, yin)
			// F(θ_n), committing the branch at the accepted point, and
			// the frozen linear part there.
			if err := w.freeze(w.lin, y, true); err != nil {
				return err
			}
			r.Stats.NFev++
			_, nf, nj, err := w.step(yNew, h, m, true, rtol, atol)
			r.Stats.NFev += nf
			r.Stats.NJev += nj
			if err != nil {
				if pf.err != nil {
					return fmt.Errorf("fixed step %v: %w", h, pf.err)
				}
				if !errors.Is(err, errExpRetry) {
					return err
				}
				return fmt.Errorf("%w: fixed step %v: non-finite value", ErrPFEval, h)
			}
			fromC(yout, yNew)
			return nil
		})
	}
	q := 1 // the order of the error estimate: err ∝ τ^(q+1)
	if m == ETD4 {
		q = 4
	}
	ctrl := r.Controller(ode.I{Safety: 0.9, FacMin: 0.2, FacMax: 4}, q)
	cs := r.ControlState()
	toC(y, r.Y0)
	t, t1 := r.T0, r.T1
	tau := r.Settings.H0
	if tau == 0 {
		tau = math.Min(pf.h, t1-t)
	}
	tau = math.Min(tau, r.Settings.MaxStep)
	floor := math.Max(1e-14*math.Abs(t1), r.Settings.MinStep)
	for t < t1 {
		if err := r.Check(); err != nil {
			return fmt.Errorf("%w (t = %v)", err, t)
		}
		// F(θ_n), committing the branch at the accepted point, and the
		// frozen linear part there.
		if err := w.freeze(w.lin, y, true); err != nil {
			return err
		}
		r.Stats.NFev++
		for {
			target := r.Target(t)
			step := tau
			last := false
			if t+step >= target-1e-14*math.Abs(target) {
				step, last = target-t, true
			}
			if step <= floor {
				return fmt.Errorf("%w: %s: step %v at t = %v", ode.ErrStepTooSmall, m.Info().Name, step, t)
			}
			r.Stats.NSteps++
			errEst, nf, nj, err := w.step(yNew, step, m, false, rtol, atol)
			r.Stats.NFev += nf
			r.Stats.NJev += nj
			if err != nil && !errors.Is(err, errExpRetry) {
				return err
			}
			se := ode.StepError{Err2: -1, Err: errEst}
			if err == nil && errEst <= 1 {
				r.Stats.NAccepted++
				copy(y, yNew)
				tOld := t
				if last {
					t = target
				} else {
					t += step
				}
				if !(last && step < tau) {
					tau = math.Min(ctrl.Accept(cs, step, se), r.Settings.MaxStep)
				}
				fromC(yT, y)
				if _, _, err := r.Accepted(tOld, t, yT, nil); err != nil {
					return err
				}
				break
			}
			r.Stats.NRejected++
			if err == nil {
				tau = ctrl.Reject(cs, step, se)
			} else {
				cs.Rejected()
				tau = step * 0.2
			}
			if err := r.Check(); err != nil {
				return fmt.Errorf("%w (t = %v)", err, t)
			}
		}
	}
	return nil
}

var errExpRetry = errors.New("modified: exponential step: non-finite trial")

// expLin is the frozen linear part L_n = (1/h)log(I − hH(θ_n)) of one
// point θ_n, with F(θ_n).
type expLin struct {
	krylov bool
	realV  bool
	vr     []float64    // real orthogonal V (row-major), V⁻¹ = Vᵀ
	vc     []complex128 // complex V
	vic    []complex128 // V⁻¹
	mu     []complex128 // rates μ_i = log(1 − hλ_i)/h
	y, f   []complex128 // θ_n and F(θ_n)
	kyr    []float64    // θ_n for the real Hessian-vector product
	kr     bool         // θ_n is real (Lanczos) or not (Arnoldi)
}

func newExpLin(n int, krylov bool) *expLin {
	l := &expLin{krylov: krylov, mu: make([]complex128, n), y: make([]complex128, n), f: make([]complex128, n)}
	if krylov {
		l.kyr = make([]float64, n)
	} else {
		l.vr = make([]float64, n*n)
	}
	return l
}

// expWork holds two frozen linear parts (step doubling needs the one at
// the start and the one at the midpoint) and the work vectors.
type expWork[T linalg.Scalar] struct {
	pf       *PF[T]
	n        int
	lin, mid *expLin
	dg, tmp  []complex128
	vre, vim []float64
	o1, o2   []complex128
	// Krylov's f(λ) needs the step and φ index
	kk   int
	ktau float64
	fr   func(float64) complex128
	fc   func(complex128) complex128
	hvR  linalg.SymOperator
	hvC  linalg.COperator
	cur  *expLin
	// stage vectors
	u2, u3, u4, d2, d3, d4, a, b, big, half []complex128
	fT, aT                                  []T
}

func newExpWork[T linalg.Scalar](pf *PF[T]) *expWork[T] {
	n := pf.n
	kr := pf.backend == BackendKrylov
	mk := func() []complex128 { return make([]complex128, n) }
	w := &expWork[T]{pf: pf, n: n, lin: newExpLin(n, kr), mid: newExpLin(n, kr),
		dg: mk(), tmp: mk(), u2: mk(), u3: mk(), u4: mk(), d2: mk(), d3: mk(), d4: mk(),
		a: mk(), b: mk(), big: mk(), half: mk(), fT: make([]T, n), aT: make([]T, n)}
	if kr {
		w.vre, w.vim = make([]float64, n), make([]float64, n)
		w.o1, w.o2 = mk(), mk()
		w.fc = func(l complex128) complex128 {
			m := pf.krylovLog(l) / complex(pf.h, 0)
			if pf.kind == pfRe {
				m = complex(real(m), 0)
			}
			return expPhi(w.kk, complex(w.ktau, 0)*m)
		}
		w.fr = func(l float64) complex128 { return w.fc(complex(l, 0)) }
		w.hvR = func(dst, x []float64) { pf.rf.HessVec(dst, w.cur.kyr, x) }
		if pf.cf != nil {
			w.hvC = func(dst, x []complex128) { pf.cf.HessVec(dst, w.cur.y, x) }
		}
	}
	return w
}

func toC[T linalg.Scalar](dst []complex128, x []T) {
	switch v := any(x).(type) {
	case []float64:
		for i, a := range v {
			dst[i] = complex(a, 0)
		}
	case []complex128:
		copy(dst, v)
	}
}

func fromC[T linalg.Scalar](dst []T, x []complex128) {
	switch d := any(dst).(type) {
	case []float64:
		for i, a := range x {
			d[i] = real(a)
		}
	case []complex128:
		copy(d, x)
	}
}

// freeze evaluates F at y into l.f and snapshots the linear part there.
// With commit the branch state is committed at y; otherwise the branch is
// continued from the committed state (as for any trial evaluation).
func (w *expWork[T]) freeze(l *expLin, y []complex128, commit bool) error {
	pf := w.pf
	fromC(w.aT, y)
	if err := pf.eval(w.fT, w.aT, commit && pf.branch); err != nil {
		return err
	}
	toC(l.f, w.fT)
	copy(l.y, y)
	n := w.n
	if l.krylov {
		// A constant Hessian is real at every θ: two real Lanczos runs
		// (on Re v and Im v) avoid Arnoldi's Ritz values with round-off
		// imaginary parts, which would pick the log branch at random for
		// hλ > 1.
		l.kr = isRealVec(y) || pf.p.ConstantHessian
		for i, v := range y {
			l.kyr[i] = real(v)
		}
		return nil
	}
	var cplxDec bool
	switch any(w.fT).(type) {
	case []float64:
		// evalReal factorised H(y) into pf.sym (or it is constant).
		for i, lam := range pf.sym.Values() {
			z := pf.h * lam
			var lg float64
			switch {
			case math.Abs(1-z) <= PoleTol:
				lg = math.Log(PoleFloor)
			case z > 1:
				lg = math.Log(z - 1) // pf-re only: Re log(1 − z)
			default:
				lg = math.Log1p(-z)
			}
			l.mu[i] = complex(lg/pf.h, 0)
		}
	case []complex128:
		// evalCplx left the decomposition at y and its logarithms in lg
		// (the integrator disables the cache, so eval always decomposes).
		cplxDec = pf.cplxDec
		for i, lg := range pf.lg {
			m := lg / complex(pf.h, 0)
			if pf.kind == pfRe {
				m = complex(real(m), 0)
			}
			l.mu[i] = m
		}
	}
	l.realV = !cplxDec
	if l.realV {
		copy(l.vr, pf.sym.Vectors())
	} else {
		if l.vc == nil {
			l.vc, l.vic = make([]complex128, n*n), make([]complex128, n*n)
		}
		copy(l.vc, pf.ce.Vectors())
		copy(l.vic, pf.ce.InverseVectors())
	}
	return nil
}

// apply writes dst = φ_k(τL) v for the frozen L of l (φ₀ = exp).
func (w *expWork[T]) apply(l *expLin, dst, v []complex128, k int, tau float64) error {
	if l.krylov {
		return w.applyKrylov(l, dst, v, k, tau)
	}
	n := w.n
	for i, m := range l.mu {
		w.dg[i] = expPhi(k, complex(tau, 0)*m)
		if !linalg.IsFinite(w.dg[i]) {
			return errExpRetry
		}
	}
	t := w.tmp
	if l.realV {
		// dst = V diag(dg) Vᵀ v
		clear(t)
		for i := 0; i < n; i++ {
			row := l.vr[i*n : i*n+n]
			vi := v[i]
			for j, x := range row {
				t[j] += complex(x, 0) * vi
			}
		}
		for j := range t {
			t[j] *= w.dg[j]
		}
		for i := 0; i < n; i++ {
			row := l.vr[i*n : i*n+n]
			var s complex128
			for j, x := range row {
				s += complex(x, 0) * t[j]
			}
			dst[i] = s
		}
		return nil
	}
	for i := 0; i < n; i++ {
		t[i] = linalg.Dot(l.vic[i*n:i*n+n], v) * w.dg[i]
	}
	for i := 0; i < n; i++ {
		dst[i] = linalg.Dot(l.vc[i*n:i*n+n], t)
	}
	return nil
}

// applyKrylov applies f(H(θ_n)) with f(λ) = φ_k(τ log(1 − hλ)/h) by
// Lanczos (real θ_n; real and imaginary parts of v separately) or Arnoldi.
func (w *expWork[T]) applyKrylov(l *expLin, dst, v []complex128, k int, tau float64) error {
	pf := w.pf
	w.kk, w.ktau, w.cur = k, tau, l
	set := pf.kset
	if l.kr {
		for i, z := range v {
			w.vre[i], w.vim[i] = real(z), imag(z)
		}
		if _, err := linalg.LanczosFunc(w.o1, w.hvR, w.vre, w.fr, &set); err != nil {
			return fmt.Errorf("%w: Krylov φ_%d: %w", ErrPFEval, k, err)
		}
		if _, err := linalg.LanczosFunc(w.o2, w.hvR, w.vim, w.fr, &set); err != nil {
			return fmt.Errorf("%w: Krylov φ_%d: %w", ErrPFEval, k, err)
		}
		for i := range dst {
			dst[i] = w.o1[i] + complex(0, 1)*w.o2[i]
		}
		return nil
	}
	if _, err := linalg.ArnoldiFunc(dst, w.hvC, v, w.fc, &set); err != nil {
		return fmt.Errorf("%w: Krylov φ_%d: %w", ErrPFEval, k, err)
	}
	return nil
}

// evalF evaluates the flow at a stage u; failures other than a complex
// flow in float64 become errExpRetry (the step is retried smaller).
func (w *expWork[T]) evalF(dst, u []complex128) error {
	if firstNonFinite(u) >= 0 {
		return errExpRetry
	}
	fromC(w.aT, u)
	if err := w.pf.eval(w.fT, w.aT, false); err != nil {
		if errors.Is(err, ErrComplexFlow) {
			return err
		}
		return errExpRetry
	}
	toC(dst, w.fT)
	return nil
}

// nonlin writes D = N(u) − N(θ_n) = F(u) − F(θ_n) − L(u − θ_n) into d.
func (w *expWork[T]) nonlin(l *expLin, d, u []complex128) error {
	if err := w.evalF(d, u); err != nil {
		return err
	}
	for i := range w.b {
		w.b[i] = u[i] - l.y[i]
	}
	if err := w.applyL(l, w.a, w.b); err != nil {
		return err
	}
	for i := range d {
		d[i] -= l.f[i] + w.a[i]
	}
	return nil
}

// applyL writes dst = L v for the frozen L.
func (w *expWork[T]) applyL(l *expLin, dst, v []complex128) error {
	return w.apply(l, dst, v, -1, 1)
}

// krogstad takes one step of Krogstad's fourth-order exponential
// Runge–Kutta method (Krogstad, J. Comput. Phys. 203, 2005, "ETDRK4-B"; in
// the form of Hochbruck & Ostermann, Acta Numerica 19, 2010, §2.3) from
// l.y with step tau into dst:
//
//	U₂ = θ + (τ/2)φ₁(τL/2)F
//	U₃ = U₂ + τφ₂(τL/2)D₂
//	U₄ = θ + τφ₁(τL)F + 2τφ₂(τL)D₃
//	θ⁺ = θ + τφ₁(τL)F + τ(2φ₂ − 4φ₃)(τL)(D₂ + D₃) + τ(4φ₃ − φ₂)(τL)D₄
//
// with D_i = N(U_i) − N(θ). It returns the number of F evaluations and of
// applications of functions of L.
func (w *expWork[T]) krogstad(l *expLin, dst []complex128, tau float64) (nf, nj int, err error) {
	tc := complex(tau, 0)
	// U₂
	if err = w.apply(l, w.u2, l.f, 1, tau/2); err != nil {
		return
	}
	nj++
	for i := range w.u2 {
		w.u2[i] = l.y[i] + tc/2*w.u2[i]
	}
	if err = w.nonlin(l, w.d2, w.u2); err != nil {
		return nf + 1, nj + 1, err
	}
	nf, nj = nf+1, nj+1
	// U₃
	if err = w.apply(l, w.u3, w.d2, 2, tau/2); err != nil {
		return
	}
	nj++
	for i := range w.u3 {
		w.u3[i] = w.u2[i] + tc*w.u3[i]
	}
	if err = w.nonlin(l, w.d3, w.u3); err != nil {
		return nf + 1, nj + 1, err
	}
	nf, nj = nf+1, nj+1
	// U₄ = θ + τφ₁F + 2τφ₂D₃; keep τφ₁F in big.
	if err = w.apply(l, w.big, l.f, 1, tau); err != nil {
		return
	}
	if err = w.apply(l, w.u4, w.d3, 2, tau); err != nil {
		return
	}
	nj += 2
	for i := range w.u4 {
		w.big[i] = l.y[i] + tc*w.big[i]
		w.u4[i] = w.big[i] + 2*tc*w.u4[i]
	}
	if err = w.nonlin(l, w.d4, w.u4); err != nil {
		return nf + 1, nj + 1, err
	}
	nf, nj = nf+1, nj+1
	// θ⁺
	for i := range w.a {
		w.a[i] = w.d2[i] + w.d3[i]
	}
	if err = w.apply(l, w.u2, w.a, 2, tau); err != nil {
		return
	}
	if err = w.apply(l, w.u3, w.a, 3, tau); err != nil {
		return
	}
	if err = w.apply(l, w.a, w.d4, 2, tau); err != nil {
		return
	}
	if err = w.apply(l, w.b, w.d4, 3, tau); err != nil {
		return
	}
	nj += 4
	for i := range dst {
		dst[i] = w.big[i] + tc*(2*w.u2[i]-4*w.u3[i]+4*w.b[i]-w.a[i])
	}
	if firstNonFinite(dst) >= 0 {
		err = errExpRetry
	}
	return
}

// etd2 takes one ETD2 step (see ExpMethod) from l.y into dst and returns
// in est the exponential Euler point's difference τφ₂(τL)(N(a) − N(θ)).
func (w *expWork[T]) etd2(l *expLin, dst, est []complex128, tau float64, euler bool) (nf, nj int, err error) {
	tc := complex(tau, 0)
	if err = w.apply(l, w.a, l.f, 1, tau); err != nil {
		return
	}
	nj++
	for i := range w.a {
		dst[i] = l.y[i] + tc*w.a[i]
	}
	if euler {
		if firstNonFinite(dst) >= 0 {
			err = errExpRetry
		}
		return
	}
	copy(w.u2, dst)
	if err = w.nonlin(l, w.d2, w.u2); err != nil {
		return nf + 1, nj + 1, err
	}
	nf, nj = nf+1, nj+1
	if err = w.apply(l, est, w.d2, 2, tau); err != nil {
		return
	}
	nj++
	for i := range dst {
		est[i] *= tc
		dst[i] = w.u2[i] + est[i]
	}
	if firstNonFinite(dst) >= 0 {
		err = errExpRetry
	}
	return
}

// scaledNorm is Hairer's RMS norm of e scaled by atol + rtol·max(|y|, |z|).
func scaledNorm(e, y, z []complex128, rtol, atol float64) float64 {
	var s float64
	for i := range e {
		sk := atol + rtol*math.Max(cmplx.Abs(y[i]), cmplx.Abs(z[i]))
		r := cmplx.Abs(e[i]) / sk
		s += r * r
	}
	return math.Sqrt(s / float64(len(e)))
}

// step attempts one step of size tau from the frozen point w.lin into
// yNew and returns the scaled error estimate (0 for fixed steps), the
// counts of F evaluations and of linear-part applications.
func (w *expWork[T]) step(yNew []complex128, tau float64, m ExpMethod, fixed bool, rtol, atol float64) (float64, int, int, error) {
	l := w.lin
	switch m {
	case ExpEuler:
		nf, nj, err := w.etd2(l, yNew, nil, tau, true)
		return 0, nf, nj, err
	case ETD2:
		nf, nj, err := w.etd2(l, yNew, w.half, tau, false)
		if err != nil || fixed {
			return 0, nf, nj, err
		}
		return scaledNorm(w.half, l.y, yNew, rtol, atol), nf, nj, nil
	}
	// ETD4: fixed, or step doubling: one step of τ and two of τ/2
	// (each half step freezes L at its own start); the difference is
	// 15 times the error of the two half steps to leading order.
	if fixed {
		nf, nj, err := w.krogstad(l, yNew, tau)
		return 0, nf, nj, err
	}
	nf, nj, err := w.krogstad(l, w.half, tau/2)
	if err != nil {
		return 0, nf, nj, err
	}
	copy(w.u4, w.half)
	if err := w.freeze(w.mid, w.u4, false); err != nil {
		if errors.Is(err, ErrComplexFlow) {
			return 0, nf + 1, nj, err
		}
		return 0, nf + 1, nj, errExpRetry
	}
	nf++
	f2, j2, err := w.krogstad(w.mid, yNew, tau/2)
	nf, nj = nf+f2, nj+j2
	if err != nil {
		return 0, nf, nj, err
	}
	f3, j3, err := w.krogstad(l, w.big, tau)
	nf, nj = nf+f3, nj+j3
	if err != nil {
		return 0, nf, nj, err
	}
	for i := range w.big {
		w.big[i] = (yNew[i] - w.big[i]) / 15
	}
	return scaledNorm(w.big, l.y, yNew, rtol, atol), nf, nj, nil
}

// expPhi returns φ_k(z) for k = 0…3: φ₀ = e^z, φ₁ = (e^z − 1)/z,
// φ₂ = (e^z − 1 − z)/z², φ₃ = (φ₂ − ½)/z, by the Taylor series
// Σ_j z^j/(j+k)! for |z| ≤ 2 (33 terms: truncation below 2³³/33! ≈ 1e-27)
// and the recurrence φ_{k+1} = (φ_k − 1/k!)/z otherwise (cancellation
// costs at most a few ulp for |z| > 2). k = −1 returns z (for L itself).
func expPhi(k int, z complex128) complex128 {
	switch k {
	case -1:
		return z
	case 0:
		return cmplx.Exp(z)
	}
	if cmplx.Abs(z) <= 2 {
		// Horner on Σ_{j=0}^{J} z^j/(j+k)!.
		const terms = 32
		var s complex128
		for j := terms; j >= 0; j-- {
			s = s*z + complex(expInvFact[j+k], 0)
		}
		return s
	}
	e := cmplx.Exp(z)
	p := (e - 1) / z
	for j := 2; j <= k; j++ {
		p = (p - complex(expInvFact[j-1], 0)) / z
	}
	return p
}

// expInvFact[j] = 1/j!.
var expInvFact = func() (t [40]float64) {
	f := 1.0
	for j := range t {
		if j > 1 {
			f *= float64(j)
		}
		t[j] = 1 / f
	}
	return t
}()
