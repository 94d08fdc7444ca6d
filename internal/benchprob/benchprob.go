package benchprob

import (
	"fmt"
	"math"
	"math/big"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
)

// Problem is one benchmark problem: y' = F(t, y) on [0, T1] from Y0, with
// its error measure.
type Problem[T float64 | complex128] struct {
	// Name is the row name of the benchmark table (e.g. "gradflow_d100").
	Name string
	// About says what is integrated and how the error is measured.
	About string
	// F is the right-hand side. It writes into dy, does not allocate, and
	// is not safe for concurrent use when the problem has a workspace
	// (gradflow, principal): build one Problem per goroutine.
	F func(dy []T, t float64, y []T)
	// T1 is the end of the interval [0, T1].
	T1 float64
	// Y0 is the initial value (the caller may not modify it).
	Y0 []T
	// Periods is the number of periods in [0, T1] (1 for non-periodic
	// problems): fixed-step rows take N steps per period, N·Periods in all.
	Periods int
	// Error is the error measure of the final state y(T1). It is nil when
	// Samples > 0.
	Error func(y []T) float64
	// Samples, when positive, makes the error measure the maximum of
	// Sample(y(t_k)) over t_k = k·T1/Samples, k = 1, …, Samples (dense
	// output) instead of Error(y(T1)).
	Samples int
	// Sample is the error measure of one sampled state (Samples > 0).
	Sample func(y []T) float64
}

// SampleTime returns t_k = k·T1/Samples; SampleTime(Samples) is T1 exactly.
func (p *Problem[T]) SampleTime(k int) float64 {
	if k == p.Samples {
		return p.T1
	}
	return float64(k) * p.T1 / float64(p.Samples)
}

// Entry is one row family of the benchmark table. Exactly one of Real and
// Complex is non-nil; each call builds a fresh problem with its own
// workspace.
type Entry struct {
	Name    string
	About   string
	Real    func() *Problem[float64]
	Complex func() *Problem[complex128]
}

// Entries returns the problems of docs/benchmarks.md in table order:
// arenstorf, lorenz, vanderpol, kepler_energy, kepler_final,
// gradflow_d100, gradflow_d1000, principal_d100, principal_d1000 (dense
// d×d matrix-vector products, the peers' workload), then
// gradflow_d100_householder, gradflow_d1000_householder,
// principal_d100_householder, principal_d1000_householder (the same
// problems with the matrix applied in O(d) through its Householder
// factors: a cheaper workload, not to be compared with the peers' dense
// rows). Building the entries builds no problem.
func Entries() []Entry {
	real := func(f func() *Problem[float64]) Entry {
		p := f()
		return Entry{Name: p.Name, About: p.About, Real: f}
	}
	grad := func(d int, hh bool) Entry {
		name, about := fmt.Sprintf("gradflow_d%d", d), gradAbout
		f := func() *Problem[float64] { return NewGradFlow(d) }
		if hh {
			name, about = name+"_householder", gradAbout+householderAbout
			f = func() *Problem[float64] { return NewGradFlowHouseholder(d) }
		}
		return Entry{Name: name, About: about, Real: f}
	}
	prin := func(d int, hh bool) Entry {
		name, about := fmt.Sprintf("principal_d%d", d), principalAbout
		f := func() *Problem[complex128] { return NewPrincipal(d) }
		if hh {
			name, about = name+"_householder", principalAbout+householderAbout
			f = func() *Problem[complex128] { return NewPrincipalHouseholder(d) }
		}
		return Entry{Name: name, About: about, Complex: f}
	}
	return []Entry{
		real(NewArenstorf), real(NewLorenz), real(NewVanDerPol), real(NewKeplerEnergy), real(NewKeplerFinal),
		grad(100, false), grad(1000, false), prin(100, false), prin(1000, false),
		grad(100, true), grad(1000, true), prin(100, true), prin(1000, true),
	}
}

