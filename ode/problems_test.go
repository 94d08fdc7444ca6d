package ode

import "math"

// Test problems shared by the tests and benchmarks (definitions as in
// docs/benchmarks.md).

const (
	arenMu = 0.012277471
	arenT  = 17.0652165601579625588917206249
)

var arenY0 = []float64{0.994, 0, 0, -2.00158510637908252240537862224}

func arenstorf(dy []float64, _ float64, y []float64) {
	const mu, mup = arenMu, 1 - arenMu
	a, b := y[0]+mu, y[0]-mup
	d1 := a*a + y[1]*y[1]
	d1 *= math.Sqrt(d1)
	d2 := b*b + y[1]*y[1]
	d2 *= math.Sqrt(d2)
	dy[0] = y[2]
	dy[1] = y[3]
	dy[2] = y[0] + 2*y[3] - mup*a/d1 - mu*b/d2
	dy[3] = y[1] - 2*y[2] - mup*y[1]/d1 - mu*y[1]/d2
}

func arenstorfC(dy []complex128, _ float64, y []complex128) {
	const mu, mup = arenMu, 1 - arenMu
	a, b := y[0]+mu, y[0]-mup
	d1 := a*a + y[1]*y[1]
	d1 *= csqrt(d1)
	d2 := b*b + y[1]*y[1]
	d2 *= csqrt(d2)
	dy[0] = y[2]
	dy[1] = y[3]
	dy[2] = y[0] + 2*y[3] - mup*a/d1 - mu*b/d2
	dy[3] = y[1] - 2*y[2] - mup*y[1]/d1 - mu*y[1]/d2
}

// csqrt is the principal square root, holomorphic near the positive real axis.
func csqrt(z complex128) complex128 {
	r := math.Hypot(real(z), imag(z))
	re := math.Sqrt((r + real(z)) / 2)
	im := math.Sqrt((r - real(z)) / 2)
	if imag(z) < 0 {
		im = -im
	}
	return complex(re, im)
}

func lorenz(dy []float64, _ float64, y []float64) {
	dy[0] = 10 * (y[1] - y[0])
	dy[1] = y[0]*(28-y[2]) - y[1]
	dy[2] = y[0]*y[1] - 8.0/3*y[2]
}

func lorenzC(dy []complex128, _ float64, y []complex128) {
	dy[0] = 10 * (y[1] - y[0])
	dy[1] = y[0]*(28-y[2]) - y[1]
	dy[2] = y[0]*y[1] - 8.0/3*y[2]
}
