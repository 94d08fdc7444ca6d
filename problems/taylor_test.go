package problems

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// mixLoss uses every Number operation.
func mixLoss[N Number[N]](x []N) N {
	a := x[0].Scale(0.3).Sub(x[1].Scale(0.2)).Exp()
	b := x[0].Mul(x[0]).AddConst(2).Log()
	c := x[1].Mul(x[1]).Add(x[2].Mul(x[2])).AddConst(1).Sqrt()
	d := x[0].Mul(x[2]).Sin().Add(x[1].Cos())
	e := x[2].Scale(0.5).Sinh().Add(x[0].Scale(0.4).Cosh()).Add(x[1].Mul(x[2]).Tanh())
	f := x[0].Const(1).Div(x[1].Mul(x[1]).AddConst(3))
	return a.Add(b).Add(c).Add(d).Add(e).Sub(f.Neg().Neg()).Add(x[0].Const(0.25))
}

func randTaylor(rng *rand.Rand, deg int, c0 complex128) Taylor {
	x := Taylor{N: deg}
	x.C[0] = c0
	for k := 1; k <= deg; k++ {
		x.C[k] = complex(rng.Float64()-0.5, rng.Float64()-0.5)
	}
	return x
}

func taylorClose(t *testing.T, what string, got, want Taylor, tol float64) {
	t.Helper()
	for k := 0; k <= max(got.N, want.N); k++ {
		if d := cmplx.Abs(got.C[k] - want.C[k]); d > tol*(1+cmplx.Abs(want.C[k])) {
			t.Errorf("%s: coefficient %d = %v, want %v", what, k, got.C[k], want.C[k])
		}
	}
}

// Algebraic identities check every recurrence against the others and
// against Mul: they hold exactly for formal power series, so the
// residual is round-off (tolerance 1e-12 for degree-10 series with O(1)
// coefficients).
func TestTaylorIdentities(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const tol = 1e-12
	for range 20 {
		x := randTaylor(rng, 10, complex(0.3+rng.Float64(), 0.5*rng.Float64()-0.25))
		y := randTaylor(rng, 10, complex(1+rng.Float64(), 0.2))
		one := x.Const(1)
		taylorClose(t, "exp(log x)", x.Log().Exp(), x, tol)
		taylorClose(t, "sqrt²", x.Sqrt().Mul(x.Sqrt()), x, tol)
		taylorClose(t, "(x/y)·y", x.Div(y).Mul(y), x, tol)
		taylorClose(t, "sin²+cos²", x.Sin().Mul(x.Sin()).Add(x.Cos().Mul(x.Cos())), one, tol)
		taylorClose(t, "cosh²−sinh²", x.Cosh().Mul(x.Cosh()).Sub(x.Sinh().Mul(x.Sinh())), one, tol)
		taylorClose(t, "tanh", x.Tanh(), x.Sinh().Div(x.Cosh()), tol)
		taylorClose(t, "exp(a+b)", x.Add(y).Exp(), x.Exp().Mul(y.Exp()), tol)
	}
	// exp(x0 + t) = e^x0 Σ t^k/k!.
	x := Taylor{N: MaxTaylorDegree}
	x.C[0], x.C[1] = 0.7, 1
	e := x.Exp()
	f := 1.0
	for k := 0; k <= MaxTaylorDegree; k++ {
		if k > 0 {
			f *= float64(k)
		}
		if d := math.Abs(real(e.C[k]) - math.Exp(0.7)/f); d > 1e-15*math.Exp(0.7) {
			t.Errorf("exp coefficient %d off by %g", k, d)
		}
	}
}

func mixDerivs(t *testing.T) (*Derivs, *Problem) {
	t.Helper()
	p, err := FromGeneric(Generic{Name: "mix", Dim: 3, X0: []float64{0.3, -0.4, 0.2}, Holomorphic: true,
		Jet: mixLoss[Jet], Taylor: mixLoss[Taylor]})
	if err != nil {
		t.Fatal(err)
	}
	d, err := DerivsOf(p)
	if err != nil {
		t.Fatal(err)
	}
	return d, p
}

