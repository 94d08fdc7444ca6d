package modified

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// MaxMomentumOrder is the highest order of NewMomentum.
const MaxMomentumOrder = 2

// NewMomentum returns the modified flow of heavy-ball momentum
// θ_{k+1} = θ_k − h∇E(θ_k) + β(θ_k − θ_{k−1}) (Polyak 1964; GD with
// GDSettings.Momentum = β) with 0 ≤ β < 1, truncated after the term of
// order h^order (0 ≤ order ≤ MaxMomentumOrder). With c = 1/(1 − β):
//
//	order 0: θ' = −c g
//	order 1: θ' = −c g − h (1+β)c³/2 · H g
//	         = −c ∇(E + h (1+β)c²/4 ‖∇E‖²)
//	order 2: order 1 + h² [ (c³/6 − (1+β)²c⁵/2) H²g + (c³/6 − (1+β)²c⁵/4) D³E[g,g] ]
//
// One flow-time unit h per iteration. The flow describes heavy ball on its
// attracting invariant manifold, where θ_{k−1} = φ_{−h}(θ_k) (the flow run
// backwards): there the iteration and the flow of order q differ by
// O(h^(q+2)) per step. Order 0 is the time-rescaled gradient flow; the
// modified equations of fixed-momentum methods and their invariant
// manifold are studied by Kovachki and Stuart, "Continuous time analysis
// of momentum methods", JMLR 22(17), 2021. The coefficients above are
// derived here by matching θ_{k+1} − θ_k = −hg + β(θ_k − θ_{k−1}) with
// the Taylor expansions of φ_{±h} (the modified-equation method of
// Hairer, Lubich, Wanner, Sec. IX.1); for β = 0 they reduce to NewBEA's,
// and the tests confirm the local orders 2, 3, 4 against heavy-ball
// iterates.
//
// Iterates started with zero velocity (θ_{−1} = θ_0) are off the manifold
// and approach it like β^k; that transient is outside the model.
func NewMomentum[T linalg.Scalar](p *problems.Problem, h, beta float64, order int) (*Flow[T], error) {
	if err := checkInput(p, h); err != nil {
		return nil, err
	}
	if !(beta >= 0 && beta < 1) {
		return nil, fmt.Errorf("%w: momentum β = %v must be in [0, 1)", ErrInvalidInput, beta)
	}
	if order < 0 || order > MaxMomentumOrder {
		return nil, fmt.Errorf("%w: momentum flow order %d not in [0, %d]", ErrInvalidInput, order, MaxMomentumOrder)
	}
	f, err := funcsOf[T](p)
	if err != nil {
		return nil, err
	}
	if f.Grad == nil || (order >= 1 && f.HessVec == nil) || (order >= 2 && f.D3 == nil) {
		return nil, fmt.Errorf("%w: problem %s lacks the derivatives the order-%d momentum flow needs", ErrInvalidInput, p.Name, order)
	}
	d := p.Dim
	c := 1 / (1 - beta)
	c3, c5, b1 := c*c*c, c*c*c*c*c, 1+beta
	k0 := linalg.FromFloat[T](-c)
	k1 := linalg.FromFloat[T](-h * b1 * c3 / 2)
	k2a := linalg.FromFloat[T](h * h * (c3/6 - b1*b1*c5/2))
	k2b := linalg.FromFloat[T](h * h * (c3/6 - b1*b1*c5/4))
	g := make([]T, d)
	var hg, h2g, dgg []T
	if order >= 1 {
		hg = make([]T, d)
	}
	if order >= 2 {
		h2g, dgg = make([]T, d), make([]T, d)
	}
	rhs := func(dy []T, _ float64, y []T) {
		if len(dy) != d || len(y) != d {
			panic("modified: slice length mismatch")
		}
		f.Grad(g, y)
		clear(dy)
		if order >= 1 {
			f.HessVec(hg, y, g)
		}
		if order >= 2 {
			f.HessVec(h2g, y, hg)
			f.D3(dgg, y, g, g)
			linalg.Axpy(dy, k2a, h2g)
			linalg.Axpy(dy, k2b, dgg)
		}
		if order >= 1 {
			linalg.Axpy(dy, k1, hg)
		}
		linalg.Axpy(dy, k0, g)
	}
	return &Flow[T]{Name: fmt.Sprintf("momentum%d", order), H: h, Dim: d, F: rhs}, nil
}

