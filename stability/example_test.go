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
