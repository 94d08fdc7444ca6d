package problems

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/num/hyperdual"
)

// Number is the arithmetic a user-defined loss is written against, once,
// as a generic function
//
//	func myLoss[N problems.Number[N]](x []N) N
//
// and then instantiated with Real, Complex, Hyper and Jet (see Generic).
// Const returns a constant of the receiver's type (the receiver's value is
// ignored), so constants can be made from any variable: x[0].Const(100).
type Number[N any] interface {
	Add(N) N
	Sub(N) N
	Mul(N) N
	Div(N) N
	Neg() N
	// Scale returns c·x; AddConst returns x + c.
	Scale(c float64) N
	AddConst(c float64) N
	Const(c float64) N
	Exp() N
	Log() N
	Sqrt() N
	Sin() N
	Cos() N
	Sinh() N
	Cosh() N
	Tanh() N
}

// Real is float64 as a Number: plain evaluation of the loss.
type Real float64

// Add returns x + y.
func (x Real) Add(y Real) Real { return x + y }

// Sub returns x − y.
func (x Real) Sub(y Real) Real { return x - y }

// Mul returns x·y.
func (x Real) Mul(y Real) Real { return x * y }

// Div returns x/y.
func (x Real) Div(y Real) Real { return x / y }

// Neg returns −x.
func (x Real) Neg() Real { return -x }

// Scale returns c·x.
func (x Real) Scale(c float64) Real { return Real(c) * x }

// AddConst returns x + c.
func (x Real) AddConst(c float64) Real { return x + Real(c) }

// Const returns c.
func (Real) Const(c float64) Real { return Real(c) }

// Exp returns eˣ.
func (x Real) Exp() Real { return Real(math.Exp(float64(x))) }

// Log returns log x.
func (x Real) Log() Real { return Real(math.Log(float64(x))) }

// Sqrt returns √x.
func (x Real) Sqrt() Real { return Real(math.Sqrt(float64(x))) }

// Sin returns sin x.
func (x Real) Sin() Real { return Real(math.Sin(float64(x))) }

// Cos returns cos x.
func (x Real) Cos() Real { return Real(math.Cos(float64(x))) }

// Sinh returns sinh x.
func (x Real) Sinh() Real { return Real(math.Sinh(float64(x))) }

// Cosh returns cosh x.
func (x Real) Cosh() Real { return Real(math.Cosh(float64(x))) }

// Tanh returns tanh x.
func (x Real) Tanh() Real { return Real(math.Tanh(float64(x))) }

// Complex is complex128 as a Number: the holomorphic extension, with the
// principal branches of Log and Sqrt.
type Complex complex128

// Add returns x + y.
func (x Complex) Add(y Complex) Complex { return x + y }

// Sub returns x − y.
func (x Complex) Sub(y Complex) Complex { return x - y }

// Mul returns x·y.
func (x Complex) Mul(y Complex) Complex { return x * y }

// Div returns x/y.
func (x Complex) Div(y Complex) Complex { return x / y }

// Neg returns −x.
func (x Complex) Neg() Complex { return -x }

// Scale returns c·x.
func (x Complex) Scale(c float64) Complex { return Complex(complex(c, 0)) * x }

// AddConst returns x + c.
func (x Complex) AddConst(c float64) Complex { return x + Complex(complex(c, 0)) }

// Const returns c + 0i.
func (Complex) Const(c float64) Complex { return Complex(complex(c, 0)) }

// Exp returns eˣ.
func (x Complex) Exp() Complex { return Complex(cmplx.Exp(complex128(x))) }

// Log returns the principal logarithm.
func (x Complex) Log() Complex { return Complex(cmplx.Log(complex128(x))) }

// Sqrt returns the principal square root.
func (x Complex) Sqrt() Complex { return Complex(cmplx.Sqrt(complex128(x))) }

// Sin returns sin x.
func (x Complex) Sin() Complex { return Complex(cmplx.Sin(complex128(x))) }