// SumLoss is a loss with minibatch structure, E = (1/m) Σ_k E_k over m
// minibatches, as stochastic gradient descent sees it.
type SumLoss[T linalg.Scalar] struct {
	// Dim is the number of parameters.
	Dim int
	// Batches is the number m of minibatches.
	Batches int
	// Grad writes ∇E_k(x) into grad, for 0 ≤ k < Batches.
	Grad func(k int, grad, x []T)
	// HessVec writes ∇²E_k(x)·v into hv.
	HessVec func(k int, hv, x, v []T)
}

// LeastSquares returns the minibatch least-squares loss with
// E_k(θ) = (1/(2s)) Σ_{i∈B_k} (a_iᵀθ − b_i)², where the rows a_i of the
// n×d row-major matrix a (len n·d, n = len(b)) are split in order into
// m = batches minibatches B_k of s = n/m rows each; E = (1/m) Σ E_k =
// (1/(2n))‖Aθ − b‖². n must be a positive multiple of batches.
func LeastSquares[T linalg.Scalar](a, b []float64, batches int) (*SumLoss[T], error) {
	n := len(b)
	if n == 0 || batches <= 0 || n%batches != 0 || len(a)%n != 0 || len(a) == 0 {
		return nil, fmt.Errorf("%w: least squares needs n = len(b) > 0 rows, a multiple of batches = %d, and len(a) = n·d (got n = %d, len(a) = %d)",
			ErrInvalidInput, batches, n, len(a))
	}
	for i, v := range a {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: a[%d] = %v", ErrInvalidInput, i, v)
		}
	}
	for i, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: b[%d] = %v", ErrInvalidInput, i, v)
		}
	}
	d, s := len(a)/n, n/batches
	at := make([]T, len(a))
	for i, v := range a {
		at[i] = linalg.FromFloat[T](v)
	}
	bt := make([]T, n)
	for i, v := range b {
		bt[i] = linalg.FromFloat[T](v)
	}
	inv := linalg.FromFloat[T](1 / float64(s))
	row := func(i int) []T { return at[i*d : i*d+d] }
	// acc writes (1/s) Σ_{i∈B_k} a_i (a_iᵀx − shift·b_i) into dst.
	acc := func(k int, dst, x []T, shift T) {
		clear(dst)
		for i := k * s; i < (k+1)*s; i++ {
			r := linalg.Dot(row(i), x) - shift*bt[i]
			linalg.Axpy(dst, r*inv, row(i))
		}
	}
	return &SumLoss[T]{
		Dim: d, Batches: batches,
		Grad:    func(k int, grad, x []T) { acc(k, grad, x, 1) },
		HessVec: func(k int, hv, _, v []T) { acc(k, hv, v, 0) },
	}, nil
}

func (s *SumLoss[T]) check(x0 []T, h float64) error {
	if s == nil || s.Dim <= 0 || s.Batches <= 0 || s.Grad == nil {
		return fmt.Errorf("%w: incomplete SumLoss", ErrInvalidInput)
	}
	if math.IsNaN(h) || math.IsInf(h, 0) || h <= 0 {
		return fmt.Errorf("%w: learning rate %v must be positive and finite", ErrInvalidInput, h)
	}
	if x0 == nil {
		return nil
	}
	if len(x0) != s.Dim {
		return fmt.Errorf("%w: start point has length %d, loss has dimension %d", ErrInvalidInput, len(x0), s.Dim)
	}
	if i := firstNonFinite(x0); i >= 0 {
		return fmt.Errorf("%w: start point component %d is %v", ErrInvalidInput, i, x0[i])
	}
	return nil
}

