package main

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

// keysOf returns the sorted keys of a JSON object.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, raw)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// TestJSONContracts decodes every subcommand's JSON into maps and checks
// the exact key sets of docs/design.md (and docs/benchmarks.md for
// bench), top level and per item, and that no HTML escape (\u003c for <)
// appears.
func TestJSONContracts(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		top     []string // nil: the output is an array of items
		items   string   // key holding the items
		itemKey []string
	}{
		{"bench", []string{"bench", "-problem", "arenstorf,principal_d100", "-method", "dopri5", "-rtol", "1e-6", "-reps", "1", "-format", "json"},
			nil, "", sorted("problem", "solver", "rtol", "atol", "nfev", "error", "seconds")},
		{"trajectory", []string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "1.05", "-steps", "3"},
			sorted("problem", "flow", "lr", "steps", "method", "points", "max_error", "nfev"), "points", sorted("n", "t", "theta_re", "theta_im", "gd", "error")},
		{"verify", []string{"verify", "-json", "-run", "^pf-exact/quadratic2d"},
			sorted("cases", "passed", "failed"), "cases", sorted("name", "problem", "flow", "check", "value", "threshold", "pass", "detail")},
		{"stability", []string{"stability", "-problem", "quadratic2d", "-lr", "0.5", "-json"},
			sorted("problem", "lr", "theta", "edge", "sharpness", "directions", "loss", "grad_norm", "dedt_re", "dedt_im", "unstable", "complete"),
			"directions", sorted("lambda", "h_lambda", "sc_re", "sc_im", "regime", "grad_proj", "growth_gd", "dedt_re", "dedt_im")},
	}
	for _, c := range cases {
		code, out, errOut := runCmd(c.args...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", c.name, code, errOut)
			continue
		}
		if strings.Contains(out, `\u00`) {
			t.Errorf("%s: HTML-escaped output:\n%s", c.name, out)
		}
		var items []json.RawMessage
		if c.top == nil {
			if err := json.Unmarshal([]byte(out), &items); err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
		} else {
			if got := keysOf(t, json.RawMessage(out)); !slices.Equal(got, c.top) {
				t.Errorf("%s: keys %v, want %v", c.name, got, c.top)
			}
			var m map[string]json.RawMessage
			_ = json.Unmarshal([]byte(out), &m)
			if err := json.Unmarshal(m[c.items], &items); err != nil {
				t.Errorf("%s: %s: %v", c.name, c.items, err)
				continue
			}
		}
		if len(items) < 2 {
			t.Errorf("%s: %d items", c.name, len(items))
		}
		for i, it := range items {
			got := keysOf(t, it)
			if c.name == "stability" && i == 0 {
				// The pole hλ = 1 of direction 0: sc_re is null, and the
				// added sc_null_reason says why.
				if !slices.Contains(got, "sc_null_reason") {
					t.Errorf("stability: direction 0 (sc_re null) has no sc_null_reason")
				}
				got = slices.DeleteFunc(got, func(k string) bool { return k == "sc_null_reason" })
			}
			if !slices.Equal(got, c.itemKey) {
				t.Errorf("%s: item %d keys %v, want %v", c.name, i, got, c.itemKey)
			}
		}
		if c.name == "verify" && !strings.Contains(out, `"check": "max_error <="`) {
			t.Errorf("verify: the check is not printed as is:\n%s", out)
		}
	}
}

