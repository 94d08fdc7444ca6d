package problems

import (
	"errors"
	"math"
	"math/cmplx"
	"strings"
	"testing"
)

// exprClose reports |a − b| ≤ tol·(1 + |b|).
func exprClose(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }

// TestExprMatchesCatalogue checks that catalogue problems written as
// expressions give the same value, gradient, Hessian, HVP and D³E as the
// hand-written ones, in float64 and (at complex points) complex128. The
// two sides are independent code (hand-derived derivatives vs automatic
// differentiation of the expression). Tolerance 1e-13·(1 + |ref|): both
// are evaluated with a few dozen correctly-rounded operations each, and
// log(cosh x) (expression) vs log1p(2 sinh²(x/2)) (catalogue) differ by a
// few ulps of cosh x ≈ 1.
func TestExprMatchesCatalogue(t *testing.T) {
	cases := []struct {
		name, expr string
		pts        [][]float64
	}{
		{"logcosh", "log(cosh(x))", [][]float64{{0.5}, {-1.3}, {2.7}}},
		{"quadratic2d", "x^2 + 0.01*y^2", [][]float64{{-0.35, -0.2}, {1, 2}}},
		{"doublewell", "-exp(-x^2/0.08) - 1.2*exp(-(x-2)^2/2)", [][]float64{{0.1}, {1.3}, {-0.2}}},
		{"rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", [][]float64{{-1.2, 1}, {0.3, 0.7}}},
		{"himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [][]float64{{1, 1}, {-2, 3.5}}},
	}
	const tol = 1e-13
	for _, c := range cases {
		ref, err := ByName(c.name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ByName("expr:" + c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		n := ref.Dim
		if p.Dim != n {
			t.Fatalf("%s: Dim %d, want %d", c.expr, p.Dim, n)
		}
		if p.Complex == nil {
			t.Fatalf("%s: no complex extension", c.expr)
		}
		for _, x := range c.pts {
			check := func(what string, got, want []float64) {
				t.Helper()
				for i := range want {
					if !exprClose(got[i], want[i], tol) {
						t.Errorf("%s at %v: %s[%d] = %.17g, want %.17g", c.name, x, what, i, got[i], want[i])
					}
				}
			}
			check("E", []float64{p.Real.Func(x)}, []float64{ref.Real.Func(x)})
			g, gr := make([]float64, n), make([]float64, n)
			p.Real.Grad(g, x)
			ref.Real.Grad(gr, x)
			check("grad", g, gr)
			h, hr := make([]float64, n*n), make([]float64, n*n)
			p.Real.Hess(h, x)
			ref.Real.Hess(hr, x)
			check("hess", h, hr)
			u, v := make([]float64, n), make([]float64, n)
			for i := range u {
				u[i], v[i] = 0.3+float64(i), -0.7+0.5*float64(i)
			}
			p.Real.HessVec(g, x, v)
			ref.Real.HessVec(gr, x, v)
			check("hessvec", g, gr)
			p.Real.D3(g, x, u, v)
			ref.Real.D3(gr, x, u, v)
			check("D3", g, gr)
			// Complex: a point off the real axis.
			z, gz, gzr := make([]complex128, n), make([]complex128, n), make([]complex128, n)
			for i := range z {
				z[i] = complex(x[i], 0.1*float64(i+1))
			}
			e, er := p.Complex.Func(z), ref.Complex.Func(z)
			check("complex E", []float64{real(e), imag(e)}, []float64{real(er), imag(er)})
			p.Complex.Grad(gz, z)
			ref.Complex.Grad(gzr, z)
			for i := range gz {
				check("complex grad", []float64{real(gz[i]), imag(gz[i])}, []float64{real(gzr[i]), imag(gzr[i])})
			}
		}
	}
}

// TestExprFunctions checks every function and power form against
// independent references: math package values for E, and central finite
// differences for ∇E, ∇²E (from ∇E) and D³E (from ∇²E), with step
// 1e-5: the O(δ²) truncation error is ~1e-10·|f‴| and the round-off
// ε/δ ≈ 2e-11, so 1e-7 relative is a safe bound.
func TestExprFunctions(t *testing.T) {
	const src = "tan(x)/3 + log1p(y) + expm1(x*y) + softplus(x - 2*y) + x^2.5 + sqrt(y)*sinh(x) + cosh(y)*tanh(x)" +
		" + sin(x)*cos(y) + x^-2 + pi*(x/y)^3 + exp(y)^x"
	p, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.7, 0.4}
	want := math.Tan(x[0])/3 + math.Log1p(x[1]) + math.Expm1(x[0]*x[1]) + math.Log1p(math.Exp(x[0]-2*x[1])) +
		math.Pow(x[0], 2.5) + math.Sqrt(x[1])*math.Sinh(x[0]) + math.Cosh(x[1])*math.Tanh(x[0]) +
		math.Sin(x[0])*math.Cos(x[1]) + 1/(x[0]*x[0]) + math.Pi*math.Pow(x[0]/x[1], 3) + math.Exp(x[1]*x[0])
	// A dozen roundings of O(1) terms: 1e-14.
	if got := p.Real.Func(x); !exprClose(got, want, 1e-14) {
		t.Errorf("E = %.17g, want %.17g", got, want)
	}
	fdCheck(t, p, x, 1e-7)
	// The Jet route (complex Funcs at a real point) and the Hyper route
	// (real Funcs) are separate code; they agree to round-off.
	g := make([]float64, 2)
	p.Real.Grad(g, x)
	gc := make([]complex128, 2)
	p.Complex.Grad(gc, []complex128{complex(x[0], 0), complex(x[1], 0)})
	for i := range g {
		if !exprClose(real(gc[i]), g[i], 1e-13) || imag(gc[i]) != 0 {
			t.Errorf("grad[%d]: jet %v, hyper %.17g", i, gc[i], g[i])
		}
	}
}

func fdCheck(t *testing.T, p *Problem, x []float64, tol float64) {
	t.Helper()
	n := p.Dim
	const d = 1e-5
	g, h, d3 := make([]float64, n), make([]float64, n*n), make([]float64, n)
	p.Real.Grad(g, x)
	p.Real.Hess(h, x)
	xp := append([]float64(nil), x...)
	gp, gm, hp, hm := make([]float64, n), make([]float64, n), make([]float64, n*n), make([]float64, n*n)
	u := make([]float64, n)
	for j := range n {
		u[j] = 1 / float64(j+2)
	}
	for j := range n {
		xp[j] = x[j] + d
		fp := p.Real.Func(xp)
		p.Real.Grad(gp, xp)
		xp[j] = x[j] - d
		fm := p.Real.Func(xp)
		p.Real.Grad(gm, xp)
		xp[j] = x[j]
		if fd := (fp - fm) / (2 * d); !exprClose(g[j], fd, tol) {
			t.Errorf("%s: grad[%d] = %.12g, finite difference %.12g", p.Name, j, g[j], fd)
		}
		for i := range n {
			if fd := (gp[i] - gm[i]) / (2 * d); !exprClose(h[i*n+j], fd, tol) {
				t.Errorf("%s: hess[%d,%d] = %.12g, finite difference %.12g", p.Name, i, j, h[i*n+j], fd)
			}
		}
	}
	// D³E[u, e_j]_i = ∂_j (H u)_i: difference of H along e_j, applied to u.
	for j := range n {
		e := make([]float64, n)
		e[j] = 1
		p.Real.D3(d3, x, u, e)
		xp[j] = x[j] + d
		p.Real.Hess(hp, xp)
		xp[j] = x[j] - d
		p.Real.Hess(hm, xp)
		xp[j] = x[j]
		for i := range n {
			var fd float64
			for k := range n {
				fd += (hp[i*n+k] - hm[i*n+k]) / (2 * d) * u[k]
			}
			if !exprClose(d3[i], fd, tol) {
				t.Errorf("%s: D3[u,e%d][%d] = %.12g, finite difference %.12g", p.Name, j, i, d3[i], fd)
			}
		}
	}
}

func TestExprAbsNotHolomorphic(t *testing.T) {
	p, err := Parse("abs(x) + y^2")
	if err != nil {
		t.Fatal(err)
	}
	if p.Complex != nil {
		t.Error("abs: Complex is set")
	}
	if _, err := p.ComplexFuncs(); !errors.Is(err, ErrNotHolomorphic) {
		t.Errorf("ComplexFuncs error %v, want ErrNotHolomorphic", err)
	}
	if !strings.Contains(p.Description, "not holomorphic") {
		t.Errorf("description %q does not say it is not holomorphic", p.Description)
	}
	g := make([]float64, 2)
	for _, x := range [][]float64{{-0.5, 2}, {0.25, -1}} {
		p.Real.Grad(g, x)
		if want := math.Copysign(1, x[0]); g[0] != want || g[1] != 2*x[1] {
			t.Errorf("grad at %v = %v, want (%g, %g)", x, g, want, 2*x[1])
		}
		if e := p.Real.Func(x); e != math.Abs(x[0])+x[1]*x[1] {
			t.Errorf("E at %v = %g", x, e)
		}
	}
	fdCheck(t, p, []float64{-0.5, 2}, 1e-7)
}

func TestExprDimension(t *testing.T) {
	for _, c := range []struct {
		expr string
		dim  int
		x    []float64
		want float64
	}{
		{"x", 1, []float64{3}, 3},
		{"x^2 + z^2", 3, []float64{1, 5, 2}, 5},
		{"y", 2, []float64{7, 2}, 2},
		{"x3 - x1", 3, []float64{1, 9, 4}, 3},
		{"-x^2", 1, []float64{3}, -9},
		{"2^3^2 * x", 1, []float64{1}, 512},
		{"x ** 2 − 1", 1, []float64{3}, 8},
		{"2·x×3", 1, []float64{1}, 6},
		{"-2^2+x", 1, []float64{0}, -4},
		{"x/2/2", 1, []float64{8}, 2},
		{"1e-1*x + .5", 1, []float64{10}, 1.5},
		{"x^-1", 1, []float64{4}, 0.25},
		{"x^0", 1, []float64{4}, 1},
	} {
		p, err := Parse(c.expr)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		if p.Dim != c.dim || p.Name != "expr:"+c.expr || len(p.X0) != c.dim {
			t.Errorf("%q: Dim %d, Name %q, X0 %v", c.expr, p.Dim, p.Name, p.X0)
		}
		if got := p.Real.Func(c.x); got != c.want {
			t.Errorf("%q at %v = %g, want %g", c.expr, c.x, got, c.want)
		}
	}
}

func TestExprErrors(t *testing.T) {
	for _, c := range []struct {
		expr, want string
		bad        error
	}{
		{"", "column 1: empty", ErrSyntax},
		{"x + * y", "column 5", ErrSyntax},
		{"(x + 1", "column 7: missing )", ErrSyntax},
		{"x + 1)", "column 6: unmatched )", ErrSyntax},
		{"foo(x)", `column 1: unknown name "foo"`, ErrSyntax},
		{"x + y1", "column 5", ErrSyntax},
		{"x y", "column 3", ErrSyntax},
		{"exp x", "column 5", ErrSyntax},
		{"x + $", "column 5: unexpected character", ErrSyntax},
		{"√x", "column 1", ErrSyntax},
		{"2 + 3", "no variable", ErrSyntax},
		{"x + log(0)", "column 5: constant subexpression is -Inf", ErrSyntax},
		{"x + 1/0", "column 6", ErrSyntax},
		{"x + 1e999", "column 5: malformed number", ErrSyntax},
		{"x1.2.3", "column 3", ErrSyntax},
		{"x65", "at most 64", ErrBadParameter},
		{strings.Repeat("(", 100) + "x" + strings.Repeat(")", 100), "deeper", ErrBadParameter},
		{strings.Repeat("-", 100) + "x", "deeper", ErrBadParameter},
		{strings.Repeat("x+", 1500) + "x", "operations", ErrBadParameter},
		{strings.Repeat("x", 5000), "longer", ErrBadParameter},
	} {
		_, err := Parse(c.expr)
		if err == nil || !errors.Is(err, c.bad) || !strings.Contains(err.Error(), c.want) {
			name := c.expr
			if len(name) > 20 {
				name = name[:20] + "…"
			}
			t.Errorf("Parse(%q) error %v, want %v containing %q", name, err, c.bad, c.want)
		}
	}
}

// TestExprComplexBranch: the complex extension of sqrt and log is the
// principal branch, as cmplx computes it.
func TestExprComplexBranch(t *testing.T) {
	p, err := Parse("sqrt(x) + log(x)*x^1.5")
	if err != nil {
		t.Fatal(err)
	}
	z := complex(-1, 0.5)
	want := cmplx.Sqrt(z) + cmplx.Log(z)*cmplx.Pow(z, 1.5)
	if got := p.Complex.Func([]complex128{z}); cmplx.Abs(got-want) > 1e-15*cmplx.Abs(want) {
		t.Errorf("E(%v) = %v, want %v", z, got, want)
	}
}

// TestEvalExprGeneric: the exported generic evaluator, with the fallback
// compositions, agrees with the Real route.
func TestEvalExprGeneric(t *testing.T) {
	l, n, err := CompileExpr("tan(x) + log1p(y) + softplus(x) + expm1(y) + abs(x) + x^1.5")
	if err != nil || n != 2 || l.Holomorphic() {
		t.Fatalf("CompileExpr: n=%d err=%v holomorphic=%v", n, err, l.Holomorphic())
	}
	x := []Real{0.3, 0.2}
	got := float64(EvalExpr(l, x))
	want := math.Tan(0.3) + math.Log1p(0.2) + math.Log1p(math.Exp(0.3)) + math.Expm1(0.2) + 0.3 + math.Pow(0.3, 1.5)
	if !exprClose(got, want, 1e-14) {
		t.Errorf("EvalExpr = %.17g, want %.17g", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"(x^2-1)^2+2*y^2", "log(cosh(x))", "x1*x2 - abs(x3)^0.3", "-x^-2/(y+1)", "((", "x**y", "softplus(-x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrBadParameter) {
				t.Fatalf("Parse(%q): unwrapped error %v", s, err)
			}
			return
		}
		if p.Dim < 1 || p.Dim > MaxExprVars {
			t.Fatalf("Parse(%q): Dim %d", s, p.Dim)
		}
		x := make([]float64, p.Dim)
		for i := range x {
			x[i] = 0.5 + 0.25*float64(i)
		}
		g := make([]float64, p.Dim)
		p.Real.Func(x)
		p.Real.Grad(g, x)
		p.Real.D3(g, x, x, x)
	})
}

