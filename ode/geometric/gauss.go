package geometric

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"gonum.org/v1/gonum/mat"
)

// NonlinearSolver selects how the implicit stage equations are solved.
type NonlinearSolver int

const (
	// FixedPoint iterates Z ← h(A⊗I)F(Z). It converges for h·L·‖A‖ < 1
	// (L the Lipschitz constant of f): non-stiff problems only.
	FixedPoint NonlinearSolver = iota
	// Newton is simplified Newton with the Jacobian at the start of the step
	// and the matrix I − h A⊗J factorized once per step (Hairer, Wanner,
	// Solving ODEs II, IV.8).
	Newton
)

// GaussMethod is s-stage Gauss–Legendre collocation (order 2s,
// symplectic, symmetric, preserving every quadratic invariant; Hairer,
// Lubich, Wanner, GNI II.1, IV.2, VI.4) with fixed steps. Zero fields take
// the defaults. Stats.NFev counts evaluations of f (including those of the
// finite-difference Jacobian). A step whose stage equations do not
// converge within MaxIter iterations ends the run with ode.ErrNoConvergence.
type GaussMethod struct {
	// Stages s = 1…4 (order 2s). Default 2. s = 1 is the implicit midpoint rule.
	Stages int
	// Solver for the stage equations. Default FixedPoint.
	Solver NonlinearSolver
	// Tol is the convergence threshold on the max-norm of the stage
	// increment, relative to 1 + ‖y‖∞. Default 4·eps, i.e. iterate to
	// round-off, which geometric properties need; iteration also stops when
	// the increment no longer decreases once below 1e3·Tol.
	Tol float64
	// MaxIter bounds the iterations per step. Default 100 (fixed point) or
	// 20 (Newton).
	MaxIter int
	// Compensated enables compensated summation of the update.
	Compensated bool
	// Composition, when non-empty, makes every step of size h the
	// composition of Gauss steps of sizes γ_1 h, …, γ_m h (Σγ = 1). The
	// package's coefficients (TripleJump4, Suzuki4, Yoshida6, KahanLi6,
	// KahanLi8) are designed for a symmetric base of order 2, i.e. Stages = 1:
	// implicit midpoint composed with KahanLi8 has order 8 (GNI II.4, V.3).
	// Default none.
	Composition []float64
	// Name overrides the method's name (default "gauss" + order).
	Name string
}

// The registered Gauss methods, with simplified Newton on the stage
// equations (robust on stiff problems): "gauss2" (implicit midpoint),
// "gauss4", "gauss6" and "gauss8".
var (
	Gauss2 = GaussMethod{Stages: 1, Solver: Newton}
	Gauss4 = GaussMethod{Stages: 2, Solver: Newton}
	Gauss6 = GaussMethod{Stages: 3, Solver: Newton}
	Gauss8 = GaussMethod{Stages: 4, Solver: Newton}
)

// Info implements ode.Method.
func (m GaussMethod) Info() ode.MethodInfo {
	s := m.Stages
	if s == 0 {
		s = 2
	}
	name := m.Name
	if name == "" {
		name = fmt.Sprintf("gauss%d", 2*s)
	}
	return ode.MethodInfo{Name: name, Order: 2 * s, Fixed: true, Implicit: true, Needs: []string{"F"}, Real: true, Complex: true,
		Family: "implicit RK", Reference: "Hairer, Lubich & Wanner, Geometric Numerical Integration, II.1, IV.2"}
}

// RunReal implements ode.Method.
func (m GaussMethod) RunReal(r *ode.Run[float64]) error { return runGauss(r, m) }

// RunComplex implements ode.Method.
func (m GaussMethod) RunComplex(r *ode.Run[complex128]) error { return runGauss(r, m) }

