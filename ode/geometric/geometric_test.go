package geometric

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// henonHeiles is the Hénon–Heiles force, holomorphic so that the complex-step
// derivative applies.
func henonHeiles[T linalg.Scalar]() Separable[T] {
	return SecondOrder(func(dp, q []T) {
		dp[0] = -q[0] - 2*q[0]*q[1]
		dp[1] = -q[1] - q[0]*q[0] + q[1]*q[1]
	})
}

// complexStepJacobian returns the Jacobian of the map y0 ↦ y1 (dimension
// 2n) by the complex-step derivative J_ij = Im Φ(y + iεe_j)_i / ε, which has
// no cancellation, so ε = 1e−30 gives J to round-off (Squire & Trapp, SIAM
// Rev. 40 (1998) 110).
func complexStepJacobian(y0 []float64, phi func([]complex128) []complex128) [][]float64 {
	const eps = 1e-30
	m := len(y0)
	jac := make([][]float64, m)
	for i := range jac {
		jac[i] = make([]float64, m)
	}
	for j := 0; j < m; j++ {
		z := make([]complex128, m)
		for i := range z {
			z[i] = complex(y0[i], 0)
		}
		z[j] += complex(0, eps)
		out := phi(z)
		for i := range out {
			jac[i][j] = imag(out[i]) / eps
		}
	}
	return jac
}

// omegaDefect returns max |JᵀΩJ − cΩ| with Ω = [[0, I], [−I, 0]].
func omegaDefect(j [][]float64, c float64) float64 {
	m := len(j)
	n := m / 2
	om := func(a, b int) float64 {
		switch {
		case a < n && b == a+n:
			return 1
		case a >= n && b == a-n:
			return -1
		}
		return 0
	}
	worst := 0.0
	for a := 0; a < m; a++ {
		for b := 0; b < m; b++ {
			s := 0.0
			for k := 0; k < m; k++ {
				for l := 0; l < m; l++ {
					s += j[k][a] * om(k, l) * j[l][b]
				}
			}
			worst = math.Max(worst, math.Abs(s-c*om(a, b)))
		}
	}
	return worst
}

// Symplecticity of every splitting method and of the Gauss methods on the
// nonlinear Hénon–Heiles system: 10 steps of h = 0.1 from a point of
// energy ≈ 0.13. J has entries O(1), so JᵀΩJ sums O(1) terms: round-off
// ~1e−15; the issue asks for 1e−12.
func TestSymplecticity(t *testing.T) {
	y0 := []float64{0.1, 0.2, 0.3, 0.4}
	for _, m := range Methods {
		j := complexStepJacobian(y0, func(z []complex128) []complex128 {
			sol, err := integrate(m, henonHeiles[complex128](), 0, z[:2], z[2:], 0.1, 10, &FixedSettings{SaveEvery: 10})
			if err != nil {
				t.Fatal(err)
			}
			return sol.Y[len(sol.Y)-1]
		})
		if d := omegaDefect(j, 1); d > 1e-12 {
			t.Errorf("%s: |JᵀΩJ − Ω| = %g", m.Name, d)
		}
	}
	for s := 1; s <= 4; s++ {
		f := func(dy []complex128, _ float64, y []complex128) {
			dy[0], dy[1] = y[2], y[3]
			dy[2] = -y[0] - 2*y[0]*y[1]
			dy[3] = -y[1] - y[0]*y[0] + y[1]*y[1]
		}
		j := complexStepJacobian(y0, func(z []complex128) []complex128 {
			sol, err := gauss(Problem[complex128]{F: f}, 0, z, 0.1, 10, &GaussSettings{Stages: s})
			if err != nil {
				t.Fatal(err)
			}
			return sol.Y[len(sol.Y)-1]
		})
		if d := omegaDefect(j, 1); d > 1e-12 {
			t.Errorf("Gauss s=%d: |JᵀΩJ − Ω| = %g", s, d)
		}
	}
	// A non-symplectic control: the defect of explicit RK4 is O(h⁵) per step,
	// far above round-off, so the check can fail.
	j := complexStepJacobian(y0, func(z []complex128) []complex128 {
		y := append([]complex128(nil), z...)
		rk4HenonHeiles(y, 0.1, 10)
		return y
	})
	if d := omegaDefect(j, 1); d < 1e-9 {
		t.Errorf("RK4 control: defect %g is suspiciously small", d)
	}
}

