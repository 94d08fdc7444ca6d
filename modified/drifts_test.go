package modified

import (
	"errors"
	"math"
	"math/rand/v2"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
	"testing"
)

// momentumOneStep returns ‖φ_h(θ0) − HB(φ_{−h}(θ0), θ0)‖: the heavy-ball
// step taken on the flow's invariant manifold against the flow itself.
func momentumOneStep(t *testing.T, name string, x0 []float64, h, beta float64, order int) float64 {
	t.Helper()
	p := mustProblem(t, name)
	fl, err := NewMomentum[float64](p, h, beta, order)
	if err != nil {
		t.Fatal(err)
	}
	prev := flowAt(t, fl, x0, -h, 8)
	next := flowAt(t, fl, x0, h, 8)
	// Integration error, 8 against 16 DOP853 steps of size ≤ h/8.
	ie := diffNorm(next, flowAt(t, fl, x0, h, 16)) + diffNorm(prev, flowAt(t, fl, x0, -h, 16))
	r, err := GD(p, x0, h, 1, &GDSettings[float64]{Momentum: beta, Prev: prev})
	if err != nil {
		t.Fatal(err)
	}
	e := diffNorm(next, r.Last())
	if ie > 1e-3*e && ie > 1e-15 {
		t.Fatalf("%s h=%v: integrator error %.2e against %.2e", name, h, ie, e)
	}
	return e
}

// Heavy ball on its invariant manifold: the momentum flows of order 0, 1, 2
// have local errors O(h²), O(h³), O(h⁴).
func TestMomentumLocalOrder(t *testing.T) {
	cases := []struct {
		name string
		x0   []float64
		beta float64
		hs   []float64
	}{
		{"cubic", []float64{0.5}, 0.5, []float64{0.02, 0.01, 0.005, 0.0025}},
		{"logcosh", []float64{0.5}, 0.9, []float64{0.0008, 0.0004, 0.0002, 0.0001}},
		{"deeplinear:k=3", []float64{0.6, 0.9, 1.3}, 0.3, []float64{0.02, 0.01, 0.005, 0.0025}},
	}
	for _, c := range cases {
		for order := 0; order <= MaxMomentumOrder; order++ {
			errs := make([]float64, len(c.hs))
			for j, h := range c.hs {
				errs[j] = momentumOneStep(t, c.name, c.x0, h, c.beta, order)
			}
			t.Logf("%s β=%v order %d: %.3e", c.name, c.beta, order, errs)
			checkOrders(t, c.name+" momentum", errs, float64(order+2))
		}
	}
}

