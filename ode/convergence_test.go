package ode

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// Kepler problem with eccentricity 0.5 (q0 = (1−e, 0), p0 = (0, √((1+e)/(1−e)))):
// nonlinear, so every elementary differential enters the error, with the
// exact solution from Kepler's equation E − e sin E = t.
const kepE = 0.5

func keplerRHS(dy []float64, _ float64, y []float64) {
	r2 := y[0]*y[0] + y[1]*y[1]
	r3 := r2 * math.Sqrt(r2)
	dy[0], dy[1] = y[2], y[3]
	dy[2], dy[3] = -y[0]/r3, -y[1]/r3
}

var kepY0 = []float64{1 - kepE, 0, 0, math.Sqrt((1 + kepE) / (1 - kepE))}

// keplerExact solves Kepler's equation by Newton's method (converges to
// round-off in a few iterations for e = 0.5).
func keplerExact(t float64) []float64 {
	E := t
	for range 50 {
		d := (E - kepE*math.Sin(E) - t) / (1 - kepE*math.Cos(E))
		E -= d
		if math.Abs(d) < 1e-16 {
			break
		}
	}
	w := 1 - kepE*math.Cos(E)
	b := math.Sqrt(1 - kepE*kepE)
	return []float64{math.Cos(E) - kepE, b * math.Sin(E), -math.Sin(E) / w, b * math.Cos(E) / w}
}

func maxDiff(a, b []float64) float64 {
	e := 0.0
	for i := range a {
		e = math.Max(e, math.Abs(a[i]-b[i]))
	}
	return e
}

// stepCounts is the sequence of step counts from which each convergence
// fit keeps the finest four of those whose errors lie in [1e-11, 1e-4] (1e-2 for
// orders ≤ 2): away from
// round-off (which dominates below ~1e-12 after a few hundred steps) and
// from the pre-asymptotic range.
var stepCounts = []int{4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 2048, 4096, 8192, 16384, 32768}

// fitOrder integrates with fixed steps and returns the least-squares slope of
// log(error) against log(h), and the number of points used.
func fitOrder(t *testing.T, m *Tableau, f Func[float64], t1 float64, y0 []float64, exact func(float64) []float64, dense bool) (float64, int) {
	var lh, le []float64
	upper := 1e-4
	if m.Order <= 2 {
		upper = 1e-2 // low orders reach the asymptotic range early
	}
	for _, n := range stepCounts {
		sol, err := Solve(ProblemOf(f), 0, t1, y0, m, &Settings[float64]{Steps: n, Dense: dense})
		if err != nil {
			t.Fatal(err)
		}
		var e float64
		if dense {
			h := t1 / float64(n)
			for k := 0; k < n; k += max(1, n/40) {
				tm := (float64(k) + 0.37) * h
				y, _ := sol.At(nil, tm)
				e = math.Max(e, maxDiff(y, exact(tm)))
			}
		} else {
			e = maxDiff(sol.Y[len(sol.Y)-1], exact(t1))
		}
		if e < upper && e > 1e-11 {
			lh = append(lh, math.Log(t1/float64(n)))
			le = append(le, math.Log(e))
		}
	}
	if len(lh) < 3 {
		t.Fatalf("%s: only %d usable step counts", m.Name, len(lh))
	}
	// the finest four points: closest to the asymptotic regime
	if k := len(lh) - 4; k > 0 {
		lh, le = lh[k:], le[k:]
	}
	_, slope := stat.LinearRegression(lh, le, nil, false)
	return slope, len(lh)
}

func oscRHS(dy []float64, _ float64, y []float64) { dy[0], dy[1] = y[1], -y[0] }
func oscExact(t float64) []float64                { return []float64{math.Cos(t), -math.Sin(t)} }

// circular orbit of the Kepler problem (nonlinear right-hand side)
var circY0 = []float64{1, 0, 0, 1}

func circExact(t float64) []float64 {
	return []float64{math.Cos(t), math.Sin(t), -math.Sin(t), math.Cos(t)}
}

// TestObservedOrder checks the global convergence order of every built-in
// method with fixed steps. Methods up to order 4 are run on the circular
// Kepler orbit (nonlinear); the high-order pairs have deliberately tiny
// leading error constants (DOPRI5, Tsit5, DOP853, Vern7 are optimised so),
// so on nonlinear problems their asymptotic range starts only near
// round-off; they are fitted on the harmonic oscillator, whose leading error
// term dominates early. Their nonlinear order conditions are verified
// exactly in TestOrderConditions.
func TestObservedOrder(t *testing.T) {
	for _, name := range Names() {
		m, _ := Lookup(name)
		var p float64
		var k int
		if m.Order <= 4 {
			p, k = fitOrder(t, m, keplerRHS, 2, circY0, circExact, false)
		} else {
			p, k = fitOrder(t, m, oscRHS, 8, []float64{1, 0}, oscExact, false)
		}
		lo, hi := float64(m.Order)-0.1, float64(m.Order)+0.1
		if name == "vern9" {
			// Vern9's error constant is so small that in float64 the error
			// reaches round-off before the asymptotic regime: the local
			// slopes on the oscillator fall 10.5, 10.2, 9.96, …, 9.17 as the
			// error goes from 1e-6 to 1e-14. The order is measured in 256-bit
			// arithmetic in TestVern9ObservedOrderBig (9 ± 0.1); here the
			// float64 engine must show the approach from above.
			lo, hi = 9-0.1, 9+0.7
		}
		if p < lo || p > hi {
			t.Errorf("%s: observed order %.3f (%d points), want in [%.1f, %.1f]", name, p, k, lo, hi)
		}
		t.Logf("%s: observed order %.3f (%d points)", name, p, k)
	}
}

// TestDenseObservedOrder checks each continuous extension: the interpolant's
// local error is O(h^(q+1)) and the solution's global error O(h^p), so errors
// at interior points are O(h^min(p, q+1)) (q = 3 for the Hermite fallback).
func TestDenseObservedOrder(t *testing.T) {
	for _, name := range Names() {
		m, _ := Lookup(name)
		q := m.DenseOrder
		if q == 0 {
			q = 3
		}
		want := float64(min(m.Order, q+1))
		p, k := fitOrder(t, m, oscRHS, 8, []float64{1, 0}, oscExact, true)
		lo, hi := want-0.15, want+0.15
		if name == "vern9" {
			lo, hi = 9-0.15, 9+0.7 // pre-asymptotic in float64, see TestObservedOrder
		}
		if p < lo || p > hi {
			t.Errorf("%s: dense error order %.3f (%d points), want in [%.2f, %.2f]", name, p, k, lo, hi)
		}
		t.Logf("%s: dense error order %.3f (%d points)", name, p, k)
	}
}
