package problems

import (
	"github.com/pflow-go/pflow/internal/benchprob"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Finite-difference tolerances. All differences are central with step
// h = 6e−6 ≈ (3ε)^{1/3} (fd.Central's default). For φ(s) = f(x + s·d) the
// central difference errs by at most
//
//	h²/6·max|φ‴| + ε·A/h
//
// (truncation plus round-off; Higham, Accuracy and Stability of Numerical
// Algorithms, §1.14), where A bounds the magnitude of the terms summed when
// f is evaluated. fdTol returns 10× this bound. φ‴ is the derivative one
// order above the quantity under test; it comes from the exact D3 (for the
// gradient), or from a coarse difference of D3 (for Hess and D3): that only
// sets the tolerance, the checked value is compared with an independent
// difference of the next-lower exact derivative.
const hFD = 6e-6

func fdTol(m3, a float64) float64 {
	const eps = 0x1p-52
	return 10 * (hFD*hFD/6*m3 + eps*a/hFD)
}

// testSpecs are the catalogue entries tested exhaustively (the default
// mlp is tested by directional checks in TestMLPLarge).
var testSpecs = []string{
	"quadratic2d", "quadratic:d=6,seed=3,min=-2,max=5", "benchquad:d=7",
	"cubic", "quartic", "logcosh", "doublewell",
	"rosenbrock", "saddle", "monkeysaddle", "himmelblau",
	"deeplinear:k=1", "deeplinear:k=2", "deeplinear:k=4", "matfact", "matfact:m=3,n=3,r=1,seed=7",
	"logreg:n=30,p=4", "mlp:n=5,in=3,hidden=4,out=2,seed=2",
}

func mustByName(t testing.TB, spec string) *Problem {
	t.Helper()
	p, err := ByName(spec)
	if err != nil {
		t.Fatalf("ByName(%q): %v", spec, err)
	}
	return p
}

// testPoints returns X0, the stationary points and seeded perturbations of
// X0 (scale 0.3), for at least 4 points in all.
func testPoints(p *Problem, seed uint64) [][]float64 {
	pts := [][]float64{p.Start()}
	for _, s := range p.StationaryPoints() {
		pts = append(pts, append([]float64(nil), s.X...))
	}
	rnd := rand.New(rand.NewPCG(seed, 11))
	for range 3 {
		x := p.Start()
		for i := range x {
			x[i] += 0.3 * rnd.NormFloat64()
		}
		pts = append(pts, x)
	}
	return pts
}

func randVec(rnd *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rnd.NormFloat64()
	}
	return v
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func maxAbsC(v []complex128) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, cmplx.Abs(x))
	}
	return m
}

func maxDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func maxDiffC(a, b []complex128) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, cmplx.Abs(a[i]-b[i]))
	}
	return m
}

// fourthAlong returns max_i |∂_jjj∂_i E| near x, estimated by a central
// difference (step 1e−3) of the exact D3[e_j, e_j].
func fourthAlong(f Funcs[float64], x []float64, j int) float64 {
	const d = 1e-3
	n := len(x)
	e := make([]float64, n)
	e[j] = 1
	xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
	xp[j] += d
	xm[j] -= d
	p, m := make([]float64, n), make([]float64, n)
	f.D3(p, xp, e, e)
	f.D3(m, xm, e, e)
	return maxDiff(p, m) / (2 * d)
}

// fifthAlong returns max_i |D⁵E[u,u,u,v]_i| near x, estimated by a second
// difference (step 1e−2) of the exact D3[u, v].
func fifthAlong(f Funcs[float64], x, u, v []float64) float64 {
	const d = 1e-2
	n := len(x)
	xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
	floats.AddScaled(xp, d, u)
	floats.AddScaled(xm, -d, u)
	p, m, c := make([]float64, n), make([]float64, n), make([]float64, n)
	f.D3(p, xp, u, v)
	f.D3(m, xm, u, v)
	f.D3(c, x, u, v)
	r := 0.0
	for i := range p {
		r = math.Max(r, math.Abs(p[i]-2*c[i]+m[i])/(d*d))
	}
	return r
}

