package geometric

import (
	"fmt"
	"iter"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
)

// Splitting is an explicit partitioned method for Separable problems given
// as data. One step of size h performs, for i = 0, …, len(B)−1,
//
//	p += B[i]·h·Force(q)         (kick; skipped when B[i] = 0)
//	q += A[i]·h·Velocity(p)      (drift; skipped when A[i] = 0)
//
// Every such method is symplectic (a composition of exact flows of the
// Hamiltonians T and V). A and B have equal length.
type Splitting struct {
	Name      string
	Order     int
	Symmetric bool
	A, B      []float64
	// Damping γ ≥ 0 makes the method conformal for p' = … − γp (see
	// Conformal); 0 for the Hamiltonian system.
	Damping float64
	// Compensated adds each increment to the state with Kahan's compensated
	// summation (Hairer, Lubich, Wanner, GNI VIII.5), which keeps the
	// round-off of long integrations at O(eps) instead of O(√N·eps) per
	// component.
	Compensated bool
}

func init() {
	for _, m := range Methods {
		ode.RegisterMethod(m)
	}
	for _, m := range []ode.Method{Gauss2, Gauss4, Gauss6, Gauss8, AVF, ItohAbe} {
		ode.RegisterMethod(m)
	}
}

// Stages returns the number of force evaluations per step when steps are
// chained (a first kick that follows a final kick at the same q reuses it).
func (m Splitting) Stages() int {
	n := 0
	for _, b := range m.B {
		if b != 0 {
			n++
		}
	}
	if len(m.B) > 0 && m.B[0] != 0 && m.A[len(m.A)-1] == 0 {
		n-- // first-same-as-last
	}
	return n
}

// Splitting methods. Kick-drift symplectic Euler is
// p₁ = p₀ + hF(q₀), q₁ = q₀ + h v(p₁); drift-kick is its adjoint
// q₁ = q₀ + h v(p₀), p₁ = p₀ + hF(q₁) (Hairer, Lubich, Wanner, GNI, VI.3).
// Störmer–Verlet is the composition of the two halves (GNI I.3, VI.3).
var (
	SymplecticEulerKD = Splitting{Name: "symplectic-euler-kd", Order: 1, B: []float64{1}, A: []float64{1}}
	SymplecticEulerDK = Splitting{Name: "symplectic-euler-dk", Order: 1, B: []float64{0, 1}, A: []float64{1, 0}}
	// VerletKDK is velocity Verlet / leapfrog kick-drift-kick.
	VerletKDK = Splitting{Name: "verlet", Order: 2, Symmetric: true, B: []float64{0.5, 0.5}, A: []float64{1, 0}}
	// VerletDKD is position Verlet / leapfrog drift-kick-drift.
	VerletDKD = Splitting{Name: "verlet-dkd", Order: 2, Symmetric: true, B: []float64{0, 1}, A: []float64{0.5, 0.5}}
	// Ruth3 is Ruth's third-order method: R. D. Ruth, "A canonical
	// integration technique", IEEE Trans. Nucl. Sci. 30 (1983) 2669–2671,
	// c = (7/24, 3/4, −1/24) for the kicks and d = (2/3, −2/3, 1) for the
	// drifts.
	Ruth3 = Splitting{Name: "ruth3", Order: 3, B: []float64{7.0 / 24, 3.0 / 4, -1.0 / 24}, A: []float64{2.0 / 3, -2.0 / 3, 1}}
)

// Composition coefficients γ of symmetric compositions
// Φ_h = Ψ_{γ_s h} ∘ … ∘ Ψ_{γ_1 h} of a symmetric second-order base method Ψ.
var (
	// TripleJump4 is the Forest–Ruth / Yoshida fourth-order triple jump
	// γ₁ = γ₃ = 1/(2 − 2^{1/3}), γ₂ = −2^{1/3}/(2 − 2^{1/3}) (E. Forest,
	// R. D. Ruth, Physica D 43 (1990) 105–117; H. Yoshida, Phys. Lett. A 150
	// (1990) 262–268).
	TripleJump4 = []float64{1 / (2 - math.Cbrt(2)), -math.Cbrt(2) / (2 - math.Cbrt(2)), 1 / (2 - math.Cbrt(2))}
	// Suzuki4 is Suzuki's fifth-stage fourth-order fractal
	// γ₁ = γ₂ = γ₄ = γ₅ = 1/(4 − 4^{1/3}), γ₃ = −4^{1/3}/(4 − 4^{1/3})
	// (M. Suzuki, Phys. Lett. A 146 (1990) 319–323).
	Suzuki4 = []float64{1 / (4 - math.Cbrt(4)), 1 / (4 - math.Cbrt(4)), -math.Cbrt(4) / (4 - math.Cbrt(4)), 1 / (4 - math.Cbrt(4)), 1 / (4 - math.Cbrt(4))}
	// Yoshida6 is Yoshida's sixth-order solution A (Yoshida 1990, Table 1):
	// w₁ = −1.17767998417887, w₂ = 0.235573213359357,
	// w₃ = 0.784513610477560, w₀ = 1 − 2(w₁ + w₂ + w₃), applied as
	// w₃ w₂ w₁ w₀ w₁ w₂ w₃. The published values have 15 digits, so the
	// order conditions hold to about 1e−15.
	Yoshida6 = palindrome(-1.17767998417887, 0.235573213359357, 0.784513610477560)
	// KahanLi6 is the 9-stage sixth-order composition of W. Kahan, R.-C. Li,
	// Math. Comp. 66 (1997) 1089–1099, as tabulated in Hairer, Lubich,
	// Wanner, GNI V.3.2 (p6 s9).
	KahanLi6 = palindromeOuter(0.39216144400731413927925056, 0.33259913678935943859974864,
		-0.70624617255763935980996482, 0.08221359629355080023149045)
	// KahanLi8 is the 17-stage eighth-order composition of Kahan and Li
	// (1997), as tabulated in GNI V.3.2 (p8 s17).
	KahanLi8 = palindromeOuter(0.13020248308889008087881763, 0.56116298177510838456196441,
		-0.38947496264484728640807860, 0.15884190655515560089621075,
		-0.39590389413323757733623154, 0.18453964097831570709183254,
		0.25837438768632204729397911, 0.29501172360931029887096624)
)

