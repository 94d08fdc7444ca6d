package geometric

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"gonum.org/v1/gonum/floats"
)

// DiscreteGradient is a discrete-gradient method for the gradient flow
// θ' = −∇E(θ) (Problem.Energy; real states, fixed steps): AVF or
// Itoh–Abe. The zero fields take the defaults.
type DiscreteGradient struct {
	// ItohAbe selects the Itoh–Abe gradient instead of AVF.
	ItohAbe bool
	// Nodes is the number of Gauss–Legendre nodes (1…4) of the AVF
	// quadrature; it integrates polynomial gradients of degree 2·Nodes−1
	// along the segment exactly. Default 3.
	Nodes int
	// Tol is the Newton tolerance on the max-norm of the correction,
	// relative to 1 + ‖θ‖∞. Default 1e−14.
	Tol float64
	// MaxIter bounds the Newton iterations per step. Default 50.
	MaxIter int
}

// AVF and ItohAbe are the discrete-gradient methods with the default
// settings, registered as "avf" and "itoh-abe".
var (
	AVF     = DiscreteGradient{}
	ItohAbe = DiscreteGradient{ItohAbe: true}
)

func (m DiscreteGradient) get() (DiscreteGradient, error) {
	d := m
	if d.Nodes == 0 {
		d.Nodes = 3
	}
	if d.Nodes < 1 || d.Nodes > 4 || math.IsNaN(d.Tol) || d.Tol < 0 || d.MaxIter < 0 {
		return d, fmt.Errorf("%w: discrete gradient Nodes = %d (1…4), Tol = %v, MaxIter = %d", ode.ErrInvalidSettings, m.Nodes, m.Tol, m.MaxIter)
	}
	if d.Tol == 0 {
		d.Tol = 1e-14
	}
	if d.MaxIter == 0 {
		d.MaxIter = 50
	}
	return d, nil
}

// Info implements ode.Method.
func (m DiscreteGradient) Info() ode.MethodInfo {
	if m.ItohAbe {
		return ode.MethodInfo{Name: "itoh-abe", Order: 1, Fixed: true, Implicit: true, Needs: []string{"Energy"}, Real: true,
			Family: "discrete gradient", Reference: "Itoh & Abe, J. Comput. Phys. 76 (1988) 85"}
	}
	return ode.MethodInfo{Name: "avf", Order: 2, Fixed: true, Implicit: true, Needs: []string{"Energy"}, Real: true,
		Family: "discrete gradient", Reference: "McLachlan, Quispel & Robidoux, Phil. Trans. R. Soc. A 357 (1999) 1021"}
}

// RunReal implements ode.Method.
func (m DiscreteGradient) RunReal(r *ode.Run[float64]) error {
	d, err := m.get()
	if err != nil {
		return err
	}
	if m.ItohAbe {
		return runItohAbe(r)
	}
	return runAVF(r, d)
}

// RunComplex implements ode.Method: discrete gradients need a real energy.
func (m DiscreteGradient) RunComplex(*ode.Run[complex128]) error {
	return fmt.Errorf("%w: %s needs a real energy (real states)", ode.ErrUnsupported, m.Info().Name)
}

