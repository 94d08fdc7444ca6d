package problems

import "github.com/pflow-go/pflow/linalg"

// eval1 returns E and its first three derivatives at x for a 1-D loss.
type eval1[T linalg.Scalar] func(x T) (f, d1, d2, d3 T)

// funcs1D builds Funcs from a 1-D closed form.
func funcs1D[T linalg.Scalar](ev eval1[T]) Funcs[T] {
	return Funcs[T]{
		Func: func(x []T) T {
			checkLenT(1, x)
			f, _, _, _ := ev(x[0])
			return f
		},
		Grad: func(grad, x []T) {
			checkLenT(1, grad, x)
			_, d1, _, _ := ev(x[0])
			grad[0] = d1
		},
		Hess: func(hess, x []T) {
			checkLenT(1, hess, x)
			_, _, d2, _ := ev(x[0])
			hess[0] = d2
		},
		HessVec: func(hv, x, v []T) {
			checkLenT(1, hv, x, v)
			_, _, d2, _ := ev(x[0])
			hv[0] = d2 * v[0]
		},
		D3: func(dst, x, u, v []T) {
			checkLenT(1, dst, x, u, v)
			_, _, _, d3 := ev(x[0])
			dst[0] = d3 * u[0] * v[0]
		},
	}
}

// eval2 returns E, ∇E, the Hessian entries (xx, xy, yy) and the third
// derivatives (xxx, xxy, xyy, yyy) of a 2-D loss at (x, y).
type eval2[T linalg.Scalar] func(x, y T) (f T, g [2]T, h [3]T, t [4]T)

// funcs2D builds Funcs from a 2-D closed form.
func funcs2D[T linalg.Scalar](ev eval2[T]) Funcs[T] {
	return Funcs[T]{
		Func: func(x []T) T {
			checkLenT(2, x)
			f, _, _, _ := ev(x[0], x[1])
			return f
		},
		Grad: func(grad, x []T) {
			checkLenT(2, grad, x)
			_, g, _, _ := ev(x[0], x[1])
			grad[0], grad[1] = g[0], g[1]
		},
		Hess: func(hess, x []T) {
			checkLenT(4, hess)
			checkLenT(2, x)
			_, _, h, _ := ev(x[0], x[1])
			hess[0], hess[1], hess[2], hess[3] = h[0], h[1], h[1], h[2]
		},
		HessVec: func(hv, x, v []T) {
			checkLenT(2, hv, x, v)
			_, _, h, _ := ev(x[0], x[1])
			v0, v1 := v[0], v[1]
			hv[0] = h[0]*v0 + h[1]*v1
			hv[1] = h[1]*v0 + h[2]*v1
		},
		D3: func(dst, x, u, v []T) {
			checkLenT(2, dst, x, u, v)
			_, _, _, t := ev(x[0], x[1])
			a, b, c := u[0]*v[0], u[0]*v[1]+u[1]*v[0], u[1]*v[1]
			dst[0] = t[0]*a + t[1]*b + t[2]*c
			dst[1] = t[1]*a + t[2]*b + t[3]*c
		},
	}
}

// newton2 refines a stationary point of a 2-D closed form by Newton's
// method on ∇E = 0 with the exact Hessian (quadratic convergence).
func newton2(ev eval2[float64], x, y float64) (float64, float64) {
	for range 50 {
		_, g, h, _ := ev(x, y)
		det := h[0]*h[2] - h[1]*h[1]
		if det == 0 {
			break
		}
		dx := (h[2]*g[0] - h[1]*g[1]) / det
		dy := (h[0]*g[1] - h[1]*g[0]) / det
		x, y = x-dx, y-dy
		if dx == 0 && dy == 0 {
			break
		}
	}
	return x, y
}

// inertia2 returns the inertia of the symmetric 2×2 matrix [a b; b c].
func inertia2(a, b, c float64) Inertia {
	det := a*c - b*b
	tr := a + c
	switch {
	case det < 0:
		return Inertia{Pos: 1, Neg: 1}
	case det > 0 && tr > 0:
		return Inertia{Pos: 2}
	case det > 0 && tr < 0:
		return Inertia{Neg: 2}
	case tr > 0:
		return Inertia{Pos: 1, Zero: 1}
	case tr < 0:
		return Inertia{Neg: 1, Zero: 1}
	}
	return Inertia{Zero: 2}
}

// point2 refines (x, y) with Newton and classifies it.
func point2(ev eval2[float64], x, y float64) Point {
	x, y = newton2(ev, x, y)
	f, _, h, _ := ev(x, y)
	in := inertia2(h[0], h[1], h[2])
	k := Saddle
	switch {
	case in.Pos == 2:
		k = Minimum
	case in.Neg == 2:
		k = Maximum
	}
	return Point{X: []float64{x, y}, E: f, Kind: k, Inertia: in}
}