// palindrome builds w_k … w_1 w_0 w_1 … w_k with w_0 = 1 − 2Σw from
// (w_1, …, w_k).
func palindrome(w ...float64) []float64 {
	s := 0.0
	for _, v := range w {
		s += v
	}
	out := make([]float64, 0, 2*len(w)+1)
	for i := len(w) - 1; i >= 0; i-- {
		out = append(out, w[i])
	}
	out = append(out, 1-2*s)
	out = append(out, w...)
	return out
}

// palindromeOuter builds γ_1 … γ_k γ_{k+1} γ_k … γ_1 with
// γ_{k+1} = 1 − 2Σγ from (γ_1, …, γ_k).
func palindromeOuter(g ...float64) []float64 {
	s := 0.0
	for _, v := range g {
		s += v
	}
	out := append([]float64(nil), g...)
	out = append(out, 1-2*s)
	for i := len(g) - 1; i >= 0; i-- {
		out = append(out, g[i])
	}
	return out
}

// Compose returns the splitting method Ψ_{γ_s h} ∘ … ∘ Ψ_{γ_1 h} for a
// symmetric splitting base Ψ, merging adjacent kicks and drifts. It panics
// if base is not symmetric or gamma is empty.
func Compose(name string, order int, base Splitting, gamma []float64) Splitting {
	if !base.Symmetric || len(gamma) == 0 {
		panic("geometric: Compose needs a symmetric base and coefficients")
	}
	type op struct {
		kick bool
		c    float64
	}
	var ops []op
	push := func(kick bool, c float64) {
		if c == 0 {
			return
		}
		if n := len(ops); n > 0 && ops[n-1].kick == kick {
			ops[n-1].c += c
			return
		}
		ops = append(ops, op{kick, c})
	}
	for _, g := range gamma {
		for i := range base.B {
			push(true, g*base.B[i])
			push(false, g*base.A[i])
		}
	}
	m := Splitting{Name: name, Order: order, Symmetric: isPalindrome(gamma)}
	for i := 0; i < len(ops); {
		var a, b float64
		if ops[i].kick {
			b = ops[i].c
			i++
		}
		if i < len(ops) && !ops[i].kick {
			a = ops[i].c
			i++
		}
		m.B = append(m.B, b)
		m.A = append(m.A, a)
	}
	return m
}

func isPalindrome(g []float64) bool {
	for i := range g {
		if g[i] != g[len(g)-1-i] {
			return false
		}
	}
	return true
}

// Composition methods over velocity Verlet.
var (
	ForestRuth4 = Compose("forest-ruth4", 4, VerletKDK, TripleJump4)
	Suzuki4KDK  = Compose("suzuki4", 4, VerletKDK, Suzuki4)
	Yoshida6KDK = Compose("yoshida6", 6, VerletKDK, Yoshida6)
	KahanLi6KDK = Compose("kahan-li6", 6, VerletKDK, KahanLi6)
	KahanLi8KDK = Compose("kahan-li8", 8, VerletKDK, KahanLi8)
)

// Methods lists every Splitting method of the package, for tests and
// benchmarks.
var Methods = []Splitting{SymplecticEulerKD, SymplecticEulerDK, VerletKDK, VerletDKD, Ruth3,
	ForestRuth4, Suzuki4KDK, Yoshida6KDK, KahanLi6KDK, KahanLi8KDK}

// MethodByName returns the method of Methods whose Name is name (as used in
// benchmark rows, e.g. "verlet" for "verlet.N=1000").
func MethodByName(name string) (Splitting, bool) {
	for _, m := range Methods {
		if m.Name == name {
			return m, true
		}
	}
	return Splitting{}, false
}

// splitStepper holds the workspace of a splitting integration.
type splitStepper[T linalg.Scalar] struct {
	m      Splitting
	prob   Separable[T]
	f, v   []T
	fValid bool
	kq, kp kahan[T]
	nfev   int
}

