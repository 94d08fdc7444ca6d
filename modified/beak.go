package modified

import (
	"fmt"
	"math"
	"math/big"
	"sync"

	"github.com/pflow-go/pflow/bseries"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// MaxBEAK is the highest power of h NewBEAK keeps (flows "bea:0" …
// "bea:8").
const MaxBEAK = 8

func init() {
	for k := 0; k <= MaxBEAK; k++ {
		name := fmt.Sprintf("bea:%d", k)
		desc := fmt.Sprintf("backward-error flow of GD keeping the terms up to h^%d (local error O(h^%d)), from the B-series of explicit Euler", k, k+2)
		if k <= MaxBEAOrder {
			desc = fmt.Sprintf("backward-error flow keeping h^%d (local error O(h^%d)); the same field as %q", k, k+2, beaNames[k])
			register(name, desc,
				func(p *problems.Problem, h float64, _ *Options) (*Flow[float64], error) {
					return renamed(NewBEA[float64](p, h, k))(name)
				},
				func(p *problems.Problem, h float64, _ *Options) (*Flow[complex128], error) {
					return renamed(NewBEA[complex128](p, h, k))(name)
				})
			continue
		}
		register(name, desc,
			func(p *problems.Problem, h float64, _ *Options) (*Flow[float64], error) {
				return NewBEAK[float64](p, h, k)
			},
			func(p *problems.Problem, h float64, _ *Options) (*Flow[complex128], error) {
				return NewBEAK[complex128](p, h, k)
			})
	}
}

func renamed[T linalg.Scalar](f *Flow[T], err error) func(string) (*Flow[T], error) {
	return func(name string) (*Flow[T], error) {
		if err != nil {
			return nil, err
		}
		f.Name = name
		return f, nil
	}
}

// beakTerm is one elementary differential F(t) of f = −∇E in the plan of
// an order-K field: its children (positions in the plan) and its
// coefficient h^(|t|−1) ω(t)/σ(t) (before the power of h).
type beakTerm struct {
	tree  *bseries.Tree
	kids  []int
	coef  float64 // ω(t)/σ(t), 0 for trees only needed as subtrees
	order int
}

var (
	beakMu    sync.Mutex
	beakPlans = map[[2]int][]beakTerm{} // key: K, constant-Hessian flag
)

// beakPlan lists the elementary differentials the order-K field needs,
// children before parents: the trees of order ≤ K+1 with ω(t) ≠ 0 for
// explicit Euler and their subtrees. On a constant Hessian only chains
// survive (every f^(m), m ≥ 2, vanishes).
func beakPlan(K int, constH bool) ([]beakTerm, error) {
	key := [2]int{K, 0}
	if constH {
		key[1] = 1
	}
	beakMu.Lock()
	defer beakMu.Unlock()
	if p, ok := beakPlans[key]; ok {
		return p, nil
	}
	gd, err := bseries.Method("euler", K+1)
	if err != nil {
		return nil, err
	}
	w, err := bseries.ModifiedField(gd)
	if err != nil {
		return nil, err
	}
	trees := w.Trees()
	need := make([]bool, len(trees))
	coef := make([]float64, len(trees))
	var mark func(t *bseries.Tree)
	mark = func(t *bseries.Tree) {
		need[t.Index()] = true
		for i := range t.NumChildren() {
			mark(t.Child(i))
		}
	}
	chain := func(t *bseries.Tree) bool {
		for t.NumChildren() == 1 {
			t = t.Child(0)
		}
		return t.NumChildren() == 0
	}
	for i, t := range trees {
		c := w.Coef(t)
		if c.Sign() == 0 || (constH && !chain(t)) {
			continue
		}
		q := new(big.Rat).Quo(c, new(big.Rat).SetInt64(t.Sigma()))
		coef[i], _ = q.Float64()
		mark(t)
	}
	pos := make([]int, len(trees))
	var plan []beakTerm
	for i, t := range trees {
		if !need[i] {
			continue
		}
		pos[i] = len(plan)
		term := beakTerm{tree: t, coef: coef[i], order: t.Order()}
		for j := range t.NumChildren() {
			term.kids = append(term.kids, pos[t.Child(j).Index()])
		}
		plan = append(plan, term)
	}
	beakPlans[key] = plan
	return plan, nil
}

// BEAKCost returns the derivative contractions one evaluation of the
// order-K field (NewBEAK) performs on a problem with a non-constant
// Hessian: n[m] contractions D^(m+1)E[v1,…,vm, ·] with m vectors (n[0] = 1
// gradient, n[1] Hessian-vector products, n[2] D³E contractions, n[m ≥ 3]
// contractions through problems.Derivs).
func BEAKCost(K int) ([]int, error) {
	if K < 0 || K > MaxBEAK {
		return nil, fmt.Errorf("%w: order %d not in [0, %d]", ErrInvalidInput, K, MaxBEAK)
	}
	plan, err := beakPlan(K, false)
	if err != nil {
		return nil, err
	}
	n := make([]int, K+1)
	for _, t := range plan {
		n[len(t.kids)]++
	}
	return n, nil
}

// NewBEAK returns the backward-error (modified) flow of gradient descent
// with learning rate h on p, keeping the terms up to h^K (0 ≤ K ≤
// MaxBEAK): with f = −∇E,
//
//	θ' = Σ_{|t| ≤ K+1} h^(|t|−1) ω(t)/σ(t) · F(t)(θ),
//
// where ω are the exact coefficients of the modified equation of explicit
// Euler from package bseries (Hairer, Lubich, Wanner, Geometric Numerical
// Integration, 2nd ed., ch. IX; Chartier, Hairer, Vilmart, Found. Comput.
// Math. 10 (2010) 407–427) and the elementary differentials are
// F(•) = −∇E, F([t1,…,tm]) = −D^(m+1)E[F(t1),…,F(tm), ·]. K = 0, 1, 2, 3
// give the fields of "ngf", "igr", "bea3", "bea4" (NewBEA). The flow
// agrees with one GD step over flow time h up to O(h^(K+2)).
//
// Problems built by problems.FromGeneric with a Taylor instantiation get
// every contraction from p.Derivs (taped Taylor arithmetic, a few loss
// evaluations per contraction whatever the dimension). Others use their
// Grad, HessVec and D3 for contractions with at most two vectors and, for
// higher ones (needed for K ≥ 4), problems.DerivsOf(p): the
// low-dimensional catalogue problems have a generic twin. Otherwise
// the error wraps ErrInvalidInput and problems.ErrNoDerivs. On a problem
// with a constant Hessian only the chain trees contribute and the field is
// −Σ_{n ≤ K+1} (hH)^(n−1)∇E/n, the truncated series of φ(hH)∇E with
// φ(z) = log(1 − z)/z (the principal flow's field). BEAKCost gives the contractions per evaluation. The
// field allocates (in the Derivs contractions) and costs far more than
// NewBEA's for K ≤ 3; the registry serves "bea:0" … "bea:3" from NewBEA.
func NewBEAK[T linalg.Scalar](p *problems.Problem, h float64, K int) (*Flow[T], error) {
	if err := checkInput(p, h); err != nil {
		return nil, err
	}
	if K < 0 || K > MaxBEAK {
		return nil, fmt.Errorf("%w: backward-error order %d not in [0, %d]", ErrInvalidInput, K, MaxBEAK)
	}
	f, err := funcsOf[T](p)
	if err != nil {
		return nil, err
	}
	plan, err := beakPlan(K, p.ConstantHessian)
	if err != nil {
		return nil, err
	}
	maxKids := 0
	for _, t := range plan {
		maxKids = max(maxKids, len(t.kids))
	}
	var derivs *problems.Derivs
	// A problem with its own Derivs (FromGeneric with Taylor) gets every
	// contraction from it: its Grad, HessVec and D3 are O(n) Jet
	// evaluations each, the taped Taylor route a few evaluations.
	useDerivs := p.Derivs != nil
	needDerivs := useDerivs || maxKids >= 3 || (maxKids >= 1 && f.HessVec == nil) || (maxKids >= 2 && f.D3 == nil) || f.Grad == nil
	if needDerivs {
		derivs, err = problems.DerivsOf(p)
		if err != nil {
			return nil, fmt.Errorf("%w: bea:%d on %s needs D^%dE: %w", ErrInvalidInput, K, p.Name, maxKids+1, err)
		}
	}
	d := p.Dim
	vals := make([][]T, len(plan))
	for i := range vals {
		vals[i] = make([]T, d)
	}
	coef := make([]T, len(plan))
	for i, t := range plan {
		coef[i] = linalg.FromFloat[T](t.coef * math.Pow(h, float64(t.order-1)))
	}
	args := make([][]T, maxKids)
	rhs := func(dy []T, _ float64, y []T) {
		if len(dy) != d || len(y) != d {
			panic("modified: slice length mismatch")
		}
		for i, t := range plan {
			v := vals[i]
			switch k := len(t.kids); {
			case k == 0 && f.Grad != nil && !useDerivs:
				f.Grad(v, y)
			case k == 1 && f.HessVec != nil && !useDerivs:
				f.HessVec(v, y, vals[t.kids[0]])
			case k == 2 && f.D3 != nil && !useDerivs:
				f.D3(v, y, vals[t.kids[0]], vals[t.kids[1]])
			default:
				for j, c := range t.kids {
					args[j] = vals[c]
				}
				contract(derivs, v, y, args[:k])
			}
			for j := range v {
				v[j] = -v[j]
			}
		}
		// Add the smallest terms first.
		clear(dy)
		for i := len(plan) - 1; i >= 0; i-- {
			if plan[i].coef != 0 {
				linalg.Axpy(dy, coef[i], vals[i])
			}
		}
	}
	return &Flow[T]{Name: fmt.Sprintf("bea:%d", K), H: h, Dim: d, F: rhs}, nil
}

// contract writes D^(k+1)E(x)[vs…, ·] from Derivs in the scalar type T.
func contract[T linalg.Scalar](dv *problems.Derivs, dst, x []T, vs [][]T) {
	switch dst := any(dst).(type) {
	case []float64:
		rv := make([][]float64, len(vs))
		for i, v := range vs {
			rv[i] = any(v).([]float64)
		}
		dv.ContractReal(dst, any(x).([]float64), rv...)
	case []complex128:
		cv := make([][]complex128, len(vs))
		for i, v := range vs {
			cv[i] = any(v).([]complex128)
		}
		dv.Contract(dst, any(x).([]complex128), cv...)
	}
}