// SGDEpoch runs one epoch of stochastic gradient descent without
// replacement, θ ← θ − h∇E_k(θ) for k = perm[0], perm[1], …, from x0 and
// writes the final iterate into dst, which it returns (nil dst allocates;
// dst may alias x0). grad is a workspace of length s.Dim (nil allocates).
// It panics if a length differs or perm holds an index out of range.
func SGDEpoch[T linalg.Scalar](dst []T, s *SumLoss[T], x0 []T, h float64, perm []int, grad []T) []T {
	if dst == nil {
		dst = make([]T, s.Dim)
	}
	if grad == nil {
		grad = make([]T, s.Dim)
	}
	if len(dst) != s.Dim || len(x0) != s.Dim || len(grad) != s.Dim {
		panic("modified: slice length mismatch")
	}
	copy(dst, x0)
	mh := linalg.FromFloat[T](-h)
	for _, k := range perm {
		if k < 0 || k >= s.Batches {
			panic("modified: minibatch index out of range")
		}
		s.Grad(k, grad, dst)
		linalg.Axpy(dst, mh, grad)
	}
	return dst
}

// SGD runs epochs of stochastic gradient descent with random reshuffling:
// every epoch visits the m minibatches once, in an order drawn from rng
// (a uniformly random permutation). It returns the iterates at the start
// and at the end of every epoch (epochs+1 points). A non-finite iterate
// stops the run with an error wrapping ErrDiverged that names the epoch,
// with the iterates before it.
func SGD[T linalg.Scalar](s *SumLoss[T], x0 []T, h float64, epochs int, rng *rand.Rand) ([][]T, error) {
	if err := s.check(x0, h); err != nil {
		return nil, err
	}
	if epochs < 0 || rng == nil {
		return nil, fmt.Errorf("%w: SGD needs epochs ≥ 0 (got %d) and a random source", ErrInvalidInput, epochs)
	}
	out := [][]T{append([]T(nil), x0...)}
	perm := make([]int, s.Batches)
	grad := make([]T, s.Dim)
	for e := 1; e <= epochs; e++ {
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		x := SGDEpoch(nil, s, out[e-1], h, perm, grad)
		if i := firstNonFinite(x); i >= 0 {
			return out, fmt.Errorf("%w in epoch %d: component %d is %v", ErrDiverged, e, i, x[i])
		}
		out = append(out, x)
	}
	return out, nil
}

// NewSGDFlow returns the implicit-regularisation flow of SGD with random
// reshuffling and learning rate h (Smith, Dherin, Barrett, De, "On the
// origin of implicit regularization in stochastic gradient descent",
// ICLR 2021):
//
//	θ' = −∇Ẽ,  Ẽ = E + (h/4)·(1/m) Σ_k ‖∇E_k‖²,  i.e.
//	θ' = −∇E − (h/(2m)) Σ_k ∇²E_k ∇E_k,
//
// one flow-time unit h per SGD step (an epoch is flow time m·h). Averaged
// over the m! orders of an epoch, the SGD iterate after the epoch agrees
// with this flow at time m·h up to O(h³), while the gradient flow of E
// is off by O(h²): averaging over orders leaves the second-order term
// (h²/2)(m²∇²E∇E − Σ_k ∇²E_k ∇E_k) of the epoch, whose second part is the
// regulariser. s needs HessVec.
func NewSGDFlow[T linalg.Scalar](s *SumLoss[T], h float64) (*Flow[T], error) {
	if err := s.check(nil, h); err != nil {
		return nil, err
	}
	if s.HessVec == nil {
		return nil, fmt.Errorf("%w: the SGD flow needs SumLoss.HessVec", ErrInvalidInput)
	}
	d, m := s.Dim, s.Batches
	gk, hk := make([]T, d), make([]T, d)
	invm := linalg.FromFloat[T](-1 / float64(m))
	reg := linalg.FromFloat[T](-h / (2 * float64(m)))
	rhs := func(dy []T, _ float64, y []T) {
		if len(dy) != d || len(y) != d {
			panic("modified: slice length mismatch")
		}
		clear(dy)
		for k := range m {
			s.Grad(k, gk, y)
			s.HessVec(k, hk, y, gk)
			linalg.Axpy(dy, reg, hk)
			linalg.Axpy(dy, invm, gk)
		}
	}
	return &Flow[T]{Name: "sgd", H: h, Dim: d, F: rhs}, nil
}

