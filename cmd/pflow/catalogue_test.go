package main

import (
	"fmt"
	"github.com/pflow-go/pflow/figures"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cliCase is one entry of the bad-input catalogue: the arguments, the
// exit status, a substring of stderr, and whether the case is slow (more
// than about a second; skipped with -short).
type cliCase struct {
	args []string
	code int
	want string
	slow bool
}

// cliCatalogue returns the committed catalogue of command-line inputs
// (docs/reliability.md). dir is a scratch directory for figures.
func cliCatalogue(dir string) []cliCase {
	traj := func(extra ...string) []string {
		return append([]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "3"}, extra...)
	}
	out := filepath.Join(dir, "figs")
	return []cliCase{
		// The program itself.
		{[]string{}, 2, "usage: pflow", false},
		{[]string{"nope"}, 2, `unknown subcommand "nope"`, false},
		{[]string{"help", "nope"}, 2, "unknown subcommand", false},
		{[]string{"help"}, 0, "", false},
		{[]string{"-h"}, 0, "", false},

		// trajectory: required flags, names, numbers, ranges.
		{[]string{"trajectory"}, 2, "-problem is required", false},
		{[]string{"trajectory", "-problem", "quadratic2d"}, 2, "-flow is required", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf"}, 2, "-lr is required", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5"}, 2, "-steps is required", false},
		{[]string{"trajectory", "-problem", "nope", "-flow", "pf", "-lr", "0.5", "-steps", "3"}, 2, "unknown problem", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "nope", "-lr", "0.5", "-steps", "3"}, 2, "unknown flow", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0", "-steps", "3"}, 2, "positive finite", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "-1", "-steps", "3"}, 2, "positive finite", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "NaN", "-steps", "3"}, 2, "positive finite", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "Inf", "-steps", "3"}, 2, "positive finite", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0x1p-1", "-steps", "3"}, 0, "", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "half", "-steps", "3"}, 2, "positive finite", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "0"}, 2, "want an integer", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "-3"}, 2, "want an integer", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "1.5"}, 2, "want an integer", false},
		{traj("-x0", "1"), 2, "-x0 has 1 components", false},
		{traj("-x0", "1,,2"), 2, "not a finite number", false},
		{traj("-x0", ""), 2, "not a finite number", false},
		{traj("-x0", "inf,1"), 2, "not a finite number", false},
		{traj("-x0", "1e308,1e308"), 2, "loss at the start point", false},
		{traj("-method", "nope"), 2, "unknown method", false},
		{traj("-method", "rk4", "-rtol", "1e-6"), 2, "is fixed-step: it takes -dt", false},
		{traj("-method", "dop853", "-dt", "0.01"), 2, "is adaptive: it takes -rtol", false},
		{traj("-rtol", "0"), 2, "relative tolerance in", false},
		{traj("-rtol", "1"), 2, "relative tolerance in", false},
		{traj("-rtol", "1e300"), 2, "relative tolerance in", false},
		{traj("-rtol", "NaN"), 2, "relative tolerance in", false},
		{traj("-rtol", "2e-14"), 2, "2.220446049250313e-14 (100·eps)", false},
		{traj("-rtol", "2.220446049250313e-14"), 0, "", false},
		{traj("-atol", "-1"), 2, "positive finite", false},
		{traj("-atol", "0"), 2, "positive finite", false},
		{traj("-format", "xml"), 2, "unknown value", false},
		{traj("-maxsteps", "-1"), 2, "-maxsteps", false},
		{traj("-timeout", "soon"), 2, "Go duration", false},
		{traj("-timeout", "0s"), 2, "Go duration", false},
		{traj("-timeout", "-1s"), 2, "Go duration", false},
		{traj("-format", "csv"), 0, "", false},
		{traj("-timeout", "1h"), 0, "", false},
		{traj("extra"), 2, `unexpected argument "extra"`, false},
		{[]string{"trajectory", "-problem", "quadratic:d=0", "-flow", "pf", "-lr", "0.5", "-steps", "3"}, 2, "quadratic", false},
		{[]string{"trajectory", "-problem", "quadratic:d=abc", "-flow", "pf", "-lr", "0.5", "-steps", "3"}, 2, "quadratic", false},
		{[]string{"trajectory", "-problem", "mlp:hidden=-1", "-flow", "gd", "-lr", "0.5", "-steps", "3"}, 2, "hidden", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "50", "-maxsteps", "3"}, 1, "raise -maxsteps", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "1e300", "-steps", "5"}, 1, "diverged", false},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "200", "-timeout", "1ns"}, 1, "-timeout 1ns reached", false},
		// Issue 16: 146 s before ErrMaxSteps; now stops when the steps collapse.
		{[]string{"trajectory", "-problem", "matfact", "-flow", "pf", "-lr", "0.5", "-steps", "20"}, 1, "integration stalled", true},

		// stability.
		{[]string{"stability"}, 2, "-problem is required", false},
		{[]string{"stability", "-problem", "quadratic2d"}, 2, "-lr is required", false},
		{[]string{"stability", "-problem", "nope", "-lr", "0.5"}, 2, "unknown problem", false},
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "0.5", "-top", "-1"}, 2, "want an integer", false},
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "0.5", "-x0", "1,2,3"}, 2, "-x0 has 3 components", false},
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "0.5", "-json"}, 0, "sc printed as null: pole", false},
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "1e-320", "-json"}, 0, "printed as null", false},
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "0.9"}, 0, "", false},
		// Issue 16: grew to 9.4 GB. 8·d·(500 + 7) bytes of Lanczos basis:
		// 4.5 GB at d = 1.1e6, above the 4 GiB bound; 68 GB at d = 2²⁴.
		{[]string{"stability", "-problem", "benchquad:d=1100000", "-lr", "0.1"}, 2, "above the bound", false},
		{[]string{"stability", "-problem", "benchquad:d=16777216", "-lr", "0.1"}, 2, "needs about 68 GB", true},
		{[]string{"stability", "-problem", "benchquad:d=20000", "-lr", "0.1", "-timeout", "1ns"}, 1, "-timeout 1ns reached", false},
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "0.5", "-timeout", "x"}, 2, "Go duration", false},

		// verify.
		{[]string{"verify", "-run", "("}, 2, "malformed -run", false},
		{[]string{"verify", "-run", "^no-such-case$"}, 2, "no case matches", false},
		{[]string{"verify", "-run", "^pf-exact/quadratic2d", "-json"}, 0, "", false},
		{[]string{"verify", "-timeout", "1ns"}, 1, "-timeout 1ns reached", false},
		{[]string{"verify", "-timeout", "5"}, 2, "Go duration", false},

		// figures.
		{[]string{"figures", "-out", out, "-only", ""}, 2, "empty figure list", false},
		{[]string{"figures", "-out", out, "-only", " "}, 2, "empty figure list", false},
		{[]string{"figures", "-out", out, "-only", "nope"}, 2, `unknown figure "nope"`, false},
		{[]string{"figures", "-out", out, "-only", "saddle,"}, 2, `unknown figure ""`, false},
		{[]string{"figures", "-out", out, "-only", "stability-coefficient"}, 0, "stability-coefficient", false},
		{[]string{"figures", "-out", out, "-timeout", "1ns"}, 1, fmt.Sprintf("-timeout 1ns reached: 0 of %d", len(figures.Names())), false},
		{[]string{"figures", "-out", filepath.Join(dir, "file", "sub"), "-only", "stability-coefficient"}, 1, "figures", false},

		// bench.
		{[]string{"bench", "-problem", "lorenz", "-method", "dopri5", "-rtol", "1e300"}, 2, "relative tolerance in", false},
		{[]string{"bench", "-method", "verlet", "-rtol", "1e-6"}, 2, "meaningless for the fixed-step", false},
		{[]string{"bench", "-method", "verlet", "-h0", "0.1"}, 2, "meaningless for the fixed-step", false},
		{[]string{"bench", "-problem", ""}, 2, "empty problem list", false},
		{[]string{"bench", "-method", ""}, 2, "empty method list", false},
		{[]string{"bench", "-problem", "nope"}, 2, `unknown problem "nope"`, false},
		{[]string{"bench", "-method", "nope"}, 2, `unknown method "nope"`, false},
		{[]string{"bench", "-method", "rk4"}, 2, "no error estimator", false},
		{[]string{"bench", "-method", "radau5", "-steps", "10"}, 2, "adaptive", false},
		{[]string{"bench", "-steps", "10", "-rtol", "1e-6"}, 2, "cannot be combined", false},
		{[]string{"bench", "-format", "xml"}, 2, "unknown value", false},
		{[]string{"bench", "-reps", "0"}, 2, "want an integer", false},
		{[]string{"bench", "-h0", "-1"}, 2, "positive finite", false},
		{[]string{"bench", "-atol", "1e-300", "-problem", "arenstorf", "-method", "dopri5"}, 2, "relative tolerance in", false},
		{[]string{"bench", "-problem", "lorenz", "-method", "dopri5", "-rtol", "0.5", "-atol", "1e300", "-reps", "1"}, 1, "rows failed (error printed as NaN)", false},
		{[]string{"bench", "-problem", "lorenz", "-method", "dopri5", "-rtol", "0.5", "-atol", "1e300", "-reps", "1", "-format", "json"}, 1, "printed as null", false},
		{[]string{"bench", "-problem", "arenstorf", "-method", "dopri5", "-rtol", "1e-6", "-reps", "1"}, 0, "", false},
		{[]string{"bench", "-problem", "arenstorf", "-method", "dopri5", "-timeout", "1ns"}, 1, "-timeout 1ns reached: 0 of 3 rows", false},

		// -workers (sweep, dal, eos, figures, trajectory, verify): an
		// integer in [0, 1024]; 0 means every core.
		{[]string{"sweep", "-problem", "quadratic2d", "-lr", "0.1:1:3", "-steps", "10", "-workers", "-1"}, 2, "want an integer in [0, 1024]", false},
		{[]string{"sweep", "-problem", "quadratic2d", "-lr", "0.1:1:3", "-steps", "10", "-workers", "1025"}, 2, "want an integer in [0, 1024]", false},
		{[]string{"sweep", "-problem", "quadratic2d", "-lr", "0.1:1:3", "-steps", "10", "-workers", "2"}, 0, "", false},
		{[]string{"sweep", "-problem", "quadratic2d", "-lr", "0.1:1:3", "-steps", "10", "-workers", "0"}, 0, "", false},
		{traj("-flow", "pf,ngf", "-workers", "two"), 2, "want an integer in [0, 1024]", false},
		{traj("-flow", "pf,ngf", "-workers", "3"), 0, "", false},
		{[]string{"verify", "-run", "^pf-exact/quadratic2d", "-workers", "1.5"}, 2, "want an integer in [0, 1024]", false},
		{[]string{"figures", "-out", out, "-only", "stability-coefficient", "-workers", "-2"}, 2, "want an integer in [0, 1024]", false},
		{[]string{"dal", "-lr", "0.1", "-steps", "5", "-workers", ""}, 2, "want an integer in [0, 1024]", false},
		{[]string{"eos", "-problem", "cfjax", "-lr", "0.1", "-steps", "5", "-workers", "1e3"}, 2, "want an integer in [0, 1024]", false},
	}
}

