package benchprob

import (
	"flag"
	"fmt"
	"math"
	"math/big"
	"testing"
)

var recompute = flag.Bool("reference", false, "recompute the Lorenz and Van der Pol references with the big.Float Taylor integrator (slow)")

const prec = 320 // bits (~96 digits): round-off stays far below 1e-40 even after the chaotic growth e^(0.9·20) of Lorenz

// taylorRHS computes the Taylor coefficients c[i][k+1] of every component
// from c[i][0..k] (the recurrences of a polynomial right-hand side).
type taylorRHS func(c [][]*big.Float, k int)

func bf(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
func nb() *big.Float          { return new(big.Float).SetPrec(prec) }

// cauchy returns Σ_{j=0..k} a_j b_{k−j}.
func cauchy(a, b []*big.Float, k int) *big.Float {
	s, t := nb(), nb()
	for j := 0; j <= k; j++ {
		s.Add(s, t.Mul(a[j], b[k-j]))
	}
	return s
}

// taylorSolve integrates from t0 to t1 with Taylor series of order K,
// choosing each step as frac·min_i |c_ik|^(−1/k) over the last two orders
// (an estimate of the radius of convergence), so that the truncation error
// is about frac^K relative.
func taylorSolve(f taylorRHS, y0 []*big.Float, t0, t1 *big.Float, K int, frac float64) []*big.Float {
	n := len(y0)
	y := make([]*big.Float, n)
	for i := range y {
		y[i] = new(big.Float).SetPrec(prec).Set(y0[i])
	}
	t := new(big.Float).SetPrec(prec).Set(t0)
	c := make([][]*big.Float, n)
	for i := range c {
		c[i] = make([]*big.Float, K+1)
	}
	for t.Cmp(t1) < 0 {
		for i := range n {
			c[i][0] = new(big.Float).SetPrec(prec).Set(y[i])
		}
		for k := 0; k < K; k++ {
			f(c, k)
		}
		h := math.Inf(1)
		for i := range n {
			for _, k := range []int{K - 1, K} {
				a, _ := new(big.Float).Abs(c[i][k]).Float64()
				if a > 0 {
					h = math.Min(h, frac*math.Pow(a, -1/float64(k)))
				}
			}
		}
		hb := bf(h)
		if rem := new(big.Float).Sub(t1, t); rem.Cmp(hb) <= 0 {
			hb = rem
		}
		for i := range n { // Horner
			s := new(big.Float).SetPrec(prec).Set(c[i][K])
			for k := K - 1; k >= 0; k-- {
				s.Mul(s, hb)
				s.Add(s, c[i][k])
			}
			y[i] = s
		}
		t.Add(t, hb)
	}
	return y
}

// lorenzTaylor: σ = 10, ρ = 28, β = the double nearest 8/3 (the value every
// float64 solver uses; the exact 8/3 moves y(20) by ~1e-8, see docs/ode.md).
func lorenzTaylor(c [][]*big.Float, k int) {
	x, y, z := c[0], c[1], c[2]
	k1 := bf(float64(k + 1))
	beta := bf(8.0 / 3)
	t := nb()
	x[k+1] = nb().Quo(t.Mul(bf(10), nb().Sub(y[k], x[k])), k1)
	v := nb().Mul(bf(28), x[k])
	v.Sub(v, cauchy(x, z, k))
	v.Sub(v, y[k])
	y[k+1] = v.Quo(v, k1)
	w := cauchy(x, y, k)
	w.Sub(w, nb().Mul(beta, z[k]))
	z[k+1] = w.Quo(w, k1)
}

// vdpTaylor: y1' = y2, y2' = ((1 − y1²)y2 − y1)/ε with ε = the double 1e-3.
func vdpTaylor(c [][]*big.Float, k int) {
	y1, y2 := c[0], c[1]
	k1 := bf(float64(k + 1))
	y1[k+1] = nb().Quo(y2[k], k1)
	// (y1² y2)_k = Σ_j (y1²)_j y2_{k−j}, (y1²)_j = Σ_i y1_i y1_{j−i}
	p := make([]*big.Float, k+1)
	for j := 0; j <= k; j++ {
		p[j] = cauchy(y1, y1, j)
	}
	v := nb().Sub(y2[k], cauchy(p, y2, k))
	v.Sub(v, y1[k])
	v.Quo(v, bf(1e-3))
	y2[k+1] = v.Quo(v, k1)
}

func runReference(name string, K int, frac float64) []*big.Float {
	switch name {
	case "lorenz":
		return taylorSolve(lorenzTaylor, []*big.Float{bf(1), bf(1), bf(1)}, bf(0), bf(20), K, frac)
	case "vanderpol":
		return taylorSolve(vdpTaylor, []*big.Float{bf(2), bf(0)}, bf(0), bf(2), K, frac)
	}
	panic(name)
}

// TestReferences recomputes the embedded references twice, with different
// orders and step fractions; the two agree to far more digits than a
// float64 comparison needs, and the embedded values are their common digits.
func TestReferences(t *testing.T) {
	if !*recompute {
		t.Skip("run with -reference to recompute (about a minute)")
	}
	for name, ref := range references {
		a := runReference(name, 40, 0.15)
		b := runReference(name, 50, 0.2)
		for i := range a {
			d := new(big.Float).Sub(a[i], b[i])
			df, _ := d.Float64()
			r := new(big.Float).SetPrec(prec)
			r.SetString(ref[i])
			e, _ := new(big.Float).Sub(a[i], r).Float64()
			fmt.Printf("%s[%d] = %s (runs differ by %.1e, embedded differs by %.1e)\n", name, i, a[i].Text('g', 40), df, e)
			if math.Abs(df) > 1e-30 {
				t.Errorf("%s[%d]: the two Taylor runs differ by %g", name, i, df)
			}
			if math.Abs(e) > 1e-30 {
				t.Errorf("%s[%d]: embedded reference off by %g", name, i, e)
			}
		}
	}
}