func rk4HenonHeiles(y []complex128, h float64, n int) {
	f := func(dy, y []complex128) {
		dy[0], dy[1] = y[2], y[3]
		dy[2] = -y[0] - 2*y[0]*y[1]
		dy[3] = -y[1] - y[0]*y[0] + y[1]*y[1]
	}
	k1, k2, k3, k4, tmp := make([]complex128, 4), make([]complex128, 4), make([]complex128, 4), make([]complex128, 4), make([]complex128, 4)
	hc := complex(h, 0)
	for s := 0; s < n; s++ {
		f(k1, y)
		for i := range y {
			tmp[i] = y[i] + hc/2*k1[i]
		}
		f(k2, tmp)
		for i := range y {
			tmp[i] = y[i] + hc/2*k2[i]
		}
		f(k3, tmp)
		for i := range y {
			tmp[i] = y[i] + hc*k3[i]
		}
		f(k4, tmp)
		for i := range y {
			y[i] += hc / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
}

// Conformal symplecticity: each step multiplies ω by e^{−γh}, so after N
// steps JᵀΩJ = e^{−γNh}Ω.
func TestConformalSymplecticity(t *testing.T) {
	y0 := []float64{0.1, 0.2, 0.3, 0.4}
	gamma, h, n := 0.7, 0.1, 10
	for _, m := range []Splitting{SymplecticEulerKD, VerletKDK, ForestRuth4} {
		j := complexStepJacobian(y0, func(z []complex128) []complex128 {
			sol, err := integrateConformal(m, gamma, henonHeiles[complex128](), 0, z[:2], z[2:], h, n, nil)
			if err != nil {
				t.Fatal(err)
			}
			return sol.Y[len(sol.Y)-1]
		})
		if d := omegaDefect(j, math.Exp(-gamma*h*float64(n))); d > 1e-12 {
			t.Errorf("%s: conformal defect %g", m.Name, d)
		}
	}
}

// The conformal symplectic Euler method with the map of HeavyBall reproduces
// the heavy-ball iterates on the Rosenbrock function. The two recursions
// round differently, so they agree to round-off, not bitwise: over 200
// iterates with |θ| ≤ 2 and a contracting map, a few hundred eps.
func TestHeavyBallExact(t *testing.T) {
	grad := func(g, x []float64) {
		g[0] = -2*(1-x[0]) - 400*x[0]*(x[1]-x[0]*x[0])
		g[1] = 200 * (x[1] - x[0]*x[0])
	}
	eta, beta := 1e-3, 0.9
	h, gamma, err := HeavyBall(eta, beta)
	if err != nil {
		t.Fatal(err)
	}
	th := []float64{-1.2, 1}
	thPrev := []float64{-1.25, 0.98}
	p0 := []float64{(th[0] - thPrev[0]) / h, (th[1] - thPrev[1]) / h}
	prob := SecondOrder(func(dp, q []float64) {
		grad(dp, q)
		dp[0], dp[1] = -dp[0], -dp[1]
	})
	const n = 200
	sol, err := integrateConformal(SymplecticEulerKD, gamma, prob, 0, th, p0, h, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, 2)
	cur, prev := append([]float64(nil), th...), append([]float64(nil), thPrev...)
	for k := 1; k <= n; k++ {
		grad(g, cur)
		next := []float64{
			cur[0] + beta*(cur[0]-prev[0]) - eta*g[0],
			cur[1] + beta*(cur[1]-prev[1]) - eta*g[1],
		}
		prev, cur = cur, next
		q := sol.Y[k][:2]
		for i := range q {
			if d := math.Abs(q[i] - cur[i]); d > 1e-13 {
				t.Fatalf("iterate %d: conformal %v heavy ball %v (diff %g)", k, q, cur, d)
			}
		}
	}
	if sol.Y[n][0] == th[0] {
		t.Fatal("trajectory did not move")
	}
	if _, _, err := HeavyBall(-1, 0.5); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("HeavyBall(-1, 0.5): err = %v", err)
	}
}

// Order of the conformal methods on the damped oscillator q″ = −γq' − q
// (exact solution in closed form): Lie splitting with symplectic Euler has
// order 1, Strang splitting with Verlet order 2.
func TestConformalOrder(t *testing.T) {
	gamma := 0.5
	w := math.Sqrt(1 - gamma*gamma/4)
	T := 5.0
	// q(0) = 1, p(0) = 0: q = e^{−γt/2}(cos wt + γ/(2w) sin wt).
	qex := math.Exp(-gamma*T/2) * (math.Cos(w*T) + gamma/(2*w)*math.Sin(w*T))
	prob := SecondOrder(func(dp, q []float64) { dp[0] = -q[0] })
	for _, c := range []struct {
		m     Splitting
		order float64
	}{{SymplecticEulerKD, 1}, {VerletKDK, 2}, {ForestRuth4, 2}} {
		var hs, errs []float64
		for _, n := range []int{200, 400, 800, 1600} {
			h := T / float64(n)
			sol, err := integrateConformal(c.m, gamma, prob, 0, []float64{1}, []float64{0}, h, n, &FixedSettings{SaveEvery: n})
			if err != nil {
				t.Fatal(err)
			}
			hs = append(hs, h)
			errs = append(errs, math.Abs(sol.Y[len(sol.Y)-1][0]-qex))
		}
		if got := slope(hs, errs); math.Abs(got-c.order) > 0.1 {
			t.Errorf("%s conformal: order %.3f want %v", c.m.Name, got, c.order)
		}
	}
}

// Kepler e = 0.5 over 1000 periods: the energy error of velocity Verlet is
// bounded (GNI IX.8), so its maximum over the last 10 periods matches that
// over the first 10, while an adaptive DOPRI5 (ode.DOPRI5 with
// Hairer's controller) drifts linearly in time.
func TestKeplerEnergyFlatVsDOPRI5(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 Kepler periods")
	}
	prob, q0, p0 := Kepler(0.5)
	const N = 200
	const periods = 1000
	sol, err := integrate(VerletKDK, prob, 0, q0, p0, 2*math.Pi/N, N*periods, &FixedSettings{SaveEvery: 2})
	if err != nil {
		t.Fatal(err)
	}
	H0 := -0.5
	first, last := windowMax(sol.Y, H0, 100*10, true), windowMax(sol.Y, H0, 100*10, false)
	t.Logf("Verlet N=%d: max |ΔH| first 10 periods %.3e, last 10 %.3e", N, first, last)
	// Bounded oscillation: equal up to sampling, nothing like a 100× drift.
	if last > 1.5*first || first > 1.5*last {
		t.Errorf("Verlet energy not flat: %g vs %g", first, last)
	}
	ys := dopri5Kepler(2*math.Pi*periods, 1e-8)
	f5, l5 := windowMax(ys, H0, len(ys)/100, true), windowMax(ys, H0, len(ys)/100, false)
	t.Logf("DOPRI5 rtol=1e-8: max |ΔH| first 10 periods %.3e, last 10 %.3e", f5, l5)
	if l5 < 20*f5 {
		t.Errorf("DOPRI5 energy should drift: first %g last %g", f5, l5)
	}
}

