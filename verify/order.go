package verify

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// Order is an observed order of convergence: the least-squares slope of
// log Err against log H.
type Order struct {
	// H is the ladder of learning rates, H[k] = h0/2^k.
	H []float64
	// Err is the error at each rung: the one-step distance
	// ‖θ_flow(h) − θ_1‖₂ for LocalOrder, the distance at the fixed time T
	// for GlobalOrder.
	Err []float64
	// IntegratorErr is the integrator's estimated share of Err[k] (see
	// Result.IntegratorError).
	IntegratorErr []float64
	// Slope is the least-squares slope of log Err against log H
	// (gonum stat.LinearRegression) and Intercept its intercept.
	Slope, Intercept float64
	// StdErr is the standard error of Slope from the regression residuals
	// (zero when the points are exactly on a line).
	StdErr float64
	// Local holds the slopes between successive rungs,
	// log2(Err[k]/Err[k+1]).
	Local []float64
	// Spread is max_k |Local[k] − Slope|: how far the pairwise slopes stray
	// from the fit (a curved log-log plot has a large Spread even when
	// StdErr is small).
	Spread float64
}

const (
	eps = 0x1p-52
	// roundoffUlps·eps·‖θ‖ is the level below which a distance is
	// round-off, not a truncation error.
	roundoffUlps = 64
	// An error must exceed noiseFactor times the integrator's estimated
	// error to enter a fit.
	noiseFactor = 10
)

// MinHalvings is the least number of halvings of h the order estimators
// accept (five rungs).
const MinHalvings = 4

func checkLadder(h0 float64, halvings int) error {
	if math.IsNaN(h0) || math.IsInf(h0, 0) || h0 <= 0 {
		return fmt.Errorf("%w: initial learning rate %v must be positive and finite", ErrInvalidInput, h0)
	}
	if halvings < MinHalvings || halvings > 40 {
		return fmt.Errorf("%w: %d halvings, want %d to 40", ErrInvalidInput, halvings, MinHalvings)
	}
	return nil
}

// LocalOrder measures the one-step error of a flow: for h = h0, h0/2, …,
// h0/2^halvings it compares θ_flow(h) with the first GD iterate θ_1 from
// x0 (nil: p.X0) and fits the slope of log error against log h. A flow
// whose local error is O(h^{p+1}) has Slope ≈ p+1 (NGF 2, IGR 3, BEA3 4,
// PF 3, PF with the non-principal term 4; docs/theory.md).
//
// A rung whose error is at the round-off level (64·eps·‖θ_1‖) or below
// ten times the integrator's estimated error (a flow exact on the
// problem, or tolerances too loose for the ladder) leaves no order to
// measure: LocalOrder then returns the Order so far with an error
// wrapping ErrInvalidInput.
func LocalOrder(p *problems.Problem, flow string, h0 float64, halvings int, x0 []float64, s *Settings) (*Order, error) {
	return localOrder(context.Background(), p, flow, h0, halvings, x0, s)
}

func localOrder(ctx context.Context, p *problems.Problem, flow string, h0 float64, halvings int, x0 []float64, s *Settings) (*Order, error) {
	if err := checkLadder(h0, halvings); err != nil {
		return nil, err
	}
	return ladder(ctx, p, flow, h0, halvings, func(h float64) (int, error) { return 1, nil }, x0, s)
}

// GlobalOrder measures the error at a fixed time T: for h = h0/2^k,
// k = 0..halvings, it runs n = T/h GD steps (T/h0 must be a whole number,
// so that every rung ends at T) and records ‖θ_flow(T) − θ_n‖₂. A flow with
// local order p+1 has global order p (NGF 1, IGR 2, BEA3 3, PF 2, PF with
// the non-principal term 3), as long as the error does not grow
// exponentially along the way (Hairer, Nørsett, Wanner I, Thm. II.3.6).
func GlobalOrder(p *problems.Problem, flow string, T, h0 float64, halvings int, x0 []float64, s *Settings) (*Order, error) {
	return globalOrder(context.Background(), p, flow, T, h0, halvings, x0, s)
}

func globalOrder(ctx context.Context, p *problems.Problem, flow string, T, h0 float64, halvings int, x0 []float64, s *Settings) (*Order, error) {
	if err := checkLadder(h0, halvings); err != nil {
		return nil, err
	}
	q := T / h0
	n0 := math.Round(q)
	if math.IsNaN(q) || n0 < 1 || math.Abs(q-n0) > 1e-9*n0 || n0*math.Exp2(float64(halvings)) > 1e7 {
		return nil, fmt.Errorf("%w: T = %v must be a positive whole multiple of h0 = %v (at most 1e7 steps on the last rung)", ErrInvalidInput, T, h0)
	}
	steps := func(h float64) (int, error) { return int(n0 * h0 / h), nil }
	return ladder(ctx, p, flow, h0, halvings, steps, x0, s)
}

func ladder(ctx context.Context, p *problems.Problem, flow string, h0 float64, halvings int, steps func(h float64) (int, error),
	x0 []float64, s *Settings) (*Order, error) {
	o := &Order{}
	for k := 0; k <= halvings; k++ {
		h := h0 / math.Exp2(float64(k))
		n, _ := steps(h)
		r, err := CompareContext(ctx, p, flow, h, n, x0, s)
		if err != nil {
			return o, err
		}
		if r.IntegratorCheckErr != nil {
			return o, r.IntegratorCheckErr
		}
		e := r.Points[len(r.Points)-1].Error
		o.H = append(o.H, h)
		o.Err = append(o.Err, e)
		o.IntegratorErr = append(o.IntegratorErr, r.IntegratorError)
		last := r.Points[len(r.Points)-1]
		floor := math.Max(roundoffUlps*eps*linalg.Norm2(last.GD), noiseFactor*r.IntegratorError)
		if !(e > floor) || math.IsInf(e, 0) {
			return o, fmt.Errorf("%w: error %.3g at h = %v is at the round-off or integrator level (%.3g): no order to measure (is the flow exact here?)",
				ErrInvalidInput, e, h, floor)
		}
	}
	o.fit()
	return o, nil
}

// fit computes the regression and the spread.
func (o *Order) fit() {
	m := len(o.H)
	x := make([]float64, m)
	y := make([]float64, m)
	for k := range o.H {
		x[k] = math.Log(o.H[k])
		y[k] = math.Log(o.Err[k])
	}
	o.Intercept, o.Slope = stat.LinearRegression(x, y, nil, false)
	var ss, sxx float64
	mx := stat.Mean(x, nil)
	for k := range x {
		r := y[k] - (o.Intercept + o.Slope*x[k])
		ss += r * r
		sxx += (x[k] - mx) * (x[k] - mx)
	}
	if m > 2 {
		o.StdErr = math.Sqrt(ss / float64(m-2) / sxx)
	}
	o.Local = o.Local[:0]
	o.Spread = 0
	for k := 0; k+1 < m; k++ {
		l := (y[k] - y[k+1]) / (x[k] - x[k+1])
		o.Local = append(o.Local, l)
		o.Spread = math.Max(o.Spread, math.Abs(l-o.Slope))
	}
}