// Game is a two-player differentiable game in the form of Rosca, Wu,
// Dherin, Barrett (ICML 2021): the players follow the vector fields
// x' = f(x, y) and y' = g(x, y) (for a zero-sum game with loss E that x
// minimises and y maximises, f = −∇_x E and g = ∇_y E).
type Game[T linalg.Scalar] struct {
	// DimX and DimY are the dimensions of the two players.
	DimX, DimY int
	// F writes f(x, y) into dst (len DimX).
	F func(dst, x, y []T)
	// G writes g(x, y) into dst (len DimY).
	G func(dst, x, y []T)
	// JF writes the directional derivative ∇_x f·u + ∇_y f·v at (x, y).
	JF func(dst, x, y, u, v []T)
	// JG writes ∇_x g·u + ∇_y g·v at (x, y).
	JG func(dst, x, y, u, v []T)
}

// ZeroSumGame returns the zero-sum game of the loss p, whose first dimX
// coordinates are the minimising player x and the rest the maximising
// player y: f = −∇_x E, g = +∇_y E, with the Jacobian-vector products from
// the problem's Hessian-vector product. T = complex128 needs a holomorphic
// problem.
func ZeroSumGame[T linalg.Scalar](p *problems.Problem, dimX int) (*Game[T], error) {
	if p == nil || dimX < 1 || dimX >= p.Dim {
		return nil, fmt.Errorf("%w: zero-sum game needs a problem of dimension > dimX ≥ 1", ErrInvalidInput)
	}
	f, err := funcsOf[T](p)
	if err != nil {
		return nil, err
	}
	if f.Grad == nil || f.HessVec == nil {
		return nil, fmt.Errorf("%w: problem %s lacks Grad or HessVec", ErrInvalidInput, p.Name)
	}
	n := p.Dim
	// Workspaces: the joint point, direction and result. A Game is
	// therefore not safe for concurrent use, like a Flow.
	z, w, r := make([]T, n), make([]T, n), make([]T, n)
	join := func(dst, a, b []T) {
		copy(dst[:dimX], a)
		copy(dst[dimX:], b)
	}
	neg := func(dst, src []T) {
		for i, v := range src {
			dst[i] = -v
		}
	}
	return &Game[T]{
		DimX: dimX, DimY: n - dimX,
		F: func(dst, x, y []T) { join(z, x, y); f.Grad(r, z); neg(dst, r[:dimX]) },
		G: func(dst, x, y []T) { join(z, x, y); f.Grad(r, z); copy(dst, r[dimX:]) },
		JF: func(dst, x, y, u, v []T) {
			join(z, x, y)
			join(w, u, v)
			f.HessVec(r, z, w)
			neg(dst, r[:dimX])
		},
		JG: func(dst, x, y, u, v []T) {
			join(z, x, y)
			join(w, u, v)
			f.HessVec(r, z, w)
			copy(dst, r[dimX:])
		},
	}, nil
}

func (g *Game[T]) check() error {
	if g == nil || g.DimX < 1 || g.DimY < 1 || g.F == nil || g.G == nil {
		return fmt.Errorf("%w: incomplete game", ErrInvalidInput)
	}
	return nil
}