// Cos returns cos x.
func (x Complex) Cos() Complex { return Complex(cmplx.Cos(complex128(x))) }

// Sinh returns sinh x.
func (x Complex) Sinh() Complex { return Complex(cmplx.Sinh(complex128(x))) }

// Cosh returns cosh x.
func (x Complex) Cosh() Complex { return Complex(cmplx.Cosh(complex128(x))) }

// Tanh returns tanh x.
func (x Complex) Tanh() Complex { return Complex(cmplx.Tanh(complex128(x))) }

// Hyper is gonum's hyperdual number x + aε₁ + bε₂ + cε₁ε₂ (ε₁² = ε₂² = 0)
// as a Number. Seeding ε₁ with e_i and ε₂ with v gives ∂_i E in the ε₁ part
// and (Hv)_i in the ε₁ε₂ part, exactly (no truncation error; Fike and
// Alonso, AIAA 2011-886).
type Hyper struct{ hyperdual.Number }

// Add returns x + y.
func (x Hyper) Add(y Hyper) Hyper { return Hyper{hyperdual.Add(x.Number, y.Number)} }

// Sub returns x − y.
func (x Hyper) Sub(y Hyper) Hyper { return Hyper{hyperdual.Sub(x.Number, y.Number)} }

// Mul returns x·y.
func (x Hyper) Mul(y Hyper) Hyper { return Hyper{hyperdual.Mul(x.Number, y.Number)} }

// Div returns x/y.
func (x Hyper) Div(y Hyper) Hyper {
	return Hyper{hyperdual.Mul(x.Number, hyperdual.Inv(y.Number))}
}

// Neg returns −x.
func (x Hyper) Neg() Hyper { return Hyper{hyperdual.Scale(-1, x.Number)} }

// Scale returns c·x.
func (x Hyper) Scale(c float64) Hyper { return Hyper{hyperdual.Scale(c, x.Number)} }

// AddConst returns x + c.
func (x Hyper) AddConst(c float64) Hyper { x.Real += c; return x }

// Const returns the constant c.
func (Hyper) Const(c float64) Hyper { return Hyper{hyperdual.Number{Real: c}} }

// Exp returns eˣ.
func (x Hyper) Exp() Hyper { return Hyper{hyperdual.Exp(x.Number)} }

// Log returns log x.
func (x Hyper) Log() Hyper { return Hyper{hyperdual.Log(x.Number)} }

// Sqrt returns √x.
func (x Hyper) Sqrt() Hyper { return Hyper{hyperdual.Sqrt(x.Number)} }

// Sin returns sin x.
func (x Hyper) Sin() Hyper { return Hyper{hyperdual.Sin(x.Number)} }

// Cos returns cos x.
func (x Hyper) Cos() Hyper { return Hyper{hyperdual.Cos(x.Number)} }

// Sinh returns sinh x.
func (x Hyper) Sinh() Hyper { return Hyper{hyperdual.Sinh(x.Number)} }

// Cosh returns cosh x.
func (x Hyper) Cosh() Hyper { return Hyper{hyperdual.Cosh(x.Number)} }

// Tanh returns tanh x.
func (x Hyper) Tanh() Hyper { return Hyper{hyperdual.Tanh(x.Number)} }

// Jet is a complex triple-dual number Σ_S c_S ε_S over the subsets S of
// {1, 2, 3} with ε_k² = 0 (a truncated multivariate Taylor polynomial,
// 8 complex128 coefficients; index bit k−1 set ⇔ ε_k ∈ S). Seeding
// x + ε₁u + ε₂v + ε₃w and evaluating E gives, exactly up to round-off and
// in complex arithmetic: E(x) in C[0], ∇E·u in C[1], uᵀHv in C[3] and
// D³E[u, v, w] in C[7]. Elementary functions apply the third-order Taylor
// expansion f(a + n) = f(a) + f′n + f″n²/2 + f‴n³/6, which is exact
// because n⁴ = 0.
type Jet struct{ C [8]complex128 }

