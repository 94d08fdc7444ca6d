package geometric

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// Pendulum q″ = −sin q, q0 = 0, p0 = 1; Hairer's GniCodes reference values
// at t = 2π (benchmarks.md).
const (
	pendQ = -0.443944662290259
	pendP = 0.897846803312944
)

func pendulum() Separable[float64] {
	return SecondOrder(func(dp, q []float64) { dp[0] = -math.Sin(q[0]) })
}

// slope fits log(err) against log(h) by least squares.
func slope(hs, errs []float64) float64 {
	x := make([]float64, len(hs))
	y := make([]float64, len(hs))
	for i := range hs {
		x[i] = math.Log(hs[i])
		y[i] = math.Log(errs[i])
	}
	_, b := stat.LinearRegression(x, y, nil, false)
	return b
}

// stepCounts per method: chosen so that every error lies between ~1e−11 and
// ~1e−2, i.e. in the asymptotic regime and well above the 1e−15 accuracy of
// the reference values.
func TestSplittingOrders(t *testing.T) {
	ns := map[string][]int{
		"symplectic-euler-kd": {200, 400, 800, 1600},
		"symplectic-euler-dk": {200, 400, 800, 1600},
		"verlet":              {50, 100, 200, 400},
		"verlet-dkd":          {50, 100, 200, 400},
		"ruth3":               {40, 80, 160, 320},
		"forest-ruth4":        {20, 40, 80, 160},
		"suzuki4":             {20, 40, 80, 160},
		"yoshida6":            {40, 56, 80, 113},
		"kahan-li6":           {32, 45, 64, 90},
		"kahan-li8":           {20, 24, 28, 34},
	}
	for _, m := range Methods {
		var hs, errs []float64
		for _, n := range ns[m.Name] {
			h := 2 * math.Pi / float64(n)
			sol, err := integrate(m, pendulum(), 0, []float64{0}, []float64{1}, h, n, &FixedSettings{SaveEvery: n})
			if err != nil {
				t.Fatal(err)
			}
			fsal := 0
			if m.B[0] != 0 && m.A[len(m.A)-1] == 0 {
				fsal = 1 // the very first kick has no previous step to share with
			}
			if sol.Stats.NFev != n*m.Stages()+fsal {
				t.Errorf("%s: %d force evaluations for %d steps, Stages() = %d", m.Name, sol.Stats.NFev, n, m.Stages())
			}
			y := sol.Y[len(sol.Y)-1]
			e := math.Max(math.Abs(y[0]-pendQ), math.Abs(y[1]-pendP))
			hs = append(hs, h)
			errs = append(errs, e)
		}
		got := slope(hs, errs)
		t.Logf("%-20s order %d observed %.3f errors %.2e", m.Name, m.Order, got, errs)
		if math.Abs(got-float64(m.Order)) > 0.1 {
			t.Errorf("%s: observed order %.3f, want %d ± 0.1 (errors %v)", m.Name, got, m.Order, errs)
		}
	}
}
