package modified

import (
	"fmt"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// MaxBEAOrder is the highest order of the backward-error flows of GD
// built by NewBEA.
const MaxBEAOrder = 3

// beaNames are the registry names of the backward-error flows by order.
var beaNames = [MaxBEAOrder + 1]string{"ngf", "igr", "bea3", "bea4"}

func init() {
	desc := [MaxBEAOrder + 1]string{
		"negative gradient flow θ' = −g (local error O(h²))",
		"implicit gradient regularisation flow θ' = −g − (h/2)Hg (local error O(h³))",
		"order-2 backward-error flow θ' = −g − (h/2)Hg − h²(⅓H²g + (1/12)D³E[g,g]) (local error O(h⁴))",
		"order-3 backward-error flow, bea3 − h³(¼H³g + (1/12)H·D³E[g,g] + (1/12)D³E[g,Hg]) (local error O(h⁵))",
	}
	for order, name := range beaNames {
		register(name, desc[order],
			func(p *problems.Problem, h float64, _ *Options) (*Flow[float64], error) {
				return NewBEA[float64](p, h, order)
			},
			func(p *problems.Problem, h float64, _ *Options) (*Flow[complex128], error) {
				return NewBEA[complex128](p, h, order)
			})
	}
}

// NewBEA returns the backward-error (modified) flow of gradient descent
// with learning rate h on p, truncated after the term of order h^order
// (0 ≤ order ≤ MaxBEAOrder). With g = ∇E, H = ∇²E and D³E[u,v] the
// third-derivative contraction:
//
//	order 0, "ngf":  θ' = −g
//	order 1, "igr":  θ' = −g − (h/2) H g
//	order 2, "bea3": θ' = −g − (h/2) H g − h² (⅓ H²g + (1/12) D³E[g,g])
//	order 3, "bea4": order 2 − h³ (¼ H³g + (1/12) H D³E[g,g] + (1/12) D³E[g,Hg])
//
// The flow of order q agrees with one GD step over flow time h up to a
// local error O(h^(q+2)). The terms are the backward-error expansion of
// the explicit Euler method (Hairer, Lubich, Wanner, Geometric Numerical
// Integration, 2nd ed., Sec. IX.1) with f = −g; order 1 is the implicit
// gradient regularisation flow θ' = −∇(E + (h/4)‖∇E‖²) of Barrett and
// Dherin (ICLR 2021). Beyond order 1 the field is not a gradient field.
//
// The right-hand side uses the problem's gradient, Hessian-vector
// products (order ≥ 1) and D³E (order ≥ 2), never a dense Hessian, so it
// suits large problems: per evaluation it costs one gradient and
// order 0/1/2/3: 0/1/2/4 Hessian-vector products and 0/0/1/2 D³E
// contractions, and it does not allocate. T = complex128 needs a
// holomorphic problem (problems.ErrNotHolomorphic otherwise).
func NewBEA[T linalg.Scalar](p *problems.Problem, h float64, order int) (*Flow[T], error) {
	if err := checkInput(p, h); err != nil {
		return nil, err
	}
	if order < 0 || order > MaxBEAOrder {
		return nil, fmt.Errorf("%w: backward-error order %d not in [0, %d]", ErrInvalidInput, order, MaxBEAOrder)
	}
	f, err := funcsOf[T](p)
	if err != nil {
		return nil, err
	}
	if f.Grad == nil || (order >= 1 && f.HessVec == nil) || (order >= 2 && f.D3 == nil) {
		return nil, fmt.Errorf("%w: problem %s lacks the derivatives the order-%d flow needs", ErrInvalidInput, p.Name, order)
	}
	return &Flow[T]{Name: beaNames[order], H: h, Dim: p.Dim, F: beaRHS(f, h, order, p.Dim)}, nil
}

// beaRHS builds the right-hand side of NewBEA with its workspaces.
func beaRHS[T linalg.Scalar](f *problems.Funcs[T], h float64, order, d int) ode.Func[T] {
	c := linalg.FromFloat[T]
	var (
		g   = make([]T, d)
		hg  []T // H g
		h2g []T // H² g
		dgg []T // D³E[g, g]
		h3g []T // H³ g
		hdg []T // H D³E[g, g]
		dgh []T // D³E[g, H g]
	)
	if order >= 1 {
		hg = make([]T, d)
	}
	if order >= 2 {
		h2g, dgg = make([]T, d), make([]T, d)
	}
	if order >= 3 {
		h3g, hdg, dgh = make([]T, d), make([]T, d), make([]T, d)
	}
	var (
		c1  = c(-h / 2)
		c2a = c(-h * h / 3)
		c2b = c(-h * h / 12)
		c3a = c(-h * h * h / 4)
		c3b = c(-h * h * h / 12)
	)
	return func(dy []T, _ float64, y []T) {
		if len(dy) != d || len(y) != d {
			panic("modified: slice length mismatch")
		}
		f.Grad(g, y)
		if order >= 1 {
			f.HessVec(hg, y, g)
		}
		if order >= 2 {
			f.HessVec(h2g, y, hg)
			f.D3(dgg, y, g, g)
		}
		if order >= 3 {
			f.HessVec(h3g, y, h2g)
			f.HessVec(hdg, y, dgg)
			f.D3(dgh, y, g, hg)
		}
		// Add the smallest terms first.
		clear(dy)
		if order >= 3 {
			linalg.Axpy(dy, c3a, h3g)
			linalg.Axpy(dy, c3b, hdg)
			linalg.Axpy(dy, c3b, dgh)
		}
		if order >= 2 {
			linalg.Axpy(dy, c2a, h2g)
			linalg.Axpy(dy, c2b, dgg)
		}
		if order >= 1 {
			linalg.Axpy(dy, c1, hg)
		}
		linalg.Axpy(dy, c(-1), g)
	}
}
