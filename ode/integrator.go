package ode

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"

	"github.com/pflow-go/pflow/linalg"
)

// Integrator advances the solution of y' = f(t, y) one accepted step at a
// time. It owns all its workspace: after NewIntegrator, Step does not
// allocate (unless an event is recorded).
type Integrator[T linalg.Scalar] struct {
	run  *Run[T]
	m    *Tableau
	r    resolved
	ctrl Controller
	cs   *ControlState
	n    int
	cplx bool

	t0, t1, dir float64
	t, h        float64 // current time and next step size (signed)
	tOld, hUsed float64 // last accepted step covers [tOld, tOld+hUsed]
	nFixedDone  int

	yOld, yEnd, cur []T // step start, step end, exposed state
	yEv, ye         []T // event state (terminal), interpolation scratch
	stage           []T
	k               [][]T // s stages + extra interpolation stages
	fEnd            []T   // f(t, y) at the step end for non-FSAL Hermite output
	errv, err3v     []float64
	kf              [][]float64 // float views of k

	aComb, xComb        []comb
	bComb, eComb, e3Com comb
	lazyFSAL            bool
	endExtra            int  // interpolation stage equal to f(t+h, y1), or −1
	dp5                 bool // adaptive DOPRI5: specialised kernel (dopri5.go)
	denseIdx            []int
	dk                  [][]T // dense stages of the current step, by denseIdx

	k1Valid, pendingFSAL, fEndValid, extraValid bool
	lastNonFinite                               bool

	dense  rkDense[T]
	stats  *Stats
	status Status
	err    error
	done   bool
}

// rkDense is the Dense view of the integrator's last step.
type rkDense[T linalg.Scalar] struct{ it *Integrator[T] }

func (d *rkDense[T]) Interpolate(dst []T, t float64) { d.it.Interpolate(dst, t) }

func (d *rkDense[T]) Keep() Dense[T] {
	it := d.it
	it.ensureDense()
	sg := &rkSegment[T]{m: it.m, idx: it.denseIdx, t0: it.tOld, h: it.hUsed,
		y0: append([]T(nil), it.yOld...), y1: append([]T(nil), it.yEnd...)}
	sg.k = make([][]T, len(it.dk))
	for j, v := range it.dk {
		sg.k[j] = append([]T(nil), v...)
	}
	return sg
}

// rkSegment is a kept copy of one step's dense output.
type rkSegment[T linalg.Scalar] struct {
	m      *Tableau
	idx    []int
	t0, h  float64
	y0, y1 []T
	k      [][]T
}

func (sg *rkSegment[T]) Interpolate(dst []T, t float64) {
	denseEval(dst, sg.m, sg.t0, sg.h, sg.y0, sg.y1, sg.k, sg.idx, t)
}

func (sg *rkSegment[T]) Keep() Dense[T] { return sg }

// Info implements Method.
func (m *Tableau) Info() MethodInfo {
	return MethodInfo{Name: m.Name, Order: m.Order, Adaptive: m.Adaptive(), Fixed: !m.Adaptive(), Dense: true,
		Needs: []string{"F"}, Real: true, Complex: true, Family: "explicit RK", Reference: m.Reference}
}

// RunReal implements Method.
func (m *Tableau) RunReal(r *Run[float64]) error { return runRK(r, m) }

// RunComplex implements Method.
func (m *Tableau) RunComplex(r *Run[complex128]) error { return runRK(r, m) }

func runRK[T linalg.Scalar](r *Run[T], m *Tableau) error {
	it, err := newIntegrator(r, m)
	if err != nil {
		return err
	}
	for it.Step() {
	}
	return it.err
}

// NewIntegrator validates the inputs, evaluates f(t0, y0) and chooses the
// initial step, for stepping through the solution one accepted step at a
// time (Solve records the steps instead). y0 is copied. A nil Settings
// means defaults; TEval and Dense are not used (events, the observer and
// progress are). On error the returned Integrator (possibly nil for
// invalid settings) reports it through Err as well.
func NewIntegrator[T linalg.Scalar](p Problem[T], t0, t1 float64, y0 []T, m *Tableau, s *Settings[T]) (*Integrator[T], error) {
	if m == nil {
		return nil, fmt.Errorf("%w: nil method", ErrInvalidSettings)
	}
	r, err := newRun(context.Background(), p, t0, t1, y0, m, s, &Solution[T]{t0: t0, TEnd: t0, Status: Running})
	if err != nil {
		return nil, err
	}
	r.quiet = true
	return newIntegrator(r, m)
}

