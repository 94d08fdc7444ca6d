package main

import (
	"flag"
	"fmt"
	"math/big"
	"strings"
	"text/tabwriter"

	"github.com/pflow-go/pflow/bseries"
	"github.com/pflow-go/pflow/ode"
)

// maxBSeriesOrder caps -order: the modified field to order 10 (719 trees
// of order 10, 2^9 partitions each) takes about 2 s; every further order
// costs about five times more.
const maxBSeriesOrder = 10

func init() {
	register("bseries", command{
		summary:  "modified equation of a Runge–Kutta method (euler = GD) as exact B-series coefficients per rooted tree",
		synopsis: "-method M -order K [-format json|text]",
		define:   defineBSeries,
	})
}

// bseriesJSON is the `bseries -format json` contract of docs/design.md.
type bseriesJSON struct {
	Method string     `json:"method"`
	Order  int        `json:"order"`
	Trees  []treeJSON `json:"trees"`
}

// treeJSON is one tree: Butcher's bracket notation with •, its order,
// symmetry σ, density γ and the exact modified-equation coefficient ω(t)
// ("p/q"), so that the modified field is Σ h^(|t|−1) ω(t)/σ(t) F(t).
type treeJSON struct {
	Tree        string `json:"tree"`
	Order       int    `json:"order"`
	Sigma       int64  `json:"sigma"`
	Gamma       int64  `json:"gamma"`
	Coefficient string `json:"coefficient"`
}

func defineBSeries(fs *flag.FlagSet) func(c *cli) int {
	method := fs.String("method", "euler", "`M`: euler (= gd, gradient descent on f = −∇E) or an ode tableau with exact rational coefficients: "+
		strings.Join(ode.Names(), ", ")+" (for tableaus whose published coefficients meet the order conditions only approximately, as decimals or rounded surds, the coefficients are those of the published values, with a warning)")
	order := intFlag(fs, "order", fmt.Sprintf("highest tree order `K` listed, 1…%d (the modified field up to h^(K−1); K = q+1 for bea:q)", maxBSeriesOrder), 0, 1, maxBSeriesOrder)
	format := choiceFlag(fs, "format", "output format", "text", "text", "json")
	return func(c *cli) int {
		if *order == 0 {
			return c.fail("-order is required (1…%d)", maxBSeriesOrder)
		}
		name := strings.ToLower(*method)
		if _, lerr := ode.Lookup(name); lerr == nil {
			if err := exactTableau(name); err != nil {
				// Any tableau is accepted; the user is told what the numbers are.
				c.warn("%v: the coefficients printed are the exact rationals of the coefficients as published", err)
			}
		}
		s, err := bseries.Method(name, *order)
		if err != nil {
			return c.exitFor(err, bseries.ErrInvalidInput)
		}
		w, err := bseries.ModifiedField(s)
		if err != nil {
			return c.exitFor(err, bseries.ErrInvalidInput)
		}
		out := bseriesJSON{Method: name, Order: *order}
		for _, t := range w.Trees() {
			out.Trees = append(out.Trees, treeJSON{Tree: t.String(), Order: t.Order(), Sigma: t.Sigma(), Gamma: t.Gamma(),
				Coefficient: w.Coef(t).RatString()})
		}
		if *format == "json" {
			if err := writeJSON(c.stdout, out); err != nil {
				return c.exitFor(err)
			}
			return 0
		}
		fmt.Fprintf(c.stdout, "# modified equation of %s: f̃ = Σ_t h^(|t|−1) coefficient/σ(t) F(t) (Hairer–Lubich–Wanner ch. IX)\n", out.Method)
		tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "tree\torder\tsigma\tgamma\tcoefficient")
		for _, t := range out.Trees {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", t.Tree, t.Order, t.Sigma, t.Gamma, t.Coefficient)
		}
		if err := tw.Flush(); err != nil {
			return c.exitFor(err)
		}
		return 0
	}
}

// exactTableau reports an error for a tableau whose coefficients are not
// the exact rationals of the method: published decimals (DOP853, Tsit5,
// Vern7) or rational images of a + b√6 (Vern9) satisfy the order
// conditions only to 1e-28 … 1e-70, so their "exact" modified-equation
// coefficients would be long fractions next to the values that vanish for
// the true method. The test: a(t) = 1/γ(t) exactly for every tree up to
// the method's order.
func exactTableau(name string) error {
	if name == "euler" || name == "gd" {
		return nil
	}
	tab, err := ode.Lookup(name)
	if err != nil {
		return err
	}
	// Order by order, so that a failure shows early.
	for q := 1; q <= tab.Order; q++ {
		s, err := bseries.FromTableau(tab, q)
		if err != nil {
			return err
		}
		trees, err := bseries.Trees(q)
		if err != nil {
			return err
		}
		for _, t := range trees {
			if s.Coef(t).Cmp(big.NewRat(1, t.Gamma())) != 0 {
				return fmt.Errorf("method %s: its coefficients (published decimals or rounded surds) satisfy the order condition of tree %s only approximately, so it has no exact rational B-series (the long fractions stand where the method's true coefficients are simple)", name, t)
			}
		}
	}
	return nil
}
