package problems

import (
	"math/cmplx"
)

// MaxTaylorDegree is the highest Taylor coefficient a Taylor number
// carries: derivatives up to D^MaxTaylorDegree E.
const MaxTaylorDegree = 12

// Taylor is a truncated univariate Taylor series with complex128
// coefficients, x(t) = Σ_{k ≤ N} C[k] t^k, as a Number: evaluating a loss
// at x + t·u gives E(x + tu) = Σ_k D^kE(x)[u,…,u] t^k/k! exactly up to
// round-off (no truncation error; Griewank and Walther, Evaluating
// Derivatives, 2nd ed., SIAM 2008, ch. 13). Coefficients above N are zero;
// binary operations work to the larger degree of their operands, and
// constants have degree 0. Elementary functions use the standard
// recurrences of ch. 13 there (principal branches of Log and Sqrt).
//
// Built by Derivs, Taylor numbers also record the operations on a tape,
// so that one reverse sweep gives the gradient of any Taylor coefficient
// with respect to the point (Griewank and Walther, ch. 13); values
// built by hand (the zero value, Const, a literal) carry no tape and just
// compute. Use Derivs to get derivative contractions.
type Taylor struct {
	N  int
	C  [MaxTaylorDegree + 1]complex128
	tp *tape
	id int32
}

type series = [MaxTaylorDegree + 1]complex128

// Operations recorded on a tape.
const (
	tapeOpLeaf uint8 = iota
	tapeOpAdd
	tapeOpSub
	tapeOpNeg
	tapeOpScale // aux[0] = c
	tapeOpMul
	tapeOpDiv   // aux = 1/b
	tapeOpUnary // aux = f′(a(t))
)

type tapeNode struct {
	op   uint8
	a, b int32
	val  series
	aux  series
}

// tape records the operations of one evaluation.
type tape struct {
	nodes []tapeNode
	deg   int
}

// node returns the id of x on tp, recording an untaped x as a leaf.
func (tp *tape) node(x Taylor) int32 {
	if x.tp == tp {
		return x.id
	}
	if x.tp != nil {
		panic("problems: Taylor numbers from two evaluations mixed")
	}
	tp.nodes = append(tp.nodes, tapeNode{op: tapeOpLeaf, a: -1, b: -1, val: x.C})
	return int32(len(tp.nodes) - 1)
}

// record returns z, recorded on the tape of x or y (if any) as op(x, y)
// with the partial-derivative series aux (nil: none).
func record(op uint8, x, y Taylor, binary bool, z Taylor, aux *series) Taylor {
	tp := x.tp
	if tp == nil && binary {
		tp = y.tp
	}
	if tp == nil {
		return z
	}
	a, b := tp.node(x), int32(-1)
	if binary {
		b = tp.node(y)
	}
	tp.nodes = append(tp.nodes, tapeNode{op: op, a: a, b: b})
	nd := &tp.nodes[len(tp.nodes)-1]
	nd.val = z.C
	if aux != nil {
		nd.aux = *aux
	}
	z.tp, z.id = tp, int32(len(tp.nodes)-1)
	return z
}

// onTape reports whether an operation on x (and y) must be recorded.
func onTape(x, y Taylor) bool { return x.tp != nil || y.tp != nil }

func maxDeg(x, y Taylor) int { return max(x.N, y.N) }

// Add returns x + y.
func (x Taylor) Add(y Taylor) Taylor {
	z := Taylor{N: maxDeg(x, y), C: x.C}
	for k := 0; k <= z.N; k++ {
		z.C[k] += y.C[k]
	}
	return record(tapeOpAdd, x, y, true, z, nil)
}

// Sub returns x − y.
func (x Taylor) Sub(y Taylor) Taylor {
	z := Taylor{N: maxDeg(x, y), C: x.C}
	for k := 0; k <= z.N; k++ {
		z.C[k] -= y.C[k]
	}
	return record(tapeOpSub, x, y, true, z, nil)
}

// Mul returns x·y (Cauchy product).
func (x Taylor) Mul(y Taylor) Taylor {
	z := Taylor{N: maxDeg(x, y)}
	for k := 0; k <= z.N; k++ {
		var s complex128
		for j := 0; j <= k; j++ {
			s += x.C[j] * y.C[k-j]
		}
		z.C[k] = s
	}
	return record(tapeOpMul, x, y, true, z, nil)
}