// TestRealDerivatives checks Grad, Hess, HessVec and D3 of every
// catalogue problem against central differences (gonum diff/fd) of the
// next-lower derivative, and checks exact identities (Hess symmetry,
// HessVec = Hess·v, D3 symmetry) to round-off.
func TestRealDerivatives(t *testing.T) {
	for _, spec := range testSpecs {
		p := mustByName(t, spec)
		f := p.Real
		n := p.Dim
		rnd := rand.New(rand.NewPCG(5, 5))
		for k, x := range testPoints(p, 1) {
			x0 := append([]float64(nil), x...)
			e := f.Func(x)
			g := make([]float64, n)
			f.Grad(g, x)
			h := make([]float64, n*n)
			f.Hess(h, x)
			xn := maxAbs(x)
			// Magnitudes of the terms summed in E, ∇E and Hv (n-term sums of
			// products of entries of x with derivatives).
			aE := 1 + math.Abs(e) + float64(n)*xn*(maxAbs(g)+float64(n)*xn*maxAbs(h))
			aG := 1 + maxAbs(g) + float64(n)*(1+xn)*maxAbs(h)
			// Gradient vs fd.Gradient (central); φ‴ = D³E[e_j,e_j]_j.
			gfd := fd.Gradient(nil, f.Func, x, &fd.Settings{Formula: fd.Central})
			ej := make([]float64, n)
			dj := make([]float64, n)
			for j := range n {
				ej[j] = 1
				f.D3(dj, x, ej, ej)
				ej[j] = 0
				if d, tol := math.Abs(g[j]-gfd[j]), fdTol(1.1*math.Abs(dj[j]), aE); d > tol {
					t.Errorf("%s point %d: |Grad[%d] − fd| = %.3g > %.3g", spec, k, j, d, tol)
				}
			}
			// Hessian vs central-difference Jacobian of the exact gradient;
			// φ‴ (a fourth derivative) from a difference of D3 with step 1e−3.
			var jac mat.Dense
			jac.ReuseAs(n, n)
			fd.Jacobian(&jac, func(y, x []float64) { f.Grad(y, x) }, x, &fd.JacobianSettings{Formula: fd.Central})
			for j := range n {
				m4 := fourthAlong(f, x, j)
				for i := range n {
					if d, tol := math.Abs(h[i*n+j]-jac.At(i, j)), fdTol(m4, aG); d > tol {
						t.Errorf("%s point %d: |Hess[%d,%d] − fd| = %.3g > %.3g", spec, k, i, j, d, tol)
					}
				}
			}
			// Exact symmetry.
			for i := range n {
				for j := range i {
					if h[i*n+j] != h[j*n+i] {
						t.Errorf("%s point %d: Hess not symmetric at (%d,%d): %v vs %v", spec, k, i, j, h[i*n+j], h[j*n+i])
					}
				}
			}
			// HessVec = Hess·v to round-off: n terms, each rounded, so the
			// error is ≤ n·ε·Σ|H_ij v_j| (Higham, Thm 3.5); 4nε margin.
			u, v := randVec(rnd, n), randVec(rnd, n)
			hv := make([]float64, n)
			f.HessVec(hv, x, v)
			ref := mat.NewVecDense(n, nil)
			ref.MulVec(mat.NewDense(n, n, h), mat.NewVecDense(n, v))
			abs := 0.0
			for i := range n {
				row := 0.0
				for j := range n {
					row += math.Abs(h[i*n+j] * v[j])
				}
				abs = math.Max(abs, row)
			}
			if d := maxDiff(hv, ref.RawVector().Data); d > 4*float64(n+2)*1e-16*abs*10 {
				t.Errorf("%s point %d: |HessVec − Hess·v| = %.3g (scale %.3g)", spec, k, d, abs)
			}
			// D3[u,v] vs central difference of HessVec(·, v) along u.
			d3 := make([]float64, n)
			f.D3(d3, x, u, v)
			dfd := make([]float64, n)
			tmpP, tmpM := make([]float64, n), make([]float64, n)
			const hs = hFD
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			floats.AddScaled(xp, hs, u)
			floats.AddScaled(xm, -hs, u)
			f.HessVec(tmpP, xp, v)
			f.HessVec(tmpM, xm, v)
			for i := range dfd {
				dfd[i] = (tmpP[i] - tmpM[i]) / (2 * hs)
			}
			// φ = (Hv)_i along u: φ‴ is a fifth derivative, estimated by a
			// second difference of D3[u,v] with step 1e−2 (×2 for safety).
			m5 := 2 * fifthAlong(f, x, u, v)
			aH := 1 + maxAbs(hv) + float64(n)*maxAbs(h)*maxAbs(v)*(1+xn*maxAbs(u))
			if d, tol := maxDiff(d3, dfd), fdTol(m5, aH); d > tol {
				t.Errorf("%s point %d: |D3 − fd(HessVec)| = %.3g > %.3g", spec, k, d, tol)
			}
			// Symmetry: D3[u,v] = D3[v,u] and wᵀD3[u,v] = uᵀD3[w,v].
			d3b := make([]float64, n)
			f.D3(d3b, x, v, u)
			if d := maxDiff(d3, d3b); d > 1e-12*(1+maxAbs(d3)) {
				t.Errorf("%s point %d: D3[u,v] ≠ D3[v,u] by %.3g", spec, k, d)
			}
			w := randVec(rnd, n)
			f.D3(d3b, x, w, v)
			if a, b := floats.Dot(w, d3), floats.Dot(u, d3b); math.Abs(a-b) > 1e-11*(1+math.Abs(a)+maxAbs(d3)*float64(n)) {
				t.Errorf("%s point %d: wᵀD3[u,v] = %v ≠ uᵀD3[w,v] = %v", spec, k, a, b)
			}
			if !floats.Equal(x, x0) {
				t.Errorf("%s: input modified", spec)
			}
			if p.ConstantHessian && maxAbs(d3) != 0 {
				t.Errorf("%s: ConstantHessian but D3 ≠ 0", spec)
			}
		}
	}
}

