// Package benchprob defines the benchmark problems of docs/benchmarks.md
// once, for `pflow bench`, the tests and benchmarks of package ode, and the
// kepler benchmark of ode/geometric (KeplerBench takes its force, initial
// value, energy and sample times from here): the right-hand sides,
// initial values, integration intervals, reference solutions and error
// measures, exactly as that document states them.
//
// The package imports only package linalg of the module (for the dense
// matrix-vector products), which imports no other, so that the internal
// tests of package ode can use it without an import cycle; solving is left
// to the caller.
//
// # Problems
//
//   - arenstorf: the restricted three-body orbit of Hairer, Nørsett,
//     Wanner, Solving ODEs I (1993), §II.0, over one period; error
//     ‖y(T) − y0‖∞.
//   - lorenz: σ = 10, ρ = 28, β = 8/3 on [0, 20]; error against a
//     40-digit Taylor-series reference (reference_test.go).
//   - vanderpol: ε = 1e-3 on [0, 2] (Hairer, Wanner, Solving ODEs II,
//     §IV.10); error against a Taylor-series reference. VanDerPolJac is
//     its Jacobian, for the radau5 rows.
//   - kepler_energy, kepler_final: e = 0.5 over 1000 periods (Hairer,
//     Lubich, Wanner, Geometric Numerical Integration, §I.2). KeplerForce
//     is its force −q/|q|³, for splitting methods.
//   - gradflow_dN, principal_dN: linear gradient and principal flows on a
//     reproducible symmetric positive definite matrix (SPD), stored dense
//     and applied by dense products (linalg.MulVec, CMatVec) as the peers
//     do; gradflow_dN_householder, principal_dN_householder: the same
//     flows with the matrix applied in O(d) through its Householder factors
//     (a different, cheaper workload).
package benchprob
