package problems

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// Catalogue losses written once against Number, for FromGeneric.

func rosenG[N Number[N]](x []N) N {
	a := x[0].Neg().AddConst(1)
	b := x[1].Sub(x[0].Mul(x[0]))
	return a.Mul(a).Add(b.Mul(b).Scale(100))
}

func himmelblauG[N Number[N]](x []N) N {
	a := x[0].Mul(x[0]).Add(x[1]).AddConst(-11)
	b := x[0].Add(x[1].Mul(x[1])).AddConst(-7)
	return a.Mul(a).Add(b.Mul(b))
}

func logcoshG[N Number[N]](x []N) N { return x[0].Cosh().Log() }

func doublewellG[N Number[N]](x []N) N {
	a := x[0].Mul(x[0]).Scale(-1 / (2 * 0.2 * 0.2)).Exp()
	y := x[0].AddConst(-2)
	b := y.Mul(y).Scale(-0.5).Exp().Scale(1.2)
	return a.Add(b).Neg()
}

func deeplinear4G[N Number[N]](x []N) N {
	p := x[0]
	for _, w := range x[1:] {
		p = p.Mul(w)
	}
	r := p.AddConst(-1)
	return r.Mul(r).Scale(0.5)
}

// tanhLossG exercises Div, Sqrt, Tanh, Sin, Cos, Sinh on two variables.
func mixedG[N Number[N]](x []N) N {
	s := x[0].Mul(x[0]).Add(x[1].Mul(x[1])).AddConst(1).Sqrt()
	return x[0].Tanh().Mul(x[1].Sin()).Add(x[1].Cos().Div(s)).Add(x[0].Mul(x[1]).Sinh().Scale(0.1))
}

