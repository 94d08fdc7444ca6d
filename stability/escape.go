package stability

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
)

// Escape holds the learning-rate thresholds at which gradient descent and
// the principal flow leave a stationary point θ*.
//
// Near θ* the component of θ − θ* along an eigendirection with eigenvalue λ
// is multiplied by 1 − hλ per GD step, and by (1 − hλ)^{t/h} along the
// principal flow (Rosca et al., TMLR 2023): both grow exactly when
// |1 − hλ| > 1, that is for every h > 0 when λ < 0 (saddles, maxima) and
// for h > 2/λ when λ > 0. So GD and the PF share the threshold
// H = 2/λ_max at a minimum and H = 0 with negative curvature; gradient
// flow and IGR never leave a minimum. This is the linearisation; RunNear
// and RunNearPF check it by running GD and integrating the principal flow
// from nearby starts.
type Escape struct {
	// Point is the stationary point.
	Point problems.Point
	// Lambdas are the Hessian eigenvalues at Point.X, descending.
	Lambdas []float64
	// H is the threshold: GD and the PF leave θ* from nearby starts for
	// every h > H (H = 0: every h; +Inf: no eigenvalue makes it unstable,
	// e.g. a degenerate point with H = 0).
	H float64
	// Lambda is the eigenvalue that sets H and Dir its unit eigenvector,
	// the direction of escape.
	Lambda float64
	Dir    []float64
}

// EscapeThreshold computes the escape threshold of the stationary point pt
// of p from the eigenvalues of the Hessian there (dense when available,
// else the extreme pairs by Lanczos).
func EscapeThreshold(p *problems.Problem, pt problems.Point) (*Escape, error) {
	if err := checkPoint(p, pt.X); err != nil {
		return nil, err
	}
	var ws linalg.SymEig
	spec := eigSpec{}
	if p.Real.Hess == nil {
		spec = eigSpec{top: 1, bottom: 1}
	}
	er, err := hessianEig(p, pt.X, spec, &ws, nil)
	if err != nil {
		return nil, err
	}
	e := &Escape{Point: pt, Lambdas: er.values, H: math.Inf(1)}
	last := len(er.values) - 1
	switch {
	case er.values[last] < 0:
		e.H, e.Lambda, e.Dir = 0, er.values[last], er.vectors[last]
	case er.values[0] > 0:
		e.H, e.Lambda, e.Dir = 2/er.values[0], er.values[0], er.vectors[0]
	}
	return e, nil
}

// NearRun is the outcome of GD started near a stationary point.
type NearRun struct {
	// Start is the initial distance δ, Final the distance ‖θ_N − θ*‖ after
	// the run and Max the largest distance seen.
	Start, Final, Max float64
	// Left is true when Final > Start: GD did not return to θ*.
	Left bool
	// Steps is the number of steps taken (fewer than asked when the
	// distance exceeded the radius).
	Steps int
}

// RunNear runs GD with rate h from center + delta·dir/‖dir‖ for at most
// steps steps, stopping early when the distance to center exceeds radius
// (0: no limit), and reports whether it left the point. It is the
// experimental check of EscapeThreshold. The iterates are those of
// modified.GD (run in chunks so that memory stays bounded); an overflow
// counts as leaving, with Final = +Inf.
func RunNear(p *problems.Problem, center []float64, h float64, dir []float64, delta float64, steps int, radius float64) (NearRun, error) {
	theta, err := nearStart(p, center, h, dir, delta, steps)
	if err != nil {
		return NearRun{}, err
	}
	d := make([]float64, p.Dim)
	r := NearRun{Start: delta, Max: delta}
	for r.Steps < steps {
		m := min(trackChunk, steps-r.Steps)
		res, err := modified.GD(p, theta, h, m, &modified.GDSettings[float64]{SkipLoss: true})
		if res == nil {
			return r, fmt.Errorf("stability: %w", err)
		}
		for _, it := range res.Iterates[1:] {
			r.Steps++
			linalg.AxpyTo(d, it, -1, center)
			dist := linalg.Norm2(d)
			if math.IsNaN(dist) {
				dist = math.Inf(1)
			}
			r.Final = dist
			r.Max = math.Max(r.Max, dist)
			if radius > 0 && dist > radius {
				r.Left = true
				return r, nil
			}
		}
		if err != nil { // modified.ErrDiverged: the next iterate overflowed
			r.Steps++
			r.Final, r.Max = math.Inf(1), math.Inf(1)
			break
		}
		theta = res.Last()
	}
	r.Left = r.Final > r.Start
	return r, nil
}

// nearStart checks the arguments of RunNear and RunNearPF and returns the
// start center + delta·dir/‖dir‖.
func nearStart(p *problems.Problem, center []float64, h float64, dir []float64, delta float64, steps int) ([]float64, error) {
	if err := checkPoint(p, center); err != nil {
		return nil, err
	}
	if err := checkRate(h); err != nil {
		return nil, err
	}
	if len(dir) != p.Dim || !(delta > 0) || math.IsInf(delta, 0) || steps < 1 {
		return nil, fmt.Errorf("%w: a run near a point needs len(dir) = Dim, finite delta > 0 and steps ≥ 1", ErrInvalidInput)
	}
	dn := linalg.Norm2(dir)
	if !(dn > 0) || math.IsInf(dn, 0) {
		return nil, fmt.Errorf("%w: direction is zero or not finite", ErrInvalidInput)
	}
	return linalg.AxpyTo(make([]float64, p.Dim), center, delta/dn, dir), nil
}

