package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/cmplx"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pflow-go/pflow/ode"
)

func init() {
	register("bench", command{summary: "benchmark the ODE solvers on the problems of docs/benchmarks.md (CSV or JSON)", run: runBench})
}

// benchProblem is one row family of the benchmark table. solve integrates it
// with the given method and settings template and returns nfev and the
// problem's error measure.
type benchProblem struct {
	name  string
	about string
	solve func(m *ode.Tableau, b benchSettings) (nfev int, err float64, e error)
}

// benchSettings are the per-row solver settings.
type benchSettings struct {
	rtol, atol, h0 float64
	steps          int // fixed steps (per period for kepler); 0 = adaptive
}

func settingsFor[T float64 | complex128](b benchSettings, periods float64) *ode.Settings[T] {
	s := &ode.Settings[T]{RTol: b.rtol, ATol: b.atol, H0: b.h0, MaxSteps: 10_000_000}
	if b.steps > 0 {
		s = &ode.Settings[T]{Steps: int(float64(b.steps) * periods), MaxSteps: 100_000_000}
	}
	return s
}

func maxAbsDiff[T float64 | complex128](a []T, b []T) float64 {
	e := 0.0
	for i := range a {
		e = math.Max(e, absT(a[i]-b[i]))
	}
	return e
}

func absT[T float64 | complex128](x T) float64 {
	switch v := any(x).(type) {
	case float64:
		return math.Abs(v)
	case complex128:
		return cmplx.Abs(v)
	}
	return math.NaN()
}

func refFloat(name string) []float64 {
	r := references[name]
	out := make([]float64, len(r))
	for i, s := range r {
		f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
		if err != nil {
			panic("pflow: bad reference " + s)
		}
		out[i], _ = f.Float64()
	}
	return out
}

const (
	arenMu = 0.012277471
	arenT  = 17.0652165601579625588917206249
	kepE   = 0.5
)

var arenY0 = []float64{0.994, 0, 0, -2.00158510637908252240537862224}

func arenstorf(dy []float64, _ float64, y []float64) {
	const mu, mup = arenMu, 1 - arenMu
	a, b := y[0]+mu, y[0]-mup
	d1 := a*a + y[1]*y[1]
	d1 *= math.Sqrt(d1)
	d2 := b*b + y[1]*y[1]
	d2 *= math.Sqrt(d2)
	dy[0] = y[2]
	dy[1] = y[3]
	dy[2] = y[0] + 2*y[3] - mup*a/d1 - mu*b/d2
	dy[3] = y[1] - 2*y[2] - mup*y[1]/d1 - mu*y[1]/d2
}

func lorenz(dy []float64, _ float64, y []float64) {
	dy[0] = 10 * (y[1] - y[0])
	dy[1] = y[0]*(28-y[2]) - y[1]
	dy[2] = y[0]*y[1] - 8.0/3*y[2]
}

func vanderpol(dy []float64, _ float64, y []float64) {
	dy[0] = y[1]
	dy[1] = ((1-y[0]*y[0])*y[1] - y[0]) / 1e-3
}

func kepler(dy []float64, _ float64, y []float64) {
	r2 := y[0]*y[0] + y[1]*y[1]
	r3 := r2 * math.Sqrt(r2)
	dy[0], dy[1] = y[2], y[3]
	dy[2], dy[3] = -y[0]/r3, -y[1]/r3
}

func keplerEnergy(y []float64) float64 {
	return 0.5*(y[2]*y[2]+y[3]*y[3]) - 1/math.Hypot(y[0], y[1])
}

// spd is the benchmark matrix A = Q diag(λ) Q with the Householder
// reflector Q = I − 2uuᵀ of docs/benchmarks.md.
type spd struct {
	u, lam []float64
	tmp    []float64
}

func newSPD(d int) *spd {
	s := &spd{u: make([]float64, d), lam: make([]float64, d), tmp: make([]float64, d)}
	var nrm float64
	for i := range d {
		v := float64((7*(i+1))%11) - 4.5
		s.u[i] = v
		nrm += v * v
	}
	nrm = math.Sqrt(nrm)
	for i := range d {
		s.u[i] /= nrm
		s.lam[i] = math.Pow(10, -2+2*float64(i)/float64(d-1))
	}
	return s
}

// reflectF sets dst = Q x = x − 2u(uᵀx) (dst may be x).
func reflectF(u, dst, x []float64) {
	var dot float64
	for i, ui := range u {
		dot += ui * x[i]
	}
	for i, ui := range u {
		dst[i] = x[i] - 2*dot*ui
	}
}

// reflectC is reflectF for complex vectors (u is real).
func reflectC(u []float64, dst, x []complex128) {
	var re, im float64
	for i, ui := range u {
		re += ui * real(x[i])
		im += ui * imag(x[i])
	}
	for i, ui := range u {
		dst[i] = x[i] - complex(2*re*ui, 2*im*ui)
	}
}

