package bseries

import (
	"math/big"
	"testing"

	"github.com/pflow-go/pflow/ode"
)

func r(p, q int64) *big.Rat { return big.NewRat(p, q) }

func mustParse(t *testing.T, s string) *Tree {
	t.Helper()
	tr, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// OEIS A000081: number of rooted trees with n nodes.
var a000081 = []int{0, 1, 1, 2, 4, 9, 20, 48, 115, 286, 719, 1842}

func TestCounts(t *testing.T) {
	for n := 1; n < len(a000081); n++ {
		ts, err := Trees(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != a000081[n] {
			t.Errorf("order %d: %d trees, want %d", n, len(ts), a000081[n])
		}
		seen := map[*Tree]bool{}
		for i, tr := range ts {
			if tr.Order() != n || seen[tr] {
				t.Errorf("order %d: tree %s repeated or wrong order", n, tr)
			}
			seen[tr] = true
			if i > 0 && Compare(ts[i-1], tr) >= 0 {
				t.Errorf("order %d: %s not after %s", n, tr, ts[i-1])
			}
			back, err := Parse(tr.String())
			if err != nil || back != tr {
				t.Errorf("Parse(%s) = %v, %v", tr, back, err)
			}
		}
	}
}

// Two classical identities fix σ and γ independently of their recursive
// definitions: Σ_{|t|=n} n!/σ(t) = n^(n−1) (Cayley: labelled rooted
// trees) and Σ_{|t|=n} n!/(σ(t)γ(t)) = (n−1)! (monotone labellings; HLW
// ch. III; Butcher 2016, ch. 3).
func TestSigmaGammaIdentities(t *testing.T) {
	fact := func(n int64) *big.Int { return new(big.Int).MulRange(1, n) }
	for n := 1; n <= 10; n++ {
		ts, _ := Trees(n)
		cay, mono := new(big.Rat), new(big.Rat)
		for _, tr := range ts {
			nf := new(big.Rat).SetInt(fact(int64(n)))
			cay.Add(cay, new(big.Rat).Quo(nf, new(big.Rat).SetInt64(tr.Sigma())))
			mono.Add(mono, new(big.Rat).Quo(nf, new(big.Rat).SetInt64(tr.Sigma()*tr.Gamma())))
		}
		wantC := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(int64(n)), big.NewInt(int64(n-1)), nil))
		wantM := new(big.Rat).SetInt(fact(int64(n - 1)))
		if n == 1 {
			wantM.SetInt64(1)
		}
		if cay.Cmp(wantC) != 0 || mono.Cmp(wantM) != 0 {
			t.Errorf("order %d: Σn!/σ = %v (want %v), Σn!/(σγ) = %v (want %v)", n, cay, wantC, mono, wantM)
		}
	}
	for _, c := range []struct {
		s            string
		sigma, gamma int64
	}{{"•", 1, 1}, {"[•]", 1, 2}, {"[•,•]", 2, 3}, {"[[•]]", 1, 6}, {"[•,•,•]", 6, 4},
		{"[[•],[•]]", 2, 20}, {"[[•,•],[•,•]]", 8, 63}} {
		tr := mustParse(t, c.s)
		if tr.Sigma() != c.sigma || tr.Gamma() != c.gamma {
			t.Errorf("%s: σ = %d γ = %d, want %d %d", c.s, tr.Sigma(), tr.Gamma(), c.sigma, c.gamma)
		}
	}
}

