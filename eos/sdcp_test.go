package eos

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// gramB returns the k²×k² map B[X]_ij = c Σ_kl ⟨T_ij, T_kl⟩ X_kl for
// random vectors T_ij = T_ji of length d (the central flow's B).
func gramB(rnd *rand.Rand, k, d int, c float64) []float64 {
	t := make([][]float64, k*k)
	for i := range k {
		for j := i; j < k; j++ {
			v := make([]float64, d)
			for n := range v {
				v[n] = rnd.NormFloat64()
			}
			t[i*k+j], t[j*k+i] = v, v
		}
	}
	n := k * k
	b := make([]float64, n*n)
	for p := range n {
		for q := range n {
			var s float64
			for i := range d {
				s += t[p][i] * t[q][i]
			}
			b[p*n+q] = c * s
		}
	}
	return b
}

// TestSDCPOneEigenvalue: for k = 1 the SDCP is x ≥ 0, a + bx ≥ 0,
// x(a + bx) = 0, whose solution is x = max(0, −a/b) — the paper's
// σ² = 2⟨−∇L, ∇S⟩/‖∇S‖² when a, b are the central flow's (see
// TestCentralOneEigenvalueClosedForm). Exact up to round-off.
func TestSDCPOneEigenvalue(t *testing.T) {
	for _, c := range []struct{ a, b float64 }{{-3, 2}, {0.5, 2}, {-1e-3, 7}, {0, 1}} {
		x, info, err := SolveSDCP([]float64{c.a}, []float64{c.b}, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := math.Max(0, -c.a/c.b)
		if math.Abs(x[0]-want) > 1e-15*math.Max(1, want) {
			t.Errorf("a=%v b=%v: x = %v, want %v (%+v)", c.a, c.b, x[0], want, info)
		}
	}
}

// bruteK2 minimises ½⟨X,B[X]⟩ + ⟨A,X⟩ over 2×2 PSD X by enumeration:
// X = 0; rank one X = s·wwᵀ, w = (cos θ, sin θ), with s = max(0,
// −⟨A,wwᵀ⟩/B[wwᵀ,wwᵀ]) on a fine θ grid refined by golden section; and
// the unconstrained minimiser when it is PSD.
func bruteK2(a, b []float64) ([]float64, float64) {
	p := &sdcp{k: 2, a: sym(a, 2), b: b}
	best, bx := 0.0, make([]float64, 4)
	rankOne := func(th float64) ([]float64, float64) {
		w := []float64{math.Cos(th), math.Sin(th)}
		e := []float64{w[0] * w[0], w[0] * w[1], w[1] * w[0], w[1] * w[1]}
		be := make([]float64, 4)
		p.apply(be, e)
		var q, l float64
		for i := range e {
			q += e[i] * be[i]
			l += e[i] * p.a[i]
		}
		s := 0.0
		if q > 0 {
			s = math.Max(0, -l/q)
		}
		x := []float64{s * e[0], s * e[1], s * e[2], s * e[3]}
		return x, p.obj(x)
	}
	n := 20000
	bestTh := 0.0
	for i := range n {
		th := math.Pi * float64(i) / float64(n)
		if x, f := rankOne(th); f < best {
			best, bx, bestTh = f, x, th
		}
	}
	lo, hi := bestTh-math.Pi/float64(n), bestTh+math.Pi/float64(n)
	g := (math.Sqrt(5) - 1) / 2
	for range 200 {
		m1, m2 := hi-g*(hi-lo), lo+g*(hi-lo)
		_, f1 := rankOne(m1)
		_, f2 := rankOne(m2)
		if f1 < f2 {
			hi = m2
		} else {
			lo = m1
		}
	}
	if x, f := rankOne((lo + hi) / 2); f < best {
		best, bx = f, x
	}
	// Full rank: B[X] = −A on symmetric matrices (3 unknowns).
	basis := [][]float64{{1, 0, 0, 0}, {0, 1, 1, 0}, {0, 0, 0, 1}}
	g3 := mat.NewDense(3, 3, nil)
	r3 := mat.NewVecDense(3, nil)
	be := make([]float64, 4)
	for d := range 3 {
		p.apply(be, basis[d])
		for c := range 3 {
			var s float64
			for i := range 4 {
				s += basis[c][i] * be[i]
			}
			g3.Set(c, d, s)
		}
		var s float64
		for i := range 4 {
			s += basis[d][i] * p.a[i]
		}
		r3.SetVec(d, -s)
	}
	var y mat.VecDense
	if y.SolveVec(g3, r3) == nil {
		x := []float64{y.AtVec(0), y.AtVec(1), y.AtVec(1), y.AtVec(2)}
		if x[0] >= 0 && x[3] >= 0 && x[0]*x[3] >= x[1]*x[1] {
			if f := p.obj(x); f < best {
				best, bx = f, x
			}
		}
	}
	return bx, best
}

// TestSDCPBruteForceK2 compares SolveSDCP with the enumeration above on
// random instances with one or two negative eigenvalues of A. The
// brute-force angle is resolved by golden section to ~1e−12 rad, so X
// agrees to ~1e−8 relative (tolerance 1e−6) and the objective to ~1e−12.
func TestSDCPBruteForceK2(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 2))
	for trial := range 30 {
		a := []float64{rnd.NormFloat64(), 0, 0, rnd.NormFloat64()}
		a[1] = 0.5 * rnd.NormFloat64()
		a[2] = a[1]
		d := 1 + trial%4 // B of rank ≤ d: also singular B
		b := gramB(rnd, 2, d+2, 0.3)
		x, info, err := SolveSDCP(a, b, 2, nil)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		bx, bf := bruteK2(a, b)
		p := &sdcp{k: 2, a: sym(a, 2), b: b}
		f := p.obj(x)
		if f > bf+1e-10*(1+math.Abs(bf)) {
			t.Errorf("trial %d: objective %v > brute force %v (%+v)", trial, f, bf, info)
		}
		if frob(diff(x, bx)) > 1e-6*(1+frob(bx)) {
			t.Errorf("trial %d: X = %v, brute force %v (%+v)", trial, x, bx, info)
		}
	}
}