func ones[T float64 | complex128](d int) []T {
	v := make([]T, d)
	for i := range v {
		v[i] = 1
	}
	return v
}

func gradflowProblem(d int) benchProblem {
	return benchProblem{name: fmt.Sprintf("gradflow_d%d", d), about: "θ' = −Aθ, t ∈ [0, 100], exact solution",
		solve: func(m *ode.Tableau, b benchSettings) (int, float64, error) {
			a := newSPD(d)
			w := make([]float64, d)
			f := func(dy []float64, _ float64, y []float64) {
				reflectF(a.u, w, y)
				for i := range w {
					w[i] *= -a.lam[i]
				}
				reflectF(a.u, dy, w)
			}
			s := settingsFor[float64](b, 1)
			s.TEval = []float64{100}
			sol, err := ode.Solve(f, 0, 100, ones[float64](d), m, s)
			if err != nil {
				return sol.Stats.NFev, math.NaN(), err
			}
			ex := make([]float64, d)
			reflectF(a.u, ex, ones[float64](d))
			for i := range ex {
				ex[i] *= math.Exp(-a.lam[i] * 100)
			}
			reflectF(a.u, ex, ex)
			return sol.Stats.NFev, maxAbsDiff(sol.Y[len(sol.Y)-1], ex), nil
		}}
}

func principalProblem(d int) benchProblem {
	return benchProblem{name: fmt.Sprintf("principal_d%d", d), about: "θ' = Lθ (complex), t ∈ [0, 55h], reference (I − hA)^55 θ0",
		solve: func(m *ode.Tableau, b benchSettings) (int, float64, error) {
			a := newSPD(d)
			h := 1.8 / a.lam[d-1]
			mu := make([]complex128, d)
			for i, l := range a.lam {
				mu[i] = cmplx.Log(complex(1-h*l, 0)) / complex(h, 0) // principal branch: +iπ for 1 − hλ < 0
			}
			w := make([]complex128, d)
			f := func(dy []complex128, _ float64, y []complex128) {
				reflectC(a.u, w, y)
				for i := range w {
					w[i] *= mu[i]
				}
				reflectC(a.u, dy, w)
			}
			t1 := 55 * h
			s := settingsFor[complex128](b, 1)
			s.TEval = []float64{t1}
			sol, err := ode.Solve(f, 0, t1, ones[complex128](d), m, s)
			if err != nil {
				return sol.Stats.NFev, math.NaN(), err
			}
			ex := make([]float64, d)
			reflectF(a.u, ex, ones[float64](d))
			for i := range ex {
				ex[i] *= math.Pow(1-h*a.lam[i], 55)
			}
			reflectF(a.u, ex, ex)
			y := sol.Y[len(sol.Y)-1]
			e := 0.0
			for i := range ex {
				e = math.Max(e, cmplx.Abs(y[i]-complex(ex[i], 0)))
			}
			return sol.Stats.NFev, e, nil
		}}
}

var kepY0 = []float64{1 - kepE, 0, 0, math.Sqrt((1 + kepE) / (1 - kepE))}

const kepPeriods = 1000

