package problems

import (
	"fmt"
	"math"
	"math/cmplx"
	"sync"
)

// ErrNoDerivs reports that a problem has no derivatives beyond the ones in
// its Funcs (D³E at most): it was not built from a Generic with the Taylor
// instantiation and has no generic twin. It wraps ErrBadParameter.
var ErrNoDerivs = fmt.Errorf("%w: no derivatives of arbitrary order", ErrBadParameter)

// Derivs evaluates derivative contractions of any order,
//
//	Contract: D^(k+1)E(x)[v1,…,vk, ·] (a vector),
//
// of a loss written once against Number and instantiated with Taylor. It
// works at real and complex points (the complex result is the holomorphic
// extension; meaningful only for a holomorphic loss). It is safe for
// concurrent use.
//
// # Method and cost
//
// A contraction with k vectors is a mixed directional derivative of order
// K = k + 1. Group the vectors into distinct w_1…w_p with multiplicities
// m_j (Σ m_j = k) and add the unit vector e_i with multiplicity 1. For a
// symmetric K-linear form the mixed value is a finite difference, exact
// for the degree-K polynomial s ↦ D^K E[(Σ s_j w_j)^K] (Griewank, Utke and
// Walther, Math. Comp. 69 (2000) 1117–1130):
//
//	D^K E[w^m] = Σ_{0 ≤ σ ≤ m} Π_j (−1)^(m_j−σ_j) C(m_j, σ_j) · c_K(Σ σ_j w_j),
//
// with c_K(u) the degree-K Taylor coefficient of t ↦ E(x + t u), computed
// exactly by one evaluation of the loss in Taylor arithmetic. The vectors
// are scaled to unit max-norm first (multilinearity), so the alternating
// sum stays well balanced. A contraction costs (n + 1)·Π(m_j + 1) − 1
// evaluations of the loss at degree K (n = dimension), e.g. n for the
// gradient and 2^k(n + 1) − 1 for k distinct vectors; Evals counts them.
// Contract needs k + 1 ≤ MaxTaylorDegree.
type Derivs struct {
	n    int
	loss func(x []Taylor) Taylor
	pool sync.Pool
}

// NewDerivs returns the derivative contractions of the loss of dimension
// n written with Taylor numbers.
func NewDerivs(n int, loss func(x []Taylor) Taylor) (*Derivs, error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: Derivs needs dimension ≥ 1, got %d", ErrBadParameter, n)
	}
	if loss == nil {
		return nil, fmt.Errorf("%w: Derivs needs a loss", ErrBadParameter)
	}
	d := &Derivs{n: n, loss: loss}
	d.pool.New = func() any { return &derivWork{x: make([]Taylor, n), u: make([]complex128, n)} }
	return d, nil
}

// Dim returns the dimension of the loss.
func (d *Derivs) Dim() int { return d.n }

// EvalsPerContract returns the number of loss evaluations Contract spends
// on a contraction of a loss of dimension n with vectors of multiplicities
// mult (distinct vectors; all ones for k distinct vectors).
func EvalsPerContract(n int, mult ...int) int {
	p := 1
	for _, m := range mult {
		p *= m + 1
	}
	return (n+1)*p - 1
}

type derivWork struct {
	x []Taylor
	u []complex128
}

// coef returns the degree-K Taylor coefficient of E(x + t(u + [i]e_i)).
func (d *Derivs) coef(w *derivWork, x, u []complex128, i, deg int) complex128 {
	for j := range d.n {
		w.x[j] = Taylor{N: deg}
		w.x[j].C[0] = x[j]
		w.x[j].C[1] = u[j]
	}
	if i >= 0 {
		w.x[i].C[1]++
	}
	return d.loss(w.x).C[deg]
}

