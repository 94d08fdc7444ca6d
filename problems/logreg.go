package problems

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/pflow-go/pflow/linalg"
)

// logReg is E(w) = (1/N) Σ_i softplus(−y_i x_iᵀw) + (λ/2)‖w‖², y_i = ±1.
type logReg struct {
	n, p   int
	x      []float64 // N×p row-major
	y      []float64 // ±1
	lambda float64
}

func (l *logReg) margin(i int) []float64 { return l.x[i*l.p : i*l.p+l.p] }

func dotRT[T linalg.Scalar](a []float64, b []T) T {
	var s T
	for i, ai := range a {
		s += fl[T](ai) * b[i]
	}
	return s
}

func logRegFuncs[T linalg.Scalar](l *logReg) Funcs[T] {
	p := l.p
	invN := 1 / float64(l.n)
	lam := fl[T](l.lambda)
	// z_i = −y_i x_iᵀw; s = softplus, s′ = σ, s″ = σ(1−σ), s‴ = σ(1−σ)(1−2σ).
	z := func(i int, w []T) T { return -fl[T](l.y[i]) * dotRT(l.margin(i), w) }
	return Funcs[T]{
		Func: func(w []T) T {
			checkLenT(p, w)
			var e, ww T
			for i := range l.n {
				e += log1pExp(z(i, w))
			}
			for _, wi := range w {
				ww += wi * wi
			}
			return e*fl[T](invN) + lam*ww/2
		},
		Grad: func(grad, w []T) {
			checkLenT(p, grad, w)
			for j := range grad {
				grad[j] = lam * w[j]
			}
			for i := range l.n {
				c := -sigmoid(z(i, w)) * fl[T](l.y[i]*invN)
				for j, xij := range l.margin(i) {
					grad[j] += c * fl[T](xij)
				}
			}
		},
		Hess: func(hess, w []T) {
			checkLenT(p*p, hess)
			checkLenT(p, w)
			clear(hess)
			for j := range p {
				hess[j*p+j] = lam
			}
			for i := range l.n {
				s := sigmoid(z(i, w))
				c := s * (1 - s) * fl[T](invN)
				xi := l.margin(i)
				for j, a := range xi {
					for k, b := range xi {
						hess[j*p+k] += c * fl[T](a*b)
					}
				}
			}
		},
		HessVec: func(hv, w, v []T) {
			checkLenT(p, hv, w, v)
			for j := range hv {
				hv[j] = lam * v[j]
			}
			for i := range l.n {
				s := sigmoid(z(i, w))
				xi := l.margin(i)
				c := s * (1 - s) * fl[T](invN) * dotRT(xi, v)
				for j, a := range xi {
					hv[j] += c * fl[T](a)
				}
			}
		},
		D3: func(dst, w, u, v []T) {
			checkLenT(p, dst, w, u, v)
			clear(dst)
			for i := range l.n {
				s := sigmoid(z(i, w))
				xi := l.margin(i)
				c := -s * (1 - s) * (1 - 2*s) * fl[T](l.y[i]*invN) * dotRT(xi, u) * dotRT(xi, v)
				for j, a := range xi {
					dst[j] += c * fl[T](a)
				}
			}
		},
	}
}

// NewLogReg returns ℓ2-regularised logistic regression
// E(w) = (1/N) Σ_i log(1 + exp(−y_i x_iᵀw)) + (λ/2)‖w‖²
// on a generated data set: x_i ∈ ℝ^p with N(0, 1) entries, y_i =
// sign(w*ᵀx_i + 0.5ξ_i) with w* and ξ_i standard normal (seeded), so the
// classes overlap. λ must be ≥ 0; with λ > 0 the loss is strictly convex
// and its unique minimiser, found by Newton's method with the exact
// Hessian at construction, is listed in Minima.
//
// The complex extension is holomorphic where no margin z_i = −y_i x_iᵀw
// has |Im z_i| ≥ π (softplus has branch points at z = ±iπ).
func NewLogReg(n, p int, lambda float64, seed uint64) (*Problem, error) {
	if n < 1 || p < 1 || n*p > 1<<22 {
		return nil, fmt.Errorf("%w: logreg needs n ≥ 1, p ≥ 1 and n·p ≤ 2²², got n=%d p=%d", ErrBadParameter, n, p)
	}
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("%w: logreg needs a finite λ ≥ 0, got %v", ErrBadParameter, lambda)
	}
	l := genLogReg(n, p, lambda, seed)
	c := logRegFuncs[complex128](l)
	pr := &Problem{
		Name: fmt.Sprintf("logreg:n=%d,p=%d,lambda=%g,seed=%d", n, p, lambda, seed),
		Description: "logistic regression E(w) = (1/N) Σ log(1 + exp(−y_i x_iᵀw)) + (λ/2)‖w‖² on generated " +
			"Gaussian data with noisy labels; start w = 0.",
		Source: "standard convex test problem (e.g. Bottou, Curtis, Nocedal, SIAM Review 60 (2018) 223–311)",
		Dim:    p, X0: make([]float64, p),
		Real: logRegFuncs[float64](l), Complex: &c,
	}
	if lambda > 0 {
		w := newtonMin(&pr.Real, p)
		if w != nil {
			pr.Minima = []Point{{X: w, E: pr.Real.Func(w), Kind: Minimum, Inertia: Inertia{Pos: p}}}
		}
	}
	return pr, nil
}

// newtonMin runs Newton's method with the exact Hessian from 0 to the
// minimiser of a strictly convex loss and returns it, or nil if it did not
// converge in 100 iterations.
func newtonMin(f *Funcs[float64], p int) []float64 {
	w := make([]float64, p)
	g := make([]float64, p)
	h := make([]float64, p*p)
	var step mat.VecDense
	prev := math.Inf(1)
	for range 100 {
		f.Grad(g, w)
		f.Hess(h, w)
		var chol mat.Cholesky
		if !chol.Factorize(mat.NewSymDense(p, h)) {
			return nil
		}
		if err := chol.SolveVecTo(&step, mat.NewVecDense(p, g)); err != nil {
			return nil
		}
		nrm := mat.Norm(&step, 2)
		for j := range w {
			w[j] -= step.AtVec(j)
		}
		// Quadratic convergence: stop once the step no longer shrinks.
		if nrm == 0 || (nrm < 1e-12 && nrm >= prev) {
			return w
		}
		prev = nrm
	}
	return w
}

// genLogReg generates the data set of NewLogReg.
func genLogReg(n, p int, lambda float64, seed uint64) *logReg {
	rnd := rand.New(rand.NewPCG(seed, 3))
	l := &logReg{n: n, p: p, x: make([]float64, n*p), y: make([]float64, n), lambda: lambda}
	ws := make([]float64, p)
	for j := range ws {
		ws[j] = rnd.NormFloat64()
	}
	for i := range n {
		var s float64
		for j := range p {
			xij := rnd.NormFloat64()
			l.x[i*p+j] = xij
			s += xij * ws[j]
		}
		s += 0.5 * rnd.NormFloat64()
		l.y[i] = 1
		if s < 0 {
			l.y[i] = -1
		}
	}
	return l
}
