package stiff

import (
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// radauSeg is one accepted step [t0, t1] (t1 = t0 + h up to the snapping
// of the last step onto the end point, or the zero of a terminal event when
// full is false) with its collocation polynomial
// u(t0 + θh) = y0 + Σ_k L_k(θ) z_k, L_k the Lagrange polynomials of the
// nodes {0, c₁, c₂, 1} belonging to c_k.
type radauSeg[T linalg.Scalar] struct {
	t0, h, t1 float64
	full      bool
	y0        []T
	z         [3][]T
}

// radauInterp writes u(θ) = y0 + Σ_k L_k(θ) z_k into dst: the collocation
// polynomial of a Radau IIA step (Hairer & Wanner II, IV.8, CONTR5).
// At θ = 0 and θ = 1 it returns y0 and y0 + z₃ exactly.
func radauInterp[T linalg.Scalar](dst []T, th float64, y0 []T, z *[3][]T) {
	switch th {
	case 0:
		copy(dst, y0)
		return
	case 1:
		for i := range dst {
			dst[i] = y0[i] + z[2][i]
		}
		return
	}
	l := radauLagrange(th)
	l0, l1, l2 := linalg.FromFloat[T](l[0]), linalg.FromFloat[T](l[1]), linalg.FromFloat[T](l[2])
	for i := range dst {
		dst[i] = y0[i] + (l0*z[0][i] + l1*z[1][i] + l2*z[2][i])
	}
}

// radauDense is the collocation polynomial of the last accepted step,
// the dense output of Radau5.
type radauDense[T linalg.Scalar] struct {
	t0, h, t1 float64 // t1: the step's end (t0 + h up to the snapping onto the target)
	y0        []T
	z         *[3][]T
}

// Interpolate implements ode.Dense.
func (d *radauDense[T]) Interpolate(dst []T, t float64) {
	th := (t - d.t0) / d.h
	if t == d.t1 {
		th = 1 // the step value exactly
	}
	radauInterp(dst, th, d.y0, d.z)
}

// Keep implements ode.Dense.
func (d *radauDense[T]) Keep() ode.Dense[T] {
	k := &radauDense[T]{t0: d.t0, h: d.h, t1: d.t1, y0: append([]T(nil), d.y0...), z: new([3][]T)}
	for i := range 3 {
		k.z[i] = append([]T(nil), d.z[i]...)
	}
	return k
}
