package problems

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/floats"

	"github.com/pflow-go/pflow/linalg"
)

// Activation selects the hidden-layer nonlinearity of NewNetwork.
type Activation int

const (
	// Tanh is σ(a) = tanh a.
	Tanh Activation = iota
	// Swish is σ(a) = a·sigmoid(a) = a/(1 + e^{−a}) (Ramachandran, Zoph,
	// Le, "Searching for activation functions", 2017; "silu" in JAX and
	// flax).
	Swish
)

// String returns "tanh" or "swish".
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case Swish:
		return "swish"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the activation named "tanh" or "swish".
func ParseActivation(s string) (Activation, error) {
	switch strings.ToLower(s) {
	case "tanh":
		return Tanh, nil
	case "swish", "silu":
		return Swish, nil
	}
	return 0, fmt.Errorf("%w: activation %q (valid: tanh, swish)", ErrBadParameter, s)
}

// act returns σ(a), σ′(a) and σ″(a).
func act[T linalg.Scalar](k Activation, a T) (s, d1, d2 T) {
	if k == Tanh {
		t := tanhT(a)
		d := 1 - t*t
		return t, d, -2 * t * d
	}
	g := sigmoid(a)
	q := g * (1 - g)
	return a * g, g + a*q, q * (2 + a*(1-2*g))
}

// NetworkSpec describes a data-driven fully connected network for
// NewNetwork.
type NetworkSpec struct {
	// Name, Description and Source fill the Problem's fields (defaults
	// are generated when empty).
	Name, Description, Source string
	// Layers lists the widths from input to output: Layers[0] = p inputs,
	// Layers[len−1] = q outputs, at least one hidden layer in between is
	// not required (two entries give a linear model).
	Layers []int
	// Activation of the hidden layers (the output layer is linear).
	Activation Activation
	// X holds the N inputs (N×p, row-major) and Y the targets (N×q).
	X, Y []float64
	// Seed seeds the default start point: weights W_l ~ N(0, 1/fan_in)
	// (LeCun normal, flax's default kernel initialiser but not truncated),
	// biases 0. Ignored when X0 is set.
	Seed uint64
	// X0, if non-nil, is the start point (length Dim).
	X0 []float64
}

// network is the data and shape of NewNetwork.
type network struct {
	layers []int
	act    Activation
	n      int
	x, y   []float64
	offs   []int // offs[l]: start of W_{l+1} in θ; biases follow the weights
	dim    int
	chunks int
}

// netChunk is the number of examples per work chunk before the cap on
// the number of chunks (see chunkBounds).
const (
	netChunk     = 16
	netMaxChunks = 64
)

func (m *network) chunkBounds(c int) (lo, hi int) {
	return c * m.n / m.chunks, (c + 1) * m.n / m.chunks
}

// blocks returns W_l (out×in, row-major) and b_l of layer l = 1..L.
func netBlocks[T linalg.Scalar](m *network, th []T, l int) (w, b []T) {
	in, out := m.layers[l-1], m.layers[l]
	o := m.offs[l-1]
	return th[o : o+out*in], th[o+out*in : o+out*in+out]
}

// netWS is the per-chunk workspace of one evaluation.
type netWS[T linalg.Scalar] struct {
	a, z, d    [][]T // pre-activations, activations, back-propagated δ per layer
	s1, s2     [][]T // σ′(a), σ″(a)
	ra, rz, rd [][]T // R-operator parts
	// D3: σ‴, the tangents along v of a, z, δ and of the R parts, and the
	// back-propagated Wᵀδ-type temporaries.
	s3, ta, tz, td, tra, trz, trd [][]T
	gq, rgq, tgq, trgq            [][]T
	acc                           []T // the chunk's contribution to the result vector
	e                             T   // the chunk's contribution to the loss
}

