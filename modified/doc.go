// Package modified implements gradient descent (GD) and the continuous
// flows that model it: the backward-error (modified) flows of every order
// up to three, the principal flow of Rosca, Wu, Qin and Dherin (TMLR 2023)
// with its non-principal correction, and the modified flows of heavy-ball
// momentum, of SGD with random reshuffling and of two-player games.
//
// Notation (docs/theory.md): loss E, gradient g = ∇E, Hessian H = ∇²E,
// D³E[u,v] the third derivative contracted with two vectors, learning rate
// h. One GD step is flow time h: a flow θ(t) is compared with the GD
// iterate θ_n at t = n·h.
//
// # Gradient descent
//
// GD runs θ_{k+1} = θ_k − h∇E(θ_k) on a problems.Problem in float64 or, for
// holomorphic losses, complex128 (where the principal flow lives), and
// returns the iterates with their losses, gradient norms and rates.
// GDSettings adds a per-step learning-rate rule (for example the
// drift-adjusted rate of docs/theory.md) and heavy-ball momentum. Overflow
// or NaN stops the run with an error wrapping ErrDiverged that names the
// step, together with the iterates computed before it. GDStep is one step
// into a destination.
//
// # Flows
//
// A Flow is an autonomous right-hand side θ' = F(θ) for the integrators of
// package ode (ode.Solve, ode.NewIntegrator, the exponential and stiff
// integrators), with the learning rate and dimension it was built for.
// New builds a registered flow by name, in float64 or complex128:
//
//	ngf     θ' = −g                                        local error O(h²)
//	igr     θ' = −g − (h/2)Hg                              O(h³)
//	bea3    igr − h²(⅓H²g + (1/12)D³E[g,g])                O(h⁴)
//	bea4    bea3 − h³(¼H³g + (1/12)H·D³E[g,g] + (1/12)D³E[g,Hg])   O(h⁵)
//	bea:K   Σ_{|t| ≤ K+1} h^(|t|−1) ω(t)/σ(t) F(t), K ≤ 8               O(h^(K+2))
//	pf      θ' = φ(hH)g, φ(z) = log(1 − z)/z               O(h³), exact on quadratics
//	pf+np   θ' = φ(hH)g − (h²/12)D³E[g,g]                  O(h⁴)
//	pf-re   Re φ(hH)g (a diagnostic, not from the paper)
//
// Names lists them and Describe gives the one-line description. The
// backward-error flows (NewBEA) are the modified equation of the explicit
// Euler method (Hairer, Lubich, Wanner, Geometric Numerical Integration,
// Sec. IX.1) with f = −g; igr is the implicit gradient regularisation flow
// of Barrett and Dherin (ICLR 2021). They use gradients, Hessian-vector
// products and D³E only, so they scale to large problems, and they do not
// allocate per evaluation.
//
// bea:K (NewBEAK) keeps every term up to h^K, from the exact B-series
// coefficients ω of package bseries; K is the highest power of h kept, so
// bea:0, bea:1, bea:2 and bea:3 are ngf, igr, bea3 and bea4 (the old names
// stay as aliases). For K ≥ 4 it needs derivatives beyond D³E, which
// problems.DerivsOf provides for generic problems (docs/bseries.md).
//
// The principal flow (PF, NewPF, NewPFNP, NewPFRe) sums all the principal
// terms h^p H^p g of the expansion. For hλ > 1 it is complex; its
// evaluation has a dense, a constant-Hessian and a Krylov back-end, and it
// continues the branch of the logarithm along the trajectory, state that
// a Flow carries between accepted steps: integrate a Flow with
// Flow.Solve (any ode.Method), which commits that state after every
// accepted step and never after a rejected one (through Flow.Wire, or in
// the exponential integrators themselves). See PF for the details and the
// treatment of the pole hλ = 1, and ExpMethod for the exponential
// integrators ETD4, ETD2 and ExpEuler, exact on quadratics.
//
// # Beyond the paper
//
// NewMomentum is the modified flow of heavy-ball momentum of orders 0 to 2
// on its invariant manifold (after Kovachki and Stuart, JMLR 2021);
// NewSGDFlow is the implicit regulariser E + (h/4)·mean_k‖∇E_k‖² of SGD
// with random reshuffling (Smith, Dherin, Barrett, De, ICLR 2021) on a
// SumLoss such as LeastSquares, with the discrete SGD and SGDEpoch next to
// it; NewGameFlow is the discretisation drift of simultaneous and
// alternating Euler on a Game such as ZeroSumGame (Rosca, Wu, Dherin,
// Barrett, ICML 2021). The tests check each against its discrete algorithm
// by observed local orders.
//
// # Errors
//
// Bad input (nil or empty problem, non-positive or non-finite learning
// rate, a start point of the wrong length or with NaN or Inf) gives an
// error wrapping ErrInvalidInput, a complex flow of a non-holomorphic loss
// one wrapping problems.ErrNotHolomorphic, an unknown name ErrUnknownFlow.
// Slice-length mismatches in the low-level calls are programmer errors and
// panic with a "modified: …" message.
//
// A Flow owns workspaces (and, for the principal flow, branch state): it
// is not safe for concurrent use. Build one per goroutine.
package modified
