package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestBenchArenstorfRow(t *testing.T) {
	code, out, errOut := runCmd("bench", "-problem", "arenstorf", "-method", "dopri5", "-rtol", "1e-7", "-atol", "1e-7", "-h0", "1e-4", "-reps", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "problem,solver,rtol,atol,nfev,error,seconds" || len(recs) != 2 {
		t.Fatalf("output %q", out)
	}
	r := recs[1]
	// Hairer's DOPRI5: 238 steps → 1 + 6·238 = 1429 evaluations (his
	// counter reports 1430, adding one for the skipped HINIT).
	if r[0] != "arenstorf" || r[1] != "dopri5" || r[2] != "1e-07" || r[4] != "1429" {
		t.Errorf("row %v", r)
	}
	e, _ := strconv.ParseFloat(r[5], 64)
	// The orbit closes to ~1e-3 at this tolerance (error grows near the
	// close approaches to the moon); anything far from that is a bug.
	if !(e > 1e-4 && e < 1e-2) {
		t.Errorf("error %v", e)
	}
}

func TestBenchJSONAndFixed(t *testing.T) {
	code, out, errOut := runCmd("bench", "-problem", "gradflow_d100,arenstorf", "-method", "rk4", "-steps", "2000", "-format", "json", "-reps", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r["solver"] != "rk4.N=2000" || r["rtol"] != nil || r["atol"] != nil || r["nfev"].(float64) != 4*2000 { // f(t0, y0) is the first stage of step 1
			t.Errorf("row %v", r)
		}
	}
	// gradflow with RK4, h = 0.05, λ ≤ 1: error ~ T·h⁴·λ⁵/120 ≈ 5e-6·e^{-λT}-weighted, tiny
	if e := rows[0]["error"].(float64); e > 1e-6 {
		t.Errorf("gradflow rk4 error %v", e)
	}
}

// TestBenchReferences checks the embedded Taylor references against tight
// adaptive runs: DOP853 at 1e-13 is 6e-9 off the Lorenz reference at t = 20
// (docs/benchmarks.md: chaos amplifies its local errors ~1e8), and Vern7 at
// 1e-13 matches the Van der Pol reference to ~1e-13.
func TestBenchReferences(t *testing.T) {
	for _, c := range []struct {
		args []string
		max  float64
	}{
		{[]string{"-problem", "lorenz", "-method", "dop853", "-rtol", "1e-13"}, 1e-8}, // measured 5.7e-9
		{[]string{"-problem", "vanderpol", "-method", "vern7", "-rtol", "1e-13"}, 1e-11},
		{[]string{"-problem", "principal_d100", "-method", "dop853", "-rtol", "1e-12"}, 1e-10},
	} {
		code, out, errOut := runCmd(append([]string{"bench", "-reps", "1"}, c.args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
		e, err := strconv.ParseFloat(recs[1][5], 64)
		if err != nil || e > c.max {
			t.Errorf("%v: error %v, want ≤ %g", c.args, recs[1][5], c.max)
		}
	}
}

func TestBenchBadInput(t *testing.T) {
	bad := [][]string{
		{"-problem", "nosuch"},
		{"-method", "nosuch"},
		{"-method", "rk4"}, // no error estimator without -steps
		{"-rtol", "abc"},
		{"-rtol", "-1e-6"},
		{"-rtol", "NaN"},
		{"-rtol", "1e-300"},
		{"-atol", "Inf"},
		{"-steps", "0"},
		{"-steps", "1.5"},
		{"-steps", "10", "-rtol", "1e-6"},
		{"-h0", "x"},
		{"-format", "xml"},
		{"-reps", "0"},
		{"-nosuchflag"},
		{"extra"},
	}
	for _, a := range bad {
		code, out, errOut := runCmd(append([]string{"bench", "-problem", "arenstorf", "-reps", "1"}, a...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "pflow bench: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", a, code, out, errOut)
		}
	}
	if code, _, _ := runCmd("nosuch"); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
	if code, _, _ := runCmd(); code != 2 {
		t.Errorf("no subcommand: exit %d", code)
	}
	if code, out, _ := runCmd("bench", "-h"); code != 0 || !strings.Contains(out, "-problem") {
		t.Errorf("help: exit %d", code)
	}
}

// FuzzBenchFlags: no flag value makes bench panic; bad ones exit 2.
func FuzzBenchFlags(f *testing.F) {
	for _, s := range []string{"1e-6", "abc", "-1", "1e400", "0x1p-3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		code, _, _ := runCmd("bench", "-problem", "arenstorf", "-method", "dopri5", "-reps", "1", "-rtol", v, "-h0", v)
		if code != 0 && code != 2 {
			t.Errorf("exit %d for %q", code, v)
		}
	})
}
