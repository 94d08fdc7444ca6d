package stability

import (
	"context"
	"fmt"
	"math"

	"github.com/pflow-go/pflow/internal/par"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// Outcome is what gradient descent does at one learning rate (see Sweep).
// The strings are part of the command-line and JSON contract.
type Outcome string

// The outcomes of Sweep.
const (
	// OutcomeConverge: the iterates settle on a fixed point (a stationary
	// point of E) where every hλ ≤ 1, so no component flips sign.
	OutcomeConverge Outcome = "converge"
	// OutcomeOscillateConverge: the iterates settle on a fixed point where
	// some hλ ∈ (1, 2]: GD flips the sign of that component every step
	// (1 − hλ < 0) while converging.
	OutcomeOscillateConverge Outcome = "oscillate-converge"
	// OutcomePeriodic: the iterates settle on a cycle of period ≥ 2.
	OutcomePeriodic Outcome = "periodic"
	// OutcomeChaotic: no cycle of period ≤ MaxPeriod and a positive
	// largest Lyapunov exponent.
	OutcomeChaotic Outcome = "chaotic"
	// OutcomeDiverge: the loss or the iterate became non-finite, or
	// ‖θ‖ left the bound.
	OutcomeDiverge Outcome = "diverge"
)

// SweepSettings configures Sweep; the zero value (and nil) means the
// documented defaults.
type SweepSettings struct {
	// Tail is the number of final iterates examined for a period and for
	// the Lyapunov exponent (default min(256, steps/4), at least 1).
	Tail int
	// MaxPeriod is the longest cycle looked for (default 64).
	MaxPeriod int
	// PeriodTol is the relative tolerance of the period test
	// ‖θ_{n+p} − θ_n‖ ≤ PeriodTol·(1 + ‖θ_n‖) over the whole tail
	// (default 1e-9).
	PeriodTol float64
	// Bound: the run diverges when ‖θ‖ > Bound·(1 + ‖θ₀‖) (default 1e6).
	Bound float64
	// Workers is the number of learning rates run at once (default 0:
	// runtime.GOMAXPROCS(0); 1 runs them one after another). The rates
	// are independent runs and each is computed exactly as alone, so the
	// result is the same, bit for bit, for every value. The problem's
	// functions are called from Workers goroutines at once: those of
	// package problems are safe for concurrent use; a Problem with
	// functions of your own that are not must be swept with Workers = 1.
	Workers int
}

func (s *SweepSettings) defaults(steps int) SweepSettings {
	var d SweepSettings
	if s != nil {
		d = *s
	}
	if d.Tail <= 0 {
		d.Tail = min(256, steps/4)
	}
	d.Tail = max(1, min(d.Tail, steps))
	if d.MaxPeriod <= 0 {
		d.MaxPeriod = 64
	}
	if d.PeriodTol <= 0 {
		d.PeriodTol = 1e-9
	}
	if d.Bound <= 0 {
		d.Bound = 1e6
	}
	return d
}

// RateOutcome is GD's behaviour at one learning rate, with the evidence
// and the linear analysis at the point GD approaches.
type RateOutcome struct {
	// H is the learning rate and Outcome what GD did.
	H       float64
	Outcome Outcome
	// Period is the cycle length: 1 for the converging outcomes, ≥ 2 for
	// periodic, 0 for chaotic and diverge.
	Period int
	// Settled is false when the tail neither passed the period test with
	// PeriodTol nor had a positive Lyapunov exponent: the outcome then
	// comes from the looser checks described at Sweep.
	Settled bool
	// Final is the last iterate (the last finite one for diverge) and
	// Cycle the last Period iterates of a periodic run.
	Final []float64
	Cycle [][]float64
	// DivergedAt is the step at which a diverging run left the bound or
	// became non-finite (0 otherwise).
	DivergedAt int
	// Stationary is the stationary point GD approaches (see Sweep), nil
	// when none was found, and Distance = ‖Final − Stationary‖₂ (NaN when
	// none was found or the run diverged).
	Stationary []float64
	Distance   float64
	// Lyapunov is the largest Lyapunov exponent over the tail, (1/T)Σ
	// log‖(I − hH(θ_n))v_n‖ with v_n renormalised each step (Ott, Chaos
	// in Dynamical Systems, 2nd ed., §4.4): negative on attracting fixed
	// points and cycles, positive on chaos; +Inf for diverge.
	Lyapunov float64
	// LambdaMax is the largest Hessian eigenvalue at Stationary (at Final
	// when Stationary is nil), HLambdaMax = H·LambdaMax, Regime its regime
	// and Edge = 2/LambdaMax the learning rate at which that point stops
	// attracting GD (+Inf when LambdaMax ≤ 0).
	LambdaMax, HLambdaMax, Edge float64
	Regime                      Regime
	// LambdaMin is the smallest analysed Hessian eigenvalue there
	// (negative at saddles and maxima).
	LambdaMin float64
	// Evidence says in one sentence what the classification rests on.
	Evidence string
}

// SweepResult is the outcome of Sweep.
type SweepResult struct {
	Problem string
	X0      []float64
	Steps   int
	Rates   []RateOutcome
}

// LinRates returns n learning rates from a to b inclusive, evenly spaced
// (n = 1 gives a).
func LinRates(a, b float64, n int) []float64 {
	if n < 1 {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = a
		if n > 1 {
			out[i] = a + float64(i)/float64(n-1)*(b-a)
		}
	}
	if n > 1 {
		out[n-1] = b
	}
	return out
}

// Sweep runs steps iterations of gradient descent θ ← θ − h∇E(θ) from x0
// for each learning rate h in rates and classifies what GD does:
//
//   - diverge: the loss or gradient becomes non-finite or ‖θ‖ exceeds
//     Bound·(1 + ‖θ₀‖);
//   - otherwise the last Tail iterates are tested for a period p ≤
//     MaxPeriod (‖θ_{n+p} − θ_n‖ ≤ PeriodTol·(1 + ‖θ_n‖) throughout). p = 1
//     is a fixed point, a stationary point of E: "oscillate-converge" when
//     its largest hλ exceeds 1 (some component flips sign each step),
//     else "converge". p ≥ 2 is "periodic";
//   - no period: "chaotic" when the largest Lyapunov exponent over the
//     tail is positive. Otherwise the run has not settled within steps
//     (Settled = false): it is a converging one when the steps shrink
//     towards a point with hλ_max ≤ 2 and no negative curvature; else the
//     period test is repeated with tolerance 1e-5; else "diverge" when ‖θ‖
//     grows at every step of the tail (an unbounded descent, as on a
//     linear loss), "chaotic" otherwise.
//
// The stationary point GD approaches is found by Newton's method on ∇E = 0
// (pseudo-inverse of the dense Hessian, eigenvalues below 1e-12·‖H‖
// dropped) from the final iterate, from the centroid of a cycle and, for a
// diverging run, from x0; the known stationary points of the problem are
// candidates too, and the one nearest the final iterate (x0 for diverge)
// is kept. Problems without a dense Hessian use the known points only.
// There Analyze gives λ_max, hλ_max and its regime: the linear analysis
// that says where 2/h crosses the sharpness. The whole run costs steps
// gradients per rate, Tail Hessian-vector products and a few dense
// Hessians. ctx is checked before each rate and every 1024 steps. s may
// be nil.
//
// The rates run on s.Workers goroutines (default GOMAXPROCS); the outcomes
// come in the order of rates, and when a rate fails (ctx ended, or an
// analysis failed) the result holds the rates before it and the error is
// that rate's, as when they run one after another.
func Sweep(ctx context.Context, p *problems.Problem, x0, rates []float64, steps int, s *SweepSettings) (*SweepResult, error) {
	if err := checkPoint(p, x0); err != nil {
		return nil, err
	}
	if steps < 1 {
		return nil, fmt.Errorf("%w: steps = %d, want ≥ 1", ErrInvalidInput, steps)
	}
	if len(rates) == 0 {
		return nil, fmt.Errorf("%w: no learning rates", ErrInvalidInput)
	}
	for _, h := range rates {
		if err := checkRate(h); err != nil {
			return nil, err
		}
	}
	set := s.defaults(steps)
	res := &SweepResult{Problem: p.Name, X0: append([]float64(nil), x0...), Steps: steps}
	out, k, err := par.Map(ctx, len(rates), set.Workers, func(ctx context.Context, i int) (RateOutcome, error) {
		return sweepOne(ctx, p, x0, rates[i], steps, set)
	}, nil)
	if err != nil {
		res.Rates = out[:k]
		return res, err
	}
	res.Rates = out
	return res, nil
}

func sweepOne(ctx context.Context, p *problems.Problem, x0 []float64, h float64, steps int, set SweepSettings) (RateOutcome, error) {
	n := p.Dim
	r := RateOutcome{H: h, Distance: math.NaN()}
	bound := set.Bound * (1 + linalg.Norm2(x0))
	// The working vectors take at least a cache line each: with several
	// workers, the tiny vectors of low-dimensional problems would
	// otherwise share lines with another worker's (false sharing).
	x, g, prev := lineVec(n), lineVec(n), lineVec(n)
	copy(x, x0)
	copy(prev, x)
	tail := make([][]float64, 0, set.Tail+1)
	first := steps - set.Tail // iterates first…steps are kept
	for k := 0; ; k++ {
		if k >= first {
			tail = append(tail, append([]float64(nil), x...))
		}
		if k == steps {
			break
		}
		if k%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return r, err
			}
		}
		p.Real.Grad(g, x)
		copy(prev, x)
		linalg.Axpy(x, -h, g)
		if !linalg.AllFinite(g) || !linalg.AllFinite(x) || linalg.Norm2(x) > bound || !isFinite(p.Real.Func(x)) {
			r.Outcome, r.DivergedAt, r.Lyapunov = OutcomeDiverge, k+1, math.Inf(1)
			r.Final = prev
			r.Evidence = fmt.Sprintf("at step %d the iterate left ‖θ‖ ≤ %.3g or the loss or gradient became non-finite", k+1, bound)
			r.Settled = true
			if err := linearAt(p, h, x0, x0, &r); err != nil {
				return r, err
			}
			r.Distance = math.NaN()
			return r, nil
		}
	}
	r.Final = tail[len(tail)-1]
	r.Lyapunov = tailLyapunov(p, h, tail)
	per := detectPeriodVec(tail, set.MaxPeriod, set.PeriodTol)
	r.Settled = per > 0
	switch {
	case per >= 2:
		r.Outcome, r.Period = OutcomePeriodic, per
		r.Cycle = tail[len(tail)-per:]
		r.Evidence = fmt.Sprintf("the last %d iterates repeat with period %d to %.0e relative", len(tail), per, set.PeriodTol)
	case per == 1:
		r.Period = 1
		r.Evidence = fmt.Sprintf("the last %d iterates agree to %.0e relative", len(tail), set.PeriodTol)
	case r.Lyapunov > 0:
		r.Outcome, r.Settled = OutcomeChaotic, true
		r.Evidence = fmt.Sprintf("no period ≤ %d over the last %d iterates and Lyapunov exponent %.3g > 0", set.MaxPeriod, len(tail), r.Lyapunov)
	}
	start := r.Final
	if r.Cycle != nil {
		start = centroid(r.Cycle)
	}
	if err := linearAt(p, h, start, r.Final, &r); err != nil {
		return r, err
	}
	if !r.Settled && r.Outcome == "" {
		// Not settled and not chaotic: a slow approach. It converges when
		// the steps shrink towards a point that is linearly attracting or
		// marginal (hλ ≤ 2, no negative curvature); otherwise look for a
		// cycle with a looser tolerance.
		const loose = 1e-5
		marginal := r.Stationary != nil && r.HLambdaMax <= 2*(1+1e-9) && r.LambdaMin >= 0
		if q := detectPeriodVec(tail, set.MaxPeriod, loose); shrinking(tail) && marginal || q == 1 {
			r.Period = 1
			r.Evidence = fmt.Sprintf("not settled after %d steps; the steps ‖θ_{n+1} − θ_n‖ shrink towards a point with hλ_max = %.4g ≤ 2", steps, r.HLambdaMax)
		} else if q >= 2 {
			r.Outcome, r.Period = OutcomePeriodic, q
			r.Cycle = tail[len(tail)-q:]
			r.Evidence = fmt.Sprintf("not settled after %d steps; the last %d iterates repeat with period %d to %.0e relative", steps, len(tail), q, loose)
		} else if escaping(tail) {
			r.Outcome, r.Distance = OutcomeDiverge, math.NaN()
			r.Evidence = fmt.Sprintf("not settled after %d steps: ‖θ‖ grows steadily over the last %d iterates (%.3g to %.3g) without reaching the bound", steps, len(tail), linalg.Norm2(tail[0]), linalg.Norm2(r.Final))
		} else {
			r.Outcome = OutcomeChaotic
			r.Evidence = fmt.Sprintf("not settled after %d steps: no period ≤ %d even to %.0e and no convergence (Lyapunov exponent %.3g)", steps, set.MaxPeriod, loose, r.Lyapunov)
		}
	}
	if r.Period == 1 {
		r.Outcome = OutcomeConverge
		if r.HLambdaMax > 1 {
			r.Outcome = OutcomeOscillateConverge
			r.Evidence += fmt.Sprintf("; hλ_max = %.4g > 1 at the limit, so GD flips sign along that direction", r.HLambdaMax)
		}
	}
	return r, nil
}

