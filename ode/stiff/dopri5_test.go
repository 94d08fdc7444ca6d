package stiff

import "math"

// dopri5 is a minimal Dormand–Prince 5(4) with Hairer's step-size control
// (safety 0.9, factors in [0.2, 10], β = 0 — no stabilisation — and the
// mixed RMS error norm), used by the tests as an independent explicit
// reference and for evaluation counts (Hairer, Nørsett, Wanner I, II.5;
// Table 5.2 coefficients). Returns y(t1) and the number of evaluations.
func dopri5(f func(dy, y []float64), y0 []float64, t1, rtol, atol float64) ([]float64, int) {
	a := [7][6]float64{{}, {1.0 / 5}, {3.0 / 40, 9.0 / 40}, {44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}}
	e := [7]float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}
	n := len(y0)
	y := append([]float64(nil), y0...)
	var k [7][]float64
	for i := range k {
		k[i] = make([]float64, n)
	}
	tmp := make([]float64, n)
	nfev := 1
	f(k[0], y)
	t, h := 0.0, 1e-6
	for t < t1 {
		if t+h > t1 {
			h = t1 - t
		}
		for s := 1; s < 7; s++ {
			for i := range y {
				sum := 0.0
				for j := 0; j < s; j++ {
					sum += a[s][j] * k[j][i]
				}
				tmp[i] = y[i] + h*sum
			}
			f(k[s], tmp)
			nfev++
		}
		errn := 0.0
		for i := range y {
			sum := 0.0
			for j := 0; j < 7; j++ {
				sum += e[j] * k[j][i]
			}
			sc := atol + rtol*math.Max(math.Abs(y[i]), math.Abs(tmp[i]))
			errn += (h * sum / sc) * (h * sum / sc)
		}
		errn = math.Sqrt(errn / float64(n))
		fac := math.Min(10, math.Max(0.2, 0.9*math.Pow(errn, -0.2)))
		if errn <= 1 {
			t += h
			copy(y, tmp)
			copy(k[0], k[6])
			h *= fac
		} else {
			h *= math.Min(1, fac)
		}
	}
	return y, nfev
}