func newIntegrator[T linalg.Scalar](run *Run[T], m *Tableau) (*Integrator[T], error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	t0, t1, y0, n := run.T0, run.T1, run.Y0, len(run.Y0)
	r := resolveRK(run, m)
	it := &Integrator[T]{run: run, m: m, r: r, n: n, t0: t0, t1: t1, t: t0, dir: run.dir, status: Running, stats: &run.Stats}
	it.dense.it = it
	q := m.EmbeddedOrder
	if q == 0 {
		q = m.Order
	}
	if !r.fixed {
		it.ctrl = run.Controller(r.pi, q)
		it.cs = run.ControlState()
	}
	var z T
	_, it.cplx = any(z).(complex128)
	st := m.Stages()
	nk := st + len(m.ExtraC)
	buf := make([]T, n*(nk+6))
	next := func() []T { v := buf[:n:n]; buf = buf[n:]; return v }
	it.yOld, it.yEnd, it.stage, it.fEnd, it.ye, it.yEv = next(), next(), next(), next(), next(), next()
	copy(it.yEnd, y0)
	it.cur = it.yEnd
	it.k = make([][]T, nk)
	for i := range it.k {
		it.k[i] = next()
	}
	it.kf = make([][]float64, nk)
	it.refreshViews()
	it.errv = make([]float64, len(asFloats(it.yEnd)))
	if m.E3 != nil {
		it.err3v = make([]float64, len(it.errv))
	}
	rows := append(append([][]float64{m.B, m.E, m.E3}, m.A...), m.ExtraA...)
	ar := newCombArena(rows...)
	it.aComb = make([]comb, st)
	for i := range st {
		it.aComb[i] = ar.comb(m.A[i], it.kf)
	}
	it.bComb = ar.comb(m.B, it.kf)
	it.eComb = ar.comb(m.E, it.kf)
	it.e3Com = ar.comb(m.E3, it.kf)
	it.xComb = make([]comb, len(m.ExtraA))
	for j := range m.ExtraA {
		it.xComb[j] = ar.comb(m.ExtraA[j], it.kf)
	}
	// The specialised DOPRI5 kernel replaces the fused loops (n ≤ fuseLimit
	// float values); above, the generic path's gonum kernels are faster.
	it.dp5 = !r.fixed && len(asFloats(y0)) <= fuseLimit && dp5Match(m)
	// An interpolation-only stage at c = 1 with the weights B is
	// f(t + h, y1) computed bitwise as the next step's first stage would be
	// (Verner's interpolants have one): when it is evaluated, it is reused.
	it.endExtra = -1
	for j, c := range m.ExtraC {
		if c == 1 && !m.FSAL && padEqual(m.ExtraA[j], m.B) {
			it.endExtra = j
			break
		}
	}
	it.lazyFSAL = m.FSAL && (m.E == nil || m.E[st-1] == 0) && (m.E3 == nil || m.E3[st-1] == 0)
	if m.DenseOrder > 0 {
		for i, p := range m.BTheta {
			if slices.ContainsFunc(p, func(x float64) bool { return x != 0 }) {
				it.denseIdx = append(it.denseIdx, i)
			}
		}
	} else {
		it.denseIdx = []int{0, -1} // f at both ends (Hermite)
	}
	it.dk = make([][]T, len(it.denseIdx))

	// f(t0, y0) and the initial step.
	it.eval(it.k[0], t0, it.yEnd)
	it.k1Valid = true
	if !allFinite(it.kf[0]) {
		for i, v := range it.k[0] {
			if !linalg.IsFinite(v) {
				it.fail(ErrNonFinite, "f(t0, y0)[%d] = %v is not finite: no step can be taken", i, v)
				break
			}
		}
		return it, it.err
	}
	if r.fixed {
		it.h = (t1 - t0) / float64(r.nFixed)
	} else if r.h0 > 0 {
		it.h = it.dir * math.Min(r.h0, r.hmax)
	} else {
		it.h = it.hinit()
	}
	return it, nil
}

func (it *Integrator[T]) refreshViews() {
	for i := range it.k {
		it.kf[i] = asFloats(it.k[i])
	}
}