// TestComplexExtension checks the holomorphic extensions: the complex
// Funcs agree with the real ones on the real axis; the complex-step
// derivative Im E(x + iεv)/ε (ε = 1e−20) equals ∇E·v to round-off; and
// at complex points the complex gradient satisfies Cauchy–Riemann: the
// central differences of E along +e_j and along +i·e_j both give ∂E/∂z_j.
// Complex Hess, HessVec and D3 are checked the same way as the real ones.
func TestComplexExtension(t *testing.T) {
	for _, spec := range testSpecs {
		p := mustByName(t, spec)
		c, err := p.ComplexFuncs()
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		n := p.Dim
		rnd := rand.New(rand.NewPCG(6, 6))
		for k, x := range testPoints(p, 2) {
			g := make([]float64, n)
			p.Real.Grad(g, x)
			// Complex-step derivative along a random real direction. The
			// imaginary part ε gᵀv is computed without cancellation; the
			// only error is rounding in E's evaluation, relative ~1e−14 of
			// Σ|terms| ≲ the scale below.
			v := randVec(rnd, n)
			z := make([]complex128, n)
			for i := range z {
				z[i] = complex(x[i], 1e-20*v[i])
			}
			cs := imag(c.Func(z)) / 1e-20
			want := floats.Dot(g, v)
			if d := math.Abs(cs - want); d > 1e-12*(1+maxAbs(g)*maxAbs(v)*float64(n)) {
				t.Errorf("%s point %d: complex step %v vs gᵀv %v", spec, k, cs, want)
			}
			// Complex gradient at the real point equals the real one.
			for i := range z {
				z[i] = complex(x[i], 0)
			}
			gc := make([]complex128, n)
			c.Grad(gc, z)
			for i := range g {
				if cmplx.Abs(gc[i]-complex(g[i], 0)) > 1e-13*(1+math.Abs(g[i])) {
					t.Errorf("%s point %d: complex grad %v ≠ real %v", spec, k, gc[i], g[i])
				}
			}
			// A complex point near x (imaginary parts 0.1·N(0,1)).
			for i := range z {
				z[i] = complex(x[i], 0.1*rnd.NormFloat64())
			}
			checkComplexAt(t, spec, k, c, z, rnd)
		}
	}
}

