package ode

import "github.com/pflow-go/pflow/linalg"

// Problem describes y' = F(t, y), with the optional parts some methods
// need, as a struct of functions (like gonum's optimize.Problem): a method
// uses the parts it needs and reports a missing one with an error wrapping
// ErrUnsupported. F is required by every method except the splittings,
// which use Split.
type Problem[T linalg.Scalar] struct {
	// F writes f(t, y) into dydt (see Func).
	F Func[T]
	// Jac optionally writes the n×n Jacobian ∂f/∂y at (t, y), row-major,
	// into dst (implicit methods: Radau5, Gauss). When nil those methods
	// use finite differences.
	Jac func(dst []T, t float64, y []T)
	// Split gives the two parts of a partitioned system y = (q, p),
	// q' = Velocity(p), p' = Force(q), for splitting and composition
	// methods (package geometric).
	Split *Split[T]
	// Energy gives a first integral or Lyapunov function E(y) and its
	// gradient, for discrete-gradient methods (AVF, Itoh–Abe) on the
	// gradient flow y' = −∇E(y) (real states only).
	Energy *Energy
	// Linear supplies the linear part of F for exponential methods. Its
	// type is the method's business: the principal flow's exponential
	// integrators (package modified) take the *modified.PF whose field F
	// is; other methods ignore it.
	Linear any
}

// Split is a partitioned vector field for splitting methods: the state is
// y = (q, p) with len(q) = len(p) = len(y)/2, and q' = Velocity(p),
// p' = Force(q) (a separable Hamiltonian system when Velocity = ∇T and
// Force = −∇V). The functions write into their first argument and must not
// retain or modify the second.
type Split[T linalg.Scalar] struct {
	Velocity func(dqdt, p []T)
	Force    func(dpdt, q []T)
}

// Energy is a function E with its gradient, for discrete-gradient methods
// on y' = −∇E(y).
type Energy struct {
	E    func(x []float64) float64
	Grad func(dst, x []float64)
	// Hess optionally writes the n×n Hessian (row-major) into dst; when
	// nil, methods that need it differentiate Grad by finite differences.
	Hess func(dst, x []float64)
}

// ProblemOf returns the Problem with the vector field f and no optional
// parts, the common case: ode.Solve(ode.ProblemOf(f), t0, t1, y0, ode.DOPRI5, nil).
func ProblemOf[T linalg.Scalar](f Func[T]) Problem[T] { return Problem[T]{F: f} }