func (it *Integrator[T]) eval(dst []T, t float64, y []T) { it.run.Eval(dst, t, y) }

func (it *Integrator[T]) atol(i int) float64 {
	if it.r.atolVec != nil {
		return it.r.atolVec[i]
	}
	return it.r.atol
}

// hinit is Hairer's starting-step algorithm (HINIT of DOPRI5 and DOP853;
// Hairer, Nørsett, Wanner, Solving ODEs I, 2nd ed., Sec. II.4, p. 169). In
// the weighted norm ‖x‖ = √(Σ (x_i/sk_i)²), sk_i = atol_i + rtol·|y0_i|:
//
//	d0 = ‖y0‖, d1 = ‖f0‖, h0 = 0.01·d0/d1 (1e-6 if d0 or d1 ≤ 1e-5),
//	d2 = ‖f(t0 + h0, y0 + h0·f0) − f0‖/h0,
//	h1 = (0.01/max(d1, d2))^(1/p) (max(1e-6, 1e-3·h0) if max(d1, d2) ≤ 1e-15),
//	h = min(100·h0, h1, hmax).
//
// The sums of squares are formed directly, as in Hairer's code, so that the
// step sequences match his. When a sum overflows (a huge f, or a tiny atol:
// f = 2000 against atol = 1e-300 gives (f/sk)² = Inf), the norms are
// recomputed with scaling and h1 in logarithms, which gives Hairer's step
// (up to rounding) instead of 0. Where the formula still yields no positive
// finite step (f/sk beyond the float64 range, an underflowing quotient),
// Hairer's fallback 1e-6 takes its place: the step is never 0, and the
// error control shrinks a step that is too long.
func (it *Integrator[T]) hinit() float64 {
	y0, f0 := asFloats(it.yEnd), it.kf[0]
	sk := func(i int) float64 { return it.atol(i) + it.r.rtol*absAt(y0, it.cplx, i) }
	var dnf, dny float64
	for i := range it.n {
		s := sk(i)
		a, b := absAt(f0, it.cplx, i)/s, absAt(y0, it.cplx, i)/s
		dnf += a * a
		dny += b * b
	}
	// Overflow (Inf) or 0/0 with atol_i = 0 = y0_i (NaN): scaled norms.
	nf, ny := math.Sqrt(dnf), math.Sqrt(dny)
	if !isFiniteF(dnf) || !isFiniteF(dny) {
		nf = scaledNorm(it.n, func(i int) float64 { return weighted(absAt(f0, it.cplx, i), sk(i)) })
		ny = scaledNorm(it.n, func(i int) float64 { return weighted(absAt(y0, it.cplx, i), sk(i)) })
	}
	h := 1e-6
	if isFiniteF(dnf) && isFiniteF(dny) {
		if dnf > 1e-10 && dny > 1e-10 {
			h = math.Sqrt(dny/dnf) * 0.01
		}
	} else if nf > 1e-5 && ny > 1e-5 {
		h = 0.01 * (ny / nf) // 0 if nf = +Inf or the quotient underflows
	}
	if !(h > 0) || math.IsInf(h, 0) {
		h = 1e-6 // d1 overflowed even with scaling, or h0 underflowed
	}
	h = math.Min(h, it.r.hmax)
	sf := asFloats(it.stage)
	floats.AddScaledTo(sf, y0, it.dir*h, f0)
	f1 := it.fEnd // free at this point
	it.eval(f1, it.t0+it.dir*h, it.stage)
	f1f := asFloats(f1)
	diff := func(i int) float64 {
		if it.cplx {
			return math.Hypot(f1f[2*i]-f0[2*i], f1f[2*i+1]-f0[2*i+1])
		}
		return math.Abs(f1f[i] - f0[i])
	}
	var der2 float64
	for i := range it.n {
		d := diff(i) / sk(i)
		der2 += d * d
	}
	der2 = math.Sqrt(der2) / h
	der12 := math.Max(math.Abs(der2), nf)
	var h1 float64
	switch {
	case isFiniteF(der2) && isFiniteF(nf) && der12 <= 1e-15:
		h1 = math.Max(1e-6, h*1e-3)
	case isFiniteF(der2) && isFiniteF(nf):
		h1 = math.Pow(0.01/der12, 1/float64(it.m.Order))
	default:
		// log max(d1, d2) from the scaled norms: finite unless f(t0 + h0, …)
		// is not finite, when the Euler trial says that h0 is far too long.
		nd := scaledNorm(it.n, func(i int) float64 { return weighted(diff(i), sk(i)) })
		l12 := math.Max(math.Log(nd)-math.Log(h), math.Log(nf))
		if math.IsNaN(l12) || math.IsInf(l12, 1) {
			h1 = h * 1e-3
		} else {
			h1 = math.Exp((math.Log(0.01) - l12) / float64(it.m.Order))
		}
	}
	h = math.Min(math.Min(100*h, h1), it.r.hmax)
	if !(h > 0) {
		h = math.Min(1e-6, it.r.hmax) // underflow: never return 0
	}
	h = math.Max(h, it.r.hmin)
	return it.dir * h
}

