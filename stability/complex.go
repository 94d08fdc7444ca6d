package stability

import (
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// ComplexDirection is one eigendirection of the complex symmetric Hessian at
// a complex point.
type ComplexDirection struct {
	// Lambda is the eigenvalue λ (complex in general) and U its eigenvector,
	// normalised with uᵀu = 1 (no conjugation).
	Lambda complex128
	U      []complex128
	// HLambda is hλ.
	HLambda complex128
	// Coef is the stability coefficient φ(hλ) = log(1 − hλ)/(hλ) on the
	// branch of CoefC (continuous across the real half-line hλ > 1).
	Coef complex128
	// Regime classifies Re(hλ) as Analyze classifies hλ; it is exact only
	// when Complex is false.
	Regime Regime
	// Complex reports that Im(hλ) is not zero (beyond the tolerance of the
	// regime boundaries): the direction's regime is then that of Re(hλ),
	// an approximation.
	Complex bool
	// GradProj is gᵀu (bilinear, no conjugation).
	GradProj complex128
	// GrowthGD is |1 − hλ|, the factor by which one GD step multiplies the
	// modulus of the component along u of a quadratic with this Hessian.
	GrowthGD float64
	// DEdt is this direction's share φ(hλ)(gᵀu)(wᵀg) of dE/dt along the
	// principal flow, where wᵀ is the row of V⁻¹ belonging to u (wᵀ = uᵀ
	// when the eigenvalues are distinct). The shares sum to ComplexPoint.DEdt.
	DEdt complex128
}

// ComplexPoint is the stability analysis of gradient descent with learning
// rate H at a complex parameter vector, such as a point of the principal
// flow, which leaves ℝ^D when some hλ > 1.
type ComplexPoint struct {
	// Problem is the problem's name, H the learning rate and Edge = 2/H.
	Problem string
	H, Edge float64
	// Theta is the point, Loss E(θ) (holomorphic extension), Grad ∇E(θ)
	// and GradNorm its 2-norm (complex modulus).
	Theta    []complex128
	Loss     complex128
	Grad     []complex128
	GradNorm float64
	// Directions are all the eigendirections, by decreasing Re λ.
	Directions []ComplexDirection
	// Complex reports that some eigenvalue has a non-zero imaginary part.
	Complex bool
	// DEdt = gᵀφ(hH)g with φ(hH) = V φ(hΛ) V⁻¹: the rate of change of the
	// (complex) loss along the principal flow at θ.
	DEdt complex128
	// Unstable counts the directions with |1 − hλ| > 1 (beyond the regime
	// tolerance).
	Unstable int
}

// CoefC returns the stability coefficient φ(z) = log(1 − z)/z at a complex
// z = hλ, with φ(0) = −1 and φ(1) = −∞. The logarithm is the principal one
// for Re z ≤ 1 and the one with imaginary part in (0, 2π) for Re z > 1: so
// φ is continuous across the real half-line z > 1, where it equals
// linalg.Phi (Im φ = π/z, the value Analyze reports), and the cut sits on
// the line Re z = 1 away from the real axis. A principal flow integrated
// along a trajectory continues its own branch (package modified), which
// can differ from this one by 2πik/z.
func CoefC(z complex128) complex128 {
	switch {
	case z == 0:
		return -1
	case z == 1:
		return complex(math.Inf(-1), 0)
	}
	l := cmplx.Log(1 - z)
	if real(z) > 1 && imag(l) < 0 { // 1 − z in the left half-plane
		l += complex(0, 2*math.Pi)
	}
	return l / z
}

// AnalyzeComplex is Analyze at a complex point θ ∈ ℂ^D, for a holomorphic
// problem with a dense Hessian: the Hessian ∇²E(θ) is complex symmetric
// (Hᵀ = H, not Hermitian), decomposed by linalg.CEig.FactorizeSymmetric
// into H = V Λ V⁻¹ with uᵢᵀuᵢ = 1 (Rosca, Wu, Qin, Dherin, TMLR 2023: the
// principal flow lives in ℂ^D). For each direction it gives hλ, φ(hλ)
// (CoefC), the regime of Re(hλ) with a flag when λ is complex, gᵀu, the GD
// growth factor |1 − hλ| and the share of dE/dt = gᵀφ(hH)g. s may be nil;
// only s.RegimeTol is used (default 64·ε·max(1, h·max|λ|)). theta is not
// modified.
//
// A problem without a holomorphic extension gives an error wrapping
// problems.ErrNotHolomorphic, one without a dense Hessian ErrInvalidInput; a
// numerically defective Hessian (complex symmetric matrices need not be
// diagonalisable) an error wrapping linalg.ErrDefective.
func AnalyzeComplex(p *problems.Problem, h float64, theta []complex128, s *Settings) (*ComplexPoint, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil problem", ErrInvalidInput)
	}
	if err := checkRate(h); err != nil {
		return nil, err
	}
	if len(theta) != p.Dim {
		return nil, fmt.Errorf("%w: point has length %d, problem %s has dimension %d", ErrInvalidInput, len(theta), p.Name, p.Dim)
	}
	if i := slices.IndexFunc(theta, func(v complex128) bool { return !linalg.IsFinite(v) }); i >= 0 {
		return nil, fmt.Errorf("%w: point component %d is %v", ErrInvalidInput, i, theta[i])
	}
	if s != nil && s.RegimeTol < 0 {
		return nil, fmt.Errorf("%w: negative RegimeTol", ErrInvalidInput)
	}
	f, err := p.ComplexFuncs()
	if err != nil {
		return nil, fmt.Errorf("stability: %w", err)
	}
	if f.Hess == nil || f.Grad == nil || f.Func == nil {
		return nil, fmt.Errorf("%w: problem %s has no dense complex Hessian", ErrInvalidInput, p.Name)
	}
	n := p.Dim
	pt := &ComplexPoint{
		Problem: p.Name, H: h, Edge: 2 / h,
		Theta: append([]complex128(nil), theta...),
		Loss:  f.Func(theta),
		Grad:  make([]complex128, n),
	}
	f.Grad(pt.Grad, theta)
	pt.GradNorm = linalg.Norm2(pt.Grad)
	if !linalg.IsFinite(pt.Loss) || math.IsNaN(pt.GradNorm) || math.IsInf(pt.GradNorm, 0) {
		return nil, fmt.Errorf("%w: loss %v or gradient not finite at the point", ErrInvalidInput, pt.Loss)
	}
	hess := make([]complex128, n*n)
	f.Hess(hess, theta)
	var eig linalg.CEig
	if err := eig.FactorizeSymmetric(hess, n); err != nil {
		return nil, fmt.Errorf("stability: complex Hessian eigendecomposition: %w", err)
	}
	vals, vecs, inv := eig.Values(), eig.Vectors(), eig.InverseVectors()
	lmax := 0.0
	for _, l := range vals {
		lmax = math.Max(lmax, cmplx.Abs(l))
	}
	tol := 64 * 0x1p-52 * math.Max(1, h*lmax)
	if s != nil && s.RegimeTol > 0 {
		tol = s.RegimeTol
	}
	hc := complex(h, 0)
	pt.Directions = make([]ComplexDirection, n)
	for i, l := range vals {
		d := &pt.Directions[i]
		d.Lambda = l
		d.U = make([]complex128, n)
		var gw complex128
		for k := range n {
			d.U[k] = vecs[k*n+i]
			d.GradProj += pt.Grad[k] * d.U[k]
			gw += inv[i*n+k] * pt.Grad[k]
		}
		d.HLambda = hc * l
		d.Coef = CoefC(d.HLambda)
		d.Regime = ClassifyTol(real(d.HLambda), tol)
		d.Complex = math.Abs(imag(d.HLambda)) > tol
		d.GrowthGD = cmplx.Abs(1 - d.HLambda)
		if share := d.GradProj * gw; share != 0 {
			d.DEdt = d.Coef * share
		}
		if d.GrowthGD > 1+tol {
			pt.Unstable++
		}
		pt.Complex = pt.Complex || d.Complex
		pt.DEdt += d.DEdt
	}
	slices.SortStableFunc(pt.Directions, func(a, b ComplexDirection) int {
		switch {
		case real(a.Lambda) > real(b.Lambda):
			return -1
		case real(a.Lambda) < real(b.Lambda):
			return 1
		}
		return 0
	})
	return pt, nil
}
