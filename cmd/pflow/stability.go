package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
)

func init() {
	register("stability", command{
		summary:  "eigendirections of the Hessian at a point: hλ, φ(hλ), regime, gᵀu (table or JSON)",
		synopsis: "-problem P -lr H [-x0 a,b,…] [-json] [-top K] [-timeout D]",
		define:   defineStability,
	})
}

// stabilityJSON is the `stability -json` contract of docs/design.md.
// Non-finite numbers (edge = 2/h for a subnormal h) print as null.
// The fields edge_null_reason and sc_null_reason are additions to the
// contract (present only when a number is null): they say why.
type stabilityJSON struct {
	Problem        string          `json:"problem"`
	LR             jsonNum         `json:"lr"`
	Theta          jsonVec         `json:"theta"`
	Edge           jsonNum         `json:"edge"`
	EdgeNullReason string          `json:"edge_null_reason,omitempty"`
	Sharpness      jsonNum         `json:"sharpness"`
	Directions     []directionJSON `json:"directions"`
	// The table's header line: E(θ), ‖∇E(θ)‖₂, dE/dt = gᵀφ(hH)g along the
	// principal flow, the number of analysed directions where GD grows
	// (|1 − hλ| > 1) and whether every eigenpair was analysed.
	Loss     jsonNum `json:"loss"`
	GradNorm jsonNum `json:"grad_norm"`
	DEdtRe   jsonNum `json:"dedt_re"`
	DEdtIm   jsonNum `json:"dedt_im"`
	Unstable int     `json:"unstable"`
	Complete bool    `json:"complete"`
}

// directionJSON is one direction; sc_re is null at the pole hλ = 1, where
// φ = −∞ (JSON has no infinities), and sc_null_reason then says so.
type directionJSON struct {
	Lambda       jsonNum `json:"lambda"`
	HLambda      jsonNum `json:"h_lambda"`
	SCRe         jsonNum `json:"sc_re"`
	SCIm         jsonNum `json:"sc_im"`
	SCNullReason string  `json:"sc_null_reason,omitempty"`
	Regime       string  `json:"regime"`
	GradProj     jsonNum `json:"grad_proj"`
	// GrowthGD is |1 − hλ|; DEdtRe, DEdtIm the direction's share
	// φ(hλ)(gᵀu)² of dE/dt.
	GrowthGD jsonNum `json:"growth_gd"`
	DEdtRe   jsonNum `json:"dedt_re"`
	DEdtIm   jsonNum `json:"dedt_im"`
}

// scNullReason says why the stability coefficient φ(hλ) = log(1 − hλ)/(hλ)
// has a non-finite part ("" when both parts are finite).
func scNullReason(hl float64, coef complex128) string {
	re, im := real(coef), imag(coef)
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case finite(re) && finite(im):
		return ""
	case hl == 1:
		return "pole: h_lambda = 1 exactly, where phi(h lambda) = log(1 - h lambda)/(h lambda) = -Inf (JSON has no infinities)"
	case math.IsNaN(hl):
		return "h_lambda is NaN (the eigenvalue is not a number)"
	default:
		return fmt.Sprintf("phi(h lambda) = %v%+vi is not finite at h_lambda = %v (overflow)", re, im, hl)
	}
}