// GaussTableau returns the Butcher tableau of the s-stage Gauss–Legendre
// collocation method (order 2s; Hairer, Wanner, Solving ODEs II, IV.5): the
// nodes c are the roots of the shifted Legendre polynomial, b the Gauss
// weights, and a_ij = ∫₀^{c_i} ℓ_j, computed from the conditions
// Σ_j a_ij c_j^{k−1} = c_i^k/k (k = 1…s). Panics unless 1 ≤ s ≤ 4.
func GaussTableau(s int) (a [][]float64, b, c []float64) {
	var x, w []float64 // Gauss–Legendre nodes and weights on [−1, 1]
	switch s {
	case 1:
		x, w = []float64{0}, []float64{2}
	case 2:
		r := 1 / math.Sqrt(3)
		x, w = []float64{-r, r}, []float64{1, 1}
	case 3:
		r := math.Sqrt(0.6)
		x, w = []float64{-r, 0, r}, []float64{5.0 / 9, 8.0 / 9, 5.0 / 9}
	case 4:
		r1 := math.Sqrt(3.0/7 - 2.0/7*math.Sqrt(1.2))
		r2 := math.Sqrt(3.0/7 + 2.0/7*math.Sqrt(1.2))
		w1 := (18 + math.Sqrt(30)) / 36
		w2 := (18 - math.Sqrt(30)) / 36
		x, w = []float64{-r2, -r1, r1, r2}, []float64{w2, w1, w1, w2}
	default:
		panic("geometric: Gauss stages must be 1…4")
	}
	c = make([]float64, s)
	b = make([]float64, s)
	for i := range x {
		c[i] = (1 + x[i]) / 2
		b[i] = w[i] / 2
	}
	// Solve Vᵀ a_i = r_i with V_kj = c_j^k (k = 0…s−1).
	v := mat.NewDense(s, s, nil)
	for k := 0; k < s; k++ {
		for j := 0; j < s; j++ {
			v.Set(k, j, math.Pow(c[j], float64(k)))
		}
	}
	var luv mat.LU
	luv.Factorize(v)
	a = make([][]float64, s)
	for i := 0; i < s; i++ {
		r := mat.NewVecDense(s, nil)
		for k := 0; k < s; k++ {
			r.SetVec(k, math.Pow(c[i], float64(k+1))/float64(k+1))
		}
		var ai mat.VecDense
		if err := luv.SolveVecTo(&ai, false, r); err != nil {
			panic("geometric: Gauss tableau: " + err.Error())
		}
		a[i] = make([]float64, s)
		for j := range a[i] {
			a[i][j] = ai.AtVec(j)
		}
	}
	return a, b, c
}

type gaussStepper[T linalg.Scalar] struct {
	prob    ode.Problem[T]
	a       [][]float64
	b, c    []float64
	s, n    int
	solver  NonlinearSolver
	tol     float64
	maxIter int
	z, zn   []T // stage increments Z_i = Y_i − y, s·n
	f       []T // F(t + c_i h, y + Z_i), s·n
	yi      []T
	jac     []T
	m       []T // s·n × s·n Newton matrix
	lu      *linalg.LU[T]
	r       []T
	fy, tmp []T
	kah     kahan[T]
	warm    bool // g.f holds the stage derivatives of the previous step
	st      *ode.Stats
}

func newGaussStepper[T linalg.Scalar](prob ode.Problem[T], n int, gs GaussMethod, st *ode.Stats) *gaussStepper[T] {
	g := &gaussStepper[T]{prob: prob, n: n, st: st}
	if gs.Stages == 0 {
		gs.Stages = 2
	}
	g.s = gs.Stages
	g.a, g.b, g.c = GaussTableau(gs.Stages)
	g.solver = gs.Solver
	g.tol = gs.Tol
	if g.tol <= 0 {
		g.tol = 4 * 0x1p-52
	}
	g.maxIter = gs.MaxIter
	if g.maxIter <= 0 {
		g.maxIter = 100
		if g.solver == Newton {
			g.maxIter = 20
		}
	}
	sn := g.s * n
	g.z, g.zn, g.f = make([]T, sn), make([]T, sn), make([]T, sn)
	g.yi, g.fy, g.tmp = make([]T, n), make([]T, n), make([]T, n)
	g.kah = newKahan[T](n, gs.Compensated)
	if g.solver == Newton {
		g.jac = make([]T, n*n)
		g.m = make([]T, sn*sn)
		g.lu = new(linalg.LU[T])
		g.r = make([]T, sn)
	}
	return g
}

// evalStages fills g.f with f at the stages y + Z_i.
func (g *gaussStepper[T]) evalStages(t, h float64, y []T) {
	n := g.n
	for i := 0; i < g.s; i++ {
		for k := range y {
			g.yi[k] = y[k] + g.z[i*n+k]
		}
		g.prob.F(g.f[i*n:(i+1)*n], t+g.c[i]*h, g.yi)
		g.st.NFev++
	}
}

func (g *gaussStepper[T]) jacobian(t float64, y []T) {
	g.st.NJev++
	if g.prob.Jac != nil {
		g.prob.Jac(g.jac, t, y)
		return
	}
	n := g.n
	g.prob.F(g.fy, t, y)
	g.st.NFev++
	copy(g.yi, y)
	for j := 0; j < n; j++ {
		d := math.Sqrt(0x1p-52) * math.Max(1, linalg.Abs(y[j]))
		g.yi[j] = y[j] + linalg.FromFloat[T](d)
		g.prob.F(g.tmp, t, g.yi)
		g.st.NFev++
		for i := 0; i < n; i++ {
			g.jac[i*n+j] = (g.tmp[i] - g.fy[i]) / linalg.FromFloat[T](d)
		}
		g.yi[j] = y[j]
	}
}

