package bseries

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/pflow-go/pflow"
	"slices"
	"strings"
	"sync"
)

// ErrInvalidInput reports an unusable argument: an order out of range, a
// malformed tree string, a series with the wrong constant term.
var ErrInvalidInput = pflow.Sentinel("bseries: invalid input", pflow.ErrInvalidInput)

// MaxOrder is the highest tree order Trees and UpTo enumerate (32 973
// trees of order 14; the counts grow about threefold per order).
const MaxOrder = 14

// Node is the symbol for a single vertex in the bracket notation.
const Node = "•"

// Tree is a rooted tree (unlabelled, unordered) in canonical form. Trees
// are interned: two *Tree with the same shape are the same pointer, so ==
// compares shapes. The zero value is not a tree; build trees with Leaf,
// Bracket, Parse, Trees or UpTo.
//
// # Canonical form and notation
//
// A tree is written in Butcher's bracket notation: • is the single node and
// [t1,…,tm] is a root whose children are the subtrees t1,…,tm (Butcher,
// Numerical Methods for Ordinary Differential Equations, 3rd ed., 2016,
// ch. 3; Hairer, Lubich, Wanner, Geometric Numerical Integration, 2nd
// ed., Sec. III.1). Children are listed in ascending canonical order:
// t < u when |t| < |u|, and for equal orders when the (canonically ordered)
// children of t are lexicographically smaller than those of u, a shorter
// prefix first. So the trees of order 3 and 4 are
//
//	[•,•] < [[•]]
//	[•,•,•] < [•,[•]] < [[•,•]] < [[[•]]]
//
// and Trees lists every order in this order.
type Tree struct {
	kids  []*Tree
	order int
	str   string
	index int // position in the global enumeration, -1 beyond MaxOrder
	sigma int64
	gamma int64
}

var (
	mu       sync.Mutex
	interned = map[string]*Tree{}
	all      []*Tree // every tree up to enumerated, sorted canonically
	firstOf  = []int{0, 0}
	enumTo   = 0
)

// Leaf returns the single-node tree •.
func Leaf() *Tree { return Bracket() }

// Bracket returns the tree [t1,…,tm]: a new root with the given subtrees
// as children (in any order; they are sorted canonically). Bracket() is •.
func Bracket(children ...*Tree) *Tree {
	kids := slices.Clone(children)
	slices.SortFunc(kids, Compare)
	mu.Lock()
	defer mu.Unlock()
	return internLocked(kids)
}

func internLocked(kids []*Tree) *Tree {
	var key string
	if len(kids) == 0 {
		key = Node
	} else {
		var sb strings.Builder
		sb.WriteByte('[')
		for i, k := range kids {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(k.str)
		}
		sb.WriteByte(']')
		key = sb.String()
	}
	if t, ok := interned[key]; ok {
		return t
	}
	t := &Tree{kids: kids, order: 1, str: key, index: -1, sigma: 1, gamma: 1}
	for i, k := range kids {
		t.order += k.order
		t.sigma *= k.sigma
		t.gamma *= k.gamma
		// multiplicity factor m! accumulated one run at a time
		if i > 0 && kids[i-1] == k {
			run := 1
			for j := i - 1; j >= 0 && kids[j] == k; j-- {
				run++
			}
			t.sigma *= int64(run)
		}
	}
	t.gamma *= int64(t.order)
	interned[key] = t
	return t
}

