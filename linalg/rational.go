package linalg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// RationalFunc computes dst ≈ f(A)v by the rational (extended) Krylov
// method with a fresh workspace: see Krylov.RationalFuncTo.
func RationalFunc(dst []complex128, a, solve SymOperator, sigma float64, v []float64, f func(float64) complex128, s *KrylovSettings) (KrylovStats, error) {
	var k Krylov
	return k.RationalFuncTo(dst, a, solve, sigma, v, f, s)
}

// RationalFuncTo computes dst ≈ f(A)v for a real symmetric A and a
// complex-valued f by the extended Krylov subspace method: the rational
// Krylov method with the poles σ and ∞ (Druskin & Knizhnerman, SIAM J.
// Matrix Anal. Appl. 19, 1998; Knizhnerman & Simoncini, Numer. Linear
// Algebra Appl. 17, 2010; Güttel, GAMM-Mitt. 36, 2013). The orthonormal
// basis Q_m of span{v, Bv, Cv, B²v, C²v, …}, with C = A − σI (a is the
// product x ↦ Ax) and B = C⁻¹ (solve, x ↦ (A − σI)⁻¹x; ShiftedLDL.Solve
// for a dense A), is built with full reorthogonalization (classical
// Gram–Schmidt, repeated when it cancels), and
//
//	f(A)v ≈ ‖v‖ Q_m f(σI + H_m) e₁,   H_m = Q_mᵀ C Q_m,
//
// the Rayleigh–Ritz approximation, exact when f is a Laurent polynomial in
// λ − σ of low enough degrees. f(σI + H_m)e₁ is computed by reducing H_m
// to tridiagonal form (O(m³)) at the checkpoints of nextCheckDense, and
// the stopping rule is LanczosFuncTo's (see Krylov). Every basis
// vector q_j costs a product for its image C q_j, which gives a column of
// H_m and the next C direction, and every other one a solve for the next B
// direction. (The images after a B step also follow from C B q = q without
// a product, but that recurrence amplifies rounding errors by the
// Gram–Schmidt cancellation at every B step and was found to diverge.)
//
// This is the method for a function with a singularity inside the
// spectrum, such as φ(hλ) = log(1 − hλ)/(hλ) of the principal flow, whose
// pole is at λ = 1/h: with σ there the eigenvalues nearest the pole are
// the extreme ones of B and are resolved first, while the powers of C take
// care of the rest of the spectrum. Polynomial Lanczos (LanczosFuncTo)
// needs about as many products as it takes to resolve every eigenvalue
// near the pole, a number that grows with the dimension (BenchmarkPhiApply
// compares them). A dense A costs a factorization of A − σI first (n³/3
// flops for ShiftedLDL).
//
// dst and v have length n; v is not modified. A zero v gives dst = 0. The
// approximation reached is returned with an error wrapping
// ErrNoConvergence when MaxIter (the dimension of the basis) runs out.
// Stats counts the products (MatVecs) and the solves (Solves). It panics if
// len(dst) != len(v).
func (k *Krylov) RationalFuncTo(dst []complex128, a, solve SymOperator, sigma float64, v []float64, f func(float64) complex128, s *KrylovSettings) (KrylovStats, error) {
	var st KrylovStats
	nrm, err := startNorm("RationalFunc", dst, v)
	if nrm == 0 || err != nil {
		return st, err
	}
	if math.IsNaN(sigma) || math.IsInf(sigma, 0) {
		return st, fmt.Errorf("linalg: RationalFunc: σ = %v: %w", sigma, ErrNotFinite)
	}
	n := len(v)
	set := s.withDefaults(n)
	k.reset(n)
	maxm := set.MaxIter
	k.qr = k.qr[:0]
	k.cq = growF(k.cq, 0)
	k.hr = growF(k.hr, maxm)
	k.hp = growF(k.hp, maxm*maxm)
	k.c, k.prev = growC(k.c, maxm)[:0], growC(k.prev, maxm)[:0]
	q0 := k.realVec(0, maxm)
	floats.ScaleTo(q0, 1/nrm, v)
	bad := func() error {
		return fmt.Errorf("linalg: RationalFunc: operator or solve produced non-finite values: %w", ErrNotFinite)
	}
	// cimg forms C q_j = A q_j − σ q_j by a product into row j of cq.
	cimg := func(j int) []float64 {
		c := k.cqVec(j, maxm)
		a(c, k.qr[j*n:(j+1)*n])
		st.MatVecs++
		floats.AddScaled(c, -sigma, k.qr[j*n:(j+1)*n])
		return c
	}
	// project fills column j (and row j) of H from C q_j.
	project := func(j int) error {
		h := vec(k.hr[:j+1])
		blas64.Gemv(blas.NoTrans, 1, k.realBasis(j+1), vec(k.cq[j*n:(j+1)*n]), 0, h)
		for i := 0; i <= j; i++ {
			x := k.hr[i]
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return bad()
			}
			k.hp[i*maxm+j], k.hp[j*maxm+i] = x, x
		}
		return nil
	}
	cimg(0)
	if err := project(0); err != nil {
		return st, err
	}
	var cm convMon
	lastB, lastC := 0, 0
	next := 4
	w := k.wr
	for m := 1; ; { // m basis vectors
		// Extend by a B step (odd m) or a C step (even m).
		invariant := false
		if m < maxm {
			bstep := m%2 == 1
			if bstep {
				solve(w, k.qr[lastB*n:(lastB+1)*n])
				st.Solves++
			} else {
				copy(w, k.cq[lastC*n:(lastC+1)*n])
			}
			wn := floats.Norm(w, 2)
			if math.IsNaN(wn) || math.IsInf(wn, 0) {
				return st, bad()
			}
			bt := k.reorth(w, m, wn)
			// A new direction below rounding level: the space is invariant
			// under B (or C), hence under both, and the result exact.
			invariant = bt <= 1e-13*wn
			if !invariant {
				q := k.realVec(m, maxm)
				floats.ScaleTo(q, 1/bt, w)
				cimg(m)
				if err := project(m); err != nil {
					return st, err
				}
				if bstep {
					lastB = m
				} else {
					lastC = m
				}
				m++
			}
		}
		if m == n {
			// The basis spans the whole space: the projection is exact.
			invariant = true
		}
		last := m >= maxm || invariant
		if !last && m < next {
			continue
		}
		k.prev, k.c = k.c, k.prev[:m]
		if err := k.projFunc(k.c, m, maxm, sigma, f); err != nil {
			return st, err
		}
		st.Iterations = m
		st.ErrEst = cm.check(m, invariant, Norm2(k.c), func() float64 { return diffNorm(k.c, k.prev) })
		next = nextCheckDense(m)
		if st.ErrEst <= set.Tol || last {
			k.assemble(dst, m, nrm)
			if st.ErrEst <= set.Tol {
				return st, nil
			}
			return st, fmt.Errorf("linalg: RationalFunc: error estimate %.3g > %.3g with %d basis vectors: %w", st.ErrEst, set.Tol, m, ErrNoConvergence)
		}
	}
}