// recip writes 1/y into r: r_k = −(Σ_{j=1..k} y_j r_{k−j})/y_0.
func recip(r *series, y *series, n int) {
	inv := 1 / y[0]
	r[0] = inv
	for k := 1; k <= n; k++ {
		var s complex128
		for j := 1; j <= k; j++ {
			s += y[j] * r[k-j]
		}
		r[k] = -s * inv
	}
}

// Div returns x/y: z_k = (x_k − Σ_{j=1..k} y_j z_{k−j})/y_0.
func (x Taylor) Div(y Taylor) Taylor {
	z := Taylor{N: maxDeg(x, y)}
	inv := 1 / y.C[0]
	for k := 0; k <= z.N; k++ {
		s := x.C[k]
		for j := 1; j <= k; j++ {
			s -= y.C[j] * z.C[k-j]
		}
		z.C[k] = s * inv
	}
	if !onTape(x, y) {
		return z
	}
	var r series
	recip(&r, &y.C, z.N)
	return record(tapeOpDiv, x, y, true, z, &r)
}

// Neg returns −x.
func (x Taylor) Neg() Taylor {
	z := Taylor{N: x.N}
	for k := 0; k <= x.N; k++ {
		z.C[k] = -x.C[k]
	}
	return record(tapeOpNeg, x, x, false, z, nil)
}

// Scale returns c·x.
func (x Taylor) Scale(c float64) Taylor {
	z := Taylor{N: x.N}
	cc := complex(c, 0)
	for k := 0; k <= x.N; k++ {
		z.C[k] = cc * x.C[k]
	}
	return record(tapeOpScale, x, x, false, z, &series{cc})
}

// AddConst returns x + c.
func (x Taylor) AddConst(c float64) Taylor {
	z := Taylor{N: x.N, C: x.C}
	z.C[0] += complex(c, 0)
	return record(tapeOpScale, x, x, false, z, &series{1})
}

// Const returns the constant c (degree 0, no tape).
func (Taylor) Const(c float64) Taylor { return Taylor{C: series{complex(c, 0)}} }

// unary records z = f(x) with f′(x(t)) = d.
func unary(x, z Taylor, d *series) Taylor {
	return record(tapeOpUnary, x, x, false, z, d)
}

// Exp returns eˣ: z_k = (1/k) Σ_{j=1..k} j x_j z_{k−j}.
func (x Taylor) Exp() Taylor {
	z := Taylor{N: x.N}
	z.C[0] = cmplx.Exp(x.C[0])
	for k := 1; k <= x.N; k++ {
		var s complex128
		for j := 1; j <= k; j++ {
			s += complex(float64(j), 0) * x.C[j] * z.C[k-j]
		}
		z.C[k] = s / complex(float64(k), 0)
	}
	return unary(x, z, &z.C)
}

// Log returns the principal logarithm:
// z_k = (x_k − (1/k) Σ_{j=1..k−1} j z_j x_{k−j})/x_0.
func (x Taylor) Log() Taylor {
	z := Taylor{N: x.N}
	z.C[0] = cmplx.Log(x.C[0])
	inv := 1 / x.C[0]
	for k := 1; k <= x.N; k++ {
		var s complex128
		for j := 1; j < k; j++ {
			s += complex(float64(j), 0) * z.C[j] * x.C[k-j]
		}
		z.C[k] = (x.C[k] - s/complex(float64(k), 0)) * inv
	}
	if x.tp == nil {
		return z
	}
	var r series
	recip(&r, &x.C, x.N)
	return unary(x, z, &r)
}

// Sqrt returns the principal square root:
// z_k = (x_k − Σ_{j=1..k−1} z_j z_{k−j})/(2 z_0).
func (x Taylor) Sqrt() Taylor {
	z := Taylor{N: x.N}
	z.C[0] = cmplx.Sqrt(x.C[0])
	inv := 1 / (2 * z.C[0])
	for k := 1; k <= x.N; k++ {
		s := x.C[k]
		for j := 1; j < k; j++ {
			s -= z.C[j] * z.C[k-j]
		}
		z.C[k] = s * inv
	}
	if x.tp == nil {
		return z
	}
	var r series
	recip(&r, &z.C, x.N)
	for k := 0; k <= x.N; k++ {
		r[k] /= 2
	}
	return unary(x, z, &r)
}

