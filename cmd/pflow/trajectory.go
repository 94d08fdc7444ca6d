package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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
	register("trajectory", command{summary: "a flow of GD next to the GD iterates, with the distance at every step (JSON or CSV)", run: runTrajectory})
}

// trajMaxSteps caps -steps and trajMaxNumbers caps (steps+1)·dim: every
// step is stored and printed.
const (
	trajMaxSteps   = 1_000_000
	trajMaxNumbers = 10_000_000
)

// trajNum is a float64 that encodes as JSON null when it is not finite
// (encoding/json rejects NaN and ±Inf).
type trajNum float64

func (x trajNum) MarshalJSON() ([]byte, error) {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

type trajPoint struct {
	N       int       `json:"n"`
	T       trajNum   `json:"t"`
	ThetaRe []trajNum `json:"theta_re"`
	ThetaIm []trajNum `json:"theta_im"`
	GD      []trajNum `json:"gd"`
	Error   trajNum   `json:"error"`
}

type trajOutput struct {
	Problem  string      `json:"problem"`
	Flow     string      `json:"flow"`
	LR       trajNum     `json:"lr"`
	Steps    int         `json:"steps"`
	Method   string      `json:"method"`
	Points   []trajPoint `json:"points"`
	MaxError trajNum     `json:"max_error"`
	NFev     int         `json:"nfev"`
}

func trajFlowNames() []string {
	names := append([]string{verify.GD}, modified.Names()...)
	slices.Sort(names)
	return names
}

// trajParseX0 parses "a,b,…" into float64s.
func trajParseX0(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	x := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("malformed -x0 component %d %q: want a finite number", i+1, p)
		}
		x[i] = v
	}
	return x, nil
}

func runTrajectory(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trajectory", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	problem := fs.String("problem", "", "problem spec for problems.ByName (required), e.g. quadratic2d, deeplinear:k=3")
	flow := fs.String("flow", "", "flow: "+strings.Join(trajFlowNames(), ", ")+" (required)")
	lrS := fs.String("lr", "", "learning rate h > 0 (required)")
	stepsS := fs.String("steps", "", "number of GD steps N ≥ 1 (required)")
	x0S := fs.String("x0", "", "start point a,b,… (default: the problem's)")
	method := fs.String("method", "dop853", "adaptive integrator: "+strings.Join(trajAdaptive(), ", "))
	rtolS := fs.String("rtol", "", fmt.Sprintf("relative tolerance (default %g)", verify.DefaultRTol))
	atolS := fs.String("atol", "", fmt.Sprintf("absolute tolerance (default %g)", verify.DefaultATol))
	format := fs.String("format", "json", "output format: json or csv")
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "pflow trajectory: "+format+"\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "usage: pflow trajectory -problem P -flow F -lr H -steps N [-x0 a,b,…] [-method M] [-rtol R -atol A] [-format json|csv]")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		return fail("%v", err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	for _, req := range []struct{ name, v string }{{"problem", *problem}, {"flow", *flow}, {"lr", *lrS}, {"steps", *stepsS}} {
		if req.v == "" {
			return fail("-%s is required", req.name)
		}
	}
	if *format != "json" && *format != "csv" {
		return fail("unknown format %q (known: json, csv)", *format)
	}
	lr, err := strconv.ParseFloat(*lrS, 64)
	if err != nil || math.IsNaN(lr) || math.IsInf(lr, 0) || lr <= 0 {
		return fail("malformed -lr %q: want a positive finite number", *lrS)
	}
	steps, err := strconv.Atoi(*stepsS)
	if err != nil || steps < 1 || steps > trajMaxSteps {
		return fail("malformed -steps %q: want an integer in [1, %d]", *stepsS, trajMaxSteps)
	}
	tol := func(name, v string) (float64, error) {
		if v == "" {
			return 0, nil
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x <= 0 {
			return 0, fmt.Errorf("malformed -%s %q: want a positive finite number", name, v)
		}
		return x, nil
	}
	rtol, err := tol("rtol", *rtolS)
	if err != nil {
		return fail("%v", err)
	}
	atol, err := tol("atol", *atolS)
	if err != nil {
		return fail("%v", err)
	}
	m, err := ode.Lookup(*method)
	if err != nil {
		return fail("unknown method %q (adaptive methods: %s)", *method, strings.Join(trajAdaptive(), ", "))
	}
	if !m.Adaptive() {
		return fail("method %q has no error estimator (adaptive methods: %s)", *method, strings.Join(trajAdaptive(), ", "))
	}
	if !slices.Contains(trajFlowNames(), *flow) {
		return fail("unknown flow %q (known: %s)", *flow, strings.Join(trajFlowNames(), ", "))
	}
	p, err := problems.ByName(*problem)
	if err != nil {
		return fail("%v", err)
	}
	x0 := p.Start()
	if *x0S != "" {
		if x0, err = trajParseX0(*x0S); err != nil {
			return fail("%v", err)
		}
		if len(x0) != p.Dim {
			return fail("-x0 has %d components, problem %s has dimension %d", len(x0), p.Name, p.Dim)
		}
	}
	if (steps+1)*p.Dim > trajMaxNumbers {
		return fail("%d steps of a %d-dimensional problem would print more than %d numbers per column", steps, p.Dim, trajMaxNumbers)
	}
	res, err := verify.Compare(p, *flow, lr, steps, x0, &verify.Settings{Method: m, RTol: rtol, ATol: atol})
	if res == nil {
		// Nothing was computed: the inputs were rejected.
		return fail("%v", err)
	}
	if *format == "json" {
		if werr := trajWriteJSON(stdout, res, *flow); werr != nil {
			fmt.Fprintf(stderr, "pflow trajectory: writing output: %v\n", werr)
			return 1
		}
	} else if werr := trajWriteCSV(stdout, res); werr != nil {
		fmt.Fprintf(stderr, "pflow trajectory: writing output: %v\n", werr)
		return 1
	}
	if res.IntegratorCheckErr != nil {
		fmt.Fprintf(stderr, "pflow trajectory: no integrator error estimate: %v\n", res.IntegratorCheckErr)
	}
	if res.IntegratorChecked && res.Method != "" {
		fmt.Fprintf(stderr, "pflow trajectory: %s at rtol %g, atol %g; integrator error estimate %.2g (max error %.3g)\n",
			res.Method, res.RTol, res.ATol, res.IntegratorError, res.MaxError)
	}
	if err != nil {
		fmt.Fprintf(stderr, "pflow trajectory: stopped after %d of %d steps: %v\n", len(res.Points)-1, steps, err)
		return 1
	}
	return 0
}