// isFiniteF reports whether x is neither NaN nor ±Inf.
func isFiniteF(x float64) bool { return x-x == 0 }

// weighted returns x/s for the norms of hinit, with 0/0 = 0 (a zero
// component with a zero weight, atol_i = y0_i = 0) and x/0 = +Inf.
func weighted(x, s float64) float64 {
	if x == 0 {
		return 0
	}
	return x / s
}

// scaledNorm returns √(Σ r(i)²) for r(i) ≥ 0 without overflow or underflow
// of the squares (scaling by the largest term, as LAPACK's dnrm2); it is
// +Inf when a term is +Inf and NaN when a term is NaN.
func scaledNorm(n int, r func(i int) float64) float64 {
	m := 0.0
	for i := range n {
		v := r(i)
		if math.IsNaN(v) {
			return v
		}
		m = math.Max(m, v)
	}
	if m == 0 || math.IsInf(m, 1) {
		return m
	}
	var s float64
	for i := range n {
		v := r(i) / m
		s += v * v
	}
	return m * math.Sqrt(s)
}

func (it *Integrator[T]) fail(sentinel error, format string, args ...any) {
	it.end(fmt.Errorf("%w: %s (t = %v, h = %v)", sentinel, fmt.Sprintf(format, args...), it.t, it.h))
}

func (it *Integrator[T]) end(err error) {
	it.err = err
	it.status = statusOf(err)
	if s := it.run.sol.Status; s == EventStop || s == Stopped {
		it.status = s
	}
	it.done = true
}

// T returns the current time.
func (it *Integrator[T]) T() float64 { return it.t }

// Y returns the current state. The slice is owned by the integrator and
// valid until the next call of Step; do not modify it.
func (it *Integrator[T]) Y() []T { return it.cur }

// H returns the step size that the next step will try (signed).
func (it *Integrator[T]) H() float64 { return it.h }

// LastStep returns the interval [tOld, tNew] covered by the last accepted
// step (tNew may exceed T() when a terminal event cut the step short).
func (it *Integrator[T]) LastStep() (tOld, tNew float64) { return it.tOld, it.tOld + it.hUsed }

// Stats returns the work counters so far.
func (it *Integrator[T]) Stats() Stats { return *it.stats }

// Status returns the outcome so far (Running until the integration ends).
func (it *Integrator[T]) Status() Status { return it.status }

// Err returns the error that ended the integration, or nil.
func (it *Integrator[T]) Err() error { return it.err }

// Done reports whether the integration has ended (successfully or not).
func (it *Integrator[T]) Done() bool { return it.done }

// Events returns the event zeros located so far.
func (it *Integrator[T]) Events() []EventHit[T] { return it.run.sol.Events }

// Steps returns an iterator over the accepted steps, yielding the time and
// the state after each (the state slice is reused: copy it to keep it). The
// initial point is not yielded. After the loop, Err reports any failure.
func (it *Integrator[T]) Steps() iter.Seq2[float64, []T] {
	return func(yield func(float64, []T) bool) {
		for it.Step() {
			if !yield(it.t, it.cur) {
				return
			}
		}
	}
}

