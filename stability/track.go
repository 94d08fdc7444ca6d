package stability

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// trackChunk is the number of GD steps Track runs per call of modified.GD
// (which keeps the iterates of a call).
const trackChunk = 256

// TrackSettings configures Track. The zero value (and a nil pointer) means
// the documented defaults, except Steps, which must be positive.
type TrackSettings struct {
	// Steps is the number of GD steps.
	Steps int
	// Every is the sampling period k: the Hessian is analysed at steps
	// 0, k, 2k, … and at the last step (default 1).
	Every int
	// Top is the number of largest eigenpairs computed at each sample
	// (default 1). Sample.Unstable counts the unstable ones among them.
	Top int
	// DenseMax is the dimension above which Lanczos replaces the dense
	// eigendecomposition (default 64); Lanczos is warm-started from the
	// previous sample's top eigenvector.
	DenseMax int
	// KrylovTol is the relative Ritz residual asked of Lanczos (default
	// 1e-8; the eigenvalue error is at most about residual²/gap).
	KrylovTol float64
	// DAL, when non-nil, replaces the constant learning rate by the
	// drift-adjusted rate; the rate passed to Track is DAL's static rate.
	DAL *DAL
	// SpikeRel is the relative loss increase E_{n+1} > (1 + SpikeRel)·E_n
	// counted as a loss spike (default 0.1).
	SpikeRel float64
	// Detect configures the detection of progressive sharpening and of
	// the edge of stability.
	Detect DetectSettings
	// Workers is used by SweepDAL only (Track is one run): the number of
	// runs computed at once (default 0: runtime.GOMAXPROCS(0); 1 runs them
	// one after another). Each run is computed exactly as alone, so the
	// results are the same, bit for bit, for every value.
	Workers int
}

// Sample is the state of a GD run at one analysed step.
type Sample struct {
	// Step is n; Loss E(θ_n); GradNorm ‖g_n‖.
	Step     int
	Loss     float64
	GradNorm float64
	// Rate is the learning rate h_n of the step from θ_n.
	Rate float64
	// Sharpness is λ₀, the largest Hessian eigenvalue, and Ratio = λ₀h_n/2
	// its value in units of the edge 2/h_n.
	Sharpness, Ratio float64
	// GradProj is g_nᵀu₀ (the sign of u₀ is chosen so that successive u₀
	// point the same way).
	GradProj float64
	// Unstable counts the computed eigenvalues above 2/h_n or below 0
	// (a lower bound on the unstable directions unless all are computed).
	Unstable int
	// Values are the computed eigenvalues, descending.
	Values []float64
}

// Trajectory is a tracked GD run.
type Trajectory struct {
	// Problem is the problem's name and H the (static) learning rate.
	Problem string
	H       float64
	// Loss[n] = E(θ_n) for n = 0 … len(Rates); Rates[n] = h_n.
	Loss  []float64
	Rates []float64
	// Curv[n] = ‖Hg_n‖/‖g_n‖, the curvature along the gradient that set
	// the DAL rate of step n (NaN at steps outside the DAL window); nil
	// without DAL. h_n·Curv[n] is the DAL analogue of λ₀h_n, known at every
	// step at no extra cost.
	Curv []float64
	// Samples are the analysed steps.
	Samples []Sample
	// Final is the last iterate (the last finite one after a divergence).
	Final []float64
	// LossIncreases counts steps with E_{n+1} > E_n, Spikes those with
	// E_{n+1} > (1 + SpikeRel)E_n.
	LossIncreases, Spikes int
	// Sharpening and Edge are the detected phases (see Detect).
	Sharpening Sharpening
	Edge       EdgeOfStability
	// Grads and HessVecs count gradient and Hessian-vector evaluations
	// (HessVecs includes the finite-difference gradients of DAL).
	Grads, HessVecs int
}

