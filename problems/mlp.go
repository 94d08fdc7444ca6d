package problems

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/pflow-go/pflow/linalg"
)

// mlp is a one-hidden-layer tanh network with mean-squared error,
//
//	E(θ) = 1/(2N) Σ_n ‖W₂ tanh(W₁x_n + b₁) + b₂ − y_n‖²,
//
// θ = (W₁ (H×p), b₁ (H), W₂ (q×H), b₂ (q)), matrices row-major.
type mlp struct {
	nSamp, p, h, q int
	x              []float64 // N×p
	y              []float64 // N×q
}

func (m *mlp) dim() int { return m.h*(m.p+1) + m.q*(m.h+1) }

// split returns the parameter blocks of θ.
func mlpSplit[T linalg.Scalar](m *mlp, t []T) (w1, b1, w2, b2 []T) {
	o := m.h * m.p
	w1, b1 = t[:o], t[o:o+m.h]
	o += m.h
	w2, b2 = t[o:o+m.q*m.h], t[o+m.q*m.h:]
	return
}

// mlpWork is the per-call workspace (from a sync.Pool, so the Funcs are
// safe for concurrent use and do not allocate in steady state).
type mlpWork[T linalg.Scalar] struct {
	a, h, rh, dh, rdh []T // hidden, first order
	h1, h2, h12, dh1  []T // hidden, hyper-dual parts for D3
	dh2, dh12         []T
	o, ro, o1, o2     []T // output
	o12               []T
}

func newMLPWork[T linalg.Scalar](m *mlp) *mlpWork[T] {
	hv := func() []T { return make([]T, m.h) }
	qv := func() []T { return make([]T, m.q) }
	return &mlpWork[T]{
		a: hv(), h: hv(), rh: hv(), dh: hv(), rdh: hv(),
		h1: hv(), h2: hv(), h12: hv(), dh1: hv(), dh2: hv(), dh12: hv(),
		o: qv(), ro: qv(), o1: qv(), o2: qv(), o12: qv(),
	}
}

// affine writes dst = W v + b (W len(dst)×len(v) row-major; b may be nil).
func affine[T linalg.Scalar](dst, w, v, b []T) {
	n := len(v)
	for i := range dst {
		row := w[i*n : i*n+n]
		var s T
		for j, wij := range row {
			s += wij * v[j]
		}
		if b != nil {
			s += b[i]
		}
		dst[i] = s
	}
}

// affineR writes dst = W x + b for a real input x.
func affineR[T linalg.Scalar](dst, w []T, x []float64, b []T) {
	n := len(x)
	for i := range dst {
		row := w[i*n : i*n+n]
		var s T
		for j, wij := range row {
			s += wij * fl[T](x[j])
		}
		if b != nil {
			s += b[i]
		}
		dst[i] = s
	}
}

// affineT accumulates dst += Wᵀ v (W len(v)×len(dst) row-major).
func affineT[T linalg.Scalar](dst, w, v []T) {
	n := len(dst)
	for i, vi := range v {
		row := w[i*n : i*n+n]
		for j, wij := range row {
			dst[j] += wij * vi
		}
	}
}

