package geometric

import (
	"math"
	"testing"
)

func BenchmarkVerletKeplerStep(b *testing.B) {
	prob, q0, p0 := Kepler(0.5)
	const n = 1000
	var nfev int
	for b.Loop() {
		sol, _ := integrate(VerletKDK, prob, 0, q0, p0, 2*math.Pi/n, n, &FixedSettings{SaveEvery: n})
		nfev += sol.Stats.NFev
	}
	b.ReportMetric(float64(nfev)/float64(b.N)/n, "nfev/step")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/step")
}

func BenchmarkGaussKeplerStep(b *testing.B) {
	kep := Problem[float64]{F: func(dy []float64, _ float64, y []float64) {
		r2 := y[0]*y[0] + y[1]*y[1]
		r3 := r2 * math.Sqrt(r2)
		dy[0], dy[1], dy[2], dy[3] = y[2], y[3], -y[0]/r3, -y[1]/r3
	}}
	y0 := []float64{0.5, 0, 0, math.Sqrt(3)}
	for _, c := range []struct {
		name string
		s    GaussSettings
	}{
		{"s=2/fixedpoint", GaussSettings{Stages: 2, SaveEvery: 100}},
		{"s=2/newton", GaussSettings{Stages: 2, Solver: Newton, SaveEvery: 100}},
		{"s=4/fixedpoint", GaussSettings{Stages: 4, SaveEvery: 100}},
	} {
		b.Run(c.name, func(b *testing.B) {
			const n = 100
			var nfev int
			for b.Loop() {
				sol, err := gauss(kep, 0, y0, 2*math.Pi/n, n, &c.s)
				if err != nil {
					b.Fatal(err)
				}
				nfev += sol.Stats.NFev
			}
			b.ReportMetric(float64(nfev)/float64(b.N)/n, "nfev/step")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/step")
		})
	}
}
