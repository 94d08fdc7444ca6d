// Package stability turns the eigen-structure of the principal flow (PF) of
// gradient descent into analyses of stability and instability: which
// directions are stable, oscillating or diverging, where the edge of
// stability lies, how GD behaves along a trajectory, how the drift-adjusted
// learning rate (DAL) trades stability for speed, when GD leaves minima and
// saddles, and the dynamics of one-dimensional GD maps.
//
// Reference: Rosca, Wu, Qin, Dherin, "On a continuous time model of
// gradient descent dynamics and instability in deep learning", TMLR 2023
// (arXiv 2302.01952). The PF is θ' = φ(hH)g = Σ_i φ(hλ_i)(gᵀu_i)u_i with
// φ(z) = log(1 − z)/z; φ(hλ) is the stability coefficient of direction i.
//
// # Point analysis
//
// Analyze computes, at one θ and learning rate h, the eigenpairs of the
// Hessian (all of them from the dense Hessian, or the extreme ones by
// Lanczos on Hessian-vector products), and for each direction hλ, φ(hλ),
// the Regime (the table of the project's math notes: RegimeNegativeCurvature,
// RegimeFlat, RegimeStable, RegimeCritical, RegimeOscillatingConvergent,
// RegimePeriodTwo, RegimeDivergent), gᵀu, the GD growth factor |1 − hλ|
// and the direction's share φ(hλ)(gᵀu)² of dE/dt along the PF.
//
// AnalyzeComplex does the same at a complex point, such as a point of the
// PF itself, which leaves ℝ^D when some hλ > 1: the Hessian is complex
// symmetric and is decomposed by linalg.CEig.FactorizeSymmetric (uᵀu = 1),
// φ is evaluated at complex hλ (CoefC, on the branch continuous across the
// real half-line hλ > 1), and the regimes are those of Re(hλ), flagged when
// λ is complex.
//
// # Trajectories and the edge of stability
//
// Every GD trajectory of this package is produced by modified.GD (or
// modified.GDStep for one-dimensional maps), the toolkit's one gradient
// descent, with DALRule.Rate as its rate rule for DAL.
//
// Track runs GD (or DAL) and samples the sharpness λ₀ against 2/h, gᵀu₀,
// the loss and the number of unstable directions, with warm-started
// Lanczos so that networks with thousands of parameters can be followed
// every k steps. Detect reports progressive sharpening and the edge of
// stability (Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021) with step
// indices.
//
// # DAL
//
// DAL and DALRule implement the drift-adjusted learning rate exactly as the
// authors' dal.py: h(θ) = min(2/(‖Hg‖/‖g‖)^p, h_max), h_max = 5, optional
// start and stop steps, Hg by Hessian-vector product or by the finite
// difference with ε = 0.01/‖g‖. SweepDAL runs a sweep over p and reports
// loss spikes, λ₀h and the final loss.
//
// # Escape
//
// EscapeThreshold gives the learning rate above which GD and the PF leave a
// stationary point (2/λ_max at a minimum, every h > 0 with negative
// curvature); RunNear checks it with GD runs from nearby starts and
// RunNearPF with the principal flow itself, integrated in ℂ^D by package
// ode from the same starts; BasinExit
// finds the rate at which GD leaves a basin of a one-dimensional loss (the
// sharp well of doublewell).
//
// # One-dimensional GD maps
//
// GDMap is T_h(θ) = θ − hE′(θ) of a one-dimensional problem: attractors
// and bifurcation diagrams over h, period detection, Newton-polished
// cycles and their multipliers, Lyapunov exponents, and the location of
// period doublings to full precision (May, Nature 261, 1976; for the cubic
// problem T_h is conjugate to the logistic map with r = 1 + h).
package stability
