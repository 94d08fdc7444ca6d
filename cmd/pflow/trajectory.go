package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

func init() {
	register("trajectory", command{
		summary:  "a flow of GD next to the GD iterates, with the distance at every step (JSON or CSV)",
		synopsis: "-problem P -flow F -lr H -steps N [-x0 a,b,…] [-method M] [-rtol R -atol A] [-maxsteps K] [-timeout D] [-format json|csv]",
		define:   defineTrajectory,
	})
}

// trajMaxSteps caps -steps and trajMaxNumbers caps (steps+1)·dim: every
// step is stored and printed.
const (
	trajMaxSteps   = 1_000_000
	trajMaxNumbers = 10_000_000
)

type trajPoint struct {
	N       int     `json:"n"`
	T       jsonNum `json:"t"`
	ThetaRe jsonVec `json:"theta_re"`
	ThetaIm jsonVec `json:"theta_im"`
	GD      jsonVec `json:"gd"`
	Error   jsonNum `json:"error"`
}

// trajOutput is the `trajectory -format json` contract of docs/design.md.
type trajOutput struct {
	Problem  string      `json:"problem"`
	Flow     string      `json:"flow"`
	LR       jsonNum     `json:"lr"`
	Steps    int         `json:"steps"`
	Method   string      `json:"method"`
	Points   []trajPoint `json:"points"`
	MaxError jsonNum     `json:"max_error"`
	NFev     int         `json:"nfev"`
}

func trajFlowNames() []string {
	names := append([]string{verify.GD}, modified.Names()...)
	slices.Sort(names)
	return names
}

func defineTrajectory(fs *flag.FlagSet) func(c *cli) int {
	problem := fs.String("problem", "", "problem spec for problems.ByName (required), e.g. quadratic2d, deeplinear:k=3")
	flow := fs.String("flow", "", "flow (required): "+strings.Join(trajFlowNames(), ", "))
	lr := positiveFlag(fs, "lr", "learning rate `H` > 0 (required)", 0)
	steps := intFlag(fs, "steps", "number of GD steps `N` ≥ 1 (required)", 0, 1, trajMaxSteps)
	x0 := vectorFlag(fs, "x0", "start point `a,b,…` (default: the problem's)")
	method := fs.String("method", "dop853", "adaptive integrator: "+strings.Join(adaptiveMethods(), ", "))
	rtol := rtolFlag(fs, "rtol", fmt.Sprintf("relative tolerance `R` in [%g (100·eps), %g) (default %g)", minRTol, maxRTol, verify.DefaultRTol))
	atol := positiveFlag(fs, "atol", fmt.Sprintf("absolute tolerance `A` (default %g)", verify.DefaultATol), 0)
	maxSteps := intFlag(fs, "maxsteps", "integrator step budget `K` (0: 20000 + 2000·N, at most 1e6); a run that needs more stops with what it computed", 0, 0, math.MaxInt32)
	format := choiceFlag(fs, "format", "output format", "json", "json", "csv")
	timeout := timeoutFlag(fs)
	return func(c *cli) int {
		if *problem == "" {
			return c.fail("-problem is required")
		}
		if *flow == "" {
			return c.fail("-flow is required")
		}
		if *lr == 0 {
			return c.fail("-lr is required")
		}
		if *steps == 0 {
			return c.fail("-steps is required")
		}
		m, err := ode.Lookup(*method)
		if err != nil {
			return c.fail("unknown method %q (adaptive methods: %s)", *method, strings.Join(adaptiveMethods(), ", "))
		}
		if !m.Adaptive() {
			return c.fail("method %q has no error estimator (adaptive methods: %s)", *method, strings.Join(adaptiveMethods(), ", "))
		}
		if !slices.Contains(trajFlowNames(), *flow) {
			return c.fail("unknown flow %q (known: %s)", *flow, strings.Join(trajFlowNames(), ", "))
		}
		p, x, err := loadProblem(*problem, *x0)
		if err != nil {
			return c.fail("%v", err)
		}
		if e := p.Real.Func(x); math.IsNaN(e) || math.IsInf(e, 0) {
			return c.fail("the loss at the start point is %v: choose a point where it is finite", e)
		}
		if (*steps+1)*p.Dim > trajMaxNumbers {
			return c.fail("%d steps of a %d-dimensional problem would print more than %d numbers per column", *steps, p.Dim, trajMaxNumbers)
		}
		set := &verify.Settings{Method: m, RTol: *rtol, ATol: *atol, MaxSteps: *maxSteps}
		pr := newProgress(c.stderr, "pflow trajectory: ")
		if *flow != verify.GD && p.Complex != nil {
			set.Build = watchFlow(*flow, *steps, pr)
		}
		ctx, cancel := runContext(*timeout)
		defer cancel()
		res, err := verify.CompareContext(ctx, watchProblem(p, pr), *flow, *lr, *steps, x, set)
		if res == nil {
			// Nothing was computed: the inputs were rejected.
			return c.exitFor(err, verify.ErrInvalidInput, modified.ErrUnknownFlow, problems.ErrBadParameter)
		}
		var werr error
		if *format == "json" {
			werr = trajWriteJSON(c.stdout, trajToJSON(res, *flow), pr)
		} else {
			werr = trajWriteCSV(c, res)
		}
		if werr != nil {
			c.warn("writing output: %v", werr)
			return 1
		}
		if res.IntegratorCheckErr != nil {
			c.warn("no integrator error estimate: %v", res.IntegratorCheckErr)
		}
		if res.IntegratorChecked && res.Method != "" {
			c.warn("%s at rtol %g, atol %g; integrator error estimate %.2g (max error %.3g)", res.Method, res.RTol, res.ATol, res.IntegratorError, res.MaxError)
		}
		if res.IntegratorChecked && res.IntegratorError > 1e-8 && res.IntegratorError > 0.1*res.MaxError {
			c.warn("the integrator error estimate %.2g is not small against the distances (max %.3g): the flow values are unreliable (tighten -rtol, or the flow is too stiff at this h)",
				res.IntegratorError, res.MaxError)
		}
		for _, pt := range res.Points {
			if math.IsNaN(pt.Error) || math.IsInf(pt.Error, 0) {
				c.warn("the distance at step %d is %v (printed as null in JSON): the flow or GD overflowed", pt.N, pt.Error)
				break
			}
		}
		if err != nil {
			hint := ""
			switch {
			case errors.Is(err, ode.ErrMaxSteps):
				hint = " (raise -maxsteps, loosen -rtol, or take fewer or smaller GD steps: a large h·λ makes the flow stiff)"
			case timedOut(ctx, err):
				hint = fmt.Sprintf(" (-timeout %v reached)", *timeout)
			}
			c.warn("stopped after %d of %d steps: %s%s", max(len(res.Points)-1, 0), *steps, oneLine(err.Error()), hint)
			return 1
		}
		return 0
	}
}

