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
// recurrences of ch. 13 there (principal branches of Log and Sqrt). Use
// Derivs to get derivative contractions from it.
type Taylor struct {
	N int
	C [MaxTaylorDegree + 1]complex128
}

func maxDeg(x, y Taylor) int { return max(x.N, y.N) }

// Add returns x + y.
func (x Taylor) Add(y Taylor) Taylor {
	x.N = maxDeg(x, y)
	for k := 0; k <= x.N; k++ {
		x.C[k] += y.C[k]
	}
	return x
}

// Sub returns x − y.
func (x Taylor) Sub(y Taylor) Taylor {
	x.N = maxDeg(x, y)
	for k := 0; k <= x.N; k++ {
		x.C[k] -= y.C[k]
	}
	return x
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
	return z
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
	return z
}

// Neg returns −x.
func (x Taylor) Neg() Taylor {
	for k := 0; k <= x.N; k++ {
		x.C[k] = -x.C[k]
	}
	return x
}

// Scale returns c·x.
func (x Taylor) Scale(c float64) Taylor {
	cc := complex(c, 0)
	for k := 0; k <= x.N; k++ {
		x.C[k] *= cc
	}
	return x
}

// AddConst returns x + c.
func (x Taylor) AddConst(c float64) Taylor { x.C[0] += complex(c, 0); return x }

// Const returns the constant c (degree 0).
func (Taylor) Const(c float64) Taylor {
	return Taylor{C: [MaxTaylorDegree + 1]complex128{complex(c, 0)}}
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
	return z
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
	return z
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
	return z
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
	s, _ := x.sincos(cmplx.Sin(x.C[0]), cmplx.Cos(x.C[0]), -1)
	return s
}

// Cos returns cos x.
func (x Taylor) Cos() Taylor {
	_, c := x.sincos(cmplx.Sin(x.C[0]), cmplx.Cos(x.C[0]), -1)
	return c
}

// Sinh returns sinh x.
func (x Taylor) Sinh() Taylor {
	s, _ := x.sincos(cmplx.Sinh(x.C[0]), cmplx.Cosh(x.C[0]), 1)
	return s
}

// Cosh returns cosh x.
func (x Taylor) Cosh() Taylor {
	_, c := x.sincos(cmplx.Sinh(x.C[0]), cmplx.Cosh(x.C[0]), 1)
	return c
}

// Tanh returns tanh x: z' = w x' with w = 1 − z².
func (x Taylor) Tanh() Taylor {
	z := Taylor{N: x.N}
	var w [MaxTaylorDegree + 1]complex128
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
	return z
}
