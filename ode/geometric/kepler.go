package geometric

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/internal/benchprob"
	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// Kepler returns the planar Kepler problem H = ½|p|² − 1/|q| as a
// Separable system, with the initial state of eccentricity e:
// q0 = (1 − e, 0), p0 = (0, √((1+e)/(1−e))), so that H = −½ and the period
// is 2π (Hairer, Lubich, Wanner, GNI I.2). The force is the one of the
// kepler benchmark problem (internal/benchprob), which is Kepler(0.5).
func Kepler(e float64) (prob Separable[float64], q0, p0 []float64) {
	prob = SecondOrder(benchprob.KeplerForce)
	return prob, []float64{1 - e, 0}, []float64{0, math.Sqrt((1 + e) / (1 - e))}
}

// KeplerEnergy returns H(q, p) = ½|p|² − 1/|q| for a state y = (q, p).
func KeplerEnergy(y []float64) float64 { return benchprob.KeplerEnergy(y) }

// KeplerResult is one row of the kepler benchmark.
type KeplerResult struct {
	Solver      string  // e.g. "verlet.N=1000"
	NFev        int     // force evaluations
	EnergyError float64 // kepler_energy: max |H − H0| sampled 100 times per period
	FinalError  float64 // kepler_final: max-norm ‖y(T) − y0‖∞ at T = periods·2π
}

// KeplerBench runs the kepler benchmark of the project (docs/benchmarks.md:
// e = 0.5, the given number of periods of length 2π, normally
// benchprob.KeplerPeriods = 1000) with the splitting method m and
// stepsPerPeriod steps of size h = 2π/stepsPerPeriod per period. Initial
// value, force, energy and sample times are those of the kepler_energy and
// kepler_final problems of internal/benchprob: the energy error is the
// maximum of |H(y(t_k)) − H0| over t_k = k·2π/100 (step points, hence
// stepsPerPeriod must be a positive multiple of 100), the final error
// ‖y(T) − y0‖∞. NFev counts force evaluations (the kick of a step that
// follows a kick at the same q reuses it). The states are not stored.
//
// Invalid arguments return ode.ErrInvalidSettings; a non-finite state
// returns ode.ErrNonFinite with the errors up to that point.
func KeplerBench(m Splitting, stepsPerPeriod, periods int) (KeplerResult, error) {
	const spp = benchprob.KeplerSamplesPerPeriod
	if stepsPerPeriod <= 0 || stepsPerPeriod%spp != 0 || periods <= 0 {
		return KeplerResult{}, fmt.Errorf("%w: KeplerBench needs stepsPerPeriod a positive multiple of %d and periods > 0 (got %d, %d)", ode.ErrInvalidSettings, spp, stepsPerPeriod, periods)
	}
	if stepsPerPeriod > math.MaxInt/periods {
		return KeplerResult{}, fmt.Errorf("%w: KeplerBench: %d·%d steps overflow int", ode.ErrInvalidSettings, stepsPerPeriod, periods)
	}
	y0 := benchprob.KeplerY0()
	r := KeplerResult{Solver: fmt.Sprintf("%s.N=%d", m.Name, stepsPerPeriod)}
	prob := SecondOrder(func(dp, q []float64) {
		r.NFev++
		benchprob.KeplerForce(dp, q)
	})
	h := 2 * math.Pi / float64(stepsPerPeriod)
	steps, err := Steps(m, prob, 0, y0[:2], y0[2:], h)
	if err != nil {
		return KeplerResult{}, err
	}
	h0 := benchprob.KeplerEnergy(y0)
	every, total := stepsPerPeriod/spp, stepsPerPeriod*periods
	k := 0
	var last []float64
	for _, y := range steps {
		k++
		if k%every == 0 {
			r.EnergyError = math.Max(r.EnergyError, math.Abs(benchprob.KeplerEnergy(y)-h0))
		}
		if k == total {
			last = y
			break
		}
	}
	if last == nil || !linalg.AllFinite(last) { // Steps ends after a non-finite state
		return r, fmt.Errorf("%w: kepler with %s at step %d, t = %v", ode.ErrNonFinite, r.Solver, k, float64(k)*h)
	}
	r.FinalError = benchprob.MaxAbsDiff(last, y0)
	return r, nil
}
