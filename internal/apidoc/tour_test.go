package apidoc_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/pflow-go/pflow/figures"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
	"github.com/pflow-go/pflow/verify"
)

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// Example_tour is docs/api.md, section by section.
func Example_tour() {
	// §1
	p, err := problems.ByName("quadratic2d") // or "logcosh", "rosenbrock", "mlp:hidden=50", …
	check(err)
	g := make([]float64, p.Dim)
	p.Real.Grad(g, p.X0) // exact derivatives: Func, Grad, Hess, HessVec, D3
	fmt.Printf("E(θ0) = %.4f, ∇E(θ0) = %.3f\n", p.Real.Func(p.X0), g)
	cf, err := p.ComplexFuncs() // the holomorphic extension, or ErrNotHolomorphic
	check(err)
	fmt.Printf("E(θ0 + 0.1i) = %.4f\n", cf.Func([]complex128{-0.35 + 0.1i, -0.2 + 0.1i}))

	// §1b
	q, err := problems.Parse("(x^2-1)^2 + 2*y^2") // your own loss: x, y, z or x1…xn
	check(err)
	hq := make([]float64, q.Dim*q.Dim)
	q.Real.Hess(hq, []float64{1, 0}) // exact, from one generic evaluation
	fmt.Printf("%s: dimension %d, Hessian at (1, 0) = %g\n", q.Name, q.Dim, hq)

	// §2
	r, err := modified.GD(p, p.Start(), 1.05, 5, nil) // iterates, losses, gradient norms, rates
	check(err)
	fmt.Printf("θ_5 = %.6f, E(θ_5) = %.6f\n", r.Last(), r.Loss[5])

	// §3
	h, n := 1.05, 5
	f, err := modified.New[complex128]("pf", p, h, nil) // "ngf", "igr", "bea3", "bea4", "pf", "pf+np", "pf-re"
	check(err)
	sol, err := ode.Solve(f.F, 0, float64(n)*h, linalg.ToComplex(nil, p.X0), ode.DOP853,
		f.Wire(&ode.Settings[complex128]{RTol: 1e-12, ATol: 1e-14, Dense: true}))
	check(err)
	y, err := sol.At(nil, 2*h) // dense output anywhere
	check(err)
	fmt.Printf("PF at t = 2h: %.6f (GD: %.6f)\n", real(y[0]), r.Iterates[2][0])

	// §4
	res, err := verify.Compare(p, "pf", 0.9, 5, nil, nil) // per step: distance, both losses, Im θ
	check(err)
	o, err := verify.LocalOrder(p, "igr", 0.1, 4, nil, nil) // observed order over 4 halvings of h
	check(err)
	fmt.Printf("PF vs GD: max distance below 1e-10: %v; IGR local order %.1f\n", res.MaxError < 1e-10, o.Slope)
	outcomes := verify.Run(verify.Suite()[:4], 0, nil) // the suite behind `pflow verify`
	fmt.Println(len(outcomes), "cases run")

	// §5
	pt, err := stability.Analyze(p, 0.9, p.Start(), nil) // eigendirections: hλ, φ(hλ), regime, gᵀu, dE/dt
	check(err)
	fmt.Printf("h = 0.9: hλ = %.2f (%s), %.3f (%s)\n", pt.Directions[0].HLambda, pt.Directions[0].Regime,
		pt.Directions[1].HLambda, pt.Directions[1].Regime)
	x0 := p.Start()
	tr, err := stability.Track(p, h, x0, &stability.TrackSettings{Steps: 1000, Every: 10})
	check(err)
	fmt.Println(len(tr.Samples), "samples of the sharpness along GD")
	runs, err := stability.SweepDAL(p, h, x0, []float64{0, 1, 2}, stability.DAL{},
		&stability.TrackSettings{Steps: 200}) // Steps is required: nil settings are an error
	check(err)
	fmt.Println(len(runs), "DAL runs")
	c, _ := problems.ByName("cubic")
	m, err := stability.NewGDMap(c) // 1-D maps: bifurcation, Lyapunov, period doublings
	check(err)
	ds, err := m.PeriodDoublings(1.5, 2.5, 100, -0.9, nil) // h = 2 and √6, as for the logistic map
	check(err)
	fmt.Printf("period doublings at h = %.4f, %.4f\n", ds[0].H, ds[1].H)
	sw, err := stability.Sweep(context.Background(), q, []float64{0.5, 0.5}, []float64{0.2, 0.26, 0.6}, 1000, nil)
	check(err)
	for _, s := range sw.Rates { // what GD does at each h, and the linear analysis where it goes
		fmt.Printf("h = %.2f: %s, period %d, hλ_max = %.2f\n", s.H, s.Outcome, s.Period, s.HLambdaMax)
	}

	// §6
	fig, err := figures.RunFigure(q, 0.2, 10, []float64{0.5, 0.5}, []string{"ngf", "igr", "pf"})
	check(err)
	var png bytes.Buffer
	check(fig.WritePNG(&png)) // or WriteSVG, WriteCSV; figures.WriteAll draws the gallery
	fmt.Println(len(fig.Panels), "rows of panels")

	// Output:
	// E(θ0) = 0.1229, ∇E(θ0) = [-0.700 -0.004]
	// E(θ0 + 0.1i) = (0.1128-0.0704i)
	// expr:(x^2-1)^2 + 2*y^2: dimension 2, Hessian at (1, 0) = [8 0 0 4]
	// θ_5 = [0.563679 -0.179864], E(θ_5) = 0.318057
	// PF at t = 2h: -0.423500 (GD: -0.423500)
	// PF vs GD: max distance below 1e-10: true; IGR local order 3.0
	// 4 cases run
	// h = 0.9: hλ = 1.80 (oscillating-convergent), 0.018 (stable)
	// 101 samples of the sharpness along GD
	// 3 DAL runs
	// period doublings at h = 2.0000, 2.4495
	// h = 0.20: oscillate-converge, period 1, hλ_max = 1.60
	// h = 0.26: periodic, period 2, hλ_max = 2.08
	// h = 0.60: diverge, period 0, hλ_max = 4.80
	// 2 rows of panels
}