func mlpFuncs[T linalg.Scalar](m *mlp) Funcs[T] {
	d := m.dim()
	pool := &sync.Pool{New: func() any { return newMLPWork[T](m) }}
	invN := fl[T](1 / float64(m.nSamp))
	sample := func(n int) (x, y []float64) {
		return m.x[n*m.p : n*m.p+m.p], m.y[n*m.q : n*m.q+m.q]
	}
	// forward computes a, h = tanh(a), o = W₂h + b₂ − y (the residual).
	forward := func(ws *mlpWork[T], w1, b1, w2, b2 []T, n int) {
		x, y := sample(n)
		affineR(ws.a, w1, x, b1)
		for j, aj := range ws.a {
			ws.h[j] = tanhT(aj)
		}
		affine(ws.o, w2, ws.h, b2)
		for k := range ws.o {
			ws.o[k] -= fl[T](y[k])
		}
	}
	return Funcs[T]{
		Func: func(th []T) T {
			checkLenT(d, th)
			ws := pool.Get().(*mlpWork[T])
			defer pool.Put(ws)
			w1, b1, w2, b2 := mlpSplit(m, th)
			var e T
			for n := range m.nSamp {
				forward(ws, w1, b1, w2, b2, n)
				for _, r := range ws.o {
					e += r * r
				}
			}
			return e * invN / 2
		},
		Grad: func(grad, th []T) {
			checkLenT(d, grad, th)
			ws := pool.Get().(*mlpWork[T])
			defer pool.Put(ws)
			w1, b1, w2, b2 := mlpSplit(m, th)
			g1, gb1, g2, gb2 := mlpSplit(m, grad)
			clear(grad)
			for n := range m.nSamp {
				x, _ := sample(n)
				forward(ws, w1, b1, w2, b2, n)
				do := ws.o
				for k := range do {
					do[k] *= invN
					gb2[k] += do[k]
					row := g2[k*m.h : k*m.h+m.h]
					for j, hj := range ws.h {
						row[j] += do[k] * hj
					}
				}
				clear(ws.dh)
				affineT(ws.dh, w2, do)
				for j, hj := range ws.h {
					da := ws.dh[j] * (1 - hj*hj)
					gb1[j] += da
					row := g1[j*m.p : j*m.p+m.p]
					for k, xk := range x {
						row[k] += da * fl[T](xk)
					}
				}
			}
		},
		// HessVec is Pearlmutter's R-operator applied to the back-propagation
		// above (Neural Computation 6 (1994) 147–160): cost ≈ 2–3 gradients.
		HessVec: func(hv, th, v []T) {
			checkLenT(d, hv, th, v)
			ws := pool.Get().(*mlpWork[T])
			defer pool.Put(ws)
			w1, b1, w2, b2 := mlpSplit(m, th)
			v1, c1, v2, c2 := mlpSplit(m, v)
			r1, rb1, r2, rb2 := mlpSplit(m, hv)
			clear(hv)
			for n := range m.nSamp {
				x, _ := sample(n)
				forward(ws, w1, b1, w2, b2, n)
				// R{a} = V₁x + c₁, R{h} = (1 − h²) R{a}.
				affineR(ws.rh, v1, x, c1)
				for j, hj := range ws.h {
					ws.rh[j] *= 1 - hj*hj
				}
				// R{o} = V₂h + W₂R{h} + c₂.
				affine(ws.ro, v2, ws.h, c2)
				for k := range ws.ro {
					row := w2[k*m.h : k*m.h+m.h]
					var s T
					for j, wkj := range row {
						s += wkj * ws.rh[j]
					}
					ws.ro[k] += s
				}
				do, rdo := ws.o, ws.ro
				for k := range do {
					do[k] *= invN
					rdo[k] *= invN
					rb2[k] += rdo[k]
					row := r2[k*m.h : k*m.h+m.h]
					for j, hj := range ws.h {
						row[j] += rdo[k]*hj + do[k]*ws.rh[j]
					}
				}
				// δh = W₂ᵀδo, R{δh} = V₂ᵀδo + W₂ᵀR{δo}.
				clear(ws.dh)
				affineT(ws.dh, w2, do)
				clear(ws.rdh)
				affineT(ws.rdh, v2, do)
				affineT(ws.rdh, w2, rdo)
				for j, hj := range ws.h {
					s := 1 - hj*hj
					rda := ws.rdh[j]*s - 2*hj*ws.rh[j]*ws.dh[j]
					rb1[j] += rda
					row := r1[j*m.p : j*m.p+m.p]
					for k, xk := range x {
						row[k] += rda * fl[T](xk)
					}
				}
			}
		},
		// D3 propagates hyper-dual numbers θ + ε₁u + ε₂v (ε₁² = ε₂² = 0)
		// through the back-propagation and returns the ε₁ε₂ part of the
		// gradient: forward mode over the R-operator.
		D3: func(dst, th, u, v []T) {
			checkLenT(d, dst, th, u, v)
			ws := pool.Get().(*mlpWork[T])
			defer pool.Put(ws)
			w1, b1, w2, b2 := mlpSplit(m, th)
			u1, cu1, u2, cu2 := mlpSplit(m, u)
			v1, cv1, v2, cv2 := mlpSplit(m, v)
			d1, db1, d2, db2 := mlpSplit(m, dst)
			clear(dst)
			for n := range m.nSamp {
				x, _ := sample(n)
				forward(ws, w1, b1, w2, b2, n)
				h0 := ws.h
				// a₁ = U₁x + c, a₂ = V₁x + c, a₁₂ = 0;
				// h = tanh a: h₁ = s a₁, h₂ = s a₂, h₁₂ = −2 h₀ s a₁a₂, s = 1 − h₀².
				affineR(ws.h1, u1, x, cu1)
				affineR(ws.h2, v1, x, cv1)
				for j, t := range h0 {
					s := 1 - t*t
					a1, a2 := ws.h1[j], ws.h2[j]
					ws.h1[j], ws.h2[j] = s*a1, s*a2
					ws.h12[j] = -2 * t * s * a1 * a2
				}
				// o = (W₂ + ε₁U₂ + ε₂V₂) h + b₂ + ε₁c + ε₂c − y.
				affine(ws.o1, u2, h0, cu2)
				affine(ws.o2, v2, h0, cv2)
				clear(ws.o12)
				affineAdd(ws.o1, w2, ws.h1)
				affineAdd(ws.o2, w2, ws.h2)
				affineAdd(ws.o12, u2, ws.h2)
				affineAdd(ws.o12, v2, ws.h1)
				affineAdd(ws.o12, w2, ws.h12)
				do := ws.o
				for k := range do {
					do[k] *= invN
					ws.o1[k] *= invN
					ws.o2[k] *= invN
					ws.o12[k] *= invN
					db2[k] += ws.o12[k]
					row := d2[k*m.h : k*m.h+m.h]
					for j := range h0 {
						row[j] += do[k]*ws.h12[j] + ws.o1[k]*ws.h2[j] + ws.o2[k]*ws.h1[j] + ws.o12[k]*h0[j]
					}
				}
				// δh = (W₂ + ε₁U₂ + ε₂V₂)ᵀ δo.
				clear(ws.dh)
				affineT(ws.dh, w2, do)
				clear(ws.dh1)
				affineT(ws.dh1, w2, ws.o1)
				affineT(ws.dh1, u2, do)
				clear(ws.dh2)
				affineT(ws.dh2, w2, ws.o2)
				affineT(ws.dh2, v2, do)
				clear(ws.dh12)
				affineT(ws.dh12, w2, ws.o12)
				affineT(ws.dh12, u2, ws.o2)
				affineT(ws.dh12, v2, ws.o1)
				// δa = δh ⊙ (1 − h²); only its ε₁ε₂ part reaches the output.
				for j, t := range h0 {
					s0 := 1 - t*t
					s1 := -2 * t * ws.h1[j]
					s2 := -2 * t * ws.h2[j]
					s12 := -2 * (t*ws.h12[j] + ws.h1[j]*ws.h2[j])
					da := ws.dh[j]*s12 + ws.dh1[j]*s2 + ws.dh2[j]*s1 + ws.dh12[j]*s0
					db1[j] += da
					row := d1[j*m.p : j*m.p+m.p]
					for k, xk := range x {
						row[k] += da * fl[T](xk)
					}
				}
			}
		},
	}
}

