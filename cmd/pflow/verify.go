package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/pflow-go/pflow/verify"
)

func init() {
	register("verify", command{summary: "run the verification suite: every flow against exact GD iterates (table or JSON; exit 1 on failure)", run: runVerify})
}

// verifySuite returns the cases that pflow verify runs; tests replace it to
// check that wrong flows and wrong thresholds make the command fail.
var verifySuite = verify.Suite

type verifyCaseJSON struct {
	Name      string  `json:"name"`
	Problem   string  `json:"problem"`
	Flow      string  `json:"flow"`
	Check     string  `json:"check"`
	Value     trajNum `json:"value"`
	Threshold trajNum `json:"threshold"`
	Pass      bool    `json:"pass"`
}

type verifyJSON struct {
	Cases  []verifyCaseJSON `json:"cases"`
	Passed int              `json:"passed"`
	Failed int              `json:"failed"`
}

func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runRe := fs.String("run", "", "run only the cases whose name matches this regular expression")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a table")
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "pflow verify: "+format+"\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "usage: pflow verify [-run REGEX] [-json]")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		return fail("%v", err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	re, err := regexp.Compile(*runRe)
	if err != nil {
		return fail("malformed -run %q: %v", *runRe, err)
	}
	var cases []verify.Case
	for _, c := range verifySuite() {
		if re.MatchString(c.Name) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return fail("no case matches -run %q", *runRe)
	}
	start := time.Now()
	done := 0
	workers := runtime.GOMAXPROCS(0)
	fmt.Fprintf(stderr, "pflow verify: %d cases on %d workers\n", len(cases), workers)
	outs := verify.Run(cases, workers, func(_ int, o verify.Outcome) {
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
	if *asJSON {
		out := verifyJSON{Cases: make([]verifyCaseJSON, len(outs)), Passed: passed, Failed: failed}
		for i, o := range outs {
			out.Cases[i] = verifyCaseJSON{Name: o.Case.Name, Problem: o.Case.Problem, Flow: o.Case.Flow,
				Check: o.Case.CheckName(), Value: trajNum(o.Value), Threshold: trajNum(o.Case.Threshold), Pass: o.Pass}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "pflow verify: writing output: %v\n", err)
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
	fmt.Fprintf(stderr, "pflow verify: %d passed, %d failed in %.2f s\n", passed, failed, time.Since(start).Seconds())
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