func newNetWS[T linalg.Scalar](m *network) *netWS[T] {
	L := len(m.layers) - 1
	mk := func() [][]T {
		s := make([][]T, L+1)
		for l := 1; l <= L; l++ {
			s[l] = make([]T, m.layers[l])
		}
		return s
	}
	return &netWS[T]{a: mk(), z: mk(), d: mk(), s1: mk(), s2: mk(), ra: mk(), rz: mk(), rd: mk(),
		s3: mk(), ta: mk(), tz: mk(), td: mk(), tra: mk(), trz: mk(), trd: mk(),
		gq: mk(), rgq: mk(), tgq: mk(), trgq: mk(), acc: make([]T, m.dim)}
}

// netCall is the workspace of one call: one netWS per chunk and the
// arguments, bound once to run (a method value made at construction,
// so that dispatching a call to the worker pool does not allocate).
type netCall[T linalg.Scalar] struct {
	m        *network
	xs, ys   []T // the data in type T
	ws       []*netWS[T]
	op       int // 0 loss, 1 gradient, 2 HVP, 3 D3
	th, v, u []T
	run      func(c int)
	wg       sync.WaitGroup
	scale    T // 1/N
	twoScale T // 2/N
}

func newNetCall[T linalg.Scalar](m *network, xs, ys []T) *netCall[T] {
	c := &netCall[T]{m: m, xs: xs, ys: ys, ws: make([]*netWS[T], m.chunks)}
	for i := range c.ws {
		c.ws[i] = newNetWS[T](m)
	}
	c.scale = fl[T](1 / float64(m.n))
	c.twoScale = fl[T](2 / float64(m.n))
	c.run = c.chunk
	return c
}

// forward runs example n: a_l, z_l, σ′, σ″ of every layer, and returns
// the residual in a[L] (a_L − y_n).
func (c *netCall[T]) forward(ws *netWS[T], n int) {
	m := c.m
	L := len(m.layers) - 1
	p := m.layers[0]
	x := c.xs[n*p : n*p+p]
	for l := 1; l <= L; l++ {
		w, b := netBlocks(m, c.th, l)
		if l == 1 {
			nAffine(ws.a[1], w, x, b)
		} else {
			nAffine(ws.a[l], w, ws.z[l-1], b)
		}
		if l < L {
			for j, aj := range ws.a[l] {
				ws.z[l][j], ws.s1[l][j], ws.s2[l][j] = act(m.act, aj)
			}
		}
	}
	q := m.layers[L]
	y := c.ys[n*q : n*q+q]
	for k := range ws.a[L] {
		ws.a[L][k] -= y[k]
	}
}

// backward accumulates into ws.acc the gradient of (1/N)‖r‖² of the
// example whose forward pass is in ws, seeding δ_L = (2/N) r.
func (c *netCall[T]) backward(ws *netWS[T], n int) {
	m := c.m
	L := len(m.layers) - 1
	p := m.layers[0]
	x := c.xs[n*p : n*p+p]
	for k, r := range ws.a[L] {
		ws.d[L][k] = c.twoScale * r
	}
	for l := L; l >= 1; l-- {
		gw, gb := netBlocks(m, ws.acc, l)
		in := m.layers[l-1]
		for k, dk := range ws.d[l] {
			gb[k] += dk
			row := gw[k*in : k*in+in]
			if l == 1 {
				nAxpy(row, dk, x)
			} else {
				nAxpy(row, dk, ws.z[l-1])
			}
		}
		if l > 1 {
			w, _ := netBlocks(m, c.th, l)
			dp := ws.d[l-1]
			clear(dp)
			nAffineT(dp, w, ws.d[l])
			for j := range dp {
				dp[j] *= ws.s1[l-1][j]
			}
		}
	}
}

