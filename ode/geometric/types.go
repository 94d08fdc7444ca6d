package geometric

import (
	"fmt"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// Separable is a Hamiltonian system with H(q, p) = T(p) + V(q), the split
// problem of the splitting methods (Problem.Split of package ode):
//
//	q' = ∂T/∂p (p),   p' = −∇V(q).
//
// Velocity writes ∂T/∂p at p into its first argument (for T = ½|p|² it
// copies p), Force writes −∇V at q; both must not allocate.
type Separable[T linalg.Scalar] = ode.Split[T]

// SecondOrder returns the separable form of q″ = F(q): T(p) = ½|p|², so
// q' = p and p' = F(q).
func SecondOrder[T linalg.Scalar](force func(dpdt, q []T)) Separable[T] {
	return Separable[T]{
		Velocity: func(dqdt, p []T) { copy(dqdt, p) },
		Force:    force,
	}
}

// checkFixed validates the common inputs of fixed-step integrations.
func checkFixed[T linalg.Scalar](t0, h float64, nsteps int, ys ...[]T) error {
	if !linalg.IsFinite(t0) {
		return fmt.Errorf("%w: t0 = %v", ode.ErrInvalidSettings, t0)
	}
	if !(h > 0) || !linalg.IsFinite(h) {
		return fmt.Errorf("%w: step size h = %v must be positive and finite", ode.ErrInvalidSettings, h)
	}
	if nsteps < 0 {
		return fmt.Errorf("%w: number of steps %d is negative", ode.ErrInvalidSettings, nsteps)
	}
	for _, y := range ys {
		if !linalg.AllFinite(y) {
			return fmt.Errorf("%w: initial state is not finite", ode.ErrInvalidSettings)
		}
	}
	return nil
}

// kahan holds the compensation terms of a compensated sum y += d.
type kahan[T linalg.Scalar] struct {
	c  []T
	on bool
}

func newKahan[T linalg.Scalar](n int, on bool) kahan[T] {
	if !on {
		return kahan[T]{}
	}
	return kahan[T]{c: make([]T, n), on: true}
}

// add performs y[i] += s·d[i] (compensated if enabled).
func (k *kahan[T]) add(y []T, s T, d []T) {
	if !k.on {
		for i, v := range d {
			y[i] += s * v
		}
		return
	}
	for i, v := range d {
		a := s*v + k.c[i]
		n := y[i] + a
		k.c[i] = (y[i] - n) + a
		y[i] = n
	}
}