// Contract writes D^(k+1)E(x)[vs[0],…,vs[k−1], ·] into dst (k = len(vs);
// k = 0 gives the gradient). Equal vectors are detected and share
// evaluations. It panics if a length differs from Dim or k + 1 >
// MaxTaylorDegree (programmer errors).
func (d *Derivs) Contract(dst, x []complex128, vs ...[]complex128) {
	n := d.n
	if len(dst) != n || len(x) != n {
		panic("problems: Derivs.Contract: slice length mismatch")
	}
	for _, v := range vs {
		if len(v) != n {
			panic("problems: Derivs.Contract: slice length mismatch")
		}
	}
	k := len(vs)
	deg := k + 1
	if deg > MaxTaylorDegree {
		panic(fmt.Sprintf("problems: Derivs.Contract: order %d above MaxTaylorDegree %d", deg, MaxTaylorDegree))
	}
	// Distinct vectors and multiplicities, scaled to unit max-norm.
	var ws [][]complex128
	var mult []int
	scale := complex(1, 0)
	for _, v := range vs {
		found := false
		for j, w := range ws {
			if &w[0] == &v[0] || equalC(w, v) {
				mult[j]++
				found = true
				break
			}
		}
		if !found {
			ws = append(ws, v)
			mult = append(mult, 1)
		}
	}
	wsN := make([][]complex128, len(ws))
	for j, w := range ws {
		m := 0.0
		for _, c := range w {
			m = math.Max(m, cmplx.Abs(c))
		}
		if m == 0 {
			clear(dst)
			return
		}
		wsN[j] = make([]complex128, n)
		for i, c := range w {
			wsN[j][i] = c / complex(m, 0)
		}
		for range mult[j] {
			scale *= complex(m, 0)
		}
	}
	wk := d.pool.Get().(*derivWork)
	defer d.pool.Put(wk)
	// Enumerate σ with 0 ≤ σ_j ≤ m_j.
	p := len(ws)
	sig := make([]int, p)
	var shared complex128
	acc := make([]complex128, n)
	for {
		weight := 1.0
		for j := range p {
			weight *= binom(mult[j], sig[j])
			if (mult[j]-sig[j])%2 == 1 {
				weight = -weight
			}
		}
		for i := range wk.u {
			wk.u[i] = 0
		}
		nonzero := false
		for j := range p {
			if sig[j] > 0 {
				nonzero = true
				s := complex(float64(sig[j]), 0)
				for i := range n {
					wk.u[i] += s * wsN[j][i]
				}
			}
		}
		wc := complex(weight, 0)
		if nonzero { // the e_i-free term (τ = 0) carries an extra −1
			shared -= wc * d.coef(wk, x, wk.u, -1, deg)
		}
		for i := range n {
			acc[i] += wc * d.coef(wk, x, wk.u, i, deg)
		}
		// next σ
		j := 0
		for ; j < p; j++ {
			sig[j]++
			if sig[j] <= mult[j] {
				break
			}
			sig[j] = 0
		}
		if j == p {
			break
		}
	}
	for i := range n {
		dst[i] = (acc[i] + shared) * scale
	}
}

// ContractReal is Contract at a real point with real vectors (the real
// parts of the complex result).
func (d *Derivs) ContractReal(dst, x []float64, vs ...[]float64) {
	n := d.n
	if len(dst) != n || len(x) != n {
		panic("problems: Derivs.ContractReal: slice length mismatch")
	}
	toC := func(v []float64) []complex128 {
		if len(v) != n {
			panic("problems: Derivs.ContractReal: slice length mismatch")
		}
		c := make([]complex128, n)
		for i, a := range v {
			c[i] = complex(a, 0)
		}
		return c
	}
	cv := make([][]complex128, len(vs))
	for j, v := range vs {
		// keep identical slices identical
		for i := range j {
			if len(v) > 0 && len(vs[i]) > 0 && &vs[i][0] == &v[0] {
				cv[j] = cv[i]
			}
		}
		if cv[j] == nil {
			cv[j] = toC(v)
		}
	}
	out := make([]complex128, n)
	d.Contract(out, toC(x), cv...)
	for i, c := range out {
		dst[i] = real(c)
	}
}

func equalC(a, b []complex128) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
