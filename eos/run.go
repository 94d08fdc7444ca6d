package eos

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pflow-go/pflow/internal/par"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// Config describes a comparison run (see Run). Zero fields take the
// documented defaults.
type Config struct {
	// Problem and LR (η) define gradient descent; Steps is the number of
	// GD steps (≥ 2).
	Problem *problems.Problem
	LR      float64
	Steps   int
	// Start is the initial point (default Problem.X0).
	Start []float64
	// Models lists the models to compare (default gf, central, pf, igr,
	// bea3): "gf" (the stable flow) and "central" are whole-run flows
	// compared with the smoothed GD iterate; every flow name of package
	// modified ("ngf", "igr", "bea3", "pf", …) is a k-step predictor.
	Models []string
	// K is the horizon of the predictors in GD steps (default 5).
	K int
	// Every is the interval in GD steps between predictor starts
	// (default 10).
	Every int
	// Sample is the sampling interval in GD steps of sharpness, losses
	// and the whole-run flows' distances (default 10); the last step is
	// always sampled.
	Sample int
	// Central configures the central flow.
	Central CentralSettings
	// AvgHalfWidth is the half width W of the centred moving average of
	// GD's loss, gd_avg(t) = mean of L(θ_s) for |s − t| ≤ W, truncated at
	// the ends (default 25).
	AvgHalfWidth int
	// RTol is the relative tolerance of the ODE solves of the stable flow
	// and the predictors (default 1e-8; absolute tolerance RTol/100).
	RTol float64
	// MaxSteps is the budget of attempted integrator steps of one
	// predictor solve (default 1000; DOP853, so about 12 evaluations per
	// step). A prediction that exhausts it is a failure (NaN distance):
	// the principal flow at the edge of stability can need far more,
	// which is itself a finding, and the budget keeps a run's time bounded.
	MaxSteps int
	// FlowOptions are passed to modified.New for the predictors (default:
	// for flows named "pf…" the Krylov back-end, otherwise nil). Lower
	// KrylovTol and KrylovMaxIter make the principal flow cheaper.
	FlowOptions *modified.Options
	// Progress, if non-nil, is called after every GD step and every model
	// step with the stage name and the count done out of total, from one
	// goroutine at a time (the models' stages interleave when Workers ≠ 1).
	Progress func(stage string, done, total int)
	// Workers is the number of models run at once after the GD run
	// (default 0: runtime.GOMAXPROCS(0); 1 runs them one after another).
	// The models are independent: each is computed exactly as alone, so
	// the result is the same, bit for bit, for every value, except the
	// elapsed times, which are per model (CentralTime, StableTime and
	// PredictorTime add up the models' own times; HVPTime and D3Time the
	// time inside those products on every goroutine).
	Workers int
}

// Point is one sample of a time series.
type Point struct {
	Step  int
	Value float64
}

// LossPoint is one sample of the losses.
type LossPoint struct {
	Step int
	// GD is L(θ_step); GDAvg its centred moving average (Config.AvgHalfWidth);
	// CentralPred the central flow's predicted time-averaged loss at the
	// same step (NaN when the central flow is not run).
	GD, GDAvg, CentralPred float64
}

// ModelResult is one model's distance to GD.
type ModelResult struct {
	Name string
	// Kind is "flow" (whole run, compared with the smoothed GD iterate
	// (θ_{t−1} + 2θ_t + θ_{t+1})/4) or "predictor" (integrated from θ_t for
	// time K·η, compared with θ_{t+K}).
	Kind string
	// Distance: for a flow ‖w(t) − θ̄_t‖₂ at every sampled t; for a
	// predictor ‖θ̂_{t+K} − θ_{t+K}‖₂ (complex modulus for complex flows)
	// indexed by the start step t. NaN where the model failed.
	Distance []Point
	// MeanAfterOnset is the mean of the finite distances at steps ≥ the
	// onset step (NaN when there is no onset or no finite distance).
	MeanAfterOnset float64
	// MeanBeforeOnset is the same before the onset step (all steps when
	// there is no onset).
	MeanBeforeOnset float64
	// Failures counts the samples where the model failed (non-finite state,
	// solver failure); Err is the first such error.
	Failures int
	Err      error
}