// GameStep writes one step of simultaneous (alternating = false) or
// alternating (alternating = true, x moves first) Euler on the game into
// (xn, yn):
//
//	simultaneous: x⁺ = x + αh f(x, y),  y⁺ = y + λh g(x, y)
//	alternating:  x⁺ = x + αh f(x, y),  y⁺ = y + λh g(x⁺, y)
//
// It returns xn, yn (allocated when nil; they must not alias x, y). fx and
// gy are workspaces of lengths DimX and DimY (nil allocates).
func GameStep[T linalg.Scalar](xn, yn []T, g *Game[T], x, y []T, h, alpha, lambda float64, alternating bool, fx, gy []T) ([]T, []T) {
	if xn == nil {
		xn = make([]T, g.DimX)
	}
	if yn == nil {
		yn = make([]T, g.DimY)
	}
	if fx == nil {
		fx = make([]T, g.DimX)
	}
	if gy == nil {
		gy = make([]T, g.DimY)
	}
	if len(xn) != g.DimX || len(x) != g.DimX || len(fx) != g.DimX || len(yn) != g.DimY || len(y) != g.DimY || len(gy) != g.DimY {
		panic("modified: slice length mismatch")
	}
	g.F(fx, x, y)
	if !alternating {
		g.G(gy, x, y)
	}
	linalg.AxpyTo(xn, x, linalg.FromFloat[T](alpha*h), fx)
	if alternating {
		g.G(gy, xn, y)
	}
	linalg.AxpyTo(yn, y, linalg.FromFloat[T](lambda*h), gy)
	return xn, yn
}

// NewGameFlow returns the first-order modified flow (discretisation drift)
// of simultaneous or alternating Euler on the game with learning rates αh
// for x and λh for y (Rosca, Wu, Dherin, Barrett, "Discretization drift
// in two-player games", ICML 2021), one flow-time
// unit h per step, on the joint state z = (x, y) (len DimX + DimY):
//
//	x' = αf − (αh/2)(α ∇_x f·f + λ ∇_y f·g)             (both)
//	y' = λg − (λh/2)(α ∇_x g·f + λ ∇_y g·g)             (simultaneous)
//	y' = λg − (λh/2)(λ ∇_y g·g − α ∇_x g·f)             (alternating)
//
// Each agrees with one step of its discrete algorithm up to O(h³).
func NewGameFlow[T linalg.Scalar](g *Game[T], h, alpha, lambda float64, alternating bool) (*Flow[T], error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	if g.JF == nil || g.JG == nil {
		return nil, fmt.Errorf("%w: the game flow needs JF and JG", ErrInvalidInput)
	}
	for _, v := range []float64{h, alpha, lambda} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return nil, fmt.Errorf("%w: learning rate h = %v and factors α = %v, λ = %v must be positive and finite",
				ErrInvalidInput, h, alpha, lambda)
		}
	}
	nx, ny := g.DimX, g.DimY
	fx, gy := make([]T, nx), make([]T, ny)
	af, lg := make([]T, nx), make([]T, ny) // αf, λg
	laf := make([]T, nx)                   // for alternating: −αf
	jf, jg := make([]T, nx), make([]T, ny)
	c := linalg.FromFloat[T]
	sa, sl := c(alpha), c(lambda)
	ka, kl := c(-alpha*h/2), c(-lambda*h/2)
	name := "game-simultaneous"
	if alternating {
		name = "game-alternating"
	}
	rhs := func(dz []T, _ float64, z []T) {
		if len(dz) != nx+ny || len(z) != nx+ny {
			panic("modified: slice length mismatch")
		}
		x, y := z[:nx], z[nx:]
		g.F(fx, x, y)
		g.G(gy, x, y)
		linalg.ScaleTo(af, sa, fx)
		linalg.ScaleTo(lg, sl, gy)
		g.JF(jf, x, y, af, lg)
		if alternating {
			linalg.ScaleTo(laf, c(-1), af)
			g.JG(jg, x, y, laf, lg)
		} else {
			g.JG(jg, x, y, af, lg)
		}
		linalg.AxpyTo(dz[:nx], af, ka, jf)
		linalg.AxpyTo(dz[nx:], lg, kl, jg)
	}
	return &Flow[T]{Name: name, H: h, Dim: nx + ny, F: rhs}, nil
}