// Step advances the integration by one accepted step (repeating rejected
// attempts internally). It returns true if the state advanced; false once
// the integration has ended, after which Err reports why (nil at t1).
func (it *Integrator[T]) Step() bool {
	if it.done {
		return false
	}
	for {
		if err := it.run.Check(); err != nil {
			it.end(fmt.Errorf("%w (t = %v, h = %v)", err, it.t, it.h))
			return false
		}
		last := false
		h := it.h
		if it.r.fixed {
			last = it.nFixedDone+1 == it.r.nFixed
			tn := it.t0 + float64(it.nFixedDone+1)*it.h
			if last {
				tn = it.t1
			}
			h = tn - it.t
		} else {
			floor := max(it.r.hmin, 10*eps*math.Abs(it.t))
			if math.Abs(h) < floor || h == 0 {
				if it.lastNonFinite {
					it.fail(ErrNonFinite, "non-finite error estimate down to the minimum step")
				} else if floor == 0 {
					it.fail(ErrStepTooSmall, "the step size underflowed to 0 through rejected steps")
				} else {
					it.fail(ErrStepTooSmall, "|h| below %v", floor)
				}
				return false
			}
			if (it.t+1.01*h-it.t1)*it.dir > 0 {
				h = it.t1 - it.t
				last = true
			}
		}
		it.stats.NSteps++
		var err2 float64 // squared error norm
		fsalDone := true
		if it.dp5 {
			it.firstStage()
			err2 = it.attemptDP5(h)
		} else {
			fsalDone = it.attempt(h)
			if it.r.fixed {
				if !allFinite(asFloats(it.stage)) {
					it.fail(ErrNonFinite, "non-finite state after a fixed step")
					return false
				}
				it.accept(h, last, fsalDone)
				it.nFixedDone++
				it.post(last)
				return true
			}
			err2 = it.errNorm(h)
		}
		if !isFiniteF(err2) {
			// A non-finite state, or squares that overflowed (a tiny atol
			// against a large derivative: Inf, or NaN = 0·Inf after h²
			// underflowed): the same norm with scaling tells them apart.
			err2 = it.errNormScaled(h)
			if !isFiniteF(err2) {
				it.stats.NRejected++
				it.cs.Rejected()
				it.lastNonFinite = true
				it.h = h * it.r.pi.FacMin
				continue
			}
		}
		it.lastNonFinite = false
		e := StepError{Err2: err2}
		if err2 <= 1 {
			var hnew float64
			if pi, ok := it.ctrl.(PI); ok {
				hnew = pi.Accept(it.cs, h, e) // devirtualized: the common case
			} else {
				hnew = it.ctrl.Accept(it.cs, h, e)
			}
			it.accept(h, last, fsalDone)
			if math.Abs(hnew) > it.r.hmax {
				hnew = it.dir * it.r.hmax
			}
			it.h = hnew
			it.post(last)
			return true
		}
		it.h = it.ctrl.Reject(it.cs, h, e)
		it.stats.NRejected++
	}
}

// attempt computes one step of size h from (t, cur) into stage (the new
// state) and reports whether the FSAL stage was evaluated.
func (it *Integrator[T]) attempt(h float64) bool {
	m := it.m
	st := m.Stages()
	it.firstStage()
	y := asFloats(it.cur)
	ynew := asFloats(it.stage)
	if !m.FSAL {
		for i := 1; i < st; i++ {
			combine(ynew, y, h, &it.aComb[i])
			it.eval(it.k[i], it.t+m.C[i]*h, it.stage)
		}
		combine(ynew, y, h, &it.bComb)
		return false
	}
	for i := 1; i < st-1; i++ {
		combine(ynew, y, h, &it.aComb[i])
		it.eval(it.k[i], it.t+m.C[i]*h, it.stage)
	}
	combine(ynew, y, h, &it.aComb[st-1])
	if it.lazyFSAL {
		return false
	}
	it.eval(it.k[st-1], it.t+h, it.stage)
	return true
}

// firstStage makes k[0] = f(t, cur) valid: the reused FSAL derivative or
// the end-point derivative of the Hermite output if available, a fresh
// evaluation otherwise. The stage buffers never move (the combinations hold
// views of them), so reused derivatives are copied.
func (it *Integrator[T]) firstStage() {
	if it.pendingFSAL {
		src, dst := it.kf[it.m.Stages()-1], it.kf[0]
		if len(dst) <= fuseLimit {
			src = src[:len(dst)]
			for i := range dst { // short: cheaper than a memmove call
				dst[i] = src[i]
			}
		} else {
			copy(dst, src)
		}
		it.pendingFSAL = false
		it.k1Valid = true
	} else if it.fEndValid && !it.k1Valid && !it.r.refresh {
		copy(it.k[0], it.fEnd)
		it.k1Valid = true
	}
	it.fEndValid = false
	if !it.k1Valid {
		it.eval(it.k[0], it.t, it.cur)
		it.k1Valid = true
	}
}