// hvp accumulates into ws.acc the R-operator (Pearlmutter 1994) of the
// back-propagation above along c.v, for the example in ws.
func (c *netCall[T]) hvp(ws *netWS[T], n int) {
	m := c.m
	L := len(m.layers) - 1
	p := m.layers[0]
	x := c.xs[n*p : n*p+p]
	// Forward: R{a_l} = V_l z_{l−1} + c_l + W_l R{z_{l−1}}, R{z_l} = σ′ R{a_l}.
	for l := 1; l <= L; l++ {
		w, _ := netBlocks(m, c.th, l)
		vw, vb := netBlocks(m, c.v, l)
		if l == 1 {
			nAffine(ws.ra[1], vw, x, vb)
		} else {
			nAffine(ws.ra[l], vw, ws.z[l-1], vb)
			nAffineAdd(ws.ra[l], w, ws.rz[l-1])
		}
		if l < L {
			for j, r := range ws.ra[l] {
				ws.rz[l][j] = ws.s1[l][j] * r
			}
		}
	}
	// Backward.
	for k, r := range ws.a[L] {
		ws.d[L][k] = c.twoScale * r
		ws.rd[L][k] = c.twoScale * ws.ra[L][k]
	}
	for l := L; l >= 1; l-- {
		rw, rb := netBlocks(m, ws.acc, l)
		in := m.layers[l-1]
		for k, rdk := range ws.rd[l] {
			rb[k] += rdk
			row := rw[k*in : k*in+in]
			if l == 1 {
				nAxpy(row, rdk, x)
			} else {
				nAxpy(row, rdk, ws.z[l-1])
				nAxpy(row, ws.d[l][k], ws.rz[l-1])
			}
		}
		if l > 1 {
			w, _ := netBlocks(m, c.th, l)
			vw, _ := netBlocks(m, c.v, l)
			dp, rdp := ws.d[l-1], ws.rd[l-1]
			clear(dp)
			nAffineT(dp, w, ws.d[l]) // Wᵀδ (before σ′)
			clear(rdp)
			nAffineT(rdp, vw, ws.d[l])
			nAffineT(rdp, w, ws.rd[l])
			s1, s2, ra := ws.s1[l-1], ws.s2[l-1], ws.ra[l-1]
			for j := range dp {
				rdp[j] = rdp[j]*s1[j] + dp[j]*s2[j]*ra[j]
				dp[j] *= s1[j]
			}
		}
	}
}

// act3 returns σ‴(a) given σ(a)-related values: for tanh from t = σ(a),
// for swish from a.
func act3[T linalg.Scalar](k Activation, a T) T {
	if k == Tanh {
		t := tanhT(a)
		d := 1 - t*t
		return -2*d*d + 4*t*t*d
	}
	g := sigmoid(a)
	q := g * (1 - g)
	r := 1 - 2*g
	return q * (r*(3+a*r) - 2*a*q)
}