// Result is the outcome of Run.
type Result struct {
	Problem string
	LR      float64
	Steps   int
	// OnsetStep is the first sampled step with λ₀ ≥ 0.95·2/η (−1 if none).
	OnsetStep int
	// Sharpness holds λ₀ = λ_max(∇²L(θ_t)) of GD at the sampled steps.
	Sharpness []Point
	// CentralSharpness holds the central flow's λ₀ at the sampled steps
	// (empty when the central flow is not run).
	CentralSharpness []Point
	Loss             []LossPoint
	Models           []ModelResult
	// HVPs counts Hessian-vector products (sharpness and central flow
	// eigenpairs); D3 the central flow's third-derivative contractions.
	HVPs, D3 int
	// Elapsed times: GD with sharpness, central flow, stable flow,
	// predictors; HVPTime is the time spent inside Hessian-vector
	// products and D3Time inside D³ contractions (all stages).
	GDTime, CentralTime, StableTime, PredictorTime, HVPTime, D3Time time.Duration
}

// DefaultModels is the default model list of Run.
var DefaultModels = []string{"gf", "central", "pf", "igr", "bea3"}

// Run runs gradient descent on cfg.Problem and compares it with the
// chosen continuous models (see Config and ModelResult): the stable flow
// and the central flow (Central) over the whole run, and the local flows
// of package modified as K-step predictors from GD's iterates. On
// cancellation of ctx or a failure of GD it returns what was computed with
// the error; a model's own failures are recorded in its ModelResult.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	p := cfg.Problem
	if p == nil {
		return nil, fmt.Errorf("%w: nil problem", ErrInvalidInput)
	}
	eta := cfg.LR
	if !(eta > 0) || math.IsInf(eta, 0) {
		return nil, fmt.Errorf("%w: learning rate %v must be positive and finite", ErrInvalidInput, eta)
	}
	if cfg.Steps < 2 {
		return nil, fmt.Errorf("%w: steps = %d, need ≥ 2", ErrInvalidInput, cfg.Steps)
	}
	models := cfg.Models
	if len(models) == 0 {
		models = DefaultModels
	}
	k, every, sample, hw, rtol := cfg.K, cfg.Every, cfg.Sample, cfg.AvgHalfWidth, cfg.RTol
	if sample == 0 {
		sample = 10
	}
	if k == 0 {
		k = 5
	}
	if every == 0 {
		every = 10
	}
	if hw == 0 {
		hw = 25
	}
	if rtol == 0 {
		rtol = 1e-8
	}
	maxSteps := cfg.MaxSteps
	if maxSteps == 0 {
		maxSteps = 1000
	}
	if k < 1 || every < 1 || sample < 1 || hw < 0 || !(rtol > 0) || maxSteps < 1 {
		return nil, fmt.Errorf("%w: k = %d, every = %d, sample = %d, avg half width = %d, rtol = %v", ErrInvalidInput, k, every, sample, hw, rtol)
	}
	known := modified.Names()
	for _, m := range models {
		if m == "gf" || m == "central" {
			continue
		}
		if k > cfg.Steps {
			return nil, fmt.Errorf("%w: predictor horizon k = %d exceeds the %d steps", ErrInvalidInput, k, cfg.Steps)
		}
		if _, err := modified.Describe(m); err != nil {
			return nil, fmt.Errorf("%w: model %q (valid: gf, central, %s)", ErrInvalidInput, m, strings.Join(known, ", "))
		}
	}
	x0 := cfg.Start
	if x0 == nil {
		x0 = p.X0
	}
	if len(x0) != p.Dim {
		return nil, fmt.Errorf("%w: start has length %d, problem dimension %d", ErrInvalidInput, len(x0), p.Dim)
	}
	prog := func(string, int, int) {}
	if cfg.Progress != nil {
		var mu sync.Mutex
		prog = func(stage string, done, total int) {
			mu.Lock()
			defer mu.Unlock()
			cfg.Progress(stage, done, total)
		}
	}
	// Count and time HVPs and D3 on a copy of the problem (atomically: the
	// models run concurrently).
	var hvpN, d3N, hvpT, d3T atomic.Int64
	q := *p
	hv, d3 := p.Real.HessVec, p.Real.D3
	q.Real.HessVec = func(dst, x, v []float64) {
		t0 := time.Now()
		hv(dst, x, v)
		hvpT.Add(int64(time.Since(t0)))
		hvpN.Add(1)
	}
	if d3 != nil {
		q.Real.D3 = func(dst, x, u, v []float64) {
			t0 := time.Now()
			d3(dst, x, u, v)
			d3T.Add(int64(time.Since(t0)))
			d3N.Add(1)
		}
	}
	pq := &q
	res := &Result{Problem: p.Name, LR: eta, Steps: cfg.Steps, OnsetStep: -1}
	defer func() {
		res.HVPs, res.D3 = int(hvpN.Load()), int(d3N.Load())
		res.HVPTime, res.D3Time = time.Duration(hvpT.Load()), time.Duration(d3T.Load())
	}()
	n := cfg.Steps
	sampled := func(t int) bool { return t%sample == 0 || t == n }

	// Gradient descent with sharpness.
	t0 := time.Now()
	theta := make([][]float64, n+1)
	theta[0] = append([]float64(nil), x0...)
	loss := make([]float64, n+1)
	g := make([]float64, p.Dim)
	sharp := newTopEig(&pq.Real, p.Dim, 1, 1e-8, cfg.Central.Seed)
	edge := 2 / eta
	for t := 0; ; t++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		loss[t] = p.Real.Func(theta[t])
		if math.IsNaN(loss[t]) || math.IsInf(loss[t], 0) {
			return res, fmt.Errorf("%w: GD loss at step %d (diverged?)", ErrNonFinite, t)
		}
		if sampled(t) {
			lam, _, err := sharp.at(theta[t])
			if err != nil {
				return res, fmt.Errorf("GD sharpness at step %d: %w", t, err)
			}
			res.Sharpness = append(res.Sharpness, Point{t, lam[0]})
			if res.OnsetStep < 0 && lam[0] >= 0.95*edge {
				res.OnsetStep = t
			}
		}
		if t == n {
			break
		}
		p.Real.Grad(g, theta[t])
		next := make([]float64, p.Dim)
		for i := range next {
			next[i] = theta[t][i] - eta*g[i]
		}
		theta[t+1] = next
		prog("gd", t+1, n)
	}
	res.GDTime = time.Since(t0)
	smooth := func(t int) []float64 {
		if t == 0 || t == n {
			return theta[t]
		}
		s := make([]float64, p.Dim)
		for i := range s {
			s[i] = (theta[t-1][i] + 2*theta[t][i] + theta[t+1][i]) / 4
		}
		return s
	}
	pred := make([]float64, n+1)
	for i := range pred {
		pred[i] = math.NaN()
	}
	// The models are independent runs from the GD iterates: Workers of
	// them at once. Each writes only its own modelRun (the central flow
	// its own predictions and sharpness, merged below in model order), so
	// the result is the loop's. The jobs watch ctx themselves, as the loop
	// did (par's context is not used): a model that stops on ctx ends the
	// list, with its partial result, and the models after it are dropped.
	runModel := func(name string) (modelRun, error) {
		mr := modelRun{ModelResult: ModelResult{Name: name, Kind: "predictor"}}
		switch name {
		case "central":
			mr.Kind = "flow"
			mr.pred = make([]float64, n+1)
			for i := range mr.pred {
				mr.pred[i] = math.NaN()
			}
			cres := &Result{}
			err := runCentral(ctx, pq, eta, n, x0, cfg.Central, sampled, smooth, mr.pred, cres, &mr.ModelResult, prog)
			mr.centralSharpness = cres.CentralSharpness
			if ctx.Err() != nil {
				return mr, ctx.Err()
			}
			if err != nil && mr.Err == nil {
				mr.Err = err
			}
		case "gf":
			mr.Kind = "flow"
			runStable(pq, eta, n, x0, rtol, 1000000, sampled, smooth, &mr.ModelResult)
		default:
			if err := runPredictor(ctx, pq, name, eta, n, k, every, rtol, maxSteps, cfg.FlowOptions, theta, &mr.ModelResult, prog, cfg.Workers); err != nil {
				return mr, err
			}
		}
		return mr, nil
	}
	runs, k, err := par.Map(context.Background(), len(models), cfg.Workers, func(_ context.Context, i int) (modelRun, error) {
		start := time.Now()
		mr, err := runModel(models[i])
		mr.elapsed = time.Since(start)
		return mr, err
	}, nil)
	last := len(models)
	if err != nil {
		last = k + 1
	}
	for i, mr := range runs[:last] {
		switch mr.Name {
		case "central":
			res.CentralTime = mr.elapsed
			copy(pred, mr.pred)
			res.CentralSharpness = append(res.CentralSharpness, mr.centralSharpness...)
		case "gf":
			res.StableTime = mr.elapsed
		default:
			if err == nil || i != k { // as the loop: not the predictor that stopped
				res.PredictorTime += mr.elapsed
			}
		}
		res.Models = append(res.Models, mr.ModelResult)
	}
	if err != nil {
		return res, err
	}
	for t := 0; t <= n; t++ {
		if !sampled(t) {
			continue
		}
		lo, hi := max(0, t-hw), min(n, t+hw)
		var s float64
		for i := lo; i <= hi; i++ {
			s += loss[i]
		}
		res.Loss = append(res.Loss, LossPoint{Step: t, GD: loss[t], GDAvg: s / float64(hi-lo+1), CentralPred: pred[t]})
	}
	for i := range res.Models {
		m := &res.Models[i]
		m.MeanAfterOnset, m.MeanBeforeOnset = meanSplit(m.Distance, res.OnsetStep)
	}
	return res, nil
}

