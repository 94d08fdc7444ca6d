package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"time"

	"github.com/pflow-go/pflow/verify"
)

func init() {
	register("verify", command{
		summary:  "run the verification suite: every flow against exact GD iterates (table or JSON; exit 1 on failure)",
		synopsis: "[-run REGEX] [-json] [-v] [-timeout D] [-workers N]",
		define:   defineVerify,
	})
}

// verifySuite returns the cases that pflow verify runs; tests replace it to
// check that wrong flows and wrong thresholds make the command fail.
var verifySuite = verify.Suite

type verifyCaseJSON struct {
	Name      string  `json:"name"`
	Problem   string  `json:"problem"`
	Flow      string  `json:"flow"`
	Check     string  `json:"check"`
	Value     jsonNum `json:"value"`
	Threshold jsonNum `json:"threshold"`
	Pass      bool    `json:"pass"`
	// Detail is the table's DETAIL (-v): the observed order with its
	// spread, or the distances, integrator error and evaluations.
	Detail string `json:"detail"`
}

// verifyJSON is the `verify -json` contract of docs/design.md.
type verifyJSON struct {
	Cases  []verifyCaseJSON `json:"cases"`
	Passed int              `json:"passed"`
	Failed int              `json:"failed"`
}

func defineVerify(fs *flag.FlagSet) func(c *cli) int {
	runRe := fs.String("run", "", "run only the cases whose name matches this regular expression")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a table (with each case's detail)")
	verbose := fs.Bool("v", false, "print each case's detail under its row")
	timeout := timeoutFlag(fs)
	workers := workersFlag(fs, "cases")
	return func(c *cli) int {
		re, err := regexp.Compile(*runRe)
		if err != nil {
			return c.fail("malformed -run %q: %v", *runRe, oneLine(err.Error()))
		}
		var cases []verify.Case
		for _, vc := range verifySuite() {
			if re.MatchString(vc.Name) {
				cases = append(cases, vc)
			}
		}
		if len(cases) == 0 {
			return c.fail("no case matches -run %q", *runRe)
		}
		ctx, cancel := c.timeoutContext(*timeout)
		defer cancel()
		code := runVerify(ctx, c, cases, *workers, *asJSON, *verbose)
		if ctx.Err() != nil {
			c.warn("-timeout %v reached: the cases cut short or not run are reported as failed, with value NaN (null in JSON)", *timeout)
			return 1
		}
		return code
	}
}

func runVerify(ctx context.Context, c *cli, cases []verify.Case, workers int, asJSON, verbose bool) int {
	stdout, stderr := c.stdout, c.stderr
	start := time.Now()
	done := 0
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	c.warn("%d cases on %d workers", len(cases), min(workers, len(cases)))
	outs := verify.RunContext(ctx, cases, workers, func(_ int, o verify.Outcome) {
		done++
		status := "ok"
		if !o.Pass {
			status = "FAIL"
		}
		fmt.Fprintf(stderr, "[%d/%d] %-4s %s\n", done, len(cases), status, o.Case.Name)
	})
	passed, failed := 0, 0
	for _, o := range outs {
		if o.Pass {
			passed++
		} else {
			failed++
		}
	}
	if asJSON {
		out := verifyJSON{Cases: make([]verifyCaseJSON, len(outs)), Passed: passed, Failed: failed}
		for i, o := range outs {
			out.Cases[i] = verifyCaseJSON{Name: o.Case.Name, Problem: o.Case.Problem, Flow: o.Case.Flow,
				Check: o.Case.CheckName(), Value: jsonNum(o.Value), Threshold: jsonNum(o.Case.Threshold), Pass: o.Pass, Detail: o.Detail}
		}
		if err := writeJSON(stdout, out); err != nil {
			c.warn("writing output: %v", err)
			return 1
		}
	} else {
		writeVerifyTable(stdout, outs, verbose)
		fmt.Fprintf(stdout, "\n%d passed, %d failed\n", passed, failed)
	}
	c.warn("%d passed, %d failed in %.2f s", passed, failed, time.Since(start).Seconds())
	if failed > 0 {
		return 1
	}
	return 0
}

// verifyLegend is the table's one-line legend: what VALUE measures.
const verifyLegend = "VALUE vs exact GD iterates θ_n: max_error max‖θ_flow(nh)−θ_n‖; distance ‖θ_flow(Nh)−ref‖; growth that/‖θ₀−ref‖"

// writeVerifyTable prints the outcomes in fixed columns (at most 110
// characters wide; long names are cut with …), a legend, and with verbose
// each case's detail on an indented line under its row.
func writeVerifyTable(w io.Writer, outs []verify.Outcome, verbose bool) {
	const row = "%-36s %-16s %-8s %-20s %9s %9s %s\n"
	fmt.Fprintln(w, verifyLegend)
	fmt.Fprintf(w, row, "CASE", "PROBLEM", "FLOW", "CHECK", "VALUE", "THRESHOLD", "RESULT")
	for _, o := range outs {
		res := "pass"
		if !o.Pass {
			res = "FAIL"
		}
		fmt.Fprintf(w, row, cut(o.Case.Name, 36), cut(o.Case.Problem, 16), cut(o.Case.Flow, 8), cut(o.Case.CheckName(), 20),
			fmt.Sprintf("%.3g", o.Value), fmt.Sprintf("%.3g", o.Case.Threshold), res)
		if verbose || !o.Pass {
			fmt.Fprintf(w, "    %s\n", o.Detail)
		}
	}
}

// cut shortens s to n characters, ending in … when cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