// Track runs gradient descent θ_{n+1} = θ_n − h_n ∇E(θ_n) from x0 on p
// (h_n = h, or the DAL rate) and records the loss at every step and, every
// Every steps, the top of the Hessian spectrum: sharpness λ₀ against 2/h_n,
// g_nᵀu₀ and the number of unstable directions. Large problems (the MLP)
// use Lanczos on Hessian-vector products, warm-started from the previous
// top eigenvector, so a sample costs a few tens of products. It then
// detects progressive sharpening and the edge of stability (Cohen et al.,
// ICLR 2021) with Detect.
//
// The iterates are those of modified.GD (with DALRule.Rate as its rate rule
// for DAL), bit for bit: Track adds the analysis, not another GD.
//
// If the loss, the gradient or the iterate becomes non-finite, the run so
// far is returned with an error wrapping both ErrDiverged and
// modified.ErrDiverged: Loss then holds the finite losses, Final the last
// finite iterate.
func Track(p *problems.Problem, h float64, x0 []float64, s *TrackSettings) (*Trajectory, error) {
	if err := checkPoint(p, x0); err != nil {
		return nil, err
	}
	if err := checkRate(h); err != nil {
		return nil, err
	}
	var set TrackSettings
	if s != nil {
		set = *s
	}
	if set.Steps <= 0 {
		return nil, fmt.Errorf("%w: Steps = %d must be positive", ErrInvalidInput, set.Steps)
	}
	if set.Every < 0 || set.Top < 0 || set.KrylovTol < 0 || set.SpikeRel < 0 {
		return nil, fmt.Errorf("%w: negative Every, Top, KrylovTol or SpikeRel", ErrInvalidInput)
	}
	if set.Every == 0 {
		set.Every = 1
	}
	if set.Top == 0 {
		set.Top = 1
	}
	set.Top = min(set.Top, p.Dim)
	if set.KrylovTol == 0 {
		set.KrylovTol = 1e-8
	}
	if set.SpikeRel == 0 {
		set.SpikeRel = 0.1
	}
	var rule *DALRule
	if set.DAL != nil {
		var err error
		if rule, err = NewDALRule(p, h, *set.DAL); err != nil {
			return nil, err
		}
	}
	n := p.Dim
	tr := &Trajectory{Problem: p.Name, H: h, Loss: make([]float64, 0, set.Steps+1), Rates: make([]float64, 0, set.Steps)}
	theta := append([]float64(nil), x0...)
	var ws linalg.SymEig
	var hbuf []float64
	if set.DenseMax <= 0 {
		set.DenseMax = defaultDenseMax
	}
	if p.Real.Hess != nil && n <= set.DenseMax {
		hbuf = make([]float64, n*n)
	}
	var u0 []float64 // previous top eigenvector: sign reference
	// Lanczos is warm-started from u0 plus a fixed perturbation (an exact
	// eigenvector as start would make the Krylov space invariant at
	// dimension 1, too small when Top > 1).
	start := make([]float64, n)
	pert := make([]float64, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range pert {
		pert[i] = rng.NormFloat64()
	}
	linalg.Scale(0.1/linalg.Norm2(pert), pert)
	ks := &linalg.KrylovSettings{Tol: set.KrylovTol}
	finish := func(err error) (*Trajectory, error) {
		tr.Final = theta
		if len(tr.Curv) > len(tr.Rates) {
			tr.Curv = tr.Curv[:len(tr.Rates)]
		}
		if rule != nil {
			tr.HessVecs += rule.Evals
		}
		tr.Sharpening, tr.Edge = Detect(tr.Samples, set.Detect)
		return tr, err
	}
	// sample analyses the Hessian at θ_step (gradient g, rate of the step
	// from θ_step) and appends the sample; its Loss is filled in from the
	// GD run's record.
	sample := func(step int, theta, g []float64, rate float64) error {
		if u0 != nil {
			linalg.AxpyTo(start, pert, 1, u0)
			ks.Start = start
		}
		er, err := hessianEig(p, theta, eigSpec{top: set.Top, denseMax: set.DenseMax, krylov: ks}, &ws, hbuf)
		tr.HessVecs += er.matvecs
		if err != nil {
			return fmt.Errorf("stability: step %d: %w", step, err)
		}
		v := er.vectors[0]
		if u0 != nil && linalg.Dot(v, u0) < 0 {
			linalg.Scale(-1, v)
		}
		u0 = v
		sm := Sample{
			Step: step, GradNorm: linalg.Norm2(g), Rate: rate,
			Sharpness: er.values[0], Ratio: er.values[0] * rate / 2,
			GradProj: linalg.Dot(g, v), Values: er.values,
		}
		for _, l := range er.values {
			if l*rate > 2 || l < 0 {
				sm.Unstable++
			}
		}
		tr.Samples = append(tr.Samples, sm)
		return nil
	}
	// The GD run is modified.GD, the toolkit's one gradient descent; its
	// per-step rate rule is also the hook that samples the Hessian every
	// Every steps (it sees θ_k and ∇E(θ_k) before the step). GD keeps its
	// iterates, so it runs in chunks of trackChunk steps, each started from
	// the last iterate of the previous one: memory is O(trackChunk·Dim)
	// whatever Steps is, at the cost of one repeated loss evaluation per
	// chunk. Restarting is exact, so the iterates are those of one run.
	var (
		base    int   // global index of the chunk's first step
		hookErr error // a failed Hessian analysis, which stops GD
	)
	gdSet := &modified.GDSettings[float64]{Rate: func(k int, theta, g []float64) float64 {
		step := base + k
		rate := h
		if rule != nil {
			var curv float64
			rate, curv = rule.Rate(step, theta, g)
			tr.Curv = append(tr.Curv, curv)
		}
		if step%set.Every == 0 {
			if hookErr = sample(step, theta, g, rate); hookErr != nil {
				return math.NaN() // stops GD
			}
		}
		return rate
	}}
	// fillLoss copies the loss into the samples taken since index from.
	fillLoss := func(from int) {
		for i := from; i < len(tr.Samples); i++ {
			if s := tr.Samples[i].Step; s < len(tr.Loss) {
				tr.Samples[i].Loss = tr.Loss[s]
			}
		}
	}
	countSpikes := func() {
		for i := 1; i < len(tr.Loss); i++ {
			prev, e := tr.Loss[i-1], tr.Loss[i]
			if e > prev {
				tr.LossIncreases++
			}
			if e > prev+set.SpikeRel*math.Abs(prev) {
				tr.Spikes++
			}
		}
	}
	for base < set.Steps {
		m := min(trackChunk, set.Steps-base)
		first := len(tr.Samples)
		res, err := modified.GD(p, theta, h, m, gdSet)
		if res != nil {
			skip := 1 // θ_base's loss is already recorded
			if base == 0 {
				skip = 0
			}
			if len(res.Loss) > skip {
				tr.Loss = append(tr.Loss, res.Loss[skip:]...)
			}
			tr.Rates = append(tr.Rates, res.Rates[:min(len(res.Rates), max(0, len(res.Iterates)-1))]...)
			tr.Grads += len(res.GradNorm)
			if len(res.Iterates) > 0 {
				theta = res.Last()
			}
		}
		fillLoss(first)
		if err != nil {
			countSpikes()
			switch {
			case hookErr != nil:
				return finish(hookErr)
			case res == nil: // not reached: the input was checked above
				return finish(fmt.Errorf("stability: %w", err))
			default:
				// modified.ErrDiverged, or a DAL rate that is not positive
				// and finite (‖Hg‖ overflowed). GD's step index counts
				// from the chunk's start.
				return finish(fmt.Errorf("%w at step %d (rate %v; GD run from step %d: %w)", ErrDiverged, base+len(res.Iterates), h, base, err))
			}
		}
		base += m
	}
	// The last iterate: its gradient, rate and sample.
	g := make([]float64, n)
	p.Real.Grad(g, theta)
	tr.Grads++
	countSpikes()
	rate := h
	if rule != nil {
		rate, _ = rule.Rate(set.Steps, theta, g)
	}
	first := len(tr.Samples)
	if err := sample(set.Steps, theta, g, rate); err != nil {
		return finish(err)
	}
	fillLoss(first)
	return finish(nil)
}