// lsqData returns a seeded n×d Gaussian least-squares data set.
func lsqData(n, d int, seed uint64) (a, b []float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	a, b = make([]float64, n*d), make([]float64, n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	return a, b
}

// permutations calls fn with every permutation of 0…m−1 (Heap's
// algorithm).
func permutations(m int, fn func([]int)) {
	p := make([]int, m)
	for i := range p {
		p[i] = i
	}
	var gen func(k int)
	gen = func(k int) {
		if k == 1 {
			fn(p)
			return
		}
		for i := 0; i < k; i++ {
			gen(k - 1)
			if k%2 == 0 {
				p[i], p[k-1] = p[k-1], p[i]
			} else {
				p[0], p[k-1] = p[k-1], p[0]
			}
		}
	}
	gen(m)
}

// Averaged exactly over the m! orders of one epoch, SGD agrees with the
// Smith et al. flow at time m·h up to O(h³) and with the gradient flow of
// E only up to O(h²).
func TestSGDFlowEpochAverageOrder(t *testing.T) {
	const m, d = 4, 3
	a, b := lsqData(8, d, 1)
	s, err := LeastSquares[float64](a, b, m)
	if err != nil {
		t.Fatal(err)
	}
	x0 := []float64{0.7, -0.4, 1.1}
	hs := []float64{0.04, 0.02, 0.01, 0.005}
	errSGD, errGF := make([]float64, len(hs)), make([]float64, len(hs))
	for j, h := range hs {
		mean := make([]float64, d)
		count := 0
		permutations(m, func(p []int) {
			linalg.Axpy(mean, 1, SGDEpoch(nil, s, x0, h, p, nil))
			count++
		})
		if count != 24 {
			t.Fatalf("%d permutations", count)
		}
		linalg.Scale(1/float64(count), mean)
		fl, err := NewSGDFlow(s, h)
		if err != nil {
			t.Fatal(err)
		}
		y := flowAt(t, fl, x0, float64(m)*h, 8)
		if ie := diffNorm(y, flowAt(t, fl, x0, float64(m)*h, 16)); ie > 1e-15 {
			t.Fatalf("integration error %.2e", ie)
		}
		errSGD[j] = diffNorm(y, mean)
		// Gradient flow of E = (1/m)ΣE_k: the SGD flow with the
		// regulariser removed (h → 0 in the field, same time m·h).
		gf, _ := NewSGDFlow(s, 1e-300)
		errGF[j] = diffNorm(flowAt(t, gf, x0, float64(m)*h, 8), mean)
	}
	t.Logf("SGD flow %.3e, gradient flow %.3e", errSGD, errGF)
	checkOrders(t, "SGD flow vs averaged SGD", errSGD, 3)
	checkOrders(t, "gradient flow vs averaged SGD", errGF, 2)
}

// Over several epochs of SGD with seeded random reshuffling, the mean
// iterate follows the Smith et al. flow much more closely than the gradient
// flow of E.
func TestSGDFlowRandomReshuffling(t *testing.T) {
	const m, d, epochs, runs = 4, 3, 10, 4000
	a, b := lsqData(8, d, 1)
	s, err := LeastSquares[float64](a, b, m)
	if err != nil {
		t.Fatal(err)
	}
	x0 := []float64{0.7, -0.4, 1.1}
	h := 0.02
	rng := rand.New(rand.NewPCG(2021, 1))
	mean := make([][]float64, epochs+1)
	sq := make([][]float64, epochs+1) // Σ x² per component, for the standard error
	for e := range mean {
		mean[e], sq[e] = make([]float64, d), make([]float64, d)
	}
	for range runs {
		it, err := SGD(s, x0, h, epochs, rng)
		if err != nil {
			t.Fatal(err)
		}
		for e, x := range it {
			for i, v := range x {
				mean[e][i] += v / runs
				sq[e][i] += v * v / runs
			}
		}
	}
	fl, _ := NewSGDFlow(s, h)
	gf, _ := NewSGDFlow(s, 1e-300) // gradient flow of E (regulariser ≈ 0)
	for _, e := range []int{1, 5, 10} {
		T := float64(e*m) * h
		es := diffNorm(flowAt(t, fl, x0, T, 8*e), mean[e])
		eg := diffNorm(flowAt(t, gf, x0, T, 8*e), mean[e])
		// Monte Carlo standard error of the mean (Euclidean norm).
		var v float64
		for i := range d {
			v += (sq[e][i] - mean[e][i]*mean[e][i]) / runs
		}
		se := math.Sqrt(v)
		t.Logf("epoch %d: SGD flow %.3e, gradient flow %.3e, standard error %.1e", e, es, eg, se)
		// The flows differ by the O(h²) drift (≈ eg); the SGD flow is off
		// by O(h³) ≈ m·h·eg plus sampling error. Require a tenfold gain,
		// and a sampling error small enough for that to be meaningful.
		if se > eg/20 || es > eg/10 {
			t.Errorf("epoch %d: SGD flow error %.2e, gradient flow %.2e, standard error %.2e", e, es, eg, se)
		}
	}
}

// bilinearGame is E(x, y) = xᵀAy with x minimising, y maximising:
// f = −Ay, g = Aᵀx.
func bilinearGame(a [2][2]float64) *Game[float64] {
	mul := func(dst, v []float64, tr bool) {
		for i := range 2 {
			dst[i] = 0
			for j := range 2 {
				if tr {
					dst[i] += a[j][i] * v[j]
				} else {
					dst[i] += a[i][j] * v[j]
				}
			}
		}
	}
	return &Game[float64]{
		DimX: 2, DimY: 2,
		F:  func(dst, _, y []float64) { mul(dst, y, false); linalg.Scale(-1, dst) },
		G:  func(dst, x, _ []float64) { mul(dst, x, true) },
		JF: func(dst, _, _, _, v []float64) { mul(dst, v, false); linalg.Scale(-1, dst) },
		JG: func(dst, _, _, u, _ []float64) { mul(dst, u, true) },
	}
}

// gameOneStep returns ‖φ_h(z0) − step(z0)‖ for the drift flow of variant
// flowAlt against the discrete algorithm of variant stepAlt.
func gameOneStep(t *testing.T, g *Game[float64], z0 []float64, h, alpha, lambda float64, flowAlt, stepAlt bool) float64 {
	t.Helper()
	fl, err := NewGameFlow(g, h, alpha, lambda, flowAlt)
	if err != nil {
		t.Fatal(err)
	}
	y := flowAt(t, fl, z0, h, 8)
	if ie := diffNorm(y, flowAt(t, fl, z0, h, 16)); ie > 1e-15 {
		t.Fatalf("integration error %.2e", ie)
	}
	xn, yn := GameStep(nil, nil, g, z0[:g.DimX], z0[g.DimX:], h, alpha, lambda, stepAlt, nil, nil)
	return diffNorm(y, append(xn, yn...))
}

// The simultaneous and alternating drift flows of Rosca et al. (2021)
// reproduce one step of their algorithm with local error O(h³); each one
// against the other algorithm is only O(h²) (the drifts differ).
func TestGameFlowLocalOrder(t *testing.T) {
	monkey, err := ZeroSumGame[float64](mustProblem(t, "monkeysaddle"), 1)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		g    *Game[float64]
		z0   []float64
	}{
		{"bilinear", bilinearGame([2][2]float64{{1, 0.5}, {-0.3, 2}}), []float64{0.4, -0.3, 0.8, 0.2}},
		{"monkeysaddle", monkey, []float64{0.4, 0.3}},
	}
	hs := []float64{0.04, 0.02, 0.01, 0.005}
	for _, c := range cases {
		for _, alt := range []bool{false, true} {
			same, cross := make([]float64, len(hs)), make([]float64, len(hs))
			for j, h := range hs {
				same[j] = gameOneStep(t, c.g, c.z0, h, 1, 0.7, alt, alt)
				cross[j] = gameOneStep(t, c.g, c.z0, h, 1, 0.7, !alt, alt)
			}
			t.Logf("%s alternating=%v: own drift %.3e, other drift %.3e", c.name, alt, same, cross)
			checkOrders(t, c.name+" own drift", same, 3)
			checkOrders(t, c.name+" other drift", cross, 2)
		}
	}
}

