package stability

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// GDMap is the gradient-descent map T_h(θ) = θ − h E′(θ) of a
// one-dimensional loss, the object of the classical theory of interval
// maps: period doubling, chaos, Lyapunov exponents (May, "Simple
// mathematical models with very complicated dynamics", Nature 261, 1976).
// For E(θ) = θ²/2 + θ³/3 (the cubic problem) T_h is conjugate to the
// logistic map x ↦ r x(1 − x) with r = 1 + h by θ = −1 + x(1 + h)/h, so its
// bifurcation diagram is the logistic map's, shifted by one.
//
// A fixed point θ* of T_h is a stationary point of E; its multiplier is
// T′(θ*) = 1 − hE″(θ*), so a minimum loses stability by period doubling at
// h = 2/E″(θ*).
//
// A GDMap owns small workspaces and is not safe for concurrent use.
type GDMap struct {
	p       *problems.Problem
	x, g, c []float64
}

// NewGDMap returns the GD map of a one-dimensional problem with a dense
// (1×1) Hessian.
func NewGDMap(p *problems.Problem) (*GDMap, error) {
	if p == nil || p.Dim != 1 || p.Real.Grad == nil || p.Real.Hess == nil {
		return nil, fmt.Errorf("%w: the GD map needs a one-dimensional problem with gradient and Hessian", ErrInvalidInput)
	}
	return &GDMap{p: p, x: make([]float64, 1), g: make([]float64, 1), c: make([]float64, 1)}, nil
}

// Grad returns E′(θ).
func (m *GDMap) Grad(theta float64) float64 {
	m.x[0] = theta
	m.p.Real.Grad(m.g, m.x)
	return m.g[0]
}

// Curv returns E″(θ).
func (m *GDMap) Curv(theta float64) float64 {
	m.x[0] = theta
	m.p.Real.Hess(m.c, m.x)
	return m.c[0]
}

// Step returns T_h(θ) = θ − hE′(θ), one step of modified.GDStep (the
// toolkit's gradient descent) on the one-element state.
func (m *GDMap) Step(h, theta float64) float64 {
	m.x[0] = theta
	modified.GDStep(m.x, &m.p.Real, m.x, h, m.g)
	return m.x[0]
}

// Deriv returns T_h′(θ) = 1 − hE″(θ).
func (m *GDMap) Deriv(h, theta float64) float64 { return 1 - h*m.Curv(theta) }

// MapSettings configures the orbit analyses of GDMap. The zero value means
// the documented defaults.
type MapSettings struct {
	// Transient is the number of iterations discarded before the
	// attractor is sampled (default 2000).
	Transient int
	// Samples is the number of iterates kept (default 256).
	Samples int
	// MaxPeriod is the longest period looked for (default 64).
	MaxPeriod int
	// PeriodTol is the relative tolerance of period detection:
	// |θ_{n+p} − θ_n| ≤ PeriodTol·(1 + |θ_n|) for all kept n (default 1e-8).
	PeriodTol float64
	// Bound: an orbit with |θ| > Bound has diverged (default 1e6).
	Bound float64
}

func (s *MapSettings) defaults() MapSettings {
	var r MapSettings
	if s != nil {
		r = *s
	}
	if r.Transient <= 0 {
		r.Transient = 2000
	}
	if r.Samples <= 0 {
		r.Samples = 256
	}
	if r.MaxPeriod <= 0 {
		r.MaxPeriod = 64
	}
	r.MaxPeriod = min(r.MaxPeriod, r.Samples/2)
	if r.PeriodTol <= 0 {
		r.PeriodTol = 1e-8
	}
	if r.Bound <= 0 {
		r.Bound = 1e6
	}
	return r
}

// Attractor is the long-time behaviour of GD from one start at one
// learning rate.
type Attractor struct {
	// H is the learning rate.
	H float64
	// Orbit holds the kept iterates (after the transient).
	Orbit []float64
	// Period is the detected period (1 = fixed point, 2 = period-two
	// orbit, …), 0 when none up to MaxPeriod was found (chaos, or a
	// transient longer than Transient), −1 when the orbit diverged.
	Period int
	// Cycle is the periodic orbit polished by Newton's method on
	// T^p(θ) = θ (len Period; nil unless Period > 0), and Multiplier its
	// multiplier (T^p)′ = Π T′(θ_i): the cycle is attracting when
	// |Multiplier| < 1.
	Cycle      []float64
	Multiplier float64
	// Lyapunov is the Lyapunov exponent estimated over the kept iterates,
	// (1/N) Σ log|T′(θ_n)|: negative on attracting cycles, positive on
	// chaos, −Inf on a superstable cycle (a point with T′ = 0).
	Lyapunov float64
}