// mlpMaxDenseHess is the largest MLP dimension given a dense Hess.
const mlpMaxDenseHess = 512

// affineAdd accumulates dst += W v (W len(dst)×len(v) row-major).
func affineAdd[T linalg.Scalar](dst, w, v []T) {
	n := len(v)
	for i := range dst {
		row := w[i*n : i*n+n]
		var s T
		for j, wij := range row {
			s += wij * v[j]
		}
		dst[i] += s
	}
}

// NewMLP returns a one-hidden-layer tanh perceptron with mean-squared error,
//
//	E(θ) = 1/(2N) Σ_n ‖W₂ tanh(W₁x_n + b₁) + b₂ − y_n‖²,
//
// θ = (W₁ (hidden×in), b₁, W₂ (out×hidden), b₂), row-major, dimension
// hidden·(in+1) + out·(hidden+1). Data (seeded): x_n with N(0, 1) entries,
// targets y_n = sin(A x_n) with A of N(0, 1/in) entries. Start (seeded):
// W₁ ~ N(0, 1/in), W₂ ~ N(0, 1/hidden), biases 0.
//
// Func, Grad and HessVec (Pearlmutter's R-operator) and D3 (hyper-dual
// forward mode over the R-operator) are exact; Hess is nil when the
// dimension exceeds 512 (otherwise it is assembled column by column from
// HessVec, without allocating in steady state). tanh is entire except for poles
// at iπ(k + ½), so the complex extension is provided.
func NewMLP(samples, in, hidden, out int, seed uint64) (*Problem, error) {
	if samples < 1 || in < 1 || hidden < 1 || out < 1 {
		return nil, fmt.Errorf("%w: mlp needs positive n, in, hidden, out; got %d, %d, %d, %d", ErrBadParameter, samples, in, hidden, out)
	}
	m := &mlp{nSamp: samples, p: in, h: hidden, q: out}
	if m.dim() > 1<<21 || samples*(in+out) > 1<<22 {
		return nil, fmt.Errorf("%w: mlp too large (dimension %d)", ErrBadParameter, m.dim())
	}
	x0 := genMLP(m, seed)
	real, cplx := mlpFuncs[float64](m), mlpFuncs[complex128](m)
	if m.dim() <= mlpMaxDenseHess {
		real.Hess = hessFromHVP(m.dim(), real.HessVec)
		cplx.Hess = hessFromHVP(m.dim(), cplx.HessVec)
	}
	return &Problem{
		Name: fmt.Sprintf("mlp:n=%d,in=%d,hidden=%d,out=%d,seed=%d", samples, in, hidden, out, seed),
		Description: "one-hidden-layer tanh perceptron, mean-squared error E = 1/(2N) Σ‖W₂tanh(W₁x+b₁)+b₂−y‖² " +
			"on generated data y = sin(Ax); exact HVP by Pearlmutter's R-operator.",
		Source: "B. A. Pearlmutter, Fast exact multiplication by the Hessian, Neural Computation 6 (1994) 147–160",
		Dim:    m.dim(), X0: x0,
		Real: real, Complex: &cplx,
	}, nil
}