// linearAt finds the stationary point nearest ref (Newton from start and
// the problem's known points) and fills Stationary, Distance and the
// linear analysis.
func linearAt(p *problems.Problem, h float64, start, ref []float64, r *RateOutcome) error {
	var best []float64
	bestD := math.Inf(1)
	try := func(c []float64) {
		if c == nil {
			return
		}
		if d := dist(c, ref); d < bestD {
			best, bestD = c, d
		}
	}
	try(newtonStationary(p, start))
	if !sameVec(start, ref) {
		try(newtonStationary(p, ref))
	}
	for _, pt := range p.StationaryPoints() {
		try(pt.X)
	}
	at := ref
	if best != nil {
		r.Stationary = append([]float64(nil), best...)
		r.Distance = dist(r.Final, best)
		at = best
	}
	pt, err := Analyze(p, h, at, nil)
	if err != nil {
		return err
	}
	r.LambdaMax = pt.Sharpness
	r.LambdaMin = math.Inf(1)
	for _, d := range pt.Directions {
		r.LambdaMin = math.Min(r.LambdaMin, d.Lambda)
	}
	r.HLambdaMax = h * pt.Sharpness
	r.Regime = ClassifyTol(r.HLambdaMax, 64*0x1p-52*math.Max(1, math.Abs(r.HLambdaMax)))
	r.Edge = math.Inf(1)
	if pt.Sharpness > 0 {
		r.Edge = 2 / pt.Sharpness
	}
	return nil
}

