package stability

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/linalg"
)

// mlpEoS is the MLP set-up of the edge-of-stability proof: a tanh network
// 10 → 20 → 3 (d = 283) fitted by full-batch GD to 128 seeded samples of
// sin(Ax), learning rate 0.6 (edge 2/h = 3.33). Its sharpness starts at
// 2.33 (0.70 of the edge), rises to the edge in about 130 steps, overshoots
// to 1.19·(2/h) with a catapult (loss spike) and then hovers within a few
// per cent of 2/h. Measured with this code; about 3 s.
const (
	mlpEoSSpec  = "mlp:n=128,in=10,hidden=20,out=3,seed=1"
	mlpEoSRate  = 0.6
	mlpEoSSteps = 1000
)

// TestMLPEdgeOfStability is the proof: full-batch GD on the MLP
// shows progressive sharpening, then λ₀ ≈ 2/h within 10%.
func TestMLPEdgeOfStability(t *testing.T) {
	p := mustProblem(t, mlpEoSSpec)
	tr, err := Track(p, mlpEoSRate, p.Start(), &TrackSettings{Steps: mlpEoSSteps, Every: 10})
	if err != nil {
		t.Fatal(err)
	}
	edge := 2 / mlpEoSRate
	sh, eos := tr.Sharpening, tr.Edge
	t.Logf("sharpening %+v", sh)
	t.Logf("edge %+v", eos)
	// Progressive sharpening: λ₀ rises from below 0.75·edge to the edge,
	// increasing at (almost) every sample on the way.
	if !sh.Found || sh.From > 0.75*edge || sh.To < edge || sh.Monotone < 0.9 || sh.End != eos.FirstCross {
		t.Errorf("no progressive sharpening: %+v", sh)
	}
	// Edge of stability: after the first crossing, a run of at least 40
	// samples (400 steps) with |λ₀h/2 − 1| ≤ 0.1, straddling the edge.
	if !eos.Found || eos.End-eos.Start < 400 || eos.MaxDev > 0.1 || eos.Above == 0 || math.Abs(eos.MeanRatio-1) > 0.05 {
		t.Errorf("no edge of stability: %+v", eos)
	}
	last := tr.Samples[len(tr.Samples)-1]
	if math.Abs(last.Sharpness/edge-1) > 0.1 {
		t.Errorf("final sharpness %v, edge %v", last.Sharpness, edge)
	}
	// The loss is non-monotone at the edge (Cohen et al.) but lower at
	// the end than at the start.
	if tr.LossIncreases == 0 || tr.Loss[len(tr.Loss)-1] > 0.01*tr.Loss[0] {
		t.Errorf("loss increases %d, loss %v → %v", tr.LossIncreases, tr.Loss[0], tr.Loss[len(tr.Loss)-1])
	}
	// Independent check of the tracked sharpness: power iteration on
	// the exact Hessian-vector product at the last iterate (the gap
	// λ₀/λ₁ makes 3000 iterations converge far below the 1e-6 asked).
	hv, v := make([]float64, p.Dim), make([]float64, p.Dim)
	for i := range v {
		v[i] = math.Sin(float64(i + 1))
	}
	var lam float64
	for range 3000 {
		linalg.Scale(1/linalg.Norm2(v), v)
		p.Real.HessVec(hv, tr.Final, v)
		lam = linalg.Dot(v, hv)
		copy(v, hv)
	}
	if math.Abs(lam-last.Sharpness) > 1e-6*lam {
		t.Errorf("tracked λ₀ %v, power iteration %v", last.Sharpness, lam)
	}
}

// TestTrackQuadratic: on a quadratic the Hessian is constant, so every
// sample has λ₀ = max λ exactly (up to Lanczos/LAPACK round-off), the loss
// follows the GD closed form, and no sharpening is detected.
func TestTrackQuadratic(t *testing.T) {
	p := mustProblem(t, "quadratic2d")
	tr, err := Track(p, 0.9, p.Start(), &TrackSettings{Steps: 50, Every: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Samples) != 11 || len(tr.Loss) != 51 || len(tr.Rates) != 50 {
		t.Fatalf("lengths %d %d %d", len(tr.Samples), len(tr.Loss), len(tr.Rates))
	}
	for _, s := range tr.Samples {
		if s.Sharpness != 2 || s.Ratio != 0.9 || s.Unstable != 0 {
			t.Errorf("sample %+v", s)
		}
	}
	// E_n = (−0.35)²(1 − 1.8)^{2n} + 0.01(−0.2)²(1 − 0.018)^{2n}.
	n := 50.0
	want := 0.1225*math.Pow(0.8, 2*n) + 0.0004*math.Pow(0.982, 2*n)
	if math.Abs(tr.Loss[50]-want) > 1e-14*want {
		t.Errorf("loss %v want %v", tr.Loss[50], want)
	}
	if tr.Sharpening.Found || tr.Edge.Found || tr.Edge.FirstCross != -1 {
		t.Errorf("spurious detection %+v %+v", tr.Sharpening, tr.Edge)
	}
	// Divergence at h = 1.05 is reported with the partial run.
	tr, err = Track(p, 1.05, p.Start(), &TrackSettings{Steps: 20000, Every: 1000})
	if !errors.Is(err, ErrDiverged) || tr == nil || len(tr.Loss) < 2 || tr.Samples[0].Unstable != 1 {
		t.Errorf("divergence: %v", err)
	}
	if _, err := Track(p, 0.9, p.Start(), nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Steps = 0: %v", err)
	}
}

// TestDetectSynthetic checks Detect on a hand-made sharpness series.
func TestDetectSynthetic(t *testing.T) {
	var s []Sample
	for i := range 40 {
		r := 0.5 + 0.025*float64(i) // rises to 1 at i = 20
		if i > 20 {
			r = 1 + 0.02*math.Sin(float64(i)) // hovers
		}
		s = append(s, Sample{Step: 10 * i, Sharpness: 2 * r, Ratio: r, Rate: 1})
	}
	sh, eos := Detect(s, DetectSettings{})
	if !sh.Found || sh.Start != 0 || sh.End != 200 || sh.Monotone != 1 {
		t.Errorf("sharpening %+v", sh)
	}
	if !eos.Found || eos.FirstCross != 200 || eos.Start != 200 || eos.End != 390 || eos.MaxDev > 0.021 {
		t.Errorf("edge %+v", eos)
	}
}
