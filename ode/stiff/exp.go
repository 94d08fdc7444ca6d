package stiff

import (
	"fmt"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"gonum.org/v1/gonum/mat"
)

// ExpPhi1 writes e^A into expA and φ₁(A) = A⁻¹(e^A − I) = Σ_k A^k/(k+1)!
// into phi1 (either may be nil) for the n×n row-major matrix a.
//
// φ₁ is computed without forming A⁻¹ or the cancelling difference
// e^A − I: it is the top-right block of the exponential of the augmented
// matrix [[A, I], [0, 0]] (N. J. Higham, Functions of Matrices, SIAM 2008,
// Thm. 10.11; A. H. Al-Mohy, N. J. Higham, SIAM J. Matrix Anal. Appl. 30
// (2009) 1639), evaluated by gonum's scaling-and-squaring mat.Dense.Exp, so
// it is accurate for singular and small A alike. Complex matrices go through
// the real 2n×2n embedding X + iY ↦ [[X, −Y], [Y, X]], whose exponential is
// the embedding of the complex exponential.
func ExpPhi1[T linalg.Scalar](expA, phi1, a []T, n int) {
	if len(a) != n*n || (expA != nil && len(expA) != n*n) || (phi1 != nil && len(phi1) != n*n) {
		panic("stiff: ExpPhi1 slice length mismatch")
	}
	realT := isReal[T]()
	m := n
	if !realT {
		m = 2 * n
	}
	aug := mat.NewDense(2*m, 2*m, nil)
	ac := make([]complex128, n*n)
	toC(ac, a)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			z := ac[i*n+j]
			aug.Set(i, j, real(z))
			if !realT {
				aug.Set(i, j+n, -imag(z))
				aug.Set(i+n, j, imag(z))
				aug.Set(i+n, j+n, real(z))
			}
		}
	}
	for i := 0; i < m; i++ {
		aug.Set(i, m+i, 1)
	}
	var e mat.Dense
	e.Exp(aug)
	out := make([]complex128, n*n)
	get := func(dst []T, col0 int) {
		if dst == nil {
			return
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if realT {
					out[i*n+j] = complex(e.At(i, col0+j), 0)
				} else {
					out[i*n+j] = complex(e.At(i, col0+j), e.At(i+n, col0+j))
				}
			}
		}
		fromC(dst, out)
	}
	get(expA, 0)
	get(phi1, m)
}

// SemiLinear is a system y' = L y + N(t, y) with a constant n×n matrix L
// (row-major) and a non-stiff remainder N.
type SemiLinear[T linalg.Scalar] struct {
	L []T
	N ode.Func[T]
}

func checkExp[T linalg.Scalar](t0, h float64, nsteps int, y0 []T) error {
	if !linalg.IsFinite(t0) || !(h > 0) || !linalg.IsFinite(h) || nsteps < 0 {
		return fmt.Errorf("%w: t0 = %v, h = %v, nsteps = %d", ode.ErrInvalidSettings, t0, h, nsteps)
	}
	if !linalg.AllFinite(y0) {
		return fmt.Errorf("%w: initial state is not finite", ode.ErrInvalidSettings)
	}
	return nil
}