// TestUsage: no subcommand and unknown subcommands exit 2, explicit help 0;
// the usage lists every subcommand with all of its flags.
func TestUsage(t *testing.T) {
	code, out, errOut := runCmd()
	if code != 2 || out != "" {
		t.Errorf("no subcommand: exit %d, stdout %q", code, out)
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, _ := runCmd(args...)
		if code != 0 || out != errOut {
			t.Errorf("%v: exit %d; differs from the no-argument usage", args, code)
		}
	}
	flags := map[string][]string{
		"bench":      {"-problem", "-method", "-rtol", "-atol", "-steps", "-h0", "-format", "-reps"},
		"trajectory": {"-problem", "-flow", "-lr", "-steps", "-x0", "-method", "-rtol", "-atol", "-maxsteps", "-format", "-workers"},
		"verify":     {"-run", "-json", "-v", "-workers"},
		"stability":  {"-problem", "-lr", "-x0", "-json", "-top"},
		"figures":    {"-out", "-only", "-workers"},
		"bseries":    {"-method", "-order", "-format"},
		"sweep":      {"-problem", "-x0", "-lr", "-steps", "-json", "-v", "-workers"},
		"serve":      {"-addr", "-timeout"},
		"eos":        {"-problem", "-lr", "-steps", "-models", "-k", "-every", "-sample", "-eigs", "-substeps", "-maxsteps", "-pf-tol", "-data", "-timeout", "-format", "-workers"},
		"dal":        {"-problem", "-lr", "-p", "-gd-lr", "-steps", "-every", "-data", "-format", "-workers"},
	}
	if n := strings.Count(errOut, "\n"); n > 25 {
		t.Errorf("bare pflow prints %d lines, want ≤ 25", n)
	}
	_, all, _ := runCmd("help", "all")
	if len(flags) != len(commands) {
		t.Errorf("%d subcommands registered, %d checked", len(commands), len(flags))
	}
	for name, fl := range flags {
		if !strings.Contains(errOut, "  "+name+" ") || !strings.Contains(all, "usage: pflow "+name+" ") {
			t.Errorf("usage misses %s", name)
		}
		for _, args := range [][]string{{"help", name}, {name, "-h"}, {name, "-help"}} {
			code, out, _ := runCmd(args...)
			if code != 0 || !strings.HasPrefix(out, "usage: pflow "+name+" ") {
				t.Errorf("%v: exit %d\n%s", args, code, out)
			}
			for _, f := range fl {
				if !strings.Contains(out, "  "+f+" ") && !strings.Contains(out, "  "+f+"\n") && !strings.Contains(out, "  "+f+"\t") {
					t.Errorf("%v: flag %s not listed\n%s", args, f, out)
				}
				if !strings.Contains(all, "  "+f) {
					t.Errorf("usage misses %s %s", name, f)
				}
			}
		}
	}
	for _, args := range [][]string{{"nope"}, {"help", "nope"}, {"-x"}} {
		code, out, errOut := runCmd(args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestHostileInput runs the inputs that once misbehaved (or could): each
// gives its exit status and a reason on stderr; exit 2 is one line and
// prints nothing on stdout.
func TestHostileInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string // substring of stderr
	}{
		// Was exit 1, "stopped after -1 of 5 steps", with an empty points list.
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "5", "-x0", "1e308,1e308"}, 2, "loss at the start point is +Inf"},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "5", "-x0", "nan,1"}, 2, "not a finite number"},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "1000000000"}, 2, "want an integer in [1, 1000000]"},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "5", "-rtol", "1e-300"}, 2, "100·eps"},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "5", "-maxsteps", "-1"}, 2, "-maxsteps"},
		// The step budget: partial output, exit 1, what to do.
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "50", "-maxsteps", "3"}, 1, "raise -maxsteps"},
		{[]string{"trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "1e300", "-steps", "5"}, 1, "diverged"},
		// Was exit 0 with no word on the useless result (estimate 4.5e19).
		{[]string{"trajectory", "-problem", "saddle", "-flow", "pf", "-lr", "1e10", "-steps", "3"}, 0, "unreliable"},
		// Was exit 1: json: unsupported value: +Inf.
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "1e-320", "-json"}, 0, "printed as null"},
		// Was a silent -Inf+NaNi in the table.
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "0.5"}, 0, "pole hλ = 1"},
		{[]string{"stability", "-problem", "quadratic2d", "-lr", "0.5", "-x0", "1e308,1e308"}, 2, "not finite"},
		// Lanczos for every eigenpair of the MLP does not converge: exit 1 (was 2), with a hint.
		{[]string{"stability", "-problem", "mlp:n=16,in=10,hidden=60,out=3", "-lr", "1", "-top", "1000"}, 1, "-top"},
		{[]string{"figures", "-only", "nope"}, 2, "unknown figure"},
		{[]string{"figures", "-out", "/dev/null/x", "-only", "nope"}, 2, "unknown figure"},
		{[]string{"bench", "-steps", "0"}, 2, "-steps"},
		{[]string{"bench", "-problem", "gradflow_d1000", "-method", "rk4", "-steps", "100000000"}, 2, "budget"},
		{[]string{"bench", "-problem", "arenstorf", "-method", "dopri5", "-atol", "1e-300"}, 2, "100·eps"},
		// A fixed-step run that overflows: the row stays, NaN with the reason.
		{[]string{"bench", "-problem", "vanderpol", "-method", "rk4", "-steps", "10", "-reps", "1"}, 1, "non-finite"},
		{[]string{"verify", "-run", "("}, 2, "malformed -run"},
		// Expressions: bounded depth, the column of an error, -x0 required.
		{[]string{"sweep", "-problem", "expr:" + strings.Repeat("(", 200) + "x" + strings.Repeat(")", 200), "-x0", "1", "-lr", "0.1"}, 2, "deeper than 64"},
		{[]string{"trajectory", "-problem", "expr:x^2 + ;", "-x0", "1", "-flow", "pf", "-lr", "0.1", "-steps", "2"}, 2, "column 7"},
		{[]string{"sweep", "-problem", "expr:x^2+y^2", "-lr", "0.1"}, 2, "-x0"},
		// Divergence in a sweep is an outcome, not an error; no NaN printed.
		{[]string{"sweep", "-problem", "expr:x^4", "-x0", "1", "-lr", "0.1,10", "-steps", "100"}, 0, ""},
	} {
		code, out, errOut := runCmd(c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", c.args, code, c.code, errOut, c.want)
		}
		if code == 2 && (out != "" || strings.Count(errOut, "\n") != 1) {
			t.Errorf("%v: stdout %q, stderr %q: want one line on stderr only", c.args, out, errOut)
		}
		if code != 2 && strings.Contains(strings.ToLower(out), "nan") && !strings.Contains(errOut, "NaN") {
			t.Errorf("%v: NaN printed without a reason:\n%s", c.args, errOut)
		}
	}
}