// newtonStationary returns a point with ∇E = 0 found by Newton's method
// from x (pseudo-inverse of the dense Hessian), or nil. It stops when the
// Newton step falls below 1e-12·(1 + ‖x‖) (quadratic convergence makes the
// error then far smaller; at a degenerate stationary point, such as the
// minimum of x⁴, convergence is linear and the error is of the order of
// that step), within 200 iterations. A run whose gradient norm grows
// beyond 1e6 times its value at x has left the neighbourhood of x: it
// returns nil there instead of wandering (on the cfjax:n=16 network, Newton
// from GD's last iterate jumped from ‖∇E‖ ≈ 0.5 to 1e5–1e8 in one or two
// steps and took 15–33 eigendecompositions to land on a point with
// hλ_max ≈ 1e9, far from anything GD visits).
func newtonStationary(p *problems.Problem, x0 []float64) []float64 {
	if p.Real.Hess == nil || p.Dim > 512 {
		return nil
	}
	n := p.Dim
	x := append([]float64(nil), x0...)
	g, hess, u := make([]float64, n), make([]float64, n*n), make([]float64, n)
	var eig linalg.SymEig
	gn0 := 0.0
	for range 200 {
		p.Real.Grad(g, x)
		p.Real.Hess(hess, x)
		if !linalg.AllFinite(g) || !linalg.AllFinite(hess) {
			return nil
		}
		gn := linalg.Norm2(g)
		if gn == 0 {
			return x
		}
		if gn0 == 0 {
			gn0 = gn
		} else if gn > 1e6*gn0 {
			return nil
		}
		if err := eig.Factorize(hess, n); err != nil {
			return nil
		}
		vals := eig.Values()
		hn := 0.0
		for _, l := range vals {
			hn = math.Max(hn, math.Abs(l))
		}
		step, kept := 0.0, 0.0
		for j, l := range vals {
			if math.Abs(l) <= 1e-12*hn {
				continue
			}
			eig.VectorTo(u, j)
			ug := linalg.Dot(u, g)
			c := ug / l
			linalg.Axpy(x, -c, u)
			step += c * c
			kept += ug * ug
		}
		if !linalg.AllFinite(x) {
			return nil
		}
		if math.Sqrt(step) <= 1e-12*(1+linalg.Norm2(x)) {
			// The gradient in the dropped (flat) directions must be
			// negligible: where ∇E has a component outside range(H), as
			// on a linear loss, Newton stalls at no stationary point. The
			// residual √(‖g‖² − Σ(uᵀg)²) carries a cancellation error of
			// about √ε·‖g‖, hence 1e-6.
			if math.Sqrt(math.Max(gn*gn-kept, 0)) <= 1e-6*gn {
				return x
			}
			return nil
		}
	}
	return nil
}

