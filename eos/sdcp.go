package eos

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SDCPSettings configures SolveSDCP. The zero value means the defaults.
type SDCPSettings struct {
	// Tol is the relative KKT residual at which the solver stops
	// (default 1e-12).
	Tol float64
	// MaxIter bounds the accelerated projected-gradient iterations
	// (default 20000).
	MaxIter int
}

// SDCPInfo reports how SolveSDCP reached its answer.
type SDCPInfo struct {
	// Iterations of accelerated projected gradient (0 when the answer was
	// found directly: A ⪰ 0, or the face solve succeeded at once).
	Iterations int
	// Residual is the final KKT residual ‖X − Π(X − (A + B[X]))‖_F,
	// relative to 1 + ‖A‖_F (Π the projection onto the PSD cone).
	Residual float64
	// Rank is the rank of X.
	Rank int
	// Polished is true when X came from the exact solve on the face of
	// the cone (X = V Y Vᵀ, V spanning the range of the iterate).
	Polished bool
}

// SolveSDCP solves the semidefinite complementarity problem of the
// central flow (Cohen, Damian, Talwalkar, Kolter, Lee, ICLR 2025, eq. for
// Σ; the reference code's sdcp.py): find a symmetric k×k X with
//
//	X ⪰ 0,   A + B[X] ⪰ 0,   ⟨X, A + B[X]⟩ = 0,
//
// where A is symmetric k×k (row-major, len k²) and B is a symmetric
// positive semidefinite linear map on k×k matrices, given as a k²×k²
// row-major matrix acting on row-major vec(X) (B[X]_ij = Σ_kl
// B[(ij),(kl)] X_kl). Because B ⪰ 0 this is the optimality condition of
// the convex problem min_{X ⪰ 0} ½⟨X, B[X]⟩ + ⟨A, X⟩, which is solved here
// in Go: X = 0 when A ⪰ 0; otherwise accelerated projected gradient
// (FISTA with adaptive restart, Beck & Teboulle 2009; O'Donoghue &
// Candès 2015) with the projection onto the PSD cone by eigenvalue
// clipping, followed by an exact solve on the face {V Y Vᵀ} of the
// iterate's range, accepted when it satisfies the KKT conditions (an
// active-set polish). k ≤ 10 in the central flow; any k works.
//
// It returns X (row-major, len k²). An error is returned only for
// non-finite input or when neither route reaches the tolerance (X is
// then the best iterate).
func SolveSDCP(a, b []float64, k int, s *SDCPSettings) ([]float64, SDCPInfo, error) {
	if len(a) != k*k || len(b) != k*k*k*k {
		panic("eos: SolveSDCP: slice length mismatch")
	}
	for _, v := range a {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, SDCPInfo{}, fmt.Errorf("%w: SDCP: A is not finite", ErrNonFinite)
		}
	}
	for _, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, SDCPInfo{}, fmt.Errorf("%w: SDCP: B is not finite", ErrNonFinite)
		}
	}
	tol, maxIter := 1e-12, 20000
	if s != nil && s.Tol > 0 {
		tol = s.Tol
	}
	if s != nil && s.MaxIter > 0 {
		maxIter = s.MaxIter
	}
	sp := &sdcp{k: k, a: sym(a, k), b: b, tol: tol}
	x := make([]float64, k*k)
	if sp.minEig(sp.a) >= 0 {
		return x, SDCPInfo{Residual: 0}, nil
	}
	// Step 1/‖B‖₂ (B is symmetric PSD: its largest eigenvalue).
	var be mat.EigenSym
	bs := mat.NewSymDense(k*k, sym(b, k*k))
	if !be.Factorize(bs, false) {
		return nil, SDCPInfo{}, fmt.Errorf("%w: SDCP: eigendecomposition of B failed", ErrNoConvergence)
	}
	bv := be.Values(nil)
	lmax := bv[len(bv)-1]
	// Try the face of the closed-form rank-one guess first (exact for
	// k = 1 and whenever one eigenvalue is unstable).
	if y, ok := sp.polishFrom(sp.negEigenspace()); ok {
		r := sp.residual(y)
		return y, SDCPInfo{Residual: r, Rank: sp.rank(y), Polished: true}, nil
	}
	if lmax <= 0 {
		// B = 0 and A has a negative eigenvalue: the objective is
		// unbounded below, no solution.
		return x, SDCPInfo{}, fmt.Errorf("%w: SDCP: B = 0 and A is not PSD (no solution)", ErrNoConvergence)
	}
	t := 1 / lmax
	y := append([]float64(nil), x...)
	prev := make([]float64, k*k)
	z := make([]float64, k*k)
	tk := 1.0
	var info SDCPInfo
	fPrev := math.Inf(1)
	for it := 1; it <= maxIter; it++ {
		info.Iterations = it
		copy(prev, x)
		sp.grad(z, y)
		for i := range z {
			z[i] = y[i] - t*z[i]
		}
		sp.project(x, z)
		f := sp.obj(x)
		if f > fPrev { // adaptive restart
			tk = 1
			copy(y, x)
		} else {
			tn := (1 + math.Sqrt(1+4*tk*tk)) / 2
			beta := (tk - 1) / tn
			for i := range y {
				y[i] = x[i] + beta*(x[i]-prev[i])
			}
			tk = tn
		}
		fPrev = f
		if it%20 == 0 {
			info.Residual = sp.residual(x)
			if p, ok := sp.polishFrom(sp.rangeOf(x)); ok && sp.obj(p) <= sp.obj(x)+1e-14*(1+math.Abs(sp.obj(x))) {
				info.Residual = sp.residual(p)
				info.Rank, info.Polished = sp.rank(p), true
				return p, info, nil
			}
			if info.Residual <= tol {
				info.Rank = sp.rank(x)
				return x, info, nil
			}
		}
	}
	info.Residual = sp.residual(x)
	info.Rank = sp.rank(x)
	if info.Residual <= math.Sqrt(tol) {
		// Accurate to half the digits asked: good enough for the flow,
		// reported through Residual.
		return x, info, nil
	}
	return x, info, fmt.Errorf("%w: SDCP: KKT residual %.3g after %d iterations", ErrNoConvergence, info.Residual, maxIter)
}