func windowMax(ys [][]float64, h0 float64, k int, first bool) float64 {
	w := ys[:k]
	if !first {
		w = ys[len(ys)-k:]
	}
	m := 0.0
	for _, y := range w {
		m = math.Max(m, math.Abs(KeplerEnergy(y)-h0))
	}
	return m
}

// dopri5Kepler integrates the Kepler problem (e = 0.5, q0 = (0.5, 0),
// p0 = (0, √3)) with the package ode's adaptive Dormand–Prince 5(4)
// (ode.DOPRI5, Hairer's step-size control) at rtol = atol = tol, the
// non-symplectic contrast. It returns the states sampled 100 times per period
// (through the method's dense output, which does not change the drift of the
// steps themselves).
func dopri5Kepler(tEnd, tol float64) [][]float64 {
	f := func(dy []float64, _ float64, y []float64) {
		r2 := y[0]*y[0] + y[1]*y[1]
		r3 := r2 * math.Sqrt(r2)
		dy[0], dy[1], dy[2], dy[3] = y[2], y[3], -y[0]/r3, -y[1]/r3
	}
	dtSample := 2 * math.Pi / 100
	ns := int(math.Round(tEnd / dtSample))
	teval := make([]float64, ns+1)
	for i := range teval {
		teval[i] = float64(i) * dtSample
	}
	teval[ns] = tEnd
	sol, err := ode.Solve(ode.ProblemOf(f), 0, tEnd, []float64{0.5, 0, 0, math.Sqrt(3)}, ode.DOPRI5,
		&ode.Settings[float64]{RTol: tol, ATol: tol, TEval: teval, MaxSteps: 1 << 30})
	if err != nil {
		panic("geometric test: DOPRI5 contrast run failed: " + err.Error())
	}
	return sol.Y
}