// TestProgress: with the throttle off, long-running work reports on stderr:
// trajectory per GD step, stability per Hessian-vector product, bench per
// solve.
func TestProgress(t *testing.T) {
	d, e := progressDelay, progressEvery
	progressDelay, progressEvery = 0, 0
	defer func() { progressDelay, progressEvery = d, e }()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"trajectory", "-problem", "quadratic:d=10", "-flow", "pf", "-lr", "0.5", "-steps", "3", "-format", "csv"}, "GD step 3 of 3"},
		{[]string{"stability", "-problem", "mlp:n=16,in=10,hidden=60,out=3", "-lr", "1"}, "Hessian-vector products on mlp"},
		{[]string{"bench", "-problem", "arenstorf", "-method", "dopri5", "-rtol", "1e-6", "-reps", "2"}, "solve 2 of 2"},
	} {
		code, _, errOut := runCmd(c.args...)
		if code != 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errOut)
		}
	}
}

// TestTrajWriteJSONStreams: the streamed output is byte for byte what
// writeJSON prints for the whole value, with 0, 1 and 3 points and
// non-finite numbers as null.
func TestTrajWriteJSONStreams(t *testing.T) {
	pt := func(n int, v float64) trajPoint {
		return trajPoint{N: n, T: jsonNum(v), ThetaRe: jsonVec{v, -v}, ThetaIm: jsonVec{0, math.Inf(1)}, GD: jsonVec{1, math.NaN()}, Error: jsonNum(v / 3)}
	}
	for _, pts := range [][]trajPoint{{}, {pt(0, 0.5)}, {pt(0, 0.5), pt(1, 1e-300), pt(2, math.NaN())}} {
		out := trajOutput{Problem: "p<q>&", Flow: "pf", LR: 0.5, Steps: 2, Method: "dop853", Points: pts, MaxError: jsonNum(math.Inf(1)), NFev: 7}
		var want, got bytes.Buffer
		if err := writeJSON(&want, out); err != nil {
			t.Fatal(err)
		}
		if err := trajWriteJSON(&got, out, nil); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d points: streamed\n%s\nwant\n%s", len(pts), got.String(), want.String())
		}
		if !json.Valid(got.Bytes()) || !strings.Contains(got.String(), `"p<q>&"`) {
			t.Errorf("invalid or escaped JSON:\n%s", got.String())
		}
	}
}