type sdcp struct {
	k   int
	a   []float64
	b   []float64
	tol float64
}

func sym(a []float64, k int) []float64 {
	s := make([]float64, k*k)
	for i := range k {
		for j := range k {
			s[i*k+j] = (a[i*k+j] + a[j*k+i]) / 2
		}
	}
	return s
}

// apply writes B[X] into dst (symmetrised).
func (p *sdcp) apply(dst, x []float64) {
	n := p.k * p.k
	tmp := make([]float64, n)
	for i := range n {
		var s float64
		row := p.b[i*n : i*n+n]
		for j, v := range x {
			s += row[j] * v
		}
		tmp[i] = s
	}
	copy(dst, sym(tmp, p.k))
}

// grad writes A + B[X].
func (p *sdcp) grad(dst, x []float64) {
	p.apply(dst, x)
	for i := range dst {
		dst[i] += p.a[i]
	}
}

func (p *sdcp) obj(x []float64) float64 {
	bx := make([]float64, len(x))
	p.apply(bx, x)
	var f float64
	for i := range x {
		f += x[i] * (0.5*bx[i] + p.a[i])
	}
	return f
}

func (p *sdcp) eig(x []float64) ([]float64, *mat.Dense) {
	var e mat.EigenSym
	if !e.Factorize(mat.NewSymDense(p.k, sym(x, p.k)), true) {
		return nil, nil
	}
	var v mat.Dense
	e.VectorsTo(&v)
	return e.Values(nil), &v
}

func (p *sdcp) minEig(x []float64) float64 {
	vals, _ := p.eig(x)
	if vals == nil {
		return math.NaN()
	}
	return vals[0]
}

// project writes the projection of the symmetric z onto the PSD cone.
func (p *sdcp) project(dst, z []float64) {
	vals, v := p.eig(z)
	clear(dst)
	if vals == nil {
		return
	}
	k := p.k
	for c, l := range vals {
		if l <= 0 {
			continue
		}
		for i := range k {
			for j := range k {
				dst[i*k+j] += l * v.At(i, c) * v.At(j, c)
			}
		}
	}
}

