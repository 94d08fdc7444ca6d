package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// SymOperator is a real symmetric linear operator given by its product:
// it writes A x into dst (both of length n) and must not retain or modify x.
// A Hessian-vector product is one.
type SymOperator func(dst, x []float64)

// COperator is a complex linear operator given by its product, dst = A x.
type COperator func(dst, x []complex128)

// Which selects the end of the spectrum wanted from LanczosEig.
type Which int

const (
	// Largest selects the algebraically largest eigenvalues.
	Largest Which = iota
	// Smallest selects the algebraically smallest eigenvalues.
	Smallest
)

// KrylovSettings holds the settings of the Krylov methods. The zero value
// (or a nil pointer) means the documented defaults.
type KrylovSettings struct {
	// Tol is the relative stopping tolerance (default 1e-10). LanczosEig
	// stops when every wanted Ritz pair has residual ‖Ay − θy‖ ≤ Tol·‖T‖,
	// with ‖T‖ = max |θ| the largest Ritz value (an estimate of ‖A‖).
	// LanczosFunc and ArnoldiFunc stop when the a-posteriori error estimate
	// (see there) is ≤ Tol·‖approximation‖.
	Tol float64
	// MaxIter bounds the Krylov dimension (default min(n, 500)). Reaching it
	// without convergence returns ErrNoConvergence along with the last
	// approximation.
	MaxIter int
	// Seed seeds the start vector of LanczosEig (a vector of independent
	// standard normals drawn from math/rand/v2's PCG with seeds
	// (Seed, Seed^0x9e3779b97f4a7c15)). Default 0.
	Seed uint64
	// Start, if non-nil, is the start vector of LanczosEig (length n,
	// nonzero) and replaces the random one.
	Start []float64
}

func (s *KrylovSettings) withDefaults(n int) KrylovSettings {
	var r KrylovSettings
	if s != nil {
		r = *s
	}
	if r.Tol <= 0 {
		r.Tol = 1e-10
	}
	if r.MaxIter <= 0 {
		r.MaxIter = min(n, 500)
	}
	r.MaxIter = min(r.MaxIter, n)
	return r
}

// KrylovStats reports the work of a Krylov method.
type KrylovStats struct {
	Iterations int     // Krylov dimension reached
	MatVecs    int     // operator applications
	ErrEst     float64 // final a-posteriori error estimate (relative)
}

// lanczos is the Lanczos process with full reorthogonalization (classical
// Gram–Schmidt applied twice, "twice is enough": Giraud, Langou, Rozložník,
// Comput. Math. Appl. 50, 2005).
type lanczos struct {
	n           int
	q           [][]float64
	alpha, beta []float64
	w, h        []float64
	rng         *rand.Rand
}

func newLanczos(n, maxIter int, rng *rand.Rand) *lanczos {
	return &lanczos{n: n, w: make([]float64, n), h: make([]float64, maxIter+1), rng: rng,
		q: make([][]float64, 0, maxIter+1)}
}

// orth orthogonalizes w against the basis twice; returns ‖w‖ after.
func (l *lanczos) orth(w []float64) float64 {
	for pass := 0; pass < 2; pass++ {
		for _, q := range l.q {
			floats.AddScaled(w, -floats.Dot(q, w), q)
		}
	}
	return floats.Norm(w, 2)
}

// push appends w/‖w‖ (w has norm nrm) to the basis.
func (l *lanczos) push(w []float64, nrm float64) {
	q := make([]float64, l.n)
	floats.ScaleTo(q, 1/nrm, w)
	l.q = append(l.q, q)
}

// step extends the basis by one vector. It returns false if the Krylov space
// became invariant and no new direction could be found (the basis spans the
// whole space).
func (l *lanczos) step(op SymOperator, anorm float64) (invariant bool) {
	j := len(l.q) - 1
	w := l.w
	op(w, l.q[j])
	a := floats.Dot(l.q[j], w)
	l.alpha = append(l.alpha, a)
	nrm := l.orth(w)
	// Breakdown: the Krylov space is invariant (exact for the start vector).
	if nrm <= 1e-13*math.Max(anorm, math.Abs(a)) || nrm == 0 {
		l.beta = append(l.beta, 0)
		return true
	}
	l.beta = append(l.beta, nrm)
	l.push(w, nrm)
	return false
}

