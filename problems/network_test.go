package problems

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// netLossG is the network loss of NewNetwork written once against Number,
// for FromGeneric: an independent route (automatic differentiation by
// hyper-dual and triple-dual numbers) to every derivative.
func netLossG[N Number[N]](layers []int, actK Activation, xs, ys []float64) func(th []N) N {
	return func(th []N) N {
		zero := th[0].Const(0)
		p, q := layers[0], layers[len(layers)-1]
		n := len(xs) / p
		total := zero
		for e := range n {
			z := make([]N, p)
			for j := range z {
				z[j] = zero.Const(xs[e*p+j])
			}
			o := 0
			for l := 1; l < len(layers); l++ {
				in, out := layers[l-1], layers[l]
				a := make([]N, out)
				for k := range out {
					s := th[o+out*in+k]
					for j := range in {
						s = s.Add(th[o+k*in+j].Mul(z[j]))
					}
					if l < len(layers)-1 {
						if actK == Tanh {
							s = s.Tanh()
						} else {
							s = s.Div(s.Neg().Exp().AddConst(1))
						}
					}
					a[k] = s
				}
				o += out * (in + 1)
				z = a
			}
			for k := range q {
				r := z[k].AddConst(-ys[e*q+k])
				total = total.Add(r.Mul(r))
			}
		}
		return total.Scale(1 / float64(n))
	}
}

func tinyNet(t *testing.T, layers []int, a Activation, n int, seed uint64) (*Problem, *Problem) {
	t.Helper()
	rnd := rand.New(rand.NewPCG(seed, 1))
	p, q := layers[0], layers[len(layers)-1]
	xs, ys := randVec(rnd, n*p), randVec(rnd, n*q)
	net, err := NewNetwork(NetworkSpec{Layers: layers, Activation: a, X: xs, Y: ys, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := FromGeneric(Generic{
		Name: "ref", Dim: net.Dim, X0: net.X0, Holomorphic: true,
		Real:    netLossG[Real](layers, a, xs, ys),
		Complex: netLossG[Complex](layers, a, xs, ys),
		Hyper:   netLossG[Hyper](layers, a, xs, ys),
		Jet:     netLossG[Jet](layers, a, xs, ys),
	})
	if err != nil {
		t.Fatal(err)
	}
	return net, ref
}

func relErr(a, b []float64) float64 {
	var d, s float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		s = math.Max(s, math.Abs(b[i]))
	}
	return d / math.Max(s, 1e-300)
}

// TestNetworkAgainstGeneric compares value, gradient, HVP and D³ with the
// automatic-differentiation route of FromGeneric on tiny networks (both
// are exact, so they agree to round-off: tolerance 1e-11 relative to the
// largest component, a few hundred ulps of accumulated sums).
func TestNetworkAgainstGeneric(t *testing.T) {
	for _, c := range []struct {
		layers []int
		act    Activation
		n      int
	}{
		{[]int{3, 4, 2}, Tanh, 5},
		{[]int{2, 3, 3, 1}, Swish, 40}, // 40 examples: 3 chunks
		{[]int{2, 3, 2, 2}, Tanh, 17},
	} {
		net, ref := tinyNet(t, c.layers, c.act, c.n, 7)
		rnd := rand.New(rand.NewPCG(3, 3))
		d := net.Dim
		for k := range 3 {
			x := net.Start()
			for i := range x {
				x[i] += 0.5 * rnd.NormFloat64()
			}
			u, v := randVec(rnd, d), randVec(rnd, d)
			if e1, e2 := net.Real.Func(x), ref.Real.Func(x); math.Abs(e1-e2) > 1e-13*math.Abs(e2) {
				t.Errorf("%v %v #%d: E = %v, generic %v", c.layers, c.act, k, e1, e2)
			}
			a, b := make([]float64, d), make([]float64, d)
			net.Real.Grad(a, x)
			ref.Real.Grad(b, x)
			if r := relErr(a, b); r > 1e-11 {
				t.Errorf("%v %v #%d: grad rel err %.3g", c.layers, c.act, k, r)
			}
			net.Real.HessVec(a, x, v)
			ref.Real.HessVec(b, x, v)
			if r := relErr(a, b); r > 1e-11 {
				t.Errorf("%v %v #%d: HVP rel err %.3g", c.layers, c.act, k, r)
			}
			net.Real.D3(a, x, u, v)
			ref.Real.D3(b, x, u, v)
			if r := relErr(a, b); r > 1e-11 {
				t.Errorf("%v %v #%d: D3 rel err %.3g", c.layers, c.act, k, r)
			}
			// Third route: the complex step on the complex HVP.
			netD3(d, *net.Complex)(b, x, u, v)
			if r := relErr(a, b); r > 1e-11 {
				t.Errorf("%v %v #%d: D3 vs complex step rel err %.3g", c.layers, c.act, k, r)
			}
			// Complex HVP at a complex point against the Jet route.
			z := make([]complex128, d)
			vc := make([]complex128, d)
			for i := range z {
				z[i] = complex(x[i], 0.1*rnd.NormFloat64())
				vc[i] = complex(v[i], 0)
			}
			ca, cb := make([]complex128, d), make([]complex128, d)
			net.Complex.HessVec(ca, z, vc)
			ref.Complex.HessVec(cb, z, vc)
			var dm, sm float64
			for i := range ca {
				dm = math.Max(dm, cmplxAbs(ca[i]-cb[i]))
				sm = math.Max(sm, cmplxAbs(cb[i]))
			}
			if dm > 1e-11*sm {
				t.Errorf("%v %v #%d: complex HVP rel err %.3g", c.layers, c.act, k, dm/sm)
			}
			uc := make([]complex128, d)
			for i := range uc {
				uc[i] = complex(u[i], 0.3*v[i])
			}
			net.Complex.D3(ca, z, uc, vc)
			ref.Complex.D3(cb, z, uc, vc)
			dm, sm = 0, 0
			for i := range ca {
				dm = math.Max(dm, cmplxAbs(ca[i]-cb[i]))
				sm = math.Max(sm, cmplxAbs(cb[i]))
			}
			if dm > 1e-11*sm {
				t.Errorf("%v %v #%d: complex D3 rel err %.3g", c.layers, c.act, k, dm/sm)
			}
		}
	}
}

func cmplxAbs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }

// netD3Step is the complex step of the D³ contraction. The imaginary part
// of Hv at θ + iεv is ε·D³E[u,v] + O(ε³), with no subtraction (Squire and
// Trapp, SIAM Review 40 (1998) 110–112), so any ε small enough that ε² is
// below round-off relative to the leading term and large enough that
// ε·|D³E| does not underflow gives the derivative to round-off.
const netD3Step = 1e-30

// netD3 returns the real D³ contraction by the complex step on the complex
// Hessian-vector product: D³E(θ)[u,v] = Im(∇²E(θ + iεv)·u)/ε.
func netD3(n int, c Funcs[complex128]) func(dst, th, u, v []float64) {
	type buf struct{ z, u, hv []complex128 }
	pool := &sync.Pool{New: func() any {
		return &buf{make([]complex128, n), make([]complex128, n), make([]complex128, n)}
	}}
	return func(dst, th, u, v []float64) {
		checkLen("network D3", n, dst, th, u, v)
		b := pool.Get().(*buf)
		defer pool.Put(b)
		for i := range th {
			b.z[i] = complex(th[i], netD3Step*v[i])
			b.u[i] = complex(u[i], 0)
		}
		c.HessVec(b.hv, b.z, b.u)
		for i, h := range b.hv {
			dst[i] = imag(h) / netD3Step
		}
	}
}

// TestNetworkFiniteDifferences checks the gradient, HVP and D³ against
// central differences of the level below (step 1e-5: truncation
// O(ε²·|next derivative|) ≈ 1e-10, round-off ≈ 1e-16/ε ≈ 1e-11, relative
// to O(1) derivatives; tolerance 1e-6 leaves a margin of 1e4 for the
// constants).
func TestNetworkFiniteDifferences(t *testing.T) {
	net, _ := tinyNet(t, []int{4, 5, 3, 2}, Swish, 33, 5)
	d := net.Dim
	rnd := rand.New(rand.NewPCG(9, 9))
	x := net.Start()
	u, v := randVec(rnd, d), randVec(rnd, d)
	const eps = 1e-5
	shift := func(s float64, w []float64) []float64 {
		y := append([]float64(nil), x...)
		for i := range y {
			y[i] += s * w[i]
		}
		return y
	}
	g := make([]float64, d)
	net.Real.Grad(g, x)
	fd := (net.Real.Func(shift(eps, v)) - net.Real.Func(shift(-eps, v))) / (2 * eps)
	var gv float64
	for i := range g {
		gv += g[i] * v[i]
	}
	if math.Abs(fd-gv) > 1e-6*(1+math.Abs(gv)) {
		t.Errorf("gradient·v = %v, finite difference %v", gv, fd)
	}
	gp, gm, hv := make([]float64, d), make([]float64, d), make([]float64, d)
	net.Real.Grad(gp, shift(eps, v))
	net.Real.Grad(gm, shift(-eps, v))
	net.Real.HessVec(hv, x, v)
	for i := range gp {
		gp[i] = (gp[i] - gm[i]) / (2 * eps)
	}
	if r := relErr(gp, hv); r > 1e-6 {
		t.Errorf("HVP vs finite difference of the gradient: rel err %.3g", r)
	}
	d3 := make([]float64, d)
	net.Real.D3(d3, x, u, v)
	net.Real.HessVec(gp, shift(eps, v), u)
	net.Real.HessVec(gm, shift(-eps, v), u)
	for i := range gp {
		gp[i] = (gp[i] - gm[i]) / (2 * eps)
	}
	if r := relErr(gp, d3); r > 1e-6 {
		t.Errorf("D3 vs finite difference of the HVP: rel err %.3g", r)
	}
	// Symmetry of D³ in u, v and of H (uᵀHv = vᵀHu).
	d3b := make([]float64, d)
	net.Real.D3(d3b, x, v, u)
	if r := relErr(d3b, d3); r > 1e-11 {
		t.Errorf("D3 not symmetric: rel err %.3g", r)
	}
}