// modelRun is one model's result with what Run merges in model order.
type modelRun struct {
	ModelResult
	elapsed          time.Duration
	pred             []float64 // the central flow's predicted loss
	centralSharpness []Point
}

func meanSplit(d []Point, onset int) (after, before float64) {
	var sa, sb float64
	var na, nb int
	for _, p := range d {
		if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
			continue
		}
		if onset >= 0 && p.Step >= onset {
			sa += p.Value
			na++
		} else {
			sb += p.Value
			nb++
		}
	}
	after, before = math.NaN(), math.NaN()
	if na > 0 {
		after = sa / float64(na)
	}
	if nb > 0 {
		before = sb / float64(nb)
	}
	return after, before
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}

func runCentral(ctx context.Context, p *problems.Problem, eta float64, n int, x0 []float64, cs CentralSettings,
	sampled func(int) bool, smooth func(int) []float64, pred []float64, res *Result, mr *ModelResult, prog func(string, int, int)) error {
	cf, err := NewCentral(p, eta, x0, &cs)
	if err != nil {
		return err
	}
	for t := 0; t <= n; t++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if sampled(t) {
			mr.Distance = append(mr.Distance, Point{t, dist(cf.W, smooth(t))})
		}
		if t == n {
			st, err := cf.Predict()
			if err == nil {
				pred[t] = st.Pred
				res.CentralSharpness = append(res.CentralSharpness, Point{t, st.Eigs[0]})
			}
			break
		}
		st, err := cf.Step()
		if err != nil {
			mr.Failures++
			mr.Err = fmt.Errorf("central flow at step %d: %w", t, err)
			return mr.Err
		}
		pred[t] = st.Pred
		if sampled(t) {
			res.CentralSharpness = append(res.CentralSharpness, Point{t, st.Eigs[0]})
		}
		prog("central", t+1, n)
	}
	return nil
}