func checkComplexAt(t *testing.T, spec string, k int, c *Funcs[complex128], z []complex128, rnd *rand.Rand) {
	t.Helper()
	n := len(z)
	const h = hFD
	e := c.Func(z)
	g := make([]complex128, n)
	c.Grad(g, z)
	hess := make([]complex128, n*n)
	c.Hess(hess, z)
	zn := maxAbsC(z)
	aE := 1 + cmplx.Abs(e) + float64(n)*zn*(maxAbsC(g)+float64(n)*zn*maxAbsC(hess))
	aG := 1 + maxAbsC(g) + float64(n)*(1+zn)*maxAbsC(hess)
	zz := append([]complex128(nil), z...)
	ej := make([]complex128, n)
	dj, dp, dm := make([]complex128, n), make([]complex128, n), make([]complex128, n)
	for j := range n {
		ej[j] = 1
		c.D3(dj, z, ej, ej)
		// Fourth derivative ∂_jjj∂_i near z from a difference of D3 (step 1e−3).
		zz[j] = z[j] + 1e-3
		c.D3(dp, zz, ej, ej)
		zz[j] = z[j] - 1e-3
		c.D3(dm, zz, ej, ej)
		zz[j] = z[j]
		ej[j] = 0
		m4 := maxDiffC(dp, dm) / 2e-3
		// Cauchy–Riemann: the difference quotients along x_j and along y_j
		// both equal the complex derivative g_j (φ‴ = D³E[e_j,e_j]_j).
		for _, dir := range []complex128{1, 1i} {
			zz[j] = z[j] + h*dir
			ep := c.Func(zz)
			zz[j] = z[j] - h*dir
			em := c.Func(zz)
			zz[j] = z[j]
			dfd := (ep - em) / (2 * h * dir)
			if d, tol := cmplx.Abs(dfd-g[j]), fdTol(1.1*cmplx.Abs(dj[j]), aE); d > tol {
				t.Errorf("%s point %d: Cauchy–Riemann along %v·e_%d: fd %v vs grad %v (|Δ| %.3g > %.3g)", spec, k, dir, j, dfd, g[j], d, tol)
			}
		}
		// Complex Hess column j vs difference of the complex gradient.
		zz[j] = z[j] + h
		c.Grad(dp, zz)
		zz[j] = z[j] - h
		c.Grad(dm, zz)
		zz[j] = z[j]
		for i := range n {
			dfd := (dp[i] - dm[i]) / (2 * h)
			if d, tol := cmplx.Abs(dfd-hess[i*n+j]), fdTol(m4, aG); d > tol {
				t.Errorf("%s point %d: complex Hess[%d,%d] = %v, fd %v (|Δ| %.3g > %.3g)", spec, k, i, j, hess[i*n+j], dfd, d, tol)
			}
			if hess[i*n+j] != hess[j*n+i] {
				t.Errorf("%s point %d: complex Hess not symmetric", spec, k)
			}
		}
	}
	// HessVec = Hess·v (n-term sums: error ≤ nε Σ|H_ij v_j|, 10× margin).
	u, v := make([]complex128, n), make([]complex128, n)
	for i := range u {
		u[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
		v[i] = complex(rnd.NormFloat64(), rnd.NormFloat64())
	}
	hv := make([]complex128, n)
	c.HessVec(hv, z, v)
	ref := make([]complex128, n)
	for i := range n {
		for j := range n {
			ref[i] += hess[i*n+j] * v[j]
		}
	}
	if d := maxDiffC(hv, ref); d > 10*float64(n+2)*0x1p-52*float64(n)*maxAbsC(hess)*maxAbsC(v) {
		t.Errorf("%s point %d: complex HessVec − Hess·v = %.3g", spec, k, d)
	}
	// D3[u,v] vs difference of HessVec(·, v) along u; φ‴ (fifth
	// derivative) from a second difference of D3 with step 1e−2, ×2.
	d3 := make([]complex128, n)
	c.D3(d3, z, u, v)
	const dd = 1e-2
	for i := range zz {
		zz[i] = z[i] + dd*u[i]
	}
	c.D3(dp, zz, u, v)
	for i := range zz {
		zz[i] = z[i] - dd*u[i]
	}
	c.D3(dm, zz, u, v)
	m5 := 0.0
	for i := range dp {
		m5 = math.Max(m5, 2*cmplx.Abs(dp[i]-2*d3[i]+dm[i])/(dd*dd))
	}
	for i := range zz {
		zz[i] = z[i] + h*u[i]
	}
	c.HessVec(dp, zz, v)
	for i := range zz {
		zz[i] = z[i] - h*u[i]
	}
	c.HessVec(dm, zz, v)
	aH := 1 + maxAbsC(hv) + float64(n)*maxAbsC(hess)*maxAbsC(v)*(1+zn*maxAbsC(u))
	for i := range n {
		dfd := (dp[i] - dm[i]) / (2 * h)
		if d, tol := cmplx.Abs(dfd-d3[i]), fdTol(m5, aH); d > tol {
			t.Errorf("%s point %d: complex D3[%d] = %v, fd %v (|Δ| %.3g > %.3g)", spec, k, i, d3[i], dfd, d, tol)
		}
	}
}

// TestStationaryPoints checks that every listed stationary point has zero
// gradient and the stated inertia (eigenvalues from gonum's EigenSym; an
// eigenvalue counts as zero when |λ| ≤ 1e−9·max(1, ‖H‖)).
func TestStationaryPoints(t *testing.T) {
	specs := append([]string{"logreg", "deeplinear:k=3", "quadratic:d=5,min=-1,max=-0.5"}, testSpecs...)
	for _, spec := range specs {
		p := mustByName(t, spec)
		n := p.Dim
		pts := p.StationaryPoints()
		if len(pts) == 0 && spec != "mlp:n=5,in=3,hidden=4,out=2,seed=2" {
			t.Errorf("%s: no stationary points listed", spec)
		}
		for _, pt := range pts {
			g := make([]float64, n)
			p.Real.Grad(g, pt.X)
			h := make([]float64, n*n)
			p.Real.Hess(h, pt.X)
			// Gradient at a point rounded to float64: ≤ ‖H‖·|x|·ε per
			// coordinate plus rounding in the evaluation; 100ε·scale.
			sc := 1 + maxAbs(h)*(1+maxAbs(pt.X)) + math.Abs(pt.E)
			if maxAbs(g) > 1e-13*sc*float64(n) {
				t.Errorf("%s: ‖∇E(%v)‖∞ = %.3g at a listed %v", spec, pt.X, maxAbs(g), pt.Kind)
			}
			if e := p.Real.Func(pt.X); math.Abs(e-pt.E) > 1e-14*(1+math.Abs(e)) {
				t.Errorf("%s: E(%v) = %v, listed %v", spec, pt.X, e, pt.E)
			}
			var es mat.EigenSym
			if !es.Factorize(mat.NewSymDense(n, h), false) {
				t.Fatalf("%s: EigenSym failed", spec)
			}
			var in Inertia
			zt := 1e-9 * math.Max(1, maxAbs(h))
			for _, l := range es.Values(nil) {
				switch {
				case l > zt:
					in.Pos++
				case l < -zt:
					in.Neg++
				default:
					in.Zero++
				}
			}
			if in != pt.Inertia {
				t.Errorf("%s: inertia at %v is %+v, listed %+v", spec, pt.X, in, pt.Inertia)
			}
			wantKind := Saddle
			switch {
			case in.Neg == 0 && in.Pos > 0:
				wantKind = Minimum
			case in.Pos == 0 && in.Neg > 0:
				wantKind = Maximum
			}
			if pt.Kind != wantKind && in.Zero == 0 {
				t.Errorf("%s: point %v listed as %v, inertia says %v", spec, pt.X, pt.Kind, wantKind)
			}
		}
	}
}

// TestHimmelblauPoints checks the published approximations of the four
// minima (E = 0), four saddles and one maximum (Himmelblau 1972).
func TestHimmelblauPoints(t *testing.T) {
	p := mustByName(t, "himmelblau")
	if len(p.Minima) != 4 || len(p.Saddles) != 4 || len(p.Maxima) != 1 {
		t.Fatalf("himmelblau: %d minima, %d saddles, %d maxima; want 4, 4, 1", len(p.Minima), len(p.Saddles), len(p.Maxima))
	}
	for i, m := range p.Minima {
		if m.E > 1e-25 {
			t.Errorf("minimum %d: E = %v, want 0", i, m.E)
		}
		if d := math.Hypot(m.X[0]-himmelblauStarts[i][0], m.X[1]-himmelblauStarts[i][1]); d > 1e-5 {
			t.Errorf("minimum %d at %v, published %v", i, m.X, himmelblauStarts[i])
		}
	}
	if p.Minima[0].X[0] != 3 || p.Minima[0].X[1] != 2 {
		t.Errorf("minimum (3, 2) refined to %v", p.Minima[0].X)
	}
	// Published value of the maximum: E(−0.270845, −0.923039) = 181.617.
	if e := p.Maxima[0].E; math.Abs(e-181.617) > 1e-3 {
		t.Errorf("maximum value %v, published 181.617", e)
	}
}

// TestDoubleWell checks that the recorded stationary points are roots of
// the float64 E′ up to its round-off: E′ changes sign between the
// neighbouring floats, or |E′| is below the evaluation error of its two
// cancelling terms (each about 0.33 at the sharp minimum, so 8·eps·0.66 ≈
// 1.2e-15 bounds the error of the float64 sum; near the sharp minimum
// that is larger than E″·ulp ≈ 4e-17, so the float64 E′ cannot resolve
// the correctly rounded root, which TestDoubleWellCorrectlyRounded checks
// in 256-bit arithmetic).
func TestDoubleWell(t *testing.T) {
	for _, x := range []float64{DoubleWellSharpMin, DoubleWellWideMin, DoubleWellMax} {
		_, gm, _, _ := doublewellEval(math.Nextafter(x, -10))
		_, g0, _, _ := doublewellEval(x)
		_, gp, _, _ := doublewellEval(math.Nextafter(x, 10))
		if !(g0 == 0 || gm*gp <= 0 || math.Abs(g0) <= 1.2e-15) {
			t.Errorf("E′ at %v±ulp = %v, %v, %v: no sign change and not at the round-off level", x, gm, g0, gp)
		}
	}
}

// TestQuadratic2d checks the paper's numbers: E(θ0) = 0.1229,
// ∇E(θ0) = (−0.7, −0.004), H = diag(2, 0.02).
func TestQuadratic2d(t *testing.T) {
	p := mustByName(t, "quadratic2d")
	if e := p.Real.Func(p.X0); math.Abs(e-0.1229) > 1e-16 {
		t.Errorf("E(θ0) = %v, want 0.1229", e)
	}
	g := make([]float64, 2)
	p.Real.Grad(g, p.X0)
	if math.Abs(g[0]+0.7) > 1e-16 || math.Abs(g[1]+0.004) > 1e-18 {
		t.Errorf("∇E(θ0) = %v, want (−0.7, −0.004)", g)
	}
	h := make([]float64, 4)
	p.Real.Hess(h, p.X0)
	if !floats.Equal(h, []float64{2, 0, 0, 0.02}) {
		t.Errorf("H = %v", h)
	}
}

// TestQuadraticSpectrum checks that NewQuadratic's Hessian has the given
// spectrum (EigenSym) and that the benchmarks.md quadratic matches its
// definition built densely with gonum.
func TestQuadraticSpectrum(t *testing.T) {
	eigs := []float64{-3, -0.5, 0.25, 1, 7}
	q := RandomBasis(5, 42)
	p, err := NewQuadratic("q", eigs, q, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := make([]float64, 25)
	p.Real.Hess(h, p.X0)
	var es mat.EigenSym
	es.Factorize(mat.NewSymDense(5, h), false)
	if d := maxDiff(es.Values(nil), eigs); d > 1e-14*7*5 {
		t.Errorf("spectrum %v, want %v", es.Values(nil), eigs)
	}
	if len(p.Saddles) != 1 || p.Saddles[0].Inertia != (Inertia{Pos: 3, Neg: 2}) {
		t.Errorf("stationary points %+v", p.StationaryPoints())
	}
	if _, err := NewQuadratic("q", eigs, mat.NewDense(5, 5, nil), nil); err == nil {
		t.Error("non-orthonormal basis accepted")
	}

	const d = 50
	b, err := NewBenchQuadratic(d)
	if err != nil {
		t.Fatal(err)
	}
	u := mat.NewVecDense(d, benchprob.NewSPD(d).U)
	Q := mat.NewDense(d, d, nil)
	Q.Outer(-2, u, u)
	for i := range d {
		Q.Set(i, i, Q.At(i, i)+1)
	}
	var A mat.Dense
	A.Mul(Q, mat.NewDiagDense(d, benchprob.NewSPD(d).Lambda))
	A.Mul(&A, Q)
	hb := make([]float64, d*d)
	b.Real.Hess(hb, b.X0)
	if dd := maxDiff(hb, A.RawMatrix().Data); dd > 1e-14*float64(d) {
		t.Errorf("benchquad Hess differs from Q diag(λ) Q by %.3g", dd)
	}
	g := make([]float64, d)
	b.Real.Grad(g, b.X0)
	var ag mat.VecDense
	ag.MulVec(&A, mat.NewVecDense(d, b.X0))
	if dd := maxDiff(g, ag.RawVector().Data); dd > 1e-14*float64(d) {
		t.Errorf("benchquad Grad differs from Aθ by %.3g", dd)
	}
	if lam := benchprob.NewSPD(d).Lambda; lam[0] != 0.01 || lam[d-1] != 1 {
		t.Errorf("benchquad spectrum ends %v, %v", lam[0], lam[d-1])
	}
}

// TestMatFactMinimum checks that E = 0 at (U*, V*).
func TestMatFactMinimum(t *testing.T) {
	p := mustByName(t, "matfact")
	if e := p.Real.Func(p.Minima[0].X); e > 1e-28 {
		t.Errorf("E(U*, V*) = %v", e)
	}
}

// TestByName checks the parser: every listed name builds and reports its
// own name; bad input returns an error and never panics.
func TestByName(t *testing.T) {
	for _, name := range Names() {
		p, err := ByName(name)
		if err != nil {
			t.Errorf("ByName(%q): %v", name, err)
			continue
		}
		if len(p.X0) != p.Dim || p.Description == "" || p.Source == "" || p.Name == "" {
			t.Errorf("%s: incomplete problem %+v", name, p)
		}
		q, err := ByName(p.Name)
		if err != nil || q.Name != p.Name {
			t.Errorf("%s: round trip of %q: %v", name, p.Name, err)
		}
	}
	for _, bad := range []string{
		"", "nosuch", "cubic:k=1", "deeplinear:k=0", "deeplinear:k=x", "deeplinear:q=3",
		"deeplinear:k=3,k=4", "deeplinear:k", "quadratic:d=-1", "quadratic:min=2,max=1",
		"quadratic:min=NaN", "logreg:lambda=-1", "matfact:r=9", "mlp:hidden=0", "benchquad:d=1",
		"quadratic:d=999999999999999999999", "logreg:seed=-1",
	} {
		if _, err := ByName(bad); err == nil {
			t.Errorf("ByName(%q) returned no error", bad)
		}
	}
}

// TestNotHolomorphic checks that a problem without a complex extension
// refuses the complex entry points.
func TestNotHolomorphic(t *testing.T) {
	p := &Problem{Name: "abs"}
	if _, err := p.ComplexFuncs(); err == nil {
		t.Error("ComplexFuncs on a non-holomorphic problem returned no error")
	}
}

// TestNoAllocs checks that the hot entry points do not allocate.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	for _, spec := range []string{"rosenbrock", "logcosh", "deeplinear:k=3", "matfact", "logreg", "benchquad:d=20", "mlp:n=4,in=3,hidden=5,out=2"} {
		p := mustByName(t, spec)
		n := p.Dim
		x, u, v, dst := p.Start(), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range u {
			u[i], v[i] = 1, -0.5
		}
		c := p.Complex
		z, zu, zd := make([]complex128, n), make([]complex128, n), make([]complex128, n)
		for i := range z {
			z[i], zu[i] = complex(x[i], 0.1), 1
		}
		allocs := testing.AllocsPerRun(20, func() {
			p.Real.Func(x)
			p.Real.Grad(dst, x)
			p.Real.HessVec(dst, x, v)
			p.Real.D3(dst, x, u, v)
			c.Func(z)
			c.Grad(zd, z)
			c.HessVec(zd, z, zu)
			c.D3(zd, z, zu, zu)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call set", spec, allocs)
		}
		if p.Real.Hess != nil {
			hr, hc := make([]float64, n*n), make([]complex128, n*n)
			if allocs := testing.AllocsPerRun(20, func() {
				p.Real.Hess(hr, x)
				c.Hess(hc, z)
			}); allocs != 0 {
				t.Errorf("%s: dense Hess: %v allocations per call", spec, allocs)
			}
		}
	}
}

// TestMLPLarge checks the default MLP (d = 2103) by directional central
// differences: gᵀv vs (E(θ+hv) − E(θ−hv))/2h, Hv vs difference of
// gradients, D3[u,v] vs difference of Hv along u; the complex HVP at a
// real point equals the real one.
func TestMLPLarge(t *testing.T) {
	p := mustByName(t, "mlp")
	n := p.Dim
	if n < 2000 || p.Real.Hess != nil {
		t.Fatalf("mlp dimension %d (want ≥ 2000), Hess nil: %v", n, p.Real.Hess == nil)
	}
	rnd := rand.New(rand.NewPCG(8, 8))
	x := p.Start()
	u, v := randVec(rnd, n), randVec(rnd, n)
	floats.Scale(1/floats.Norm(u, 2), u)
	floats.Scale(1/floats.Norm(v, 2), v)
	const h = 6e-6
	xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
	floats.AddScaled(xp, h, v)
	floats.AddScaled(xm, -h, v)
	g := make([]float64, n)
	p.Real.Grad(g, x)
	e := p.Real.Func(x)
	dfd := (p.Real.Func(xp) - p.Real.Func(xm)) / (2 * h)
	hv := make([]float64, n)
	p.Real.HessVec(hv, x, v)
	d3 := make([]float64, n)
	p.Real.D3(d3, x, u, v)
	// Tolerances as in fdTol. φ‴ for gᵀv is vᵀD3[v,v]; for Hv a fourth
	// derivative and for D3 a fifth, estimated by differences of the exact
	// D3 (steps 1e−3, 1e−2). Term magnitudes: E is a sum of squares (|E|),
	// the sums inside are bounded through Euler's x·∇ scaling by ‖x‖‖g‖ etc.
	d3vv := make([]float64, n)
	p.Real.D3(d3vv, x, v, v)
	dP, dM := make([]float64, n), make([]float64, n)
	copy(xp, x)
	copy(xm, x)
	floats.AddScaled(xp, 1e-3, v)
	floats.AddScaled(xm, -1e-3, v)
	p.Real.D3(dP, xp, v, v)
	p.Real.D3(dM, xm, v, v)
	m4 := maxDiff(dP, dM) / 2e-3
	xn := floats.Norm(x, 2)
	if d, tol := math.Abs(dfd-floats.Dot(g, v)), fdTol(1.1*math.Abs(floats.Dot(d3vv, v)), 1+math.Abs(e)+xn*floats.Norm(g, 2)); d > tol {
		t.Errorf("gᵀv = %v, fd %v (|Δ| %.3g > %.3g)", floats.Dot(g, v), dfd, d, tol)
	}
	copy(xp, x)
	copy(xm, x)
	floats.AddScaled(xp, h, v)
	floats.AddScaled(xm, -h, v)
	gp, gm := make([]float64, n), make([]float64, n)
	p.Real.Grad(gp, xp)
	p.Real.Grad(gm, xm)
	for i := range gp {
		gp[i] = (gp[i] - gm[i]) / (2 * h)
	}
	if d, tol := maxDiff(gp, hv), fdTol(m4, 1+float64(64)*maxAbs(g)+xn*maxAbs(hv)); d > tol { // the gradient sums 64 samples
		t.Errorf("|Hv − fd| = %.3g > %.3g", d, tol)
	}
	copy(xp, x)
	copy(xm, x)
	floats.AddScaled(xp, 1e-2, u)
	floats.AddScaled(xm, -1e-2, u)
	p.Real.D3(dP, xp, u, v)
	p.Real.D3(dM, xm, u, v)
	m5 := 0.0
	for i := range dP {
		m5 = math.Max(m5, 2*math.Abs(dP[i]-2*d3[i]+dM[i])/1e-4)
	}
	copy(xp, x)
	copy(xm, x)
	floats.AddScaled(xp, h, u)
	floats.AddScaled(xm, -h, u)
	p.Real.HessVec(gp, xp, v)
	p.Real.HessVec(gm, xm, v)
	for i := range gp {
		gp[i] = (gp[i] - gm[i]) / (2 * h)
	}
	if d, tol := maxDiff(gp, d3), fdTol(m5, 1+float64(64)*maxAbs(hv)+xn*maxAbs(d3)); d > tol {
		t.Errorf("|D3 − fd(Hv)| = %.3g > %.3g", d, tol)
	}
	z, zv, zh := make([]complex128, n), make([]complex128, n), make([]complex128, n)
	for i := range z {
		z[i], zv[i] = complex(x[i], 0), complex(v[i], 0)
	}
	p.Complex.HessVec(zh, z, zv)
	for i := range zh {
		if cmplx.Abs(zh[i]-complex(hv[i], 0)) > 1e-14*(1+floats.Norm(hv, 2)) {
			t.Fatalf("complex HVP[%d] = %v, real %v", i, zh[i], hv[i])
		}
	}
}

// TestConcurrentUse checks that pooled workspaces make the Funcs safe for
// concurrent use: HVPs computed by 4 goroutines at once equal, bit for bit,
// the serial ones.
func TestConcurrentUse(t *testing.T) {
	for _, spec := range []string{"mlp:n=16,in=4,hidden=20,out=2", "rosenbrock"} {
		p := mustByName(t, spec)
		n := p.Dim
		rnd := rand.New(rand.NewPCG(12, 12))
		const jobs = 16
		xs, vs, want := make([][]float64, jobs), make([][]float64, jobs), make([][]float64, jobs)
		for j := range jobs {
			xs[j], vs[j], want[j] = randVec(rnd, n), randVec(rnd, n), make([]float64, n)
			p.Real.HessVec(want[j], xs[j], vs[j])
		}
		got := make([][]float64, jobs)
		done := make(chan int)
		for w := range 4 {
			go func() {
				for j := w; j < jobs; j += 4 {
					got[j] = make([]float64, n)
					for range 5 {
						p.Real.HessVec(got[j], xs[j], vs[j])
					}
				}
				done <- w
			}()
		}
		for range 4 {
			<-done
		}
		for j := range jobs {
			if !floats.Equal(got[j], want[j]) {
				t.Errorf("%s: concurrent HVP %d differs", spec, j)
			}
		}
	}
}

// FuzzByName checks that no spec makes ByName panic, and that a returned
// problem is consistent.
func FuzzByName(f *testing.F) {
	for _, s := range []string{"quadratic2d", "deeplinear:k=3", "matfact:m=2,n=2,r=1,seed=0", "quadratic:d=3,min=-1,max=1",
		"logreg:n=3,p=2,lambda=0", "mlp:n=2,in=1,hidden=1,out=1", "benchquad:d=2", "x:y=z", ":", "cubic:", "deeplinear:k=1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		p, err := ByName(spec)
		if err != nil {
			return
		}
		if p.Dim < 1 || len(p.X0) != p.Dim || p.Real.Func == nil || p.Real.Grad == nil || p.Real.HessVec == nil || p.Real.D3 == nil {
			t.Errorf("%q: inconsistent problem", spec)
		}
	})
}