// Value returns the ε-free part.
func (x Jet) Value() complex128 { return x.C[0] }

// Add returns x + y.
func (x Jet) Add(y Jet) Jet {
	for i := range x.C {
		x.C[i] += y.C[i]
	}
	return x
}

// Sub returns x − y.
func (x Jet) Sub(y Jet) Jet {
	for i := range x.C {
		x.C[i] -= y.C[i]
	}
	return x
}

// Mul returns x·y: c_S = Σ_{A ⊆ S} x_A y_{S∖A}.
func (x Jet) Mul(y Jet) Jet {
	var z Jet
	for s := range 8 {
		var acc complex128
		for a := s; ; a = (a - 1) & s {
			acc += x.C[a] * y.C[s&^a]
			if a == 0 {
				break
			}
		}
		z.C[s] = acc
	}
	return z
}

// apply returns f(x) from f and its first three derivatives at x.C[0].
func (x Jet) apply(f0, f1, f2, f3 complex128) Jet {
	n := x
	n.C[0] = 0
	n2 := n.Mul(n)
	n3 := n2.Mul(n)
	var z Jet
	for i := range z.C {
		z.C[i] = f1*n.C[i] + f2/2*n2.C[i] + f3/6*n3.C[i]
	}
	z.C[0] = f0
	return z
}

// Div returns x/y.
func (x Jet) Div(y Jet) Jet {
	b := y.C[0]
	ib := 1 / b
	return x.Mul(y.apply(ib, -ib*ib, 2*ib*ib*ib, -6*ib*ib*ib*ib))
}

// Neg returns −x.
func (x Jet) Neg() Jet {
	for i := range x.C {
		x.C[i] = -x.C[i]
	}
	return x
}

// Scale returns c·x.
func (x Jet) Scale(c float64) Jet {
	for i := range x.C {
		x.C[i] *= complex(c, 0)
	}
	return x
}

// AddConst returns x + c.
func (x Jet) AddConst(c float64) Jet { x.C[0] += complex(c, 0); return x }

// Const returns the constant c.
func (Jet) Const(c float64) Jet { return Jet{C: [8]complex128{complex(c, 0)}} }

// Exp returns eˣ.
func (x Jet) Exp() Jet { e := cmplx.Exp(x.C[0]); return x.apply(e, e, e, e) }

// Log returns the principal logarithm.
func (x Jet) Log() Jet {
	i := 1 / x.C[0]
	return x.apply(cmplx.Log(x.C[0]), i, -i*i, 2*i*i*i)
}

// Sqrt returns the principal square root.
func (x Jet) Sqrt() Jet {
	s := cmplx.Sqrt(x.C[0])
	d1 := 1 / (2 * s)
	d2 := -d1 / (2 * x.C[0])
	d3 := -3 * d2 / (2 * x.C[0])
	return x.apply(s, d1, d2, d3)
}

// Sin returns sin x.
func (x Jet) Sin() Jet {
	s, c := cmplx.Sin(x.C[0]), cmplx.Cos(x.C[0])
	return x.apply(s, c, -s, -c)
}

// Cos returns cos x.
func (x Jet) Cos() Jet {
	s, c := cmplx.Sin(x.C[0]), cmplx.Cos(x.C[0])
	return x.apply(c, -s, -c, s)
}

// Sinh returns sinh x.
func (x Jet) Sinh() Jet {
	s, c := cmplx.Sinh(x.C[0]), cmplx.Cosh(x.C[0])
	return x.apply(s, c, s, c)
}

// Cosh returns cosh x.
func (x Jet) Cosh() Jet {
	s, c := cmplx.Sinh(x.C[0]), cmplx.Cosh(x.C[0])
	return x.apply(c, s, c, s)
}

// Tanh returns tanh x.
func (x Jet) Tanh() Jet {
	t := cmplx.Tanh(x.C[0])
	s := 1 - t*t
	return x.apply(t, s, -2*t*s, -2*s*(1-3*t*t))
}
