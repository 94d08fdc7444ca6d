package stability

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// Settings configures Analyze. The zero value (and a nil *Settings) means
// the documented defaults.
type Settings struct {
	// Top is the number of largest eigenpairs analysed and Bottom the
	// number of smallest (the most negative curvature). With both zero
	// (the default) every eigenpair is analysed, which needs the dense
	// Hessian; a problem without one (e.g. the default MLP) then gets
	// Top = 6 and Bottom = 1 by Lanczos.
	Top, Bottom int
	// DenseMax is the dimension above which Lanczos on Hessian-vector
	// products replaces the dense eigendecomposition when only some
	// eigenpairs are asked for (default 64).
	DenseMax int
	// Krylov configures Lanczos (nil: linalg defaults, relative residual
	// 1e-10).
	Krylov *linalg.KrylovSettings
	// RegimeTol is the distance in hλ within which a direction is put on a
	// regime boundary (0, 1 or 2). Default 64·ε·max(1, h·max|λ|): a few
	// times the backward error of the eigenvalues.
	RegimeTol float64
	// MaxBytes bounds the memory of the eigensolver (default
	// DefaultMaxBytes). Analyze estimates it up front (MemoryEstimate) and
	// refuses, with an error wrapping ErrTooLarge, an analysis that would
	// need more.
	MaxBytes int64
}

// DefaultMaxBytes is the default memory bound of Analyze: 4 GiB.
const DefaultMaxBytes int64 = 4 << 30

// MemoryEstimate returns the bytes that Analyze's eigensolver holds for
// problem p with settings s (nil: defaults), and what they are for. The
// dense path holds the n×n Hessian, the eigenvector matrix and a
// workspace of the same size (3·8·n² bytes); Lanczos holds its Krylov
// basis of MaxIter (default min(n, 500)) vectors of length n plus the
// returned eigenvectors (8·n·(MaxIter + Top + Bottom) bytes). Lower-order
// terms are left out: the estimate is a floor of the true use.
func MemoryEstimate(p *problems.Problem, s *Settings) (bytes float64, what string) {
	var set Settings
	if s != nil {
		set = *s
	}
	n := float64(p.Dim)
	denseMax := set.DenseMax
	if denseMax <= 0 {
		denseMax = defaultDenseMax
	}
	top, bottom := set.Top, set.Bottom
	if top == 0 && bottom == 0 && p.Real.Hess == nil {
		top, bottom = min(6, p.Dim), min(1, max(0, p.Dim-6))
	}
	all := top == 0 && bottom == 0 || top+bottom >= p.Dim
	if p.Real.Hess != nil && (p.Dim <= denseMax || all) {
		return 3 * 8 * n * n, fmt.Sprintf("the dense %d×%d Hessian, its eigenvectors and a workspace", p.Dim, p.Dim)
	}
	m := 500
	if set.Krylov != nil && set.Krylov.MaxIter > 0 {
		m = set.Krylov.MaxIter
	}
	m = min(m, p.Dim)
	if all {
		m = p.Dim
	}
	return 8 * n * float64(m+top+bottom), fmt.Sprintf("a Lanczos basis of %d vectors of dimension %d", m, p.Dim)
}

// Direction is one eigendirection of the Hessian at a point.
type Direction struct {
	// Lambda is the eigenvalue λ and U the unit eigenvector u.
	Lambda float64
	U      []float64
	// HLambda is hλ.
	HLambda float64
	// Coef is the stability coefficient φ(hλ) = log(1 − hλ)/hλ on the
	// principal branch (imaginary part π/(hλ) for hλ > 1); real part −Inf
	// at hλ = 1.
	Coef complex128
	// Regime classifies hλ (see Regime).
	Regime Regime
	// GradProj is gᵀu, the component of the gradient along u.
	GradProj float64
	// GrowthGD is |1 − hλ|, the factor by which one GD step multiplies the
	// component of θ − θ* along u on a quadratic.
	GrowthGD float64
	// DEdt is this direction's share φ(hλ)(gᵀu)² of the rate of change of
	// the loss along the principal flow, dE/dt = gᵀφ(hH)g. It is complex
	// for hλ > 1 (the flow leaves ℝ^D) and −Inf at hλ = 1 when gᵀu ≠ 0.
	DEdt complex128
}