// NearPFSettings configures RunNearPF. The zero value (and nil) means the
// defaults.
type NearPFSettings struct {
	// RTol is the relative tolerance of the integration (default 1e-10);
	// the absolute tolerance is RTol·delta, scaled to the start distance.
	RTol float64
	// Method is the integrator (default ode.DOP853): any method of package
	// ode that integrates the principal flow (Runge–Kutta, Radau5, the
	// exponential integrators of package modified, …).
	Method ode.Method
	// Options configures the principal flow (nil: modified's defaults,
	// branch continued along the trajectory).
	Options *modified.Options
}

// RunNearPF is RunNear for the principal flow θ' = φ(hH)∇E of GD with rate
// h (Rosca et al., TMLR 2023; modified.New[complex128]("pf", …)),
// integrated in ℂ^D by ode.Solve through Flow.Wire from
// center + delta·dir/‖dir‖ to flow time steps·h. The distance
// ‖θ(t) − center‖ (complex modulus) is taken at t = n·h, n = 1 … steps (the
// times of the GD iterates) and after every accepted step; the run stops
// when it exceeds radius (0: no limit). Steps is the number of GD times
// reached. For h > 2/λ the flow is complex (a growing rotation), so the
// problem must be holomorphic (problems.ErrNotHolomorphic otherwise).
//
// It checks, with the flow itself rather than its linearisation, that the
// PF leaves a stationary point exactly when GD does (EscapeThreshold). A
// failure of the integration (for example a pole of the loss's complex
// extension met after the flow left the linear regime) is returned with the
// partial NearRun.
func RunNearPF(p *problems.Problem, center []float64, h float64, dir []float64, delta float64, steps int, radius float64, s *NearPFSettings) (NearRun, error) {
	x0, err := nearStart(p, center, h, dir, delta, steps)
	if err != nil {
		return NearRun{}, err
	}
	var set NearPFSettings
	if s != nil {
		set = *s
	}
	if set.RTol == 0 {
		set.RTol = 1e-10
	}
	if !(set.RTol > 0) || math.IsInf(set.RTol, 0) {
		return NearRun{}, fmt.Errorf("%w: RTol %v must be positive", ErrInvalidInput, set.RTol)
	}
	if set.Method == nil {
		set.Method = ode.DOP853
	}
	fl, err := modified.New[complex128]("pf", p, h, set.Options)
	if err != nil {
		return NearRun{}, fmt.Errorf("stability: principal flow: %w", err)
	}
	n := p.Dim
	y0, c := make([]complex128, n), make([]complex128, n)
	for i := range n {
		y0[i], c[i] = complex(x0[i], 0), complex(center[i], 0)
	}
	dist := func(y []complex128) float64 {
		var d float64
		for i, v := range y {
			d = math.Hypot(d, cmplx.Abs(v-c[i]))
		}
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		return d
	}
	r := NearRun{Start: delta, Max: delta}
	teval := make([]float64, steps)
	for k := range teval {
		teval[k] = float64(k+1) * h
	}
	os := &ode.Settings[complex128]{
		RTol: set.RTol, ATol: set.RTol * delta, TEval: teval,
		Observer: func(t float64, y []complex128) bool {
			d := dist(y)
			r.Final, r.Max = d, math.Max(r.Max, d)
			return !(radius > 0 && d > radius)
		},
	}
	sol, err := fl.Solve(context.Background(), teval[steps-1], y0, set.Method, os)
	if sol != nil {
		r.Steps = len(sol.T)
		for _, y := range sol.Y {
			r.Max = math.Max(r.Max, dist(y))
		}
	}
	r.Left = r.Final > r.Start
	if err != nil && !errors.Is(err, ode.ErrStopped) {
		return r, fmt.Errorf("stability: principal flow near %v at h = %v: %w", center, h, err)
	}
	return r, nil
}

// BasinExit finds the smallest learning rate at which GD started at theta0
// (inside the basin lo < θ < hi of a one-dimensional loss) is no longer in
// the basin after steps steps. It scans hs (ascending) and refines the first
// transition from "stays" to "leaves" by 50 bisections, assuming a single
// transition in that bracket. It returns the rate, the final iterate at
// that rate, and ok = false when no rate of the scan leaves. For the doublewell problem this is the rate at which GD leaves
// the sharp well (θ* ≈ 0.0133, E″ ≈ 25) for the wide one: it exceeds
// 2/E″(θ*), where the minimum only turns into a period-two orbit inside the
// well.
func BasinExit(m *GDMap, theta0, lo, hi float64, hs []float64, steps int) (h, final float64, ok bool, err error) {
	if !(lo < theta0 && theta0 < hi) || steps < 1 {
		return 0, 0, false, fmt.Errorf("%w: BasinExit needs lo < theta0 < hi and steps ≥ 1", ErrInvalidInput)
	}
	run := func(h float64) float64 {
		x := theta0
		for range steps {
			x = m.Step(h, x)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return x
			}
		}
		return x
	}
	inside := func(x float64) bool { return x > lo && x < hi }
	prev := -1.0
	for _, hh := range hs {
		if err := checkRate(hh); err != nil {
			return 0, 0, false, err
		}
		x := run(hh)
		if inside(x) {
			prev = hh
			continue
		}
		if prev < 0 {
			return hh, x, true, nil
		}
		a, b := prev, hh
		for range 50 {
			mid := a + (b-a)/2
			if inside(run(mid)) {
				a = mid
			} else {
				b = mid
			}
		}
		return b, run(b), true, nil
	}
	return 0, 0, false, nil
}
