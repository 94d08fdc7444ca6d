package main

import (
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
	register("sweep", command{
		summary:  "what GD does at each learning rate: converge, oscillate-converge, periodic, chaotic, diverge",
		synopsis: "-problem P [-x0 a,b,…] -lr a:b:n -steps N [-json] [-v] [-workers N]",
		define:   defineSweep,
	})
}

// Limits of `pflow sweep`: rates per call and steps per rate.
const (
	maxSweepRates = 10000
	maxSweepSteps = 10_000_000
)

// sweepJSON is the `sweep -json` contract of docs/design.md. Non-finite
// numbers (distance and lyapunov of a diverging run) print as null.
type sweepJSON struct {
	Problem string          `json:"problem"`
	X0      jsonVec         `json:"x0"`
	Steps   int             `json:"steps"`
	Rates   []sweepRateJSON `json:"rates"`
}

type sweepRateJSON struct {
	LR         jsonNum `json:"lr"`
	Outcome    string  `json:"outcome"`
	Period     int     `json:"period"`
	Distance   jsonNum `json:"distance"`
	Lyapunov   jsonNum `json:"lyapunov"`
	HLambdaMax jsonNum `json:"h_lambda_max"`
}

// sweepDoc converts a stability.Sweep result into the JSON document of
// the contract (shared with `pflow serve`).
func sweepDoc(r *stability.SweepResult) sweepJSON {
	out := sweepJSON{Problem: r.Problem, X0: r.X0, Steps: r.Steps, Rates: make([]sweepRateJSON, len(r.Rates))}
	for i, o := range r.Rates {
		out.Rates[i] = sweepRateJSON{LR: jsonNum(o.H), Outcome: string(o.Outcome), Period: o.Period,
			Distance: jsonNum(o.Distance), Lyapunov: jsonNum(o.Lyapunov), HLambdaMax: jsonNum(o.HLambdaMax)}
	}
	return out
}

// parseRates parses "a:b:n" (n rates from a to b inclusive, evenly
// spaced) or a list "h1,h2,…" of positive finite rates.
func parseRates(s string) ([]float64, error) {
	if parts := strings.Split(s, ":"); len(parts) == 3 {
		a, errA := parsePositive(parts[0])
		b, errB := parsePositive(parts[1])
		n, errN := strconv.Atoi(strings.TrimSpace(parts[2]))
		switch {
		case errA != nil || errB != nil:
			return nil, fmt.Errorf("%q: the bounds of a:b:n must be positive finite numbers", s)
		case errN != nil || n < 1 || n > maxSweepRates:
			return nil, fmt.Errorf("%q: n must be an integer in [1, %d]", s, maxSweepRates)
		case n > 1 && b <= a:
			return nil, fmt.Errorf("%q: want a < b", s)
		}
		return stability.LinRates(a, b, n), nil
	} else if len(parts) != 1 {
		return nil, fmt.Errorf("%q: want a:b:n or a comma-separated list of rates", s)
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		h, err := parsePositive(f)
		if err != nil {
			return nil, fmt.Errorf("rate %q: %v", f, err)
		}
		out = append(out, h)
	}
	if len(out) > maxSweepRates {
		return nil, fmt.Errorf("more than %d rates", maxSweepRates)
	}
	return out, nil
}