// Point is the stability analysis of gradient descent with learning rate H
// at one parameter vector.
type Point struct {
	// Problem is the problem's catalogue name.
	Problem string
	// H is the learning rate; Edge = 2/H is the edge-of-stability
	// sharpness (Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021).
	H, Edge float64
	// Theta is the point, Loss E(θ), Grad ∇E(θ) and GradNorm ‖∇E(θ)‖₂.
	Theta    []float64
	Loss     float64
	Grad     []float64
	GradNorm float64
	// Sharpness is the largest Hessian eigenvalue λ₀.
	Sharpness float64
	// Directions are the analysed eigendirections, eigenvalues descending.
	Directions []Direction
	// Complete is true when Directions holds every eigenpair; then DEdt
	// below is the sum of the directions' shares.
	Complete bool
	// DEdt is dE/dt = gᵀφ(hH)g along the principal flow at θ: the sum of
	// the shares when Complete, otherwise from the Lanczos approximation
	// of φ(hH)g (linalg.LanczosFunc). Its real part is the rate of change
	// of the real part of the loss.
	DEdt complex128
	// Unstable counts the analysed directions in which GD grows (|1 − hλ|
	// > 1: negative curvature or divergent). It is a lower bound when not
	// Complete.
	Unstable int
	// HessVecs counts the Hessian-vector products used (0 on the dense
	// path).
	HessVecs int
}

// Analyze computes the stability analysis of GD with learning rate h at
// theta on problem p: the eigenpairs of the Hessian (all of them from the
// dense Hessian, or the extreme ones by Lanczos, see Settings), and for
// each direction hλ, the stability coefficient φ(hλ) of the principal flow
// (Rosca, Wu, Qin, Dherin, TMLR 2023), the regime, gᵀu, the GD growth
// factor |1 − hλ| and the direction's share φ(hλ)(gᵀu)² of dE/dt along the
// principal flow. theta is not modified. s may be nil.
//
// When not every eigenpair is analysed, dE/dt comes from a Lanczos
// approximation of φ(hH)g; if a Ritz value meets the pole hλ = 1 there,
// Analyze returns an error wrapping linalg.ErrNotFinite. An analysis the
// memory bound refuses returns an error wrapping ErrTooLarge.
func Analyze(p *problems.Problem, h float64, theta []float64, s *Settings) (*Point, error) {
	if err := checkPoint(p, theta); err != nil {
		return nil, err
	}
	if err := checkRate(h); err != nil {
		return nil, err
	}
	var set Settings
	if s != nil {
		set = *s
	}
	if set.Top < 0 || set.Bottom < 0 || !(set.RegimeTol >= 0) || math.IsInf(set.RegimeTol, 0) || set.MaxBytes < 0 {
		return nil, fmt.Errorf("%w: Top = %d, Bottom = %d, RegimeTol = %v, MaxBytes = %d: each must be finite and non-negative",
			ErrInvalidInput, set.Top, set.Bottom, set.RegimeTol, set.MaxBytes)
	}
	maxBytes := set.MaxBytes
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	if b, what := MemoryEstimate(p, &set); b > float64(maxBytes) {
		return nil, fmt.Errorf("%w: problem %s (dimension %d) needs about %.3g GB for %s, above the bound of %.3g GB (Settings.MaxBytes)",
			ErrTooLarge, p.Name, p.Dim, b/1e9, what, float64(maxBytes)/1e9)
	}
	if set.Top == 0 && set.Bottom == 0 && p.Real.Hess == nil {
		set.Top, set.Bottom = min(6, p.Dim), min(1, max(0, p.Dim-6))
	}
	n := p.Dim
	pt := &Point{
		Problem: p.Name, H: h, Edge: 2 / h,
		Theta: append([]float64(nil), theta...),
		Loss:  p.Real.Func(theta),
		Grad:  make([]float64, n),
	}
	p.Real.Grad(pt.Grad, theta)
	pt.GradNorm = linalg.Norm2(pt.Grad)
	if math.IsNaN(pt.Loss) || math.IsInf(pt.Loss, 0) || math.IsNaN(pt.GradNorm) || math.IsInf(pt.GradNorm, 0) {
		return nil, fmt.Errorf("%w: loss %v or gradient not finite at the point", ErrInvalidInput, pt.Loss)
	}
	var ws linalg.SymEig
	er, err := hessianEig(p, theta, eigSpec{top: set.Top, bottom: set.Bottom, denseMax: set.DenseMax, krylov: set.Krylov}, &ws, nil)
	pt.HessVecs = er.matvecs
	if err != nil {
		return nil, err
	}
	pt.Complete = er.complete
	lmax := 0.0
	for _, l := range er.values {
		lmax = math.Max(lmax, math.Abs(l))
	}
	tol := set.RegimeTol
	if tol == 0 {
		tol = 64 * 0x1p-52 * math.Max(1, h*lmax)
	}
	pt.Sharpness = er.values[0]
	pt.Directions = make([]Direction, len(er.values))
	var sum complex128
	for i, l := range er.values {
		d := &pt.Directions[i]
		d.Lambda, d.U = l, er.vectors[i]
		d.HLambda = h * l
		d.Coef = linalg.Phi(complex(d.HLambda, 0))
		d.Regime = ClassifyTol(d.HLambda, tol)
		d.GradProj = linalg.Dot(pt.Grad, d.U)
		d.GrowthGD = math.Abs(1 - d.HLambda)
		g2 := d.GradProj * d.GradProj
		if g2 == 0 {
			d.DEdt = 0 // no share, even at the pole
		} else {
			d.DEdt = d.Coef * complex(g2, 0)
		}
		if d.Regime.Unstable() {
			pt.Unstable++
		}
		sum += d.DEdt
	}
	if pt.Complete || cmplx.IsInf(sum) {
		// Complete, or an analysed direction with gᵀu ≠ 0 sits at the pole
		// hλ = 1: dE/dt is infinite whatever the other directions add.
		pt.DEdt = sum
		return pt, nil
	}
	// dE/dt = gᵀφ(hH)g from a Lanczos approximation of φ(hH)g.
	pg := make([]complex128, n)
	op := func(dst, x []float64) { p.Real.HessVec(dst, theta, x) }
	ks := linalg.KrylovSettings{Tol: 1e-10}
	if set.Krylov != nil {
		ks.MaxIter = set.Krylov.MaxIter
	}
	st, err := linalg.LanczosFunc(pg, op, pt.Grad, func(x float64) complex128 { return linalg.Phi(complex(h*x, 0)) }, &ks)
	pt.HessVecs += st.MatVecs
	if err != nil {
		return nil, fmt.Errorf("stability: dE/dt from φ(hH)g: %w", err)
	}
	for i, gi := range pt.Grad {
		pt.DEdt += complex(gi, 0) * pg[i]
	}
	return pt, nil
}