// tridiagEig returns the eigenvalues (ascending) and eigenvectors (row-major
// m×m, columns) of the tridiagonal matrix with diagonal alpha[:m] and
// off-diagonal beta[:m-1], by LAPACK's DSTEQR (implicit QL/QR).
func tridiagEig(alpha, beta []float64, m int) (theta, s []float64, err error) {
	theta = append([]float64(nil), alpha[:m]...)
	e := make([]float64, max(m-1, 0))
	copy(e, beta[:max(m-1, 0)])
	s = make([]float64, m*m)
	work := make([]float64, max(1, 2*m-2))
	if !(lapackgonum.Implementation{}).Dsteqr(lapack.EVTridiag, m, theta, e, s, max(1, m), work) {
		return nil, nil, fmt.Errorf("linalg: tridiagonal eigensolver: %w", ErrNoConvergence)
	}
	return theta, s, nil
}

// LanczosFunc evaluates f(T_m)e₁ in O(m²) (tridiagFunc) every lanczosCheck
// steps.
const lanczosCheck = 5

// Checkpoints of ArnoldiFunc: f(H_m) costs O(m³), so it is evaluated at
// m = 5, 10, … and then at a geometric rate (20% growth), which keeps the
// total cost of the checks within about 2.4 times that of the last one while
// overshooting the needed dimension by at most 20%.
const checkStart = 5

func nextCheck(m int) int { return m + max(5, m/5) }

// LanczosResult holds k Ritz pairs from LanczosEig.
type LanczosResult struct {
	Values    []float64   // Ritz values, largest first for Largest, smallest first for Smallest
	Vectors   [][]float64 // Ritz vectors (unit 2-norm), in the order of Values
	Residuals []float64   // ‖A y − θ y‖ = β_m |s_mi| for each pair
	Stats     KrylovStats // Stats.ErrEst = max residual / ‖T‖
}