func defineStability(fs *flag.FlagSet) func(c *cli) int {
	problem := fs.String("problem", "", "problem name (required), e.g. quadratic2d or mlp:hidden=20; known: "+strings.Join(problems.Names(), ", "))
	lr := positiveFlag(fs, "lr", "learning rate `H` > 0 (required)", 0)
	x0 := vectorFlag(fs, "x0", "point `a,b,…` (default: the problem's start point)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	timeout := timeoutFlag(fs)
	top := intFlag(fs, "top", "number of largest eigenpairs `K` (0: all, dense; problems without a dense Hessian default to 6 largest + 1 smallest by Lanczos)", 0, 0, 1<<30)
	return func(c *cli) int {
		if *problem == "" {
			return c.fail("-problem is required (known: %s)", strings.Join(problems.Names(), ", "))
		}
		if *lr == 0 {
			return c.fail("-lr is required")
		}
		p, x, err := loadProblem(*problem, *x0)
		if err != nil {
			return c.fail("%v", err)
		}
		var set *stability.Settings
		if *top > 0 {
			set = &stability.Settings{Top: min(*top, p.Dim)}
		}
		ctx, cancel := c.timeoutContext(*timeout)
		defer cancel()
		pt, err := stability.AnalyzeContext(ctx, watchProblem(p, newProgress(c.stderr, "pflow stability: ")), *lr, x, set)
		if err != nil && timedOut(ctx, err) {
			c.warn("-timeout %v reached during the eigendecomposition: nothing computed (%s)", *timeout, oneLine(err.Error()))
			return 1
		}
		if err != nil {
			if errors.Is(err, linalg.ErrNoConvergence) {
				err = fmt.Errorf("%w (ask for fewer eigenpairs with -top)", err)
			}
			return c.exitFor(err, stability.ErrInvalidInput)
		}
		if *asJSON {
			out := stabilityJSON{Problem: p.Name, LR: jsonNum(*lr), Theta: pt.Theta, Edge: jsonNum(pt.Edge), Sharpness: jsonNum(pt.Sharpness),
				Directions: make([]directionJSON, len(pt.Directions)),
				Loss:       jsonNum(pt.Loss), GradNorm: jsonNum(pt.GradNorm), DEdtRe: jsonNum(real(pt.DEdt)), DEdtIm: jsonNum(imag(pt.DEdt)),
				Unstable: pt.Unstable, Complete: pt.Complete}
			for i, d := range pt.Directions {
				out.Directions[i] = directionJSON{Lambda: jsonNum(d.Lambda), HLambda: jsonNum(d.HLambda), SCRe: jsonNum(real(d.Coef)), SCIm: jsonNum(imag(d.Coef)),
					SCNullReason: scNullReason(d.HLambda, d.Coef), Regime: string(d.Regime), GradProj: jsonNum(d.GradProj),
					GrowthGD: jsonNum(d.GrowthGD), DEdtRe: jsonNum(real(d.DEdt)), DEdtIm: jsonNum(imag(d.DEdt))}
				if r := out.Directions[i].SCNullReason; r != "" {
					c.warn("direction %d: sc printed as null: %s", i, r)
				}
			}
			if math.IsInf(pt.Edge, 0) {
				out.EdgeNullReason = fmt.Sprintf("edge 2/h overflows for the subnormal h = %g (JSON has no infinities)", *lr)
				c.warn("edge 2/h = %v for h = %g: printed as null", pt.Edge, *lr)
			}
			if err := writeJSON(c.stdout, out); err != nil {
				c.warn("writing output: %v", err)
				return 1
			}
			return 0
		}
		w := c.stdout
		fmt.Fprintf(w, "problem %s   lr %g   edge 2/h = %.6g   sharpness λ₀ = %.6g   (λ₀h = %.4g)\n", p.Name, *lr, pt.Edge, pt.Sharpness, pt.Sharpness**lr)
		fmt.Fprintf(w, "loss %.6g   ‖g‖ %.4g   PF dE/dt = %s   unstable directions %d", pt.Loss, pt.GradNorm, fmtComplex(pt.DEdt), pt.Unstable)
		if !pt.Complete {
			fmt.Fprintf(w, " (among %d of %d)", len(pt.Directions), p.Dim)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%4s %13s %10s %24s %-22s %12s %9s %24s\n", "i", "λ", "hλ", "φ(hλ)", "regime", "gᵀu", "|1−hλ|", "φ(hλ)(gᵀu)²")
		for i, d := range pt.Directions {
			fmt.Fprintf(w, "%4d %13.6g %10.5g %24s %-22s %12.5g %9.5g %24s\n", i, d.Lambda, d.HLambda, fmtComplex(d.Coef), d.Regime, d.GradProj, d.GrowthGD, fmtComplex(d.DEdt))
		}
		if math.IsInf(real(pt.DEdt), 0) || math.IsNaN(real(pt.DEdt)) {
			c.warn("dE/dt is %s: a direction with gᵀu ≠ 0 sits at the pole hλ = 1 of φ", fmtComplex(pt.DEdt))
		}
		return 0
	}
}

func fmtComplex(z complex128) string {
	if imag(z) == 0 {
		return strconv.FormatFloat(real(z), 'g', 6, 64)
	}
	return fmt.Sprintf("%.6g%+.6gi", real(z), imag(z))
}
