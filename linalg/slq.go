package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SLQSettings holds the settings of SLQ. The zero value (or a nil pointer)
// means the documented defaults.
type SLQSettings struct {
	// Probes is the number of Rademacher probe vectors (default 10).
	Probes int
	// Steps is the number of Lanczos steps per probe (default min(n, 80);
	// Ghorbani et al. use 90).
	Steps int
	// Seed seeds the probes (PCG with seeds (Seed, Seed+1)). Default 0.
	Seed uint64
}

// SpectralDensity is the result of stochastic Lanczos quadrature: for each
// probe l, Gauss quadrature nodes Nodes[l] (the Ritz values) and weights
// Weights[l] (squared first components of the Ritz vectors, summing to 1),
// so that vᵀ f(A) v/‖v‖² ≈ Σ_j Weights[l][j] f(Nodes[l][j]) exactly for
// polynomials f of degree < 2·Steps.
type SpectralDensity struct {
	N       int // order of the operator
	Nodes   [][]float64
	Weights [][]float64
}

// SLQ estimates the spectral density of the real symmetric n×n operator a
// by stochastic Lanczos quadrature (Ghorbani, Krishnan, Xiao, "An
// investigation into neural net optimization via Hessian eigenvalue
// density", ICML 2019, Algorithm 1; Lin, Saad, Yang, SIAM Review 58, 2016):
// for each of Probes Rademacher vectors v (entries ±1, normalised), Steps
// steps of Lanczos with full reorthogonalization give T = S Θ Sᵀ, and the
// probe contributes the weights τ_j = S_1j² at the nodes θ_j.
func SLQ(a SymOperator, n int, s *SLQSettings) (*SpectralDensity, error) {
	var set SLQSettings
	if s != nil {
		set = *s
	}
	if n < 1 {
		return nil, fmt.Errorf("linalg: SLQ: n = %d: %w", n, ErrInvalidArgument)
	}
	if set.Probes <= 0 {
		set.Probes = 10
	}
	if set.Steps <= 0 {
		set.Steps = 80
	}
	set.Steps = min(set.Steps, n)
	rng := rand.New(rand.NewPCG(set.Seed, set.Seed+1))
	d := &SpectralDensity{N: n}
	v := make([]float64, n)
	for p := 0; p < set.Probes; p++ {
		for i := range v {
			if rng.Uint64()&1 == 0 {
				v[i] = 1
			} else {
				v[i] = -1
			}
		}
		l := newLanczos(n, set.Steps, nil)
		l.push(v, math.Sqrt(float64(n)))
		m := 0
		anorm := 0.0
		for m < set.Steps {
			inv := l.step(a, anorm)
			m++
			if x := l.alpha[m-1]; math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("linalg: SLQ: operator produced non-finite values: %w", ErrNotFinite)
			}
			anorm = math.Max(anorm, math.Abs(l.alpha[m-1])+l.beta[m-1])
			if inv {
				break
			}
		}
		theta, sv, err := tridiagEig(l.alpha, l.beta, m)
		if err != nil {
			return nil, err
		}
		w := make([]float64, m)
		for j := range w {
			w[j] = sv[j] * sv[j]
		}
		d.Nodes = append(d.Nodes, theta)
		d.Weights = append(d.Weights, w)
	}
	return d, nil
}

// Density returns the Gaussian-smoothed density estimate at x,
// (1/P) Σ_l Σ_j τ_lj g_σ(x − θ_lj), g_σ the normal density of standard
// deviation sigma; it integrates to 1 over ℝ.
func (d *SpectralDensity) Density(x, sigma float64) float64 {
	if !(sigma > 0) {
		panic("linalg: SpectralDensity.Density: sigma must be positive")
	}
	var s float64
	c := 1 / (sigma * math.Sqrt(2*math.Pi))
	for l, nodes := range d.Nodes {
		for j, t := range nodes {
			u := (x - t) / sigma
			s += d.Weights[l][j] * c * math.Exp(-0.5*u*u)
		}
	}
	return s / float64(len(d.Nodes))
}

// Trace returns the SLQ estimate of tr f(A) = n·(1/P) Σ_l Σ_j τ_lj f(θ_lj)
// (Hutchinson's estimator with Gauss quadrature for each probe).
func (d *SpectralDensity) Trace(f func(float64) float64) float64 {
	var s float64
	for l, nodes := range d.Nodes {
		for j, t := range nodes {
			s += d.Weights[l][j] * f(t)
		}
	}
	return float64(d.N) * s / float64(len(d.Nodes))
}
