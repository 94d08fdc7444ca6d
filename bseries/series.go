package bseries

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sync"

	"github.com/pflow-go/pflow/ode"
)

// Series is a B-series truncated after the trees of order Order():
//
//	B(a, y) = a(∅) y + Σ_{|t| ≤ Order} h^|t| / σ(t) · a(t) · F(t)(y),
//
// with exact rational coefficients, in the normalisation of Hairer, Lubich
// and Wanner (Geometric Numerical Integration, 2nd ed., ch. III) and
// of Chartier, Hairer and Vilmart (Found. Comput. Math. 10 (2010) 407–427).
// F(t) is the elementary differential: F(•) = f, F([t1,…,tm]) =
// f^(m)(F(t1),…,F(tm)). A Series is immutable; its methods return copies.
type Series struct {
	order int
	empty *big.Rat
	c     []*big.Rat // indexed by Tree.Index
}

// NewSeries builds the series with constant term empty (a(∅)) and a(t) =
// coef(t) for every tree of order 1…order; coef may return nil for 0.
func NewSeries(order int, empty *big.Rat, coef func(t *Tree) *big.Rat) (*Series, error) {
	trees, err := UpTo(order)
	if err != nil {
		return nil, err
	}
	s := &Series{order: order, empty: ratCopy(empty), c: make([]*big.Rat, len(trees))}
	for i, t := range trees {
		s.c[i] = ratCopy(coef(t))
	}
	return s, nil
}

func ratCopy(r *big.Rat) *big.Rat {
	if r == nil {
		return new(big.Rat)
	}
	return new(big.Rat).Set(r)
}

// Order returns the highest tree order the series holds.
func (s *Series) Order() int { return s.order }

// Empty returns a copy of the constant term a(∅).
func (s *Series) Empty() *big.Rat { return ratCopy(s.empty) }

// Coef returns a copy of a(t); it panics if |t| > Order() (a programmer
// error).
func (s *Series) Coef(t *Tree) *big.Rat { return ratCopy(s.at(t)) }

func (s *Series) at(t *Tree) *big.Rat {
	if t.order > s.order {
		panic(fmt.Sprintf("bseries: tree %s beyond the series order %d", t, s.order))
	}
	return s.c[t.Index()]
}

// Trees returns the trees the series holds, in canonical order.
func (s *Series) Trees() []*Tree {
	t, _ := UpTo(s.order)
	return t
}

// ExactFlow returns the B-series of the exact flow φ_h: a(∅) = 1,
// a(t) = 1/γ(t) (HLW, ch. III).
func ExactFlow(order int) (*Series, error) {
	return NewSeries(order, big.NewRat(1, 1), func(t *Tree) *big.Rat { return big.NewRat(1, t.gamma) })
}

// Field returns the B-series of the vector field itself, h f: a(•) = 1 and
// 0 elsewhere (a(∅) = 0). It is the unit of Substitute.
func Field(order int) (*Series, error) {
	return NewSeries(order, nil, func(t *Tree) *big.Rat {
		if t.order == 1 {
			return big.NewRat(1, 1)
		}
		return nil
	})
}

// RK returns the B-series of the Runge–Kutta method with s×s matrix A (row
// i may be shorter than s: missing entries are zeros, so the triangular
// rows of an explicit tableau are accepted) and weights b: a(∅) = 1 and
// a(t) = Φ(t) = Σ_i b_i Φ_i(t), the elementary weight, with Φ_i(•) = 1 and
// Φ_i([t1,…,tm]) = Π_j Σ_k a_ik Φ_k(t_j) (HLW, ch. III; Butcher
// 2016, ch. 3). Implicit methods are allowed.
func RK(a [][]*big.Rat, b []*big.Rat, order int) (*Series, error) {
	st := len(b)
	if st == 0 || len(a) != st {
		return nil, fmt.Errorf("%w: Runge–Kutta method with %d weights and %d rows", ErrInvalidInput, st, len(a))
	}
	for i, row := range a {
		if len(row) > st {
			return nil, fmt.Errorf("%w: row %d of A has %d entries, want ≤ %d", ErrInvalidInput, i, len(row), st)
		}
	}
	trees, err := UpTo(order)
	if err != nil {
		return nil, err
	}
	// stage[t.Index()][i] = Φ_i(t); aphi = A·Φ(t).
	aphi := make([][]*big.Rat, len(trees))
	s := &Series{order: order, empty: big.NewRat(1, 1), c: make([]*big.Rat, len(trees))}
	for ti, t := range trees {
		phi := make([]*big.Rat, st)
		for i := range phi {
			phi[i] = big.NewRat(1, 1)
			for _, k := range t.kids {
				phi[i].Mul(phi[i], aphi[k.index][i])
			}
		}
		w := new(big.Rat)
		tmp := new(big.Rat)
		for i := range st {
			if b[i] != nil {
				w.Add(w, tmp.Mul(b[i], phi[i]))
			}
		}
		s.c[ti] = w
		ap := make([]*big.Rat, st)
		for i := range st {
			ap[i] = new(big.Rat)
			for k, aik := range a[i] {
				if aik != nil {
					ap[i].Add(ap[i], tmp.Mul(aik, phi[k]))
				}
			}
		}
		aphi[ti] = ap
	}
	return s, nil
}

