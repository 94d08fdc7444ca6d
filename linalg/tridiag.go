package linalg

import (
	"fmt"
	"math"
)

// tridiagFunc computes c = f(T) e₁ for the symmetric tridiagonal T with
// diagonal alpha[:m] and off-diagonal beta[:m-1], through T = S Θ Sᵀ:
// c = S (f(Θ) ∘ Sᵀe₁). The eigenvalues are found by the implicit QL method
// with Wilkinson shifts (Bowdler, Martin, Reinsch, Wilkinson, Numer. Math.
// 11, 1968, procedure tql2; Golub & Van Loan §8.3). Instead of accumulating
// S (O(m³)), the plane rotations are recorded: Sᵀe₁ is updated as they occur
// (as in Golub & Welsch, Math. Comp. 23, 1969) and S y is applied afterwards
// by replaying them in reverse, so the cost is O(m²). theta receives the
// (unsorted) eigenvalues. ws holds reusable rotation storage.
func tridiagFunc(c []complex128, theta []float64, alpha, beta []float64, m int, f func(float64) complex128, ws *rotStore) error {
	d := theta[:m]
	copy(d, alpha[:m])
	e := ws.e[:0]
	e = append(e, beta[:m-1]...)
	e = append(e, 0)
	ws.e = e
	r := ws.r[:0]
	for i := 0; i < m; i++ {
		r = append(r, 0)
	}
	r[0] = 1
	ws.r = r
	ws.idx, ws.cs, ws.sn = ws.idx[:0], ws.cs[:0], ws.sn[:0]
	for l := 0; l < m; l++ {
		for iter := 0; ; iter++ {
			mm := l
			for ; mm < m-1; mm++ {
				dd := math.Abs(d[mm]) + math.Abs(d[mm+1])
				if math.Abs(e[mm]) <= eps*dd {
					break
				}
			}
			if mm == l {
				break
			}
			if iter >= 30*max(10, m) {
				return fmt.Errorf("linalg: tridiagonal QL: %w", ErrNoConvergence)
			}
			g := (d[l+1] - d[l]) / (2 * e[l])
			rr := hypot(g, 1)
			g = d[mm] - d[l] + e[l]/(g+math.Copysign(rr, g))
			s, cc, p := 1.0, 1.0, 0.0
			i := mm - 1
			underflow := false
			for ; i >= l; i-- {
				f := s * e[i]
				b := cc * e[i]
				rr = hypot(f, g)
				e[i+1] = rr
				if rr == 0 {
					d[i+1] -= p
					e[mm] = 0
					underflow = true
					break
				}
				s = f / rr
				cc = g / rr
				g = d[i+1] - p
				rr = (d[i]-g)*s + 2*cc*b
				p = s * rr
				d[i+1] = g + p
				g = cc*rr - b
				// Column rotation of S on (i, i+1):
				// S_i ← c S_i − s S_{i+1}, S_{i+1} ← s S_i + c S_{i+1}.
				ri, ri1 := r[i], r[i+1]
				r[i+1] = s*ri + cc*ri1
				r[i] = cc*ri - s*ri1
				ws.idx = append(ws.idx, int32(i))
				ws.cs = append(ws.cs, cc)
				ws.sn = append(ws.sn, s)
			}
			if underflow {
				continue
			}
			d[l] -= p
			e[l] = g
			e[mm] = 0
		}
	}
	for j := 0; j < m; j++ {
		c[j] = f(d[j]) * complex(r[j], 0)
	}
	// c ← R_1 R_2 ⋯ R_K c: replay in reverse order. As a matrix R has
	// R_ii = R_{i+1,i+1} = c, R_{i,i+1} = s, R_{i+1,i} = −s.
	for k := len(ws.idx) - 1; k >= 0; k-- {
		i := ws.idx[k]
		cs, sn := complex(ws.cs[k], 0), complex(ws.sn[k], 0)
		a, b := c[i], c[i+1]
		c[i] = cs*a + sn*b
		c[i+1] = cs*b - sn*a
	}
	return nil
}

// hypot returns √(x² + y²) by the plain formula when x² + y² is a normal
// number well inside the range (the result is then within one ulp of
// math.Hypot's) and falls back to math.Hypot near underflow or overflow.
// In the QL sweep it is several times cheaper than math.Hypot, which
// dominated the cost of tridiagFunc.
func hypot(x, y float64) float64 {
	s := x*x + y*y
	if s > 0x1p-968 && s < 0x1p968 {
		return math.Sqrt(s)
	}
	return math.Hypot(x, y)
}

// rotStore is reusable storage for tridiagFunc.
type rotStore struct {
	e, r   []float64
	idx    []int32
	cs, sn []float64
}
