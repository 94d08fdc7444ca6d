package stability

import (
	"fmt"
	"math"
	"slices"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// defaultDenseMax is the largest dimension at which the dense Hessian is
// decomposed (when the problem provides one) instead of running Lanczos.
const defaultDenseMax = 64

// eigSpec says which eigenpairs an analysis wants.
type eigSpec struct {
	top, bottom int // largest and smallest counts; top == 0 && bottom == 0: all
	denseMax    int // ≤ 0: default; dimension above which Lanczos is used
	krylov      *linalg.KrylovSettings
}

// eigResult holds eigenpairs in descending order of eigenvalue.
type eigResult struct {
	values   []float64
	vectors  [][]float64
	complete bool // every eigenpair of the Hessian is present
	matvecs  int  // Hessian-vector products used (0 for dense)
}

// hessianEig computes the eigenpairs of ∇²E(θ) asked for by spec: from the
// dense Hessian when the problem has one and Dim ≤ denseMax (or when all
// pairs are asked for), otherwise by Lanczos on Hessian-vector products.
// The dense path reuses ws.
func hessianEig(p *problems.Problem, theta []float64, spec eigSpec, ws *linalg.SymEig, hbuf []float64) (eigResult, error) {
	n := p.Dim
	denseMax := spec.denseMax
	if denseMax <= 0 {
		denseMax = defaultDenseMax
	}
	all := spec.top == 0 && spec.bottom == 0 || spec.top+spec.bottom >= n
	if p.Real.Hess != nil && (n <= denseMax || all) {
		if len(hbuf) != n*n {
			hbuf = make([]float64, n*n)
		}
		p.Real.Hess(hbuf, theta)
		ws.Descending = true
		if err := ws.Factorize(hbuf, n); err != nil {
			return eigResult{}, fmt.Errorf("stability: Hessian eigendecomposition: %w", err)
		}
		vals := ws.Values()
		idx := make([]int, 0, n)
		if all {
			for i := range n {
				idx = append(idx, i)
			}
		} else {
			for i := range min(spec.top, n) {
				idx = append(idx, i)
			}
			for i := max(n-spec.bottom, spec.top); i < n; i++ {
				idx = append(idx, i)
			}
		}
		r := eigResult{complete: len(idx) == n}
		for _, i := range idx {
			r.values = append(r.values, vals[i])
			r.vectors = append(r.vectors, ws.VectorTo(make([]float64, n), i))
		}
		return r, nil
	}
	if p.Real.HessVec == nil {
		return eigResult{}, fmt.Errorf("%w: problem %s has neither a dense Hessian nor a Hessian-vector product", ErrInvalidInput, p.Name)
	}
	if spec.top == 0 && spec.bottom == 0 {
		return eigResult{}, fmt.Errorf("%w: problem %s (dimension %d) has no dense Hessian: ask for a number of extreme eigenpairs", ErrInvalidInput, p.Name, n)
	}
	if all { // every pair asked for: one Lanczos run to the full dimension
		spec.top, spec.bottom = n, 0
	}
	op := func(dst, x []float64) { p.Real.HessVec(dst, theta, x) }
	r := eigResult{complete: all}
	if spec.top > 0 {
		lr, err := linalg.LanczosEig(op, n, spec.top, linalg.Largest, spec.krylov)
		r.matvecs += lr.Stats.MatVecs
		if err != nil {
			return r, fmt.Errorf("stability: top eigenpairs of the Hessian: %w", err)
		}
		r.values = append(r.values, lr.Values...)
		r.vectors = append(r.vectors, lr.Vectors...)
	}
	if spec.bottom > 0 {
		ks := linalg.KrylovSettings{}
		if spec.krylov != nil {
			ks = *spec.krylov
			ks.Start = nil // the warm start is for the top pair
		}
		lr, err := linalg.LanczosEig(op, n, spec.bottom, linalg.Smallest, &ks)
		r.matvecs += lr.Stats.MatVecs
		if err != nil {
			return r, fmt.Errorf("stability: bottom eigenpairs of the Hessian: %w", err)
		}
		// Ascending from Lanczos; append in descending order.
		for i := len(lr.Values) - 1; i >= 0; i-- {
			r.values = append(r.values, lr.Values[i])
			r.vectors = append(r.vectors, lr.Vectors[i])
		}
	}
	return r, nil
}

// checkRate returns an error unless h is positive and finite.
func checkRate(h float64) error {
	if !(h > 0) || math.IsInf(h, 0) {
		return fmt.Errorf("%w: learning rate %v must be positive and finite", ErrInvalidInput, h)
	}
	return nil
}

// checkPoint returns an error unless theta has the problem's dimension and
// finite entries, and the problem has a gradient.
func checkPoint(p *problems.Problem, theta []float64) error {
	if p == nil {
		return fmt.Errorf("%w: nil problem", ErrInvalidInput)
	}
	if p.Real.Grad == nil || p.Real.Func == nil {
		return fmt.Errorf("%w: problem %s has no loss or gradient", ErrInvalidInput, p.Name)
	}
	if len(theta) != p.Dim {
		return fmt.Errorf("%w: point has length %d, problem %s has dimension %d", ErrInvalidInput, len(theta), p.Name, p.Dim)
	}
	if i := slices.IndexFunc(theta, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }); i >= 0 {
		return fmt.Errorf("%w: point component %d is %v", ErrInvalidInput, i, theta[i])
	}
	return nil
}