func TestParse(t *testing.T) {
	a := mustParse(t, "[[•],•]")
	if a.String() != "[•,[•]]" {
		t.Errorf("canonical order: got %s", a)
	}
	if b := mustParse(t, "[ o , [o] ]"); b != a {
		t.Errorf("aliases: got %s", b)
	}
	for _, bad := range []string{"", "[", "[]", "[•", "•,•", "x", "[•;•]", "••"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, err := Trees(0); err == nil {
		t.Error("Trees(0) accepted")
	}
	if _, err := Trees(MaxOrder + 1); err == nil {
		t.Error("Trees(MaxOrder+1) accepted")
	}
}

func euler(t *testing.T, n int) *Series {
	s, err := Method("euler", n)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The values HLW give for explicit Euler (ch. IX, the first examples).
func TestModifiedEuler(t *testing.T) {
	w, err := ModifiedField(euler(t, 9))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tree string
		want *big.Rat
	}{
		{"•", r(1, 1)}, {"[•]", r(-1, 2)}, {"[[•]]", r(1, 3)}, {"[•,•]", r(1, 6)},
		// The bea4 field of package modified: −¼H³g − (1/12)H D³E[g,g] −
		// (1/12)D³E[g,Hg] with F([[[•]]]) = H³g, F([[•,•]]) = H D³E[g,g]
		// (σ = 2), F([•,[•]]) = D³E[g,Hg], and no D⁴E[g,g,g] term.
		{"[[[•]]]", r(-1, 4)}, {"[[•,•]]", r(-1, 6)}, {"[•,[•]]", r(-1, 12)}, {"[•,•,•]", r(0, 1)},
	} {
		if got := w.Coef(mustParse(t, c.tree)); got.Cmp(c.want) != 0 {
			t.Errorf("ω(%s) = %v, want %v", c.tree, got.RatString(), c.want.RatString())
		}
	}
	// Chains carry the log series (−1)^(n−1)/n.
	chain := Leaf()
	for n := 1; n <= 9; n++ {
		want := r(1, int64(n))
		if n%2 == 0 {
			want.Neg(want)
		}
		if got := w.Coef(chain); got.Cmp(want) != 0 {
			t.Errorf("chain of %d: %v, want %v", n, got.RatString(), want.RatString())
		}
		chain = Bracket(chain)
	}
}

// The modified field is defined by Substitute(ω, exact flow) = method.
func TestModifiedRoundTrip(t *testing.T) {
	for _, name := range []string{"euler", "heun", "rk4", "dopri5", "bs3"} {
		s, err := Method(name, 7)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ModifiedField(s)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := ExactFlow(7)
		back, err := Substitute(w, e)
		if err != nil {
			t.Fatal(err)
		}
		tab, _ := ode.Lookup(name)
		for _, tr := range s.Trees() {
			if back.Coef(tr).Cmp(s.Coef(tr)) != 0 {
				t.Errorf("%s: (ω⋆e)(%s) = %v, want %v", name, tr, back.Coef(tr), s.Coef(tr))
			}
			// A method of order p has ω(t) = 0 for 2 ≤ |t| ≤ p.
			if o := tr.Order(); o >= 2 && o <= tab.Order && w.Coef(tr).Sign() != 0 {
				t.Errorf("%s (order %d): ω(%s) = %v ≠ 0", name, tab.Order, tr, w.Coef(tr))
			}
		}
		if w.Coef(Leaf()).Cmp(r(1, 1)) != 0 {
			t.Errorf("%s: ω(•) = %v", name, w.Coef(Leaf()))
		}
	}
	// The exact flow's modified field is f itself.
	e, _ := ExactFlow(8)
	w, _ := ModifiedField(e)
	f, _ := Field(8)
	for _, tr := range e.Trees() {
		if w.Coef(tr).Cmp(f.Coef(tr)) != 0 {
			t.Errorf("exact flow: ω(%s) = %v", tr, w.Coef(tr))
		}
	}
}

// Symmetric methods have modified equations in even powers of h only
// (HLW, ch. IX, on symmetric methods): ω(t) = 0 for every tree of even order. The
// implicit midpoint rule and the trapezoidal rule are symmetric; explicit
// Euler is not.
func TestSymmetricOddPowers(t *testing.T) {
	for _, m := range []struct {
		name string
		a    [][]*big.Rat
		b    []*big.Rat
	}{
		{"midpoint", [][]*big.Rat{{r(1, 2)}}, []*big.Rat{r(1, 1)}},
		{"trapezoid", [][]*big.Rat{{r(0, 1), r(0, 1)}, {r(1, 2), r(1, 2)}}, []*big.Rat{r(1, 2), r(1, 2)}},
	} {
		s, err := RK(m.a, m.b, 8)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := ModifiedField(s)
		nonzeroOdd := 0
		for _, tr := range w.Trees() {
			if tr.Order()%2 == 0 && w.Coef(tr).Sign() != 0 {
				t.Errorf("%s: ω(%s) = %v at even order", m.name, tr, w.Coef(tr))
			}
			if tr.Order() > 1 && tr.Order()%2 == 1 && w.Coef(tr).Sign() != 0 {
				nonzeroOdd++
			}
		}
		if nonzeroOdd == 0 {
			t.Errorf("%s: no odd-order term at all", m.name)
		}
	}
	w, _ := ModifiedField(euler(t, 4))
	if w.Coef(mustParse(t, "[•]")).Sign() == 0 {
		t.Error("Euler has an h term")
	}
}

// Composition: two exact-flow steps of h are one step of 2h, so
// (e·e)(t) = 2^|t|/γ(t); two Euler steps are the 2-stage method
// A = [[0,0],[1,0]], b = (1,1); composition is associative.
func TestCompose(t *testing.T) {
	const n = 8
	e, _ := ExactFlow(n)
	ee, err := Compose(e, e)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range e.Trees() {
		want := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), uint(tr.Order())), big.NewInt(tr.Gamma()))
		if ee.Coef(tr).Cmp(want) != 0 {
			t.Errorf("(e·e)(%s) = %v, want %v", tr, ee.Coef(tr), want)
		}
	}
	eu := euler(t, n)
	two, _ := Compose(eu, eu)
	ref, _ := RK([][]*big.Rat{{}, {r(1, 1)}}, []*big.Rat{r(1, 1), r(1, 1)}, n)
	rk4, _ := Method("rk4", n)
	left, _ := Compose(eu, rk4)
	left, _ = Compose(left, e)
	right, _ := Compose(rk4, e)
	right, _ = Compose(eu, right)
	for _, tr := range e.Trees() {
		if two.Coef(tr).Cmp(ref.Coef(tr)) != 0 {
			t.Errorf("Euler∘Euler at %s: %v, want %v", tr, two.Coef(tr), ref.Coef(tr))
		}
		if left.Coef(tr).Cmp(right.Coef(tr)) != 0 {
			t.Errorf("associativity at %s: %v vs %v", tr, left.Coef(tr), right.Coef(tr))
		}
	}
	if _, err := Compose(e, euler(t, 3)); err == nil {
		t.Error("orders 8 and 3 composed")
	}
	f, _ := Field(n)
	if _, err := Compose(f, e); err == nil {
		t.Error("Compose accepted a(∅) = 0")
	}
}

