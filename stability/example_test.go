package stability_test

import (
	"fmt"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
)

// The paper's toy problem at h = 0.9: the sharp direction oscillates and
// converges, the flat one is stable.
func ExampleAnalyze() {
	p, _ := problems.ByName("quadratic2d")
	pt, err := stability.Analyze(p, 0.9, p.Start(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("edge 2/h = %.4f, sharpness %.4g\n", pt.Edge, pt.Sharpness)
	for _, d := range pt.Directions {
		fmt.Printf("λ = %.4g  hλ = %.4g  φ = %.4f%+.4fi  %s  gᵀu = %.4g\n",
			d.Lambda, d.HLambda, real(d.Coef), imag(d.Coef), d.Regime, d.GradProj)
	}
	// Output:
	// edge 2/h = 2.2222, sharpness 2
	// λ = 2  hλ = 1.8  φ = -0.1240+1.7453i  oscillating-convergent  gᵀu = -0.7
	// λ = 0.02  hλ = 0.018  φ = -1.0091+0.0000i  stable  gᵀu = -0.004
}

// The first period doubling of GD on θ²/2 + θ³/3 is at h = 2/E″(0) = 2,
// the second at 1 + √6 − 1 = √6 (the logistic map with r = 1 + h).
func ExampleGDMap_PeriodDoublings() {
	p, _ := problems.ByName("cubic")
	m, _ := stability.NewGDMap(p)
	ds, _ := m.PeriodDoublings(1.5, 2.5, 100, -0.9, nil)
	for _, d := range ds {
		fmt.Printf("period %d → %d at h = %.12f\n", d.From, 2*d.From, d.H)
	}
	// Output:
	// period 1 → 2 at h = 2.000000000000
	// period 2 → 4 at h = 2.449489742783
}

// DAL with p = 1 on quadratic2d started on the sharp axis: ‖Hg‖/‖g‖ = 2, so
// the rate is 2/2 = 1 and hλ = 2 (period two).
func ExampleDALRule() {
	p, _ := problems.ByName("quadratic2d")
	r, _ := stability.NewDALRule(p, 0.9, stability.DAL{P: 1})
	theta := []float64{-0.35, 0}
	g := make([]float64, 2)
	p.Real.Grad(g, theta)
	h, curv := r.Rate(0, theta, g)
	fmt.Printf("‖Hg‖/‖g‖ = %g, rate %g\n", curv, h)
	// Output:
	// ‖Hg‖/‖g‖ = 2, rate 1
}

// A point of the principal flow of GD on log cosh θ at h = 1.5, between two
// GD times: θ is complex, and so is the curvature; the regime is read off
// Re(hλ) and flagged as approximate.
func ExampleAnalyzeComplex() {
	p, _ := problems.ByName("logcosh")
	theta := []complex128{complex(-0.0416723, 0.0421831)} // θ(1.125) of the PF from θ₀ = 0.1
	pt, err := stability.AnalyzeComplex(p, 1.5, theta, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := pt.Directions[0]
	fmt.Printf("hλ = %.5f  φ = %.4f  %s (λ complex: %v)  |1−hλ| = %.4f\n",
		d.HLambda, d.Coef, d.Regime, d.Complex, d.GrowthGD)
	// Output:
	// hλ = (1.50005+0.00527i)  φ = (-0.4546+2.1030i)  oscillating-convergent (λ complex: true)  |1−hλ| = 0.5001
}

// The principal flow leaves the sharp minimum of doublewell exactly when GD
// does: just below 2/E″ both return, just above both leave.
func ExampleRunNearPF() {
	p, _ := problems.ByName("doublewell")
	e, _ := stability.EscapeThreshold(p, p.Minima[0])
	for _, f := range []float64{0.98, 1.02} {
		h := f * e.H
		gd, _ := stability.RunNear(p, e.Point.X, h, e.Dir, 1e-7, 600, 1e-3)
		pf, err := stability.RunNearPF(p, e.Point.X, h, e.Dir, 1e-7, 600, 1e-3, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("h = %.4f·(2/λ): GD leaves %v, PF leaves %v\n", f, gd.Left, pf.Left)
	}
	// Output:
	// h = 0.9800·(2/λ): GD leaves false, PF leaves false
	// h = 1.0200·(2/λ): GD leaves true, PF leaves true
}