// ExpEuler integrates y' = Ly + N(t, y) with nsteps fixed steps of the
// exponential Euler method
//
//	y_{k+1} = e^{hL} y_k + h φ₁(hL) N(t_k, y_k)
//
// (M. Hochbruck, A. Ostermann, "Exponential integrators", Acta Numerica 19
// (2010) 209, Sec. 2.1): order 1, exact when N is constant, in particular
// for linear problems y' = Ly, whatever the stiffness of L. e^{hL} and
// φ₁(hL) are computed once (ExpPhi1). Stats.NFev counts evaluations of N.
// A non-finite L or initial state returns ode.ErrInvalidSettings. It panics
// if len(L) != n².
func ExpEuler[T linalg.Scalar](p SemiLinear[T], t0 float64, y0 []T, h float64, nsteps int) (*Solution[T], error) {
	n := len(y0)
	if len(p.L) != n*n {
		panic("stiff: SemiLinear.L must be n×n")
	}
	if err := checkExp(t0, h, nsteps, y0); err != nil {
		return nil, err
	}
	if !linalg.AllFinite(p.L) {
		return nil, fmt.Errorf("%w: L has non-finite entries", ode.ErrInvalidSettings)
	}
	hl := make([]T, n*n)
	for i, v := range p.L {
		hl[i] = v * linalg.FromFloat[T](h)
	}
	e := make([]T, n*n)
	ph := make([]T, n*n)
	ExpPhi1(e, ph, hl, n)
	sol := &Solution[T]{TEnd: t0, t0: t0}
	y := append([]T(nil), y0...)
	sol.T = append(sol.T, t0)
	sol.Y = append(sol.Y, append([]T(nil), y...))
	nv := make([]T, n)
	yn := make([]T, n)
	hT := linalg.FromFloat[T](h)
	for k := 0; k < nsteps; k++ {
		t := t0 + float64(k)*h
		p.N(nv, t, y)
		sol.Stats.NFev++
		for i := 0; i < n; i++ {
			var s T
			for j := 0; j < n; j++ {
				s += e[i*n+j]*y[j] + hT*ph[i*n+j]*nv[j]
			}
			yn[i] = s
		}
		copy(y, yn)
		if !sol.recordStep(t0+float64(k+1)*h, y) {
			return sol, fmt.Errorf("%w: at t = %v", ode.ErrNonFinite, t+h)
		}
	}
	return sol, nil
}

// ExpRosenbrockEuler integrates y' = f(y) with nsteps fixed steps of the
// exponential Rosenbrock–Euler method
//
//	y_{k+1} = y_k + h φ₁(h J_k) f(y_k),   J_k = ∂f/∂y(y_k)
//
// (Hochbruck, Ostermann, Acta Numerica 2010, Sec. 4; Hochbruck, Ostermann,
// Schweitzer, SIAM J. Numer. Anal. 47 (2009) 786): order 2 for autonomous
// problems (f is evaluated at t_k but its time dependence is frozen over
// the step, so explicitly time-dependent problems get order 1), and exact
// for every linear problem y' = Ay + b. The Jacobian comes from p.Jac or
// forward differences; φ₁ from ExpPhi1 at every step.
func ExpRosenbrockEuler[T linalg.Scalar](p Problem[T], t0 float64, y0 []T, h float64, nsteps int) (*Solution[T], error) {
	if err := checkExp(t0, h, nsteps, y0); err != nil {
		return nil, err
	}
	n := len(y0)
	sol := &Solution[T]{TEnd: t0, t0: t0}
	y := append([]T(nil), y0...)
	sol.T = append(sol.T, t0)
	sol.Y = append(sol.Y, append([]T(nil), y...))
	fy := make([]T, n)
	jac := make([]T, n*n)
	ph := make([]T, n*n)
	ytmp, ftmp := make([]T, n), make([]T, n)
	hT := linalg.FromFloat[T](h)
	for k := 0; k < nsteps; k++ {
		t := t0 + float64(k)*h
		p.F(fy, t, y)
		sol.Stats.NFev++
		sol.Stats.NJev++
		if p.Jac != nil {
			p.Jac(jac, t, y)
		} else {
			fdJacobian(jac, p.F, t, y, fy, ytmp, ftmp)
			sol.Stats.NFev += n
		}
		if !linalg.AllFinite(jac) || !linalg.AllFinite(fy) {
			return sol, fmt.Errorf("%w: f or its Jacobian not finite at t = %v", ode.ErrNonFinite, t)
		}
		for i := range jac {
			jac[i] *= hT
		}
		ExpPhi1(nil, ph, jac, n)
		for i := 0; i < n; i++ {
			var s T
			for j := 0; j < n; j++ {
				s += ph[i*n+j] * fy[j]
			}
			ytmp[i] = y[i] + hT*s
		}
		copy(y, ytmp)
		if !sol.recordStep(t0+float64(k+1)*h, y) {
			return sol, fmt.Errorf("%w: at t = %v", ode.ErrNonFinite, t+h)
		}
	}
	return sol, nil
}

// recordStep counts an accepted fixed step ending at tEnd, stores a copy
// of its state y and reports whether y is finite.
func (sol *Solution[T]) recordStep(tEnd float64, y []T) bool {
	sol.Stats.NSteps++
	sol.Stats.NAccepted++
	sol.TEnd = tEnd
	sol.T = append(sol.T, tEnd)
	sol.Y = append(sol.Y, append([]T(nil), y...))
	return linalg.AllFinite(y)
}
