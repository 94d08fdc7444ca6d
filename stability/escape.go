package stability

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
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
// flow and IGR never leave a minimum.
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
// experimental check of EscapeThreshold.
func RunNear(p *problems.Problem, center []float64, h float64, dir []float64, delta float64, steps int, radius float64) (NearRun, error) {
	if err := checkPoint(p, center); err != nil {
		return NearRun{}, err
	}
	if err := checkRate(h); err != nil {
		return NearRun{}, err
	}
	if len(dir) != p.Dim || !(delta > 0) || steps < 1 {
		return NearRun{}, fmt.Errorf("%w: RunNear needs len(dir) = Dim, delta > 0 and steps ≥ 1", ErrInvalidInput)
	}
	dn := linalg.Norm2(dir)
	if !(dn > 0) || math.IsInf(dn, 0) {
		return NearRun{}, fmt.Errorf("%w: direction is zero or not finite", ErrInvalidInput)
	}
	theta := linalg.AxpyTo(make([]float64, p.Dim), center, delta/dn, dir)
	g := make([]float64, p.Dim)
	d := make([]float64, p.Dim)
	r := NearRun{Start: delta, Max: delta}
	for r.Steps < steps {
		p.Real.Grad(g, theta)
		linalg.Axpy(theta, -h, g)
		r.Steps++
		linalg.AxpyTo(d, theta, -1, center)
		dist := linalg.Norm2(d)
		if math.IsNaN(dist) {
			dist = math.Inf(1)
		}
		r.Final = dist
		r.Max = math.Max(r.Max, dist)
		if radius > 0 && dist > radius {
			break
		}
	}
	r.Left = r.Final > r.Start
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