var nonFinite = regexp.MustCompile(`(?i)\bnan\b|[+-]?\binf\b|\bnull\b`)

// TestCLICatalogue runs the catalogue and, for every case, checks the
// contract of docs/reliability.md: the exit status; exit 2 prints one
// line on stderr and nothing on stdout; NaN, Inf or null on stdout only
// with a reason on stderr; no panic (a panic fails the test binary).
// Every registered subcommand, including those added later, also gets
// the generic cases: -h exits 0, an unknown flag and a stray argument
// exit 2.
func TestCLICatalogue(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := cliCatalogue(dir)
	for _, name := range sortedNames() {
		cases = append(cases,
			cliCase{[]string{name, "-h"}, 0, "", false},
			cliCase{[]string{name, "-no-such-flag"}, 2, "flag provided but not defined", false},
			cliCase{[]string{name, "-no-such-flag=1"}, 2, "flag provided but not defined", false})
	}
	if n := len(cliCatalogue(dir)); n < 60 {
		t.Errorf("the catalogue has %d command-line cases, issue 16 asks for at least 60", n)
	}
	for _, c := range cases {
		if c.slow && testing.Short() {
			continue
		}
		code, out, errOut := runCmd(c.args...)
		if code != c.code || !strings.Contains(errOut+out, c.want) {
			t.Errorf("%q: exit %d (want %d), stderr %q (want %q)", c.args, code, c.code, trim(errOut), c.want)
			continue
		}
		if code == 2 && len(c.args) > 0 && (out != "" || strings.Count(errOut, "\n") != 1) {
			t.Errorf("%q: stdout %q, stderr %q: want one line on stderr only", c.args, trim(out), trim(errOut))
		}
		help := len(c.args) > 0 && (c.args[len(c.args)-1] == "-h" || c.args[len(c.args)-1] == "-help")
		if code != 2 && !help && nonFinite.MatchString(out) && !nonFinite.MatchString(errOut) && !strings.Contains(errOut, "pole") {
			t.Errorf("%q: %q on stdout without a reason on stderr:\n%s", c.args, nonFinite.FindString(out), trim(errOut))
		}
	}
}

func trim(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}