// FromTableau returns the B-series of an ode tableau (RK). Built-in
// tableaus use their exact rational coefficients (ode.Tableau.Exact);
// user tableaus have their float64 coefficients converted exactly
// (big.Rat.SetFloat64), so the series is that of the method as it runs.
func FromTableau(tab *ode.Tableau, order int) (*Series, error) {
	if tab == nil {
		return nil, fmt.Errorf("%w: nil tableau", ErrInvalidInput)
	}
	a, b, _, ok := tab.Exact()
	if !ok {
		conv := func(v []float64) ([]*big.Rat, error) {
			out := make([]*big.Rat, len(v))
			for i, x := range v {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("%w: tableau %q has a non-finite coefficient", ErrInvalidInput, tab.Name)
				}
				out[i] = new(big.Rat).SetFloat64(x)
			}
			return out, nil
		}
		var err error
		if b, err = conv(tab.B); err != nil {
			return nil, err
		}
		a = make([][]*big.Rat, len(tab.A))
		for i, row := range tab.A {
			if a[i], err = conv(row); err != nil {
				return nil, err
			}
		}
	}
	return RK(a, b, order)
}

// Method returns the B-series of a named method: "euler" or "gd" (explicit
// Euler, which is gradient descent on f = −∇E) or any name ode.Lookup
// knows.
func Method(name string, order int) (*Series, error) {
	if name == "gd" {
		name = "euler"
	}
	tab, err := ode.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	return FromTableau(tab, order)
}

func sameOrder(a, b *Series) error {
	if a == nil || b == nil {
		return fmt.Errorf("%w: nil series", ErrInvalidInput)
	}
	if a.order != b.order {
		return fmt.Errorf("%w: series of orders %d and %d", ErrInvalidInput, a.order, b.order)
	}
	return nil
}

// Compose returns the series c of the composition B(b, B(a, y)) =
// B(c, y): first the map of a, then the map of b (HLW, ch. III;
// the Butcher group product). It needs a(∅) = 1. With the σ-normalisation
// of Series,
//
//	c(t) = b(∅) a(t) + Σ_{u} b(u) Π_{τ ∈ t∖u} a(τ),
//
// the sum running over the subtrees u of t that contain the root (every
// node of a concrete copy of t is distinct) and t∖u being the forest left
// when u is removed (Connes and Kreimer's admissible cuts).
func Compose(a, b *Series) (*Series, error) {
	if err := sameOrder(a, b); err != nil {
		return nil, err
	}
	if a.empty.Cmp(big.NewRat(1, 1)) != 0 {
		return nil, fmt.Errorf("%w: Compose needs a(∅) = 1, got %v", ErrInvalidInput, a.empty.RatString())
	}
	trees := a.Trees()
	c := &Series{order: a.order, empty: ratCopy(b.empty), c: make([]*big.Rat, len(trees))}
	tmp := new(big.Rat)
	for ti, t := range trees {
		sum := new(big.Rat).Mul(b.empty, a.c[ti])
		l := label(t)
		n := t.order
		for mask := 0; mask < 1<<(n-1); mask++ {
			cut := func(j int) bool { return mask>>(j-1)&1 == 1 }
			ok := true
			for j := 1; j < n && ok; j++ {
				if cut(j) {
					for p := l.parent[j]; p > 0; p = l.parent[p] {
						if cut(p) {
							ok = false
							break
						}
					}
				}
			}
			if !ok {
				continue
			}
			tmp.Set(b.at(l.build(0, func(j int) bool { return !cut(j) })))
			for j := 1; j < n && tmp.Sign() != 0; j++ {
				if cut(j) {
					tmp.Mul(tmp, a.at(l.build(j, func(int) bool { return true })))
				}
			}
			sum.Add(sum, tmp)
		}
		c.c[ti] = sum
	}
	return c, nil
}