const (
	gradAbout        = "θ' = −Aθ, t ∈ [0, 100], exact solution"
	principalAbout   = "θ' = Lθ (complex), t ∈ [0, 55h], reference (I − hA)^55 θ0"
	householderAbout = "; matrix applied in O(d) by its Householder factors"
)

// Names returns the names of Entries in order.
func Names() []string {
	es := Entries()
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

// MaxAbsDiff returns max_i |a_i − b_i| (complex modulus for complex128).
// It panics if the lengths differ.
func MaxAbsDiff[T float64 | complex128](a, b []T) float64 {
	if len(a) != len(b) {
		panic("benchprob: length mismatch")
	}
	e := 0.0
	for i := range a {
		d := a[i] - b[i]
		switch v := any(d).(type) {
		case float64:
			e = math.Max(e, math.Abs(v))
		case complex128:
			e = math.Max(e, cmplx.Abs(v))
		}
	}
	return e
}

// Arenstorf orbit constants (Hairer, Nørsett, Wanner 1993, §II.0, eq. 0.1).
const (
	// ArenstorfMu is μ, the reduced mass of the moon.
	ArenstorfMu = 0.012277471
	// ArenstorfT is the period of the orbit.
	ArenstorfT = 17.0652165601579625588917206249
	// arenstorfV0 is y2′(0).
	arenstorfV0 = -2.00158510637908252240537862224
)

// ArenstorfY0 returns a fresh copy of the initial value (0.994, 0, 0,
// −2.00158510637908252240537862224).
func ArenstorfY0() []float64 { return []float64{0.994, 0, 0, arenstorfV0} }

// ArenstorfY0C is ArenstorfY0 in complex128.
func ArenstorfY0C() []complex128 { return []complex128{0.994, 0, 0, arenstorfV0} }

// Arenstorf is the right-hand side of the restricted three-body problem
// y = (y1, y2, y1′, y2′): y1″ = y1 + 2y2′ − μ′(y1+μ)/D1 − μ(y1−μ′)/D2,
// y2″ = y2 − 2y1′ − μ′y2/D1 − μy2/D2, D1 = ((y1+μ)² + y2²)^{3/2},
// D2 = ((y1−μ′)² + y2²)^{3/2}, μ′ = 1 − μ (r·√r formulation).
func Arenstorf(dy []float64, _ float64, y []float64) {
	const mu, mup = ArenstorfMu, 1 - ArenstorfMu
	a, b := y[0]+mu, y[0]-mup
	d1 := a*a + y[1]*y[1]
	d1 *= math.Sqrt(d1)
	d2 := b*b + y[1]*y[1]
	d2 *= math.Sqrt(d2)
	dy[0] = y[2]
	dy[1] = y[3]
	dy[2] = y[0] + 2*y[3] - mup*a/d1 - mu*b/d2
	dy[3] = y[1] - 2*y[2] - mup*y[1]/d1 - mu*y[1]/d2
}

// ArenstorfC is the holomorphic extension of Arenstorf near the real
// orbit (principal square root).
func ArenstorfC(dy []complex128, _ float64, y []complex128) {
	const mu, mup = ArenstorfMu, 1 - ArenstorfMu
	a, b := y[0]+mu, y[0]-mup
	d1 := a*a + y[1]*y[1]
	d1 *= csqrt(d1)
	d2 := b*b + y[1]*y[1]
	d2 *= csqrt(d2)
	dy[0] = y[2]
	dy[1] = y[3]
	dy[2] = y[0] + 2*y[3] - mup*a/d1 - mu*b/d2
	dy[3] = y[1] - 2*y[2] - mup*y[1]/d1 - mu*y[1]/d2
}

// csqrt is the principal square root, holomorphic near the positive real
// axis (cheaper than cmplx.Sqrt, which guards against overflow).
func csqrt(z complex128) complex128 {
	r := math.Hypot(real(z), imag(z))
	re := math.Sqrt((r + real(z)) / 2)
	im := math.Sqrt((r - real(z)) / 2)
	if imag(z) < 0 {
		im = -im
	}
	return complex(re, im)
}

// NewArenstorf returns the arenstorf row: one period, error ‖y(T) − y0‖∞
// (with the inputs rounded to double the exact orbit misses y0 by 1.44e-11).
func NewArenstorf() *Problem[float64] {
	y0 := ArenstorfY0()
	return &Problem[float64]{Name: "arenstorf", About: "restricted three-body orbit over one period, error ‖y(T) − y0‖∞",
		F: Arenstorf, T1: ArenstorfT, Y0: y0, Periods: 1,
		Error: func(y []float64) float64 { return MaxAbsDiff(y, y0) }}
}

// LorenzT1 is the end of the lorenz interval.
const LorenzT1 = 20

// LorenzY0 returns a fresh copy of the initial value (1, 1, 1).
func LorenzY0() []float64 { return []float64{1, 1, 1} }

// Lorenz is the right-hand side of the Lorenz system with σ = 10, ρ = 28,
// β = 8/3 (the double nearest 8/3).
func Lorenz(dy []float64, _ float64, y []float64) {
	dy[0] = 10 * (y[1] - y[0])
	dy[1] = y[0]*(28-y[2]) - y[1]
	dy[2] = y[0]*y[1] - 8.0/3*y[2]
}

// LorenzC is Lorenz in complex128.
func LorenzC(dy []complex128, _ float64, y []complex128) {
	dy[0] = 10 * (y[1] - y[0])
	dy[1] = y[0]*(28-y[2]) - y[1]
	dy[2] = y[0]*y[1] - 8.0/3*y[2]
}

// LorenzRef returns y(20) of the lorenz problem rounded to float64 from
// the 40-digit reference.
func LorenzRef() []float64 { return refFloat(references["lorenz"]) }

// NewLorenz returns the lorenz row: error ‖y(20) − LorenzRef‖∞.
func NewLorenz() *Problem[float64] {
	ref := LorenzRef()
	return &Problem[float64]{Name: "lorenz", About: "σ=10, ρ=28, β=8/3, t ∈ [0, 20], error vs a 30-digit Taylor reference",
		F: Lorenz, T1: LorenzT1, Y0: LorenzY0(), Periods: 1,
		Error: func(y []float64) float64 { return MaxAbsDiff(y, ref) }}
}

// VanDerPolEps is ε of the vanderpol problem.
const VanDerPolEps = 1e-3

// VanDerPol is y1′ = y2, y2′ = ((1 − y1²)y2 − y1)/ε with ε = 1e-3.
func VanDerPol(dy []float64, _ float64, y []float64) {
	dy[0] = y[1]
	dy[1] = ((1-y[0]*y[0])*y[1] - y[0]) / VanDerPolEps
}

// VanDerPolJac writes the Jacobian of VanDerPol at y into dst, row-major:
// ((0, 1), ((−2y1y2 − 1)/ε, (1 − y1²)/ε)).
func VanDerPolJac(dst []float64, _ float64, y []float64) {
	dst[0], dst[1] = 0, 1
	dst[2] = (-2*y[0]*y[1] - 1) / VanDerPolEps
	dst[3] = (1 - y[0]*y[0]) / VanDerPolEps
}

// VanDerPolRef returns y(2) of the vanderpol problem rounded to float64.
func VanDerPolRef() []float64 { return refFloat(references["vanderpol"]) }

// NewVanDerPol returns the vanderpol row: y0 = (2, 0), t ∈ [0, 2], error
// ‖y(2) − VanDerPolRef‖∞.
func NewVanDerPol() *Problem[float64] {
	ref := VanDerPolRef()
	return &Problem[float64]{Name: "vanderpol", About: "ε = 1e-3, y0 = (2, 0), t ∈ [0, 2], error vs a 30-digit Taylor reference",
		F: VanDerPol, T1: 2, Y0: []float64{2, 0}, Periods: 1,
		Error: func(y []float64) float64 { return MaxAbsDiff(y, ref) }}
}

func refFloat(r []string) []float64 {
	out := make([]float64, len(r))
	for i, s := range r {
		f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
		if err != nil {
			panic("benchprob: bad reference " + s)
		}
		out[i], _ = f.Float64()
	}
	return out
}

// Kepler problem constants.
const (
	// KeplerE is the eccentricity.
	KeplerE = 0.5
	// KeplerPeriods is the number of periods (of length 2π) integrated.
	KeplerPeriods = 1000
	// KeplerSamplesPerPeriod is the number of energy samples per period of
	// kepler_energy, at t_k = k·2π/100.
	KeplerSamplesPerPeriod = 100
)

// KeplerY0 returns a fresh copy of q0 = (1 − e, 0), p0 = (0, √((1+e)/(1−e))).
func KeplerY0() []float64 {
	return []float64{1 - KeplerE, 0, 0, math.Sqrt((1 + KeplerE) / (1 - KeplerE))}
}

// KeplerForce writes the force −∇V(q) = −q/|q|³ of the Kepler problem
// into dp (len(q) = len(dp) = 2): the p′ of Kepler, for splitting methods.
func KeplerForce(dp, q []float64) {
	r2 := q[0]*q[0] + q[1]*q[1]
	r3 := r2 * math.Sqrt(r2)
	dp[0], dp[1] = -q[0]/r3, -q[1]/r3
}

// Kepler is q′ = p, p′ = −q/|q|³ (KeplerForce) with y = (q1, q2, p1, p2).
func Kepler(dy []float64, _ float64, y []float64) {
	dy[0], dy[1] = y[2], y[3]
	KeplerForce(dy[2:4], y[0:2])
}

// KeplerEnergy returns H = ½|p|² − 1/|q| of y = (q1, q2, p1, p2) (−½ at
// KeplerY0).
func KeplerEnergy(y []float64) float64 {
	return 0.5*(y[2]*y[2]+y[3]*y[3]) - 1/math.Hypot(y[0], y[1])
}

func newKepler(name, about string) *Problem[float64] {
	return &Problem[float64]{Name: name, About: about, F: Kepler, T1: KeplerPeriods * 2 * math.Pi,
		Y0: KeplerY0(), Periods: KeplerPeriods}
}

// NewKeplerEnergy returns the kepler_energy row: max |H − H0| sampled 100
// times per period over 1000 periods.
func NewKeplerEnergy() *Problem[float64] {
	p := newKepler("kepler_energy", "e = 0.5, 1000 periods, max |H − H0| sampled 100 times per period")
	h0 := KeplerEnergy(p.Y0)
	p.Samples = KeplerSamplesPerPeriod * KeplerPeriods
	p.Sample = func(y []float64) float64 { return math.Abs(KeplerEnergy(y) - h0) }
	return p
}

// NewKeplerFinal returns the kepler_final row: ‖y(1000·2π) − y0‖∞.
func NewKeplerFinal() *Problem[float64] {
	p := newKepler("kepler_final", "e = 0.5, 1000 periods, error ‖y(1000·2π) − y0‖∞")
	y0 := KeplerY0()
	p.Error = func(y []float64) float64 { return MaxAbsDiff(y, y0) }
	return p
}

// SPD is the benchmark matrix A = Q diag(λ) Q of dimension d with the
// Householder reflector Q = I − 2uuᵀ: v_i = ((7i) mod 11) − 4.5 for
// i = 1..d, u = v/‖v‖, λ_i = 10^(−2 + 2(i−1)/(d−1)).
type SPD struct {
	// U is the unit vector u of the reflector.
	U []float64
	// Lambda holds the eigenvalues λ_i, ascending from 0.01 to 1.
	Lambda []float64
}

// NewSPD returns the benchmark matrix of dimension d ≥ 2. It panics for
// d < 2.
func NewSPD(d int) *SPD {
	if d < 2 {
		panic("benchprob: NewSPD needs d ≥ 2")
	}
	s := &SPD{U: make([]float64, d), Lambda: make([]float64, d)}
	var nrm float64
	for i := range d {
		v := float64((7*(i+1))%11) - 4.5
		s.U[i] = v
		nrm += v * v
	}
	nrm = math.Sqrt(nrm)
	for i := range d {
		s.U[i] /= nrm
		s.Lambda[i] = math.Pow(10, -2+2*float64(i)/float64(d-1))
	}
	return s
}

// Reflect sets dst = Q x = x − 2u(uᵀx); dst may be x.
func (s *SPD) Reflect(dst, x []float64) {
	var dot float64
	for i, ui := range s.U {
		dot += ui * x[i]
	}
	for i, ui := range s.U {
		dst[i] = x[i] - 2*dot*ui
	}
}

// ReflectC is Reflect for complex vectors (u is real); dst may be x.
func (s *SPD) ReflectC(dst, x []complex128) {
	var re, im float64
	for i, ui := range s.U {
		re += ui * real(x[i])
		im += ui * imag(x[i])
	}
	for i, ui := range s.U {
		dst[i] = x[i] - complex(2*re*ui, 2*im*ui)
	}
}

// Apply sets dst = Q diag(g(λ)) Q x, where g(λ_i) = gl[i]; dst may be x.
func (s *SPD) Apply(dst []float64, gl []float64, x []float64) {
	s.Reflect(dst, x)
	for i := range dst {
		dst[i] *= gl[i]
	}
	s.Reflect(dst, dst)
}

func ones[T float64 | complex128](d int) []T {
	v := make([]T, d)
	for i := range v {
		v[i] = 1
	}
	return v
}

// GradFlowT1 is the end of the gradflow interval.
const GradFlowT1 = 100

// Dense returns the row-major d×d matrix Q diag(g) Q for g(λ_i) = g[i]
// (so Dense(Lambda) is A), entry by entry:
// (Q G Q)_ij = g_i δ_ij − 2u_i g_j u_j − 2g_i u_i u_j + 4(uᵀGu) u_i u_j.
func Dense[T float64 | complex128](s *SPD, g []T) []T {
	d := len(s.U)
	u := make([]T, d)
	for i, x := range s.U {
		u[i] = linalg.FromFloat[T](x)
	}
	gu := make([]T, d)
	var ugu T
	for i := range d {
		gu[i] = g[i] * u[i]
		ugu += u[i] * gu[i]
	}
	a := make([]T, d*d)
	for i := range d {
		row := a[i*d : i*d+d]
		ui := u[i]
		for j := range d {
			uj := u[j]
			row[j] = -2*ui*gu[j] - 2*gu[i]*uj + 4*ugu*ui*uj
		}
		row[i] += g[i]
	}
	return a
}

// NewGradFlow returns the gradflow_d<d> row: θ′ = −Aθ with A stored as a
// dense d×d matrix and applied by linalg.MulVec (a DGEMV), the workload of
// the peers; θ0 = (1, …, 1), t ∈ [0, 100], error
// ‖θ(100) − Q diag(e^{−100λ}) Q θ0‖∞.
func NewGradFlow(d int) *Problem[float64] {
	p := NewGradFlowHouseholder(d)
	s := NewSPD(d)
	neg := make([]float64, d)
	for i, l := range s.Lambda {
		neg[i] = -l
	}
	a := Dense(s, neg)
	p.Name, p.About = fmt.Sprintf("gradflow_d%d", d), gradAbout
	p.F = func(dy []float64, _ float64, y []float64) { linalg.MulVec(dy, a, d, d, y) }
	return p
}

// NewGradFlowHouseholder returns the gradflow_d<d>_householder row: the
// problem of NewGradFlow with A applied in O(d) as Q diag(λ) Q through the
// reflector (a cheaper workload than the peers' dense products).
func NewGradFlowHouseholder(d int) *Problem[float64] {
	a := NewSPD(d)
	w := make([]float64, d)
	f := func(dy []float64, _ float64, y []float64) {
		a.Reflect(w, y)
		for i := range w {
			w[i] *= -a.Lambda[i]
		}
		a.Reflect(dy, w)
	}
	g := make([]float64, d)
	for i, l := range a.Lambda {
		g[i] = math.Exp(-l * GradFlowT1)
	}
	exact := make([]float64, d)
	a.Apply(exact, g, ones[float64](d))
	return &Problem[float64]{Name: fmt.Sprintf("gradflow_d%d_householder", d), About: gradAbout + householderAbout,
		F: f, T1: GradFlowT1, Y0: ones[float64](d), Periods: 1,
		Error: func(y []float64) float64 { return MaxAbsDiff(y, exact) }}
}

// PrincipalSteps is the number of GD steps the principal rows span.
const PrincipalSteps = 55

// PrincipalH returns the learning rate h = 1.8/λ_max of the principal rows.
func (s *SPD) PrincipalH() float64 { return 1.8 / s.Lambda[len(s.Lambda)-1] }

// PrincipalRates returns μ_i = log(1 − hλ_i)/h on the principal branch
// (+iπ where 1 − hλ_i < 0), the eigenvalues of the principal flow's L.
func (s *SPD) PrincipalRates(h float64) []complex128 {
	mu := make([]complex128, len(s.Lambda))
	for i, l := range s.Lambda {
		// complex(x, +0) with x < 0 has argument +π.
		mu[i] = cmplx.Log(complex(1-h*l, 0)) / complex(h, 0)
	}
	return mu
}

// NewPrincipal returns the principal_d<d> row: θ′ = Lθ with
// L = Q diag(μ) Q stored as a dense complex d×d matrix and applied by
// linalg.CMatVec (a ZGEMV-like product), the workload of the peers (a complex
// matrix-vector product); θ0 = (1, …, 1), t ∈ [0, 55h], h = 1.8/λ_max;
// error ‖θ(55h) − (I − hA)^55 θ0‖∞ (complex modulus). The problem holds a
// workspace: F is not safe for concurrent use.
func NewPrincipal(d int) *Problem[complex128] {
	p := NewPrincipalHouseholder(d)
	s := NewSPD(d)
	l := Dense(s, s.PrincipalRates(s.PrincipalH()))
	mv := linalg.NewCMatVec(l, d, d)
	p.Name, p.About = fmt.Sprintf("principal_d%d", d), principalAbout
	p.F = func(dy []complex128, _ float64, y []complex128) { mv.MulVecTo(dy, y) }
	return p
}

// NewPrincipalHouseholder returns the principal_d<d>_householder row: the
// problem of NewPrincipal with L applied in O(d) through the reflector.
func NewPrincipalHouseholder(d int) *Problem[complex128] {
	a := NewSPD(d)
	h := a.PrincipalH()
	mu := a.PrincipalRates(h)
	w := make([]complex128, d)
	f := func(dy []complex128, _ float64, y []complex128) {
		a.ReflectC(w, y)
		for i := range w {
			w[i] *= mu[i]
		}
		a.ReflectC(dy, w)
	}
	g := make([]float64, d)
	for i, l := range a.Lambda {
		g[i] = math.Pow(1-h*l, PrincipalSteps)
	}
	ref := make([]float64, d)
	a.Apply(ref, g, ones[float64](d))
	refC := make([]complex128, d)
	for i, v := range ref {
		refC[i] = complex(v, 0)
	}
	return &Problem[complex128]{Name: fmt.Sprintf("principal_d%d_householder", d),
		About: principalAbout + householderAbout,
		F:     f, T1: PrincipalSteps * h, Y0: ones[complex128](d), Periods: 1,
		Error: func(y []complex128) float64 { return MaxAbsDiff(y, refC) }}
}
