package problems

import (
	"fmt"

	"github.com/pflow-go/pflow/linalg"
)

// prodExcept returns Π_l w_l over l ∉ {i, j, k} (pass −1 for unused).
func prodExcept[T linalg.Scalar](w []T, i, j, k int) T {
	p := T(1)
	for l, wl := range w {
		if l != i && l != j && l != k {
			p *= wl
		}
	}
	return p
}

func deepLinearFuncs[T linalg.Scalar](k int) Funcs[T] {
	// r = Π w − 1, r_i = P_{−i}, r_ij = [i≠j] P_{−ij}, r_ijk = [distinct] P_{−ijk};
	// E = ½r², E_i = r r_i, E_ij = r_i r_j + r r_ij,
	// E_ijk = r_ij r_k + r_ik r_j + r_jk r_i + r r_ijk.
	rij := func(w []T, i, j int) T {
		if i == j {
			return 0
		}
		return prodExcept(w, i, j, -1)
	}
	return Funcs[T]{
		Func: func(w []T) T {
			checkLenT(k, w)
			r := prodExcept(w, -1, -1, -1) - 1
			return r * r / 2
		},
		Grad: func(grad, w []T) {
			checkLenT(k, grad, w)
			r := prodExcept(w, -1, -1, -1) - 1
			for i := range w {
				grad[i] = r * prodExcept(w, i, -1, -1)
			}
		},
		Hess: func(hess, w []T) {
			checkLenT(k*k, hess)
			checkLenT(k, w)
			r := prodExcept(w, -1, -1, -1) - 1
			for i := range k {
				ri := prodExcept(w, i, -1, -1)
				for j := range k {
					hess[i*k+j] = ri*prodExcept(w, j, -1, -1) + r*rij(w, i, j)
				}
			}
		},
		HessVec: func(hv, w, v []T) {
			checkLenT(k, hv, w, v)
			r := prodExcept(w, -1, -1, -1) - 1
			var s T
			for j := range k {
				s += prodExcept(w, j, -1, -1) * v[j]
			}
			for i := range k {
				var t T
				for j := range k {
					t += rij(w, i, j) * v[j]
				}
				hv[i] = prodExcept(w, i, -1, -1)*s + r*t
			}
		},
		D3: func(dst, w, u, v []T) {
			checkLenT(k, dst, w, u, v)
			r := prodExcept(w, -1, -1, -1) - 1
			var su, sv, suv T // Σ r_j u_j, Σ r_k v_k, Σ r_jk u_j v_k
			for j := range k {
				rj := prodExcept(w, j, -1, -1)
				su += rj * u[j]
				sv += rj * v[j]
				for l := range k {
					suv += rij(w, j, l) * u[j] * v[l]
				}
			}
			for i := range k {
				var au, av, t T
				for j := range k {
					au += rij(w, i, j) * u[j]
					av += rij(w, i, j) * v[j]
					if j == i {
						continue
					}
					for l := range k {
						if l != i && l != j {
							t += prodExcept(w, i, j, l) * u[j] * v[l]
						}
					}
				}
				dst[i] = au*sv + av*su + prodExcept(w, i, -1, -1)*suv + r*t
			}
		},
	}
}

// NewDeepLinear returns the deep linear chain E(w) = ½(w₁w₂⋯w_k − 1)² with
// k scalar layers (1 ≤ k ≤ 16). Its minima form the manifold Π w = 1
// (the listed minimum (1, …, 1) has inertia 1 positive, k−1 zero); the
// origin is a saddle for k ≥ 2 (strict for k = 2, degenerate for k ≥ 3).
func NewDeepLinear(k int) (*Problem, error) {
	if k < 1 || k > 16 {
		return nil, fmt.Errorf("%w: deeplinear needs 1 ≤ k ≤ 16, got %d", ErrBadParameter, k)
	}
	x0 := make([]float64, k)
	for i := range x0 {
		x0[i] = 0.5 + 0.25*float64(i) // a non-balanced start
	}
	ones := make([]float64, k)
	for i := range ones {
		ones[i] = 1
	}
	c := deepLinearFuncs[complex128](k)
	p := &Problem{
		Name: fmt.Sprintf("deeplinear:k=%d", k),
		Description: "deep linear chain E(w) = ½(w₁w₂⋯w_k − 1)²: scalar deep linear network with a " +
			"manifold of minima Πw = 1; start w_i = 0.5 + 0.25(i−1).",
		Source: "Saxe, McClelland, Ganguli, ICLR 2014; Arora, Cohen, Hazan, ICML 2018",
		Dim:    k, X0: x0,
		Real: deepLinearFuncs[float64](k), Complex: &c,
		Minima: []Point{{X: ones, E: 0, Kind: Minimum, Inertia: Inertia{Pos: 1, Zero: k - 1}}},
	}
	if k == 2 {
		p.Saddles = []Point{{X: make([]float64, k), E: 0.5, Kind: Saddle, Inertia: Inertia{Pos: 1, Neg: 1}}}
	} else if k > 2 {
		p.Saddles = []Point{{X: make([]float64, k), E: 0.5, Kind: Saddle, Inertia: Inertia{Zero: k}}}
	}
	return p, nil
}