// The zero-sum game of a problem has f = −∇_x E and g = ∇_y E: check
// against the closed form of the monkey saddle E = x³ − 3xy².
func TestZeroSumGameMonkeySaddle(t *testing.T) {
	g, err := ZeroSumGame[float64](mustProblem(t, "monkeysaddle"), 1)
	if err != nil {
		t.Fatal(err)
	}
	x, y := 0.4, -0.7
	f, gg := []float64{0}, []float64{0}
	g.F(f, []float64{x}, []float64{y})
	g.G(gg, []float64{x}, []float64{y})
	if math.Abs(f[0]-(-(3*x*x-3*y*y))) > 1e-15 || math.Abs(gg[0]-(-6*x*y)) > 1e-15 {
		t.Fatalf("f = %v, g = %v", f, gg)
	}
	// ∇_x f·u + ∇_y f·v = −(6x u − 6y v); ∇_x g·u + ∇_y g·v = −6y u − 6x v.
	u, v := 0.3, 1.1
	g.JF(f, []float64{x}, []float64{y}, []float64{u}, []float64{v})
	g.JG(gg, []float64{x}, []float64{y}, []float64{u}, []float64{v})
	if math.Abs(f[0]-(-(6*x*u-6*y*v))) > 1e-15 || math.Abs(gg[0]-(-6*y*u-6*x*v)) > 1e-15 {
		t.Fatalf("JF = %v, JG = %v", f, gg)
	}
}