// Substitution: Field is the unit on both sides, and substitution is
// associative (Chartier, Hairer, Vilmart 2010).
func TestSubstitute(t *testing.T) {
	const n = 7
	f, _ := Field(n)
	w1, _ := ModifiedField(euler(t, n))
	rk, _ := Method("heun", n)
	w2, _ := ModifiedField(rk)
	e, _ := ExactFlow(n)
	l1, _ := Substitute(f, e)
	l2, _ := Substitute(w1, f)
	a1, _ := Substitute(w1, w2)
	a1, _ = Substitute(a1, e)
	a2, _ := Substitute(w2, e)
	a2, _ = Substitute(w1, a2)
	for _, tr := range e.Trees() {
		if l1.Coef(tr).Cmp(e.Coef(tr)) != 0 || l2.Coef(tr).Cmp(w1.Coef(tr)) != 0 {
			t.Errorf("unit fails at %s", tr)
		}
		if a1.Coef(tr).Cmp(a2.Coef(tr)) != 0 {
			t.Errorf("associativity at %s: %v vs %v", tr, a1.Coef(tr), a2.Coef(tr))
		}
	}
	if _, err := Substitute(e, e); err == nil {
		t.Error("Substitute accepted a(∅) = 1")
	}
}

// A user tableau (no exact coefficients) converts its float64s exactly.
func TestUserTableau(t *testing.T) {
	tab := &ode.Tableau{Name: "mine", Order: 2, C: []float64{0, 0.5}, A: [][]float64{{}, {0.5}}, B: []float64{0, 1}}
	s, err := FromTableau(tab, 5)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Method("midpoint", 5)
	for _, tr := range s.Trees() {
		if s.Coef(tr).Cmp(m.Coef(tr)) != 0 {
			t.Errorf("%s: %v vs %v", tr, s.Coef(tr), m.Coef(tr))
		}
	}
	if _, err := Method("nosuch", 3); err == nil {
		t.Error("unknown method accepted")
	}
}

// The modified field of GD to order 9 (issue 14) covers every rooted tree
// with at most 9 nodes: 486 of them, OEIS A000081 summed. Its speed is
// BenchmarkModifiedFieldOrder9 (tests never assert on time).
func TestOrderNineTrees(t *testing.T) {
	w, err := ModifiedField(euler(t, 9))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, c := range a000081[:10] {
		want += c
	}
	if got := len(w.Trees()); got != want || want != 486 {
		t.Errorf("%d trees, want %d", got, want)
	}
}

// BenchmarkModifiedFieldOrder9 times the enumeration of the trees and the
// modified field of GD to order 9 (issue 14 asked for ≤ 1 s).
func BenchmarkModifiedFieldOrder9(b *testing.B) {
	for b.Loop() {
		s, err := Method("euler", 9)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ModifiedField(s); err != nil {
			b.Fatal(err)
		}
	}
}

// A B-series integrator is symplectic exactly when its modified field is
// Hamiltonian, which for the coefficients means ω(u∘v) + ω(v∘u) = 0 for all
// trees u, v, with u∘v the Butcher product (v grafted onto the root of u)
// (HLW, chs. VI and IX; Chartier, Hairer, Vilmart 2010). The implicit midpoint rule is
// symplectic; explicit Euler and the trapezoidal rule are not.
func TestSymplecticCondition(t *testing.T) {
	const n = 8
	butcher := func(u, v *Tree) *Tree { return Bracket(append(u.Children(), v)...) }
	check := func(s *Series) (worst string) {
		w, err := ModifiedField(s)
		if err != nil {
			t.Fatal(err)
		}
		trees := w.Trees()
		for _, u := range trees {
			for _, v := range trees {
				if u.Order()+v.Order() > n {
					continue
				}
				sum := new(big.Rat).Add(w.Coef(butcher(u, v)), w.Coef(butcher(v, u)))
				if sum.Sign() != 0 {
					return u.String() + "∘" + v.String()
				}
			}
		}
		return ""
	}
	mid, _ := RK([][]*big.Rat{{r(1, 2)}}, []*big.Rat{r(1, 1)}, n)
	if bad := check(mid); bad != "" {
		t.Errorf("implicit midpoint fails the symplecticity condition at %s", bad)
	}
	trap, _ := RK([][]*big.Rat{{r(0, 1), r(0, 1)}, {r(1, 2), r(1, 2)}}, []*big.Rat{r(1, 2), r(1, 2)}, n)
	for name, s := range map[string]*Series{"euler": euler(t, n), "trapezoid": trap} {
		if check(s) == "" {
			t.Errorf("%s passes the symplecticity condition", name)
		}
	}
}
