package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pflow-go/pflow/internal/benchprob"
	"github.com/pflow-go/pflow/ode"
)

func init() {
	register("bench", command{
		summary:  "benchmark the ODE solvers on the problems of docs/benchmarks.md (CSV or JSON)",
		synopsis: "[-problem P] [-method M] [-rtol R -atol A | -steps N] [-h0 H] [-format csv|json] [-reps K]",
		define:   defineBench,
	})
}

// Budgets of one bench row: adaptive solves stop with ode.ErrMaxSteps
// after benchMaxSteps steps; fixed-step rows may take at most
// benchMaxWork = N·periods·dimension (a few flops each, so about a minute
// on the slowest problem) and benchMaxFixed steps.
const (
	benchMaxSteps = 10_000_000
	benchMaxFixed = 100_000_000
	benchMaxWork  = 1e10
)

var (
	benchDefaultMethods = []string{"dopri5", "tsit5", "dop853", "vern7"}
	benchDefaultTols    = []float64{1e-6, 1e-9, 1e-12}
)

// benchSettings are the per-row solver settings.
type benchSettings struct {
	rtol, atol, h0 float64
	steps          int // fixed steps per period; 0 = adaptive
}

// benchRow is one output row (docs/benchmarks.md); RTol and ATol are nil
// (NA) on fixed-step rows.
type benchRow struct {
	Problem string   `json:"problem"`
	Solver  string   `json:"solver"`
	RTol    *float64 `json:"rtol"`
	ATol    *float64 `json:"atol"`
	NFev    int      `json:"nfev"`
	Error   jsonNum  `json:"error"`
	Seconds float64  `json:"seconds"`
}

// benchCase is a problem ready to solve: dim and periods for the work
// budget, solve for one timed run.
type benchCase struct {
	dim, periods int
	solve        func(m *ode.Tableau, b benchSettings) (nfev int, e float64, err error)
}

func newBenchCase(e benchprob.Entry) benchCase {
	if e.Real != nil {
		p := e.Real()
		return benchCase{len(p.Y0), p.Periods, func(m *ode.Tableau, b benchSettings) (int, float64, error) { return solveBench(p, m, b) }}
	}
	p := e.Complex()
	return benchCase{len(p.Y0), p.Periods, func(m *ode.Tableau, b benchSettings) (int, float64, error) { return solveBench(p, m, b) }}
}

// solveBench integrates p with method m and returns nfev and p's error
// measure (NaN with the error when the solve fails).
func solveBench[T float64 | complex128](p *benchprob.Problem[T], m *ode.Tableau, b benchSettings) (int, float64, error) {
	s := &ode.Settings[T]{RTol: b.rtol, ATol: b.atol, H0: b.h0, MaxSteps: benchMaxSteps}
	if b.steps > 0 {
		s = &ode.Settings[T]{Steps: b.steps * p.Periods, MaxSteps: benchMaxFixed}
	}
	s.TEval = []float64{p.T1}
	if p.Samples == 0 {
		sol, err := ode.Solve(p.F, 0, p.T1, p.Y0, m, s)
		if err != nil {
			return sol.Stats.NFev, math.NaN(), err
		}
		return sol.Stats.NFev, p.Error(sol.Y[len(sol.Y)-1]), nil
	}
	it, err := ode.NewIntegrator(p.F, 0, p.T1, p.Y0, m, s)
	if err != nil {
		return 0, math.NaN(), err
	}
	y := make([]T, len(p.Y0))
	k, e := 1, 0.0
	for it.Step() {
		for ; k <= p.Samples && p.SampleTime(k) <= it.T(); k++ {
			it.Interpolate(y, p.SampleTime(k))
			e = math.Max(e, p.Sample(y))
		}
	}
	if err := it.Err(); err != nil {
		return it.Stats().NFev, math.NaN(), err
	}
	return it.Stats().NFev, e, nil
}