func (s *splitStepper[T]) step(q, p []T, h float64) {
	m := s.m
	for i := range m.B {
		if b := m.B[i]; b != 0 {
			if !s.fValid {
				s.prob.Force(s.f, q)
				s.nfev++
				s.fValid = true
			}
			s.kp.add(p, linalg.FromFloat[T](b*h), s.f)
		}
		if a := m.A[i]; a != 0 {
			s.prob.Velocity(s.v, p)
			s.kq.add(q, linalg.FromFloat[T](a*h), s.v)
			s.fValid = false
		}
	}
}

// Info implements ode.Method. A splitting runs with fixed steps
// (Settings.Step or Steps) on Problem.Split, the state being y = (q, p);
// Stats.NFev counts Force evaluations. A generic adaptive controller would
// destroy symplecticity (GNI VIII.2).
func (m Splitting) Info() ode.MethodInfo {
	return ode.MethodInfo{Name: m.Name, Order: m.Order, Fixed: true, Needs: []string{"Split"}, Real: true, Complex: true,
		Family: "splitting", Reference: "Hairer, Lubich & Wanner, Geometric Numerical Integration, II.5, V.3"}
}

// RunReal implements ode.Method.
func (m Splitting) RunReal(r *ode.Run[float64]) error { return runSplit(m, r) }

// RunComplex implements ode.Method.
func (m Splitting) RunComplex(r *ode.Run[complex128]) error { return runSplit(m, r) }

// Conformal returns m for the conformal (damped) system q' = ∂T/∂p,
// p' = −∇V(q) − γp: each step is e^{−γh/2} ∘ Φ_h ∘ e^{−γh/2} on p for a
// symmetric m (Strang), Φ_h ∘ e^{−γh} otherwise (Lie), which is conformally
// symplectic (McLachlan & Perlmutter, J. Nonlinear Sci. 16 (2006) 283).
func (m Splitting) Conformal(gamma float64) Splitting {
	m.Damping = gamma
	m.Name = fmt.Sprintf("%s-conformal(%g)", m.Name, gamma)
	return m
}

func runSplit[T linalg.Scalar](m Splitting, r *ode.Run[T]) error {
	if len(m.A) != len(m.B) || len(m.A) == 0 {
		return fmt.Errorf("%w: malformed splitting method %q", ode.ErrInvalidSettings, m.Name)
	}
	gamma := m.Damping
	if !(gamma >= 0) || math.IsInf(gamma, 0) {
		return fmt.Errorf("%w: damping γ = %v must be finite and non-negative", ode.ErrInvalidSettings, gamma)
	}
	if len(r.Y0)%2 != 0 {
		return fmt.Errorf("%w: a split state (q, p) has even length, got %d", ode.ErrInvalidSettings, len(r.Y0))
	}
	n := len(r.Y0) / 2
	sp := r.Problem.Split
	st := &splitStepper[T]{m: m, prob: Separable[T]{Velocity: sp.Velocity, Force: sp.Force}, f: make([]T, n), v: make([]T, n),
		kq: newKahan[T](n, m.Compensated), kp: newKahan[T](n, m.Compensated)}
	nf := 0
	return r.Fixed(func(t, h float64, y, yn []T) error {
		copy(yn, y)
		q, p := yn[:n], yn[n:]
		// Conformal: Strang splitting e^{−γh/2} ∘ Φ_h ∘ e^{−γh/2} for
		// symmetric Φ, Lie splitting Φ_h ∘ e^{−γh} otherwise.
		damp := func(c float64) {
			if gamma == 0 {
				return
			}
			for i := range p {
				p[i] *= linalg.FromFloat[T](c)
			}
		}
		if m.Symmetric {
			damp(math.Exp(-gamma * h / 2))
			st.step(q, p, h)
			damp(math.Exp(-gamma * h / 2))
		} else {
			damp(math.Exp(-gamma * h))
			st.step(q, p, h)
		}
		r.Stats.NFev += st.nfev - nf
		nf = st.nfev
		return nil
	})
}

// Steps validates its inputs and returns an unbounded
// step-by-step iterator of m from (q0, p0): it yields (t_k, y_k), k = 1, 2, …,
// with y_k = (q, p) in a buffer that is reused between iterations (copy it
// to keep it). Iteration ends when the consumer stops or after the first
// non-finite state, which is yielded. The workspace is allocated once.
func Steps[T linalg.Scalar](m Splitting, prob Separable[T], t0 float64, q0, p0 []T, h float64) (iter.Seq2[float64, []T], error) {
	if len(q0) != len(p0) {
		panic("geometric: len(q0) != len(p0)")
	}
	if err := checkFixed(t0, h, 0, q0, p0); err != nil {
		return nil, err
	}
	n := len(q0)
	return func(yield func(float64, []T) bool) {
		y := make([]T, 2*n)
		copy(y, q0)
		copy(y[n:], p0)
		q, p := y[:n], y[n:]
		st := &splitStepper[T]{m: m, prob: prob, f: make([]T, n), v: make([]T, n)}
		for k := 1; ; k++ {
			st.step(q, p, h)
			if !yield(t0+float64(k)*h, y) || !linalg.AllFinite(y) {
				return
			}
		}
	}, nil
}
