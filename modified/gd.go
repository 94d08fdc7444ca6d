package modified

import (
	"fmt"
	"github.com/pflow-go/pflow"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// ErrDiverged is returned (wrapped, with the step index) by GD when an
// iterate, its loss or its gradient stops being finite. The partial result
// returned with it holds every iterate computed before the failure.
var ErrDiverged = pflow.Sentinel("modified: gradient descent diverged", pflow.ErrDiverged)

// GDSettings configures GD. The zero value (and a nil *GDSettings) means
// plain gradient descent with the constant learning rate passed to GD.
type GDSettings[T linalg.Scalar] struct {
	// Rate, if non-nil, returns the learning rate h_k of step k (k = 0 is
	// the step from θ_0), given θ_k and g = ∇E(θ_k). It must return a
	// positive finite number (ErrInvalidInput otherwise). It overrides the
	// constant rate passed to GD, which is then not used. θ and g must not
	// be retained or modified.
	Rate func(k int, theta, grad []T) float64
	// Momentum is the heavy-ball coefficient β (default 0, plain GD):
	// θ_{k+1} = θ_k − h_k ∇E(θ_k) + β(θ_k − θ_{k−1}) (Polyak 1964). It
	// must satisfy 0 ≤ β < 1.
	Momentum float64
	// Prev is θ_{−1} for the first momentum step (default θ_0, i.e. zero
	// initial velocity). It must have the problem's dimension when set.
	Prev []T
	// SkipLoss leaves GDResult.Loss nil and saves one loss evaluation per
	// step.
	SkipLoss bool
}

// GDResult holds the iterates of a GD run.
type GDResult[T linalg.Scalar] struct {
	// Iterates holds θ_0, θ_1, …: n+1 points after a successful run of n
	// steps, fewer when the run failed (each a fresh slice).
	Iterates [][]T
	// Loss[k] is E(θ_k) (nil when GDSettings.SkipLoss is set).
	Loss []T
	// GradNorm[k] is ‖∇E(θ_k)‖₂ (complex modulus) for every step taken
	// (len(Rates) entries: the gradient of the last iterate is not needed).
	GradNorm []float64
	// Rates[k] is the learning rate of step k (θ_k → θ_{k+1}).
	Rates []float64
}

// Steps returns the number of completed steps, len(Iterates) − 1.
func (r *GDResult[T]) Steps() int { return len(r.Iterates) - 1 }

// Last returns the last iterate.
func (r *GDResult[T]) Last() []T { return r.Iterates[len(r.Iterates)-1] }

// funcsOf returns the derivatives of p in the scalar type T: p.Real for
// float64, the holomorphic extension for complex128 (wrapping
// problems.ErrNotHolomorphic when there is none).
func funcsOf[T linalg.Scalar](p *problems.Problem) (*problems.Funcs[T], error) {
	var f any
	switch any(*new(T)).(type) {
	case float64:
		f = &p.Real
	case complex128:
		c, err := p.ComplexFuncs()
		if err != nil {
			return nil, err
		}
		f = c
	}
	return f.(*problems.Funcs[T]), nil
}

// GDStep writes one gradient-descent step θ − h∇E(θ) of the loss f into
// dst and returns it. grad is a workspace of the length of theta that
// receives ∇E(θ) (nil allocates one). dst may alias theta. For
// T = complex128 f must be the holomorphic extension of the loss (GD then
// runs in ℂ^D, where the principal flow lives).
func GDStep[T linalg.Scalar](dst []T, f *problems.Funcs[T], theta []T, h float64, grad []T) []T {
	if len(dst) != len(theta) || (grad != nil && len(grad) != len(theta)) {
		panic("modified: slice length mismatch")
	}
	if grad == nil {
		grad = make([]T, len(theta))
	}
	f.Grad(grad, theta)
	return linalg.AxpyTo(dst, theta, linalg.FromFloat[T](-h), grad)
}

// GD runs n steps of gradient descent θ_{k+1} = θ_k − h∇E(θ_k) on p from
// x0 (which is not modified), in float64 or, for holomorphic problems, in
// complex128. s (nil for defaults) adds a per-step learning-rate rule or
// heavy-ball momentum.
//
// Bad input (nil problem, wrong length or non-finite x0, h ≤ 0 or
// non-finite without a rate rule, n < 0, β ∉ [0, 1)) returns an error wrapping ErrInvalidInput; a complex run of a
// non-holomorphic problem wraps problems.ErrNotHolomorphic. When θ_k, E(θ_k)
// or ∇E(θ_k) is not finite (overflow, NaN) the run stops with an error
// wrapping ErrDiverged that names k, and the result holds θ_0 … θ_{k−1}; a
// rate rule returning a bad rate at step k stops it with ErrInvalidInput
// and θ_0 … θ_k.
func GD[T linalg.Scalar](p *problems.Problem, x0 []T, h float64, n int, s *GDSettings[T]) (*GDResult[T], error) {
	if s == nil {
		s = &GDSettings[T]{}
	}
	if p == nil {
		return nil, fmt.Errorf("%w: nil problem", ErrInvalidInput)
	}
	if s.Rate == nil {
		if err := checkInput(p, h); err != nil {
			return nil, err
		}
	}
	if err := CheckStart(p, x0); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("%w: number of GD steps %d is negative", ErrInvalidInput, n)
	}
	beta := s.Momentum
	if !(beta >= 0 && beta < 1) {
		return nil, fmt.Errorf("%w: momentum β = %v must be in [0, 1)", ErrInvalidInput, beta)
	}
	if s.Prev != nil {
		if err := CheckStart(p, s.Prev); err != nil {
			return nil, fmt.Errorf("momentum start θ₋₁: %w", err)
		}
	}
	f, err := funcsOf[T](p)
	if err != nil {
		return nil, err
	}

	d := p.Dim
	res := &GDResult[T]{
		Iterates: make([][]T, 0, n+1),
		GradNorm: make([]float64, 0, n),
		Rates:    make([]float64, 0, n),
	}
	if !s.SkipLoss {
		res.Loss = make([]T, 0, n+1)
	}
	grad := make([]T, d)
	prev := s.Prev
	if prev == nil {
		prev = x0
	}
	cur := append([]T(nil), x0...)
	for k := 0; ; k++ {
		// Check θ_k and E(θ_k); record them.
		if i := firstNonFinite(cur); i >= 0 {
			return res, fmt.Errorf("%w at step %d: θ_%d[%d] = %v", ErrDiverged, k, k, i, cur[i])
		}
		if !s.SkipLoss {
			e := f.Func(cur)
			if !linalg.IsFinite(e) {
				return res, fmt.Errorf("%w at step %d: E(θ_%d) = %v", ErrDiverged, k, k, e)
			}
			res.Loss = append(res.Loss, e)
		}
		res.Iterates = append(res.Iterates, cur)
		if k == n {
			return res, nil
		}
		f.Grad(grad, cur)
		if i := firstNonFinite(grad); i >= 0 {
			res.Iterates = res.Iterates[:k]
			if res.Loss != nil {
				res.Loss = res.Loss[:k]
			}
			return res, fmt.Errorf("%w at step %d: ∇E(θ_%d)[%d] = %v", ErrDiverged, k, k, i, grad[i])
		}
		hk := h
		if s.Rate != nil {
			hk = s.Rate(k, cur, grad)
			if math.IsNaN(hk) || math.IsInf(hk, 0) || hk <= 0 {
				return res, fmt.Errorf("%w: rate rule returned %v at step %d", ErrInvalidInput, hk, k)
			}
		}
		res.GradNorm = append(res.GradNorm, linalg.Norm2(grad))
		res.Rates = append(res.Rates, hk)
		next := linalg.AxpyTo(make([]T, d), cur, linalg.FromFloat[T](-hk), grad)
		if beta != 0 {
			// next += β(θ_k − θ_{k−1}), without a temporary.
			b := linalg.FromFloat[T](beta)
			for i := range next {
				next[i] += b * (cur[i] - prev[i])
			}
		}
		prev, cur = cur, next
	}
}

// firstNonFinite returns the index of the first NaN or infinite entry of
// x, or −1.
func firstNonFinite[T linalg.Scalar](x []T) int {
	for i, v := range x {
		if v-v != 0 { // NaN exactly when a part of v is NaN or ±Inf
			return i
		}
	}
	return -1
}