func defineBench(fs *flag.FlagSet) func(c *cli) int {
	problem := fs.String("problem", "all", "problem name, comma-separated list or all: "+strings.Join(benchprob.Names(), ", "))
	method := fs.String("method", "all", "method name, comma-separated list or all (all: "+strings.Join(benchDefaultMethods, ", ")+"; with -steps every built-in method)")
	rtol := positiveFlag(fs, "rtol", "relative tolerance `R` ≥ 100·eps (default: the sweep 1e-6,1e-9,1e-12 with atol = rtol)", minRTol)
	atol := positiveFlag(fs, "atol", "absolute tolerance `A` (default: rtol)", 0)
	steps := intFlag(fs, "steps", "fixed-step rows with `N` steps (per period for kepler); rtol/atol print NA (default: adaptive rows)", 0, 1, benchMaxFixed)
	h0 := positiveFlag(fs, "h0", "initial step size `H` (default: Hairer's algorithm)", 0)
	format := choiceFlag(fs, "format", "output format", "csv", "csv", "json")
	reps := intFlag(fs, "reps", "solves per row `K`; seconds is their median", 5, 1, 1000)
	return func(c *cli) int {
		if *steps > 0 && (*rtol > 0 || *atol > 0) {
			return c.fail("-steps cannot be combined with -rtol/-atol")
		}
		entries := benchprob.Entries()
		selP, err := parseNames(*problem, benchprob.Names(), "problem")
		if err != nil {
			return c.fail("%v", err)
		}
		selM, err := benchMethods(*method, *steps > 0)
		if err != nil {
			return c.fail("%v", err)
		}
		var tols [][2]float64
		switch {
		case *steps > 0:
			tols = [][2]float64{{0, 0}}
		case *rtol > 0 || *atol > 0:
			r, a := *rtol, *atol
			if r == 0 {
				r = a
			}
			if a == 0 {
				a = r
			}
			if r < minRTol {
				return c.fail("-rtol %g (from -atol) is below 100·eps", r)
			}
			tols = [][2]float64{{r, a}}
		default:
			for _, t := range benchDefaultTols {
				tols = append(tols, [2]float64{t, t})
			}
		}
		cases := map[string]benchCase{}
		for _, e := range entries {
			if slices.Contains(selP, e.Name) {
				bc := newBenchCase(e)
				if w := float64(*steps) * float64(bc.periods) * float64(bc.dim); w > benchMaxWork {
					return c.fail("-steps %d on %s is %.2g steps×dimension, above the budget %.0g: use fewer steps", *steps, e.Name, w, benchMaxWork)
				}
				cases[e.Name] = bc
			}
		}
		total := len(selP) * len(selM) * len(tols)
		var rows []benchRow
		for _, pn := range selP {
			bc := cases[pn]
			for _, mn := range selM {
				m, _ := ode.Lookup(mn)
				for _, tl := range tols {
					label := fmt.Sprintf("%s %s %s", pn, mn, tolText(tl[0], *steps))
					if total > 4 {
						fmt.Fprintf(c.stderr, "bench [%d/%d] %s\n", len(rows)+1, total, label)
					}
					row, code := benchOne(c, bc, m, benchSettings{rtol: tl[0], atol: tl[1], h0: *h0, steps: *steps}, *reps, label)
					if code != 0 {
						return code
					}
					row.Problem, row.Solver = pn, mn
					if *steps > 0 {
						row.Solver = fmt.Sprintf("%s.N=%d", mn, *steps)
					} else {
						row.RTol, row.ATol = &tl[0], &tl[1]
					}
					rows = append(rows, row)
				}
			}
		}
		if *format == "json" {
			if err := writeJSON(c.stdout, rows); err != nil {
				c.warn("writing output: %v", err)
				return 1
			}
			return 0
		}
		recs := make([][]string, len(rows))
		for i, r := range rows {
			rt, at := "NA", "NA"
			if r.RTol != nil {
				rt, at = fmtFloat(*r.RTol), fmtFloat(*r.ATol)
			}
			recs[i] = []string{r.Problem, r.Solver, rt, at, strconv.Itoa(r.NFev), fmt.Sprintf("%.3e", float64(r.Error)), fmt.Sprintf("%.6f", r.Seconds)}
		}
		if err := writeCSV(c.stdout, []string{"problem", "solver", "rtol", "atol", "nfev", "error", "seconds"}, recs); err != nil {
			c.warn("writing output: %v", err)
			return 1
		}
		return 0
	}
}

// benchOne times reps solves of one row. A failed solve (step budget,
// overflow) keeps the row with error NaN and says why on stderr; invalid
// settings exit 2.
func benchOne(c *cli, bc benchCase, m *ode.Tableau, bs benchSettings, reps int, label string) (benchRow, int) {
	times := make([]float64, 0, reps)
	var nfev int
	var e float64
	pr := newProgress(c.stderr, "pflow bench: ")
	for r := range reps {
		pr.tick("%s: solve %d of %d", label, r+1, reps)
		start := time.Now()
		var err error
		nfev, e, err = bc.solve(m, bs)
		times = append(times, time.Since(start).Seconds())
		if err != nil {
			if errors.Is(err, ode.ErrInvalidSettings) {
				return benchRow{}, c.fail("%s: %v", label, err)
			}
			c.warn("%s: %v (error reported as NaN)", label, err)
			break
		}
		if math.IsNaN(e) || math.IsInf(e, 0) {
			c.warn("%s: the error measure is %v: the solution overflowed", label, e)
			break
		}
	}
	sort.Float64s(times)
	return benchRow{NFev: nfev, Error: jsonNum(e), Seconds: times[len(times)/2]}, 0
}

// benchMethods resolves -method: "all" is the benchmark set (every
// method with -steps); a named method must be adaptive unless fixed.
func benchMethods(v string, fixed bool) ([]string, error) {
	known := benchDefaultMethods
	if fixed {
		known = ode.Names()
	} else if v != "all" && v != "" {
		known = adaptiveMethods()
	}
	sel, err := parseNames(v, known, "method")
	if err != nil {
		for _, n := range ode.Names() {
			if n == v && !fixed {
				return nil, fmt.Errorf("method %q has no error estimator: use -steps N", v)
			}
		}
		return nil, err
	}
	return sel, nil
}

// adaptiveMethods lists the ode methods with an error estimator.
func adaptiveMethods() []string {
	var out []string
	for _, n := range ode.Names() {
		if m, err := ode.Lookup(n); err == nil && m.Adaptive() {
			out = append(out, n)
		}
	}
	return out
}

func tolText(t float64, steps int) string {
	if steps > 0 {
		return fmt.Sprintf("N=%d", steps)
	}
	return fmtFloat(t)
}
