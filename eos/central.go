package eos

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/problems"
)

// CentralSettings configures the central flow. The zero value means the
// defaults.
type CentralSettings struct {
	// Eigs is the number k of top Hessian eigenpairs tracked (default 5,
	// as in the reference example; at most 10).
	Eigs int
	// Substeps is the number of Euler substeps per unit of time (one GD
	// step; default 4, the reference code's value).
	Substeps int
	// EigTol is the relative residual tolerance of the Lanczos eigenpairs
	// (default 1e-6; the reference uses LOBPCG at 1e-5).
	EigTol float64
	// Seed seeds the first Lanczos start vector (default 0).
	Seed uint64
}

// CentralStep reports one unit of time (one GD step) of the central flow.
type CentralStep struct {
	// Loss is L(w) at the start of the step.
	Loss float64
	// Eigs are the top-k Hessian eigenvalues at the start of the step, in
	// weight units (the edge is 2/η).
	Eigs []float64
	// Sigma is Σ in the basis of the top-k eigenvectors, S (k×k,
	// row-major) with Σ = V S Vᵀ, averaged over the substeps (as the
	// reference averages X). Units: weight units; the reference code's X
	// equals S/η.
	Sigma []float64
	// Pred is the predicted time-averaged loss L(w) + ½⟨H(w), Σ⟩ =
	// L + ½Σ_i λ_i S_ii.
	Pred float64
}

// Central integrates the central flow of gradient descent with learning
// rate η (Cohen, Damian, Talwalkar, Kolter, Lee, "Understanding
// optimization in deep learning with central flows", ICLR 2025, arXiv
// 2410.24206), time t in units of GD steps:
//
//	dw/dt = −η [∇L(w) + ½ ∇⟨H(w), Σ(t)⟩],   Σ = V S Vᵀ ⪰ 0,
//
// with V the top-k unit eigenvectors of H and S from the semidefinite
// complementarity problem that keeps the top eigenvalues at or below the
// edge 2/η. It is discretised as the reference code does (flows.py,
// central_flow_substep): Euler substeps of dt = 1/Substeps with V frozen
// over the substep; the k×k matrix M = VᵀHV moves by
// dM_ij/dt = ⟨D³L[v_i,v_j], dw/dt⟩, and S solves
//
//	S ⪰ 0,  α + B[S] ⪰ 0,  ⟨S, α + B[S]⟩ = 0,
//	α_ij = δ_ij(2/η − λ_i) + dt·η⟨D³L[v_i,v_j], ∇L⟩,
//	B[S]_ij = dt·(η/2) Σ_kl ⟨D³L[v_i,v_j], D³L[v_k,v_l]⟩ S_kl,
//
// i.e. α + B[S] = (2/η)I − (M after the substep): no eigenvalue above the
// edge after the substep, Σ nonzero only where one sits on it. This is
// the reference's problem in weight units: it works with η-scaled
// eigenvalues ηλ (threshold 2) and X = S/η; both pose the same SDCP up to
// the factor η. With one eigenvalue at the edge, S = σ² with
// σ² = 2⟨−∇L, ∇S⟩/‖∇S‖², ∇S = D³L[v,v].
//
// A Central is not safe for concurrent use.
type Central struct {
	f     *problems.Funcs[float64]
	eta   float64
	k, ns int
	// W is the current point of the flow.
	W     []float64
	eig   *topEig
	g, dw []float64
	t     [][]float64 // D³L[v_i,v_j], i ≤ j, packed
	// D3Calls counts the third-derivative contractions.
	D3Calls int
}

// NewCentral starts the central flow of GD with rate eta on p from w0.
func NewCentral(p *problems.Problem, eta float64, w0 []float64, s *CentralSettings) (*Central, error) {
	if p == nil || p.Real.Grad == nil || p.Real.HessVec == nil || p.Real.D3 == nil {
		return nil, fmt.Errorf("%w: the central flow needs a problem with Grad, HessVec and D3", ErrInvalidInput)
	}
	if !(eta > 0) || math.IsInf(eta, 0) {
		return nil, fmt.Errorf("%w: learning rate %v", ErrInvalidInput, eta)
	}
	if len(w0) != p.Dim {
		return nil, fmt.Errorf("%w: start has length %d, problem dimension %d", ErrInvalidInput, len(w0), p.Dim)
	}
	var c CentralSettings
	if s != nil {
		c = *s
	}
	if c.Eigs == 0 {
		c.Eigs = 5
	}
	if c.Substeps == 0 {
		c.Substeps = 4
	}
	if c.EigTol == 0 {
		c.EigTol = 1e-6
	}
	c.Eigs = min(c.Eigs, p.Dim)
	if c.Eigs < 1 || c.Eigs > 10 || c.Substeps < 1 || c.EigTol < 0 {
		return nil, fmt.Errorf("%w: central flow needs 1 ≤ Eigs ≤ 10 and Substeps ≥ 1, got %d, %d", ErrInvalidInput, c.Eigs, c.Substeps)
	}
	k := c.Eigs
	cf := &Central{
		f: &p.Real, eta: eta, k: k, ns: c.Substeps,
		W:   append([]float64(nil), w0...),
		eig: newTopEig(&p.Real, p.Dim, k, c.EigTol, c.Seed),
		g:   make([]float64, p.Dim), dw: make([]float64, p.Dim),
		t: make([][]float64, k*(k+1)/2),
	}
	for i := range cf.t {
		cf.t[i] = make([]float64, p.Dim)
	}
	return cf, nil
}