func defineSweep(fs *flag.FlagSet) func(c *cli) int {
	problem := fs.String("problem", "", "problem spec (required): a catalogue name or expr:EXPRESSION (then -x0 is required)")
	x0 := vectorFlag(fs, "x0", "start point `a,b,…` (default: the problem's)")
	var rates []float64
	fs.Func("lr", "learning rates (required): `a:b:n` (n rates from a to b inclusive) or h1,h2,…", func(s string) error {
		r, err := parseRates(s)
		rates = r
		return err
	})
	steps := intFlag(fs, "steps", "GD steps per rate `N`", 1000, 1, maxSweepSteps)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	verbose := fs.Bool("v", false, "print the evidence and the stationary point for each rate")
	workers := workersFlag(fs, "learning rates")
	return func(c *cli) int {
		if *problem == "" {
			return c.fail("-problem is required (a catalogue name or expr:…; known: %s)", strings.Join(problems.Names(), ", "))
		}
		if rates == nil {
			return c.fail("-lr is required (a:b:n or h1,h2,…)")
		}
		p, x, err := loadProblem(*problem, *x0)
		if err != nil {
			return c.fail("%v", err)
		}
		if e := p.Real.Func(x); math.IsNaN(e) || math.IsInf(e, 0) {
			return c.fail("the loss at the start point is %v: choose a point where it is finite", e)
		}
		if work := float64(*steps) * float64(len(rates)) * float64(p.Dim); work > 1e10 {
			return c.fail("steps × rates × dimension = %.3g exceeds 1e10: sweep fewer rates or steps", work)
		}
		res, err := stability.Sweep(c.runCtx(), watchProblem(p, newProgress(c.stderr, "pflow sweep: ")), x, rates, *steps,
			&stability.SweepSettings{Workers: *workers})
		if err != nil {
			return c.exitFor(err, stability.ErrInvalidInput)
		}
		if *asJSON {
			if err := writeJSON(c.stdout, sweepDoc(res)); err != nil {
				c.warn("writing output: %v", err)
				return 1
			}
			return 0
		}
		writeSweepTable(c.stdout, res, *verbose)
		return 0
	}
}

// writeSweepTable prints one row per rate (≤ 100 columns) and, with
// verbose, the evidence and the stationary point under each row.
func writeSweepTable(w io.Writer, res *stability.SweepResult, verbose bool) {
	fmt.Fprintf(w, "problem %s   x0 %s   %d steps per rate\n", res.Problem, fmtVec(res.X0), res.Steps)
	fmt.Fprintln(w, "distance: final iterate to the nearest stationary point (- if none or diverged); hλ_max, regime, edge 2/λ_max there")
	fmt.Fprintf(w, "%-10s %-18s %6s %10s %10s %8s %-22s %9s\n", "lr", "outcome", "period", "distance", "lyapunov", "hλ_max", "regime", "edge")
	for _, r := range res.Rates {
		out := string(r.Outcome)
		if !r.Settled {
			out += "?"
		}
		dist := "-" // no stationary point found, or the run diverged
		if !math.IsNaN(r.Distance) {
			dist = fmt.Sprintf("%.3g", r.Distance)
		}
		fmt.Fprintf(w, "%-10.6g %-18s %6d %10s %10.3g %8.4g %-22s %9.4g\n", r.H, out, r.Period, dist, r.Lyapunov, r.HLambdaMax, r.Regime, r.Edge)
		if verbose {
			fmt.Fprintf(w, "    %s\n", r.Evidence)
			if r.Stationary != nil {
				fmt.Fprintf(w, "    stationary point %s, λ_max %.6g, λ_min %.6g\n", fmtVec(r.Stationary), r.LambdaMax, r.LambdaMin)
			}
		}
	}
	for _, r := range res.Rates {
		if !r.Settled {
			fmt.Fprintln(w, "?: not settled within the steps; the outcome is the best reading of the tail (-v says why)")
			break
		}
	}
}

// fmtVec prints a short vector, or its first four entries and its length.
func fmtVec(x []float64) string {
	n := min(len(x), 6)
	if len(x) > 6 {
		n = 4
	}
	s := make([]string, n)
	for i, v := range x[:n] {
		s[i] = strconv.FormatFloat(v, 'g', 6, 64)
	}
	if n < len(x) {
		return "(" + strings.Join(s, ", ") + fmt.Sprintf(", … d = %d)", len(x))
	}
	return "(" + strings.Join(s, ", ") + ")"
}