func diff(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

// TestSDCPKKT checks the complementarity conditions on random instances up
// to k = 10: X ⪰ 0, Z = A + B[X] ⪰ 0, ⟨X, Z⟩ = 0 (to 1e−9 relative).
func TestSDCPKKT(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 5))
	for _, k := range []int{1, 2, 3, 5, 8, 10} {
		for trial := range 4 {
			a := make([]float64, k*k)
			for i := range k {
				for j := i; j < k; j++ {
					v := rnd.NormFloat64()
					if i != j {
						v *= 0.3
					}
					a[i*k+j], a[j*k+i] = v, v
				}
			}
			b := gramB(rnd, k, k*k+3, 1.0/float64(k))
			x, info, err := SolveSDCP(a, b, k, nil)
			if err != nil {
				t.Fatalf("k=%d trial %d: %v (%+v)", k, trial, err, info)
			}
			p := &sdcp{k: k, a: sym(a, k), b: b}
			z := make([]float64, k*k)
			p.grad(z, x)
			sc := 1 + frob(a)
			if m := p.minEig(x); m < -1e-9*sc {
				t.Errorf("k=%d: X has eigenvalue %v", k, m)
			}
			if m := p.minEig(z); m < -1e-9*sc {
				t.Errorf("k=%d: A + B[X] has eigenvalue %v (%+v)", k, m, info)
			}
			var c float64
			for i := range x {
				c += x[i] * z[i]
			}
			if math.Abs(c) > 1e-9*sc*sc {
				t.Errorf("k=%d: ⟨X, Z⟩ = %v", k, c)
			}
		}
	}
}
