package main

import (
	"context"
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
	"github.com/pflow-go/pflow/internal/fixtures"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/ode/geometric"
	"github.com/pflow-go/pflow/ode/stiff"
)

func init() {
	register("bench", command{
		summary:  "benchmark the ODE solvers on the problems of docs/benchmarks.md (CSV or JSON)",
		synopsis: "[-problem P] [-method M] [-rtol R -atol A | -steps N] [-h0 H] [-format csv|json] [-reps K] [-timeout D]",
		define:   defineBench,
	})
}

// Budgets of one bench row: adaptive solves stop with ode.ErrMaxSteps
// after benchMaxSteps steps; fixed-step rows may take at most
// benchMaxWork = N·periods·dimension (times the force evaluations per
// step for splitting methods; a few flops each, so about a minute on the
// slowest problem) and benchMaxFixed steps.
const (
	benchMaxSteps = 10_000_000
	benchMaxFixed = 100_000_000
	benchMaxWork  = 1e10
)

// benchSymplecticN is the number of steps per period of the kepler rows of
// the splitting methods without -steps: the N = 1000 of docs/benchmarks.md.
// The ten methods take 1e6 steps each over the 1000 periods (1 to 16 force
// evaluations per step), about 1.5 s per repetition for all ten.
const benchSymplecticN = 1000

// radau5Name is the solver name of the stiff rows.
const radau5Name = "radau5"

var (
	benchDefaultMethods = []string{"dopri5", "tsit5", "dop853", "vern7"}
	benchDefaultTols    = []float64{1e-6, 1e-9, 1e-12}
	// benchKepler and benchStiff are the problems of the splitting methods
	// and of radau5.
	benchKepler = []string{"kepler_energy", "kepler_final"}
	benchStiff  = []string{"vanderpol"}
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

// benchSolve is one timed solve of a row: nfev and the row's error
// measure (NaN with the error when the solve fails).
type benchSolve func() (nfev int, e float64, err error)

// benchCase is a problem ready to solve: dim and periods for the work
// budget, solve for one timed run of an ode method.
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
		sol, err := ode.Solve(ode.ProblemOf(p.F), 0, p.T1, p.Y0, m, s)
		if err != nil {
			return sol.Stats.NFev, math.NaN(), err
		}
		return sol.Stats.NFev, p.Error(sol.Y[len(sol.Y)-1]), nil
	}
	it, err := ode.NewIntegrator(ode.ProblemOf(p.F), 0, p.T1, p.Y0, m, s)
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

// solveKepler runs the kepler benchmark with a splitting method and N
// steps per period (fixtures.KeplerBench, whose problem is benchprob's
// kepler; ode.Solve on the same problem for kepler_final when N
// is not a multiple of 100) and returns the force evaluations and the
// error of the row (energy for kepler_energy, final state for
// kepler_final).
func solveKepler(problem string, m geometric.Splitting, n int) (int, float64, error) {
	if problem == "kepler_final" && n%benchprob.KeplerSamplesPerPeriod != 0 {
		// KeplerBench samples the energy at step points and so needs N a
		// multiple of 100; the final state alone needs no samples.
		y0 := benchprob.KeplerY0()
		total := n * benchprob.KeplerPeriods
		split := geometric.SecondOrder(benchprob.KeplerForce)
		h := 2 * math.Pi / float64(n)
		sol, err := ode.Solve(ode.Problem[float64]{Split: &split}, 0, h*float64(total), y0, m,
			&ode.Settings[float64]{Step: h, TEval: []float64{h * float64(total)}})
		if err != nil {
			nfev := 0
			if sol != nil {
				nfev = sol.Stats.NFev
			}
			return nfev, math.NaN(), err
		}
		return sol.Stats.NFev, benchprob.MaxAbsDiff(sol.Y[len(sol.Y)-1], y0), nil
	}
	r, err := fixtures.KeplerBench(m, n, benchprob.KeplerPeriods)
	if err != nil {
		return r.NFev, math.NaN(), err
	}
	if problem == "kepler_energy" {
		return r.NFev, r.EnergyError, nil
	}
	return r.NFev, r.FinalError, nil
}

