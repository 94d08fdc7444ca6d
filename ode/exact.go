package ode

import "math/big"

// Exact returns deep copies of the tableau's coefficients as exact
// rationals: a[i] holds row i of A (len(a[i]) == i, the method is
// explicit), b the weights and c the nodes. Built-in tableaus carry their
// coefficients as the rationals they were transcribed from (decimal
// literals read exactly as written; for Vern9, a + b√6 with √6 rounded to
// 200 bits). ok is false for user-built tableaus, which have only the
// float64 coefficients.
func (t *Tableau) Exact() (a [][]*big.Rat, b, c []*big.Rat, ok bool) {
	var x *exactTableau
	if t != nil {
		x = t.exact() // parsed on the first call
	}
	if x == nil {
		return nil, nil, nil, false
	}
	cp := func(v []*big.Rat) []*big.Rat {
		out := make([]*big.Rat, len(v))
		for i, r := range v {
			out[i] = new(big.Rat)
			if r != nil {
				out[i].Set(r)
			}
		}
		return out
	}
	a = make([][]*big.Rat, len(x.a))
	for i, row := range x.a {
		a[i] = cp(row)
	}
	return a, cp(x.b), cp(x.c), true
}