// runAVF integrates θ' = −∇E with the average vector field discrete gradient
//
//	(θ₁ − θ₀)/h = −∫₀¹ ∇E(θ₀ + ξ(θ₁ − θ₀)) dξ
//
// (R. I. McLachlan, G. R. W. Quispel, N. Robidoux, Phil. Trans. R. Soc. A 357
// (1999) 1021; E. Celledoni et al., J. Comput. Phys. 231 (2012) 6770). Since
// E(θ₁) − E(θ₀) = ∫∇E·(θ₁ − θ₀) = −|θ₁ − θ₀|²/h, E decreases at every step
// for every h > 0 when the integral is exact: the Nodes-point Gauss rule is
// exact for polynomial E of degree ≤ 2·Nodes. The implicit equation is the
// stationarity condition of Φ(θ₁) = |θ₁ − θ₀|²/(2h) + Σ_j w_j (E(θ₀ +
// ξ_j(θ₁ − θ₀)) − E(θ₀))/ξ_j, which is minimised by Newton's method with an
// Armijo line search on Φ and a Levenberg shift where E is not convex.
// Stats.NFev counts gradient evaluations (E itself is evaluated for Φ);
// failure to converge returns ode.ErrNoConvergence with the partial
// solution.
func runAVF(run *ode.Run[float64], d DiscreteGradient) error {
	prob, x0 := run.Problem.Energy, run.Y0
	var h float64 // the current step
	n := len(x0)
	var xg, wg []float64
	{
		_, b, c := GaussTableau(d.Nodes)
		xg, wg = c, b
	}
	x := append([]float64(nil), x0...)
	y := make([]float64, n) // unknown θ₁
	r := make([]float64, n)
	rt := make([]float64, n)
	yt := make([]float64, n)
	z := make([]float64, n)
	g := make([]float64, n)
	g2 := make([]float64, n)
	hz := make([]float64, n*n)
	hz2 := make([]float64, n*n)
	jm := make([]float64, n*n)
	fac := new(linalg.LU[float64])
	// residual R(y) = y − x + h Σ w_j ∇E(x + ξ_j(y − x))
	resid := func(dst, y []float64) {
		for i := range dst {
			dst[i] = y[i] - x[i]
		}
		for j := range xg {
			for i := range z {
				z[i] = x[i] + xg[j]*(y[i]-x[i])
			}
			prob.Grad(g, z)
			run.Stats.NFev++
			for i := range dst {
				dst[i] += h * wg[j] * g[i]
			}
		}
	}
	hess := func(dst, z []float64) {
		run.Stats.NJev++
		if prob.Hess != nil {
			prob.Hess(dst, z)
			return
		}
		prob.Grad(g, z)
		run.Stats.NFev++
		for k := 0; k < n; k++ {
			e := math.Sqrt(0x1p-52) * math.Max(1, math.Abs(z[k]))
			old := z[k]
			z[k] = old + e
			prob.Grad(g2, z)
			run.Stats.NFev++
			z[k] = old
			for i := 0; i < n; i++ {
				dst[i*n+k] = (g2[i] - g[i]) / e
			}
		}
	}
	norm := func(v []float64) float64 { return maxAbs(v) }
	// merit Φ(y) = |y − x|²/(2h) + Σ_j w_j (E(x + ξ_j(y − x)) − E(x))/ξ_j,
	// whose gradient is exactly R(y)/h and whose Hessian is J/h.
	merit := func(y []float64, ex float64) float64 {
		phi := 0.0
		for i := range y {
			phi += (y[i] - x[i]) * (y[i] - x[i])
		}
		phi /= 2 * h
		for j := range xg {
			for i := range z {
				z[i] = x[i] + xg[j]*(y[i]-x[i])
			}
			phi += wg[j] * (prob.E(z) - ex) / xg[j]
		}
		return phi
	}
	return run.Fixed(func(t, hk float64, xin, xout []float64) error {
		h = hk
		copy(x, xin)
		copy(y, x)
		resid(r, y)
		ex := prob.E(x)
		phi := 0.0
		scale := 1 + norm(x)
		ok := false
		for it := 0; it < d.MaxIter; it++ {
			// J = I + h Σ w_j ξ_j H(x + ξ_j(y − x))
			clear(hz2)
			for j := range xg {
				for i := range z {
					z[i] = x[i] + xg[j]*(y[i]-x[i])
				}
				hess(hz, z)
				for i := range hz2 {
					hz2[i] += h * wg[j] * xg[j] * hz[i]
				}
			}
			// Newton direction for Φ; where J is not positive definite
			// (non-convex E), shift it (Levenberg–Marquardt) until the
			// direction is a descent direction of Φ.
			mu := 0.0
			descent := false
			for try := 0; try < 60; try++ {
				copy(jm, hz2)
				for i := 0; i < n; i++ {
					jm[i*n+i] += 1 + mu
				}
				run.Stats.NLU++
				if fac.Factorize(jm, n) == nil {
					copy(rt, r)
					fac.SolveTo(rt, rt) // y_new = y − rt
					if floats.Dot(rt, r) > 0 {
						descent = true
						break
					}
				}
				mu = math.Max(2*mu, 1e-3*(1+norm(hz2)))
			}
			if !descent {
				// R = 0 already (or a hopeless Hessian): stop if converged.
				ok = norm(r) == 0
				break
			}
			step := norm(rt)
			phi = merit(y, ex)
			lam := 1.0
			for ls := 0; ls < 60; ls++ {
				for i := range yt {
					yt[i] = y[i] - lam*rt[i]
				}
				// Armijo on Φ: ∇Φ·(−rt) = −R·rt/h.
				// Close to the solution the decrease of Φ is below its
				// round-off: take the full (quadratically convergent) step.
				if step <= 1e-6*scale {
					break
				}
				if pn := merit(yt, ex); pn <= phi-1e-4*lam*floats.Dot(rt, r)/h {
					break
				}
				lam /= 2
			}
			copy(y, yt)
			resid(r, y)
			if step <= d.Tol*scale {
				ok = true
				break
			}
		}
		if !ok || !linalg.AllFinite(y) {
			run.Stats.NRejected++
			return fmt.Errorf("%w: AVF Newton at t = %v, h = %v", ode.ErrNoConvergence, t, h)
		}
		copy(xout, y)
		return nil
	})
}