// runStable integrates the stable flow dw/dt = −η∇L (t in steps), i.e.
// gradient flow θ' = −∇L in flow time t·η, sampled at the sampled steps.
func runStable(p *problems.Problem, eta float64, n int, x0 []float64, rtol float64, maxSteps int,
	sampled func(int) bool, smooth func(int) []float64, mr *ModelResult) {
	fl, err := modified.New[float64]("ngf", p, eta, nil)
	if err != nil {
		mr.Err, mr.Failures = err, 1
		return
	}
	var steps []int
	var teval []float64
	for t := 0; t <= n; t++ {
		if sampled(t) {
			steps = append(steps, t)
			teval = append(teval, float64(t)*eta)
		}
	}
	sol, err := solveFlow(fl, float64(n)*eta, x0, teval, rtol, maxSteps)
	for i, t := range steps {
		v := math.NaN()
		if sol != nil && i < len(sol.Y) {
			v = dist(sol.Y[i], smooth(t))
		} else {
			mr.Failures++
		}
		mr.Distance = append(mr.Distance, Point{t, v})
	}
	if err != nil {
		mr.Err = err
	}
}

// runPredictor integrates the named flow of package modified from θ_t for
// time K·η at every sampled t with t + K ≤ n and records the distance to
// θ_{t+K}. Flows whose name starts with "pf" run in complex128 (their
// state leaves ℝ^D when hλ > 1) with the Krylov back-end; the others in
// float64. The predictions are independent (the flow is Reset before
// each): they run on workers goroutines, each with a flow of its own
// (built once per goroutine that needs one and reused), and are recorded
// in the order of t, the same for every number of workers.
func runPredictor(ctx context.Context, p *problems.Problem, name string, eta float64, n, k, every int, rtol float64, maxSteps int, opts *modified.Options,
	theta [][]float64, mr *ModelResult, prog func(string, int, int), workers int) error {
	cplx := strings.HasPrefix(name, "pf")
	var starts []int
	for t := 0; t+k <= n; t += every {
		starts = append(starts, t)
	}
	var predict func(t int) (float64, error)
	var err error
	if cplx {
		o := modified.Options{Backend: modified.BackendKrylov}
		if opts != nil {
			o = *opts
		}
		predict, err = predictor(func() (*modified.Flow[complex128], error) { return modified.New[complex128](name, p, eta, &o) },
			func(fc *modified.Flow[complex128], t int) (float64, error) {
				target := theta[t+k]
				y0 := linalg.ToComplex(nil, theta[t])
				sol, e := solveFlow(fc, float64(k)*eta, y0, []float64{float64(k) * eta}, rtol, maxSteps)
				v := math.NaN()
				if e == nil && len(sol.Y) == 1 {
					var s float64
					for j, z := range sol.Y[0] {
						d := z - complex(target[j], 0)
						s += real(d)*real(d) + imag(d)*imag(d)
					}
					v = math.Sqrt(s)
				}
				return v, e
			})
	} else {
		predict, err = predictor(func() (*modified.Flow[float64], error) { return modified.New[float64](name, p, eta, opts) },
			func(fr *modified.Flow[float64], t int) (float64, error) {
				sol, e := solveFlow(fr, float64(k)*eta, theta[t], []float64{float64(k) * eta}, rtol, maxSteps)
				v := math.NaN()
				if e == nil && len(sol.Y) == 1 {
					v = dist(sol.Y[0], theta[t+k])
				}
				return v, e
			})
	}
	if err != nil {
		mr.Err = err
		mr.Failures = len(starts)
		for _, t := range starts {
			mr.Distance = append(mr.Distance, Point{t, math.NaN()})
		}
		return nil
	}
	type prediction struct {
		v   float64
		err error
	}
	_, _, err = par.Map(ctx, len(starts), workers, func(_ context.Context, i int) (prediction, error) {
		v, e := predict(starts[i])
		return prediction{v, e}, nil
	}, func(i int, pr prediction) {
		t, v, serr := starts[i], pr.v, pr.err
		if math.IsNaN(v) || math.IsInf(v, 0) {
			mr.Failures++
			if mr.Err == nil {
				if serr == nil {
					serr = fmt.Errorf("%w: prediction", ErrNonFinite)
				}
				mr.Err = fmt.Errorf("%s from step %d: %w", name, t, serr)
			}
		}
		mr.Distance = append(mr.Distance, Point{t, v})
		prog(name, i+1, len(starts))
	})
	return err
}

