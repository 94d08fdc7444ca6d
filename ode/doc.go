// Package ode integrates ordinary differential equations y' = f(t, y) whose
// state is a slice of float64 or complex128 (linalg.Scalar); time is always
// float64.
//
// # Methods
//
// Every integrator of the toolkit is a Method, run by the one Solve with one
// Problem, Settings and Solution: the explicit Runge–Kutta tableaus of this
// package, Radau5 and the exponential Euler methods (package ode/stiff), the
// splittings, Gauss collocation and discrete gradients (ode/geometric), and
// the principal flow's exponential integrators (package modified).
// LookupMethod finds any of them by name (the packages register their
// methods when imported), MethodNames lists them.
//
// This package's methods are the *Tableau values: explicit Runge–Kutta
// schemes as exported, validated data (Euler, Midpoint, Heun, Ralston, RK4,
// RK438, BS3, DOPRI5, Tsit5, DOP853, Vern7, Vern9), found by name with Lookup. Users may build their
// own Tableau and check it with Validate and OrderDefect. The built-in
// coefficients are checked in the tests against every order condition (all
// rooted trees up to the order, in exact rational arithmetic; for Vern9,
// whose coefficients lie in Q(√6), exactly modulo two large primes).
//
// # Solving
//
// Solve (and SolveContext, which also stops at a cancelled context)
// integrates a Problem from t0 to t1 (backwards when t1 < t0, for the
// methods that allow it) and returns a *Solution with the recorded times
// and states, located events, Stats and a Status. Settings (nil for
// defaults) choose tolerances, fixed or adaptive stepping, the step-size
// controller (I, PI, PID, Predictive; controller.go), output times (TEval),
// dense output (Solution.At), events, an observer, progress reports and
// budgets; Run writes these once for every method, and a method that cannot
// honour a setting refuses it with ErrUnsupported. On failure Solve returns
// the partial solution and an error wrapping one of the sentinels
// (errors.Is(err, ErrMaxSteps), …).
//
// For step-by-step control, NewIntegrator returns an *Integrator whose Step
// method advances one accepted step (Steps gives an iter.Seq2), with
// Interpolate for dense output inside the last step. Step does not allocate.
//
// # Step-size control
//
// Adaptive methods follow Hairer's DOPRI5 and DOP853 codes (Hairer, Nørsett,
// Wanner, Solving Ordinary Differential Equations I, 2nd ed., Sec. II.4,
// II.5, II.10): scaled RMS error with sc_i = atol_i + rtol·max(|y0_i|, |y1_i|)
// (complex modulus), the PI controller (type PI), initial step by HINIT,
// FSAL reuse, growth capped at 1 after a rejection, and the last step
// stretched when t + 1.01h passes t1. With the same settings the step counts
// equal those of the Fortran codes (Arenstorf: 238 steps, 217 accepted, 21
// rejected for DOPRI5 at rtol = atol = 1e-7, h0 = 1e-4). A non-finite error
// estimate rejects the step and shrinks it by PI.FacMin.
//
// # Order of operations after an accepted step
//
// After a step is accepted: (1) the state and statistics are updated and the
// FSAL stage is evaluated if it was deferred; (2) events are located on the
// step's dense output, and a terminal one truncates the step; (3) Solve
// records its outputs (every step, or the TEval points inside the step, and
// the dense-output segment) and passes them to Settings.Output; (4) the
// Observer is called with the new time and state; (5) Progress, at most once
// per ProgressEvery. The observer therefore sees each accepted step exactly once, never a
// rejected one, and an observer that changes the right-hand side (for example
// commits a branch of a multivalued function) affects only later steps; set
// Settings.RefreshFSAL so that the first stage of the next step is evaluated
// afresh rather than reused.
package ode
