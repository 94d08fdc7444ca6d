// Package verify measures how well the continuous-time flows of package
// modified follow gradient descent: backward-error experiments that compare
// the exact GD iterates θ_n with a flow's solution θ(t) at t = n·h, observed
// orders, and suites of checks with thresholds. It returns data and prints
// nothing; cmd/pflow renders it (pflow verify, pflow trajectory).
//
// # Comparing a flow with GD
//
// Compare integrates a flow (a name of modified.Names, GD itself, or a
// custom Builder) in complex128 with ode.DOP853 at rtol 1e-12 and records
// its dense output at every t = k·h; it runs GD (modified.GD) in float64 from
// the same point and returns, per step, the distance ‖θ_flow(kh) − θ_k‖₂
// (complex modulus), both losses and ‖Im θ_flow‖₂. The integration is
// repeated at 100× tighter tolerance with at least four steps per GD step;
// the largest difference, Result.IntegratorError, is the integrator's share
// of what is measured and is reported with every number.
//
// # Observed orders
//
// LocalOrder fits the one-step error ‖θ_flow(h) − θ_1‖ over a ladder
// h0, h0/2, …, h0/2^k (k ≥ 4) by least squares in log-log coordinates
// (gonum stat.LinearRegression) and reports the slope with its standard
// error and the spread of the pairwise slopes. GlobalOrder does the same for
// the error at a fixed time T = n·h. The expected values come from backward
// error analysis (Hairer, Lubich, Wanner, Geometric Numerical Integration,
// ch. IX) and from Rosca, Wu, Qin, Dherin, TMLR 2023 for the principal flow:
// local orders NGF 2, IGR 3, BEA3 4, PF 3, PF with its non-principal term 4;
// global orders one less.
//
// # Suites
//
// A Case is one row of data: problem, flow, learning rate, steps, the Check
// to compute and its Threshold. Evaluate runs one case; Run runs many on all
// cores and returns the Outcomes in input order. A case passes only if its
// check holds with the integrator's estimated error counted against it, so
// no verdict rests on integration error. Suite returns the default suite
// described in docs/verification.md: exactness of the principal flow on
// quadratics in every regime of hλ, observed local and global orders,
// continuation of the logarithm's branch, divergence beyond h = 2/λ, saddle
// escape, and escape from the sharp well of the double well.
package verify
