package geometric

import (
	"fmt"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// Separable is a Hamiltonian system with H(q, p) = T(p) + V(q):
//
//	q' = ∂T/∂p (p),   p' = −∇V(q).
//
// Both functions write into their first argument, which has the length of
// the second, and must not allocate.
type Separable[T linalg.Scalar] struct {
	// Velocity writes ∂T/∂p evaluated at p into dqdt. For T = ½|p|² it
	// copies p.
	Velocity func(dqdt, p []T)
	// Force writes −∇V evaluated at q into dpdt.
	Force func(dpdt, q []T)
}

// SecondOrder returns the separable form of q″ = F(q): T(p) = ½|p|², so
// q' = p and p' = F(q).
func SecondOrder[T linalg.Scalar](force func(dpdt, q []T)) Separable[T] {
	return Separable[T]{
		Velocity: func(dqdt, p []T) { copy(dqdt, p) },
		Force:    force,
	}
}

// Solution is the output of a fixed-step geometric integration. Y[k] is the
// state at time T[k]; for Separable problems it is the concatenation (q, p)
// of length 2n. The initial and the final state are always stored.
type Solution[T linalg.Scalar] struct {
	T     []float64
	Y     [][]T
	Stats ode.Stats
}

// FixedSettings configures a fixed-step integration. The zero value (and a
// nil pointer) means the defaults.
type FixedSettings struct {
	// SaveEvery stores every SaveEvery-th step. Default 1 (every step).
	SaveEvery int
	// Compensated adds each increment to the state with Kahan's compensated
	// summation (Hairer, Lubich, Wanner, GNI VIII.5), which keeps the
	// round-off of long integrations at O(eps) instead of O(√N·eps) per
	// component. Default off.
	Compensated bool
}

func (s *FixedSettings) saveEvery() int {
	if s == nil || s.SaveEvery <= 0 {
		return 1
	}
	return s.SaveEvery
}

func (s *FixedSettings) compensated() bool { return s != nil && s.Compensated }

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

// recorder stores the saved states.
type recorder[T linalg.Scalar] struct {
	sol   *Solution[T]
	every int
}

func (r *recorder[T]) save(t float64, parts ...[]T) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	y := make([]T, 0, n)
	for _, p := range parts {
		y = append(y, p...)
	}
	r.sol.T = append(r.sol.T, t)
	r.sol.Y = append(r.sol.Y, y)
}
