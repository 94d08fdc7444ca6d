package figures

// gallery lists the figures in the order of docs/figures.md.
var gallery = []*Figure{
	{
		Name:  "quadratic-h0.9",
		Title: "GD and its flows on the paper's quadratic, h = 0.9 (hλ = 1.8 and 0.018)",
		Caption: "Loss contours of E(θ) = θ₁² + 0.01θ₂² (Hessian diag(2, 0.02)) with 200 GD iterates from " +
			"(−0.35, −0.2) at h = 0.9 (dots), and the negative gradient flow (NGF), the implicit-gradient-" +
			"regularisation flow (IGR) and the principal flow (PF) as lines. Along θ₁, hλ = 1.8: GD flips " +
			"sign and converges. NGF and IGR cannot oscillate: they slide to the valley θ₁ = 0 and then along it; the PF, which is " +
			"complex here, rotates, and its real part (drawn) passes through every GD iterate. Right: the " +
			"distance ‖θ_flow(nh) − θ_n‖₂ per step from verify.Compare; the PF is exact on quadratics, so " +
			"its distance is round-off.",
		make: quadraticFigure(0.9, 200, "oscillating convergence"),
	},
	{
		Name:  "quadratic-h1.05",
		Title: "GD and its flows on the paper's quadratic, h = 1.05 (hλ = 2.1: divergence)",
		Caption: "The same problem at h = 1.05, five GD steps: hλ = 2.1 > 2 along θ₁, so GD flips sign and " +
			"grows by 1.1 per step. NGF and IGR slide monotonically into the valley θ₁ = 0 as at any " +
			"learning rate, while the real part of the PF swings with growing amplitude through every GD " +
			"iterate. Right: distance to GD " +
			"per step.",
		make: quadraticFigure(1.05, 5, "divergence"),
	},
	{
		Name:  "stability-coefficient",
		Title: "The stability coefficient φ(hλ) = log(1 − hλ)/hλ of the principal flow",
		Caption: "Real (top) and imaginary (bottom) parts of φ(z) = log(1 − z)/z on the principal branch for " +
			"z = hλ in [−1, 3], with the regimes of stability.Classify shaded. Along an eigendirection the " +
			"PF multiplies the gradient component by φ(hλ), gradient flow by −1 and IGR by −(1 + hλ/2). " +
			"Re φ → −∞ at hλ = 1 (GD lands on the minimum in one step), changes sign at hλ = 2, the edge " +
			"of stability λ = 2/h, and is positive beyond (growth); Im φ = π/(hλ) ≠ 0 for hλ > 1 makes the " +
			"PF rotate, which is how it follows GD's sign flips. NGF and IGR stay real and negative: " +
			"they can neither oscillate nor diverge.",
		make: phiFigure,
	},
	{
		Name:  "regimes",
		Title: "One quadratic direction per regime: E = λθ²/2, h = 1, θ₀ = 1",
		Caption: "GD iterates and the principal flow on the 1-D quadratic E = λθ²/2 with h = 1, one panel per " +
			"regime (named by stability.Analyze): hλ = −0.3 (negative curvature, both grow), 0.5 (stable, " +
			"monotone decay), 1.5 (oscillating convergence), 2.0 (period two) and 2.2 (divergence). The " +
			"solid line is the real part of the PF, the dashed line its modulus |1 − hλ|^(t/h): for hλ > 1 " +
			"the PF is complex and its real part oscillates inside that envelope, meeting GD at every step.",
		make: regimesFigure,
	},
	{
		Name:  "logcosh-branch",
		Title: "log cosh θ at h = 1.5 from θ₀ = 0.1: the branch of the logarithm matters",
		Caption: "GD on E = log cosh θ at h = 1.5 from θ₀ = 0.1 (hλ = 1.5 sech²θ ≈ 1.49 at the start: " +
			"oscillating convergence) against NGF, IGR and the PF, integrated once with the branch of " +
			"log(1 − hλ) continued along the trajectory (the default, DOP853) and once on the principal " +
			"branch at every evaluation, as the authors' released code does (its right-hand side jumps, " +
			"which stalls an adaptive integrator, so it is integrated with RK4 at 4000 fixed steps per GD " +
			"step, as the authors use small fixed Euler steps). Top: real and imaginary parts of θ against " +
			"the step. Bottom: distance to GD at every step. The branch-continued PF follows GD's sign flips " +
			"(4e-4 from GD after one step, then decaying with the iterates). On the principal branch the " +
			"logarithm jumps by 2πi as 1 − hλ(θ) crosses the negative real axis at complex θ: that PF lands " +
			"near 0 + 0.05i after one step instead of GD's −0.0495 and decays without oscillating, no closer " +
			"to GD than NGF and IGR.",
		make: oneDFigure("logcosh", 1.5, 12, []float64{0.1}, logcoshFlows, "GD flips sign and decays", 1e-9),
	},
	{
		Name:  "doublewell",
		Title: "Leaving a sharp minimum: doublewell at h = 0.3 from θ₀ = 0.1",
		Caption: "E = −exp(−θ²/(2·0.2²)) − 1.2·exp(−(θ−2)²/2) has a sharp minimum near 0 (E″ ≈ 24.3) and a " +
			"wide one at 2 (E″ ≈ 1.2). At h = 0.3, hλ ≈ 7.3 in the sharp well: GD is thrown out within three " +
			"steps and settles in the wide well (hλ ≈ 0.36). NGF and IGR slide into the sharp minimum and " +
			"stay there. The PF grows out of the sharp well as GD does, but at this hλ it leaves the real " +
			"line and its integration stops at a singularity after about six steps (measured below): beyond hλ = 2 on a non-quadratic loss the PF follows GD only while the oscillation is " +
			"small. Top left: the loss with the GD iterates on it.",
		make: doublewellFigure,
	},
	{
		Name:  "saddle",
		Title: "Escaping a saddle: E = θ₁² − θ₂² at h = 0.6 from (1, 0.01)",
		Caption: "GD, the NGF and the PF from (1, 0.01), close to the stable manifold θ₂ = 0 of the saddle at " +
			"the origin (Hessian eigenvalues 2 and −2, hλ = 1.2 and −1.2). GD flips sign along θ₁ while " +
			"|θ₂| grows by 1 + 2h = 2.2 per step; the real part of the PF (exact on this quadratic) " +
			"oscillates through every iterate, while the NGF slides in towards the saddle along the hyperbola θ₁θ₂ = 0.01 and escapes at the " +
			"rate e^(2t), 3.3 per step (it leaves the frame). Right: |θ₂| on a log scale against the step.",
		make: saddleFigure,
	},
	{
		Name:  "rosenbrock",
		Title: "Rosenbrock at h = 0.0021: oscillation across the valley, GD against the PF",
		Caption: "GD on (1 − x)² + 100(y − x²)² at h = 0.0021 (just above 2/λ_max = 0.001997 at the minimum " +
			"(1, 1)), 400 steps from (0.95, 0.91) (top row) and from (0.95, 0.95) (bottom row), against the " +
			"NGF (line) and the PF (rings: its real part at t = nh; between steps the complex PF's real part " +
			"swings widely). Across the valley the curvature, about 200(1 + 4x²), gives hλ ≈ 1.9, so GD " +
			"zig-zags across the valley (middle: θ₂ − θ₁² against the step) while creeping along it; the NGF " +
			"drops to the valley floor. Right: distance to GD per step (verify.Compare). Starting close to " +
			"the floor (oscillation 0.0075), the PF follows every sign flip to 1e-4. Starting further " +
			"(0.0475), its error grows with the step, it departs from GD near step 200, overflows and the " +
			"integration stops: on a non-quadratic loss the PF tracks a large oscillation only briefly.",
		make: rosenbrockFigure,
	},
	{
		Name:  "backward-error",
		Title: "Backward error of the flows of GD: local error against h",
		Caption: "The one-step error ‖θ_flow(h) − θ₁‖ between each flow, integrated over one step of flow time " +
			"h, and the first GD iterate, on E = log cosh θ from θ₀ = 0.5 for h = 0.4/2^k, k = 0…6 " +
			"(verify.LocalOrder, DOP853 at rtol 1e-12). Log–log axes; dashed grey lines have slopes 2, 3 " +
			"and 4. NGF has local error O(h²), IGR O(h³), BEA3 O(h⁴); the PF, which sums every principal " +
			"term but not D³E[g,g], is O(h³), and the PF with the non-principal correction O(h⁴). The " +
			"fitted slopes are in the legend.",
		make: backwardFigure,
	},
	{
		Name:  "bifurcation",
		Title: "Bifurcation diagram of gradient descent on the cubic θ²/2 + θ³/3",
		Caption: "For each learning rate h in [1.5, 3] (501 values), the last 64 of 1064 GD iterates from " +
			"θ₀ = 0.1 on E = θ²/2 + θ³/3 (stability.GDMap.Bifurcation). Up to h = 2/λ = 2, with λ = E″(0) = 1, " +
			"GD converges to the minimum; there its multiplier 1 − hλ passes −1 and a period-two orbit takes " +
			"over, followed by the period-doubling cascade (grey lines: the doublings 2→4, 4→8 and 8→16 located by " +
			"PeriodDoublings) and chaos, as for the logistic map with r = 1 + h, to which this map is " +
			"conjugate. Bottom: the Lyapunov exponent of the orbit (clipped at −3; −∞ at superstable cycles).",
		make: bifurcationFigure,
	},
	{
		Name:  "edge-of-stability",
		Title: "Edge of stability on a tanh MLP (d = 283), full-batch GD at h = 0.6, and DAL",
		Caption: "Full-batch GD at h = 0.6 on a one-hidden-layer tanh MLP 10 → 20 → 3 (d = 283, 128 seeded " +
			"samples; problems.ByName(\"" + eosSpec + "\")), tracked by stability.Track. Top left: the " +
			"sharpness λ₀ (largest Hessian eigenvalue, Lanczos every 10 steps) rises from 2.3 to the edge " +
			"2/h = 3.33 by step 130 (progressive sharpening), overshoots to about 4 until a catapult near step " +
			"330 and then hovers at the edge (shaded: the edge-of-stability phase found by stability.Detect). " +
			"Top right: the loss decreases over the long run but not monotonically: the spikes (catapults, " +
			"at steps ≈ 330 and 540 the largest) bring λ₀ back down to the edge. Bottom left: gᵀu₀, the gradient's component along the top " +
			"eigenvector, sampled every 10 steps (even steps only, so GD's step-to-step sign flips along u₀ " +
			"do not show): near zero while λ₀ < 2/h, large at the spikes, when GD's oscillation along u₀ " +
			"has grown, and of order 0.1 while λ₀ hovers at the edge. Bottom right: DAL-p (drift-adjusted learning rate " +
			"h_n = min(2/(‖Hg‖/‖g‖)^p, 5), stability.SweepDAL, 600 steps): p = 0 is plain GD with its " +
			"spikes; p = 1 and p = 2 have none. p = 1 ends above GD's loss; p = 2, whose rate grows to " +
			"h_max = 5 as the curvature along g falls (λ₀h up to 23 at the steps sampled every 20, a lower bound: 26 when λ₀ is computed at every step; far past the edge, yet no spike), " +
			"ends below it. The numbers are listed under the figure.",
		make: eosFigure,
	},
	{
		Name:  "bea-truncation",
		Title: "Backward error analysis to order h⁸: distance to GD against the truncation order K",
		Caption: "The flows bea:K (the modified equation of GD keeping h⁰ … h^K, exact coefficients from package " +
			"bseries) on log cosh θ (top) and θ⁴/4 + θ²/2 (bottom) from θ₀ = 0.5 at h = 0.2, 0.4 and 0.8 " +
			"(colours). Left: distance to GD after one step; right: after five steps. Dashed: the principal " +
			"flow (PF, the chain trees summed to all orders) at the same h; dotted: PF + non-principal. At " +
			"h = 0.2 each added order lowers the one-step distance by a factor between 2 and 19 on log cosh " +
			"(7.1e-3 at K = 0, 9.1e-10 at K = 8) and by about 3 on the quartic. At h = 0.4 on log cosh the " +
			"one-step distance stalls between K = 5 and K = 7 (3.4e-6, 2.0e-6, 1.6e-6), a sign that the series " +
			"is asymptotic; at h = 0.8 the gain per order drops to factors of 1.1 to 2.3, and after five steps " +
			"the PF (1.7e-5) is closer to GD than bea:8 (3.8e-5) on log cosh. On the quartic at h = 0.8 " +
			"(hλ = 1.4 at θ₀) the PF is complex and ends far from GD (distance 1.3 after one step) while bea:K " +
			"keeps improving slowly.",
		make: bseriesFigure,
	},
}