// TestNetworkDeterministic checks that results do not depend on the
// number of workers (fixed chunks, reduction in chunk order): bitwise.
func TestNetworkDeterministic(t *testing.T) {
	net, _ := tinyNet(t, []int{3, 8, 2}, Tanh, 200, 1)
	x := net.Start()
	v := randVec(rand.New(rand.NewPCG(1, 2)), net.Dim)
	run := func() ([]float64, []float64, float64) {
		g, h := make([]float64, net.Dim), make([]float64, net.Dim)
		net.Real.Grad(g, x)
		net.Real.HessVec(h, x, v)
		return g, h, net.Real.Func(x)
	}
	old := runtime.GOMAXPROCS(1)
	g1, h1, e1 := run()
	runtime.GOMAXPROCS(max(old, 4))
	g2, h2, e2 := run()
	runtime.GOMAXPROCS(old)
	if e1 != e2 {
		t.Errorf("E differs: %v vs %v", e1, e2)
	}
	for i := range g1 {
		if g1[i] != g2[i] || h1[i] != h2[i] {
			t.Fatalf("component %d differs between 1 and %d workers", i, max(old, 4))
		}
	}
}

func TestNetworkNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	net, _ := tinyNet(t, []int{3, 8, 2}, Swish, 100, 1)
	x := net.Start()
	v := randVec(rand.New(rand.NewPCG(1, 2)), net.Dim)
	dst := make([]float64, net.Dim)
	f := func() {
		net.Real.Func(x)
		net.Real.Grad(dst, x)
		net.Real.HessVec(dst, x, v)
		net.Real.D3(dst, x, v, v)
	}
	f()
	if a := testing.AllocsPerRun(20, f); a > 0 {
		t.Errorf("%v allocations per call", a)
	}
}

func TestNetworkErrors(t *testing.T) {
	for _, s := range []NetworkSpec{
		{Layers: []int{2}, X: []float64{1, 2}, Y: []float64{1}},
		{Layers: []int{2, 0, 1}, X: []float64{1, 2}, Y: []float64{1}},
		{Layers: []int{2, 1}, X: []float64{1, 2, 3}, Y: []float64{1}},
		{Layers: []int{2, 1}, X: []float64{1, 2}, Y: []float64{1, 2}},
		{Layers: []int{2, 1}, X: []float64{1, math.NaN()}, Y: []float64{1}},
		{Layers: []int{2, 1}, X: []float64{1, 2}, Y: []float64{1}, X0: []float64{1}},
		{Layers: []int{2, 1}, X: []float64{1, 2}, Y: []float64{1}, Activation: 7},
	} {
		if _, err := NewNetwork(s); !errors.Is(err, ErrBadParameter) {
			t.Errorf("%+v: err = %v, want ErrBadParameter", s.Layers, err)
		}
	}
	if _, err := ByName("cfjax:n=0"); !errors.Is(err, ErrBadParameter) {
		t.Errorf("cfjax:n=0: %v", err)
	}
}

// TestCFJax checks the reference example's shape: 433 parameters
// (8·16+16 + 16·16+16 + 16+1) and a finite loss near Var(y) + E[f²] at
// the start.
func TestCFJax(t *testing.T) {
	p, err := ByName("cfjax")
	if err != nil {
		t.Fatal(err)
	}
	if p.Dim != 433 {
		t.Errorf("Dim = %d, want 433", p.Dim)
	}
	e := p.Real.Func(p.X0)
	if !(e > 0.3 && e < 5) {
		t.Errorf("E(x0) = %v, want O(1)", e)
	}
}

// BenchmarkNetwork measures gradient, HVP and D3 on the default MNIST-like
// shape; report the ratio HVP/grad with benchstat.
func BenchmarkNetwork(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 1))
	layers := []int{49, 32, 4}
	n := 1000
	net, err := NewNetwork(NetworkSpec{Layers: layers, Activation: Tanh, X: randVec(rnd, n*layers[0]), Y: randVec(rnd, n*4)})
	if err != nil {
		b.Fatal(err)
	}
	x, v := net.Start(), randVec(rnd, net.Dim)
	dst := make([]float64, net.Dim)
	b.Run("grad", func(b *testing.B) {
		for b.Loop() {
			net.Real.Grad(dst, x)
		}
	})
	b.Run("hvp", func(b *testing.B) {
		for b.Loop() {
			net.Real.HessVec(dst, x, v)
		}
	})
	b.Run("d3", func(b *testing.B) {
		for b.Loop() {
			net.Real.D3(dst, x, v, v)
		}
	})
}

// A two-layer swish network on four examples: the loss at the origin is
// the mean squared target.
func ExampleNewNetwork() {
	p, err := NewNetwork(NetworkSpec{
		Layers: []int{2, 3, 1}, Activation: Swish,
		X: []float64{0, 1, 1, 0, 1, 1, 0, 0}, Y: []float64{1, 1, 0, 0},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Dim, p.Real.Func(make([]float64, p.Dim)))
	// Output: 13 0.5
}