func generic(t *testing.T, name string, dim int, x0 []float64, r func([]Real) Real, c func([]Complex) Complex, h func([]Hyper) Hyper, j func([]Jet) Jet) *Problem {
	t.Helper()
	p, err := FromGeneric(Generic{Name: name, Dim: dim, X0: x0, Holomorphic: true, Real: r, Complex: c, Hyper: h, Jet: j})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGenericMatchesCatalogue compares the automatic derivatives of
// FromGeneric (hyper-dual in float64, complex triple-dual Jet for D3 and
// the complex Funcs) with the hand-written ones. Both are exact, so they
// agree to round-off: 1e−12 relative to the size of the quantities.
func TestGenericMatchesCatalogue(t *testing.T) {
	cases := []struct {
		spec string
		auto *Problem
	}{
		{"rosenbrock", generic(t, "r", 2, []float64{-1.2, 1}, rosenG[Real], rosenG[Complex], rosenG[Hyper], rosenG[Jet])},
		{"himmelblau", generic(t, "h", 2, nil, himmelblauG[Real], nil, himmelblauG[Hyper], himmelblauG[Jet])},
		{"logcosh", generic(t, "l", 1, []float64{0.5}, nil, logcoshG[Complex], logcoshG[Hyper], logcoshG[Jet])},
		{"doublewell", generic(t, "d", 1, []float64{0.1}, doublewellG[Real], nil, nil, doublewellG[Jet])},
		{"deeplinear:k=4", generic(t, "k", 4, []float64{0.5, 0.75, 1, 1.25}, nil, nil, deeplinear4G[Hyper], deeplinear4G[Jet])},
	}
	rnd := rand.New(rand.NewPCG(9, 9))
	for _, c := range cases {
		ref := mustByName(t, c.spec)
		n := ref.Dim
		for k, x := range testPoints(ref, 3) {
			u, v := randVec(rnd, n), randVec(rnd, n)
			cmpReal(t, c.spec, k, ref.Real, c.auto.Real, x, u, v)
			z, zu, zv := make([]complex128, n), make([]complex128, n), make([]complex128, n)
			for i := range z {
				z[i] = complex(x[i], 0.05*rnd.NormFloat64())
				zu[i], zv[i] = complex(u[i], v[i]), complex(v[i], -u[i])
			}
			cmpComplex(t, c.spec, k, ref.Complex, c.auto.Complex, z, zu, zv)
		}
	}
}

func relClose(a, b, scale float64) bool { return math.Abs(a-b) <= 1e-12*(1+scale) }

func cmpReal(t *testing.T, spec string, k int, ref, auto Funcs[float64], x, u, v []float64) {
	t.Helper()
	n := len(x)
	if a, b := ref.Func(x), auto.Func(x); !relClose(a, b, math.Abs(a)) {
		t.Errorf("%s point %d: Func %v vs generic %v", spec, k, a, b)
	}
	a, b := make([]float64, n*n), make([]float64, n*n)
	check := func(what string) {
		s := maxAbs(a[:n])
		if len(a) == n*n {
			s = maxAbs(a)
		}
		for i := range a {
			if !relClose(a[i], b[i], s) {
				t.Errorf("%s point %d: %s[%d] %v vs generic %v", spec, k, what, i, a[i], b[i])
			}
		}
	}
	ref.Hess(a, x)
	auto.Hess(b, x)
	check("Hess")
	a, b = a[:n], b[:n]
	ref.Grad(a, x)
	auto.Grad(b, x)
	check("Grad")
	ref.HessVec(a, x, v)
	auto.HessVec(b, x, v)
	check("HessVec")
	ref.D3(a, x, u, v)
	auto.D3(b, x, u, v)
	check("D3")
}

func cmpComplex(t *testing.T, spec string, k int, ref, auto *Funcs[complex128], z, u, v []complex128) {
	t.Helper()
	n := len(z)
	close := func(a, b complex128, s float64) bool { return cmplx.Abs(a-b) <= 1e-12*(1+s) }
	if a, b := ref.Func(z), auto.Func(z); !close(a, b, cmplx.Abs(a)) {
		t.Errorf("%s point %d: complex Func %v vs generic %v", spec, k, a, b)
	}
	a, b := make([]complex128, n*n), make([]complex128, n*n)
	check := func(what string) {
		s := maxAbsC(a)
		for i := range a {
			if !close(a[i], b[i], s) {
				t.Errorf("%s point %d: complex %s[%d] %v vs generic %v", spec, k, what, i, a[i], b[i])
			}
		}
	}
	ref.Hess(a, z)
	auto.Hess(b, z)
	check("Hess")
	a, b = a[:n], b[:n]
	ref.Grad(a, z)
	auto.Grad(b, z)
	check("Grad")
	ref.HessVec(a, z, v)
	auto.HessVec(b, z, v)
	check("HessVec")
	ref.D3(a, z, u, v)
	auto.D3(b, z, u, v)
	check("D3")
}

// TestGenericRoutesAgree checks, on a loss using every Number method,
// that the hyper-dual (float64) and Jet routes agree, that Jet's D3 is
// symmetric, and that ComplexStepGrad matches the exact gradient.
func TestGenericRoutesAgree(t *testing.T) {
	withHyper := generic(t, "m", 2, []float64{0.3, -0.7}, mixedG[Real], mixedG[Complex], mixedG[Hyper], mixedG[Jet])
	jetOnly := generic(t, "m", 2, []float64{0.3, -0.7}, nil, nil, nil, mixedG[Jet])
	rnd := rand.New(rand.NewPCG(10, 10))
	for k := range 5 {
		x, u, v := randVec(rnd, 2), randVec(rnd, 2), randVec(rnd, 2)
		cmpReal(t, "mixed", k, withHyper.Real, jetOnly.Real, x, u, v)
		g := make([]float64, 2)
		withHyper.Real.Grad(g, x)
		cs := ComplexStepGrad(nil, withHyper.Complex.Func, x)
		for i := range g {
			if !relClose(g[i], cs[i], math.Abs(g[i])) {
				t.Errorf("complex-step grad %v vs exact %v", cs, g)
			}
		}
		a, b := make([]float64, 2), make([]float64, 2)
		jetOnly.Real.D3(a, x, u, v)
		jetOnly.Real.D3(b, x, v, u)
		for i := range a {
			if !relClose(a[i], b[i], math.Abs(a[i])) {
				t.Errorf("D3 not symmetric: %v vs %v", a, b)
			}
		}
	}
	// The generic problem passes the same finite-difference checks as the
	// catalogue (runs the generic through TestRealDerivatives' machinery).
	z := []complex128{0.3 + 0.1i, -0.7 + 0.2i}
	checkComplexAt(t, "mixed", 0, withHyper.Complex, z, rnd)
}

// TestGenericErrors checks input validation.
func TestGenericErrors(t *testing.T) {
	for _, g := range []Generic{
		{Name: "nojet", Dim: 2},
		{Name: "dim0", Dim: 0, Jet: rosenG[Jet]},
		{Name: "x0", Dim: 2, X0: []float64{1}, Jet: rosenG[Jet]},
	} {
		if _, err := FromGeneric(g); err == nil {
			t.Errorf("%s: no error", g.Name)
		}
	}
	p, err := FromGeneric(Generic{Name: "real only", Dim: 2, Jet: rosenG[Jet]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ComplexFuncs(); err == nil {
		t.Error("non-holomorphic generic problem gave complex Funcs")
	}
}

func cubicG[N Number[N]](x []N) N {
	x2 := x[0].Mul(x[0])
	return x2.Scale(0.5).Add(x2.Mul(x[0]).Scale(1.0 / 3))
}

func quarticG[N Number[N]](x []N) N {
	x2 := x[0].Mul(x[0])
	return x2.Mul(x2).Scale(0.25).Add(x2.Scale(0.5))
}

func saddleG[N Number[N]](x []N) N { return x[0].Mul(x[0]).Sub(x[1].Mul(x[1])) }

func monkeyG[N Number[N]](x []N) N {
	return x[0].Mul(x[0]).Mul(x[0]).Sub(x[0].Mul(x[1]).Mul(x[1]).Scale(3))
}

func quad2dG[N Number[N]](x []N) N { return x[0].Mul(x[0]).Add(x[1].Mul(x[1]).Scale(0.01)) }

// mlpG is the MLP loss of NewMLP written against Number.
func mlpG[N Number[N]](m *mlp) func([]N) N {
	return func(th []N) N {
		o := m.h * m.p
		w1, b1 := th[:o], th[o:o+m.h]
		o += m.h
		w2, b2 := th[o:o+m.q*m.h], th[o+m.q*m.h:]
		e := th[0].Const(0)
		h := make([]N, m.h)
		for n := range m.nSamp {
			x, y := m.x[n*m.p:(n+1)*m.p], m.y[n*m.q:(n+1)*m.q]
			for j := range m.h {
				a := b1[j]
				for k, xk := range x {
					a = a.Add(w1[j*m.p+k].Scale(xk))
				}
				h[j] = a.Tanh()
			}
			for k := range m.q {
				r := b2[k].AddConst(-y[k])
				for j := range m.h {
					r = r.Add(w2[k*m.h+j].Mul(h[j]))
				}
				e = e.Add(r.Mul(r))
			}
		}
		return e.Scale(0.5 / float64(m.nSamp))
	}
}

// logRegG is the loss of NewLogReg written against Number.
func logRegG[N Number[N]](l *logReg) func([]N) N {
	return func(w []N) N {
		e := w[0].Const(0)
		for i := range l.n {
			z := w[0].Const(0)
			for j, xij := range l.margin(i) {
				z = z.Add(w[j].Scale(-l.y[i] * xij))
			}
			e = e.Add(z.Exp().AddConst(1).Log())
		}
		ww := w[0].Const(0)
		for _, wi := range w {
			ww = ww.Add(wi.Mul(wi))
		}
		return e.Scale(1 / float64(l.n)).Add(ww.Scale(l.lambda / 2))
	}
}

// TestGenericMatchesDataProblems repeats TestGenericMatchesCatalogue for
// the simple closed forms and for the data-driven losses (MLP: checks the
// R-operator HVP and the hyper-dual D3 against independent automatic
// differentiation of the plain loss).
func TestGenericMatchesDataProblems(t *testing.T) {
	m := &mlp{nSamp: 5, p: 3, h: 4, q: 2}
	genMLP(m, 2)
	l := genLogReg(30, 4, 0.01, 1)
	cases := []struct {
		spec string
		auto *Problem
	}{
		{"cubic", generic(t, "c", 1, nil, nil, nil, cubicG[Hyper], cubicG[Jet])},
		{"quartic", generic(t, "q", 1, nil, nil, nil, quarticG[Hyper], quarticG[Jet])},
		{"saddle", generic(t, "s", 2, nil, nil, nil, saddleG[Hyper], saddleG[Jet])},
		{"monkeysaddle", generic(t, "m", 2, nil, nil, nil, monkeyG[Hyper], monkeyG[Jet])},
		{"quadratic2d", generic(t, "q2", 2, nil, nil, nil, quad2dG[Hyper], quad2dG[Jet])},
		{"mlp:n=5,in=3,hidden=4,out=2,seed=2", generic(t, "mlp", m.dim(), nil, mlpG[Real](m), nil, mlpG[Hyper](m), mlpG[Jet](m))},
		{"logreg:n=30,p=4", generic(t, "lr", 4, nil, nil, nil, logRegG[Hyper](l), logRegG[Jet](l))},
	}
	rnd := rand.New(rand.NewPCG(13, 13))
	for _, c := range cases {
		ref := mustByName(t, c.spec)
		n := ref.Dim
		for k, x := range testPoints(ref, 4) {
			u, v := randVec(rnd, n), randVec(rnd, n)
			cmpReal(t, c.spec, k, ref.Real, c.auto.Real, x, u, v)
			z, zu, zv := make([]complex128, n), make([]complex128, n), make([]complex128, n)
			for i := range z {
				z[i] = complex(x[i], 0.05*rnd.NormFloat64())
				zu[i], zv[i] = complex(u[i], v[i]), complex(v[i], -u[i])
			}
			cmpComplex(t, c.spec, k, ref.Complex, c.auto.Complex, z, zu, zv)
		}
	}
}

// TestGenericNoAllocs checks that the derived Funcs reuse pooled
// workspaces (the user's loss itself must not allocate for this to hold).
func TestGenericNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	p := generic(t, "r", 2, []float64{-1.2, 1}, rosenG[Real], rosenG[Complex], rosenG[Hyper], rosenG[Jet])
	x, u, dst, h := []float64{0.3, 0.4}, []float64{1, -1}, make([]float64, 2), make([]float64, 4)
	z, zd := []complex128{0.3 + 0.1i, 0.4}, make([]complex128, 2)
	allocs := testing.AllocsPerRun(20, func() {
		p.Real.Func(x)
		p.Real.Grad(dst, x)
		p.Real.Hess(h, x)
		p.Real.HessVec(dst, x, u)
		p.Real.D3(dst, x, u, u)
		p.Complex.Grad(zd, z)
		p.Complex.D3(zd, z, z, z)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per call set", allocs)
	}
}
