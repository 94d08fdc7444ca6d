package stiff

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"gonum.org/v1/gonum/mat"
)

// The three-stage Radau IIA method (order 5, stiffly accurate, L-stable;
// Hairer & Wanner, Solving ODEs II, IV.5 and IV.8).
var (
	radauC = [3]float64{(4 - math.Sqrt(6)) / 10, (4 + math.Sqrt(6)) / 10, 1}
	radauA = [3][3]float64{
		{(88 - 7*math.Sqrt(6)) / 360, (296 - 169*math.Sqrt(6)) / 1800, (-2 + 3*math.Sqrt(6)) / 225},
		{(296 + 169*math.Sqrt(6)) / 1800, (88 + 7*math.Sqrt(6)) / 360, (-2 - 3*math.Sqrt(6)) / 225},
		{(16 - math.Sqrt(6)) / 36, (16 + math.Sqrt(6)) / 36, 1.0 / 9},
	}
	// Error-estimate coefficients of RADAU5 (Hairer & Wanner II, IV.8,
	// (8.19)–(8.20)): err = (γ/h − J)⁻¹ (f(y₀) + (dd₁Z₁ + dd₂Z₂ + dd₃Z₃)/h).
	radauDD = [3]float64{-(13 + 7*math.Sqrt(6)) / 3, (-13 + 7*math.Sqrt(6)) / 3, -1.0 / 3}
)

// radauTransform holds A⁻¹ = V diag(λ) V⁻¹ with λ₀ = γ real and
// λ₂ = conj(λ₁) = α − iβ, eigenvectors scaled to last component 1.
type radauTransform struct {
	lam  [3]complex128
	v    [3][3]complex128 // v[i][k]: component i of eigenvector k
	vinv [3][3]complex128
}