// cqVec returns row j of the C-image storage (see growRow).
func (k *Krylov) cqVec(j, maxm int) []float64 {
	return growRow(&k.cq, j, k.n, maxm)
}

// projFunc sets c = f(σI + H_m)e₁ for the projected m×m matrix H_m (stored
// with stride ld in hp): H_m = Q T Qᵀ by Householder tridiagonalization
// (LAPACK's DSYTD2, 4m³/3 flops; Q e₁ = e₁), f(σI + T)e₁ by tridiagFunc
// in O(m²), and c = Q f(σI + T)e₁ by the reflectors, without forming
// eigenvectors.
func (k *Krylov) projFunc(c []complex128, m, ld int, sigma float64, f func(float64) complex128) error {
	k.hs = growF(k.hs, m*m+4*m)
	h := k.hs[:m*m]
	for i := 0; i < m; i++ {
		copy(h[i*m:i*m+i+1], k.hp[i*ld:i*ld+i+1])
	}
	d, e, tau := k.hs[m*m:m*m+m], k.hs[m*m+m:m*m+2*m], k.hs[m*m+2*m:m*m+3*m]
	if m > 1 {
		lapackgonum.Implementation{}.Dsytd2(blas.Lower, m, h, m, d, e[:m-1], tau[:m-1])
	} else {
		d[0] = h[0]
	}
	k.theta = growF(k.theta, m)
	g := func(x float64) complex128 { return f(sigma + x) }
	if err := tridiagFunc(c, k.theta[:m], d, e, m, g, &k.rs); err != nil {
		return fmt.Errorf("linalg: RationalFunc: projected matrix: %w", err)
	}
	for _, z := range c {
		if !IsFinite(z) {
			return fmt.Errorf("linalg: RationalFunc: f(σI + H_m)e₁ is not finite (f singular at a Ritz value?): %w", ErrNotFinite)
		}
	}
	// c ← H_0 H_1 ⋯ H_{m−2} c, H_i = I − τ_i v vᵀ, v = (0…0, 1, h[i+2:, i]).
	for i := m - 2; i >= 0; i-- {
		t := tau[i]
		if t == 0 {
			continue
		}
		s := c[i+1]
		for r := i + 2; r < m; r++ {
			s += complex(h[r*m+i], 0) * c[r]
		}
		s *= complex(t, 0)
		c[i+1] -= s
		for r := i + 2; r < m; r++ {
			c[r] -= complex(h[r*m+i], 0) * s
		}
	}
	return nil
}
