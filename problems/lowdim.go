package problems

import (
	"math"

	"github.com/pflow-go/pflow/linalg"
)

// --- 1-D problems ---

func cubicEval[T linalg.Scalar](x T) (f, d1, d2, d3 T) {
	x2 := x * x
	return x2/2 + x2*x/3, x + x2, 1 + 2*x, 2
}

func quarticEval[T linalg.Scalar](x T) (f, d1, d2, d3 T) {
	x2 := x * x
	return x2*x2/4 + x2/2, x2*x + x, 3*x2 + 1, 6 * x
}

func logcoshEval[T linalg.Scalar](x T) (f, d1, d2, d3 T) {
	t := tanhT(x)
	s := 1 - t*t
	return logCosh(x), t, s, -2 * t * s
}

// Double-well parameters: E = −exp(−θ²/(2σ²)) − c·exp(−(θ−m)²/2).
const (
	dwSigma  = 0.2
	dwWeight = 1.2
	dwCenter = 2.0
)

// Stationary points of the double well, found by Newton's method on E′
// with the exact E″ from several starts and confirmed in the tests
// (|E′| at these points is at the round-off level of E′).
const (
	// DoubleWellSharpMin is the sharp minimum, shifted from 0 by the wide
	// well's slope (E″ ≈ 24.34): the correctly rounded root
	// 0.0132814045016009441063… (50 digits by mpmath; the tests check the
	// sign change of E′ at the half-ulp midpoints in 256-bit arithmetic).
	DoubleWellSharpMin = 0.013281404501600945
	// DoubleWellWideMin is the wide minimum: the sharp well shifts it from 2
	// by about −8e−21, below half an ulp of 2, so 2 is the correctly rounded
	// minimiser (E″ ≈ 1.2).
	DoubleWellWideMin = 2.0
	// DoubleWellMax is the local maximum between the wells.
	DoubleWellMax = 0.49448730664888235
)

func doublewellEval[T linalg.Scalar](x T) (f, d1, d2, d3 T) {
	const is2 = 1 / (dwSigma * dwSigma)
	a := expT(-x * x * fl[T](is2/2))
	y := x - fl[T](dwCenter)
	b := fl[T](dwWeight) * expT(-y*y/2)
	x2 := x * x
	y2 := y * y
	s2 := fl[T](is2)
	f = -a - b
	d1 = x*s2*a + y*b
	d2 = -(x2*s2*s2-s2)*a - (y2-1)*b
	d3 = -(-x2*x*s2*s2*s2+3*x*s2*s2)*a - (-y2*y+3*y)*b
	return
}

// --- 2-D problems ---

// Rosenbrock's parameters: E = (a − x)² + b(y − x²)².
const (
	rosenA = 1.0
	rosenB = 100.0
)

func rosenbrockEval[T linalg.Scalar](x, y T) (f T, g [2]T, h [3]T, t [4]T) {
	a, b := fl[T](rosenA), fl[T](rosenB)
	r := a - x
	s := y - x*x
	f = r*r + b*s*s
	g = [2]T{-2*r - 4*b*x*s, 2 * b * s}
	h = [3]T{2 - 4*b*y + 12*b*x*x, -4 * b * x, 2 * b}
	t = [4]T{24 * b * x, -4 * b, 0, 0}
	return
}

func saddleEval[T linalg.Scalar](x, y T) (f T, g [2]T, h [3]T, t [4]T) {
	f = x*x - y*y
	g = [2]T{2 * x, -2 * y}
	h = [3]T{2, 0, -2}
	return
}

func monkeyEval[T linalg.Scalar](x, y T) (f T, g [2]T, h [3]T, t [4]T) {
	f = x*x*x - 3*x*y*y
	g = [2]T{3*x*x - 3*y*y, -6 * x * y}
	h = [3]T{6 * x, -6 * y, -6 * x}
	t = [4]T{6, 0, -6, 0}
	return
}

