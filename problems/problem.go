package problems

import (
	"fmt"
	"github.com/pflow-go/pflow"

	"github.com/pflow-go/pflow/linalg"
)

// Sentinel errors returned by this package.
var (
	// ErrNotHolomorphic is returned when complex entry points are asked
	// for a loss that has no holomorphic extension (e.g. one built from
	// |x| or max(0, x)).
	ErrNotHolomorphic = pflow.Sentinel("problems: loss is not holomorphic", pflow.ErrUnsupported)
	// ErrUnknownProblem is returned by ByName for a name not in the
	// catalogue.
	ErrUnknownProblem = pflow.Sentinel("problems: unknown problem", pflow.ErrUnknownName)
	// ErrBadParameter is returned by ByName and the constructors for a
	// malformed or out-of-range parameter.
	ErrBadParameter = pflow.Sentinel("problems: bad parameter", pflow.ErrInvalidInput)
)

// Funcs holds a loss E and its exact derivatives in one scalar type T.
//
// All functions are destination-first, write into the destination and do
// not allocate. They are safe for concurrent use (workspaces, where a
// problem needs them, come from a sync.Pool). For T = complex128 every
// function is the holomorphic extension of the real one: the algebra is
// bilinear, nothing is conjugated, and Hess is complex symmetric (Hᵀ = H).
type Funcs[T linalg.Scalar] struct {
	// Func returns E(x).
	Func func(x []T) T
	// Grad writes ∇E(x) into grad.
	Grad func(grad, x []T)
	// Hess writes the dense n×n row-major Hessian ∇²E(x) into hess
	// (len n*n). It is nil for problems whose dimension makes a dense
	// Hessian the wrong tool; use HessVec.
	Hess func(hess, x []T)
	// HessVec writes the Hessian-vector product ∇²E(x)·v into hv.
	HessVec func(hv, x, v []T)
	// D3 writes the third-derivative contraction D³E(x)[u,v] into dst:
	// dst_i = Σ_jk ∂³E/∂x_i∂x_j∂x_k · u_j v_k. It is symmetric in u and v,
	// and equals ∇_x (uᵀ ∇²E(x) v) with u, v held fixed.
	D3 func(dst, x, u, v []T)
}

// Kind classifies a stationary point.
type Kind int

// Kinds of stationary point.
const (
	Minimum Kind = iota
	Saddle
	Maximum
)

// String returns "minimum", "saddle" or "maximum".
func (k Kind) String() string {
	switch k {
	case Minimum:
		return "minimum"
	case Saddle:
		return "saddle"
	case Maximum:
		return "maximum"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Inertia counts the positive, negative and zero eigenvalues of a
// symmetric matrix (Sylvester's law of inertia).
type Inertia struct {
	Pos, Neg, Zero int
}

// Point is a known stationary point (∇E = 0) of a problem.
type Point struct {
	// X is the location, to full float64 precision unless stated in the
	// problem's description.
	X []float64
	// E is the loss at X.
	E float64
	// Kind says whether X is a minimum, saddle or maximum.
	Kind Kind
	// Inertia of the Hessian at X.
	Inertia Inertia
}

// Problem is a loss function with exact derivatives, in the spirit of
// gonum's optimize.Problem: a struct of functions, with optional
// capabilities nil.
type Problem struct {
	// Name is the catalogue name with parameters, as accepted by ByName
	// (e.g. "deeplinear:k=3").
	Name string
	// Description says what the loss is, in one or two sentences, with the
	// exact formula and convention.
	Description string
	// Source is the citation for the problem.
	Source string
	// Dim is the number of parameters.
	Dim int
	// X0 is the default start point (len Dim).
	X0 []float64
	// Real evaluates the loss and its derivatives in float64.
	Real Funcs[float64]
	// Complex is the holomorphic extension, nil when the loss is not
	// holomorphic. Use ComplexFuncs to get it with an error.
	Complex *Funcs[complex128]
	// Derivs, optional, gives derivative contractions of any order (set by
	// FromGeneric when the Generic has the Taylor instantiation); nil
	// otherwise. Use DerivsOf, which also knows generic twins of catalogue
	// problems.
	Derivs *Derivs
	// ConstantHessian is true for quadratics: ∇²E does not depend on x
	// and D³E ≡ 0.
	ConstantHessian bool
	// Minima, Saddles and Maxima list the known stationary points.
	Minima, Saddles, Maxima []Point
}

// ComplexFuncs returns the holomorphic extension of the loss, or
// ErrNotHolomorphic (wrapped with the problem's name) when it has none.
func (p *Problem) ComplexFuncs() (*Funcs[complex128], error) {
	if p.Complex == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotHolomorphic, p.Name)
	}
	return p.Complex, nil
}

// Start returns a copy of the default start point X0.
func (p *Problem) Start() []float64 {
	return append([]float64(nil), p.X0...)
}

// StationaryPoints returns all known stationary points: minima, then
// saddles, then maxima.
func (p *Problem) StationaryPoints() []Point {
	var all []Point
	all = append(all, p.Minima...)
	all = append(all, p.Saddles...)
	return append(all, p.Maxima...)
}

func checkLen(name string, n int, s ...[]float64) {
	for _, v := range s {
		if len(v) != n {
			panic("problems: " + name + ": slice length mismatch")
		}
	}
}

func checkLenT[T linalg.Scalar](n int, s ...[]T) {
	for _, v := range s {
		if len(v) != n {
			panic("problems: slice length mismatch")
		}
	}
}