// solveRadau5 solves the vanderpol problem p with stiff.Radau5 and the
// analytic Jacobian benchprob.VanDerPolJac (as Hairer's drivers do; nfev
// counts f only, like RADAU5's NFCN), recording y(T1) only.
func solveRadau5(p *benchprob.Problem[float64], b benchSettings) (int, float64, error) {
	set := &ode.Settings[float64]{RTol: b.rtol, ATol: b.atol, H0: b.h0, MaxSteps: benchMaxSteps, TEval: []float64{p.T1}}
	sol, err := ode.Solve(ode.Problem[float64]{F: p.F, Jac: benchprob.VanDerPolJac}, 0, p.T1, p.Y0, stiff.Radau5, set)
	if err != nil {
		nfev := 0
		if sol != nil {
			nfev = sol.Stats.NFev
		}
		return nfev, math.NaN(), err
	}
	return sol.Stats.NFev, p.Error(sol.Y[len(sol.Y)-1]), nil
}

// benchJob is one row to compute.
type benchJob struct {
	problem, solver string
	tol             *[2]float64 // nil on fixed-step rows
	label           string      // for progress and messages
	solve           benchSolve
}

// benchMethodKind tells which solver family a -method name belongs to.
type benchMethodKind int

const (
	kindODE benchMethodKind = iota
	kindSplitting
	kindRadau5
)

func benchKind(name string) benchMethodKind {
	if name == radau5Name {
		return kindRadau5
	}
	if _, ok := geometric.MethodByName(name); ok {
		return kindSplitting
	}
	return kindODE
}

// benchApplies reports whether method family k has rows on problem p:
// ode methods on every problem, the splitting methods on the kepler rows
// (a separable Hamiltonian), radau5 on vanderpol (the stiff problem).
func benchApplies(k benchMethodKind, p string) bool {
	switch k {
	case kindSplitting:
		return slices.Contains(benchKepler, p)
	case kindRadau5:
		return slices.Contains(benchStiff, p)
	}
	return true
}

func splittingNames() []string {
	out := make([]string, len(geometric.Methods))
	for i, m := range geometric.Methods {
		out[i] = m.Name
	}
	return out
}