// Orders 1–3 against the independent Jet route of FromGeneric (Grad,
// HessVec, D3), at a real and a complex point. Both are exact up to
// round-off; the polarisation sums 2^k(n+1) terms of size O(|D^K E|), so
// 1e-12 relative.
func TestDerivsMatchJet(t *testing.T) {
	d, p := mixDerivs(t)
	u := []complex128{0.5, -1, 0.25}
	v := []complex128{-0.3, 0.7, 1.1}
	for _, x := range [][]complex128{{0.3, -0.4, 0.2}, {0.3 + 0.2i, -0.4 - 0.1i, 0.2 + 0.3i}} {
		got, want := make([]complex128, 3), make([]complex128, 3)
		check := func(what string) {
			for i := range got {
				if cmplx.Abs(got[i]-want[i]) > 1e-12*(1+cmplx.Abs(want[i])) {
					t.Errorf("%s at %v: component %d = %v, want %v", what, x, i, got[i], want[i])
				}
			}
		}
		d.Contract(got, x)
		p.Complex.Grad(want, x)
		check("gradient")
		d.Contract(got, x, u)
		p.Complex.HessVec(want, x, u)
		check("Hv")
		d.Contract(got, x, u, v)
		p.Complex.D3(want, x, u, v)
		check("D3[u,v]")
		d.Contract(got, x, u, u)
		p.Complex.D3(want, x, u, u)
		check("D3[u,u]")
	}
	rx := []float64{0.3, -0.4, 0.2}
	ru := []float64{0.5, -1, 0.25}
	got, want := make([]float64, 3), make([]float64, 3)
	d.ContractReal(got, rx, ru, ru)
	p.Real.D3(want, rx, ru, ru)
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
			t.Errorf("real D3: %v vs %v", got, want)
		}
	}
}

// Orders up to 10 against closed forms: for E = exp(a·x) + sin(b·x),
// D^(k+1)E[v1…vk, ·] = a e^(a·x) Π(a·v_j) + b sin(b·x + (k+1)π/2) Π(b·v_j).
func TestDerivsClosedForm(t *testing.T) {
	a := []float64{0.3, -0.5, 0.2, 0.1}
	b := []float64{-0.4, 0.25, 0.6, -0.3}
	loss := func(x []Taylor) Taylor {
		sa, sb := x[0].Const(0), x[0].Const(0)
		for i := range x {
			sa = sa.Add(x[i].Scale(a[i]))
			sb = sb.Add(x[i].Scale(b[i]))
		}
		return sa.Exp().Add(sb.Sin())
	}
	d, err := NewDerivs(4, loss)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x := []float64{0.2, -0.1, 0.4, 0.3}
	dot := func(u, v []float64) float64 {
		s := 0.0
		for i := range u {
			s += u[i] * v[i]
		}
		return s
	}
	for k := 0; k+1 < MaxTaylorDegree && k <= 9; k++ {
		vs := make([][]float64, k)
		pa, pb := 1.0, 1.0
		for j := range vs {
			if j > 0 && j%3 == 0 {
				vs[j] = vs[j-1] // some repeats to exercise the multiplicities
			} else {
				vs[j] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
			}
			pa *= dot(a, vs[j])
			pb *= dot(b, vs[j])
		}
		got := make([]float64, 4)
		d.ContractReal(got, x, vs...)
		ea := math.Exp(dot(a, x)) * pa
		eb := math.Sin(dot(b, x)+float64(k+1)*math.Pi/2) * pb
		scale := math.Abs(ea) + math.Abs(eb)
		for i := range got {
			want := a[i]*ea + b[i]*eb
			// 2^k-term alternating sums of O(scale) terms: 1e-13·2^k.
			if math.Abs(got[i]-want) > 1e-13*math.Pow(2, float64(k))*scale {
				t.Errorf("k=%d component %d: %v, want %v (scale %g)", k, i, got[i], want, scale)
			}
		}
	}
}

