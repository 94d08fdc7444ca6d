// Package stiff integrates stiff systems y' = f(t, y) with real (float64)
// or complex (complex128) states.
//
// # Radau IIA
//
// Radau5 is the three-stage Radau IIA method of order 5 (stage order 3,
// L-stable) with adaptive steps, a Go rendering of Hairer's RADAU5 (Hairer &
// Wanner, Solving Ordinary Differential Equations II, Springer 1996, IV.8):
// simplified Newton iterations decoupled by the eigen-decomposition of the
// Runge–Kutta matrix, Jacobian and factorization reuse, extrapolated
// starting values, the embedded error estimate and Gustafsson's predictive
// controller, with RADAU5's tolerance transformation and constants. It takes
// the same steps as RADAU5: on Hairer's van der Pol (ε = 1e−6) and
// Robertson drivers every counter of RADAU5 (function and Jacobian
// evaluations, steps, accepted, rejected, decompositions, solves) is
// reproduced exactly (see the tests). Solution.Radau holds RADAU5's
// counters that ode.Stats lacks.
//
// Jacobians come from Problem.Jac or from forward differences. For complex
// states the same algorithm runs in complex arithmetic (three n×n complex
// systems instead of one real and one complex); error norms are real (|z|)
// and time is real.
//
// # Dense output, output times and events
//
// The stage values of a step define its collocation polynomial, the cubic
// through y₀ and the three stages (RADAU5's CONTR5). Settings.TEval records
// the solution at given times from it, Settings.Dense keeps it for
// Solution.At, and Problem.Events are located on it (sign changes on a
// sample grid, then the Illinois method). Its error is O(h⁴) in every
// regime, stiff or not, one order below the step values away from
// stiffness; it is not controlled by the tolerances and on stiff problems,
// where Radau5 takes long steps, it can exceed them by orders of magnitude.
// Settings.StopAtTEval makes the steps end at the TEval points instead.
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
// VanDerPol runs the project's vanderpol benchmark problem with Radau5 and
// returns the number of evaluations and the error against VanDerPolRef.
//
// # Errors
//
// Invalid settings or inputs return errors wrapping ode.ErrInvalidSettings.
// Failures during integration return the partial Solution (every accepted
// step, usable through At) with an error wrapping ode.ErrMaxSteps,
// ode.ErrStepTooSmall (together with ode.ErrNoConvergence when failed Newton
// iterations drove the step down), ode.ErrNoConvergence (a singular or
// non-finite iteration matrix for the fifth time) or ode.ErrNonFinite; a
// terminal event returns ode.ErrStopped. Slice length mismatches panic.
package stiff
