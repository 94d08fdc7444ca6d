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

// ExpEuler is the exponential Euler method (Nørsett's ETD1; registered as
// "etd1") for a semi-linear system y' = Ly + N(t, y) with a constant n×n
// matrix L (row-major), given to ode.Solve as Problem.Linear (a []T) with
// Problem.F the whole field f = Ly + N:
//
//	y_{k+1} = e^{hL} y_k + h φ₁(hL) N(t_k, y_k)
//
// (M. Hochbruck, A. Ostermann, "Exponential integrators", Acta Numerica 19
// (2010) 209, Sec. 2.1): order 1, exact when N is constant, in particular
// for linear problems y' = Ly, whatever the stiffness of L. It runs with
// fixed steps (Settings.Step or Steps); e^{hL} and φ₁(hL) are computed once
// per step size (ExpPhi1). Stats.NFev counts evaluations of f. A non-finite
// or misshapen L is refused with ode.ErrInvalidSettings.
var ExpEuler ExpEulerMethod

// ExpEulerMethod is the type of ExpEuler.
type ExpEulerMethod struct{}

// Info implements ode.Method.
func (ExpEulerMethod) Info() ode.MethodInfo {
	return ode.MethodInfo{Name: "etd1", Order: 1, Fixed: true, Needs: []string{"F", "Linear"}, Real: true, Complex: true,
		Family: "exponential", Reference: "Hochbruck & Ostermann, Acta Numerica 19 (2010) 209, Sec. 2.1"}
}

// RunReal implements ode.Method.
func (ExpEulerMethod) RunReal(r *ode.Run[float64]) error { return runExpEuler(r) }

// RunComplex implements ode.Method.
func (ExpEulerMethod) RunComplex(r *ode.Run[complex128]) error { return runExpEuler(r) }

func runExpEuler[T linalg.Scalar](r *ode.Run[T]) error {
	n := len(r.Y0)
	L, ok := r.Problem.Linear.([]T)
	if !ok || len(L) != n*n {
		return fmt.Errorf("%w: etd1 needs Problem.Linear = the n×n matrix L as a %T of length %d", ode.ErrInvalidSettings, L, n*n)
	}
	if !linalg.AllFinite(L) {
		return fmt.Errorf("%w: L has non-finite entries", ode.ErrInvalidSettings)
	}
	var hCur float64
	e, ph, hl := make([]T, n*n), make([]T, n*n), make([]T, n*n)
	fv, nv := make([]T, n), make([]T, n)
	return r.Fixed(func(t, h float64, y, yn []T) error {
		if h != hCur {
			for i, v := range L {
				hl[i] = v * linalg.FromFloat[T](h)
			}
			ExpPhi1(e, ph, hl, n)
			hCur = h
		}
		r.Eval(fv, t, y)
		for i := 0; i < n; i++ { // N = f − Ly
			var s T
			for j := 0; j < n; j++ {
				s += L[i*n+j] * y[j]
			}
			nv[i] = fv[i] - s
		}
		hT := linalg.FromFloat[T](h)
		for i := 0; i < n; i++ {
			var s T
			for j := 0; j < n; j++ {
				s += e[i*n+j]*y[j] + hT*ph[i*n+j]*nv[j]
			}
			yn[i] = s
		}
		return nil
	})
}

// ExpRosenbrockEuler is the exponential Rosenbrock–Euler method
// (registered as "exprb"), with fixed steps (Settings.Step or Steps):
//
//	y_{k+1} = y_k + h φ₁(h J_k) f(y_k),   J_k = ∂f/∂y(y_k)
//
// (Hochbruck, Ostermann, Acta Numerica 2010, Sec. 4; Hochbruck, Ostermann,
// Schweitzer, SIAM J. Numer. Anal. 47 (2009) 786): order 2 for autonomous
// problems (f is evaluated at t_k but its time dependence is frozen over
// the step, so explicitly time-dependent problems get order 1), and exact
// for every linear problem y' = Ay + b. The Jacobian comes from
// Problem.Jac or forward differences; φ₁ from ExpPhi1 at every step.
var ExpRosenbrockEuler ExpRosenbrockMethod

// ExpRosenbrockMethod is the type of ExpRosenbrockEuler.
type ExpRosenbrockMethod struct{}

// Info implements ode.Method.
func (ExpRosenbrockMethod) Info() ode.MethodInfo {
	return ode.MethodInfo{Name: "exprb", Order: 2, Fixed: true, Needs: []string{"F"}, Real: true, Complex: true,
		Family: "exponential", Reference: "Hochbruck, Ostermann & Schweitzer, SIAM J. Numer. Anal. 47 (2009) 786"}
}

// RunReal implements ode.Method.
func (ExpRosenbrockMethod) RunReal(r *ode.Run[float64]) error { return expRosenbrock(r) }

// RunComplex implements ode.Method.
func (ExpRosenbrockMethod) RunComplex(r *ode.Run[complex128]) error { return expRosenbrock(r) }

func init() {
	ode.RegisterMethod(ExpEuler)
	ode.RegisterMethod(ExpRosenbrockEuler)
}

func expRosenbrock[T linalg.Scalar](r *ode.Run[T]) error {
	n := len(r.Y0)
	p := r.Problem
	fy := make([]T, n)
	jac := make([]T, n*n)
	ph := make([]T, n*n)
	ytmp, ftmp := make([]T, n), make([]T, n)
	return r.Fixed(func(t, h float64, y, yn []T) error {
		r.Eval(fy, t, y)
		r.Stats.NJev++
		if p.Jac != nil {
			p.Jac(jac, t, y)
		} else {
			fdJacobian(jac, p.F, t, y, fy, ytmp, ftmp)
			r.Stats.NFev += n
		}
		if !linalg.AllFinite(jac) || !linalg.AllFinite(fy) {
			return fmt.Errorf("%w: f or its Jacobian not finite at t = %v", ode.ErrNonFinite, t)
		}
		hT := linalg.FromFloat[T](h)
		for i := range jac {
			jac[i] *= hT
		}
		ExpPhi1(nil, ph, jac, n)
		for i := 0; i < n; i++ {
			var s T
			for j := 0; j < n; j++ {
				s += ph[i*n+j] * fy[j]
			}
			yn[i] = y[i] + hT*s
		}
		return nil
	})
}