// LanczosEig computes k extreme eigenpairs (Largest or Smallest) of the
// real symmetric n×n operator a, given only by its product, by the Lanczos
// process with full reorthogonalization (Golub & Van Loan, Matrix
// Computations, 4th ed., §10.1–10.3; Parlett, The Symmetric Eigenvalue
// Problem, ch. 13). The a-posteriori estimate is the Ritz residual
// ‖A y − θ y‖ = β_m |e_mᵀ s| (exact in exact arithmetic); by Kahan–Parlett
// bounds the eigenvalue error is ≤ residual²/gap and the vector angle
// ≤ residual/gap. Convergence is checked every 5 steps.
//
// Lanczos finds one copy of a multiple eigenvalue per start vector: repeated
// eigenvalues are returned once. The result is returned with an error
// wrapping ErrNoConvergence if MaxIter is reached first.
func LanczosEig(a SymOperator, n, k int, which Which, s *KrylovSettings) (LanczosResult, error) {
	if k < 1 || k > n {
		return LanczosResult{}, fmt.Errorf("linalg: LanczosEig: k = %d not in [1, n = %d]: %w", k, n, ErrInvalidArgument)
	}
	set := s.withDefaults(n)
	rng := rand.New(rand.NewPCG(set.Seed, set.Seed^0x9e3779b97f4a7c15))
	l := newLanczos(n, set.MaxIter, rng)
	v := make([]float64, n)
	if set.Start != nil {
		if len(set.Start) != n {
			panic("linalg: LanczosEig: len(Start) != n")
		}
		copy(v, set.Start)
	} else {
		for i := range v {
			v[i] = rng.NormFloat64()
		}
	}
	nrm := floats.Norm(v, 2)
	if nrm == 0 || math.IsNaN(nrm) || math.IsInf(nrm, 0) {
		return LanczosResult{}, fmt.Errorf("linalg: LanczosEig: start vector zero or not finite: %w", ErrInvalidArgument)
	}
	l.push(v, nrm)
	var res LanczosResult
	anorm := 0.0
	for m := 1; ; m++ {
		invariant := l.step(a, anorm)
		res.Stats.MatVecs++
		if math.IsNaN(l.alpha[m-1]) || math.IsInf(l.alpha[m-1], 0) {
			return res, fmt.Errorf("linalg: LanczosEig: operator produced non-finite values: %w", ErrNotFinite)
		}
		last := m >= set.MaxIter || invariant
		if m < k && !last {
			continue
		}
		if !last && (m-k)%5 != 0 {
			continue
		}
		theta, sv, err := tridiagEig(l.alpha, l.beta, m)
		if err != nil {
			return res, err
		}
		anorm = math.Max(math.Abs(theta[0]), math.Abs(theta[m-1]))
		kk := min(k, m)
		idx := make([]int, kk)
		for i := range idx {
			if which == Largest {
				idx[i] = m - 1 - i
			} else {
				idx[i] = i
			}
		}
		bm := l.beta[m-1]
		worst := 0.0
		resid := make([]float64, kk)
		for i, c := range idx {
			resid[i] = math.Abs(bm * sv[(m-1)*m+c])
			worst = math.Max(worst, resid[i])
		}
		conv := kk == k && worst <= set.Tol*anorm
		if conv || last {
			res.Values = make([]float64, kk)
			res.Vectors = make([][]float64, kk)
			res.Residuals = resid
			for i, c := range idx {
				res.Values[i] = theta[c]
				y := make([]float64, n)
				for j := 0; j < m; j++ {
					floats.AddScaled(y, sv[j*m+c], l.q[j])
				}
				floats.Scale(1/floats.Norm(y, 2), y)
				res.Vectors[i] = y
			}
			res.Stats.Iterations = m
			if anorm > 0 {
				res.Stats.ErrEst = worst / anorm
			}
			if conv {
				return res, nil
			}
			if invariant && kk < k {
				return res, fmt.Errorf("linalg: LanczosEig: Krylov space of the start vector is invariant at dimension %d < k = %d: %w", m, k, ErrNoConvergence)
			}
			if invariant {
				return res, nil
			}
			return res, fmt.Errorf("linalg: LanczosEig: residual %.3g > %.3g after %d iterations: %w", worst/anorm, set.Tol, m, ErrNoConvergence)
		}
	}
}