// HVPs returns the number of Hessian-vector products used so far.
func (c *Central) HVPs() int { return c.eig.hvps }

// pairIndex maps i ≤ j to the packed index.
func pairIndex(i, j, k int) int {
	if i > j {
		i, j = j, i
	}
	return i*k - i*(i-1)/2 + (j - i)
}

// Step advances the flow by one unit of time (one GD step) and reports
// the state at its start.
func (c *Central) Step() (CentralStep, error) {
	return c.advance(c.ns)
}

// Predict reports the state at the current point (loss, eigenvalues, the
// Σ of one substep and the predicted loss) without moving it.
func (c *Central) Predict() (CentralStep, error) {
	return c.advance(0)
}

// advance takes n substeps of dt = 1/Substeps (n = 0: evaluate only).
func (c *Central) advance(n int) (CentralStep, error) {
	k := c.k
	dt := 1 / float64(c.ns)
	out := CentralStep{Sigma: make([]float64, k*k)}
	for sub := range max(n, 1) {
		loss := c.f.Func(c.W)
		c.f.Grad(c.g, c.W)
		lam, vecs, err := c.eig.at(c.W)
		if err != nil {
			return out, err
		}
		for i := range k {
			for j := i; j < k; j++ {
				c.f.D3(c.t[pairIndex(i, j, k)], c.W, vecs[i], vecs[j])
				c.D3Calls++
			}
		}
		s, err := centralSigma(c.eta, dt, lam, c.g, c.t, k)
		if err != nil {
			return out, err
		}
		if sub == 0 {
			out.Loss = loss
			out.Eigs = append([]float64(nil), lam...)
		}
		for i := range s {
			out.Sigma[i] += s[i] / float64(max(n, 1))
		}
		if n == 0 {
			break
		}
		// dw/dt = −η(∇L + ½ Σ_kl S_kl D³L[v_k,v_l]).
		copy(c.dw, c.g)
		for i := range k {
			for j := range k {
				if sij := s[i*k+j]; sij != 0 {
					t := c.t[pairIndex(i, j, k)]
					for m := range c.dw {
						c.dw[m] += 0.5 * sij * t[m]
					}
				}
			}
		}
		for m := range c.W {
			c.W[m] -= dt * c.eta * c.dw[m]
		}
	}
	out.Pred = out.Loss
	for i := range k {
		out.Pred += 0.5 * out.Eigs[i] * out.Sigma[i*k+i]
	}
	for _, v := range c.W {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return out, fmt.Errorf("%w: central flow state", ErrNonFinite)
		}
	}
	return out, nil
}

// centralSigma assembles and solves the substep's SDCP (see Central) from
// the eigenvalues lam, the gradient g and the packed contractions
// t = D³L[v_i,v_j]; it returns S (k×k, row-major).
func centralSigma(eta, dt float64, lam, g []float64, t [][]float64, k int) ([]float64, error) {
	a := make([]float64, k*k)
	for i := range k {
		for j := range k {
			var s float64
			for n, tn := range t[pairIndex(i, j, k)] {
				s += tn * g[n]
			}
			a[i*k+j] = dt * eta * s
		}
		a[i*k+i] += 2/eta - lam[i]
	}
	n := k * k
	gram := make([]float64, len(t)*len(t))
	for p := range t {
		for q := p; q < len(t); q++ {
			var s float64
			for i, v := range t[p] {
				s += v * t[q][i]
			}
			gram[p*len(t)+q], gram[q*len(t)+p] = s, s
		}
	}
	b := make([]float64, n*n)
	for i := range k {
		for j := range k {
			for kk := range k {
				for l := range k {
					b[(i*k+j)*n+kk*k+l] = dt * eta / 2 * gram[pairIndex(i, j, k)*len(t)+pairIndex(kk, l, k)]
				}
			}
		}
	}
	s, _, err := SolveSDCP(a, b, k, nil)
	return s, err
}