// d3 accumulates into ws.acc the derivative along c.v of the R-operator
// along c.u (forward-mode tangent of hvp): D³E[u,v] for the example in ws.
func (c *netCall[T]) d3(ws *netWS[T], n int) {
	m := c.m
	L := len(m.layers) - 1
	p := m.layers[0]
	x := c.xs[n*p : n*p+p]
	for l := 1; l <= L; l++ {
		w, _ := netBlocks(m, c.th, l)
		uw, ub := netBlocks(m, c.u, l)
		vw, vb := netBlocks(m, c.v, l)
		if l == 1 {
			nAffine(ws.ra[1], uw, x, ub)
			nAffine(ws.ta[1], vw, x, vb)
			clear(ws.tra[1])
		} else {
			z, rz, tz, trz := ws.z[l-1], ws.rz[l-1], ws.tz[l-1], ws.trz[l-1]
			nAffine(ws.ra[l], uw, z, ub)
			nAffineAdd(ws.ra[l], w, rz)
			nAffine(ws.ta[l], vw, z, vb)
			nAffineAdd(ws.ta[l], w, tz)
			nAffine(ws.tra[l], uw, tz, nil)
			nAffineAdd(ws.tra[l], vw, rz)
			nAffineAdd(ws.tra[l], w, trz)
		}
		if l < L {
			s1, s2 := ws.s1[l], ws.s2[l]
			for j, aj := range ws.a[l] {
				ws.s3[l][j] = act3(m.act, aj)
				ra, ta := ws.ra[l][j], ws.ta[l][j]
				ws.rz[l][j] = s1[j] * ra
				ws.tz[l][j] = s1[j] * ta
				ws.trz[l][j] = s2[j]*ta*ra + s1[j]*ws.tra[l][j]
			}
		}
	}
	for k, r := range ws.a[L] {
		ws.d[L][k] = c.twoScale * r
		ws.rd[L][k] = c.twoScale * ws.ra[L][k]
		ws.td[L][k] = c.twoScale * ws.ta[L][k]
		ws.trd[L][k] = c.twoScale * ws.tra[L][k]
	}
	for l := L; l >= 1; l-- {
		ow, ob := netBlocks(m, ws.acc, l)
		in := m.layers[l-1]
		for k, trdk := range ws.trd[l] {
			ob[k] += trdk
			row := ow[k*in : k*in+in]
			if l == 1 {
				nAxpy(row, trdk, x)
			} else {
				nAxpy(row, trdk, ws.z[l-1])
				nAxpy(row, ws.rd[l][k], ws.tz[l-1])
				nAxpy(row, ws.td[l][k], ws.rz[l-1])
				nAxpy(row, ws.d[l][k], ws.trz[l-1])
			}
		}
		if l == 1 {
			break
		}
		w, _ := netBlocks(m, c.th, l)
		uw, _ := netBlocks(m, c.u, l)
		vw, _ := netBlocks(m, c.v, l)
		g, rg, tg, trg := ws.gq[l-1], ws.rgq[l-1], ws.tgq[l-1], ws.trgq[l-1]
		clear(g)
		clear(rg)
		clear(tg)
		clear(trg)
		nAffineT(g, w, ws.d[l])
		nAffineT(rg, uw, ws.d[l])
		nAffineT(rg, w, ws.rd[l])
		nAffineT(tg, vw, ws.d[l])
		nAffineT(tg, w, ws.td[l])
		nAffineT(trg, uw, ws.td[l])
		nAffineT(trg, vw, ws.rd[l])
		nAffineT(trg, w, ws.trd[l])
		s1, s2, s3 := ws.s1[l-1], ws.s2[l-1], ws.s3[l-1]
		ra, ta, tra := ws.ra[l-1], ws.ta[l-1], ws.tra[l-1]
		for j := range g {
			ws.d[l-1][j] = g[j] * s1[j]
			ws.rd[l-1][j] = rg[j]*s1[j] + g[j]*s2[j]*ra[j]
			ws.td[l-1][j] = tg[j]*s1[j] + g[j]*s2[j]*ta[j]
			ws.trd[l-1][j] = trg[j]*s1[j] + rg[j]*s2[j]*ta[j] + tg[j]*s2[j]*ra[j] +
				g[j]*s3[j]*ta[j]*ra[j] + g[j]*s2[j]*tra[j]
		}
	}
}

// chunk evaluates chunk i of the current operation.
func (c *netCall[T]) chunk(i int) {
	ws := c.ws[i]
	lo, hi := c.m.chunkBounds(i)
	L := len(c.m.layers) - 1
	var e T
	if c.op != 0 {
		clear(ws.acc)
	}
	for n := lo; n < hi; n++ {
		c.forward(ws, n)
		switch c.op {
		case 0:
			for _, r := range ws.a[L] {
				e += r * r
			}
		case 1:
			c.backward(ws, n)
		case 2:
			c.hvp(ws, n)
		case 3:
			c.d3(ws, n)
		}
	}
	ws.e = e
}

// do runs the operation over all chunks (in parallel when GOMAXPROCS > 1)
// and reduces the chunk results in chunk order, so the result does not
// depend on the number of workers or on scheduling.
func (c *netCall[T]) do(op int, dst, th, v, u []T) T {
	c.op, c.th, c.v, c.u = op, th, v, u
	parallelFor(c.m.chunks, c.run, &c.wg)
	c.th, c.v, c.u = nil, nil, nil
	if op == 0 {
		var e T
		for _, ws := range c.ws {
			e += ws.e
		}
		return e * c.scale
	}
	copy(dst, c.ws[0].acc)
	for _, ws := range c.ws[1:] {
		for i, a := range ws.acc {
			dst[i] += a
		}
	}
	return 0
}