// hessFromHVP returns a dense Hess assembled from n Hessian-vector products
// with the unit vectors, symmetrised: H e_j is written straight into row j
// of hess (column j of a symmetric H), and the average of the two
// triangles is taken. The unit vector comes from a sync.Pool, so the
// function is safe for concurrent use and does not allocate in steady
// state.
func hessFromHVP[T linalg.Scalar](n int, hvp func(hv, x, v []T)) func(hess, x []T) {
	pool := &sync.Pool{New: func() any { e := make([]T, n); return &e }}
	return func(hess, x []T) {
		checkLenT(n*n, hess)
		checkLenT(n, x)
		ep := pool.Get().(*[]T)
		defer pool.Put(ep)
		e := *ep
		for j := range n {
			e[j] = 1
			hvp(hess[j*n:(j+1)*n], x, e)
			e[j] = 0
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				s := (hess[i*n+j] + hess[j*n+i]) / 2
				hess[i*n+j], hess[j*n+i] = s, s
			}
		}
	}
}

// genMLP fills m's data set and returns the start point (see NewMLP).
func genMLP(m *mlp, seed uint64) []float64 {
	samples, in, hidden, out := m.nSamp, m.p, m.h, m.q
	rnd := rand.New(rand.NewPCG(seed, 4))
	m.x = make([]float64, samples*in)
	for i := range m.x {
		m.x[i] = rnd.NormFloat64()
	}
	a := make([]float64, out*in)
	for i := range a {
		a[i] = rnd.NormFloat64() / math.Sqrt(float64(in))
	}
	m.y = make([]float64, samples*out)
	for n := range samples {
		for k := range out {
			var s float64
			for j := range in {
				s += a[k*in+j] * m.x[n*in+j]
			}
			m.y[n*out+k] = math.Sin(s)
		}
	}
	x0 := make([]float64, m.dim())
	w1, _, w2, _ := mlpSplit(m, x0)
	for i := range w1 {
		w1[i] = rnd.NormFloat64() / math.Sqrt(float64(in))
	}
	for i := range w2 {
		w2[i] = rnd.NormFloat64() / math.Sqrt(float64(hidden))
	}
	return x0
}
