package linalg

import (
	"math"

	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/cmplxs"
	"gonum.org/v1/gonum/floats"
)

// The kernels below are generic over Scalar. Because Scalar has no ~ terms,
// a []T is always a []float64 or a []complex128; each kernel converts the
// slice by a type switch and calls the assembly kernels of gonum's floats,
// cmplxs or blas/gonum packages. BenchmarkDispatch measures the cost of the
// switch against calling gonum directly.

var impl gonum.Implementation

const badLen = "linalg: slice length mismatch"

// Axpy computes dst += a*x. It panics if the lengths differ.
func Axpy[T Scalar](dst []T, a T, x []T) {
	if len(dst) != len(x) {
		panic(badLen)
	}
	switch d := any(dst).(type) {
	case []float64:
		floats.AddScaled(d, any(a).(float64), any(x).([]float64))
	case []complex128:
		cmplxs.AddScaled(d, any(a).(complex128), any(x).([]complex128))
	}
}

// AxpyTo computes dst = y + a*x and returns dst. It panics if the lengths
// differ. dst may alias y or x.
func AxpyTo[T Scalar](dst, y []T, a T, x []T) []T {
	if len(dst) != len(x) || len(y) != len(x) {
		panic(badLen)
	}
	switch d := any(dst).(type) {
	case []float64:
		floats.AddScaledTo(d, any(y).([]float64), any(a).(float64), any(x).([]float64))
	case []complex128:
		cmplxs.AddScaledTo(d, any(y).([]complex128), any(a).(complex128), any(x).([]complex128))
	}
	return dst
}

// Scale computes dst *= a.
func Scale[T Scalar](a T, dst []T) {
	switch d := any(dst).(type) {
	case []float64:
		floats.Scale(any(a).(float64), d)
	case []complex128:
		cmplxs.Scale(any(a).(complex128), d)
	}
}

// ScaleTo computes dst = a*x and returns dst. It panics if the lengths differ.
func ScaleTo[T Scalar](dst []T, a T, x []T) []T {
	if len(dst) != len(x) {
		panic(badLen)
	}
	switch d := any(dst).(type) {
	case []float64:
		floats.ScaleTo(d, any(a).(float64), any(x).([]float64))
	case []complex128:
		cmplxs.ScaleTo(d, any(a).(complex128), any(x).([]complex128))
	}
	return dst
}

// Dot returns the bilinear product xᵀy = Σ x_i y_i, without conjugation. This
// is the product of the holomorphic principal flow (complex symmetric
// matrices, uᵀu = 1 normalisation). It panics if the lengths differ.
func Dot[T Scalar](x, y []T) T {
	if len(x) != len(y) {
		panic(badLen)
	}
	var r T
	switch xs := any(x).(type) {
	case []float64:
		*any(&r).(*float64) = floats.Dot(xs, any(y).([]float64))
	case []complex128:
		*any(&r).(*complex128) = impl.Zdotu(len(xs), xs, 1, any(y).([]complex128), 1)
	}
	return r
}

// DotC returns the Hermitian product x̄ᵀy = Σ conj(x_i) y_i (equal to Dot for
// float64). It panics if the lengths differ.
func DotC[T Scalar](x, y []T) T {
	if len(x) != len(y) {
		panic(badLen)
	}
	var r T
	switch xs := any(x).(type) {
	case []float64:
		*any(&r).(*float64) = floats.Dot(xs, any(y).([]float64))
	case []complex128:
		*any(&r).(*complex128) = cmplxs.Dot(xs, any(y).([]complex128))
	}
	return r
}

// AllFinite reports whether every entry of x (both parts, for complex128)
// is neither NaN nor ±Inf; true for an empty slice.
func AllFinite[T Scalar](x []T) bool {
	for _, v := range x {
		// v − v is 0 for finite v and NaN for NaN or ±Inf, in each part.
		if v-v != 0 {
			return false
		}
	}
	return true
}

// Norm2 returns the Euclidean norm sqrt(Σ |x_i|²), computed without undue
// overflow or underflow.
func Norm2[T Scalar](x []T) float64 {
	switch xs := any(x).(type) {
	case []float64:
		return floats.Norm(xs, 2)
	case []complex128:
		return cmplxs.Norm(xs, 2)
	}
	panic("linalg: unreachable")
}

// NormInf returns max_i |x_i| (the complex modulus for complex128); 0 for an
// empty slice. A NaN entry makes the result NaN.
func NormInf[T Scalar](x []T) float64 {
	var m float64
	switch xs := any(x).(type) {
	case []float64:
		for _, v := range xs {
			a := math.Abs(v)
			if a > m || a != a {
				m = a
				if a != a {
					return a
				}
			}
		}
	case []complex128:
		for _, v := range xs {
			a := math.Hypot(real(v), imag(v))
			if a > m || a != a {
				m = a
				if a != a {
					return a
				}
			}
		}
	}
	return m
}

// Copy copies x into dst. It panics if the lengths differ.
func Copy[T Scalar](dst, x []T) {
	if len(dst) != len(x) {
		panic(badLen)
	}
	copy(dst, x)
}

// Fill sets every element of dst to a.
func Fill[T Scalar](dst []T, a T) {
	for i := range dst {
		dst[i] = a
	}
}

// ToComplex writes the float64 slice x into dst as complex numbers and
// returns dst. A nil dst is allocated; otherwise it panics if the lengths
// differ.
func ToComplex(dst []complex128, x []float64) []complex128 {
	if dst == nil {
		dst = make([]complex128, len(x))
	}
	if len(dst) != len(x) {
		panic(badLen)
	}
	for i, v := range x {
		dst[i] = complex(v, 0)
	}
	return dst
}

func cabs1(z complex128) float64 { return math.Abs(real(z)) + math.Abs(imag(z)) }