// Compare orders trees canonically (see Tree): −1, 0 or +1.
func Compare(a, b *Tree) int {
	if a == b {
		return 0
	}
	if c := cmp.Compare(a.order, b.order); c != 0 {
		return c
	}
	for i := 0; i < len(a.kids) && i < len(b.kids); i++ {
		if c := Compare(a.kids[i], b.kids[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.kids), len(b.kids))
}

// Order returns the number of nodes |t|.
func (t *Tree) Order() int { return t.order }

// Children returns the subtrees of the root in canonical order (a fresh
// slice).
func (t *Tree) Children() []*Tree { return slices.Clone(t.kids) }

// NumChildren returns the number of children of the root.
func (t *Tree) NumChildren() int { return len(t.kids) }

// Child returns the i-th child of the root in canonical order.
func (t *Tree) Child(i int) *Tree { return t.kids[i] }

// String returns the bracket notation, e.g. "[•,[•]]".
func (t *Tree) String() string { return t.str }

// Sigma returns the symmetry σ(t), the order of the automorphism group:
// σ(•) = 1 and σ([t1^m1,…,tk^mk]) = Π m_i! σ(t_i)^m_i for distinct t_i
// (HLW, ch. III). It is exact for |t| ≤ 20.
func (t *Tree) Sigma() int64 { return t.sigma }

// Gamma returns the density γ(t): γ(•) = 1, γ([t1,…,tm]) = |t| Π γ(t_i)
// (HLW, ch. III; the exact flow has B-series coefficients 1/γ(t)). It
// is exact for |t| ≤ 20.
func (t *Tree) Gamma() int64 { return t.gamma }

// Index returns the position of t in UpTo(MaxOrder) (so UpTo(n)[t.Index()]
// == t for |t| ≤ n), or −1 for a tree of order above MaxOrder.
func (t *Tree) Index() int {
	if t.order <= MaxOrder {
		ensure(t.order)
	}
	return t.index
}

// ensure enumerates the trees up to order n (n ≤ MaxOrder).
func ensure(n int) {
	mu.Lock()
	defer mu.Unlock()
	for enumTo < n {
		m := enumTo + 1
		var fresh []*Tree
		var kids []*Tree
		// choose children as a non-decreasing sequence of indices into all
		// whose orders sum to m−1.
		var rec func(rem, from int)
		rec = func(rem, from int) {
			if rem == 0 {
				fresh = append(fresh, internLocked(slices.Clone(kids)))
				return
			}
			for i := from; i < len(all) && all[i].order <= rem; i++ {
				kids = append(kids, all[i])
				rec(rem-all[i].order, i)
				kids = kids[:len(kids)-1]
			}
		}
		rec(m-1, 0)
		slices.SortFunc(fresh, Compare)
		for _, t := range fresh {
			t.index = len(all)
			all = append(all, t)
		}
		enumTo = m
		firstOf = append(firstOf, len(all))
	}
}

// Trees returns the rooted trees of order n (1 ≤ n ≤ MaxOrder) in
// canonical order: 1, 1, 2, 4, 9, 20, 48, 115, 286, … of them (OEIS
// A000081). The slice is fresh; the trees are shared.
func Trees(n int) ([]*Tree, error) {
	if n < 1 || n > MaxOrder {
		return nil, fmt.Errorf("%w: tree order %d not in [1, %d]", ErrInvalidInput, n, MaxOrder)
	}
	ensure(n)
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(all[firstOf[n]:firstOf[n+1]]), nil
}

// UpTo returns every rooted tree of order 1…n (0 ≤ n ≤ MaxOrder), by order
// and canonically within an order, so that UpTo(n)[t.Index()] == t.
func UpTo(n int) ([]*Tree, error) {
	if n < 0 || n > MaxOrder {
		return nil, fmt.Errorf("%w: tree order %d not in [0, %d]", ErrInvalidInput, n, MaxOrder)
	}
	ensure(n)
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(all[:firstOf[n+1]]), nil
}

// Parse reads a tree in bracket notation: "•" (or "o") for a node and
// "[t1,…,tm]" for a root with children; spaces are ignored and children
// may come in any order. It returns an error wrapping ErrInvalidInput for
// anything else.
func Parse(s string) (*Tree, error) {
	src := strings.NewReplacer(" ", "", "\t", "", "o", Node).Replace(s)
	t, rest, err := parseTree(src)
	if err != nil {
		return nil, fmt.Errorf("%w: tree %q: %v", ErrInvalidInput, s, err)
	}
	if rest != "" {
		return nil, fmt.Errorf("%w: tree %q: trailing %q", ErrInvalidInput, s, rest)
	}
	return t, nil
}

func parseTree(s string) (*Tree, string, error) {
	if rest, ok := strings.CutPrefix(s, Node); ok {
		return Leaf(), rest, nil
	}
	if !strings.HasPrefix(s, "[") {
		return nil, "", fmt.Errorf("expected %s or [ at %q", Node, s)
	}
	s = s[1:]
	var kids []*Tree
	for {
		k, rest, err := parseTree(s)
		if err != nil {
			return nil, "", err
		}
		kids = append(kids, k)
		if len(kids) > 4*MaxOrder {
			return nil, "", errors.New("tree too large")
		}
		switch {
		case strings.HasPrefix(rest, ","):
			s = rest[1:]
		case strings.HasPrefix(rest, "]"):
			return Bracket(kids...), rest[1:], nil
		default:
			return nil, "", fmt.Errorf("expected , or ] at %q", rest)
		}
	}
}

// labelled is a concrete copy of a tree: nodes 0…n−1 in preorder with
// parent[0] = −1; edge j (j ≥ 1) joins node j to parent[j].
type labelled struct {
	parent []int
	kids   [][]int
}

func label(t *Tree) *labelled {
	l := &labelled{}
	var walk func(t *Tree, p int)
	walk = func(t *Tree, p int) {
		id := len(l.parent)
		l.parent = append(l.parent, p)
		l.kids = append(l.kids, nil)
		if p >= 0 {
			l.kids[p] = append(l.kids[p], id)
		}
		for _, k := range t.kids {
			walk(k, id)
		}
	}
	walk(t, -1)
	return l
}

// build returns the canonical tree spanned from node v by the edges kept
// (keep(j) for edge j).
func (l *labelled) build(v int, keep func(j int) bool) *Tree {
	var kids []*Tree
	for _, c := range l.kids[v] {
		if keep(c) {
			kids = append(kids, l.build(c, keep))
		}
	}
	return Bracket(kids...)
}
