package geometric

import (
	"math"

	"github.com/pflow-go/pflow/internal/benchprob"
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
