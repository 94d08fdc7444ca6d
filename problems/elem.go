package problems

import (
	"math"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
)

// Elementary functions over linalg.Scalar, dispatched per type, so that a
// loss written once serves float64 and its holomorphic extension to
// complex128. The complex versions are the analytic continuations from the
// real axis in the strips stated on each function.

func fl[T linalg.Scalar](x float64) T { return linalg.FromFloat[T](x) }

func expT[T linalg.Scalar](x T) T {
	switch v := any(x).(type) {
	case float64:
		return any(math.Exp(v)).(T)
	case complex128:
		return any(cmplx.Exp(v)).(T)
	}
	panic("problems: unreachable")
}

func tanhT[T linalg.Scalar](x T) T {
	switch v := any(x).(type) {
	case float64:
		return any(math.Tanh(v)).(T)
	case complex128:
		return any(cmplx.Tanh(v)).(T)
	}
	panic("problems: unreachable")
}

// realPart returns Re x.
func realPart[T linalg.Scalar](x T) float64 {
	switch v := any(x).(type) {
	case float64:
		return v
	case complex128:
		return real(v)
	}
	panic("problems: unreachable")
}

// log1pC is log(1+w) accurate for small |w| (Goldberg's trick, which
// also holds in complex arithmetic).
func log1pC(w complex128) complex128 {
	u := 1 + w
	if u == 1 {
		return w
	}
	return cmplx.Log(u) * w / (u - 1)
}

// log1pExp returns log(1 + e^x) (softplus) without overflow. For complex
// x it is holomorphic in the strip |Im x| < π, the continuation from the
// real axis.
func log1pExp[T linalg.Scalar](x T) T {
	switch v := any(x).(type) {
	case float64:
		if v > 0 {
			return any(v + math.Log1p(math.Exp(-v))).(T)
		}
		return any(math.Log1p(math.Exp(v))).(T)
	case complex128:
		if real(v) > 0 {
			return any(v + log1pC(cmplx.Exp(-v))).(T)
		}
		return any(log1pC(cmplx.Exp(v))).(T)
	}
	panic("problems: unreachable")
}

// sigmoid returns 1/(1+e^{−x}) without overflow.
func sigmoid[T linalg.Scalar](x T) T {
	if realPart(x) >= 0 {
		return 1 / (1 + expT(-x))
	}
	e := expT(x)
	return e / (1 + e)
}

// logCosh returns log cosh x. For |x| < 1 it uses
// log1p(2 sinh²(x/2)) (cosh x − 1 = 2 sinh²(x/2)), which keeps full
// relative accuracy as x → 0 where the loss is ≈ x²/2; elsewhere
// |x| + log1p(e^{−2|x|}) − log 2 (with |x| replaced by ±x by the sign of
// Re x for complex x), which cannot overflow. For complex x it is
// holomorphic in the strip |Im x| < π/2 (cosh has zeros at ±iπ/2).
func logCosh[T linalg.Scalar](x T) T {
	switch v := any(x).(type) {
	case float64:
		if math.Abs(v) < 1 {
			s := math.Sinh(v / 2)
			return any(math.Log1p(2 * s * s)).(T)
		}
	case complex128:
		if cmplx.Abs(v) < 1 {
			s := cmplx.Sinh(v / 2)
			return any(log1pC(2 * s * s)).(T)
		}
	}
	if realPart(x) < 0 {
		x = -x
	}
	return x + log1pExp(-2*x) - fl[T](math.Ln2)
}
