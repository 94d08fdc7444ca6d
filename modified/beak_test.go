package modified

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/cmplx"
	"testing"

	"github.com/pflow-go/pflow/bseries"
	"github.com/pflow-go/pflow/problems"
)

func evalField[T float64 | complex128](f *Flow[T], y []T) []T {
	dy := make([]T, len(y))
	f.F(dy, 0, y)
	return dy
}

// For K ≤ 3 the B-series field equals the hand-written NewBEA field (the
// IGR, bea3 and bea4 formulas of bea.go), on problems where H, D³E[g,g]
// and D³E[g,Hg] point in different directions. Both are sums of the same
// few exact derivative terms in a different order: 1e-13 relative.
func TestBEAKMatchesBEA(t *testing.T) {
	for _, c := range []struct {
		name string
		x    []float64
	}{{"monkeysaddle", []float64{0.3, 0.2}}, {"deeplinear:k=3", []float64{0.6, 0.9, 1.3}}, {"rosenbrock", []float64{-0.5, 0.7}}} {
		p := mustProblem(t, c.name)
		for K := 0; K <= MaxBEAOrder; K++ {
			a, err := NewBEAK[float64](p, 0.1, K)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := NewBEA[float64](p, 0.1, K)
			ga, gb := evalField(a, c.x), evalField(b, c.x)
			if d := diffNorm(ga, gb); d > 1e-13*norm(gb) {
				t.Errorf("%s K=%d: %v vs NewBEA %v", c.name, K, ga, gb)
			}
		}
	}
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// fDerivs1D returns the derivatives f^(m)(x), m = 0…M, of f = −E′ for the
// 1-D problems, computed independently of the Taylor arithmetic: closed
// forms for the polynomials; for logcosh f = −tanh and f^(m) = P_m(tanh x)
// with P_0(T) = −T, P_{m+1}(T) = P_m′(T)(1 − T²), exact rational
// polynomials evaluated in big.Float.
func fDerivs1D(name string, x float64, M int) []*big.Float {
	out := make([]*big.Float, M+1)
	bx := new(big.Float).SetPrec(200).SetFloat64(x)
	poly := func(c ...float64) *big.Float { // Σ c_i x^i
		s, p := new(big.Float).SetPrec(200), new(big.Float).SetPrec(200).SetInt64(1)
		for _, ci := range c {
			s.Add(s, new(big.Float).SetPrec(200).Mul(p, big.NewFloat(ci)))
			p.Mul(p, bx)
		}
		return s
	}
	for m := range out {
		out[m] = new(big.Float).SetPrec(200)
	}
	switch name {
	case "cubic": // f = −x − x²
		out[0], out[1] = poly(0, -1, -1), poly(-1, -2)
		if M >= 2 {
			out[2] = poly(-2)
		}
	case "quartic": // f = −x − x³
		out[0], out[1] = poly(0, -1, 0, -1), poly(-1, 0, -3)
		if M >= 2 {
			out[2] = poly(0, -6)
		}
		if M >= 3 {
			out[3] = poly(-6)
		}
	case "logcosh":
		T := new(big.Float).SetPrec(200).SetFloat64(math.Tanh(x))
		p := []*big.Rat{new(big.Rat), big.NewRat(-1, 1)} // coefficients in T
		for m := 0; m <= M; m++ {
			s, pw := new(big.Float).SetPrec(200), new(big.Float).SetPrec(200).SetInt64(1)
			for _, c := range p {
				s.Add(s, new(big.Float).SetPrec(200).Mul(pw, new(big.Float).SetPrec(200).SetRat(c)))
				pw.Mul(pw, T)
			}
			out[m] = s
			// P′(T)(1 − T²)
			d := make([]*big.Rat, len(p)+1)
			for i := range d {
				d[i] = new(big.Rat)
			}
			for i := 1; i < len(p); i++ {
				c := new(big.Rat).Mul(p[i], big.NewRat(int64(i), 1))
				d[i-1].Add(d[i-1], c)
				d[i+1].Sub(d[i+1], c)
			}
			p = d
		}
	}
	return out
}

// The order-K field agrees with an independent evaluation of the modified
// equation at h = 0.1 to ≤ 1e-10 relative (issue 14): in 1-D, F(t) is the
// product over the nodes v of f^(children(v)), summed with the exact
// ω(t)/σ(t) in big.Float.
func TestBEAKIndependent1D(t *testing.T) {
	const h = 0.1
	w, err := bseries.Method("euler", MaxBEAK+1)
	if err != nil {
		t.Fatal(err)
	}
	om, _ := bseries.ModifiedField(w)
	for _, name := range []string{"cubic", "quartic", "logcosh"} {
		p := mustProblem(t, name)
		for _, x := range []float64{0.5, -0.8, 1.7} {
			fd := fDerivs1D(name, x, MaxBEAK+1)
			var F func(tr *bseries.Tree) *big.Float
			F = func(tr *bseries.Tree) *big.Float {
				v := new(big.Float).SetPrec(200).Set(fd[tr.NumChildren()])
				for i := range tr.NumChildren() {
					v.Mul(v, F(tr.Child(i)))
				}
				return v
			}
			sum := new(big.Float).SetPrec(200)
			for K := 0; K <= MaxBEAK; K++ {
				trees, _ := bseries.Trees(K + 1)
				for _, tr := range trees {
					c := new(big.Float).SetPrec(200).SetRat(new(big.Rat).Quo(om.Coef(tr), new(big.Rat).SetInt64(tr.Sigma())))
					c.Mul(c, new(big.Float).SetPrec(200).SetFloat64(math.Pow(h, float64(K))))
					sum.Add(sum, c.Mul(c, F(tr)))
				}
				want, _ := sum.Float64()
				fl, err := NewBEAK[float64](p, h, K)
				if err != nil {
					t.Fatal(err)
				}
				got := evalField(fl, []float64{x})[0]
				if d := math.Abs(got - want); d > 1e-10*math.Abs(want) {
					t.Errorf("%s x=%v K=%d: %.17g, independent %.17g (rel %.2e)", name, x, K, got, want, d/math.Abs(want))
				}
			}
		}
	}
}

// On a quadratic the field is the truncated log series
// −Σ_{n ≤ K+1} (hλ)^(n−1) λ x / n per eigen-direction.
func TestBEAKQuadratic(t *testing.T) {
	eig := []float64{2, 0.5, 3}
	p, err := problems.NewQuadratic("q3", eig, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	const h = 0.1
	x := []float64{0.7, -1.2, 0.4}
	for K := 0; K <= MaxBEAK; K++ {
		fl, err := NewBEAK[float64](p, h, K)
		if err != nil {
			t.Fatal(err)
		}
		got := evalField(fl, x)
		for i, l := range eig {
			want := 0.0
			for n := K + 1; n >= 1; n-- {
				want -= math.Pow(h*l, float64(n-1)) * l * x[i] / float64(n)
			}
			if math.Abs(got[i]-want) > 1e-14*math.Abs(want) {
				t.Errorf("K=%d component %d: %v want %v", K, i, got[i], want)
			}
		}
	}
}

// Local order K + 2 (± 0.15) for K ≤ 6 on the 1-D problems from θ0 = 0.3.
// The step sizes are chosen per K so that the local errors stay above
// float64 round-off (≥ 3e-14; for logcosh and K = 6 only h = 0.08 and 0.04
// qualify) and in the asymptotic range: at h = 0.16 the
// K = 4…6 orders are still 0.2 low on the cubic and quartic, and from
// θ0 = 0.5 the h^6 coefficient of logcosh nearly cancels, so bea:4 there
// shows 6.9 → 6.45 before round-off takes over.
func TestBEAKLocalOrder(t *testing.T) {
	hsFor := func(K int) []float64 {
		switch {
		case K <= 3:
			return []float64{0.05, 0.025, 0.0125}
		default:
			return []float64{0.08, 0.04, 0.02}
		}
	}
	for _, name := range []string{"logcosh", "cubic", "quartic"} {
		p := mustProblem(t, name)
		for K := 0; K <= 6; K++ {
			errs := oneStepErrors(t, p, []float64{0.3}, hsFor(K), func(h float64) (*Flow[float64], error) {
				return NewBEAK[float64](p, h, K)
			})
			t.Logf("%s K=%d errors %.3e", name, K, errs)
			// Keep errors ≥ 3e-14, over 500 ulps of θ ≈ 0.3: round-off then
			// moves an observed order by < 0.01.
			for len(errs) > 2 && errs[len(errs)-1] < 3e-14 {
				errs = errs[:len(errs)-1]
			}
			if errs[len(errs)-1] < 3e-14 {
				t.Fatalf("%s K=%d: errors %.3e reach round-off", name, K, errs)
			}
			checkOrders(t, fmt.Sprintf("%s/bea:%d", name, K), errs, float64(K+2))
		}
	}
}

func TestBEAKRegistryAndErrors(t *testing.T) {
	p := mustProblem(t, "logcosh")
	x := []float64{0.4}
	for K := 0; K <= MaxBEAK; K++ {
		name := fmt.Sprintf("bea:%d", K)
		f, err := New[float64](name, p, 0.1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != name {
			t.Errorf("Name %q, want %q", f.Name, name)
		}
		ref, _ := NewBEAK[float64](p, 0.1, K)
		if a, b := evalField(f, x)[0], evalField(ref, x)[0]; math.Abs(a-b) > 1e-14*math.Abs(b) {
			t.Errorf("%s: %v vs NewBEAK %v", name, a, b)
		}
		// complex mode on the real axis equals real mode
		fc, err := New[complex128](name, p, 0.1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c := evalField(fc, []complex128{0.4})[0]; math.Abs(real(c)-evalField(ref, x)[0]) > 1e-13 || imag(c) != 0 {
			t.Errorf("%s complex: %v", name, c)
		}
	}
	for _, old := range beaNames {
		if _, err := New[float64](old, p, 0.1, nil); err != nil {
			t.Errorf("alias %s: %v", old, err)
		}
	}
	dl := mustProblem(t, "deeplinear:k=3")
	_, err := NewBEAK[float64](dl, 0.1, 5)
	if !errors.Is(err, ErrInvalidInput) || !errors.Is(err, problems.ErrNoDerivs) {
		t.Errorf("bea:5 on deeplinear: %v", err)
	}
	for _, K := range []int{-1, MaxBEAK + 1} {
		if _, err := NewBEAK[float64](p, 0.1, K); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("K=%d: %v", K, err)
		}
	}
	if _, err := NewBEAK[float64](p, -1, 2); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("h=-1: %v", err)
	}
	n, err := BEAKCost(8)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("contractions per order-8 evaluation by number of vectors: %v", n)
	if n[0] != 1 || n[1] == 0 {
		t.Errorf("BEAKCost(8) = %v", n)
	}
}

// At a complex point the field of the quartic agrees with the 1-D
// elementary differentials built from the closed-form derivatives of
// f = −θ − θ³ in complex128: a sum of at most 486 terms of size
// ≲ |F| h^(|t|−1), so 1e-12 relative.
func TestBEAKComplexQuartic(t *testing.T) {
	p := mustProblem(t, "quartic")
	const h = 0.1
	w, _ := bseries.Method("euler", MaxBEAK+1)
	om, _ := bseries.ModifiedField(w)
	for _, z := range []complex128{0.4 + 0.3i, -0.7 + 0.1i} {
		fd := []complex128{-z - z*z*z, -1 - 3*z*z, -6 * z, -6}
		var F func(tr *bseries.Tree) complex128
		F = func(tr *bseries.Tree) complex128 {
			m := tr.NumChildren()
			if m >= len(fd) {
				return 0
			}
			v := fd[m]
			for i := range m {
				v *= F(tr.Child(i))
			}
			return v
		}
		var want complex128
		for K := 0; K <= MaxBEAK; K++ {
			trees, _ := bseries.Trees(K + 1)
			for _, tr := range trees {
				c, _ := new(big.Rat).Quo(om.Coef(tr), new(big.Rat).SetInt64(tr.Sigma())).Float64()
				want += complex(c*math.Pow(h, float64(K)), 0) * F(tr)
			}
			fl, err := NewBEAK[complex128](p, h, K)
			if err != nil {
				t.Fatal(err)
			}
			got := evalField(fl, []complex128{z})[0]
			if d := cmplx.Abs(got - want); d > 1e-12*cmplx.Abs(want) {
				t.Errorf("z=%v K=%d: %v, closed form %v", z, K, got, want)
			}
		}
	}
}
