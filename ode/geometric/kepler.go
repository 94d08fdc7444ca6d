package geometric

import (
	"fmt"
	"math"
)

// Kepler returns the planar Kepler problem H = ½|p|² − 1/|q| as a
// Separable system, with the initial state of eccentricity e:
// q0 = (1 − e, 0), p0 = (0, √((1+e)/(1−e))), so that H = −½ and the period
// is 2π (Hairer, Lubich, Wanner, GNI I.2).
func Kepler(e float64) (prob Separable[float64], q0, p0 []float64) {
	prob = SecondOrder(func(dp, q []float64) {
		r2 := q[0]*q[0] + q[1]*q[1]
		r3 := r2 * math.Sqrt(r2)
		dp[0] = -q[0] / r3
		dp[1] = -q[1] / r3
	})
	return prob, []float64{1 - e, 0}, []float64{0, math.Sqrt((1 + e) / (1 - e))}
}

// KeplerEnergy returns H(q, p) = ½|p|² − 1/|q| for a state y = (q, p).
func KeplerEnergy(y []float64) float64 {
	return 0.5*(y[2]*y[2]+y[3]*y[3]) - 1/math.Hypot(y[0], y[1])
}

// KeplerResult is one row of the kepler benchmark.
type KeplerResult struct {
	Solver      string  // e.g. "verlet.N=1000"
	NFev        int     // force evaluations
	EnergyError float64 // kepler_energy: max |H − H0| sampled 100 times per period
	FinalError  float64 // kepler_final: max-norm ‖y(T) − y0‖∞ at T = periods·2π
}

// KeplerBench runs the kepler benchmark of the project (e = 0.5, the given
// number of periods of length 2π, normally 1000) with the splitting method m
// and stepsPerPeriod steps per period. stepsPerPeriod must be a positive
// multiple of 100 so that the energy is sampled exactly 100 times per period.
func KeplerBench(m Splitting, stepsPerPeriod, periods int) (KeplerResult, error) {
	if stepsPerPeriod <= 0 || stepsPerPeriod%100 != 0 || periods <= 0 {
		return KeplerResult{}, fmt.Errorf("geometric: KeplerBench needs stepsPerPeriod a positive multiple of 100 and periods > 0 (got %d, %d)", stepsPerPeriod, periods)
	}
	prob, q0, p0 := Kepler(0.5)
	h := 2 * math.Pi / float64(stepsPerPeriod)
	sol, err := Integrate(m, prob, 0, q0, p0, h, stepsPerPeriod*periods, &FixedSettings{SaveEvery: stepsPerPeriod / 100})
	if err != nil {
		return KeplerResult{}, err
	}
	y0 := append(append([]float64(nil), q0...), p0...)
	h0 := KeplerEnergy(y0)
	r := KeplerResult{Solver: fmt.Sprintf("%s.N=%d", m.Name, stepsPerPeriod), NFev: sol.Stats.NFev}
	for _, y := range sol.Y {
		r.EnergyError = math.Max(r.EnergyError, math.Abs(KeplerEnergy(y)-h0))
	}
	last := sol.Y[len(sol.Y)-1]
	for i := range last {
		r.FinalError = math.Max(r.FinalError, math.Abs(last[i]-y0[i]))
	}
	return r, nil
}
