package problems

import (
	"fmt"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/num/hyperdual"
)

// Generic describes a user-defined loss written once against Number and
// instantiated per number type; FromGeneric derives every derivative from
// it, exactly, without finite differences. Example:
//
//	func rosen[N problems.Number[N]](x []N) N {
//		a := x[0].Neg().AddConst(1)            // 1 − x
//		b := x[1].Sub(x[0].Mul(x[0]))          // y − x²
//		return a.Mul(a).Add(b.Mul(b).Scale(100))
//	}
//	p, err := problems.FromGeneric(problems.Generic{
//		Name: "myrosen", Dim: 2, X0: []float64{-1.2, 1}, Holomorphic: true,
//		Real: rosen[problems.Real], Hyper: rosen[problems.Hyper], Jet: rosen[problems.Jet],
//	})
//
// # Which route gives what
//
//   - Real (float64): E(x) exactly as written.
//   - Hyper (gonum num/hyperdual): in float64, ∇E by n evaluations (ε₁ = e_i),
//     H v by n evaluations (ε₁ = e_i, ε₂ = v), the dense Hessian by n(n+1)/2;
//     exact to round-off (dual numbers have no truncation error).
//   - Jet (complex triple-dual): all of E, ∇E, H, Hv and D³E[u,v] (ε₁ = u,
//     ε₂ = v, ε₃ = e_i, n evaluations), exact to round-off, at real or
//     complex x; this is the route for the complex Funcs and for D3.
//   - Complex (complex128): E at complex x. Used for the complex Func and,
//     through ComplexStepGrad, for the complex-step gradient
//     Im E(x + iεe_j)/ε: its truncation error is O(ε²|E‴|), negligible for
//     ε = 1e−20, so it is exact to round-off but only for real x and only
//     for losses that are real on the real axis and holomorphic.
//
// Missing routes fall back to Jet, which is required. The derived Funcs
// cost O(n) loss evaluations per gradient, HVP or D3 (O(n²) per Hessian),
// which suits small problems; large ones (like NewMLP) need hand-written
// derivatives. Workspaces come from sync.Pools, so the Funcs are safe for
// concurrent use and do not allocate in steady state.
type Generic struct {
	// Name, Description and Source fill the Problem's fields.
	Name, Description, Source string
	// Dim is the number of parameters (≥ 1); X0 the default start (nil
	// means the origin).
	Dim int
	X0  []float64
	// Holomorphic says that the loss, as written, is the holomorphic
	// extension of its real restriction (no Abs, no branches on the value,
	// no conjugation); only then is Problem.Complex set.
	Holomorphic bool
	// The instantiations of the loss. Jet is required.
	Real    func(x []Real) Real
	Complex func(x []Complex) Complex
	Hyper   func(x []Hyper) Hyper
	Jet     func(x []Jet) Jet
	// Taylor, optional, is the instantiation with Taylor numbers; when
	// set, the Problem's Derivs gives derivative contractions of any
	// order (see Derivs).
	Taylor func(x []Taylor) Taylor
}

// asReal reinterprets a []float64 as []Real (identical layout).
func asReal(x []float64) []Real {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*Real)(unsafe.Pointer(&x[0])), len(x))
}

// asComplex reinterprets a []complex128 as []Complex (identical layout).
func asComplex(x []complex128) []Complex {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*Complex)(unsafe.Pointer(&x[0])), len(x))
}

type slicePool[E any] struct{ p sync.Pool }

func newSlicePool[E any](n int) *slicePool[E] {
	return &slicePool[E]{p: sync.Pool{New: func() any { s := make([]E, n); return &s }}}
}
func (p *slicePool[E]) get() *[]E  { return p.p.Get().(*[]E) }
func (p *slicePool[E]) put(s *[]E) { p.p.Put(s) }

