package problems

import (
	"fmt"
	"math/rand/v2"

	"github.com/pflow-go/pflow/linalg"
)

// matFact is E(U, V) = ½‖UVᵀ − M‖²_F, U m×r, V n×r, parameters
// x = (vec U, vec V) row-major.
type matFact struct {
	m, n, r int
	mt      []float64 // M, m×n row-major
}

func (f *matFact) dim() int { return f.r * (f.m + f.n) }

func matFactFuncs[T linalg.Scalar](f *matFact) Funcs[T] {
	m, n, r := f.m, f.n, f.r
	d := f.dim()
	split := func(x []T) (u, v []T) { return x[:m*r], x[m*r:] }
	// rowDot returns Σ_l a_il b_jl for row i of a and row j of b.
	rowDot := func(a []T, i int, b []T, j int) T {
		var s T
		ai, bj := a[i*r:i*r+r], b[j*r:j*r+r]
		for l := range r {
			s += ai[l] * bj[l]
		}
		return s
	}
	resid := func(u, v []T, i, j int) T { return rowDot(u, i, v, j) - fl[T](f.mt[i*n+j]) }
	return Funcs[T]{
		Func: func(x []T) T {
			checkLenT(d, x)
			u, v := split(x)
			var e T
			for i := range m {
				for j := range n {
					rij := resid(u, v, i, j)
					e += rij * rij
				}
			}
			return e / 2
		},
		Grad: func(grad, x []T) {
			checkLenT(d, grad, x)
			u, v := split(x)
			gu, gv := split(grad)
			clear(grad)
			for i := range m {
				for j := range n {
					rij := resid(u, v, i, j)
					for l := range r {
						gu[i*r+l] += rij * v[j*r+l]
						gv[j*r+l] += rij * u[i*r+l]
					}
				}
			}
		},
		Hess: func(hess, x []T) {
			checkLenT(d*d, hess)
			checkLenT(d, x)
			u, v := split(x)
			clear(hess)
			mr := m * r
			for i := range m {
				for l := range r {
					a := i*r + l
					// ∂²/∂U_il∂U_il' = Σ_j V_jl V_jl'.
					for l2 := range r {
						var s T
						for j := range n {
							s += v[j*r+l] * v[j*r+l2]
						}
						hess[a*d+i*r+l2] = s
					}
					// ∂²/∂U_il∂V_jl' = U_il' V_jl + R_ij δ_ll'.
					for j := range n {
						rij := resid(u, v, i, j)
						for l2 := range r {
							b := mr + j*r + l2
							h := u[i*r+l2] * v[j*r+l]
							if l == l2 {
								h += rij
							}
							hess[a*d+b], hess[b*d+a] = h, h
						}
					}
				}
			}
			for j := range n {
				for l := range r {
					a := mr + j*r + l
					for l2 := range r {
						var s T
						for i := range m {
							s += u[i*r+l] * u[i*r+l2]
						}
						hess[a*d+mr+j*r+l2] = s
					}
				}
			}
		},
		HessVec: func(hv, x, w []T) {
			checkLenT(d, hv, x, w)
			u, v := split(x)
			au, av := split(w)
			hu, hvv := split(hv)
			clear(hv)
			for i := range m {
				for j := range n {
					rij := resid(u, v, i, j)
					dr := rowDot(au, i, v, j) + rowDot(u, i, av, j)
					for l := range r {
						hu[i*r+l] += dr*v[j*r+l] + rij*av[j*r+l]
						hvv[j*r+l] += dr*u[i*r+l] + rij*au[i*r+l]
					}
				}
			}
		},
		D3: func(dst, x, a, b []T) {
			checkLenT(d, dst, x, a, b)
			u, v := split(x)
			au, av := split(a)
			bu, bv := split(b)
			du, dv := split(dst)
			clear(dst)
			for i := range m {
				for j := range n {
					dra := rowDot(au, i, v, j) + rowDot(u, i, av, j)
					drb := rowDot(bu, i, v, j) + rowDot(u, i, bv, j)
					s := rowDot(bu, i, av, j) + rowDot(au, i, bv, j)
					for l := range r {
						du[i*r+l] += s*v[j*r+l] + drb*av[j*r+l] + dra*bv[j*r+l]
						dv[j*r+l] += s*u[i*r+l] + drb*au[i*r+l] + dra*bu[i*r+l]
					}
				}
			}
		},
	}
}

// NewMatFact returns the matrix factorisation E(U, V) = ½‖UVᵀ − M‖²_F with
// U m×r, V n×r, x = (vec U, vec V) row-major, dimension r(m+n). M = U*V*ᵀ
// with U*, V* of standard normal entries (seeded), so E = 0 is attained
// at (U*, V*), listed as a minimum whose Hessian has r² zero eigenvalues
// (the GL(r) symmetry U → UG, V → VG⁻ᵀ) and r(m+n) − r² positive ones
// (for generic U*, V* of full rank r ≤ min(m, n)). The start X0 has
// entries N(0, 0.5²) from a second seeded stream.
func NewMatFact(m, n, r int, seed uint64) (*Problem, error) {
	if m < 1 || n < 1 || r < 1 || r > m || r > n || m*n > 10000 {
		return nil, fmt.Errorf("%w: matfact needs 1 ≤ r ≤ min(m, n) and m·n ≤ 10000, got m=%d n=%d r=%d", ErrBadParameter, m, n, r)
	}
	rnd := rand.New(rand.NewPCG(seed, 1))
	star := make([]float64, r*(m+n))
	for i := range star {
		star[i] = rnd.NormFloat64()
	}
	f := &matFact{m: m, n: n, r: r, mt: make([]float64, m*n)}
	us, vs := star[:m*r], star[m*r:]
	for i := range m {
		for j := range n {
			var s float64
			for l := range r {
				s += us[i*r+l] * vs[j*r+l]
			}
			f.mt[i*n+j] = s
		}
	}
	rnd0 := rand.New(rand.NewPCG(seed, 2))
	x0 := make([]float64, f.dim())
	for i := range x0 {
		x0[i] = 0.5 * rnd0.NormFloat64()
	}
	c := matFactFuncs[complex128](f)
	p := &Problem{
		Name: fmt.Sprintf("matfact:m=%d,n=%d,r=%d,seed=%d", m, n, r, seed),
		Description: "two-factor matrix factorisation E(U, V) = ½‖UVᵀ − M‖²_F, M = U*V*ᵀ of rank r, " +
			"x = (vec U, vec V) row-major.",
		Source: "Burer & Monteiro, Math. Program. 95 (2003); Ge, Jin, Zheng, ICML 2017 (no spurious local minima)",
		Dim:    f.dim(), X0: x0,
		Real: matFactFuncs[float64](f), Complex: &c,
		Minima: []Point{{X: star, E: 0, Kind: Minimum, Inertia: Inertia{Pos: r*(m+n) - r*r, Zero: r * r}}},
	}
	return p, nil
}