// Attractor iterates T_h from theta0 and describes where the orbit
// settles: the kept iterates, the detected period, the polished cycle and
// its multiplier, and the Lyapunov exponent. s may be nil.
func (m *GDMap) Attractor(h, theta0 float64, s *MapSettings) (Attractor, error) {
	if err := checkRate(h); err != nil {
		return Attractor{}, err
	}
	if math.IsNaN(theta0) || math.IsInf(theta0, 0) {
		return Attractor{}, fmt.Errorf("%w: start %v", ErrInvalidInput, theta0)
	}
	set := s.defaults()
	a := Attractor{H: h}
	x := theta0
	for range set.Transient {
		x = m.Step(h, x)
		if !(math.Abs(x) <= set.Bound) {
			a.Period, a.Lyapunov = -1, math.Inf(1)
			return a, nil
		}
	}
	a.Orbit = make([]float64, set.Samples)
	sum := 0.0
	for i := range a.Orbit {
		a.Orbit[i] = x
		sum += math.Log(math.Abs(m.Deriv(h, x)))
		x = m.Step(h, x)
		if !(math.Abs(x) <= set.Bound) {
			a.Orbit = a.Orbit[:i+1]
			a.Period, a.Lyapunov = -1, math.Inf(1)
			return a, nil
		}
	}
	a.Lyapunov = sum / float64(len(a.Orbit))
	a.Period = DetectPeriod(a.Orbit, set.MaxPeriod, set.PeriodTol)
	if a.Period > 0 {
		c, mu, ok := m.Cycle(h, a.Orbit[0], a.Period)
		if ok {
			// A slowly converging orbit (multiplier near −1) can pass the
			// tolerance as a 2p-cycle; Newton then lands on the p-cycle.
			if q := cyclePeriod(c); q < len(c) {
				c = c[:q]
				mu = m.multiplier(h, c)
				a.Period = q
			}
			a.Cycle, a.Multiplier = c, mu
		} else {
			a.Cycle = append([]float64(nil), a.Orbit[:a.Period]...)
			a.Multiplier = m.multiplier(h, a.Cycle)
		}
	}
	return a, nil
}

