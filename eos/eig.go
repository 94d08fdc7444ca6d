package eos

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// topEig computes the k largest eigenpairs of ∇²E(w) by Lanczos with full
// reorthogonalization on Hessian-vector products (linalg.LanczosEig),
// warm-started from the previous eigenvectors: the start vector is
// Σ_i c_i u_i^prev with distinct weights c_i = 1/(i+1) plus a seeded
// perturbation of norm ≈ 0.05 (so that an eigenvalue rising into the top k
// from below is found), so that it has a component along each previous direction.
type topEig struct {
	f      *problems.Funcs[float64]
	k      int
	tol    float64
	w      []float64
	prev   [][]float64
	start  []float64
	seed   uint64
	hvps   int // Hessian-vector products so far
	maxIt  int
	values []float64
}

func newTopEig(f *problems.Funcs[float64], dim, k int, tol float64, seed uint64) *topEig {
	return &topEig{f: f, k: k, tol: tol, start: make([]float64, dim), seed: seed, maxIt: min(dim, 300)}
}

// at returns the k top eigenvalues (descending) and unit eigenvectors at w.
func (e *topEig) at(w []float64) ([]float64, [][]float64, error) {
	e.w = w
	op := func(dst, x []float64) {
		e.hvps++
		e.f.HessVec(dst, e.w, x)
	}
	set := &linalg.KrylovSettings{Tol: e.tol, MaxIter: e.maxIt, Seed: e.seed}
	if e.prev != nil {
		clear(e.start)
		for i, u := range e.prev {
			c := 1 / float64(i+1)
			for j := range u {
				e.start[j] += c * u[j]
			}
		}
		rnd := rand.New(rand.NewPCG(e.seed, 17))
		sc := 0.05 / math.Sqrt(float64(len(w)))
		for j := range e.start {
			e.start[j] += sc * rnd.NormFloat64()
		}
		set.Start = e.start
	}
	e.seed++
	res, err := linalg.LanczosEig(op, len(w), e.k, linalg.Largest, set)
	if err != nil && len(res.Values) < e.k {
		return nil, nil, fmt.Errorf("%w: top-%d eigenpairs: %v", ErrNoConvergence, e.k, err)
	}
	for _, v := range res.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("%w: Hessian eigenvalue", ErrNonFinite)
		}
	}
	e.prev = res.Vectors
	return res.Values, res.Vectors, nil
}
