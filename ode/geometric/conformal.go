package geometric

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// IntegrateConformal integrates the damped (conformal Hamiltonian) system
//
//	q' = ∂T/∂p,   p' = −γp − ∇V(q),   γ ≥ 0,
//
// whose flow contracts the symplectic form: ω ↦ e^{−γt}ω. The method
// composes the exact damping flow p ↦ e^{−γt}p with the symplectic step m:
// Lie splitting Φ_h ∘ e^{−γh} for a non-symmetric m, Strang splitting
// e^{−γh/2} ∘ Φ_h ∘ e^{−γh/2} for a symmetric one (order min(order of m, 2)
// in general). Every step is then conformal symplectic with factor e^{−γh},
// like the exact flow (G. França, M. I. Jordan, R. Vidal, "On dissipative
// symplectic integration with applications to gradient-based optimization",
// J. Stat. Mech. 2021, 043402, arXiv:2004.06840; R. McLachlan, M. Perlmutter,
// J. Nonlinear Sci. 11 (2001) 355).
//
// With m = SymplecticEulerKD this is the conformal symplectic Euler method,
// which reproduces Polyak's heavy ball exactly: see HeavyBall.
func IntegrateConformal[T linalg.Scalar](m Splitting, gamma float64, prob Separable[T], t0 float64, q0, p0 []T, h float64, nsteps int, s *FixedSettings) (*Solution[T], error) {
	return integrateSplit(m, gamma, prob, t0, q0, p0, h, nsteps, s)
}

// HeavyBall maps the heavy-ball momentum iteration
//
//	θ_{k+1} = θ_k + β(θ_k − θ_{k−1}) − η∇V(θ_k),   η > 0, 0 < β ≤ 1,
//
// to the conformal symplectic Euler method (IntegrateConformal with
// SymplecticEulerKD and T = ½|p|²) applied to q' = p, p' = −γp − ∇V(q).
// One step reads p_{k+1} = e^{−γh}p_k − h∇V(q_k), q_{k+1} = q_k + h p_{k+1};
// eliminating p_k = (q_k − q_{k−1})/h gives
// q_{k+1} = q_k + e^{−γh}(q_k − q_{k−1}) − h²∇V(q_k), so the iterates
// coincide, q_k = θ_k, when
//
//	h = √η,   γ = −ln(β)/√η,   p_0 = (θ_0 − θ_{−1})/√η
//
// (França, Jordan, Vidal 2021, Sec. 3). It returns an error wrapping
// ode.ErrInvalidSettings unless η > 0 and 0 < β ≤ 1 are finite.
func HeavyBall(eta, beta float64) (h, gamma float64, err error) {
	if !(eta > 0) || math.IsInf(eta, 0) || !(beta > 0 && beta <= 1) {
		return 0, 0, fmt.Errorf("%w: heavy ball needs η > 0 and 0 < β ≤ 1 (got η = %v, β = %v)", ode.ErrInvalidSettings, eta, beta)
	}
	h = math.Sqrt(eta)
	return h, -math.Log(beta) / h, nil
}