// The worker pool shared by every network problem: GOMAXPROCS goroutines
// started on first use, living for the rest of the program. Tasks carry
// a prebound function, so submitting one does not allocate.
type netTask struct {
	run func(int)
	i   int
	wg  *sync.WaitGroup
}

var (
	netPoolOnce sync.Once
	netPool     chan netTask
)

func parallelFor(n int, run func(int), wg *sync.WaitGroup) {
	procs := runtime.GOMAXPROCS(0)
	if n == 1 || procs == 1 {
		for i := range n {
			run(i)
		}
		return
	}
	netPoolOnce.Do(func() {
		netPool = make(chan netTask, 4*netMaxChunks)
		for range procs {
			go func() {
				for t := range netPool {
					t.run(t.i)
					t.wg.Done()
				}
			}()
		}
	})
	wg.Add(n - 1)
	for i := 1; i < n; i++ {
		netPool <- netTask{run: run, i: i, wg: wg}
	}
	run(0)
	wg.Wait()
}

// netFuncs builds the Funcs of the network in scalar type T (D3 is set by
// NewNetwork for T = float64).
func netFuncs[T linalg.Scalar](m *network) Funcs[T] {
	d := m.dim
	xs, ys := make([]T, len(m.x)), make([]T, len(m.y))
	for i, v := range m.x {
		xs[i] = fl[T](v)
	}
	for i, v := range m.y {
		ys[i] = fl[T](v)
	}
	pool := &sync.Pool{New: func() any { return newNetCall[T](m, xs, ys) }}
	return Funcs[T]{
		Func: func(th []T) T {
			checkLenT(d, th)
			c := pool.Get().(*netCall[T])
			defer pool.Put(c)
			return c.do(0, nil, th, nil, nil)
		},
		Grad: func(grad, th []T) {
			checkLenT(d, grad, th)
			c := pool.Get().(*netCall[T])
			defer pool.Put(c)
			c.do(1, grad, th, nil, nil)
		},
		HessVec: func(hv, th, v []T) {
			checkLenT(d, hv, th, v)
			c := pool.Get().(*netCall[T])
			defer pool.Put(c)
			c.do(2, hv, th, v, nil)
		},
		D3: func(dst, th, u, v []T) {
			checkLenT(d, dst, th, u, v)
			c := pool.Get().(*netCall[T])
			defer pool.Put(c)
			c.do(3, dst, th, v, u)
		},
	}
}