func maxAbs[T linalg.Scalar](v []T) float64 {
	m := 0.0
	for _, x := range v {
		if a := linalg.Abs(x); a > m || a != a {
			m = a
		}
	}
	return m
}

// stageSum writes dst = h (A⊗I) F, block i being h Σ_j a_ij F_j, from the
// stage derivatives in g.f.
func (g *gaussStepper[T]) stageSum(dst []T, h float64) {
	n, s := g.n, g.s
	for i := 0; i < s; i++ {
		zi := dst[i*n : (i+1)*n]
		clear(zi)
		for j := 0; j < s; j++ {
			ha := linalg.FromFloat[T](h * g.a[i][j])
			for k, v := range g.f[j*n : (j+1)*n] {
				zi[k] += ha * v
			}
		}
	}
}

// step advances y by h in place. It returns false if the stage equations
// did not converge (y is then unchanged).
func (g *gaussStepper[T]) step(t, h float64, y []T) bool {
	n, s := g.n, g.s
	if g.warm {
		// Predictor: the stage derivatives of the previous step,
		// Z_i = h Σ_j a_ij F_j, an O(h²) guess that saves iterations.
		g.stageSum(g.z, h)
	} else {
		clear(g.z)
	}
	g.warm = false
	scale := 1 + maxAbs(y)
	if g.solver == Newton {
		g.jacobian(t, y)
		sn := s * n
		for bi := 0; bi < s; bi++ {
			for bj := 0; bj < s; bj++ {
				ha := linalg.FromFloat[T](h * g.a[bi][bj])
				for i := 0; i < n; i++ {
					row := g.m[(bi*n+i)*sn+bj*n : (bi*n+i)*sn+bj*n+n]
					for j := 0; j < n; j++ {
						row[j] = -ha * g.jac[i*n+j]
					}
					if bi == bj {
						row[i] += 1
					}
				}
			}
		}
		g.st.NLU++
		if g.lu.Factorize(g.m, sn) != nil {
			return false
		}
	}
	prev := math.Inf(1)
	for it := 0; it < g.maxIter; it++ {
		g.evalStages(t, h, y)
		// zn = h (A⊗I) F
		g.stageSum(g.zn, h)
		var d float64
		if g.solver == Newton {
			for k := range g.r {
				g.r[k] = g.zn[k] - g.z[k]
			}
			g.lu.SolveTo(g.r, g.r)
			for k := range g.z {
				g.z[k] += g.r[k]
			}
			d = maxAbs(g.r)
		} else {
			for k := range g.z {
				if a := linalg.Abs(g.zn[k] - g.z[k]); a > d || a != a {
					d = a
				}
			}
			copy(g.z, g.zn)
		}
		if d != d || math.IsInf(d, 0) {
			return false
		}
		if d <= g.tol*scale || (d >= prev && prev <= 1e3*g.tol*scale) {
			// g.f was evaluated at the previous iterate, which differs
			// from the converged stages by round-off: reuse it.
			for i := 0; i < s; i++ {
				g.kah.add(y, linalg.FromFloat[T](h*g.b[i]), g.f[i*n:(i+1)*n])
			}
			g.warm = true
			return true
		}
		prev = d
	}
	return false
}

func runGauss[T linalg.Scalar](r *ode.Run[T], m GaussMethod) error {
	if m.Stages < 0 || m.Stages > 4 || m.Tol < 0 || math.IsNaN(m.Tol) || m.MaxIter < 0 || (m.Solver != FixedPoint && m.Solver != Newton) {
		return fmt.Errorf("%w: Gauss Stages = %d (1…4), Tol = %v, MaxIter = %d, Solver = %d", ode.ErrInvalidSettings, m.Stages, m.Tol, m.MaxIter, m.Solver)
	}
	gammas := []float64{1}
	if len(m.Composition) > 0 {
		gammas = m.Composition
		sum := 0.0
		for _, v := range gammas {
			sum += v
		}
		if math.Abs(sum-1) > 1e-12 {
			return fmt.Errorf("%w: composition coefficients sum to %v, not 1", ode.ErrInvalidSettings, sum)
		}
	}
	g := newGaussStepper(r.Problem, len(r.Y0), m, &r.Stats)
	return r.Fixed(func(t, h float64, y, yn []T) error {
		copy(yn, y)
		tc := t
		for _, gm := range gammas {
			if !g.step(tc, gm*h, yn) {
				r.Stats.NRejected++
				return fmt.Errorf("%w: Gauss s=%d at t = %v, h = %v", ode.ErrNoConvergence, g.s, tc, gm*h)
			}
			tc += gm * h
		}
		return nil
	})
}