func frob(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// residual is ‖X − Π(X − (A + B[X]))‖_F / (1 + ‖A‖_F), zero exactly at a
// solution.
func (p *sdcp) residual(x []float64) float64 {
	z := make([]float64, len(x))
	p.grad(z, x)
	for i := range z {
		z[i] = x[i] - z[i]
	}
	q := make([]float64, len(x))
	p.project(q, z)
	for i := range q {
		q[i] = x[i] - q[i]
	}
	return frob(q) / (1 + frob(p.a))
}

func (p *sdcp) rank(x []float64) int {
	vals, _ := p.eig(x)
	r := 0
	for _, l := range vals {
		if l > 1e-10*math.Max(1, vals[len(vals)-1]) {
			r++
		}
	}
	return r
}

// negEigenspace returns the eigenvectors of A with negative eigenvalues
// (columns of a k×r matrix): the support of X to first order.
func (p *sdcp) negEigenspace() *mat.Dense {
	vals, v := p.eig(p.a)
	var cols []int
	for c, l := range vals {
		if l < 0 {
			cols = append(cols, c)
		}
	}
	return pick(v, cols)
}

// rangeOf returns an orthonormal basis of the range of the PSD x.
func (p *sdcp) rangeOf(x []float64) *mat.Dense {
	vals, v := p.eig(x)
	if vals == nil {
		return nil
	}
	var cols []int
	for c, l := range vals {
		if l > 1e-8*math.Max(vals[len(vals)-1], 1e-300) {
			cols = append(cols, c)
		}
	}
	return pick(v, cols)
}

func pick(v *mat.Dense, cols []int) *mat.Dense {
	if v == nil || len(cols) == 0 {
		return nil
	}
	r, _ := v.Dims()
	out := mat.NewDense(r, len(cols), nil)
	for j, c := range cols {
		for i := range r {
			out.Set(i, j, v.At(i, c))
		}
	}
	return out
}

// polishFrom solves the problem restricted to the face X = V Y Vᵀ (Y
// symmetric r×r, unconstrained): the stationarity Vᵀ(A + B[VYVᵀ])V = 0
// is a linear system in the r(r+1)/2 entries of Y. The result is
// returned with ok = true when it satisfies every KKT condition to the
// tolerance: Y ⪰ 0, A + B[X] ⪰ 0 and ⟨X, A + B[X]⟩ = 0.
func (p *sdcp) polishFrom(v *mat.Dense) ([]float64, bool) {
	if v == nil {
		return nil, false
	}
	k := p.k
	_, r := v.Dims()
	type pair struct{ i, j int }
	var idx []pair
	for i := range r {
		for j := i; j < r; j++ {
			idx = append(idx, pair{i, j})
		}
	}
	m := len(idx)
	// E_ij = V (e_i e_jᵀ + e_j e_iᵀ)/c Vᵀ as k×k basis matrices.
	basis := make([][]float64, m)
	for c, pr := range idx {
		e := make([]float64, k*k)
		for a := range k {
			for b := range k {
				val := v.At(a, pr.i) * v.At(b, pr.j)
				if pr.i != pr.j {
					val += v.At(a, pr.j) * v.At(b, pr.i)
				}
				e[a*k+b] = val
			}
		}
		basis[c] = e
	}
	// Normal equations: ⟨E_c, B[E_d]⟩ y_d = −⟨E_c, A⟩.
	g := mat.NewDense(m, m, nil)
	rhs := mat.NewVecDense(m, nil)
	be := make([]float64, k*k)
	for d := range m {
		p.apply(be, basis[d])
		for c := range m {
			var s float64
			for i := range be {
				s += basis[c][i] * be[i]
			}
			g.Set(c, d, s)
		}
	}
	for c := range m {
		var s float64
		for i := range p.a {
			s += basis[c][i] * p.a[i]
		}
		rhs.SetVec(c, -s)
	}
	var sol mat.VecDense
	if err := sol.SolveVec(g, rhs); err != nil {
		return nil, false
	}
	x := make([]float64, k*k)
	for c := range m {
		y := sol.AtVec(c)
		for i := range x {
			x[i] += y * basis[c][i]
		}
	}
	for _, val := range x {
		if math.IsNaN(val) || math.IsInf(val, 0) {
			return nil, false
		}
	}
	vals, _ := p.eig(x)
	if vals == nil || vals[0] < -1e-10*math.Max(vals[len(vals)-1], 1e-300) {
		return nil, false
	}
	if p.residual(x) > p.tol*100 {
		return nil, false
	}
	return x, true
}
