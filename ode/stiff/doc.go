// Package stiff integrates stiff systems y' = f(t, y) with real (float64)
// or complex (complex128) states.
//
// # Radau IIA
//
// Radau5 is the three-stage Radau IIA method of order 5 with adaptive steps,
// a Go rendering of the algorithm of Hairer's RADAU5 (Hairer & Wanner,
// Solving Ordinary Differential Equations II, Springer 1996, IV.8):
// simplified Newton iterations decoupled by the eigen-decomposition of the
// Runge–Kutta matrix, Jacobian reuse, the embedded error estimate and
// Gustafsson's predictive controller. Jacobians come from Problem.Jac or
// from forward differences. For complex states the same algorithm runs in
// complex arithmetic (three n×n complex systems instead of one real and one
// complex); error norms are real (|z|) and time is real.
//
// # Exponential integrators
//
// ExpEuler (for y' = Ly + N(t, y) with constant L) and ExpRosenbrockEuler
// (for y' = f(y), linearised at every step) use the matrix functions e^A and
// φ₁(A) = A⁻¹(e^A − I) computed by ExpPhi1 via the exponential of an
// augmented matrix. Both are exact on linear problems for any step size.
//
// # Benchmarks
//
// VanDerPol runs the project's vanderpol benchmark problem with Radau5.
//
// # Errors
//
// Invalid settings or inputs return errors wrapping ode.ErrInvalidSettings;
// failures during integration return the partial Solution with
// ode.ErrMaxSteps, ode.ErrStepTooSmall or ode.ErrNonFinite. Slice length
// mismatches panic.
package stiff
