// Package eos puts continuous-time models of gradient descent (GD) side by
// side with GD itself at the edge of stability (EoS), where the top
// Hessian eigenvalue λ₀ of the loss rises to 2/η and hovers there (Cohen,
// Kaur, Li, Kolter, Talwalkar, ICLR 2021).
//
// # Models
//
//   - The stable flow, gradient flow dw/dt = −η∇L with t in GD steps
//     ("gf"): what GD would do without its oscillation.
//   - The central flow (Central; "central") of Cohen, Damian, Talwalkar,
//     Kolter and Lee, "Understanding optimization in deep learning with
//     central flows", ICLR 2025 (arXiv 2410.24206; reference code
//     github.com/alex-damian/central_flows_jax):
//     dw/dt = −η[∇L + ½∇⟨H(w), Σ(t)⟩], Σ ⪰ 0 on the top eigenspace of H
//     from a semidefinite complementarity problem (SolveSDCP), with its
//     predicted time-averaged loss L + ½⟨H, Σ⟩.
//   - The local flows of package modified (NGF, IGR, BEA, the principal
//     flow PF of Rosca, Wu, Qin, Dherin, TMLR 2023, …) as k-step
//     predictors: integrated from GD's iterate θ_t for flow time k·η and
//     compared with θ_{t+k}.
//
// Run does the whole comparison: GD with its sharpness λ₀, the onset of
// EoS, GD's loss and its moving average, the central flow's prediction,
// and each model's distance to GD — the whole-run flows against GD's
// smoothed iterate (θ_{t−1} + 2θ_t + θ_{t+1})/4 as the central-flow paper
// does, the predictors against the raw iterate.
//
// # Units
//
// Time is in GD steps (the reference code's convention; the flows of
// package modified use t = n·η and are integrated for time k·η).
// Eigenvalues are in weight units: the edge is λ = 2/η. The reference
// code works with η-scaled eigenvalues ηλ (threshold 2) and a matrix X in
// the basis U = √η V; the Σ here is V S Vᵀ with S = ηX, and both give the
// same flow and the same predicted loss.
package eos