// FromGeneric builds a Problem whose derivatives all come from automatic
// differentiation of the loss g describes (see Generic for which route
// gives which derivative).
func FromGeneric(g Generic) (*Problem, error) {
	n := g.Dim
	if n < 1 {
		return nil, fmt.Errorf("%w: generic problem %q needs Dim ≥ 1, got %d", ErrBadParameter, g.Name, n)
	}
	if g.Jet == nil {
		return nil, fmt.Errorf("%w: generic problem %q needs the Jet instantiation", ErrBadParameter, g.Name)
	}
	x0 := g.X0
	if x0 == nil {
		x0 = make([]float64, n)
	}
	if len(x0) != n {
		return nil, fmt.Errorf("%w: generic problem %q: X0 has length %d, want %d", ErrBadParameter, g.Name, len(x0), n)
	}
	jets := newSlicePool[Jet](n)
	hypers := newSlicePool[Hyper](n)

	// jetEval seeds x + ε₁a + ε₂b + ε₃e_k (nil a/b and k < 0 mean no
	// seed) and returns E of that jet.
	jetEval := func(x []complex128, a, b []complex128, k int) Jet {
		ps := jets.get()
		defer jets.put(ps)
		s := *ps
		for i := range s {
			s[i] = Jet{}
			s[i].C[0] = x[i]
			if a != nil {
				s[i].C[1] = a[i]
			}
			if b != nil {
				s[i].C[2] = b[i]
			}
		}
		if k >= 0 {
			s[k].C[4] = 1
		}
		return g.Jet(s)
	}
	cplx := jetFuncs(n, jetEval)
	if g.Complex != nil {
		cplx.Func = func(x []complex128) complex128 {
			checkLenT(n, x)
			return complex128(g.Complex(asComplex(x)))
		}
	}
	// Real Funcs: the Jet route at real points (real parts), overridden by
	// Real and Hyper where given.
	cpool := newSlicePool[complex128](3 * n)
	toC := func(s []complex128, x []float64) {
		for i, xi := range x {
			s[i] = complex(xi, 0)
		}
	}
	real := Funcs[float64]{
		Func: func(x []float64) float64 {
			checkLenT(n, x)
			ps := cpool.get()
			defer cpool.put(ps)
			c := (*ps)[:n]
			toC(c, x)
			return realPart(cplx.Func(c))
		},
		Grad: func(grad, x []float64) {
			checkLenT(n, grad, x)
			ps := cpool.get()
			defer cpool.put(ps)
			c := (*ps)[:n]
			toC(c, x)
			for k := range n {
				grad[k] = realPart(jetEval(c, nil, nil, k).C[4])
			}
		},
		Hess: func(hess, x []float64) {
			checkLenT(n*n, hess)
			checkLenT(n, x)
			ps := cpool.get()
			defer cpool.put(ps)
			c, e := (*ps)[:n], (*ps)[n:2*n]
			toC(c, x)
			clear(e)
			for i := range n {
				e[i] = 1
				for k := i; k < n; k++ {
					h := realPart(jetEval(c, e, nil, k).C[5])
					hess[i*n+k], hess[k*n+i] = h, h
				}
				e[i] = 0
			}
		},
		HessVec: func(hv, x, v []float64) {
			checkLenT(n, hv, x, v)
			ps := cpool.get()
			defer cpool.put(ps)
			c, cv := (*ps)[:n], (*ps)[n:2*n]
			toC(c, x)
			toC(cv, v)
			for k := range n {
				hv[k] = realPart(jetEval(c, cv, nil, k).C[5])
			}
		},
		D3: func(dst, x, u, v []float64) {
			checkLenT(n, dst, x, u, v)
			ps := cpool.get()
			defer cpool.put(ps)
			c, cu, cv := (*ps)[:n], (*ps)[n:2*n], (*ps)[2*n:]
			toC(c, x)
			toC(cu, u)
			toC(cv, v)
			for k := range n {
				dst[k] = realPart(jetEval(c, cu, cv, k).C[7])
			}
		},
	}
	if g.Real != nil {
		real.Func = func(x []float64) float64 {
			checkLenT(n, x)
			return float64(g.Real(asReal(x)))
		}
	}
	if g.Hyper != nil {
		// hyperEval seeds x + ε₁e_i + ε₂b (b nil: ε₂e_j, j < 0: none).
		hyperEval := func(x []float64, i int, b []float64, j int) hyperdual.Number {
			ps := hypers.get()
			defer hypers.put(ps)
			s := *ps
			for k := range s {
				s[k] = Hyper{hyperdual.Number{Real: x[k]}}
				if b != nil {
					s[k].E2mag = b[k]
				}
			}
			s[i].E1mag = 1
			if j >= 0 {
				s[j].E2mag = 1
			}
			return g.Hyper(s).Number
		}
		real.Grad = func(grad, x []float64) {
			checkLenT(n, grad, x)
			for i := range n {
				grad[i] = hyperEval(x, i, nil, -1).E1mag
			}
		}
		real.Hess = func(hess, x []float64) {
			checkLenT(n*n, hess)
			checkLenT(n, x)
			for i := range n {
				for j := i; j < n; j++ {
					h := hyperEval(x, i, nil, j).E1E2mag
					hess[i*n+j], hess[j*n+i] = h, h
				}
			}
		}
		real.HessVec = func(hv, x, v []float64) {
			checkLenT(n, hv, x, v)
			for i := range n {
				hv[i] = hyperEval(x, i, v, -1).E1E2mag
			}
		}
	}
	p := &Problem{
		Name: g.Name, Description: g.Description, Source: g.Source,
		Dim: n, X0: append([]float64(nil), x0...),
		Real: real,
	}
	if g.Holomorphic {
		p.Complex = &cplx
	}
	if g.Taylor != nil {
		p.Derivs, _ = NewDerivs(n, g.Taylor) // n ≥ 1 and Taylor non-nil: no error
	}
	return p, nil
}

