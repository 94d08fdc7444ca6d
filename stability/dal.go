package stability

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
)

// DefaultDALMaxRate is h_max of DAL, the max_lr_scale of the authors'
// released dal.py.
const DefaultDALMaxRate = 5.0

// DAL configures the drift-adjusted learning rate of Rosca, Wu, Qin,
// Dherin (TMLR 2023, §6), as implemented in the authors' dal.py
// (google-deepmind/discretisation_drift,
// principal_flow_instability_single_objective): the step at θ uses
//
//	h(θ) = min(2 / (‖H g‖/‖g‖)^P, MaxRate)
//
// while the step index n satisfies Start < n < Stop, and the static rate
// outside that window or when P = 0. ‖Hg‖/‖g‖ is a Rayleigh-type estimate
// of the curvature along the gradient, and 2/λ the edge of stability of a
// direction with curvature λ: P = 1 puts the step at that edge, larger P
// shrinks it where the curvature exceeds 1. The zero value is plain GD at
// the static rate.
type DAL struct {
	// P is the power p ≥ 0 (0: no adjustment).
	P float64
	// MaxRate is h_max (default DefaultDALMaxRate = 5). A zero Hg (or a
	// zero gradient, where the step vanishes anyway) gives MaxRate.
	MaxRate float64
	// Start and Stop bound the steps n (counted from 0) at which the rate
	// is adjusted: Start < n < Stop. As in dal.py, 0 means unset: Start
	// −1 and Stop +∞.
	Start, Stop int
	// FiniteDiff computes Hg by the finite difference
	// (∇E(θ + εg) − ∇E(θ))/ε of dal.py instead of the Hessian-vector
	// product. It is used anyway when the problem has no HessVec.
	FiniteDiff bool
	// Epsilon is ε of the finite difference (default 0.01/‖g‖, as dal.py).
	Epsilon float64
}

// DALRule evaluates the DAL learning rate. It owns two workspaces of the
// problem's dimension and is not safe for concurrent use.
type DALRule struct {
	cfg     DAL
	p       *problems.Problem
	h       float64
	hg, tmp []float64
	// Evals counts Hessian-vector products (or extra gradients for the
	// finite difference).
	Evals int
}

// NewDALRule returns the DAL rate rule of d for problem p with static rate h
// (used when d.P = 0 and outside the Start–Stop window).
func NewDALRule(p *problems.Problem, h float64, d DAL) (*DALRule, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil problem", ErrInvalidInput)
	}
	if err := checkRate(h); err != nil {
		return nil, err
	}
	if !(d.P >= 0) || math.IsInf(d.P, 0) {
		return nil, fmt.Errorf("%w: DAL power p = %v must be finite and ≥ 0", ErrInvalidInput, d.P)
	}
	if d.MaxRate == 0 {
		d.MaxRate = DefaultDALMaxRate
	}
	if !(d.MaxRate > 0) || math.IsInf(d.MaxRate, 0) {
		return nil, fmt.Errorf("%w: DAL MaxRate %v must be positive and finite", ErrInvalidInput, d.MaxRate)
	}
	if d.Epsilon < 0 || math.IsNaN(d.Epsilon) || math.IsInf(d.Epsilon, 0) {
		return nil, fmt.Errorf("%w: DAL Epsilon %v must be finite and ≥ 0", ErrInvalidInput, d.Epsilon)
	}
	if p.Real.HessVec == nil {
		d.FiniteDiff = true
	}
	if p.Real.Grad == nil {
		return nil, fmt.Errorf("%w: problem %s has no gradient", ErrInvalidInput, p.Name)
	}
	return &DALRule{cfg: d, p: p, h: h, hg: make([]float64, p.Dim), tmp: make([]float64, p.Dim)}, nil
}

// Active reports whether step n is inside the adjustment window.
func (r *DALRule) Active(n int) bool {
	start, stop := r.cfg.Start, r.cfg.Stop
	if start == 0 {
		start = -1
	}
	return r.cfg.P != 0 && n > start && (stop == 0 || n < stop)
}

// Rate returns the learning rate of step n at theta, whose gradient is g,
// and the curvature estimate ‖Hg‖/‖g‖ it used (NaN when the window is
// inactive, 0 for a zero gradient). theta and g are not modified.
func (r *DALRule) Rate(n int, theta, g []float64) (rate, curv float64) {
	if !r.Active(n) {
		return r.h, math.NaN()
	}
	gn := linalg.Norm2(g)
	if gn == 0 {
		return r.cfg.MaxRate, 0
	}
	r.HessGrad(r.hg, theta, g)
	curv = linalg.Norm2(r.hg) / gn
	rate = 2 / math.Pow(curv, r.cfg.P)
	if !(rate <= r.cfg.MaxRate) { // also +Inf for curv = 0
		rate = r.cfg.MaxRate
	}
	return rate, curv
}

// HessGrad writes Hg at theta into dst: the exact Hessian-vector product,
// or with FiniteDiff (or no HessVec) (∇E(θ + εg) − g)/ε, ε = Epsilon or
// 0.01/‖g‖ (dal.py's hg_finite_differences_approx).
func (r *DALRule) HessGrad(dst, theta, g []float64) {
	r.Evals++
	if !r.cfg.FiniteDiff {
		r.p.Real.HessVec(dst, theta, g)
		return
	}
	eps := r.cfg.Epsilon
	if eps == 0 {
		eps = 0.01 / linalg.Norm2(g)
	}
	linalg.AxpyTo(r.tmp, theta, eps, g)
	r.p.Real.Grad(dst, r.tmp)
	for i := range dst {
		dst[i] = (dst[i] - g[i]) / eps
	}
}