func himmelblauEval[T linalg.Scalar](x, y T) (f T, g [2]T, h [3]T, t [4]T) {
	a := x*x + y - 11
	b := x + y*y - 7
	f = a*a + b*b
	g = [2]T{4*x*a + 2*b, 2*a + 4*y*b}
	h = [3]T{4*a + 8*x*x + 2, 4*x + 4*y, 2 + 4*b + 8*y*y}
	t = [4]T{24 * x, 4, 4, 24 * y}
	return
}

func newCubic() *Problem {
	c := funcs1D(cubicEval[complex128])
	return &Problem{
		Name:        "cubic",
		Description: "E(θ) = θ²/2 + θ³/3: minimum at 0 (E″ = 1), maximum at −1 (E = 1/6); GD and its flows diverge for θ < −1.",
		Source:      "Rosca, Wu, Qin, Dherin, TMLR 2023 (arXiv 2302.01952): local-error study problem; see docs/theory.md",
		Dim:         1, X0: []float64{0.5},
		Real: funcs1D(cubicEval[float64]), Complex: &c,
		Minima: []Point{{X: []float64{0}, E: 0, Kind: Minimum, Inertia: Inertia{Pos: 1}}},
		Maxima: []Point{{X: []float64{-1}, E: 1.0 / 6, Kind: Maximum, Inertia: Inertia{Neg: 1}}},
	}
}

func newQuartic() *Problem {
	c := funcs1D(quarticEval[complex128])
	return &Problem{
		Name:        "quartic",
		Description: "E(θ) = θ⁴/4 + θ²/2: convex, single minimum at 0 with E″ = 1 + 3θ².",
		Source:      "Rosca, Wu, Qin, Dherin, TMLR 2023 (arXiv 2302.01952): local-error study problem; see docs/theory.md",
		Dim:         1, X0: []float64{0.5},
		Real: funcs1D(quarticEval[float64]), Complex: &c,
		Minima: []Point{{X: []float64{0}, E: 0, Kind: Minimum, Inertia: Inertia{Pos: 1}}},
	}
}

func newLogcosh() *Problem {
	c := funcs1D(logcoshEval[complex128])
	return &Problem{
		Name: "logcosh",
		Description: "E(θ) = log cosh θ: convex, E″ = sech²θ ≤ 1, minimum at 0. The complex extension is " +
			"holomorphic in the strip |Im θ| < π/2 (tanh has poles at ±iπ/2).",
		Source: "Rosca, Wu, Qin, Dherin, TMLR 2023 (arXiv 2302.01952); branch-continuation example of docs/theory.md",
		Dim:    1, X0: []float64{0.5},
		Real: funcs1D(logcoshEval[float64]), Complex: &c,
		Minima: []Point{{X: []float64{0}, E: 0, Kind: Minimum, Inertia: Inertia{Pos: 1}}},
	}
}

func newDoublewell() *Problem {
	c := funcs1D(doublewellEval[complex128])
	pt := func(x float64, k Kind, in Inertia) Point {
		f, _, _, _ := doublewellEval(x)
		return Point{X: []float64{x}, E: f, Kind: k, Inertia: in}
	}
	return &Problem{
		Name: "doublewell",
		Description: "E(θ) = −exp(−θ²/(2·0.2²)) − 1.2·exp(−(θ−2)²/2): a sharp well near 0 (E″ ≈ 25, stable for " +
			"GD only when h < 0.08) and a wider, deeper well near 2 (E″ ≈ 1.2).",
		Source: "this toolkit (sharp-minimum escape example for the principal flow of Rosca et al., TMLR 2023)",
		Dim:    1, X0: []float64{0.1},
		Real: funcs1D(doublewellEval[float64]), Complex: &c,
		Minima: []Point{
			pt(DoubleWellSharpMin, Minimum, Inertia{Pos: 1}),
			pt(DoubleWellWideMin, Minimum, Inertia{Pos: 1}),
		},
		Maxima: []Point{pt(DoubleWellMax, Maximum, Inertia{Neg: 1})},
	}
}