// TestExprNoAllocs: the derived Funcs recycle their workspaces (as the
// other Generic problems do), so steady-state calls do not allocate.
func TestExprNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	p, err := Parse("softplus(x - y)^2 + tan(y)*x^1.5 + abs(x)")
	if err != nil {
		t.Fatal(err)
	}
	x, v, g := []float64{0.7, 0.3}, []float64{1, -1}, make([]float64, 2)
	h := make([]float64, 4)
	for name, f := range map[string]func(){
		"Func":    func() { p.Real.Func(x) },
		"Grad":    func() { p.Real.Grad(g, x) },
		"Hess":    func() { p.Real.Hess(h, x) },
		"HessVec": func() { p.Real.HessVec(g, x, v) },
		"D3":      func() { p.Real.D3(g, x, v, v) },
	} {
		f()
		if a := testing.AllocsPerRun(50, f); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}

func BenchmarkExprGrad(b *testing.B) {
	p, _ := Parse("(1 - x)^2 + 100*(y - x^2)^2")
	ref, _ := ByName("rosenbrock")
	x, g := []float64{-1.2, 1}, make([]float64, 2)
	b.Run("expr", func(b *testing.B) {
		for b.Loop() {
			p.Real.Grad(g, x)
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		for b.Loop() {
			ref.Real.Grad(g, x)
		}
	})
}