// trajAdaptive lists the ode methods usable by trajectory.
func trajAdaptive() []string {
	var out []string
	for _, n := range ode.Names() {
		if m, err := ode.Lookup(n); err == nil && m.Adaptive() {
			out = append(out, n)
		}
	}
	return out
}

func trajNums(x []float64) []trajNum {
	out := make([]trajNum, len(x))
	for i, v := range x {
		out[i] = trajNum(v)
	}
	return out
}

func trajWriteJSON(w io.Writer, r *verify.Result, flow string) error {
	method := r.Method
	if method == "" {
		method = "none"
	}
	out := trajOutput{Problem: r.Problem, Flow: flow, LR: trajNum(r.H), Steps: r.N, Method: method,
		MaxError: trajNum(r.MaxError), NFev: r.Stats.NFev, Points: make([]trajPoint, len(r.Points))}
	for k, pt := range r.Points {
		re := make([]float64, len(pt.Flow))
		im := make([]float64, len(pt.Flow))
		for i, z := range pt.Flow {
			re[i], im[i] = real(z), imag(z)
		}
		out.Points[k] = trajPoint{N: pt.N, T: trajNum(pt.T), ThetaRe: trajNums(re), ThetaIm: trajNums(im),
			GD: trajNums(pt.GD), Error: trajNum(pt.Error)}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func trajWriteCSV(w io.Writer, r *verify.Result) error {
	cw := csv.NewWriter(w)
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
	if err := cw.Write(head); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, pt := range r.Points {
		row := []string{strconv.Itoa(pt.N), f(pt.T)}
		for _, z := range pt.Flow {
			row = append(row, f(real(z)))
		}
		for _, z := range pt.Flow {
			row = append(row, f(imag(z)))
		}
		for _, v := range pt.GD {
			row = append(row, f(v))
		}
		row = append(row, f(pt.Error))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