// runItohAbe integrates θ' = −∇E with the Itoh–Abe discrete gradient
// (T. Itoh, K. Abe, J. Comput. Phys. 76 (1988) 85; M. J. Ehrhardt et al.,
// "Geometric numerical integration of gradient flows", 2018): coordinates
// are updated one at a time by solving the scalar equation
//
//	(s − a)/h = −(E(…, s, …) − E(…, a, …))/(s − a)
//
// for the new value s of the coordinate a, so that E changes by −(s − a)²/h.
// The root is bracketed and bisected, and the bracket end on which the
// decrease is guaranteed is kept, so that E(θ₁) ≤ E(θ₀) holds in floating
// point (as evaluated by prob.E) for every h > 0. Only E is used (Grad and
// Hess may be nil); Stats.NFev counts evaluations of E. E must be bounded
// below.
func runItohAbe(run *ode.Run[float64]) error {
	prob := run.Problem.Energy
	x := append([]float64(nil), run.Y0...)
	ev := func() float64 { run.Stats.NFev++; return prob.E(x) }
	return run.Fixed(func(t, h float64, xin, xout []float64) error {
		copy(x, xin)
		for i := range x {
			a := x[i]
			ea := ev()
			if math.IsNaN(ea) || math.IsInf(ea, 0) {
				return fmt.Errorf("%w: E not finite at t = %v", ode.ErrNonFinite, t)
			}
			// G(s) = (s − a)/h + (E(s) − E(a))/(s − a); G(s) > 0 for s < a
			// (or < 0 for s > a) guarantees E(s) < E(a).
			G := func(s float64) (float64, float64) {
				x[i] = s
				es := ev()
				return (s-a)/h + (es-ea)/(s-a), es
			}
			// Direction from a small probe of the slope.
			dlt := math.Sqrt(0x1p-52) * math.Max(1, math.Abs(a))
			gp, _ := G(a + dlt)
			gm, _ := G(a - dlt)
			dir := -1.0 // move down where the slope is positive
			slope := (gp + gm) / 2
			if slope < 0 {
				dir = 1
			}
			if math.Abs(gp) < 1e-300 && math.Abs(gm) < 1e-300 {
				x[i] = a
				continue
			}
			// Bracket: near end "good" (sign ensuring decrease), far end "bad".
			good := a + dir*dlt
			gg, eg := G(good)
			if dir*gg > 0 || eg > ea {
				// no decrease possible at the probe scale: keep a
				x[i] = a
				continue
			}
			// First trial: the explicit Euler move h·|E'(a)|, then doubling.
			w := math.Max(dlt, h*math.Abs(slope)) / 2
			bad, gb := good, math.NaN()
			found := false
			for it := 0; it < 2100; it++ {
				w *= 2
				s := a + dir*w
				gs, es := G(s)
				if math.IsNaN(gs) || math.IsInf(es, 1) || dir*gs > 0 {
					bad, gb = s, gs
					found = true
					break
				}
				good, gg, eg = s, gs, es
			}
			// Illinois (modified regula falsi) on the bracket, keeping the
			// end where the decrease is guaranteed.
			side := 0
			for it := 0; found && it < 200 && gg != 0; it++ {
				mid := (good + bad) / 2
				if !math.IsNaN(gb) && !math.IsInf(gb, 0) && gb != gg {
					if m := good - gg*(bad-good)/(gb-gg); (m-good)*(m-bad) < 0 {
						mid = m
					}
				}
				if mid == good || mid == bad || math.Abs(bad-good) <= 4*0x1p-52*math.Abs(good) {
					break
				}
				gs, es := G(mid)
				if math.IsNaN(gs) || dir*gs > 0 {
					bad, gb = mid, gs
					if side == -1 {
						gg /= 2
					}
					side = -1
				} else {
					good, gg, eg = mid, gs, es
					if side == 1 {
						gb /= 2
					}
					side = 1
				}
			}
			if eg <= ea {
				x[i] = good
			} else {
				x[i] = a
			}
		}
		copy(xout, x)
		return nil
	})
}