// partitions calls fn for every partition of t into subtrees (every subset
// of its edges cut), with the skeleton (each piece contracted to a node,
// the cut edges kept) and the pieces.
func partitions(t *Tree, fn func(skeleton *Tree, pieces []*Tree)) {
	l := label(t)
	n := t.order
	pieces := make([]*Tree, 0, n)
	for mask := 0; mask < 1<<(n-1); mask++ {
		cut := func(j int) bool { return j > 0 && mask>>(j-1)&1 == 1 }
		pieces = pieces[:0]
		for v := range n {
			if v == 0 || cut(v) {
				pieces = append(pieces, l.build(v, func(j int) bool { return !cut(j) }))
			}
		}
		// skeleton: the tree of piece roots, an edge per cut edge.
		var sk func(v int) *Tree
		sk = func(v int) *Tree {
			var kids []*Tree
			var walk func(u int)
			walk = func(u int) {
				for _, c := range l.kids[u] {
					if cut(c) {
						kids = append(kids, sk(c))
					} else {
						walk(c)
					}
				}
			}
			walk(v)
			return Bracket(kids...)
		}
		fn(sk(0), pieces)
	}
}

// Substitute returns the substitution a ⋆ b of Chartier, Hairer and
// Vilmart (2010): if the vector field f in
// the B-series B_f(b) is replaced by the modified field h⁻¹B_f(a), the
// result is B_f(a ⋆ b),
//
//	(a ⋆ b)(∅) = b(∅),   (a ⋆ b)(t) = Σ_{p ∈ P(t)} b(χ_p(t)) Π_{τ ∈ p} a(τ),
//
// where P(t) is the set of partitions of t into subtrees obtained by
// cutting any subset of its edges, and the skeleton χ_p(t) contracts each
// piece to one node. It needs a(∅) = 0. Field(n) is its left unit:
// Substitute(Field(n), b) = b.
func Substitute(a, b *Series) (*Series, error) {
	if err := sameOrder(a, b); err != nil {
		return nil, err
	}
	if a.empty.Sign() != 0 {
		return nil, fmt.Errorf("%w: Substitute needs a(∅) = 0, got %v", ErrInvalidInput, a.empty.RatString())
	}
	trees := a.Trees()
	c := &Series{order: a.order, empty: ratCopy(b.empty), c: make([]*big.Rat, len(trees))}
	tmp := new(big.Rat)
	for ti, t := range trees {
		sum := new(big.Rat)
		partitions(t, func(sk *Tree, pieces []*Tree) {
			tmp.Set(b.at(sk))
			for _, p := range pieces {
				if tmp.Sign() == 0 {
					return
				}
				tmp.Mul(tmp, a.at(p))
			}
			sum.Add(sum, tmp)
		})
		c.c[ti] = sum
	}
	return c, nil
}

// ModifiedField returns the coefficients ω of the modified equation of the
// B-series integrator s (backward error analysis, HLW ch. IX, the
// modified equation in terms of trees; Chartier, Hairer and Vilmart 2010): the exact
// flow of
//
//	ỹ' = f̃(ỹ) = Σ_{|t| ≤ Order} h^(|t|−1) ω(t)/σ(t) · F(t)(ỹ)
//
// agrees with one step of the method to O(h^(Order+1)); equivalently
// Substitute(ω, ExactFlow) = s, which ω solves order by order (ω(∅) = 0).
// For explicit Euler (gradient descent on f = −∇E) ω(•) = 1, ω([•]) =
// −1/2, ω([[•]]) = 1/3, ω([•,•]) = 1/6 and the chain of n nodes carries
// (−1)^(n−1)/n. It needs s(∅) = 1.
func ModifiedField(s *Series) (*Series, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil series", ErrInvalidInput)
	}
	if s.empty.Cmp(big.NewRat(1, 1)) != 0 {
		return nil, fmt.Errorf("%w: ModifiedField needs a(∅) = 1, got %v", ErrInvalidInput, s.empty.RatString())
	}
	trees := s.Trees()
	w := &Series{order: s.order, empty: new(big.Rat), c: make([]*big.Rat, len(trees))}
	tmp := new(big.Rat)
	for ti, t := range trees {
		// s(t) = ω(t) + Σ_{p nontrivial} 1/γ(χ_p) Π ω(τ): the trivial
		// partition (no cut) is the only one holding t itself. Partitions
		// with the same skeleton density and pieces are counted first.
		sum := new(big.Rat)
		for _, g := range partitionClasses(t) {
			tmp.SetFrac64(g.count, g.gamma)
			for _, p := range g.pieces {
				if tmp.Sign() == 0 {
					break
				}
				tmp.Mul(tmp, w.c[p])
			}
			sum.Add(sum, tmp)
		}
		w.c[ti] = sum.Sub(s.c[ti], sum)
	}
	return w, nil
}

