package modified

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

// φ₁, φ₂, φ₃ against quadrature of φ_k(z) = ∫₀¹ e^{(1−s)z} s^{k−1}/(k−1)! ds
// (Gauss–Legendre, 40 nodes on 4 panels: exact to rounding for |z| ≤ 8),
// on both sides of the series/recurrence switch |z| = 2, for k = 1, 2, 3.
func TestExpPhi(t *testing.T) {
	nodes, weights := pfGaussLegendre(40)
	quad := func(k int, z complex128) complex128 {
		var s complex128
		for p := 0; p < 4; p++ {
			for i, x := range nodes {
				u := (float64(p) + (x+1)/2) / 4
				f := cmplx.Exp(complex(1-u, 0) * z)
				switch k {
				case 2:
					f *= complex(u, 0)
				case 3:
					f *= complex(u*u/2, 0)
				}
				s += complex(weights[i]/8, 0) * f
			}
		}
		return s
	}
	for _, z := range []complex128{0, 1e-8, -0.3 + 0.2i, 0.999, 1.001, 1i, -1.0001i, 1.999, -2.001, 2.0001i, -3 + 2i, 5 - 1i, -8, 0.5 + 3i} {
		for _, k := range []int{1, 2, 3} {
			got, want := expPhi(k, z), quad(k, z)
			if e := cmplx.Abs(got-want) / cmplx.Abs(want); e > 1e-14 {
				t.Errorf("φ_%d(%v) = %v, quadrature %v (rel %.3g)", k, z, got, want, e)
			}
		}
	}
	if got := expPhi(1, -1e6); cmplx.Abs(got-1e-6) > 1e-21 {
		t.Errorf("φ₁(−1e6) = %v, want 1e-6", got)
	}
	if got, want := expPhi(0, 1+1i), cmplx.Exp(1+1i); got != want {
		t.Errorf("φ₀(1+i) = %v, want %v", got, want)
	}
	if got := expPhi(-1, 2-3i); got != 2-3i {
		t.Errorf("φ₋₁(2−3i) = %v, want 2−3i", got)
	}
}

// pfGaussLegendre returns the nodes and weights of the n-point rule on
// [−1, 1] by Newton's method on the Legendre recurrence.
func pfGaussLegendre(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		r := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for it := 0; it < 100; it++ {
			p0, p1 := 1.0, r
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*r*p1-float64(k-1)*p0)/float64(k)
			}
			dp = float64(n) * (r*p1 - p0) / (r*r - 1)
			dr := p1 / dp
			r -= dr
			if math.Abs(dr) < 1e-16 {
				break
			}
		}
		x[i], w[i] = r, 2/((1-r*r)*dp*dp)
	}
	return x, w
}

// logcoshExpCase is the PF on log cosh at h = 1 from θ0 = 0.5 with its GD
// times up to 6 steps and the DOP853 reference at rtol 1e-13 there.
func logcoshExpCase(t *testing.T) (*PF[float64], []float64, *ode.Solution[float64]) {
	t.Helper()
	const h, nSteps = 1, 6
	pf, _ := NewPF[float64](pfProblem(t, "logcosh"), h, nil)
	te := pfGDTimes(h, nSteps)
	ref, err := pf.Solve(nSteps*h, []float64{0.5}, ode.DOP853, &ode.Settings[float64]{RTol: 1e-13, ATol: 1e-15, TEval: te})
	if err != nil {
		t.Fatal(err)
	}
	return pf, te, ref
}

// The adaptive exponential integrators against DOP853 on a non-quadratic
// real flow (log cosh, h = 1, θ0 = 0.5: hλ → 1 as θ → 0, the stiff end of
// the PF): both solve the same ODE, so they agree to their tolerances.
func TestExponentialMatchesDOP853(t *testing.T) {
	pf, te, ref := logcoshExpCase(t)
	const h, nSteps = 1, 6
	for _, m := range []ExpMethod{ETD4, ETD2} {
		sol, err := pf.Exponential(nSteps*h, []float64{0.5}, &ExpSettings{Method: m, RTol: 1e-8, ATol: 1e-11, TEval: te})
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for n := range te {
			// rtol 1e-8 with local extrapolation (ETD2) or step doubling
			// (ETD4): the global error stays within 1e-8 absolute here
			// (|θ| ≤ 0.5; seen ≤ 7e-10).
			d := math.Abs(sol.Y[n][0] - ref.Y[n][0])
			worst = math.Max(worst, d)
			if d > 1e-8 {
				t.Errorf("method %d, n=%d: exponential %v, DOP853 %v", m, n, sol.Y[n][0], ref.Y[n][0])
			}
		}
		t.Logf("method %d: max |Δ| %.3g, nfev %d", m, worst, sol.Stats.NFev)
		if sol.Stats.NRejected+sol.Stats.NAccepted != sol.Stats.NSteps || sol.Stats.NAccepted < nSteps {
			t.Errorf("method %d: inconsistent stats %+v", m, sol.Stats)
		}
	}
}