// Order 5 and 6 against central finite differences of order 4 and 5:
// D^(k+1)E[v…, e_i] = ∂_i D^kE[v…]; the O(ε²) truncation with ε = 1e-3
// and O(ε⁻¹·1e-16) round-off give about 1e-6 relative.
func TestDerivsFiniteDifference(t *testing.T) {
	d, _ := mixDerivs(t)
	x := []float64{0.3, -0.4, 0.2}
	vs := [][]float64{{0.5, -1, 0.25}, {-0.3, 0.7, 1.1}, {0.2, 0.1, -0.6}, {1, 0.5, 0.3}, {-0.2, 0.4, 0.9}}
	for k := 4; k <= 5; k++ {
		got := make([]float64, 3)
		d.ContractReal(got, x, vs[:k]...)
		lower := func(y []float64) float64 {
			g := make([]float64, 3)
			d.ContractReal(g, y, vs[:k-1]...)
			return g[0]*vs[k-1][0] + g[1]*vs[k-1][1] + g[2]*vs[k-1][2]
		}
		const eps = 1e-3
		for i := range 3 {
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			xp[i] += eps
			xm[i] -= eps
			fd := (lower(xp) - lower(xm)) / (2 * eps)
			if math.Abs(fd-got[i]) > 1e-5*(1+math.Abs(got[i])) {
				t.Errorf("k=%d component %d: %v, finite difference %v", k, i, got[i], fd)
			}
		}
	}
}

// The twins agree with the hand-written catalogue derivatives (to D³E).
func TestTwins(t *testing.T) {
	for name := range twinTable {
		p, err := ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := DerivsOf(p)
		if err != nil {
			t.Fatal(err)
		}
		n := p.Dim
		x := p.Start()
		for i := range x {
			x[i] += 0.1 * float64(i+1)
		}
		u := make([]float64, n)
		for i := range u {
			u[i] = 0.7 - 0.3*float64(i)
		}
		got, want := make([]float64, n), make([]float64, n)
		for k, f := range []func(){
			func() { p.Real.Grad(want, x); d.ContractReal(got, x) },
			func() { p.Real.HessVec(want, x, u); d.ContractReal(got, x, u) },
			func() { p.Real.D3(want, x, u, u); d.ContractReal(got, x, u, u) },
		} {
			f()
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-11*(1+math.Abs(want[i])) {
					t.Errorf("%s order %d: %v vs %v", name, k+1, got, want)
				}
			}
		}
	}
	p, err := ByName("deeplinear")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DerivsOf(p); !errors.Is(err, ErrNoDerivs) || !errors.Is(err, ErrBadParameter) {
		t.Errorf("DerivsOf(deeplinear): %v", err)
	}
	if _, err := NewDerivs(0, nil); err == nil {
		t.Error("NewDerivs(0) accepted")
	}
}

// Derivs is safe for concurrent use: goroutines sharing one Derivs get the
// same contractions as a serial call (run with -race to check the pools).
func TestDerivsConcurrent(t *testing.T) {
	d, _ := mixDerivs(t)
	x := []float64{0.3, -0.4, 0.2}
	u := []float64{0.5, -1, 0.25}
	v := []float64{-0.3, 0.7, 1.1}
	want := make([]float64, 3)
	d.ContractReal(want, x, u, v, u)
	errs := make(chan string, 8)
	done := make(chan bool)
	for range 8 {
		go func() {
			got := make([]float64, 3)
			for range 20 {
				d.ContractReal(got, x, u, v, u)
				for i := range got {
					if got[i] != want[i] {
						errs <- "differs"
						done <- true
						return
					}
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
