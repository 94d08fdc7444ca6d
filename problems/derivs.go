package problems

import (
	"fmt"
	"github.com/pflow-go/pflow"
	"math"
	"math/cmplx"
	"sync"
)

// ErrNoDerivs reports that a problem has no derivatives beyond the ones in
// its Funcs (D³E at most): it was not built from a Generic with the Taylor
// instantiation and has no generic twin. It wraps ErrBadParameter.
var ErrNoDerivs = pflow.Sentinel("problems: bad parameter: no derivatives of arbitrary order", ErrBadParameter, pflow.ErrUnsupported)

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
// Group the k vectors into distinct w_1…w_p with multiplicities m_j
// (Σ m_j = k). For a symmetric k-linear form the mixed value is a finite
// difference, exact for the degree-k polynomial s ↦ D^kE[(Σ s_j w_j)^k]
// (Griewank, Utke and Walther, Math. Comp. 69 (2000) 1117–1130):
//
//	D^kE[w^m] = Σ_{0 ≤ σ ≤ m} Π_j (−1)^(m_j−σ_j) C(m_j, σ_j) · c_k(Σ σ_j w_j),
//
// with c_k(u) the degree-k Taylor coefficient of t ↦ E(x + t u), computed
// by one evaluation of the loss in Taylor arithmetic. Its gradient with
// respect to x, which is the contraction D^(k+1)E[w^m, ·], comes from one
// reverse sweep over the recorded operations (Griewank and Walther,
// Evaluating Derivatives, 2nd ed., 2008, ch. 13), at a cost of a few
// evaluations independent of the dimension. The vectors are scaled to unit
// max-norm first (multilinearity), so the alternating sum stays well
// balanced. A contraction costs EvalsPerContract(m…) = Π(m_j + 1) − 1
// taped evaluations (1 for the gradient), each O(k²) times the cost of
// evaluating E. Contract needs k ≤ MaxTaylorDegree.
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
	d.pool.New = func() any {
		return &derivWork{x: make([]Taylor, n), u: make([]complex128, n), tp: &tape{}}
	}
	return d, nil
}

// Dim returns the dimension of the loss.
func (d *Derivs) Dim() int { return d.n }

// EvalsPerContract returns the number of taped loss evaluations (each a
// forward pass in Taylor arithmetic and a reverse sweep) Contract spends
// on a contraction with distinct vectors of multiplicities mult (none for
// the gradient).
func EvalsPerContract(mult ...int) int {
	if len(mult) == 0 {
		return 1
	}
	p := 1
	for _, m := range mult {
		p *= m + 1
	}
	return p - 1
}

type derivWork struct {
	x   []Taylor
	u   []complex128
	tp  *tape
	adj []series
}

// addCoefGrad adds w·∇_x c_deg(E(x + t u)) to acc.
func (d *Derivs) addCoefGrad(wk *derivWork, x, u []complex128, deg int, w complex128, acc []complex128) {
	tp := wk.tp
	tp.nodes = tp.nodes[:0]
	tp.deg = deg
	for j := range d.n {
		var v series
		v[0] = x[j]
		if deg > 0 {
			v[1] = u[j]
		}
		tp.nodes = append(tp.nodes, tapeNode{op: tapeOpLeaf, a: -1, b: -1, val: v})
		wk.x[j] = Taylor{N: deg, C: v, tp: tp, id: int32(j)}
	}
	res := d.loss(wk.x)
	if res.tp != tp {
		return // the loss does not depend on x
	}
	if cap(wk.adj) < len(tp.nodes) {
		wk.adj = make([]series, len(tp.nodes))
	}
	adj := wk.adj[:len(tp.nodes)]
	clear(adj)
	adj[res.id][deg] = 1
	tp.sweep(adj)
	for j := range d.n {
		acc[j] += w * adj[j][0]
	}
}

// Contract writes D^(k+1)E(x)[vs[0],…,vs[k−1], ·] into dst (k = len(vs);
// k = 0 gives the gradient). Equal vectors are detected and share
// evaluations. It panics if a length differs from Dim or k >
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
	if k > MaxTaylorDegree {
		panic(fmt.Sprintf("problems: Derivs.Contract: order %d above MaxTaylorDegree %d", k+1, MaxTaylorDegree))
	}
	// Distinct vectors and multiplicities, scaled to unit max-norm.
	var ws [][]complex128
	var mult []int
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
	scale := complex(1, 0)
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
	acc := make([]complex128, n)
	p := len(ws)
	sig := make([]int, p)
	for {
		weight := 1.0
		nonzero := false
		clear(wk.u)
		for j := range p {
			weight *= binom(mult[j], sig[j])
			if (mult[j]-sig[j])%2 == 1 {
				weight = -weight
			}
			if sig[j] > 0 {
				nonzero = true
				s := complex(float64(sig[j]), 0)
				for i := range n {
					wk.u[i] += s * wsN[j][i]
				}
			}
		}
		// σ = 0 contributes only to the gradient (k = 0): c_k(0) = 0 for
		// k ≥ 1.
		if nonzero || k == 0 {
			d.addCoefGrad(wk, x, wk.u, k, complex(weight, 0), acc)
		}
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
		dst[i] = acc[i] * scale
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
