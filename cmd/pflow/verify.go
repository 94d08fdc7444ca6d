package main

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/pflow-go/pflow/verify"
)

func init() {
	register("verify", command{
		summary:  "run the verification suite: every flow against exact GD iterates (table or JSON; exit 1 on failure)",
		synopsis: "[-run REGEX] [-json] [-timeout D]",
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
}

// verifyJSON is the `verify -json` contract of docs/design.md.
type verifyJSON struct {
	Cases  []verifyCaseJSON `json:"cases"`
	Passed int              `json:"passed"`
	Failed int              `json:"failed"`
}

func defineVerify(fs *flag.FlagSet) func(c *cli) int {
	runRe := fs.String("run", "", "run only the cases whose name matches this regular expression")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a table")
	timeout := timeoutFlag(fs)
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
		ctx, cancel := runContext(*timeout)
		defer cancel()
		code := runVerify(ctx, c, cases, *asJSON)
		if ctx.Err() != nil {
			c.warn("-timeout %v reached: the cases cut short or not run are reported as failed, with value NaN (null in JSON)", *timeout)
			return 1
		}
		return code
	}
}

func runVerify(ctx context.Context, c *cli, cases []verify.Case, asJSON bool) int {
	stdout, stderr := c.stdout, c.stderr
	start := time.Now()
	done := 0
	workers := runtime.GOMAXPROCS(0)
	c.warn("%d cases on %d workers", len(cases), workers)
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
				Check: o.Case.CheckName(), Value: jsonNum(o.Value), Threshold: jsonNum(o.Case.Threshold), Pass: o.Pass}
		}
		if err := writeJSON(stdout, out); err != nil {
			c.warn("writing output: %v", err)
			return 1
		}
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CASE\tPROBLEM\tFLOW\tCHECK\tVALUE\tTHRESHOLD\tRESULT\tDETAIL")
		for _, o := range outs {
			res := "pass"
			if !o.Pass {
				res = "FAIL"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.3g\t%.3g\t%s\t%s\n", o.Case.Name, verifyShort(o.Case.Problem), o.Case.Flow,
				o.Case.CheckName(), o.Value, o.Case.Threshold, res, o.Detail)
		}
		tw.Flush()
		fmt.Fprintf(stdout, "\n%d passed, %d failed\n", passed, failed)
	}
	c.warn("%d passed, %d failed in %.2f s", passed, failed, time.Since(start).Seconds())
	if failed > 0 {
		return 1
	}
	return 0
}

// verifyShort trims a parameterised problem spec for the table.
func verifyShort(spec string) string {
	if len(spec) > 16 {
		return spec[:15] + "…"
	}
	return spec
}