func TestDriftsBadInput(t *testing.T) {
	p := mustProblem(t, "cubic")
	for _, c := range []struct {
		h, beta float64
		order   int
	}{{0.1, 1, 1}, {0.1, -0.1, 1}, {0.1, math.NaN(), 1}, {0, 0.5, 1}, {0.1, 0.5, 3}, {0.1, 0.5, -1}} {
		if _, err := NewMomentum[float64](p, c.h, c.beta, c.order); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("NewMomentum%v: %v", c, err)
		}
	}
	nonHolo := *p
	nonHolo.Complex = nil
	if _, err := NewMomentum[complex128](&nonHolo, 0.1, 0.5, 1); !errors.Is(err, problems.ErrNotHolomorphic) {
		t.Errorf("complex momentum on non-holomorphic problem: %v", err)
	}
	for _, c := range []struct {
		a, b []float64
		m    int
	}{
		{[]float64{1, 2, 3}, []float64{1, 2}, 1},    // len(a) not n·d
		{[]float64{1, 2, 3, 4}, []float64{1, 2}, 3}, // n not a multiple of m
		{nil, nil, 1}, // empty
		{[]float64{1, math.NaN()}, []float64{1, 2}, 2},  // NaN datum
		{[]float64{1, 2}, []float64{1, math.Inf(1)}, 2}, // Inf target
		{[]float64{1, 2}, []float64{1, 2}, 0},           // no batches
	} {
		if _, err := LeastSquares[float64](c.a, c.b, c.m); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("LeastSquares(%v, %v, %d): %v", c.a, c.b, c.m, err)
		}
	}
	a, b := lsqData(4, 2, 3)
	s, err := LeastSquares[float64](a, b, 2)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for name, f := range map[string]func() error{
		"SGD nil rng":     func() error { _, err := SGD(s, []float64{0, 0}, 0.1, 1, nil); return err },
		"SGD epochs":      func() error { _, err := SGD(s, []float64{0, 0}, 0.1, -1, rng); return err },
		"SGD NaN start":   func() error { _, err := SGD(s, []float64{math.NaN(), 0}, 0.1, 1, rng); return err },
		"SGD short start": func() error { _, err := SGD(s, []float64{0}, 0.1, 1, rng); return err },
		"SGD rate":        func() error { _, err := SGD(s, []float64{0, 0}, -0.1, 1, rng); return err },
		"SGD flow rate":   func() error { _, err := NewSGDFlow(s, math.Inf(1)); return err },
		"SGD flow no HVP": func() error {
			_, err := NewSGDFlow(&SumLoss[float64]{Dim: 2, Batches: 2, Grad: s.Grad}, 0.1)
			return err
		},
		"SGD nil loss": func() error { _, err := NewSGDFlow[float64](nil, 0.1); return err },
		"game dimX":    func() error { _, err := ZeroSumGame[float64](mustProblem(t, "saddle"), 2); return err },
		"game nil":     func() error { _, err := NewGameFlow[float64](nil, 0.1, 1, 1, false); return err },
		"game no JF": func() error {
			_, err := NewGameFlow(&Game[float64]{DimX: 1, DimY: 1, F: func(_, _, _ []float64) {}, G: func(_, _, _ []float64) {}}, 0.1, 1, 1, false)
			return err
		},
		"game alpha": func() error {
			_, err := NewGameFlow(bilinearGame([2][2]float64{{1, 0}, {0, 1}}), 0.1, 0, 1, false)
			return err
		},
		"game lambda NaN": func() error {
			_, err := NewGameFlow(bilinearGame([2][2]float64{{1, 0}, {0, 1}}), 0.1, 1, math.NaN(), true)
			return err
		},
	} {
		if err := f(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A learning rate far beyond 2/λ_max makes SGD overflow: a clear error
	// naming the epoch, with the finite iterates before it.
	it, err := SGD(s, []float64{1, 1}, 1e100, 50, rng)
	if !errors.Is(err, ErrDiverged) || len(it) == 0 || firstNonFinite(it[len(it)-1]) >= 0 {
		t.Errorf("SGD overflow: err = %v, %d iterates", err, len(it))
	}
}

// The complex instantiations agree with the real ones on real inputs.
func TestDriftsComplexOnRealAxis(t *testing.T) {
	p := mustProblem(t, "deeplinear:k=3")
	x0 := []float64{0.6, 0.9, 1.3}
	z0 := linalg.ToComplex(make([]complex128, 3), x0)
	same := func(name string, r []float64, c []complex128) {
		t.Helper()
		for i := range r {
			// Same real operations; products with zero imaginary parts are
			// exact, so only summation order could differ: 1e-15 relative.
			if math.Abs(real(c[i])-r[i]) > 1e-15*(1+math.Abs(r[i])) || imag(c[i]) != 0 {
				t.Errorf("%s: complex %v, real %v", name, c, r)
				return
			}
		}
	}
	for order := 0; order <= MaxMomentumOrder; order++ {
		fr, _ := NewMomentum[float64](p, 0.05, 0.6, order)
		fc, err := NewMomentum[complex128](p, 0.05, 0.6, order)
		if err != nil {
			t.Fatal(err)
		}
		same("momentum", flowAt(t, fr, x0, 0.2, 4), flowAt(t, fc, z0, 0.2, 4))
	}
	a, b := lsqData(6, 3, 5)
	sr, _ := LeastSquares[float64](a, b, 3)
	sc, _ := LeastSquares[complex128](a, b, 3)
	fr, _ := NewSGDFlow(sr, 0.1)
	fc, _ := NewSGDFlow(sc, 0.1)
	same("sgd flow", flowAt(t, fr, x0, 0.3, 4), flowAt(t, fc, z0, 0.3, 4))
	same("sgd epoch", SGDEpoch(nil, sr, x0, 0.1, []int{2, 0, 1}, nil), SGDEpoch(nil, sc, z0, 0.1, []int{2, 0, 1}, nil))
	gr, _ := ZeroSumGame[float64](p, 2)
	gc, err := ZeroSumGame[complex128](p, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, alt := range []bool{false, true} {
		fr, _ := NewGameFlow(gr, 0.05, 1, 0.5, alt)
		fc, _ := NewGameFlow(gc, 0.05, 1, 0.5, alt)
		same("game", flowAt(t, fr, x0, 0.2, 4), flowAt(t, fc, z0, 0.2, 4))
	}
}

// The drift flows do not allocate per evaluation.
func TestDriftsNoAlloc(t *testing.T) {
	p := mustProblem(t, "deeplinear:k=3")
	mom, _ := NewMomentum[float64](p, 0.1, 0.5, 2)
	a, b := lsqData(6, 3, 5)
	s, _ := LeastSquares[float64](a, b, 3)
	sgd, _ := NewSGDFlow(s, 0.1)
	g, _ := ZeroSumGame[float64](p, 1)
	sim, _ := NewGameFlow(g, 0.1, 1, 1, false)
	alt, _ := NewGameFlow(g, 0.1, 1, 1, true)
	y, dy := []float64{0.6, 0.9, 1.3}, make([]float64, 3)
	for _, f := range []*Flow[float64]{mom, sgd, sim, alt} {
		if n := testing.AllocsPerRun(10, func() { f.F(dy, 0, y) }); n != 0 {
			t.Errorf("%s: %v allocations per evaluation", f.Name, n)
		}
	}
}