// predictor returns a function that runs solve on a flow of its own: the
// flows made by mk are kept in a free list, each used by one goroutine at
// a time and Reset before every prediction. The first flow is made now, so
// that an unknown name or bad options fail before any prediction.
func predictor[T linalg.Scalar](mk func() (*modified.Flow[T], error), solve func(*modified.Flow[T], int) (float64, error)) (func(int) (float64, error), error) {
	first, err := mk()
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	free := []*modified.Flow[T]{first}
	return func(t int) (float64, error) {
		mu.Lock()
		var fl *modified.Flow[T]
		if len(free) > 0 {
			fl, free = free[len(free)-1], free[:len(free)-1]
		}
		mu.Unlock()
		if fl == nil {
			var err error
			if fl, err = mk(); err != nil {
				return math.NaN(), err
			}
		}
		defer func() {
			mu.Lock()
			free = append(free, fl)
			mu.Unlock()
		}()
		if fl.Reset != nil {
			fl.Reset()
		}
		return solve(fl, t)
	}, nil
}

// solveFlow is the one place this package calls package ode: it
// integrates fl from time 0 to t1 with DOP853 (Hairer, Nørsett, Wanner
// I §II.10) at relative tolerance rtol (absolute rtol/100), recording at
// teval, with a budget of maxSteps attempted steps.
func solveFlow[T linalg.Scalar](fl *modified.Flow[T], t1 float64, y0 []T, teval []float64, rtol float64, maxSteps int) (*ode.Solution[T], error) {
	s := &ode.Settings[T]{RTol: rtol, ATol: rtol / 100, TEval: teval, MaxSteps: maxSteps}
	return fl.Solve(context.Background(), t1, y0, ode.DOP853, s)
}