// tailLyapunov is the largest Lyapunov exponent of the GD map along the
// tail: v ← (I − hH(θ_n))v, renormalised, averaging log of the growth.
func tailLyapunov(p *problems.Problem, h float64, tail [][]float64) float64 {
	n := p.Dim
	v, hv := make([]float64, n), make([]float64, n)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(n))
	}
	if len(tail) < 2 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range tail[:len(tail)-1] {
		p.Real.HessVec(hv, x, v)
		for i := range v {
			v[i] -= h * hv[i]
		}
		nv := linalg.Norm2(v)
		if nv == 0 {
			return math.Inf(-1)
		}
		sum += math.Log(nv)
		linalg.Scale(1/nv, v)
	}
	return sum / float64(len(tail)-1)
}

// detectPeriodVec is DetectPeriod for vectors.
func detectPeriodVec(x [][]float64, maxP int, tol float64) int {
	for p := 1; p <= maxP && p < len(x); p++ {
		ok := true
		for k := 0; k+p < len(x); k++ {
			if !(dist(x[k+p], x[k]) <= tol*(1+linalg.Norm2(x[k]))) {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	return 0
}

// shrinking reports whether the step lengths over the second half of the
// tail are smaller than over the first half.
func shrinking(tail [][]float64) bool {
	m := len(tail) / 2
	if m < 2 {
		return false
	}
	a, b := 0.0, 0.0
	for k := 1; k < len(tail); k++ {
		d := dist(tail[k], tail[k-1])
		if k <= m {
			a = math.Max(a, d)
		} else {
			b = math.Max(b, d)
		}
	}
	return b < a
}

// escaping reports whether ‖θ‖ grows at every step of the tail with the
// loss falling: an unbounded descent (a loss without a minimum ahead).
func escaping(tail [][]float64) bool {
	if len(tail) < 3 {
		return false
	}
	for k := 1; k < len(tail); k++ {
		if !(linalg.Norm2(tail[k]) > linalg.Norm2(tail[k-1])) {
			return false
		}
	}
	return true
}

// lineVec returns a zero vector of length n whose allocation spans at
// least a 64-byte cache line.
func lineVec(n int) []float64 { return make([]float64, n, max(n, 8)) }

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func centroid(c [][]float64) []float64 {
	out := make([]float64, len(c[0]))
	for _, x := range c {
		linalg.Axpy(out, 1/float64(len(c)), x)
	}
	return out
}

func dist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}

func sameVec(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