// NewNetwork returns the mean-squared error of a fully connected network
// on a fixed data set,
//
//	E(θ) = (1/N) Σ_n ‖f_θ(x_n) − y_n‖²,
//	f_θ(x) = W_L σ(⋯σ(W_1 x + b_1)⋯) + b_L,
//
// the mean over examples of the squared error summed over the outputs
// (for one output this is jnp.mean((f(x) − y)²), the loss of the central
// flows reference code). θ stacks, layer by layer, W_l (out×in,
// row-major) then b_l.
//
// The derivatives are exact: Grad by back-propagation, HessVec by
// Pearlmutter's R-operator on the back-propagation (B. A. Pearlmutter,
// "Fast exact multiplication by the Hessian", Neural Computation 6 (1994)
// 147–160; about 2–3 gradients of work), D3[u,v] by forward-mode
// differentiation along v of that R-operator (every quantity carries its
// tangent; about 2 HVPs of work). Hess is assembled from HessVec when
// Dim ≤ 512 and nil otherwise. The loss is holomorphic (tanh, swish), so
// Complex is set, with the same derivatives in bilinear complex
// arithmetic.
//
// Every function splits the examples into at most 64 fixed chunks of about
// 16, evaluates the chunks in parallel on a shared pool of GOMAXPROCS
// worker goroutines (started on first use) and sums the chunk results in
// chunk order: the result is bitwise independent of the number of cores.
// The functions are safe for concurrent use and do not allocate in steady
// state.
func NewNetwork(s NetworkSpec) (*Problem, error) {
	if len(s.Layers) < 2 {
		return nil, fmt.Errorf("%w: network needs at least input and output widths, got %v", ErrBadParameter, s.Layers)
	}
	for _, w := range s.Layers {
		if w < 1 {
			return nil, fmt.Errorf("%w: network widths must be positive, got %v", ErrBadParameter, s.Layers)
		}
	}
	if s.Activation != Tanh && s.Activation != Swish {
		return nil, fmt.Errorf("%w: unknown activation %v", ErrBadParameter, s.Activation)
	}
	p, q := s.Layers[0], s.Layers[len(s.Layers)-1]
	if len(s.X) == 0 || len(s.X)%p != 0 {
		return nil, fmt.Errorf("%w: network inputs: len(X) = %d is not a positive multiple of %d", ErrBadParameter, len(s.X), p)
	}
	n := len(s.X) / p
	if len(s.Y) != n*q {
		return nil, fmt.Errorf("%w: network targets: len(Y) = %d, want N·q = %d", ErrBadParameter, len(s.Y), n*q)
	}
	for _, v := range s.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: network inputs hold a non-finite value", ErrBadParameter)
		}
	}
	for _, v := range s.Y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: network targets hold a non-finite value", ErrBadParameter)
		}
	}
	m := &network{layers: append([]int(nil), s.Layers...), act: s.Activation, n: n, x: s.X, y: s.Y}
	for l := 1; l < len(m.layers); l++ {
		m.offs = append(m.offs, m.dim)
		m.dim += m.layers[l] * (m.layers[l-1] + 1)
	}
	if m.dim > 1<<24 {
		return nil, fmt.Errorf("%w: network too large (dimension %d)", ErrBadParameter, m.dim)
	}
	m.chunks = min(netMaxChunks, (n+netChunk-1)/netChunk)
	x0 := s.X0
	if x0 == nil {
		x0 = make([]float64, m.dim)
		rnd := rand.New(rand.NewPCG(s.Seed, 0x6e6574))
		for l := 1; l < len(m.layers); l++ {
			w, _ := netBlocks(m, x0, l)
			sd := 1 / math.Sqrt(float64(m.layers[l-1]))
			for i := range w {
				w[i] = sd * rnd.NormFloat64()
			}
		}
	} else {
		if len(x0) != m.dim {
			return nil, fmt.Errorf("%w: network X0 has length %d, want %d", ErrBadParameter, len(x0), m.dim)
		}
		x0 = append([]float64(nil), x0...)
	}
	real, cplx := netFuncs[float64](m), netFuncs[complex128](m)
	if m.dim <= mlpMaxDenseHess {
		real.Hess = hessFromHVP(m.dim, real.HessVec)
		cplx.Hess = hessFromHVP(m.dim, cplx.HessVec)
	}
	pr := &Problem{
		Name: s.Name, Description: s.Description, Source: s.Source,
		Dim: m.dim, X0: x0, Real: real, Complex: &cplx,
	}
	if pr.Name == "" {
		pr.Name = fmt.Sprintf("network:layers=%v,act=%v,n=%d", s.Layers, s.Activation, n)
	}
	if pr.Description == "" {
		pr.Description = fmt.Sprintf("fully connected %s network %v, E = (1/N)Σ‖f(x)−y‖² over N = %d examples",
			s.Activation, s.Layers, n)
	}
	if pr.Source == "" {
		pr.Source = "B. A. Pearlmutter, Fast exact multiplication by the Hessian, Neural Computation 6 (1994) 147–160"
	}
	return pr, nil
}

func init() {
	catalogue["cfjax"] = entry{
		params: []string{"n", "seed"}, defaults: map[string]string{"n": "128", "seed": "0"},
		summary: "MLP 8→16→16→1 swish, MSE on Gaussian data (the central flows reference example)",
		build: func(a args) (*Problem, error) {
			n, err1 := a.int("n")
			s, err2 := a.uint("seed")
			if err := firstErr(err1, err2); err != nil {
				return nil, err
			}
			return NewCFJax(n, s)
		},
	}
}