// LanczosFunc computes dst ≈ f(A)v for a real symmetric operator a and a
// complex-valued f (such as z ↦ φ(hz) of the principal flow, complex beyond
// hλ = 1) by the Lanczos approximation f(A)v ≈ ‖v‖ Q_m f(T_m) e₁
// (Gallopoulos & Saad, SIAM J. Sci. Stat. Comput. 13, 1992; Higham,
// Functions of Matrices, SIAM 2008, §13.2), with full reorthogonalization.
//
// f(T_m)e₁ is computed in O(m²) by implicit QL with recorded rotations
// (tridiagFunc), every 5 steps.
//
// A-posteriori error estimate: the difference between the approximations
// of dimensions m and m − 5,
// ‖‖v‖Q_m(f(T_m)e₁ − [f(T_{m−5})e₁; 0])‖ = ‖v‖·‖c_m − c_{m−5}‖ since Q_m is
// orthonormal; iteration stops when it is ≤ Tol·‖c_m‖‖v‖. For functions
// analytic on a neighbourhood of the spectrum convergence is geometric, and
// the estimate is then an upper bound of the error of the previous iterate
// up to a factor close to 1. It can be optimistic when f has a singularity
// inside the spectral interval (φ(hz) at hλ = 1): then convergence is slow
// and the estimate should be confirmed with a tighter Tol.
//
// dst and v have length n; v is not modified. A zero v gives dst = 0. The
// approximation reached is returned with an error wrapping ErrNoConvergence
// when MaxIter runs out.
func LanczosFunc(dst []complex128, a SymOperator, v []float64, f func(float64) complex128, s *KrylovSettings) (KrylovStats, error) {
	n := len(v)
	if len(dst) != n {
		panic(badLen)
	}
	set := s.withDefaults(n)
	var st KrylovStats
	nrm := floats.Norm(v, 2)
	if nrm == 0 {
		for i := range dst {
			dst[i] = 0
		}
		return st, nil
	}
	if math.IsNaN(nrm) || math.IsInf(nrm, 0) {
		return st, fmt.Errorf("linalg: LanczosFunc: v: %w", ErrNotFinite)
	}
	l := newLanczos(n, set.MaxIter, nil)
	l.push(v, nrm)
	var prev []complex128
	var c []complex128
	var ws rotStore
	theta := make([]float64, set.MaxIter)
	anorm := 0.0
	for m := 1; ; m++ {
		invariant := l.step(a, anorm)
		st.MatVecs++
		if math.IsNaN(l.alpha[m-1]) || math.IsInf(l.alpha[m-1], 0) {
			return st, fmt.Errorf("linalg: LanczosFunc: operator produced non-finite values: %w", ErrNotFinite)
		}
		last := m >= set.MaxIter || invariant
		if !last && m%lanczosCheck != 0 {
			continue
		}
		c = make([]complex128, m)
		if err := tridiagFunc(c, theta[:m], l.alpha, l.beta, m, f, &ws); err != nil {
			return st, err
		}
		anorm = 0
		for _, t := range theta[:m] {
			anorm = math.Max(anorm, math.Abs(t))
		}
		for _, z := range c {
			if !IsFinite(z) {
				return st, fmt.Errorf("linalg: LanczosFunc: f(T_m)e₁ is not finite (f singular at a Ritz value?): %w", ErrNotFinite)
			}
		}
		cn := Norm2(c)
		var diff float64
		if prev != nil {
			var d2 float64
			for i := range c {
				var pi complex128
				if i < len(prev) {
					pi = prev[i]
				}
				dz := c[i] - pi
				d2 += real(dz)*real(dz) + imag(dz)*imag(dz)
			}
			diff = math.Sqrt(d2)
		} else {
			diff = math.Inf(1)
		}
		if invariant {
			diff = 0 // exact: the Krylov space is invariant
		}
		st.Iterations = m
		if cn > 0 {
			st.ErrEst = diff / cn
		} else {
			st.ErrEst = diff
		}
		if st.ErrEst <= set.Tol || last {
			for i := range dst {
				dst[i] = 0
			}
			for j := 0; j < m; j++ {
				cj := c[j] * complex(nrm, 0)
				q := l.q[j]
				for i := range dst {
					dst[i] += complex(q[i], 0) * cj
				}
			}
			if st.ErrEst <= set.Tol {
				return st, nil
			}
			return st, fmt.Errorf("linalg: LanczosFunc: error estimate %.3g > %.3g after %d iterations: %w", st.ErrEst, set.Tol, m, ErrNoConvergence)
		}
		prev = c
	}
}

