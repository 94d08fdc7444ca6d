package geometric

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/ode"
)

// HeavyBall maps the heavy-ball momentum iteration
//
//	θ_{k+1} = θ_k + β(θ_k − θ_{k−1}) − η∇V(θ_k),   η > 0, 0 < β ≤ 1,
//
// to the conformal symplectic Euler method (SymplecticEulerKD.Conformal(γ)
// with T = ½|p|²) applied to q' = p, p' = −γp − ∇V(q).
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
