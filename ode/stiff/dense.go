package stiff

import (
	"fmt"
	"sort"

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

// HasDense reports whether At is available (Settings.Dense was set and at
// least one step was accepted).
func (s *Solution[T]) HasDense() bool { return s.dense && len(s.segs) > 0 }

// At writes into dst (allocated if nil) the value at time t of the
// continuous solution of Radau5 — on each step the cubic collocation
// polynomial through y₀ and the three stage values (Hairer & Wanner II,
// IV.8) — and returns it. Its error is O(h⁴) per step, stiff or not
// (Hairer, Nørsett & Wanner I, Thm. II.7.10; measured in the tests), and is
// not controlled by the tolerances: on stiff problems with long steps it can
// be far larger than the error of the step values (see Settings.StopAtTEval).
// It requires Settings.Dense and t in the integrated range [t0, TEnd];
// otherwise it returns an error wrapping ode.ErrInvalidSettings. At the step
// points it returns the step values exactly.
func (s *Solution[T]) At(dst []T, t float64) ([]T, error) {
	if !s.dense {
		return dst, fmt.Errorf("%w: Solution has no dense output (set Settings.Dense)", ode.ErrInvalidSettings)
	}
	if len(s.segs) == 0 {
		return dst, fmt.Errorf("%w: no accepted step, the dense output is empty", ode.ErrInvalidSettings)
	}
	if !(t >= s.t0 && t <= s.TEnd) {
		return dst, fmt.Errorf("%w: t = %v outside the integrated range [%v, %v]", ode.ErrInvalidSettings, t, s.t0, s.TEnd)
	}
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].t1 >= t })
	if i == len(s.segs) {
		i--
	}
	sg := &s.segs[i]
	if dst == nil {
		dst = make([]T, len(sg.y0))
	}
	if len(dst) != len(sg.y0) {
		panic("stiff: At: length mismatch")
	}
	th := (t - sg.t0) / sg.h
	if t == sg.t1 && sg.full {
		th = 1
	}
	radauInterp(dst, th, sg.y0, &sg.z)
	return dst, nil
}
