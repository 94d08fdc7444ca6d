// Package linalg is the linear algebra of the principal flow: generic vector
// kernels over float64 and complex128, real symmetric and complex
// (general and complex symmetric) eigendecompositions, real and complex LU,
// matrix functions f(A)v, the scalar φ(z) = log(1 − z)/z, and Krylov
// methods that need only matrix-vector products.
//
// # Storage
//
// Dense matrices are row-major slices of length n·n (a[i*n+j] = A_ij) with
// the order n passed alongside; eigenvectors are the columns of such a
// matrix. Vectors are plain slices. Destination arguments come first.
//
// # Vector kernels
//
// Axpy, AxpyTo, Scale, ScaleTo, Dot (bilinear xᵀy, no conjugation: the
// product of the holomorphic principal flow), DotC (Hermitian x̄ᵀy), Norm2,
// NormInf, Copy. They are generic over Scalar and dispatch to the assembly
// kernels of gonum's floats and cmplxs packages (and blas/gonum's Zdotu for
// the bilinear complex dot); BenchmarkDispatch shows that the dispatch costs
// nothing measurable.
//
// # Eigendecompositions
//
// SymEig wraps LAPACK's DSYEV (gonum) for real symmetric matrices, with
// sorted eigenpairs and reusable workspaces: Factorize does not allocate
// after the first call, so a right-hand side can factorize the Hessian at
// every evaluation. CEig implements the algorithm of LAPACK's ZGEEV
// (Hessenberg reduction, implicit single-shift complex QR, triangular
// eigenvectors) for general complex matrices, and for complex symmetric
// matrices (Aᵀ = A, the Hessian of a holomorphic loss at complex θ) it
// normalises the eigenvectors so that uᵀu = 1. Defective matrices,
// quasi-null eigenvectors and a non-converging QR iteration are reported by
// errors (ErrDefective, ErrQuasiNull, ErrNoConvergence).
//
// # LU factorization
//
// LU[T] is a dense LU factorization with partial pivoting over float64 or
// complex128 (Factorize, SolveTo, Det) that does not allocate after the
// first call: the Newton systems of the implicit integrators in ode/stiff
// and ode/geometric use it. CLU is the complex factorization on the same
// elimination with LAPACK's pivot choice, the inverse and a Hager–Higham
// condition estimate.
//
// # Matrix functions
//
// SymEig.ApplyFunc, SymEig.ApplyDiagC, CEig.ApplyFunc and CEig.ApplyDiag
// apply f(A) = V f(Λ) V⁻¹ to a vector without allocating; FuncTo forms the
// matrix. The principal flow's θ' = φ(hH)g is
//
//	for j, l := range eig.Values() { d[j] = linalg.Phi(complex(h*l, 0)) }
//	eig.ApplyDiagC(dst, g, d)
//
// # The function φ
//
// Phi evaluates φ(z) = log(1 − z)/z on the principal branch with a Taylor
// series near 0 and a log(1 − z) that is accurate to a few ulp everywhere
// (tested against 300-bit references). φ(1) is complex(−Inf, 0)
// (IsPhiPole). On the cut z ∈ (1, ∞) the value is the limit from Im z < 0,
// so Im φ(x) = π/x. PhiContinued continues the branch of the logarithm from
// a previous value, as the principal flow needs along a trajectory whose
// eigenvalues cross the cut.
//
// # Krylov methods
//
// LanczosEig (extreme eigenpairs of a symmetric operator), LanczosFunc
// (f(A)v for real symmetric A) and ArnoldiFunc (f(A)v for general complex
// A) use full reorthogonalization; ComplexSymFunc (f(A)v for complex
// symmetric A, Aᵀ = A) uses the three-term complex symmetric Lanczos
// recurrence and falls back to Arnoldi on a breakdown. The f(A)v methods
// stop on an a-posteriori estimate of the error of the returned
// approximation (KrylovSettings.Tol). RationalFunc (f(A)v for real
// symmetric A by the extended Krylov method with a shift σ: products with
// A and solves with A − σI, for f singular inside the spectrum) takes its
// solves from ShiftedLDL, the blocked Bunch–Kaufman factorization of
// A − σI, which also gives the inertia. The Krylov type holds their
// workspace: its LanczosFuncTo, ArnoldiFuncTo, ComplexSymFuncTo and
// RationalFuncTo allocate nothing once the workspace has reached the sizes
// needed. SLQ is
// stochastic Lanczos quadrature for spectral densities (Ghorbani,
// Krishnan, Xiao, ICML 2019).
//
// # Errors
//
// Numerical trouble is returned as an error wrapping one of the sentinels
// (test with errors.Is); programmer errors such as mismatched slice lengths
// panic with a message starting "linalg: ".
package linalg