// ArnoldiFunc computes dst ≈ f(A)v for a general complex operator a (for
// example the complex symmetric Hessian of a holomorphic loss at complex θ)
// by the Arnoldi approximation f(A)v ≈ ‖v‖ Q_m f(H_m) e₁ (Saad, SIAM J.
// Numer. Anal. 29, 1992; Higham, Functions of Matrices, §13.2.1), with the
// Hermitian inner product and Gram–Schmidt applied twice. f(H_m) e₁ is
// computed through CEig on the m×m Hessenberg H_m, so H_m must be
// diagonalizable (it is for all but exceptional inputs; otherwise the
// ErrDefective of CEig is returned).
//
// The a-posteriori error estimate and stopping rule are those of
// LanczosFunc, with checkpoints m = 5, 10, 15, 20, 25, then 20% apart (the
// dense f(H_m) costs O(m³)).
func ArnoldiFunc(dst []complex128, a COperator, v []complex128, f func(complex128) complex128, s *KrylovSettings) (KrylovStats, error) {
	n := len(v)
	if len(dst) != n {
		panic(badLen)
	}
	set := s.withDefaults(n)
	var st KrylovStats
	nrm := Norm2(v)
	if nrm == 0 {
		for i := range dst {
			dst[i] = 0
		}
		return st, nil
	}
	if math.IsNaN(nrm) || math.IsInf(nrm, 0) {
		return st, fmt.Errorf("linalg: ArnoldiFunc: v: %w", ErrNotFinite)
	}
	maxm := set.MaxIter
	q := make([][]complex128, 0, maxm+1)
	q0 := make([]complex128, n)
	ScaleTo(q0, complex(1/nrm, 0), v)
	q = append(q, q0)
	// H stored column-wise: hcol[j] has length j+2.
	hcol := make([][]complex128, 0, maxm)
	w := make([]complex128, n)
	var prev, c []complex128
	var eg CEig
	anorm := 0.0
	next := checkStart
	for m := 1; ; m++ {
		j := m - 1
		a(w, q[j])
		st.MatVecs++
		hj := make([]complex128, m+1)
		for pass := 0; pass < 2; pass++ {
			for i := 0; i <= j; i++ {
				d := DotC(q[i], w)
				hj[i] += d
				Axpy(w, -d, q[i])
			}
		}
		beta := Norm2(w)
		if math.IsNaN(beta) || math.IsInf(beta, 0) {
			return st, fmt.Errorf("linalg: ArnoldiFunc: operator produced non-finite values: %w", ErrNotFinite)
		}
		anorm = math.Max(anorm, Norm2(hj))
		invariant := beta <= 1e-13*anorm
		hj[m] = complex(beta, 0)
		hcol = append(hcol, hj)
		if !invariant {
			qn := make([]complex128, n)
			ScaleTo(qn, complex(1/beta, 0), w)
			q = append(q, qn)
		}
		last := m >= maxm || invariant
		if !last && m < next {
			continue
		}
		next = nextCheck(m)
		hm := make([]complex128, m*m)
		for jj := 0; jj < m; jj++ {
			for i := 0; i <= min(jj+1, m-1); i++ {
				hm[i*m+jj] = hcol[jj][i]
			}
		}
		if err := eg.Factorize(hm, m); err != nil {
			return st, fmt.Errorf("linalg: ArnoldiFunc: f(H_m): %w", err)
		}
		e1 := make([]complex128, m)
		e1[0] = 1
		c = make([]complex128, m)
		eg.ApplyFunc(c, e1, f)
		for _, z := range c {
			if !IsFinite(z) {
				return st, fmt.Errorf("linalg: ArnoldiFunc: f(H_m)e₁ not finite: %w", ErrNotFinite)
			}
		}
		cn := Norm2(c)
		diff := math.Inf(1)
		if prev != nil {
			var d2 float64
			for i := range c {
				var pi complex128
				if i < len(prev) {
					pi = prev[i]
				}
				dz := c[i] - pi
				d2 += real(dz)*real(dz) + imag(dz)*imag(dz)
			}
			diff = math.Sqrt(d2)
		}
		if invariant {
			diff = 0
		}
		st.Iterations = m
		st.ErrEst = diff
		if cn > 0 {
			st.ErrEst = diff / cn
		}
		if st.ErrEst <= set.Tol || last {
			for i := range dst {
				dst[i] = 0
			}
			for jj := 0; jj < m; jj++ {
				Axpy(dst, c[jj]*complex(nrm, 0), q[jj])
			}
			if st.ErrEst <= set.Tol {
				return st, nil
			}
			return st, fmt.Errorf("linalg: ArnoldiFunc: error estimate %.3g > %.3g after %d iterations: %w", st.ErrEst, set.Tol, m, ErrNoConvergence)
		}
		prev = c
	}
}
