// Package figures draws the figure gallery of the toolkit (docs/figures.md)
// with gonum.org/v1/plot, from the data that packages modified, verify and
// stability return: GD iterates from modified.GD, flow trajectories integrated
// with package ode from modified's flows, distances to GD from
// verify.Compare, observed orders from verify.LocalOrder, regimes,
// bifurcation diagrams and edge-of-stability runs from package stability.
//
// # Figures
//
// Names lists the figures in gallery order; Lookup returns one and Figure.Make
// computes it: a Result holds the panels, the page size, the data as a Table
// and remarks found on the way (a flow whose integration stopped, the
// measured orders). Result writes PNG (at DPI), SVG and CSV; WriteAll writes
// all three for a list of figures into a directory, reporting progress to an
// io.Writer. The command `pflow figures -out DIR [-only NAME]` is a thin
// wrapper around WriteAll.
//
//	quadratic-h0.9         the paper's toy E = θ₁² + 0.01θ₂² at h = 0.9
//	quadratic-h1.05        the same at h = 1.05 (divergence)
//	stability-coefficient  Re and Im of φ(hλ) = log(1 − hλ)/hλ, regimes shaded
//	regimes                one quadratic direction per regime
//	logcosh-branch         log cosh at h = 1.5: branch-continued and principal-branch PF
//	doublewell             GD leaving a sharp well for a wide one
//	saddle                 escape from a saddle
//	rosenbrock             oscillation across the valley at a large learning rate
//	backward-error         local error against h for NGF, IGR, BEA3, PF, PF+np
//	bifurcation            period doublings of the GD map of the cubic
//	edge-of-stability      sharpness at 2/h on an MLP, and DAL
//
// # Data
//
// The data functions return numbers without drawing: FlowCurve (a flow's
// trajectory sampled densely in time), GDIterates, NewTrajectories (GD, flows
// and their verification on one problem), NewPhiCurve, NewRegimeRuns,
// BackwardErrors, Bifurcation and EdgeOfStability. Table is the long-form
// ("tidy") table behind every figure: a series name and a fixed set of numeric
// columns per row.
//
// # Conventions
//
// The principal flow is complex wherever hλ > 1 (Rosca, Wu, Qin, Dherin,
// TMLR 2023): figures draw its real part in parameter space and in time
// series, and its imaginary part or modulus where they tell the story. GD
// iterates are dots, flows lines, in the same colours in every figure.
// One unit of flow time is one GD step of length h: GD step n is compared with
// the flow at t = n·h (docs/theory.md).
package figures