// partClass is a class of nontrivial partitions of a tree with the same
// skeleton density γ(χ_p) and the same pieces (indices, sorted).
type partClass struct {
	gamma  int64
	count  int64
	pieces []int32
}

// partitionClasses groups the nontrivial partitions of t (at least one
// edge cut) by skeleton density and pieces, without building skeletons:
// γ(χ_p) is the product over pieces of the number of pieces in the
// skeleton subtree below it, and each piece is identified by its index,
// built bottom-up from its kept children.
func partitionClasses(t *Tree) []partClass {
	l := label(t)
	n := t.order
	keyOf := childIndexMap()
	idx := make([]int32, n)     // index of the piece tree below v (kept edges)
	below := make([]int64, n)   // pieces in the skeleton subtree of v's piece, accumulated
	classes := map[string]int{} // key → position in out
	var out []partClass
	var kids []int32
	key := make([]byte, 0, 64)
	for mask := 1; mask < 1<<(n-1); mask++ {
		cut := func(j int) bool { return j > 0 && mask>>(j-1)&1 == 1 }
		gamma := int64(1)
		var pieces []int32
		for v := n - 1; v >= 0; v-- {
			kids = kids[:0]
			cnt := int64(0)
			for _, c := range l.kids[v] {
				if cut(c) {
					cnt += below[c]
				} else {
					kids = append(kids, idx[c])
					cnt += below[c]
				}
			}
			slices.Sort(kids)
			idx[v] = keyOf(kids)
			if v == 0 || cut(v) {
				// v roots a piece: its skeleton subtree has cnt + 1 pieces.
				below[v] = cnt + 1
				gamma *= cnt + 1
				pieces = append(pieces, idx[v])
			} else {
				below[v] = cnt
			}
		}
		slices.Sort(pieces)
		key = key[:0]
		key = binary.LittleEndian.AppendUint64(key, uint64(gamma))
		for _, p := range pieces {
			key = binary.LittleEndian.AppendUint32(key, uint32(p))
		}
		if i, ok := classes[string(key)]; ok {
			out[i].count++
			continue
		}
		classes[string(key)] = len(out)
		out = append(out, partClass{gamma: gamma, count: 1, pieces: pieces})
	}
	return out
}

var (
	childMapMu sync.Mutex
	childMaps  = map[int]map[string]int32{} // by enumerated order; immutable once built
)

// childIndexMap returns a function from the sorted child indices of a
// tree to its index (for trees up to the enumerated order).
func childIndexMap() func(kids []int32) int32 {
	n := enumerated()
	childMapMu.Lock()
	m, ok := childMaps[n]
	if !ok {
		all, _ := UpTo(n)
		m = make(map[string]int32, len(all))
		for _, t := range all {
			m[string(childKey(nil, t))] = int32(t.index)
		}
		childMaps[n] = m
	}
	childMapMu.Unlock()
	var buf []byte
	return func(kids []int32) int32 {
		buf = buf[:0]
		for _, k := range kids {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(k))
		}
		i, ok := m[string(buf)]
		if !ok {
			panic("bseries: piece beyond the enumerated trees")
		}
		return i
	}
}

func childKey(buf []byte, t *Tree) []byte {
	for _, k := range t.kids {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(k.index))
	}
	return buf
}

func enumerated() int {
	mu.Lock()
	defer mu.Unlock()
	return enumTo
}
