package linalg

import (
	"math"
	"math/cmplx"
)

// Scalar is the element type of every state vector in the toolkit: real
// (float64) or complex (complex128). Time and tolerances are always float64.
type Scalar interface {
	float64 | complex128
}

// Abs returns |x|: the absolute value of a float64 or the modulus of a
// complex128.
func Abs[T Scalar](x T) float64 {
	switch v := any(x).(type) {
	case float64:
		return math.Abs(v)
	case complex128:
		return cmplx.Abs(v)
	}
	panic("linalg: unreachable")
}

// IsFinite reports whether x (both parts, for complex128) is neither NaN nor
// ±Inf.
func IsFinite[T Scalar](x T) bool {
	switch v := any(x).(type) {
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	case complex128:
		r, i := real(v), imag(v)
		return !math.IsNaN(r) && !math.IsInf(r, 0) && !math.IsNaN(i) && !math.IsInf(i, 0)
	}
	panic("linalg: unreachable")
}

// FromFloat converts a float64 to T (a complex128 with zero imaginary part).
func FromFloat[T Scalar](x float64) T {
	var z T
	switch p := any(&z).(type) {
	case *float64:
		*p = x
	case *complex128:
		*p = complex(x, 0)
	}
	return z
}
