package benchprob

import (
	"math"
	"math/cmplx"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// dense returns A = Q diag(λ) Q built entry by entry.
func dense(s *SPD) *mat.Dense {
	d := len(s.U)
	q := mat.NewDense(d, d, nil)
	for i := range d {
		for j := range d {
			v := -2 * s.U[i] * s.U[j]
			if i == j {
				v++
			}
			q.Set(i, j, v)
		}
	}
	var a mat.Dense
	a.Mul(q, mat.NewDiagDense(d, s.Lambda))
	a.Mul(&a, q)
	return &a
}

// TestSPDEigen checks the benchmark matrix against LAPACK's symmetric
// eigensolver: its spectrum is λ (log-spaced 0.01..1) and Q is a
// reflector (u is a unit vector).
func TestSPDEigen(t *testing.T) {
	for _, d := range []int{2, 11, 100} {
		s := NewSPD(d)
		if s.Lambda[0] != 0.01 || s.Lambda[d-1] != 1 {
			t.Errorf("d=%d: λ range %v..%v", d, s.Lambda[0], s.Lambda[d-1])
		}
		var nrm float64
		for _, u := range s.U {
			nrm += u * u
		}
		if math.Abs(nrm-1) > 4e-16*float64(d) {
			t.Errorf("d=%d: ‖u‖² = %v", d, nrm)
		}
		a := dense(s)
		sym := mat.NewSymDense(d, nil)
		for i := range d {
			for j := i; j < d; j++ {
				sym.SetSym(i, j, (a.At(i, j)+a.At(j, i))/2)
			}
		}
		var es mat.EigenSym
		if !es.Factorize(sym, false) {
			t.Fatal("EigenSym failed")
		}
		got := es.Values(nil)
		slices.Sort(got)
		for i, l := range s.Lambda {
			// Backward-stable eigensolver on a matrix of norm 1: errors of
			// a few ε·d.
			if math.Abs(got[i]-l) > 1e-14 {
				t.Errorf("d=%d: eigenvalue %d = %v, want %v", d, i, got[i], l)
			}
		}
	}
}

// TestGradFlow checks the right-hand side against −Aθ with the dense A and
// the exact solution against gonum's matrix exponential e^{−100A}θ0.
func TestGradFlow(t *testing.T) {
	const d = 100
	a := dense(NewSPD(d))
	for _, p := range []*Problem[float64]{NewGradFlow(d), NewGradFlowHouseholder(d)} {
		testGradFlow(t, p, a)
	}
	if NewGradFlow(d).Name != "gradflow_d100" || NewGradFlowHouseholder(d).Name != "gradflow_d100_householder" {
		t.Errorf("names %q, %q", NewGradFlow(d).Name, NewGradFlowHouseholder(d).Name)
	}
}

func testGradFlow(t *testing.T, p *Problem[float64], a *mat.Dense) {
	const d = 100
	if p.T1 != 100 || len(p.Y0) != d || p.Samples != 0 {
		t.Fatalf("problem %+v", p)
	}
	y := make([]float64, d)
	for i := range y {
		y[i] = math.Sin(float64(i + 1))
	}
	dy := make([]float64, d)
	p.F(dy, 0, y)
	var want mat.VecDense
	want.MulVec(a, mat.NewVecDense(d, y))
	for i := range dy {
		// One reflection, or one row of the dense product, costs O(d)
		// roundings of size ≤ 1.
		if math.Abs(dy[i]+want.AtVec(i)) > 1e-14 {
			t.Fatalf("%s: F[%d] = %v, −(Aθ)_i = %v", p.Name, i, dy[i], -want.AtVec(i))
		}
	}
	var e mat.Dense
	e.Scale(-100, a)
	e.Exp(&e)
	var ex mat.VecDense
	ex.MulVec(&e, mat.NewVecDense(d, p.Y0))
	// gonum's Padé exponential scales ‖100A‖ = 100 down by 2^7 and squares
	// back, each squaring costing a few ε·d relative to ‖θ0‖∞ = 1: 1e-12
	// is ample, and with components up to 0.1 this checks 11 digits.
	if err := p.Error(ex.RawVector().Data); err > 1e-12 {
		t.Errorf("exact solution differs from expm by %g", err)
	}
}

// TestPrincipal checks that e^{hμ} = 1 − hλ on the principal branch, that
// F is Lθ, and that the reference is (I − hA)^55 θ0 by 55 dense products.
func TestPrincipal(t *testing.T) {
	const d = 100
	s := NewSPD(d)
	h := s.PrincipalH()
	if h != 1.8 {
		t.Fatalf("h = %v, want 1.8/λmax = 1.8", h)
	}
	mu := s.PrincipalRates(h)
	for i, l := range s.Lambda {
		g := 1 - h*l
		if z := cmplx.Exp(complex(h, 0) * mu[i]); cmplx.Abs(z-complex(g, 0)) > 4e-16 {
			t.Errorf("e^{hμ_%d} = %v, want %v", i, z, g)
		}
		if wantIm := 0.0; g < 0 {
			wantIm = math.Pi / h
			if math.Abs(imag(mu[i])-wantIm) > 1e-15 {
				t.Errorf("Im μ_%d = %v, want π/h", i, imag(mu[i]))
			}
		} else if imag(mu[i]) != 0 {
			t.Errorf("Im μ_%d = %v, want 0", i, imag(mu[i]))
		}
	}
	for _, p := range []*Problem[complex128]{NewPrincipal(d), NewPrincipalHouseholder(d)} {
		testPrincipal(t, p, s, mu)
	}
	if NewPrincipal(d).Name != "principal_d100" || NewPrincipalHouseholder(d).Name != "principal_d100_householder" {
		t.Errorf("names %q, %q", NewPrincipal(d).Name, NewPrincipalHouseholder(d).Name)
	}
}

func testPrincipal(t *testing.T, p *Problem[complex128], s *SPD, mu []complex128) {
	const d = 100
	h := s.PrincipalH()
	if p.T1 != 55*h {
		t.Fatalf("problem %s on [0, %v]", p.Name, p.T1)
	}
	// F maps the eigenvector Q e_k to μ_k Q e_k.
	k := d - 1
	e := make([]float64, d)
	e[k] = 1
	s.Reflect(e, e)
	y := make([]complex128, d)
	for i, v := range e {
		y[i] = complex(v, 0)
	}
	dy := make([]complex128, d)
	p.F(dy, 0, y)
	for i := range dy {
		if cmplx.Abs(dy[i]-mu[k]*y[i]) > 1e-14 {
			t.Fatalf("%s: F(Qe_k)[%d] = %v, want %v", p.Name, i, dy[i], mu[k]*y[i])
		}
	}
	a := dense(s)
	var g mat.Dense
	g.Scale(-h, a)
	for i := range d {
		g.Set(i, i, 1+g.At(i, i))
	}
	x := mat.NewVecDense(d, append([]float64(nil), ones[float64](d)...))
	for range PrincipalSteps {
		x.MulVec(&g, x)
	}
	ref := make([]complex128, d)
	for i := range ref {
		ref[i] = complex(x.AtVec(i), 0)
	}
	// |1 − hλ| ≤ 0.8: 55 products each add ~d·ε relative; the largest
	// component is ~1.
	if err := p.Error(ref); err > 1e-12 {
		t.Errorf("reference differs from 55 dense GD steps by %g", err)
	}
}

// TestClassics checks the initial values and constants of
// docs/benchmarks.md and the complex right-hand sides against the real
// ones on real states.
func TestClassics(t *testing.T) {
	if got := KeplerEnergy(KeplerY0()); math.Abs(got+0.5) > 1e-15 {
		t.Errorf("H0 = %v, want −1/2", got)
	}
	ke := NewKeplerEnergy()
	if ke.Samples != 100000 || ke.SampleTime(100000) != ke.T1 || math.Abs(ke.SampleTime(100)-2*math.Pi) > 1e-13 || ke.Sample(ke.Y0) != 0 {
		t.Errorf("kepler_energy samples %d, t_100 = %v", ke.Samples, ke.SampleTime(100))
	}
	y := []float64{0.5, -0.3, 0.2, 1.1}
	dy := make([]float64, 4)
	dc := make([]complex128, 4)
	yc := []complex128{0.5, -0.3, 0.2, 1.1}
	Arenstorf(dy, 0, y)
	ArenstorfC(dc, 0, yc)
	for i := range dy {
		// csqrt and math.Sqrt may differ in the last bit.
		if cmplx.Abs(dc[i]-complex(dy[i], 0)) > 1e-14*math.Abs(dy[i]) {
			t.Errorf("arenstorf[%d]: %v vs %v", i, dc[i], dy[i])
		}
	}
	Lorenz(dy[:3], 0, y[:3])
	LorenzC(dc[:3], 0, yc[:3])
	for i := range 3 {
		if dc[i] != complex(dy[i], 0) {
			t.Errorf("lorenz[%d]: %v vs %v", i, dc[i], dy[i])
		}
	}
	// The Arenstorf orbit's y0 is an equilibrium of nothing: its
	// acceleration y1″(0) = y1 + 2y2′ − μ′(y1+μ)/D1 − μ(y1−μ′)/D2 by hand.
	Arenstorf(dy, 0, ArenstorfY0())
	mu := ArenstorfMu
	a, b := 0.994+mu, 0.994-(1-mu)
	want := 0.994 + 2*arenstorfV0 - (1-mu)*a/math.Pow(a*a, 1.5) - mu*b/math.Pow(b*b, 1.5)
	if math.Abs(dy[2]-want) > 1e-13*math.Abs(want) || dy[3] != 0 {
		t.Errorf("arenstorf y″(0) = (%v, %v), want (%v, 0)", dy[2], dy[3], want)
	}
	// strconv rounds correctly too: the float64 references are the
	// nearest doubles to the decimal strings.
	for name, got := range map[string][]float64{"lorenz": LorenzRef(), "vanderpol": VanDerPolRef()} {
		for i, s := range references[name] {
			if want, err := strconv.ParseFloat(s, 64); err != nil || got[i] != want {
				t.Errorf("%s reference[%d] = %v, want %v", name, i, got[i], want)
			}
		}
	}
	names := []string{"arenstorf", "lorenz", "vanderpol", "kepler_energy", "kepler_final", "gradflow_d100", "gradflow_d1000", "principal_d100", "principal_d1000",
		"gradflow_d100_householder", "gradflow_d1000_householder", "principal_d100_householder", "principal_d1000_householder"}
	if got := Names(); !slices.Equal(got, names) {
		t.Errorf("names %v", got)
	}
	for _, e := range Entries() {
		if (e.Real == nil) == (e.Complex == nil) {
			t.Errorf("%s: exactly one of Real, Complex must be set", e.Name)
		}
		if e.Real != nil && e.Real().Name != e.Name || e.Complex != nil && e.Complex().Name != e.Name {
			t.Errorf("%s: the problem built has another name", e.Name)
		}
	}
}

// TestVanDerPolJac checks the analytic Jacobian against gonum's central
// differences of VanDerPol at a few states.
func TestVanDerPolJac(t *testing.T) {
	for _, y := range [][]float64{{2, 0}, {0.3, -1.7}, {-1.1, 0.05}} {
		got := mat.NewDense(2, 2, nil)
		VanDerPolJac(got.RawMatrix().Data, 0, y)
		want := mat.NewDense(2, 2, nil)
		fd.Jacobian(want, func(dy, x []float64) { VanDerPol(dy, 0, x) }, y, &fd.JacobianSettings{Formula: fd.Central})
		// Central differences with gonum's step 6e-6 on entries up to
		// ~4e3 (1/ε = 1e3 times O(1)): truncation ≈ h²·|f'''| ≈ 4e-8,
		// round-off ≈ ε_mach·|f|/h ≈ 1e-7 relative to 4e3, so 1e-6
		// relative to the largest entry.
		if !mat.EqualApprox(got, want, 1e-6*mat.Norm(want, math.Inf(1))) {
			t.Errorf("y = %v: Jacobian %v, finite differences %v", y, mat.Formatted(got), mat.Formatted(want))
		}
	}
}

// TestKeplerForce checks KeplerForce against Kepler's p′ and against
// −∇V of V(q) = −1/|q| by gonum's central differences.
func TestKeplerForce(t *testing.T) {
	for _, q := range [][]float64{{0.5, 0}, {-0.3, 1.2}, {2.5, -0.7}} {
		dp := make([]float64, 2)
		KeplerForce(dp, q)
		dy := make([]float64, 4)
		Kepler(dy, 0, []float64{q[0], q[1], 0.25, -2})
		if dy[2] != dp[0] || dy[3] != dp[1] || dy[0] != 0.25 || dy[1] != -2 {
			t.Errorf("Kepler %v, KeplerForce %v", dy, dp)
		}
		g := fd.Gradient(nil, func(x []float64) float64 { return -1 / math.Hypot(x[0], x[1]) }, q, &fd.Settings{Formula: fd.Central})
		// |∇V| = 1/|q|² ≤ 4 here; central differences are accurate to ~1e-9.
		for i := range g {
			if math.Abs(dp[i]+g[i]) > 1e-8 {
				t.Errorf("q = %v: force %v, −∇V by differences %v", q, dp, g)
			}
		}
	}
	// q0 = (1 − e, 0), p0 = (0, √((1+e)/(1−e))) = (0, √3) at e = ½.
	y := KeplerY0()
	if y[0] != 0.5 || y[1] != 0 || y[2] != 0 || y[3] != math.Sqrt(3) {
		t.Errorf("KeplerY0 = %v", y)
	}
}