// jetFuncs returns complex Funcs from a seeded jet evaluator.
func jetFuncs(n int, jetEval func(x, a, b []complex128, k int) Jet) Funcs[complex128] {
	epool := newSlicePool[complex128](n)
	return Funcs[complex128]{
		Func: func(x []complex128) complex128 {
			checkLenT(n, x)
			return jetEval(x, nil, nil, -1).C[0]
		},
		Grad: func(grad, x []complex128) {
			checkLenT(n, grad, x)
			for k := range n {
				grad[k] = jetEval(x, nil, nil, k).C[4]
			}
		},
		Hess: func(hess, x []complex128) {
			checkLenT(n*n, hess)
			checkLenT(n, x)
			pe := epool.get()
			defer epool.put(pe)
			e := *pe
			clear(e)
			for i := range n {
				e[i] = 1
				for k := i; k < n; k++ {
					h := jetEval(x, e, nil, k).C[5]
					hess[i*n+k], hess[k*n+i] = h, h
				}
				e[i] = 0
			}
		},
		HessVec: func(hv, x, v []complex128) {
			checkLenT(n, hv, x, v)
			for k := range n {
				hv[k] = jetEval(x, v, nil, k).C[5]
			}
		},
		D3: func(dst, x, u, v []complex128) {
			checkLenT(n, dst, x, u, v)
			for k := range n {
				dst[k] = jetEval(x, u, v, k).C[7]
			}
		},
	}
}

// ComplexStepGrad writes the complex-step gradient of a loss that is real
// on the real axis and holomorphic near it, dst_j = Im E(x + iεe_j)/ε with
// ε = 1e−20, into dst (nil allocates) and returns it. The truncation error
// is O(ε²·|∂³E|) and there is no subtractive cancellation, so the result is
// exact to round-off (Squire & Trapp, SIAM Review 40 (1998) 110–112). It
// allocates one complex vector.
func ComplexStepGrad(dst []float64, f func([]complex128) complex128, x []float64) []float64 {
	const eps = 1e-20
	if dst == nil {
		dst = make([]float64, len(x))
	}
	checkLen("ComplexStepGrad", len(x), dst)
	c := make([]complex128, len(x))
	for i, xi := range x {
		c[i] = complex(xi, 0)
	}
	for j := range x {
		c[j] = complex(x[j], eps)
		dst[j] = imag(f(c)) / eps
		c[j] = complex(x[j], 0)
	}
	return dst
}