// DetectPeriod returns the smallest p ≤ maxP with |x_{n+p} − x_n| ≤
// tol·(1 + |x_n|) for every n, or 0 if there is none.
func DetectPeriod(x []float64, maxP int, tol float64) int {
	for p := 1; p <= maxP && p < len(x); p++ {
		ok := true
		for n := 0; n+p < len(x); n++ {
			if !(math.Abs(x[n+p]-x[n]) <= tol*(1+math.Abs(x[n]))) {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	return 0
}

func (m *GDMap) multiplier(h float64, cycle []float64) float64 {
	mu := 1.0
	for _, x := range cycle {
		mu *= m.Deriv(h, x)
	}
	return mu
}

// Cycle refines a period-p orbit of T_h through (near) theta by Newton's
// method on F(θ) = T^p(θ) − θ, F′ = Π T′(θ_i) − 1, and returns its points,
// its multiplier and whether Newton converged (to a relative step below
// 1e-15 within 50 iterations). Newton converges quadratically even where
// plain iteration converges slowly (multiplier near ±1, as at a period
// doubling). The orbit found may have a period dividing p.
func (m *GDMap) Cycle(h, theta float64, p int) (cycle []float64, multiplier float64, ok bool) {
	if p < 1 {
		panic("stability: Cycle: period < 1")
	}
	cycle = make([]float64, p)
	x := theta
	for range 50 {
		y, d := x, 1.0
		for i := range p {
			cycle[i] = y
			d *= m.Deriv(h, y)
			y = m.Step(h, y)
		}
		f, fp := y-x, d-1
		if fp == 0 || math.IsNaN(f) {
			return cycle, d, false
		}
		dx := f / fp
		x -= dx
		if math.Abs(dx) <= 1e-15*(1+math.Abs(x)) {
			y := x
			for i := range p {
				cycle[i] = y
				y = m.Step(h, y)
			}
			return cycle, m.multiplier(h, cycle), true
		}
	}
	return cycle, m.multiplier(h, cycle), false
}

// Lyapunov returns the Lyapunov exponent (1/n) Σ log|1 − hE″(θ_k)| of the
// GD orbit from theta0 over n iterations after transient ones (Ott, Chaos
// in Dynamical Systems, 2nd ed., §2.3). It returns +Inf if the orbit
// leaves |θ| ≤ 1e6.
func (m *GDMap) Lyapunov(h, theta0 float64, transient, n int) (float64, error) {
	if err := checkRate(h); err != nil {
		return 0, err
	}
	if math.IsNaN(theta0) || math.IsInf(theta0, 0) || transient < 0 || n < 1 {
		return 0, fmt.Errorf("%w: Lyapunov needs a finite start, transient ≥ 0 and n ≥ 1", ErrInvalidInput)
	}
	const bound = 1e6
	x := theta0
	for range transient {
		if x = m.Step(h, x); !(math.Abs(x) <= bound) {
			return math.Inf(1), nil
		}
	}
	sum := 0.0
	for range n {
		sum += math.Log(math.Abs(m.Deriv(h, x)))
		if x = m.Step(h, x); !(math.Abs(x) <= bound) {
			return math.Inf(1), nil
		}
	}
	return sum / float64(n), nil
}

// Bifurcation computes the bifurcation diagram of the GD map over the
// learning rates hs: for each h, the attractor reached from theta0.
func (m *GDMap) Bifurcation(hs []float64, theta0 float64, s *MapSettings) ([]Attractor, error) {
	out := make([]Attractor, len(hs))
	for i, h := range hs {
		a, err := m.Attractor(h, theta0, s)
		if err != nil {
			return out[:i], err
		}
		out[i] = a
	}
	return out, nil
}

// Doubling is a period-doubling bifurcation of the GD map: the attracting
// cycle of period From loses stability at learning rate H (its multiplier
// passes −1) and a cycle of period 2·From takes over.
type Doubling struct {
	H    float64
	From int
	// Cycle is the period-From cycle at H.
	Cycle []float64
}

// PeriodDoublings locates the period doublings of the attractor reached
// from theta0 for h in [hLo, hHi]: it scans n+1 equally spaced rates,
// finds consecutive detected periods p → 2p, and refines each bracket by
// bisection on the multiplier of the period-p cycle (continued in h by
// Newton's method, see Cycle) to the rate where it equals −1. The result is
// accurate to a few ulp in h when the multiplier is a smooth function of h.
func (m *GDMap) PeriodDoublings(hLo, hHi float64, n int, theta0 float64, s *MapSettings) ([]Doubling, error) {
	if err := checkRate(hLo); err != nil {
		return nil, err
	}
	if !(hHi > hLo) || math.IsInf(hHi, 0) || n < 1 {
		return nil, fmt.Errorf("%w: need hLo < hHi finite and n ≥ 1", ErrInvalidInput)
	}
	hs := make([]float64, n+1)
	for i := range hs {
		hs[i] = hLo + (hHi-hLo)*float64(i)/float64(n)
	}
	atts, err := m.Bifurcation(hs, theta0, s)
	if err != nil {
		return nil, err
	}
	var out []Doubling
	last := -1
	for i, a := range atts {
		if a.Period <= 0 {
			continue
		}
		if last >= 0 && a.Period == 2*atts[last].Period && atts[last].Cycle != nil {
			if d, ok := m.refineDoubling(atts[last], hs[i]); ok {
				out = append(out, d)
			}
		}
		last = i
	}
	return out, nil
}

// refineDoubling bisects on μ(h) + 1 between a.H (attracting period-p
// cycle) and hHi, continuing the cycle by Newton.
func (m *GDMap) refineDoubling(a Attractor, hHi float64) (Doubling, bool) {
	p := len(a.Cycle)
	lo, hi := a.H, hHi
	x := a.Cycle[0]
	f := func(h float64) (float64, []float64, bool) {
		c, mu, ok := m.Cycle(h, x, p)
		return mu + 1, c, ok
	}
	flo, _, ok1 := f(lo)
	fhi, _, ok2 := f(hi)
	if !ok1 || !ok2 || !(flo > 0 && fhi < 0) {
		return Doubling{}, false
	}
	var cyc []float64
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		fm, c, ok := f(mid)
		if !ok {
			return Doubling{}, false
		}
		cyc = c
		x = c[0]
		if fm > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	if cyc == nil || !minimalPeriod(cyc) {
		return Doubling{}, false // Newton slid onto a cycle of a shorter period
	}
	return Doubling{H: lo + (hi-lo)/2, From: p, Cycle: cyc}, true
}

// minimalPeriod reports whether the cycle has no shorter period.
func minimalPeriod(c []float64) bool { return cyclePeriod(c) == len(c) }

// cyclePeriod returns the smallest q dividing len(c) with c[i+q] = c[i]
// to 1e−9 relative for all i: the minimal period of a Newton-polished
// cycle (whose points are accurate to a few ulp unless it is nearly
// degenerate).
func cyclePeriod(c []float64) int {
	p := len(c)
	for q := 1; q < p; q++ {
		if p%q != 0 {
			continue
		}
		same := true
		for i := 0; i+q < p; i++ {
			if math.Abs(c[i+q]-c[i]) > 1e-9*(1+math.Abs(c[i])) {
				same = false
				break
			}
		}
		if same {
			return q
		}
	}
	return p
}