// sincos returns (s, c) with s' = c·x', c' = sign·s·x' (sign −1: sin and
// cos; +1: sinh and cosh).
func (x Taylor) sincos(s0, c0 complex128, sign complex128) (Taylor, Taylor) {
	s, c := Taylor{N: x.N}, Taylor{N: x.N}
	s.C[0], c.C[0] = s0, c0
	for k := 1; k <= x.N; k++ {
		var a, b complex128
		for j := 1; j <= k; j++ {
			jx := complex(float64(j), 0) * x.C[j]
			a += jx * c.C[k-j]
			b += jx * s.C[k-j]
		}
		kk := complex(float64(k), 0)
		s.C[k] = a / kk
		c.C[k] = sign * b / kk
	}
	return s, c
}

// Sin returns sin x.
func (x Taylor) Sin() Taylor {
	s, c := x.sincos(cmplx.Sin(x.C[0]), cmplx.Cos(x.C[0]), -1)
	return unary(x, s, &c.C)
}

// Cos returns cos x.
func (x Taylor) Cos() Taylor {
	s, c := x.sincos(cmplx.Sin(x.C[0]), cmplx.Cos(x.C[0]), -1)
	if x.tp == nil {
		return c
	}
	for k := 0; k <= x.N; k++ {
		s.C[k] = -s.C[k]
	}
	return unary(x, c, &s.C)
}

// Sinh returns sinh x.
func (x Taylor) Sinh() Taylor {
	s, c := x.sincos(cmplx.Sinh(x.C[0]), cmplx.Cosh(x.C[0]), 1)
	return unary(x, s, &c.C)
}

// Cosh returns cosh x.
func (x Taylor) Cosh() Taylor {
	s, c := x.sincos(cmplx.Sinh(x.C[0]), cmplx.Cosh(x.C[0]), 1)
	return unary(x, c, &s.C)
}

// Tanh returns tanh x: z' = w x' with w = 1 − z².
func (x Taylor) Tanh() Taylor {
	z := Taylor{N: x.N}
	var w series
	z.C[0] = cmplx.Tanh(x.C[0])
	w[0] = 1 - z.C[0]*z.C[0]
	for k := 1; k <= x.N; k++ {
		var s complex128
		for j := 1; j <= k; j++ {
			s += complex(float64(j), 0) * x.C[j] * w[k-j]
		}
		z.C[k] = s / complex(float64(k), 0)
		var q complex128
		for j := 0; j <= k; j++ {
			q += z.C[j] * z.C[k-j]
		}
		w[k] = -q
	}
	return unary(x, z, &w)
}

// addT adds Tᵀ(d)·v to dst: dst_j += Σ_{k=j..n} v_k d_{k−j} (the
// transpose of multiplication by the series d).
func addT(dst, d, v *series, n int, sign complex128) {
	for j := 0; j <= n; j++ {
		var s complex128
		for k := j; k <= n; k++ {
			s += v[k] * d[k-j]
		}
		dst[j] += sign * s
	}
}

// sweep propagates adjoints from the last node back to the first; adj
// must hold len(tp.nodes) zeroed series with the output's adjoint seeded.
func (tp *tape) sweep(adj []series) {
	n := tp.deg
	for i := len(tp.nodes) - 1; i >= 0; i-- {
		nd := &tp.nodes[i]
		z := &adj[i]
		switch nd.op {
		case tapeOpLeaf:
			continue
		case tapeOpAdd, tapeOpSub:
			a, b := &adj[nd.a], &adj[nd.b]
			sb := complex(1, 0)
			if nd.op == tapeOpSub {
				sb = -1
			}
			for k := 0; k <= n; k++ {
				a[k] += z[k]
				b[k] += sb * z[k]
			}
		case tapeOpNeg:
			a := &adj[nd.a]
			for k := 0; k <= n; k++ {
				a[k] -= z[k]
			}
		case tapeOpScale:
			a, c := &adj[nd.a], nd.aux[0]
			for k := 0; k <= n; k++ {
				a[k] += c * z[k]
			}
		case tapeOpMul:
			addT(&adj[nd.a], &tp.nodes[nd.b].val, z, n, 1)
			addT(&adj[nd.b], &tp.nodes[nd.a].val, z, n, 1)
		case tapeOpDiv:
			var q series
			addT(&q, &nd.aux, z, n, 1) // q = Tᵀ(1/b) z̄
			a := &adj[nd.a]
			for k := 0; k <= n; k++ {
				a[k] += q[k]
			}
			addT(&adj[nd.b], &nd.val, &q, n, -1) // ∂z/∂b = −z/b
		case tapeOpUnary:
			addT(&adj[nd.a], &nd.aux, z, n, 1)
		}
	}
}