func newRadauTransform() radauTransform {
	a := mat.NewDense(3, 3, nil)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			a.Set(i, j, radauA[i][j])
		}
	}
	var ainv mat.Dense
	if err := ainv.Inverse(a); err != nil {
		panic("stiff: Radau IIA matrix: " + err.Error())
	}
	var eig mat.Eigen
	if !eig.Factorize(&ainv, mat.EigenRight) {
		panic("stiff: Radau IIA eigen-decomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.CDense
	eig.VectorsTo(&vecs)
	var tr radauTransform
	ir, ic := -1, -1
	for k, l := range vals {
		switch {
		case math.Abs(imag(l)) < 1e-12:
			ir = k
		case imag(l) > 0:
			ic = k
		}
	}
	for slot, k := range [2]int{ir, ic} {
		last := vecs.At(2, k)
		for i := 0; i < 3; i++ {
			tr.v[i][slot] = vecs.At(i, k) / last
		}
		tr.lam[slot] = vals[k]
	}
	tr.lam[0] = complex(real(tr.lam[0]), 0)
	// The real eigenvector is scaled to unit 2-norm with positive last
	// component, as the first column of RADAU5's transformation matrix T
	// (T31 = 0.966…); the complex one has last component 1 as T's second and
	// third columns (T32 = 1, T33 = 0). The scaling enters the Newton
	// convergence monitor, so it is kept identical to RADAU5's.
	nrm := 0.0
	for i := 0; i < 3; i++ {
		nrm = math.Hypot(nrm, real(tr.v[i][0]))
	}
	for i := 0; i < 3; i++ {
		tr.v[i][0] = complex(real(tr.v[i][0])/nrm, 0)
		tr.v[i][2] = cmplx.Conj(tr.v[i][1])
	}
	tr.lam[2] = cmplx.Conj(tr.lam[1])
	m := make([]complex128, 9)
	for i := 0; i < 3; i++ {
		for k := 0; k < 3; k++ {
			m[i*3+k] = tr.v[i][k]
		}
	}
	f := new(linalg.LU[complex128])
	if f.Factorize(m, 3) != nil {
		panic("stiff: Radau IIA eigenvectors singular")
	}
	for k := 0; k < 3; k++ {
		e := make([]complex128, 3)
		e[k] = 1
		f.SolveTo(e, e)
		for i := 0; i < 3; i++ {
			tr.vinv[i][k] = e[i]
		}
	}
	return tr
}

var radauTr = newRadauTransform()

// Radau5 is the method (ode.Method, registered as "radau5") that integrates
// the stiff system y' = f(t, y) with the three-stage Radau IIA method of order 5 and adaptive steps. It follows
// Hairer's RADAU5 (E. Hairer, G. Wanner, Solving Ordinary Differential
// Equations II, 2nd ed., Springer 1996, Sec. IV.8) in every decision, so that
// with the same settings it takes the same steps:
//
//   - simplified Newton iterations on the stage equations, with the 3n×3n
//     system decoupled by the eigen-decomposition of A⁻¹ into one system
//     (γ/h − J) and one complex system ((α + iβ)/h − J) for real states; for
//     complex states the conjugate pair no longer combines and a third
//     complex system ((α − iβ)/h − J) is solved;
//   - the Newton convergence monitor θ, step reduction when convergence is
//     predicted to be too slow, and reuse of the Jacobian when θ < 0.001 and
//     of the factorization when the step ratio is in [1, 1.2];
//   - starting values extrapolated from the previous collocation polynomial;
//   - the embedded error estimate (γ/h − J)⁻¹(f(y₀) + Σ dd_i Z_i/h), with
//     the refinement after a rejected or the first step;
//   - Gustafsson's predictive step-size controller (Gustafsson, BIT 34
//     (1994) 173);
//   - the tolerance transformation of Settings.RTol and the rounding unit
//     1e−16 of RADAU5's defaults.
//
// Run it with ode.Solve(p, t0, t1, y0, stiff.Radau5, s) (t1 > t0): p.F and
// optionally p.Jac (forward differences otherwise); the ode.Settings used
// are RTol, ATol, H0 (default RADAU5's 1e−6), MaxStep, MinStep, MaxSteps,
// MaxEvals, MaxNewton (default 7), Controller (default ode.Predictive,
// which is RADAU5's; any other controller works too), TEval, StopAtTEval,
// Dense, Events, Observer and Progress. The collocation polynomial of each
// step (the cubic through y₀ and the three stage values, RADAU5's CONTR5)
// is the dense output: TEval values, Solution.At, events. Its error is
// O(h⁴) per step, stiff or not (Hairer, Nørsett & Wanner I, Thm. II.7.10),
// and not controlled by the tolerances: on stiff problems with long steps
// it can be far larger than the error of the step values;
// Settings.StopAtTEval (the only departure from RADAU5's step sequence)
// shortens steps to end at the TEval points.
//
// Stats.NFev counts evaluations of f, including those of a finite-difference
// Jacobian (RADAU5 leaves those out of its count); Stats.NSolve,
// NRejectErr, NNewtonFail, NSingular and MaxNewtonIter are RADAU5's other
// counters. On failure the partial solution (every accepted
// step) is returned with an error wrapping ode.ErrMaxSteps,
// ode.ErrStepTooSmall (also ode.ErrNoConvergence when the step collapsed
// through failed Newton iterations), ode.ErrNoConvergence (the fifth singular or
// non-finite iteration matrix of the integration, as RADAU5's IDID = −4) or
// ode.ErrNonFinite; a terminal event returns the solution up to its zero
// with ode.ErrStopped; invalid inputs return ode.ErrInvalidSettings.
var Radau5 Radau5Method

// Radau5Method is the type of Radau5.
type Radau5Method struct{}

func init() { ode.RegisterMethod(Radau5) }

// Info implements ode.Method.
func (Radau5Method) Info() ode.MethodInfo {
	return ode.MethodInfo{Name: "radau5", Order: 5, Adaptive: true, Dense: true, Implicit: true,
		Needs: []string{"F"}, Real: true, Complex: true, Family: "implicit RK",
		Reference: "Hairer & Wanner, Solving ODEs II, 2nd ed., Sec. IV.8 (RADAU5)"}
}

// RunReal implements ode.Method.
func (Radau5Method) RunReal(r *ode.Run[float64]) error { return runRadau5(r) }

// RunComplex implements ode.Method.
func (Radau5Method) RunComplex(r *ode.Run[complex128]) error { return runRadau5(r) }

func runRadau5[T linalg.Scalar](r *ode.Run[T]) error {
	s := &r.Settings
	t0, t1, y0, prob := r.T0, r.T1, r.Y0, r.Problem
	if r.Dir() < 0 {
		return fmt.Errorf("%w: radau5 integrates forward only (t1 = %v < t0 = %v)", ode.ErrUnsupported, t1, t0)
	}
	if r.FixedSteps() > 0 {
		return fmt.Errorf("%w: radau5 is adaptive only (Step or Steps set)", ode.ErrUnsupported)
	}
	h0 := s.H0
	if h0 == 0 {
		h0 = 1e-6
	}
	ctrl := r.Controller(ode.Predictive{}, 3)
	cs := r.ControlState()
	n := len(y0)
	realT := isReal[T]()
	// Tolerance transformation of RADAU5: the local error is kept below
	// rtol' = 0.1·RTol^{2/3} so that the global error is about RTol.
	quot := s.ATol / s.RTol
	rtol := 0.1 * math.Pow(s.RTol, 2.0/3)
	atol := rtol * quot
	fnewt := math.Max(10*radauURound/rtol, math.Min(0.03, math.Sqrt(rtol)))
	nit := s.MaxNewton
	if nit == 0 {
		nit = 7
	}
	const (
		safe  = 0.9
		facl  = 5.0
		facr  = 1.0 / 8
		thet  = 0.001
		quot1 = 1.0
		quot2 = 1.2
	)
	tr := &radauTr
	gam := real(tr.lam[0])

	st := &r.Stats
	rs := st
	y := append([]T(nil), y0...)

	f0 := make([]T, n)
	ytmp := make([]T, n)
	ftmp := make([]T, n)
	yold := make([]T, n)
	jac := make([]T, n*n)
	jacC := make([]complex128, n*n)
	m1 := make([]T, n*n)
	mc := make([]complex128, n*n)
	lu1 := new(linalg.LU[T])
	lu2 := new(linalg.LU[complex128])
	var lu3 *linalg.LU[complex128]
	if !realT {
		lu3 = new(linalg.LU[complex128])
	}
	var z, zacc, fz [3][]T
	var zc, fc, dw [3][]complex128
	for k := 0; k < 3; k++ {
		z[k], zacc[k], fz[k] = make([]T, n), make([]T, n), make([]T, n)
		zc[k], fc[k], dw[k] = make([]complex128, n), make([]complex128, n), make([]complex128, n)
	}
	r1 := make([]T, n)
	scal := make([]float64, n)
	cont := make([]T, n)
	f2 := make([]T, n)

	eval := r.Eval
	computeJac := func(x float64) {
		st.NJev++
		if prob.Jac != nil {
			prob.Jac(jac, x, y)
			return
		}
		fdJacobian(jac, prob.F, x, y, f0, ytmp, ftmp)
		st.NFev += n
	}
	// factorize forms and factorizes γ/h − J and (α ± iβ)/h − J; false
	// means a singular or non-finite matrix.
	factorize := func(h float64) bool {
		g := linalg.FromFloat[T](gam / h)
		for i := range m1 {
			m1[i] = -jac[i]
		}
		for i := 0; i < n; i++ {
			m1[i*n+i] += g
		}
		if lu1.Factorize(m1, n) != nil {
			return false
		}
		toC(jacC, jac)
		for k, f := range []*linalg.LU[complex128]{lu2, lu3} {
			if f == nil {
				continue
			}
			l := tr.lam[k+1] / complex(h, 0)
			for i := range mc {
				mc[i] = -jacC[i]
			}
			for i := 0; i < n; i++ {
				mc[i*n+i] += l
			}
			if f.Factorize(mc, n) != nil {
				return false
			}
		}
		return true
	}

	x := t0
	hmaxn := math.Min(s.MaxStep, t1-t0)
	h := math.Min(h0, hmaxn)
	// target is where the step must stop: t1, or with StopAtTEval the next
	// TEval point; onTarget marks a step sized to end there (RADAU5's
	// LAST when the target is t1).
	target := func() float64 { return r.Target(x) }
	tgt := target()
	onTarget := false
	if x+1.0001*h >= tgt {
		h = tgt - x
		onTarget = true
	}
	eval(f0, x, y)
	if !linalg.AllFinite(f0) {
		return fmt.Errorf("%w: f(t0, y0) is not finite", ode.ErrNonFinite)
	}
	// The control flow is RADAU5's: needJac is its label 10 (new Jacobian,
	// then new matrices), needDec its label 20 (new matrices), neither its
	// label 30 (a new step with the current factorizations).
	needJac, needDec, caljac := true, true, false
	first, reject := true, false
	newtonFailed := false // the last reduction of h came from Newton
	faccon, theta := 1.0, thet
	var hold float64
	var thqold, dynold float64

	for {
		if needJac {
			computeJac(x)
			needJac, needDec, caljac = false, true, true
		}
		if needDec {
			if !factorize(h) {
				// Singular iteration matrix: halve the step; give up at the
				// fifth singular matrix of the integration (RADAU5's
				// NSING, never reset, and IDID = −4).
				rs.NSingular++
				st.NRejected++
				cs.Rejected()
				if rs.NSingular >= 5 {
					return fmt.Errorf("%w: iteration matrix singular or not finite for the 5th time (h = %v at t = %v)", ode.ErrNoConvergence, h, x)
				}
				h *= 0.5
				reject, onTarget = true, false
				if !caljac {
					needJac = true
				}
				continue
			}
			st.NLU++
			needDec = false
		}
		// Label 30: a new step attempt.
		if err := r.Check(); err != nil {
			return fmt.Errorf("%w (t = %v)", err, x)
		}
		st.NSteps++
		if 0.1*math.Abs(h) <= math.Abs(x)*radauURound || !(h > 0) || h < s.MinStep {
			if newtonFailed {
				return fmt.Errorf("%w: h = %v at t = %v after failed Newton iterations (%w)", ode.ErrStepTooSmall, h, x, ode.ErrNoConvergence)
			}
			return fmt.Errorf("%w: h = %v at t = %v", ode.ErrStepTooSmall, h, x)
		}
		for i, v := range y {
			scal[i] = atol + rtol*linalg.Abs(v)
		}
		// Starting values: zero on the first step, otherwise the collocation
		// polynomial of the last accepted step, extrapolated.
		if first {
			for k := 0; k < 3; k++ {
				clear(z[k])
			}
		} else {
			r := h / hold
			for k := 0; k < 3; k++ {
				l := radauLagrange(1 + radauC[k]*r)
				l0, l1, l2 := linalg.FromFloat[T](l[0]), linalg.FromFloat[T](l[1]), linalg.FromFloat[T](l[2]-1)
				for i := 0; i < n; i++ {
					z[k][i] = l0*zacc[0][i] + l1*zacc[1][i] + l2*zacc[2][i]
				}
			}
		}
		// Simplified Newton iterations.
		faccon = math.Pow(math.Max(faccon, radauURound), 0.8)
		theta = thet
		newt := 0
		failed := false // divergence, too many iterations or non-finite f
		hhfac := 0.0    // > 0: restart with h·hhfac (slow convergence)
		for {
			if newt >= nit {
				failed = true
				break
			}
			nonfinite := false
			for k := 0; k < 3; k++ {
				for i := range y {
					ytmp[i] = y[i] + z[k][i]
				}
				eval(fz[k], x+radauC[k]*h, ytmp)
				if !linalg.AllFinite(fz[k]) {
					nonfinite = true
				}
			}
			if nonfinite {
				failed = true
				break
			}
			newt++
			rs.NSolve++
			// Transformed residual: for each eigenvalue λ_k,
			// (λ_k/h − J) ΔW_k = (V⁻¹F)_k − (λ_k/h)(V⁻¹Z)_k.
			for k := 0; k < 3; k++ {
				toC(zc[k], z[k])
				toC(fc[k], fz[k])
			}
			nb := 3
			if realT {
				nb = 2
			}
			for kk := 0; kk < nb; kk++ {
				l := tr.lam[kk] / complex(h, 0)
				d := dw[kk]
				vi := tr.vinv[kk]
				for i := 0; i < n; i++ {
					wv := vi[0]*zc[0][i] + vi[1]*zc[1][i] + vi[2]*zc[2][i]
					gv := vi[0]*fc[0][i] + vi[1]*fc[1][i] + vi[2]*fc[2][i]
					d[i] = gv - l*wv
				}
				switch kk {
				case 0:
					fromC(r1, d)
					lu1.SolveTo(r1, r1)
					toC(d, r1)
				case 1:
					lu2.SolveTo(d, d)
				case 2:
					lu3.SolveTo(d, d)
				}
			}
			if realT {
				for i := range dw[2] {
					dw[2][i] = cmplx.Conj(dw[1][i])
				}
			}
			// RADAU5's norm of the increment of the transformed variables
			// (w₁, Re, Im): |ΔW₀|² + 2(|ΔW₁|² + |ΔW₂|²) in this basis.
			dyno := 0.0
			for i := 0; i < n; i++ {
				a := cmplx.Abs(dw[0][i]) / scal[i]
				b := cmplx.Abs(dw[1][i]) / scal[i]
				c := cmplx.Abs(dw[2][i]) / scal[i]
				dyno += a*a + 2*(b*b+c*c)
			}
			dyno = math.Sqrt(dyno / float64(3*n))
			if newt > 1 && newt < nit {
				thq := dyno / dynold
				if newt == 2 {
					theta = thq
				} else {
					theta = math.Sqrt(thq * thqold)
				}
				thqold = thq
				if theta < 0.99 {
					faccon = theta / (1 - theta)
					dyth := faccon * dyno * math.Pow(theta, float64(nit-1-newt)) / fnewt
					if dyth >= 1 {
						qnewt := math.Max(1e-4, math.Min(20, dyth))
						hhfac = 0.8 * math.Pow(qnewt, -1/(4+float64(nit-1-newt)))
						break
					}
				} else {
					failed = true
					break
				}
			}
			dynold = math.Max(dyno, radauURound)
			// ΔZ = V ΔW.
			for k := 0; k < 3; k++ {
				v := tr.v[k]
				for i := 0; i < n; i++ {
					zc[k][i] = v[0]*dw[0][i] + v[1]*dw[1][i] + v[2]*dw[2][i]
				}
				fromC(ftmp, zc[k])
				for i := range ftmp {
					z[k][i] += ftmp[i]
				}
			}
			if faccon*dyno <= fnewt {
				break
			}
		}
		if failed || hhfac > 0 {
			if failed {
				hhfac = 0.5
			}
			h *= hhfac
			reject, onTarget = true, false
			newtonFailed = true
			cs.Rejected()
			st.NRejected++
			rs.NNewtonFail++
			needDec = true
			if !caljac {
				needJac = true
			}
			continue
		}
		// Error estimate.
		hT := linalg.FromFloat[T](h)
		d0, d1, d2 := linalg.FromFloat[T](radauDD[0]), linalg.FromFloat[T](radauDD[1]), linalg.FromFloat[T](radauDD[2])
		for i := 0; i < n; i++ {
			f2[i] = (d0*z[0][i] + d1*z[1][i] + d2*z[2][i]) / hT
			cont[i] = f2[i] + f0[i]
		}
		lu1.SolveTo(cont, cont)
		errn := rmsScaled(cont, scal)
		if errn >= 1 && (first || reject) {
			for i := range y {
				ytmp[i] = y[i] + cont[i]
			}
			eval(ftmp, x, ytmp)
			for i := range cont {
				cont[i] = ftmp[i] + f2[i]
			}
			lu1.SolveTo(cont, cont)
			errn = rmsScaled(cont, scal)
		}
		if math.IsNaN(errn) {
			errn = math.Inf(1)
		}
		errn = math.Max(errn, 1e-10)
		se := ode.StepError{Err2: -1, Err: errn, Iter: newt, MaxIter: nit}
		if errn >= 1 {
			// Rejected by the error test.
			reject, onTarget = true, false
			newtonFailed = false
			st.NRejected++
			if st.NAccepted >= 1 {
				rs.NRejectErr++
			}
			h = ctrl.Reject(cs, h, se)
			needDec = true
			if !caljac {
				needJac = true
			}
			continue
		}
		// Accepted.
		first = false
		newtonFailed = false
		st.NAccepted++
		rs.MaxNewtonIter = max(rs.MaxNewtonIter, newt)
		hnew := ctrl.Accept(cs, h, se)
		xold := x
		hold = h
		copy(yold, y)
		x += h
		for i := range y {
			y[i] += z[2][i]
		}
		for k := 0; k < 3; k++ {
			copy(zacc[k], z[k])
		}
		if onTarget {
			x = tgt
		}
		last := x == t1 || t1-x <= 4*radauURound*math.Abs(t1)
		if last {
			x = t1
		}
		// Output, events on the collocation polynomial (a terminal one
		// cuts the step at its zero), observer.
		dense := radauDense[T]{t0: xold, h: h, t1: x, y0: yold, z: &zacc}
		if _, _, err := r.Accepted(xold, x, y, &dense); err != nil {
			return err
		}
		if !linalg.AllFinite(y) {
			return fmt.Errorf("%w: at t = %v", ode.ErrNonFinite, x)
		}
		if last {
			return nil
		}
		eval(f0, x, y)
		hnew = math.Min(hnew, hmaxn) // (after a rejection ctrl capped it at h)
		reject = false
		caljac = false
		tgt, onTarget = target(), false
		if x+hnew/quot1 >= tgt {
			h = tgt - x
			onTarget = true
		} else {
			qt := hnew / h
			if theta <= thet && qt >= quot1 && qt <= quot2 {
				continue // label 30: keep h and the factorizations
			}
			h = hnew
		}
		if theta <= thet {
			needDec = true
		} else {
			needJac = true
		}
	}
}

// radauURound is the rounding unit of RADAU5's defaults (WORK(1) = 1e−16):
// it enters the Newton tolerance, the step-size floor and the
// finite-difference increments.
const radauURound = 1e-16

// radauLagrange returns the Lagrange basis polynomials of the nodes
// {0, c₁, c₂, 1} belonging to c₁, c₂ and 1, at θ.
func radauLagrange(th float64) [3]float64 {
	c := [3]float64{radauC[0], radauC[1], 1}
	var l [3]float64
	for k := 0; k < 3; k++ {
		p := th / c[k]
		for j := 0; j < 3; j++ {
			if j != k {
				p *= (th - c[j]) / (c[k] - c[j])
			}
		}
		l[k] = p
	}
	return l
}

func rmsScaled[T linalg.Scalar](v []T, scal []float64) float64 {
	s := 0.0
	for i, x := range v {
		a := linalg.Abs(x) / scal[i]
		s += a * a
	}
	return math.Sqrt(s / float64(len(v)))
}

// fdJacobian writes the forward-difference Jacobian of f at (t, y) into jac
// (row-major), given fy = f(t, y) and two scratch vectors. The increment
// √(u·max(1e−5, |y_j|)) with u = 1e−16 is RADAU5's; it is real, which gives
// the complex derivative for holomorphic f.
func fdJacobian[T linalg.Scalar](jac []T, f ode.Func[T], t float64, y, fy, ytmp, ftmp []T) {
	n := len(y)
	copy(ytmp, y)
	for j := 0; j < n; j++ {
		d := math.Sqrt(radauURound * math.Max(1e-5, linalg.Abs(y[j])))
		ytmp[j] = y[j] + linalg.FromFloat[T](d)
		f(ftmp, t, ytmp)
		for i := 0; i < n; i++ {
			jac[i*n+j] = (ftmp[i] - fy[i]) / linalg.FromFloat[T](d)
		}
		ytmp[j] = y[j]
	}
}