func TestSplittingInvalid(t *testing.T) {
	prob := pendulum()
	if _, err := integrate(VerletKDK, prob, 0, []float64{math.Inf(1)}, []float64{0}, 0.1, 1, nil); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("Inf state: %v", err)
	}
	if _, err := integrate(VerletKDK, prob, 0, []float64{0}, []float64{0}, -0.1, 1, nil); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("negative h: %v", err)
	}
	if _, err := integrateConformal(VerletKDK, math.NaN(), prob, 0, []float64{0}, []float64{0}, 0.1, 1, nil); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("NaN gamma: %v", err)
	}
	// Blow-up returns the partial solution with ErrNonFinite.
	blow := SecondOrder(func(dp, q []float64) { dp[0] = q[0] * q[0] * q[0] * 1e300 })
	sol, err := integrate(VerletKDK, blow, 0, []float64{10}, []float64{0}, 1, 5, nil)
	if !errors.Is(err, ode.ErrNonFinite) || sol == nil {
		t.Errorf("blow-up: %v", err)
	}
	_ = cmplx.Abs
}

// Compensated summation: with zero force the drift q += h·p adds the same
// increment 1e6 times. Plain summation accumulates ~1e6 roundings of
// q ≈ 1e3 (error ~1e−10 and more); Kahan's keeps the sum within an ulp or
// two of the exactly rounded value, computed here in closed form.
func TestCompensatedSummation(t *testing.T) {
	free := SecondOrder(func(dp, q []float64) { dp[0] = 0 })
	const n = 1000000
	h, p := 0.1, 0.01 // increment h·p = 1e−3 (not exact in binary)
	inc := h * p
	want := float64(n) * inc // one rounding: the exact sum of n copies of inc, rounded
	var errs [2]float64
	for i, comp := range []bool{false, true} {
		sol, err := integrate(SymplecticEulerDK, free, 0, []float64{0}, []float64{p}, h, n, &FixedSettings{SaveEvery: n, Compensated: comp})
		if err != nil {
			t.Fatal(err)
		}
		errs[i] = math.Abs(sol.Y[len(sol.Y)-1][0] - want)
	}
	t.Logf("plain error %.3e, compensated %.3e", errs[0], errs[1])
	if errs[1] > 2*0x1p-52*want || errs[0] < 100*errs[1] {
		t.Errorf("plain %g compensated %g", errs[0], errs[1])
	}
}

func TestMethodByName(t *testing.T) {
	for _, m := range Methods {
		got, ok := MethodByName(m.Name)
		if !ok || got.Name != m.Name || got.Order != m.Order {
			t.Errorf("MethodByName(%q) = %v, %v", m.Name, got.Name, ok)
		}
	}
	if _, ok := MethodByName("rk4"); ok {
		t.Error("unknown name found")
	}
}

// Steps yields the same states as Integrate.
func TestStepsMatchesIntegrate(t *testing.T) {
	prob := pendulum()
	sol, err := integrate(ForestRuth4, prob, 0, []float64{0}, []float64{1}, 0.1, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := Steps(ForestRuth4, prob, 0, []float64{0}, []float64{1}, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for tk, y := range seq {
		k++
		if tk != sol.T[k] || y[0] != sol.Y[k][0] || y[1] != sol.Y[k][1] {
			t.Fatalf("step %d: (%v, %v) want (%v, %v)", k, tk, y, sol.T[k], sol.Y[k])
		}
		if k == 50 {
			break
		}
	}
	if _, err := Steps(VerletKDK, prob, 0, []float64{0}, []float64{1}, math.NaN()); !errors.Is(err, ode.ErrInvalidSettings) {
		t.Errorf("NaN h: %v", err)
	}
}