func benchProblems() []benchProblem {
	ps := []benchProblem{
		{name: "arenstorf", about: "restricted three-body orbit over one period, error ‖y(T) − y0‖∞",
			solve: func(m *ode.Tableau, b benchSettings) (int, float64, error) {
				s := settingsFor[float64](b, 1)
				s.TEval = []float64{arenT}
				sol, err := ode.Solve(arenstorf, 0, arenT, arenY0, m, s)
				if err != nil {
					return sol.Stats.NFev, math.NaN(), err
				}
				return sol.Stats.NFev, maxAbsDiff(sol.Y[len(sol.Y)-1], arenY0), nil
			}},
		{name: "lorenz", about: "σ=10, ρ=28, β=8/3, t ∈ [0, 20], error vs a 30-digit Taylor reference",
			solve: func(m *ode.Tableau, b benchSettings) (int, float64, error) {
				s := settingsFor[float64](b, 1)
				s.TEval = []float64{20}
				sol, err := ode.Solve(lorenz, 0, 20, []float64{1, 1, 1}, m, s)
				if err != nil {
					return sol.Stats.NFev, math.NaN(), err
				}
				return sol.Stats.NFev, maxAbsDiff(sol.Y[len(sol.Y)-1], refFloat("lorenz")), nil
			}},
		{name: "vanderpol", about: "ε = 1e-3, y0 = (2, 0), t ∈ [0, 2], error vs a 30-digit Taylor reference",
			solve: func(m *ode.Tableau, b benchSettings) (int, float64, error) {
				s := settingsFor[float64](b, 1)
				s.TEval = []float64{2}
				sol, err := ode.Solve(vanderpol, 0, 2, []float64{2, 0}, m, s)
				if err != nil {
					return sol.Stats.NFev, math.NaN(), err
				}
				return sol.Stats.NFev, maxAbsDiff(sol.Y[len(sol.Y)-1], refFloat("vanderpol")), nil
			}},
		{name: "kepler_energy", about: "e = 0.5, 1000 periods, max |H − H0| sampled 100 times per period",
			solve: func(m *ode.Tableau, b benchSettings) (int, float64, error) {
				t1 := kepPeriods * 2 * math.Pi
				h0 := keplerEnergy(kepY0)
				s := settingsFor[float64](b, kepPeriods)
				s.TEval = []float64{t1}
				it, err := ode.NewIntegrator(kepler, 0, t1, kepY0, m, s)
				if err != nil {
					return 0, math.NaN(), err
				}
				y := make([]float64, 4)
				dt := 2 * math.Pi / 100
				next, k := dt, 1
				e := 0.0
				for it.Step() {
					for next <= it.T() && k <= 100*kepPeriods {
						it.Interpolate(y, next)
						e = math.Max(e, math.Abs(keplerEnergy(y)-h0))
						k++
						next = float64(k) * dt
					}
				}
				if err := it.Err(); err != nil {
					return it.Stats().NFev, math.NaN(), err
				}
				return it.Stats().NFev, e, nil
			}},
		{name: "kepler_final", about: "e = 0.5, 1000 periods, error ‖y(1000·2π) − y0‖∞",
			solve: func(m *ode.Tableau, b benchSettings) (int, float64, error) {
				t1 := kepPeriods * 2 * math.Pi
				s := settingsFor[float64](b, kepPeriods)
				s.TEval = []float64{t1}
				sol, err := ode.Solve(kepler, 0, t1, kepY0, m, s)
				if err != nil {
					return sol.Stats.NFev, math.NaN(), err
				}
				return sol.Stats.NFev, maxAbsDiff(sol.Y[len(sol.Y)-1], kepY0), nil
			}},
		gradflowProblem(100), gradflowProblem(1000), principalProblem(100), principalProblem(1000),
	}
	return ps
}

var defaultMethods = []string{"dopri5", "tsit5", "dop853", "vern7"}
var defaultTols = []float64{1e-6, 1e-9, 1e-12}

type benchRow struct {
	Problem string   `json:"problem"`
	Solver  string   `json:"solver"`
	RTol    *float64 `json:"rtol"`
	ATol    *float64 `json:"atol"`
	NFev    int      `json:"nfev"`
	Error   float64  `json:"error"`
	Seconds float64  `json:"seconds"`
}