// ctxStop carries the context's error out of a problem function wrapped by
// AnalyzeContext; AnalyzeContext recovers it.
type ctxStop struct{ err error }

// AnalyzeContext is Analyze bounded by ctx: the problem's gradient,
// Hessian and Hessian-vector products check ctx before each call, and once
// ctx has ended the analysis stops within one such call and returns an
// error wrapping ctx.Err() (an eigendecomposition has no partial result).
func AnalyzeContext(ctx context.Context, p *problems.Problem, h float64, theta []float64, s *Settings) (pt *Point, err error) {
	if ctx == nil || ctx.Done() == nil || p == nil {
		return Analyze(p, h, theta, s)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stability: analysis not started: %w", err)
	}
	q := *p
	check := func() {
		if err := ctx.Err(); err != nil {
			panic(ctxStop{err})
		}
	}
	if g := p.Real.Grad; g != nil {
		q.Real.Grad = func(dst, x []float64) { check(); g(dst, x) }
	}
	if hv := p.Real.HessVec; hv != nil {
		q.Real.HessVec = func(dst, x, v []float64) { check(); hv(dst, x, v) }
	}
	if hs := p.Real.Hess; hs != nil {
		q.Real.Hess = func(dst, x []float64) { check(); hs(dst, x) }
	}
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(ctxStop)
			if !ok {
				panic(r)
			}
			pt, err = nil, fmt.Errorf("stability: analysis of %s stopped: %w", p.Name, c.err)
		}
	}()
	return Analyze(&q, h, theta, s)
}