// Global convergence orders of the fixed-step exponential methods (4, 2
// and 1) against a DOP853 reference at rtol 1e-13, on the complex,
// branch-continued PF of log cosh (h = 1.5, θ0 = 0.1) and the real PF of
// the quartic (h = 0.5, θ0 = 0.5), over three GD steps. A wrong
// coefficient in any of the schemes drops its observed order by ≥ 1.
func TestExponentialOrders(t *testing.T) {
	for _, c := range []struct {
		spec   string
		h, x0  float64
		ks     []int
		method ExpMethod
		order  float64
	}{
		{"logcosh", 1.5, 0.1, []int{4, 8, 16}, ETD4, 4},
		{"logcosh", 1.5, 0.1, []int{8, 16, 32}, ETD2, 2},
		{"logcosh", 1.5, 0.1, []int{16, 32, 64}, ExpEuler, 1},
		{"quartic", 0.5, 0.5, []int{16, 32, 64}, ETD4, 4},
		{"quartic", 0.5, 0.5, []int{8, 16, 32}, ETD2, 2},
	} {
		p := pfProblem(t, c.spec)
		pf, err := NewPF[complex128](p, c.h, nil)
		if err != nil {
			t.Fatal(err)
		}
		tEnd := 3 * c.h
		y0 := []complex128{complex(c.x0, 0)}
		ref, err := pf.Solve(tEnd, y0, ode.DOP853, &ode.Settings[complex128]{RTol: 1e-13, ATol: 1e-16})
		if err != nil {
			t.Fatal(err)
		}
		want := ref.Y[len(ref.Y)-1][0]
		errs := make([]float64, len(c.ks))
		for i, k := range c.ks {
			sol, err := pf.Exponential(tEnd, y0, &ExpSettings{Method: c.method, Step: c.h / float64(k)})
			if err != nil {
				t.Fatal(err)
			}
			errs[i] = cmplx.Abs(sol.Y[len(sol.Y)-1][0] - want)
		}
		obs := math.Log2(errs[0]/errs[len(errs)-1]) / float64(len(errs)-1)
		t.Logf("%s method %d: errors %.3g, observed order %.2f", c.spec, c.method, errs, obs)
		if math.Abs(obs-c.order) > 0.3 {
			t.Errorf("%s method %d: observed order %.2f, want %v ± 0.3 (errors %.3g)", c.spec, c.method, obs, c.order, errs)
		}
	}
}

// The exponential integrators take any controller: ETD4 with the PID
// controller (through Flow.Solve, the one way to run it) follows the
// DOP853 reference on logcosh as closely as with its default I controller.
func TestExponentialWithPID(t *testing.T) {
	pf, te, ref := logcoshExpCase(t)
	const h, nSteps = 1, 6
	worst := map[string]float64{}
	steps := map[string]int{}
	for name, c := range map[string]ode.Controller{"I": nil, "PID": ode.PID{}} {
		sol, err := pf.Solve(nSteps*h, []float64{0.5}, ETD4, &ode.Settings[float64]{RTol: 1e-8, ATol: 1e-11, TEval: te, Controller: c})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sol.Method != "etd4" || len(sol.Y) != len(te) {
			t.Fatalf("%s: method %q, %d outputs", name, sol.Method, len(sol.Y))
		}
		for n := range te {
			worst[name] = math.Max(worst[name], math.Abs(sol.Y[n][0]-ref.Y[n][0]))
		}
		steps[name] = sol.Stats.NSteps
	}
	t.Logf("ETD4 at rtol 1e-8: I %d steps, error %.2e; PID %d steps, error %.2e", steps["I"], worst["I"], steps["PID"], worst["PID"])
	// as TestExponentialMatchesDOP853: within 1e-8 absolute (|θ| ≤ 0.5)
	if worst["PID"] > 1e-8 || steps["PID"] == steps["I"] {
		t.Errorf("PID: error %.2e, %d steps (I: %d)", worst["PID"], steps["PID"], steps["I"])
	}
}