// parseList splits a comma-separated flag value; "all" selects every
// known name.
func parseList(v string, known []string, kind string) ([]string, error) {
	if v == "all" || v == "" {
		return known, nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(strings.ToLower(s))
		if !slices.Contains(known, s) {
			return nil, fmt.Errorf("unknown %s %q (known: all, %s)", kind, s, strings.Join(known, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	problem := fs.String("problem", "all", "problem name, comma-separated list or all")
	method := fs.String("method", "all", "method name, comma-separated list or all (dopri5,tsit5,dop853,vern7; with -steps every built-in method)")
	rtolS := fs.String("rtol", "", "relative tolerance (default: the sweep 1e-6,1e-9,1e-12 with atol = rtol)")
	atolS := fs.String("atol", "", "absolute tolerance (default: rtol)")
	stepsS := fs.String("steps", "", "fixed-step rows with N steps (per period for kepler); rtol/atol print NA")
	h0S := fs.String("h0", "", "initial step size (default: Hairer's algorithm)")
	format := fs.String("format", "csv", "output format: csv or json")
	repsS := fs.String("reps", "5", "solves per row; seconds is their median")
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "pflow bench: "+format+"\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "usage: pflow bench [-problem P] [-method M] [-rtol R -atol A | -steps N] [-h0 H] [-format csv|json] [-reps K]")
			fs.PrintDefaults()
			return 0
		}
		return fail("%v", err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	num := func(name, v string, allowZero bool) (float64, error) {
		if v == "" {
			return 0, nil
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || (x == 0 && !allowZero) {
			return 0, fmt.Errorf("malformed -%s %q: want a positive finite number", name, v)
		}
		return x, nil
	}
	rtol, err := num("rtol", *rtolS, false)
	if err != nil {
		return fail("%v", err)
	}
	atol, err := num("atol", *atolS, false)
	if err != nil {
		return fail("%v", err)
	}
	h0, err := num("h0", *h0S, false)
	if err != nil {
		return fail("%v", err)
	}
	steps := 0
	if *stepsS != "" {
		n, err := strconv.Atoi(*stepsS)
		if err != nil || n <= 0 {
			return fail("malformed -steps %q: want a positive integer", *stepsS)
		}
		steps = n
	}
	reps, err := strconv.Atoi(*repsS)
	if err != nil || reps <= 0 || reps > 1000 {
		return fail("malformed -reps %q: want an integer in [1, 1000]", *repsS)
	}
	if *format != "csv" && *format != "json" {
		return fail("unknown format %q (known: csv, json)", *format)
	}
	if steps > 0 && (rtol > 0 || atol > 0) {
		return fail("-steps cannot be combined with -rtol/-atol")
	}
	probs := benchProblems()
	pnames := make([]string, len(probs))
	for i, p := range probs {
		pnames[i] = p.name
	}
	selP, err := parseList(*problem, pnames, "problem")
	if err != nil {
		return fail("%v", err)
	}
	known := defaultMethods
	if steps > 0 {
		known = ode.Names()
	} else if *method != "all" && *method != "" {
		// Any adaptive method may be named; "all" keeps the benchmark set.
		known = nil
		for _, n := range ode.Names() {
			if m, _ := ode.Lookup(n); m.Adaptive() {
				known = append(known, n)
			}
		}
	}
	selM, err := parseList(*method, known, "method")
	if err != nil {
		if _, e2 := ode.Lookup(*method); e2 == nil && steps == 0 {
			return fail("method %q has no error estimator: use -steps N", *method)
		}
		return fail("%v", err)
	}
	if steps == 0 {
		for _, n := range selM {
			if m, _ := ode.Lookup(n); !m.Adaptive() {
				return fail("method %q has no error estimator: use -steps N", n)
			}
		}
	}
	var tols [][2]float64
	switch {
	case steps > 0:
		tols = [][2]float64{{0, 0}}
	case rtol > 0 || atol > 0:
		if rtol == 0 {
			rtol = atol
		}
		if atol == 0 {
			atol = rtol
		}
		if rtol < 100*0x1p-52 {
			return fail("-rtol %g is below 100·eps", rtol)
		}
		tols = [][2]float64{{rtol, atol}}
	default:
		for _, t := range defaultTols {
			tols = append(tols, [2]float64{t, t})
		}
	}
	byName := map[string]benchProblem{}
	for _, p := range probs {
		byName[p.name] = p
	}
	total := len(selP) * len(selM) * len(tols)
	var rows []benchRow
	for _, pn := range selP {
		p := byName[pn]
		for _, mn := range selM {
			m, _ := ode.Lookup(mn)
			for _, tl := range tols {
				if total > 4 {
					fmt.Fprintf(stderr, "bench [%d/%d] %s %s %s\n", len(rows)+1, total, pn, mn, tolText(tl[0], steps))
				}
				bs := benchSettings{rtol: tl[0], atol: tl[1], h0: h0, steps: steps}
				times := make([]float64, reps)
				var nfev int
				var e float64
				for r := range reps {
					start := time.Now()
					var serr error
					nfev, e, serr = p.solve(m, bs)
					times[r] = time.Since(start).Seconds()
					if serr != nil {
						if errors.Is(serr, ode.ErrInvalidSettings) {
							return fail("%v", serr)
						}
						fmt.Fprintf(stderr, "pflow bench: %s %s: %v\n", pn, mn, serr)
						break
					}
				}
				sort.Float64s(times)
				row := benchRow{Problem: pn, Solver: mn, NFev: nfev, Error: e, Seconds: times[len(times)/2]}
				if steps > 0 {
					row.Solver = fmt.Sprintf("%s.N=%d", mn, steps)
				} else {
					row.RTol, row.ATol = &tl[0], &tl[1]
				}
				rows = append(rows, row)
			}
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		type nanSafe struct {
			benchRow
			Error any `json:"error"`
		}
		out := make([]nanSafe, len(rows))
		for i, r := range rows {
			out[i] = nanSafe{benchRow: r, Error: r.Error}
			if math.IsNaN(r.Error) || math.IsInf(r.Error, 0) {
				out[i].Error = nil
			}
		}
		if err := enc.Encode(out); err != nil {
			return fail("%v", err)
		}
		return 0
	}
	fmt.Fprintln(stdout, "problem,solver,rtol,atol,nfev,error,seconds")
	for _, r := range rows {
		rt, at := "NA", "NA"
		if r.RTol != nil {
			rt, at = strconv.FormatFloat(*r.RTol, 'g', -1, 64), strconv.FormatFloat(*r.ATol, 'g', -1, 64)
		}
		fmt.Fprintf(stdout, "%s,%s,%s,%s,%d,%.3e,%.6f\n", r.Problem, r.Solver, rt, at, r.NFev, r.Error, r.Seconds)
	}
	return 0
}

func tolText(t float64, steps int) string {
	if steps > 0 {
		return fmt.Sprintf("N=%d", steps)
	}
	return strconv.FormatFloat(t, 'g', -1, 64)
}
