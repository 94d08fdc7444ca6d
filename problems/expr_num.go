package problems

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/num/hyperdual"
)

// Per-type forms of tan, log1p, expm1, softplus, abs and constant powers
// for expressions (see exprExt). Each derivative type applies the chain
// rule with the closed-form derivatives of the function:
//
//	tan:      f′ = 1 + t², f″ = 2t(1 + t²), f‴ = (1 + t²)(2 + 6t²), t = tan a
//	log1p:    f′ = 1/u, f″ = −1/u², f‴ = 2/u³, u = 1 + a
//	expm1:    f′ = f″ = f‴ = eᵃ
//	softplus: f′ = σ, f″ = σ(1 − σ), f‴ = σ(1 − σ)(1 − 2σ), σ = 1/(1 + e⁻ᵃ)
//	abs:      f′ = sign a, f″ = f‴ = 0 (a ≠ 0; real arguments only)
//	a^c:      f^(k) = c(c−1)…(c−k+1)·a^(c−k) (principal branch)

var realExt = exprExt[Real]{
	tan:      func(a Real) Real { return Real(math.Tan(float64(a))) },
	log1p:    func(a Real) Real { return Real(math.Log1p(float64(a))) },
	expm1:    func(a Real) Real { return Real(math.Expm1(float64(a))) },
	softplus: func(a Real) Real { return Real(log1pExp(float64(a))) },
	abs:      func(a Real) Real { return Real(math.Abs(float64(a))) },
	powConst: func(a Real, c float64) Real { return Real(math.Pow(float64(a), c)) },
}

// expm1C is eᶻ − 1 accurate for small |z|:
// Re = expm1(a)·cos b − 2 sin²(b/2), Im = eᵃ·sin b for z = a + ib.
func expm1C(z complex128) complex128 {
	a, b := real(z), imag(z)
	s := math.Sin(b / 2)
	return complex(math.Expm1(a)*math.Cos(b)-2*s*s, math.Exp(a)*math.Sin(b))
}

var complexExt = exprExt[Complex]{
	tan:      func(a Complex) Complex { return Complex(cmplx.Tan(complex128(a))) },
	log1p:    func(a Complex) Complex { return Complex(log1pC(complex128(a))) },
	expm1:    func(a Complex) Complex { return Complex(expm1C(complex128(a))) },
	softplus: func(a Complex) Complex { return Complex(log1pExp(complex128(a))) },
	powConst: func(a Complex, c float64) Complex {
		return Complex(cmplx.Pow(complex128(a), complex(c, 0)))
	},
}

// hyperApply returns f(x) for a hyperdual x from f, f′ and f″ at Re x.
func hyperApply(x Hyper, f0, f1, f2 float64) Hyper {
	return Hyper{hyperdual.Number{
		Real:    f0,
		E1mag:   f1 * x.E1mag,
		E2mag:   f1 * x.E2mag,
		E1E2mag: f1*x.E1E2mag + f2*x.E1mag*x.E2mag,
	}}
}

func sigmoidReal(a float64) float64 { return sigmoid(a) }

var hyperExt = exprExt[Hyper]{
	tan: func(a Hyper) Hyper { return Hyper{hyperdual.Tan(a.Number)} },
	log1p: func(a Hyper) Hyper {
		u := 1 / (1 + a.Real)
		return hyperApply(a, math.Log1p(a.Real), u, -u*u)
	},
	expm1: func(a Hyper) Hyper {
		e := math.Exp(a.Real)
		return hyperApply(a, math.Expm1(a.Real), e, e)
	},
	softplus: func(a Hyper) Hyper {
		s := sigmoidReal(a.Real)
		return hyperApply(a, log1pExp(a.Real), s, s*(1-s))
	},
	abs: func(a Hyper) Hyper {
		s := 1.0
		if math.Signbit(a.Real) {
			s = -1
		}
		return hyperApply(a, math.Abs(a.Real), s, 0)
	},
	powConst: func(a Hyper, c float64) Hyper {
		x := a.Real
		return hyperApply(a, math.Pow(x, c), c*math.Pow(x, c-1), c*(c-1)*math.Pow(x, c-2))
	},
}

var jetExt = exprExt[Jet]{
	tan: func(a Jet) Jet {
		t := cmplx.Tan(a.C[0])
		s := 1 + t*t
		return a.apply(t, s, 2*t*s, s*(2+6*t*t))
	},
	log1p: func(a Jet) Jet {
		u := 1 / (1 + a.C[0])
		return a.apply(log1pC(a.C[0]), u, -u*u, 2*u*u*u)
	},
	expm1: func(a Jet) Jet {
		e := cmplx.Exp(a.C[0])
		return a.apply(expm1C(a.C[0]), e, e, e)
	},
	softplus: func(a Jet) Jet {
		s := sigmoid(a.C[0])
		d2 := s * (1 - s)
		return a.apply(log1pExp(a.C[0]), s, d2, d2*(1-2*s))
	},
	abs: func(a Jet) Jet {
		// Only used at real points (an expression with abs has no
		// complex extension): the sign of the real part.
		if math.Signbit(real(a.C[0])) {
			return a.Neg()
		}
		return a
	},
	powConst: func(a Jet, c float64) Jet {
		x := a.C[0]
		p := func(e float64) complex128 { return cmplx.Pow(x, complex(e, 0)) }
		return a.apply(p(c), complex(c, 0)*p(c-1), complex(c*(c-1), 0)*p(c-2), complex(c*(c-1)*(c-2), 0)*p(c-3))
	},
}