// errNorm returns the square of Hairer's scaled RMS error of the attempted
// step (the square root is not needed: the controller uses log err and the
// test err ≤ 1). On the common path (real data, scalar atol) the scale is
// applied as a reciprocal, computed while the last stage is evaluated,
// rather than as a division that would wait for it.
func (it *Integrator[T]) errNorm(h float64) float64 {
	combine(it.errv, nil, 1, &it.eComb)
	y, ynew := asFloats(it.cur), asFloats(it.stage)
	var s5, s3 float64
	e5, e3 := it.errv, it.err3v
	if e3 != nil {
		combine(e3, nil, 1, &it.e3Com)
	}
	rtol, atol, av := it.r.rtol, it.r.atol, it.r.atolVec
	switch {
	case !it.cplx && e3 == nil && av == nil:
		y, ynew = y[:len(e5)], ynew[:len(e5)]
		guard := 0.0 // 0·y1_i: NaN if any y1_i is NaN or ±Inf
		for i, e := range e5 {
			a, b := math.Abs(y[i]), math.Abs(ynew[i])
			if b > a {
				a = b
			}
			guard += 0 * b
			e *= 1 / (atol + rtol*a)
			s5 += e * e
		}
		s5 += guard
	default:
		for i := range it.n {
			a := atol
			if av != nil {
				a = av[i]
			}
			sk := a + rtol*math.Max(absAt(y, it.cplx, i), absAt(ynew, it.cplx, i))
			e := absAt(e5, it.cplx, i) / sk
			s5 += e * e
			if e3 != nil {
				e := absAt(e3, it.cplx, i) / sk
				s3 += e * e
			}
		}
	}
	n := float64(it.n)
	if e3 != nil {
		// DOP853: err = |h|·s5/sqrt(n·(s5 + 0.01·s3)).
		deno := s5 + 0.01*s3
		if deno <= 0 {
			deno = 1
		}
		return h * h * (s5 * s5 / (n * deno))
	}
	return h * h * (s5 * (1 / n))
}

// errNormScaled is errNorm without overflow: the weighted error terms
// |h·e_i|/sk_i are summed in scaled form, and a square above the float64
// range becomes math.MaxFloat64 (a rejection with the largest reduction,
// not a non-finite estimate). It returns NaN or +Inf only when the new
// state or an error term is not finite. It is called when errNorm's (or
// the DOPRI5 kernel's) value is not finite, which at ordinary tolerances
// means a non-finite state.
func (it *Integrator[T]) errNormScaled(h float64) float64 {
	combine(it.errv, nil, 1, &it.eComb)
	if it.err3v != nil {
		combine(it.err3v, nil, 1, &it.e3Com)
	}
	y, ynew := asFloats(it.cur), asFloats(it.stage)
	if !allFinite(ynew) {
		return math.NaN()
	}
	ah := math.Abs(h)
	w := func(e []float64) func(int) float64 {
		return func(i int) float64 {
			sk := it.atol(i) + it.r.rtol*math.Max(absAt(y, it.cplx, i), absAt(ynew, it.cplx, i))
			return weighted(ah*absAt(e, it.cplx, i), sk)
		}
	}
	n5 := scaledNorm(it.n, w(it.errv))
	err := n5 / math.Sqrt(float64(it.n))
	if it.err3v != nil && n5 > 0 {
		// DOP853: err = |h|·s5/√(n·(s5 + 0.01·s3)) with s = the squared
		// norms, here in norms scaled by their maximum.
		n3 := 0.1 * scaledNorm(it.n, w(it.err3v))
		m := math.Max(n5, n3)
		a, b := n5/m, n3/m
		err = n5 * a / math.Sqrt(float64(it.n)*(a*a+b*b))
	}
	if e2 := err * err; isFiniteF(err) && !isFiniteF(e2) {
		return math.MaxFloat64
	} else {
		return e2
	}
}

