package eos

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
	"gonum.org/v1/gonum/mat"
)

// TestCentralOneEigenvalueClosedForm: with one tracked eigenvalue sitting
// exactly at the edge (λ = 2/η), the SDCP of a substep gives
// S = 2⟨−∇L, ∇S⟩/‖∇S‖² for every dt (the paper's σ², ∇S = D³L[v,v]).
// Random g and ∇S; agreement to round-off (1e-13 relative).
func TestCentralOneEigenvalueClosedForm(t *testing.T) {
	rnd := rand.New(rand.NewPCG(4, 4))
	for trial := range 10 {
		d := 3 + trial
		g, ds := make([]float64, d), make([]float64, d)
		for i := range g {
			g[i], ds[i] = rnd.NormFloat64(), rnd.NormFloat64()
		}
		var gs, ss float64
		for i := range g {
			gs += g[i] * ds[i]
			ss += ds[i] * ds[i]
		}
		eta := 0.05 + rnd.Float64()
		for _, dt := range []float64{0.25, 1} {
			s, err := centralSigma(eta, dt, []float64{2 / eta}, g, [][]float64{ds}, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := math.Max(0, -2*gs/ss)
			if math.Abs(s[0]-want) > 1e-13*math.Max(1, want) {
				t.Errorf("trial %d dt %v: σ² = %v, closed form %v", trial, dt, s[0], want)
			}
		}
	}
}

// toy is the central flows paper's toy L(x, y) = ½ s(y) x² + ℓ(y) with
// s(y) = y, ℓ(y) = −c·y, c = 0.05 (math.md): its edge of stability is at
// y* = 2/η, where the central flow holds y and Σ = σ² e_x e_xᵀ with
// σ² = −2ℓ′(y*)/s′(y*) = 2c, the squared amplitude of GD's period-two
// orbit there, and the predicted loss is ℓ(y*) + ½(2/η)σ² = 0 at η = 1.
func toy[N problems.Number[N]](w []N) N {
	x, y := w[0], w[1]
	return y.Mul(x).Mul(x).Scale(0.5).Sub(y.Scale(toyC))
}

const toyC = 0.05

func toyProblem(t *testing.T, x0 []float64) *problems.Problem {
	p, err := problems.FromGeneric(problems.Generic{Name: "toy", Dim: 2, X0: x0, Holomorphic: true,
		Real: toy[problems.Real], Hyper: toy[problems.Hyper], Jet: toy[problems.Jet]})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCentralToy integrates the central flow on the toy from (0, 1.5)
// with η = 1: y rises at rate η·c per step to the edge y* = 2 and stays
// there with σ² = 2c and predicted loss 0. With the x-component of the
// start 0 the flow stays on x = 0 (up to the Lanczos vector's round-off),
// so the values are exact up to the discretisation's self-correction of
// the eigenvalue (α uses the current eigenvalue): checked to 1e-9.
func TestCentralToy(t *testing.T) {
	p := toyProblem(t, []float64{0, 1.5})
	c, err := NewCentral(p, 1, p.X0, &CentralSettings{Eigs: 1})
	if err != nil {
		t.Fatal(err)
	}
	var st CentralStep
	for range 40 {
		if st, err = c.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if math.Abs(c.W[1]-2) > 1e-9 || math.Abs(c.W[0]) > 1e-15 {
		t.Errorf("w = %v, want (0, 2)", c.W)
	}
	if math.Abs(st.Sigma[0]-2*toyC) > 1e-9 {
		t.Errorf("σ² = %v, want %v", st.Sigma[0], 2*toyC)
	}
	if math.Abs(st.Pred) > 1e-9 {
		t.Errorf("predicted loss %v, want 0", st.Pred)
	}
	// Below the edge Σ = 0: the central flow is the stable flow.
	c2, _ := NewCentral(p, 1, []float64{0, 0.5}, &CentralSettings{Eigs: 1})
	st, err = c2.Step()
	if err != nil {
		t.Fatal(err)
	}
	if st.Sigma[0] != 0 || math.Abs(c2.W[1]-(0.5+toyC)) > 1e-15 {
		t.Errorf("below the edge: σ² = %v, y = %v (want 0, %v)", st.Sigma[0], c2.W[1], 0.5+toyC)
	}
}

// TestRunSmallNetwork checks Run's bookkeeping on a small network against
// independent computations: GD's losses against modified.GD, λ₀ at the
// start against the dense Hessian's largest eigenvalue (gonum), gd_avg
// against the moving average of those losses, zero flow distances at
// step 0, and sample counts.
func TestRunSmallNetwork(t *testing.T) {
	p := smallNetwork(t)
	const steps, eta = 24, 0.3
	res, err := Run(context.Background(), Config{Problem: p, LR: eta, Steps: steps, Models: []string{"gf", "central", "igr"},
		Sample: 4, Every: 6, K: 2, AvgHalfWidth: 3, Central: CentralSettings{Eigs: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sharpness) != steps/4+1 || len(res.Loss) != steps/4+1 {
		t.Fatalf("%d sharpness and %d loss samples, want %d", len(res.Sharpness), len(res.Loss), steps/4+1)
	}
	gd, err := modified.GD(p, p.Start(), eta, steps, nil)
	if err != nil {
		t.Fatal(err)
	}
	losses := make([]float64, steps+1)
	for i, th := range gd.Iterates {
		losses[i] = p.Real.Func(th)
	}
	for _, l := range res.Loss {
		if l.GD != losses[l.Step] {
			t.Errorf("step %d: loss %v, modified.GD gives %v", l.Step, l.GD, losses[l.Step])
		}
		lo, hi := max(0, l.Step-3), min(steps, l.Step+3)
		var s float64
		for i := lo; i <= hi; i++ {
			s += losses[i]
		}
		if avg := s / float64(hi-lo+1); math.Abs(avg-l.GDAvg) > 1e-15*avg {
			t.Errorf("step %d: gd_avg %v, want %v", l.Step, l.GDAvg, avg)
		}
		if math.IsNaN(l.CentralPred) {
			t.Errorf("step %d: no central prediction", l.Step)
		}
	}
	h := make([]float64, p.Dim*p.Dim)
	p.Real.Hess(h, p.X0)
	var e mat.EigenSym
	if !e.Factorize(mat.NewSymDense(p.Dim, h), false) {
		t.Fatal("eigen")
	}
	vals := e.Values(nil)
	// Lanczos at tolerance 1e-8 on the Ritz residual: the eigenvalue is
	// good to ~1e-12 relative (residual²/gap).
	if lmax := vals[len(vals)-1]; math.Abs(res.Sharpness[0].Value-lmax) > 1e-8*lmax {
		t.Errorf("λ₀ = %v, dense %v", res.Sharpness[0].Value, lmax)
	}
	for _, m := range res.Models[:2] {
		if m.Distance[0].Value != 0 {
			t.Errorf("%s: distance at step 0 = %v", m.Name, m.Distance[0].Value)
		}
	}
	if igr := res.Models[2]; len(igr.Distance) != 4 || igr.Kind != "predictor" || igr.Failures != 0 {
		t.Errorf("igr: %+v", igr)
	}
}

func TestRunInputErrors(t *testing.T) {
	p := toyProblem(t, []float64{0.1, 1.8})
	for _, c := range []Config{
		{Problem: nil, LR: 1, Steps: 10},
		{Problem: p, LR: 0, Steps: 10},
		{Problem: p, LR: math.Inf(1), Steps: 10},
		{Problem: p, LR: 1, Steps: 1},
		{Problem: p, LR: 1, Steps: 10, Models: []string{"nope"}},
		{Problem: p, LR: 1, Steps: 10, K: 11},
		{Problem: p, LR: 1, Steps: 10, Start: []float64{1}},
	} {
		if _, err := Run(context.Background(), c); !errors.Is(err, ErrInvalidInput) || !errors.Is(err, modified.ErrInvalidInput) {
			t.Errorf("%+v: err = %v", c, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res, err := Run(ctx, Config{Problem: p, LR: 1, Steps: 10}); !errors.Is(err, context.Canceled) || res == nil {
		t.Errorf("cancelled: res %v err %v", res, err)
	}
}

// TestPredictorsQuadratic: on a quadratic the principal flow is GD
// exactly at every t = nh (Rosca et al.), also for hλ > 1, so its k-step
// prediction error is at the ODE tolerance while gradient flow's is not.
func TestPredictorsQuadratic(t *testing.T) {
	p, err := problems.ByName("quadratic:d=6,seed=3,min=0.5,max=3")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Problem: p, LR: 0.6, Steps: 20, Models: []string{"pf", "ngf"}, K: 3, Every: 5, RTol: 1e-10})
	if err != nil {
		t.Fatal(err)
	}
	pf, ngf := res.Models[0], res.Models[1]
	if len(pf.Distance) != 4 || pf.Failures != 0 {
		t.Fatalf("pf: %+v", pf)
	}
	for i, d := range pf.Distance {
		// ‖θ‖ = O(1): DOP853 at rtol 1e-10 over 3 steps is good to ~1e-9.
		if d.Value > 1e-8 {
			t.Errorf("pf from step %d: distance %v", d.Step, d.Value)
		}
		if !(ngf.Distance[i].Value > 1e-3) {
			t.Errorf("ngf from step %d: distance %v, expected a visible error", d.Step, ngf.Distance[i].Value)
		}
	}
}