func defineBench(fs *flag.FlagSet) func(c *cli) int {
	problem := fs.String("problem", "all", "problem name, comma-separated list or all: "+strings.Join(benchprob.Names(), ", "))
	method := fs.String("method", "all", "method name, comma-separated list or all. all: "+strings.Join(benchDefaultMethods, ", ")+
		" on every problem (with -steps every built-in ode method), "+radau5Name+" on "+strings.Join(benchStiff, ", ")+
		" (adaptive only; analytic Jacobian), and the splitting methods "+strings.Join(splittingNames(), ", ")+
		" on "+strings.Join(benchKepler, ", ")+fmt.Sprintf(" (fixed step, N = -steps or %d per period)", benchSymplecticN))
	rtol := rtolFlag(fs, "rtol", fmt.Sprintf("relative tolerance `R` in [%g (100·eps), %g) (default: the sweep 1e-6,1e-9,1e-12 with atol = rtol)", minRTol, maxRTol))
	atol := positiveFlag(fs, "atol", "absolute tolerance `A` (default: rtol)", 0)
	steps := intFlag(fs, "steps", "fixed-step rows with `N` steps (per period for kepler; a multiple of 100 for kepler_energy with a splitting method); rtol/atol print NA (default: adaptive rows)", 0, 1, benchMaxFixed)
	h0 := positiveFlag(fs, "h0", "initial step size `H` of the adaptive rows (default: Hairer's algorithm; 1e-6 for radau5)", 0)
	format := choiceFlag(fs, "format", "output format", "csv", "csv", "json")
	reps := intFlag(fs, "reps", "solves per row `K`; seconds is their median", 5, 1, 1000)
	batch := new(time.Duration)
	fs.Func("batch", "time each of the -reps as a batch of solves repeated for at least `DURATION` (Go syntax, e.g. 50ms; at most 1m): seconds is then the median over the batches of the time per solve, as the Boost and CVODE drivers of scripts/peers time theirs (default 0: one solve per rep)", func(v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 || d > time.Minute {
			return errors.New("want a Go duration from 0 to 1m, such as 50ms")
		}
		*batch = d
		return nil
	})
	timeout := timeoutFlag(fs)
	return func(c *cli) int {
		if *steps > 0 && (*rtol > 0 || *atol > 0) {
			return c.fail("-steps cannot be combined with -rtol/-atol")
		}
		selP, err := parseNames(*problem, benchprob.Names(), "problem")
		if err != nil {
			return c.fail("%v", err)
		}
		selM, err := benchMethods(*method, *steps > 0)
		if err != nil {
			return c.fail("%v", err)
		}
		if *method != "all" && (*rtol > 0 || *atol > 0 || *h0 > 0) {
			// A fixed-step method named explicitly ignores the adaptive
			// settings: refuse them instead of ignoring them.
			for _, m := range selM {
				if benchKind(m) == kindSplitting {
					return c.fail("-rtol, -atol and -h0 are meaningless for the fixed-step splitting method %s (use -steps N)", m)
				}
			}
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
			if !(r >= minRTol && r < maxRTol) {
				return c.fail("-rtol %g (from -atol): %s", r, rtolRange)
			}
			tols = [][2]float64{{r, a}}
		default:
			for _, t := range benchDefaultTols {
				tols = append(tols, [2]float64{t, t})
			}
		}
		jobs, code := benchJobs(c, selP, selM, tols, benchSettings{h0: *h0, steps: *steps})
		if code != 0 {
			return code
		}
		var rows []benchRow
		trouble := 0
		// The deadline of -timeout is checked between solves: a row cut
		// short keeps the solves done (at least one).
		ctx, cancel := c.timeoutContext(*timeout)
		defer cancel()
		for i, j := range jobs {
			if ctx.Err() != nil {
				break
			}
			if len(jobs) > 4 {
				fmt.Fprintf(c.stderr, "bench [%d/%d] %s\n", i+1, len(jobs), j.label)
			}
			row, code := benchOne(ctx, c, j.solve, *reps, *batch, j.label)
			if code == 2 {
				return code
			}
			if code != 0 {
				trouble++
			}
			row.Problem, row.Solver = j.problem, j.solver
			if j.tol != nil {
				row.RTol, row.ATol = &j.tol[0], &j.tol[1]
			}
			rows = append(rows, row)
		}
		// Numerical trouble (a failed solve, a non-finite error measure)
		// keeps its row, printed as NaN (null in JSON), and exits 1.
		done := 0
		if trouble > 0 {
			done = 1
		}
		if ctx.Err() != nil {
			defer c.warn("-timeout %v reached: %d of %d rows computed", *timeout, len(rows), len(jobs))
			done = 1
		}
		if *format == "json" {
			if err := writeJSON(c.stdout, rows); err != nil {
				c.warn("writing output: %v", err)
				return 1
			}
			if trouble > 0 {
				c.warn("%d of %d rows failed (error printed as null)", trouble, len(rows))
			}
			return done
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
		if trouble > 0 {
			c.warn("%d of %d rows failed (error printed as NaN)", trouble, len(rows))
		}
		return done
	}
}

// benchJobs lists the rows of the selected problems and methods in table
// order (problem by problem; per problem the methods in selM order, each
// over tols unless it takes fixed steps) and checks the work budget of
// fixed-step rows. Selected pairs that have no row (a splitting method on
// arenstorf) are skipped; a selection without any row exits 2.
func benchJobs(c *cli, selP, selM []string, tols [][2]float64, bs benchSettings) ([]benchJob, int) {
	entries := map[string]benchprob.Entry{}
	for _, e := range benchprob.Entries() {
		entries[e.Name] = e
	}
	var jobs []benchJob
	for _, pn := range selP {
		var bc *benchCase
		for _, mn := range selM {
			kind := benchKind(mn)
			if !benchApplies(kind, pn) {
				continue
			}
			switch kind {
			case kindSplitting:
				m, _ := geometric.MethodByName(mn)
				n := bs.steps
				if n == 0 {
					n = benchSymplecticN
				}
				if pn == "kepler_energy" && n%benchprob.KeplerSamplesPerPeriod != 0 {
					return nil, c.fail("-steps %d: kepler_energy with the splitting method %s samples the energy at step points, 100 times per period: N must be a multiple of 100", n, mn)
				}
				if w := float64(n) * benchprob.KeplerPeriods * 4 * float64(max(m.Stages(), 1)); w > benchMaxWork {
					return nil, c.fail("-steps %d on %s with %s is %.2g steps×dimension×forces, above the budget %.0g: use fewer steps", n, pn, mn, w, benchMaxWork)
				}
				jobs = append(jobs, benchJob{problem: pn, solver: fmt.Sprintf("%s.N=%d", mn, n), label: fmt.Sprintf("%s %s N=%d", pn, mn, n),
					solve: func() (int, float64, error) { return solveKepler(pn, m, n) }})
			case kindRadau5:
				p := entries[pn].Real()
				for _, tl := range tols {
					b := benchSettings{rtol: tl[0], atol: tl[1], h0: bs.h0}
					jobs = append(jobs, benchJob{problem: pn, solver: mn, tol: &tl, label: fmt.Sprintf("%s %s %s", pn, mn, fmtFloat(tl[0])),
						solve: func() (int, float64, error) { return solveRadau5(p, b) }})
				}
			default:
				if bc == nil {
					v := newBenchCase(entries[pn])
					if w := float64(bs.steps) * float64(v.periods) * float64(v.dim); w > benchMaxWork {
						return nil, c.fail("-steps %d on %s is %.2g steps×dimension, above the budget %.0g: use fewer steps", bs.steps, pn, w, benchMaxWork)
					}
					bc = &v
				}
				m, _ := ode.Lookup(mn)
				for _, tl := range tols {
					b := benchSettings{rtol: tl[0], atol: tl[1], h0: bs.h0, steps: bs.steps}
					j := benchJob{problem: pn, solver: mn, label: fmt.Sprintf("%s %s %s", pn, mn, tolText(tl[0], bs.steps)),
						solve: func() (int, float64, error) { return bc.solve(m, b) }}
					if bs.steps > 0 {
						j.solver = fmt.Sprintf("%s.N=%d", mn, bs.steps)
					} else {
						j.tol = &tl
					}
					jobs = append(jobs, j)
				}
			}
		}
	}
	if len(jobs) == 0 {
		return nil, c.fail("no rows: the splitting methods (%s) have rows on %s only, %s on %s only",
			strings.Join(splittingNames(), ", "), strings.Join(benchKepler, ", "), radau5Name, strings.Join(benchStiff, ", "))
	}
	return jobs, 0
}

// benchOne times reps solves of one row (reps batches of solves repeated
// for at least batch, when batch > 0: seconds is then the median time per
// solve of the batches). A failed solve (step budget, overflow) keeps the
// row with error NaN, says why on stderr and returns code 1; invalid
// settings return 2.
func benchOne(ctx context.Context, c *cli, solve benchSolve, reps int, batch time.Duration, label string) (row benchRow, code int) {
	times := make([]float64, 0, reps)
	var nfev int
	var e float64
	pr := newProgress(c.stderr, "pflow bench: ")
	for r := range reps {
		if r > 0 && ctx.Err() != nil {
			break
		}
		pr.tick("%s: solve %d of %d", label, r+1, reps)
		start := time.Now()
		var err error
		k := 0
		for {
			nfev, e, err = solve()
			k++
			if err != nil || time.Since(start) >= batch || ctx.Err() != nil {
				break
			}
		}
		times = append(times, time.Since(start).Seconds()/float64(k))
		if err != nil {
			if errors.Is(err, ode.ErrInvalidSettings) {
				return benchRow{}, c.fail("%s: %v", label, err)
			}
			c.warn("%s: %v (error reported as NaN)", label, err)
			code = 1
			break
		}
		if math.IsNaN(e) || math.IsInf(e, 0) {
			c.warn("%s: the error measure is %v: the solution overflowed (numerical trouble)", label, e)
			code = 1
			break
		}
	}
	sort.Float64s(times)
	return benchRow{NFev: nfev, Error: jsonNum(e), Seconds: times[len(times)/2]}, code
}

// benchMethods resolves -method. "all" is the benchmark set: the default
// ode methods (every ode method with -steps), radau5 (not with -steps) and
// every splitting method. A named ode method must be adaptive unless
// fixed; radau5 is adaptive only.
func benchMethods(v string, fixed bool) ([]string, error) {
	odeSet, known := benchDefaultMethods, adaptiveMethods()
	if fixed {
		odeSet, known = ode.Names(), ode.Names()
	}
	if !fixed {
		known = append(known, radau5Name)
	}
	known = append(known, splittingNames()...)
	if v == "all" {
		out := slices.Clone(odeSet)
		if !fixed {
			out = append(out, radau5Name)
		}
		return append(out, splittingNames()...), nil
	}
	sel, err := parseNames(v, known, "method")
	if err != nil {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			switch {
			case !fixed && !slices.Contains(known, s) && slices.Contains(ode.Names(), s):
				return nil, fmt.Errorf("method %q has no error estimator: use -steps N", s)
			case fixed && s == radau5Name:
				return nil, fmt.Errorf("method %q is adaptive: give -rtol/-atol (or neither), not -steps", s)
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
