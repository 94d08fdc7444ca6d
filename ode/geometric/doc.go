// Package geometric provides structure-preserving integrators: symplectic
// splitting and composition methods for separable Hamiltonian systems,
// Gauss–Legendre collocation (implicit midpoint and s = 1…4), conformal
// symplectic methods for damped systems such as heavy-ball momentum, and
// discrete-gradient methods for gradient flows.
//
// All methods take fixed steps. A generic adaptive step-size controller
// would destroy what makes them useful: the symplectic map with a
// state-dependent step is no longer symplectic, and the bounded energy error
// over exponentially long times is lost (Hairer, Lubich, Wanner, Geometric
// Numerical Integration, 2nd ed., Springer 2006, VIII.2; "GNI" below).
//
// # Separable Hamiltonians
//
// Separable describes H(q, p) = T(p) + V(q) by its two gradients;
// SecondOrder wraps q″ = F(q). Splitting methods are data (type Splitting:
// kick and drift coefficients, like gonum's fd.Formula): symplectic Euler in
// both orderings, Störmer–Verlet in kick-drift-kick and drift-kick-drift
// form, Ruth's third-order method, and compositions of Verlet with the
// published coefficients of Forest–Ruth/Yoshida (order 4), Suzuki (4),
// Yoshida (6, solution A) and Kahan–Li (6 and 8). Compose builds further
// compositions. Integrate runs any of them (Steps step by step); see
// docs/geometric.md for the table of orders, stages and references.
//
// # Implicit collocation
//
// Gauss and ImplicitMidpoint integrate a general y' = f(t, y) (real or
// complex) with the s-stage Gauss–Legendre method, order 2s. The stage
// equations are solved by fixed-point iteration or simplified Newton (user
// or finite-difference Jacobian) to round-off; failure is reported with
// ode.ErrNoConvergence. These methods are symplectic for every Hamiltonian
// and conserve every quadratic invariant (angular momentum, |y|² of a
// rotation) to round-off. Compensated summation is available.
//
// # Damped systems and momentum
//
// IntegrateConformal composes the exact damping flow p ↦ e^{−γt}p with a
// splitting method; the result contracts the symplectic form by exactly
// e^{−γh} per step, like the flow of q' = p, p' = −γp − ∇V(q). With
// symplectic Euler it reproduces Polyak's heavy ball; HeavyBall gives the
// parameter map h = √η, γ = −ln β/√η (França, Jordan, Vidal 2021).
//
// # Gradient flows
//
// AVF (average vector field) and ItohAbe are discrete-gradient methods for
// θ' = −∇E: E decreases at every step for every step size, which no
// explicit Runge–Kutta method achieves beyond its stability limit.
//
// # Errors
//
// Invalid inputs (non-positive or non-finite step, non-finite initial
// state) return errors wrapping ode.ErrInvalidSettings; blow-up returns the
// partial Solution with ode.ErrNonFinite. Slice length mismatches between
// arguments are programmer errors and panic.
package geometric
