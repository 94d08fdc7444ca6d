package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pflow-go/pflow/figures"
	"github.com/pflow-go/pflow/internal/par"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

func init() {
	register("trajectory", command{
		summary:  "a flow of GD next to the GD iterates, with the distance at every step (JSON or CSV)",
		synopsis: "-problem P -flow F[,F…] -lr H -steps N [-x0 a,b,…] [-method M|auto] [-dt S] [-rtol R -atol A] [-maxsteps K] [-timeout D] [-format json|csv] [-plot FILE] [-workers N]",
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
	flow := fs.String("flow", "", "flow or comma-separated flows (required; several print a JSON array of documents, or CSV with a flow column): "+strings.Join(trajFlowNames(), ", "))
	lr := positiveFlag(fs, "lr", "learning rate `H` > 0 (required)", 0)
	steps := intFlag(fs, "steps", "number of GD steps `N` ≥ 1 (required)", 0, 1, trajMaxSteps)
	x0 := vectorFlag(fs, "x0", "start point `a,b,…` (default: the problem's)")
	method := fs.String("method", "auto", "integrator: auto (the principal flow's exponential Euler for pf, pf-re on constant-Hessian problems, else dop853) or "+strings.Join(ode.MethodNames(), ", "))
	dt := positiveFlag(fs, "dt", "step `S` of a fixed-step method (default: lr for etd1/expeuler/etd2/etd4 run fixed, lr/16 otherwise)", 0)
	rtol := rtolFlag(fs, "rtol", fmt.Sprintf("relative tolerance `R` in [%g (100·eps), %g) (default %g)", minRTol, maxRTol, verify.DefaultRTol))
	atol := positiveFlag(fs, "atol", fmt.Sprintf("absolute tolerance `A` (default %g)", verify.DefaultATol), 0)
	maxSteps := intFlag(fs, "maxsteps", "integrator step budget `K` (0: 20000 + 2000·N, at most 1e6); a run that needs more stops with what it computed", 0, 0, math.MaxInt32)
	format := choiceFlag(fs, "format", "output format", "json", "json", "csv")
	plot := fs.String("plot", "", "also draw the figure (contours for 2-D problems, GD iterates, the flows, imaginary parts, distances) to `FILE`.png or .svg")
	timeout := timeoutFlag(fs)
	workers := workersFlag(fs, "flows")
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
		var m ode.Method
		if *method != "auto" {
			var err error
			if m, err = ode.LookupMethod(*method); err != nil {
				return c.fail("unknown method %q (known: auto, %s)", *method, strings.Join(ode.MethodNames(), ", "))
			}
			set := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			if in := m.Info(); !in.Adaptive && (set["rtol"] || set["atol"]) {
				return c.fail("method %q is fixed-step: it takes -dt, not -rtol or -atol", *method)
			} else if in.Adaptive && set["dt"] {
				return c.fail("method %q is adaptive: it takes -rtol and -atol, not -dt", *method)
			}
		}
		if *plot != "" {
			if err := plotExt(*plot); err != nil {
				return c.fail("%v", err)
			}
		}
		flows := strings.Split(*flow, ",")
		for i, f := range flows {
			flows[i] = strings.TrimSpace(f)
			if !slices.Contains(trajFlowNames(), flows[i]) {
				return c.fail("unknown flow %q (known: %s)", flows[i], strings.Join(trajFlowNames(), ", "))
			}
			if slices.Contains(flows[:i], flows[i]) {
				return c.fail("flow %q given twice", flows[i])
			}
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
		pr := newProgress(c.stderr, "pflow trajectory: ")
		ctx, cancel := c.timeoutContext(*timeout)
		defer cancel()
		// The flows are independent runs: -workers of them at once, in the
		// order of -flow. Each job uses ctx itself (not par's), so that a
		// flow started after a -timeout reports its partial result as in
		// a loop; the jobs fail only when the inputs are rejected.
		runs, _, err := par.Map(context.Background(), len(flows), *workers, func(_ context.Context, i int) (trajRun, error) {
			fl := flows[i]
			fm := m
			if fm == nil { // -method auto
				fm = verify.AutoMethod(p, fl)
			}
			set := &verify.Settings{Method: fm, RTol: *rtol, ATol: *atol, MaxSteps: *maxSteps, Step: *dt}
			set.Progress = func(q verify.Progress) {
				if q.Stage != "gd" {
					pr.tick("integrating %s on %s (%s): t = %.4g, GD step %d of %d, %d evaluations", fl, p.Name, q.Stage, q.T, q.Step, *steps, q.NFev)
				}
			}
			res, err := verify.CompareContext(ctx, watchProblem(p, pr), fl, *lr, *steps, x, set)
			if res == nil {
				// Nothing was computed: the inputs were rejected.
				return trajRun{}, err
			}
			if err != nil && timedOut(ctx, err) {
				err = fmt.Errorf("%w (-timeout %v reached)", err, *timeout)
			}
			return trajRun{flow: fl, res: res, err: err}, nil
		}, nil)
		if err != nil {
			return c.exitFor(err, verify.ErrInvalidInput, modified.ErrUnknownFlow, problems.ErrBadParameter)
		}
		status := 0
		var werr error
		switch {
		case *format == "csv":
			werr = trajWriteCSV(c, runs)
		case len(runs) == 1:
			werr = trajWriteJSON(c.stdout, trajToJSON(runs[0].res, runs[0].flow), pr)
		default:
			werr = trajWriteJSONArray(c.stdout, runs, pr)
		}
		if werr != nil {
			c.warn("writing output: %v", werr)
			return 1
		}
		for _, r := range runs {
			if trajReport(c, r, *steps, len(runs) > 1) {
				status = 1
			}
		}
		if *plot != "" {
			if err := trajPlot(*plot, p, *lr, *steps, x, runs); err != nil {
				c.warn("-plot: %v", err)
				return 1
			}
		}
		return status
	}
}

// trajRun is one flow's comparison with GD.
type trajRun struct {
	flow string
	res  *verify.Result
	err  error
}

// trajReport prints the integrator and distance diagnostics of one run on
// stderr (prefixed with the flow when several are run) and reports
// whether the run stopped early.
func trajReport(c *cli, r trajRun, steps int, prefix bool) bool {
	res, err := r.res, r.err
	pre := ""
	if prefix {
		pre = r.flow + ": "
	}
	if res.IntegratorCheckErr != nil {
		c.warn("%sno integrator error estimate: %v", pre, res.IntegratorCheckErr)
	}
	if res.IntegratorChecked && res.Method != "" {
		how := fmt.Sprintf("rtol %g, atol %g", res.RTol, res.ATol)
		if res.Step > 0 {
			how = fmt.Sprintf("fixed step %g (check: step %g)", res.Step, res.Step/4)
		}
		c.warn("%s%s at %s; integrator error estimate %.2g (max error %.3g)", pre, res.Method, how, res.IntegratorError, res.MaxError)
	}
	if res.IntegratorChecked && res.IntegratorError > 1e-8 && res.IntegratorError > 0.1*res.MaxError {
		c.warn("%sthe integrator error estimate %.2g is not small against the distances (max %.3g): the flow values are unreliable (tighten -rtol or -dt, or the flow is too stiff at this h)",
			pre, res.IntegratorError, res.MaxError)
	}
	for _, pt := range res.Points {
		if math.IsNaN(pt.Error) || math.IsInf(pt.Error, 0) {
			c.warn("%sthe distance at step %d is %v (printed as null in JSON): the flow or GD overflowed", pre, pt.N, pt.Error)
			break
		}
	}
	if err != nil {
		hint := ""
		if errors.Is(err, ode.ErrMaxSteps) {
			hint = " (raise -maxsteps, loosen -rtol, or take fewer or smaller GD steps: a large h·λ makes the flow stiff)"
		}
		c.warn("%sstopped after %d of %d steps: %s%s", pre, max(len(res.Points)-1, 0), steps, oneLine(err.Error()), hint)
		return true
	}
	return false
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

// trajWriteCSV writes one row per step; with several flows a first
// column "flow" names the flow of each row.
func trajWriteCSV(c *cli, runs []trajRun) error {
	d := 0
	if len(runs[0].res.Points) > 0 {
		d = len(runs[0].res.Points[0].GD)
	}
	multi := len(runs) > 1
	head := []string{"n", "t"}
	if multi {
		head = []string{"flow", "n", "t"}
	}
	for _, pre := range []string{"theta_re", "theta_im", "gd"} {
		for i := range d {
			head = append(head, fmt.Sprintf("%s_%d", pre, i+1))
		}
	}
	head = append(head, "error")
	var rows [][]string
	for _, r := range runs {
		for _, pt := range r.res.Points {
			row := make([]string, 0, len(head))
			if multi {
				row = append(row, r.flow)
			}
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
			rows = append(rows, append(row, fmtFloat(pt.Error)))
		}
	}
	return writeCSV(c.stdout, head, rows)
}

// trajWriteJSONArray writes the single-flow documents of several runs as
// one JSON array.
func trajWriteJSONArray(w io.Writer, runs []trajRun, pr *progress) error {
	hw := &holdNewline{w: w}
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	for i, r := range runs {
		if i > 0 {
			hw.pending = false
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		if err := trajWriteJSON(hw, trajToJSON(r.res, r.flow), pr); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}

// holdNewline passes writes through but holds back a final newline until
// more output follows, so documents can be joined with commas.
type holdNewline struct {
	w       io.Writer
	pending bool
}

func (h *holdNewline) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) == 0 {
		return 0, nil
	}
	if h.pending {
		if _, err := h.w.Write([]byte{'\n'}); err != nil {
			return 0, err
		}
		h.pending = false
	}
	if p[len(p)-1] == '\n' {
		p, h.pending = p[:len(p)-1], true
	}
	if _, err := h.w.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}

// trajPlot draws the runs to file, PNG or SVG by its extension (see
// figures.RunFigure; the flows are integrated again, densely).
func trajPlot(file string, p *problems.Problem, h float64, steps int, x0 []float64, runs []trajRun) error {
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = r.flow
	}
	res, err := figures.RunFigure(p, h, steps, x0, names)
	if err != nil {
		return err
	}
	return writeFigure(file, res)
}

// writeFigure writes res to file as SVG (.svg) or PNG (.png).
func writeFigure(file string, res *figures.Result) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if strings.HasSuffix(strings.ToLower(file), ".svg") {
		err = res.WriteSVG(f)
	} else {
		err = res.WritePNG(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// plotExt checks the -plot file name: .png or .svg.
func plotExt(file string) error {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".png", ".svg":
		return nil
	}
	return fmt.Errorf("-plot %q: the file name must end in .png or .svg", file)
}