func (it *Integrator[T]) accept(h float64, last, fsalDone bool) {
	st := it.m.Stages()
	it.stats.NAccepted++
	it.tOld, it.hUsed = it.t, h
	// rotate: the old state becomes yOld, the new one yEnd.
	it.yOld, it.yEnd, it.stage = it.yEnd, it.stage, it.yOld
	it.cur = it.yEnd
	if last {
		it.t = it.t1
	} else {
		it.t = it.tOld + h
	}
	it.extraValid = false
	if it.m.FSAL {
		if !fsalDone {
			it.eval(it.k[st-1], it.tOld+h, it.yEnd)
		}
		it.fEndValid = false
		it.k1Valid = false
		it.pendingFSAL = !it.r.refresh
	} else {
		it.k1Valid = false
	}
}

// post hands the accepted step to the run (output, events, observer,
// progress).
func (it *Integrator[T]) post(last bool) {
	t, y, err := it.run.Accepted(it.tOld, it.t, it.cur, &it.dense)
	if t != it.t {
		copy(it.yEv, y)
		it.t, it.cur = t, it.yEv
	}
	if err != nil {
		it.end(err)
		return
	}
	if last {
		it.done = true
		it.status = Success
	}
}

// padEqual reports whether row equals b, missing trailing entries of either
// counting as zeros.
func padEqual(row, b []float64) bool {
	for i := range max(len(row), len(b)) {
		var x, y float64
		if i < len(row) {
			x = row[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return false
		}
	}
	return true
}

// ensureDense makes the interpolation data of the last step available:
// extra stages, or f at the step end for the Hermite fallback.
func (it *Integrator[T]) ensureDense() {
	m := it.m
	st := m.Stages()
	if m.DenseOrder > 0 {
		if !it.extraValid && len(m.ExtraC) > 0 {
			y0 := asFloats(it.yOld)
			sf := asFloats(it.ye)
			for j := range m.ExtraC {
				combine(sf, y0, it.hUsed, &it.xComb[j])
				it.eval(it.k[st+j], it.tOld+m.ExtraC[j]*it.hUsed, it.ye)
			}
			if j := it.endExtra; j >= 0 && !it.k1Valid {
				copy(it.fEnd, it.k[st+j]) // the next step's k1 (firstStage)
				it.fEndValid = true
			}
		}
		it.extraValid = true
		for j, i := range it.denseIdx {
			it.dk[j] = it.k[i]
		}
		return
	}
	it.dk[0] = it.k[0]
	if m.FSAL {
		it.dk[1] = it.k[st-1]
		return
	}
	if !it.fEndValid {
		it.eval(it.fEnd, it.tOld+it.hUsed, it.yEnd)
		it.fEndValid = true
	}
	it.dk[1] = it.fEnd
}

// Interpolate writes into dst (allocated if nil) the dense-output value at
// time t, which should lie in the last accepted step (see LastStep), and
// returns it. It uses the method's continuous extension, or cubic Hermite
// interpolation for methods without one; the first call in a step may
// evaluate f (interpolation-only stages).
func (it *Integrator[T]) Interpolate(dst []T, t float64) []T {
	if dst == nil {
		dst = make([]T, it.n)
	}
	if len(dst) != it.n {
		panic("ode: Interpolate: length mismatch")
	}
	if it.hUsed == 0 {
		copy(dst, it.cur)
		return dst
	}
	it.ensureDense()
	denseEval(dst, it.m, it.tOld, it.hUsed, it.yOld, it.yEnd, it.dk, it.denseIdx, t)
	return dst
}

// denseEval evaluates the interpolant of one step [t0, t0+h] at t.
func denseEval[T linalg.Scalar](dst []T, m *Tableau, t0, h float64, y0, y1 []T, k [][]T, idx []int, t float64) {
	th := (t - t0) / h
	df := asFloats(dst)
	if m.DenseOrder > 0 {
		copy(dst, y0)
		for j, i := range idx {
			p := m.BTheta[i]
			w := 0.0
			for q := len(p) - 1; q >= 0; q-- {
				w = w*th + p[q]
			}
			w *= th
			floats.AddScaled(df, h*w, asFloats(k[j]))
		}
		return
	}
	// Cubic Hermite: y = (1−θ)y0 + θy1 + θ(θ−1)[(1−2θ)(y1−y0) + (θ−1)h f0 + θ h f1].
	a, b := asFloats(y0), asFloats(y1)
	f0, f1 := asFloats(k[0]), asFloats(k[1])
	for i := range df {
		d := b[i] - a[i]
		df[i] = (1-th)*a[i] + th*b[i] + th*(th-1)*((1-2*th)*d+(th-1)*h*f0[i]+th*h*f1[i])
	}
}