// watchFlow builds the named flow in complex128 as verify.Named does, with
// a right-hand side that reports progress per GD step (t = k·h) through
// pr. The first build is the main integration, the second the integrator
// check.
func watchFlow(name string, steps int, pr *progress) verify.Builder {
	builds := 0
	return func(p *problems.Problem, h float64) (*modified.Flow[complex128], error) {
		f, err := modified.New[complex128](name, p, h, nil)
		if err != nil {
			return nil, err
		}
		builds++
		what := "integrating"
		if builds > 1 {
			what = "integrator check (100× tighter tolerances) of"
		}
		inner := f.F
		var nfev, step int
		var tMax float64
		w := *f
		w.F = func(dy []complex128, t float64, y []complex128) {
			inner(dy, t, y)
			nfev++
			tMax = math.Max(tMax, t)
			if k := int(tMax / h); k > step || nfev%16 == 0 {
				step = k
				pr.tick("%s %s on %s: t = %.4g, GD step %d of %d, %d evaluations", what, name, p.Name, tMax, step, steps, nfev)
			}
		}
		return &w, nil
	}
}

func trajToJSON(r *verify.Result, flow string) trajOutput {
	method := r.Method
	if method == "" {
		method = "none"
	}
	out := trajOutput{Problem: r.Problem, Flow: flow, LR: jsonNum(r.H), Steps: r.N, Method: method,
		MaxError: jsonNum(r.MaxError), NFev: r.Stats.NFev, Points: make([]trajPoint, len(r.Points))}
	for k, pt := range r.Points {
		re := make([]float64, len(pt.Flow))
		im := make([]float64, len(pt.Flow))
		for i, z := range pt.Flow {
			re[i], im[i] = real(z), imag(z)
		}
		out.Points[k] = trajPoint{N: pt.N, T: jsonNum(pt.T), ThetaRe: re, ThetaIm: im,
			GD: pt.GD, Error: jsonNum(pt.Error)}
	}
	return out
}

func trajWriteCSV(c *cli, r *verify.Result) error {
	d := 0
	if len(r.Points) > 0 {
		d = len(r.Points[0].GD)
	}
	head := []string{"n", "t"}
	for _, pre := range []string{"theta_re", "theta_im", "gd"} {
		for i := range d {
			head = append(head, fmt.Sprintf("%s_%d", pre, i+1))
		}
	}
	head = append(head, "error")
	rows := make([][]string, len(r.Points))
	for k, pt := range r.Points {
		row := make([]string, 0, len(head))
		row = append(row, strconv.Itoa(pt.N), fmtFloat(pt.T))
		for _, z := range pt.Flow {
			row = append(row, fmtFloat(real(z)))
		}
		for _, z := range pt.Flow {
			row = append(row, fmtFloat(imag(z)))
		}
		for _, v := range pt.GD {
			row = append(row, fmtFloat(v))
		}
		rows[k] = append(row, fmtFloat(pt.Error))
	}
	return writeCSV(c.stdout, head, rows)
}