func newRosenbrock() *Problem {
	c := funcs2D(rosenbrockEval[complex128])
	return &Problem{
		Name: "rosenbrock",
		Description: "Rosenbrock's banana E(x, y) = (1 − x)² + 100(y − x²)²: minimum at (1, 1) in a curved " +
			"valley, Hessian eigenvalues ≈ 1001.6 and 0.4 there. Default start (−1.2, 1).",
		Source: "H. H. Rosenbrock, Comput. J. 3 (1960) 175–184; Moré, Garbow, Hillstrom, ACM TOMS 7 (1981) 17–41",
		Dim:    2, X0: []float64{-1.2, 1},
		Real: funcs2D(rosenbrockEval[float64]), Complex: &c,
		Minima: []Point{{X: []float64{rosenA, rosenA * rosenA}, E: 0, Kind: Minimum, Inertia: Inertia{Pos: 2}}},
	}
}

func newSaddle() *Problem {
	c := funcs2D(saddleEval[complex128])
	return &Problem{
		Name: "saddle",
		Description: "E(x, y) = x² − y² (no factor ½: H = diag(2, −2)): a non-degenerate saddle at the origin, " +
			"unbounded below along y.",
		Source: "standard strict-saddle example (e.g. Lee, Simchowitz, Jordan, Recht, COLT 2016)",
		Dim:    2, X0: []float64{1, 0.01},
		Real: funcs2D(saddleEval[float64]), Complex: &c, ConstantHessian: true,
		Saddles: []Point{{X: []float64{0, 0}, E: 0, Kind: Saddle, Inertia: Inertia{Pos: 1, Neg: 1}}},
	}
}

func newMonkeySaddle() *Problem {
	c := funcs2D(monkeyEval[complex128])
	return &Problem{
		Name: "monkeysaddle",
		Description: "Monkey saddle E(x, y) = x³ − 3xy² = Re (x + iy)³: a degenerate saddle at the origin " +
			"(H = 0 there, three descending valleys).",
		Source: "classical example of a degenerate critical point (e.g. Hilbert & Cohn-Vossen, Geometry and the Imagination, 1932)",
		Dim:    2, X0: []float64{0.5, 0.1},
		Real: funcs2D(monkeyEval[float64]), Complex: &c,
		Saddles: []Point{{X: []float64{0, 0}, E: 0, Kind: Saddle, Inertia: Inertia{Zero: 2}}},
	}
}

// himmelblauStarts are published approximations of Himmelblau's
// stationary points, refined by Newton's method in newHimmelblau.
var himmelblauStarts = [][2]float64{
	{3, 2}, {-2.805118, 3.131312}, {-3.779310, -3.283186}, {3.584428, -1.848126}, // minima
	{0.086677, 2.884255}, {-3.073026, -0.081353}, {3.385154, 0.073852}, {-0.127961, -1.953715}, // saddles
	{-0.270845, -0.923039}, // maximum
}

func newHimmelblau() *Problem {
	c := funcs2D(himmelblauEval[complex128])
	p := &Problem{
		Name: "himmelblau",
		Description: "Himmelblau's function E(x, y) = (x² + y − 11)² + (x + y² − 7)²: four minima with E = 0, " +
			"four saddles and one local maximum (all stored to full precision, refined by Newton's method).",
		Source: "D. M. Himmelblau, Applied Nonlinear Programming, McGraw-Hill, 1972",
		Dim:    2, X0: []float64{0, 0},
		Real: funcs2D(himmelblauEval[float64]), Complex: &c,
	}
	for _, s := range himmelblauStarts {
		pt := point2(himmelblauEval[float64], s[0], s[1])
		switch pt.Kind {
		case Minimum:
			pt.E = math.Abs(pt.E) // exact value is 0; E ≥ 0 everywhere
			p.Minima = append(p.Minima, pt)
		case Saddle:
			p.Saddles = append(p.Saddles, pt)
		case Maximum:
			p.Maxima = append(p.Maxima, pt)
		}
	}
	return p
}
