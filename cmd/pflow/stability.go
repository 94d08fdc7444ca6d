package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
)

func init() {
	register("stability", command{summary: "eigendirections of the Hessian at a point: hλ, φ(hλ), regime, gᵀu (table or JSON)", run: runStability})
}

// stabilityJSON is the `stability -json` contract of docs/design.md.
type stabilityJSON struct {
	Problem    string          `json:"problem"`
	LR         float64         `json:"lr"`
	Theta      []float64       `json:"theta"`
	Edge       float64         `json:"edge"`
	Sharpness  float64         `json:"sharpness"`
	Directions []directionJSON `json:"directions"`
}

// directionJSON is one direction; sc_re is null at the pole hλ = 1, where
// φ = −∞ (JSON has no infinities).
type directionJSON struct {
	Lambda   float64  `json:"lambda"`
	HLambda  float64  `json:"h_lambda"`
	SCRe     *float64 `json:"sc_re"`
	SCIm     float64  `json:"sc_im"`
	Regime   string   `json:"regime"`
	GradProj float64  `json:"grad_proj"`
}

// parseVector parses "a,b,…" into n finite floats.
func parseVector(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("has %d components, the problem has dimension %d", len(parts), n)
	}
	x := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("component %d %q is not a finite number", i+1, p)
		}
		x[i] = v
	}
	return x, nil
}

func runStability(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stability", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	problem := fs.String("problem", "", "problem name (see problems.Names), e.g. quadratic2d or mlp:hidden=20")
	lrS := fs.String("lr", "", "learning rate h > 0")
	x0S := fs.String("x0", "", "point a,b,… (default: the problem's start point)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	topS := fs.String("top", "0", "number of largest eigenpairs (0: all, dense; problems without a dense Hessian default to 6 largest + 1 smallest by Lanczos)")
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "pflow stability: "+format+"\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "usage: pflow stability -problem P -lr H [-x0 a,b,…] [-json] [-top K]")
			fs.PrintDefaults()
			return 0
		}
		return fail("%v", err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	if *problem == "" {
		return fail("-problem is required (known: %s)", strings.Join(problems.Names(), ", "))
	}
	if *lrS == "" {
		return fail("-lr is required")
	}
	h, err := strconv.ParseFloat(*lrS, 64)
	if err != nil || !(h > 0) || math.IsInf(h, 0) {
		return fail("malformed -lr %q: want a positive finite number", *lrS)
	}
	top, err := strconv.Atoi(*topS)
	if err != nil || top < 0 {
		return fail("malformed -top %q: want a non-negative integer", *topS)
	}
	p, err := problems.ByName(*problem)
	if err != nil {
		return fail("%v", err)
	}
	x := p.Start()
	if *x0S != "" {
		if x, err = parseVector(*x0S, p.Dim); err != nil {
			return fail("malformed -x0 %q: %v", *x0S, err)
		}
	}
	var set *stability.Settings
	if top > 0 {
		set = &stability.Settings{Top: min(top, p.Dim)}
	}
	pt, err := stability.Analyze(p, h, x, set)
	if err != nil {
		return fail("%v", err)
	}
	if *asJSON {
		out := stabilityJSON{Problem: p.Name, LR: h, Theta: pt.Theta, Edge: pt.Edge, Sharpness: pt.Sharpness}
		for _, d := range pt.Directions {
			dj := directionJSON{Lambda: d.Lambda, HLambda: d.HLambda, SCIm: imag(d.Coef), Regime: string(d.Regime), GradProj: d.GradProj}
			if re := real(d.Coef); !math.IsInf(re, 0) {
				dj.SCRe = &re
			}
			out.Directions = append(out.Directions, dj)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail("%v", err)
		}
		return 0
	}
	fmt.Fprintf(stdout, "problem %s   lr %g   edge 2/h = %.6g   sharpness λ₀ = %.6g   (λ₀h = %.4g)\n", p.Name, h, pt.Edge, pt.Sharpness, pt.Sharpness*h)
	fmt.Fprintf(stdout, "loss %.6g   ‖g‖ %.4g   PF dE/dt = %s   unstable directions %d", pt.Loss, pt.GradNorm, fmtComplex(pt.DEdt), pt.Unstable)
	if !pt.Complete {
		fmt.Fprintf(stdout, " (among %d of %d)", len(pt.Directions), p.Dim)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "%4s %13s %10s %24s %-22s %12s %9s %24s\n", "i", "λ", "hλ", "φ(hλ)", "regime", "gᵀu", "|1−hλ|", "φ(hλ)(gᵀu)²")
	for i, d := range pt.Directions {
		fmt.Fprintf(stdout, "%4d %13.6g %10.5g %24s %-22s %12.5g %9.5g %24s\n", i, d.Lambda, d.HLambda, fmtComplex(d.Coef), d.Regime, d.GradProj, d.GrowthGD, fmtComplex(d.DEdt))
	}
	return 0
}

func fmtComplex(z complex128) string {
	if imag(z) == 0 {
		return strconv.FormatFloat(real(z), 'g', 6, 64)
	}
	return fmt.Sprintf("%.6g%+.6gi", real(z), imag(z))
}