// NewCFJax returns the example of the central flows reference code
// (github.com/alex-damian/central_flows_jax, examples/mlp.ipynb): an MLP
// 8→16→16→1 with swish activations, n inputs x_i ~ N(0, I₈) and targets
// y_i ~ N(0, 1) (independent noise), loss (1/n)Σ(f(x_i) − y_i)². The
// reference draws its data and its flax initialisation from JAX's
// generator with seed 0; here they are drawn from math/rand/v2 (PCG,
// seeded), so the numbers differ from the notebook's while the workload is
// the same. Dimension 433.
func NewCFJax(n int, seed uint64) (*Problem, error) {
	if n < 1 || n > 1<<20 {
		return nil, fmt.Errorf("%w: cfjax needs 1 ≤ n ≤ 2^20, got %d", ErrBadParameter, n)
	}
	rnd := rand.New(rand.NewPCG(seed, 0x63666a6178))
	x := make([]float64, n*8)
	for i := range x {
		x[i] = rnd.NormFloat64()
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = rnd.NormFloat64()
	}
	return NewNetwork(NetworkSpec{
		Name:        fmt.Sprintf("cfjax:n=%d,seed=%d", n, seed),
		Description: "MLP 8→16→16→1, swish, E = (1/n)Σ(f(x)−y)², x ~ N(0, I), y ~ N(0, 1) (central flows reference example)",
		Source:      "J. Cohen, A. Damian, A. Talwalkar, J. Z. Kolter, J. D. Lee, Understanding optimization in deep learning with central flows, ICLR 2025 (arXiv 2410.24206); code github.com/alex-damian/central_flows_jax",
		Layers:      []int{8, 16, 16, 1}, Activation: Swish, X: x, Y: y, Seed: seed,
	})
}

// Kernels of the network: gonum's floats (assembly on amd64 and arm64)
// for float64, plain loops for complex128.

func asF64[T linalg.Scalar](x []T) ([]float64, bool) {
	if _, ok := any(*new(T)).(float64); !ok {
		return nil, false
	}
	return *(*[]float64)(unsafe.Pointer(&x)), true
}

// nAxpy: dst += a·x.
func nAxpy[T linalg.Scalar](dst []T, a T, x []T) {
	if d, ok := asF64(dst); ok {
		xf, _ := asF64(x)
		floats.AddScaled(d, *(*float64)(unsafe.Pointer(&a)), xf)
		return
	}
	for j, v := range x {
		dst[j] += a * v
	}
}

// nAffine: dst = W v + b (b may be nil).
func nAffine[T linalg.Scalar](dst, w, v, b []T) {
	if d, ok := asF64(dst); ok {
		wf, _ := asF64(w)
		vf, _ := asF64(v)
		bf, _ := asF64(b)
		n := len(vf)
		for i := range d {
			s := floats.Dot(wf[i*n:i*n+n], vf)
			if bf != nil {
				s += bf[i]
			}
			d[i] = s
		}
		return
	}
	affine(dst, w, v, b)
}

// nAffineAdd: dst += W v.
func nAffineAdd[T linalg.Scalar](dst, w, v []T) {
	if d, ok := asF64(dst); ok {
		wf, _ := asF64(w)
		vf, _ := asF64(v)
		n := len(vf)
		for i := range d {
			d[i] += floats.Dot(wf[i*n:i*n+n], vf)
		}
		return
	}
	affineAdd(dst, w, v)
}

// nAffineT: dst += Wᵀ v.
func nAffineT[T linalg.Scalar](dst, w, v []T) {
	if d, ok := asF64(dst); ok {
		wf, _ := asF64(w)
		vf, _ := asF64(v)
		n := len(d)
		for i, vi := range vf {
			floats.AddScaled(d, vi, wf[i*n:i*n+n])
		}
		return
	}
	affineT(dst, w, v)
}
