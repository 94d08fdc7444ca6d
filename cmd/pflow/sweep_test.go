package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSweepCLI checks the JSON contract and the targets on
// (x² − 1)² + 2y² from (0.5, 0.5): h = 0.2 converges with oscillation
// (1 − 8h < 0 along x at (1, 0)), 0.26 is a 2-cycle, 0.6 diverges
// (stability/gdsweep_test.go checks the numbers against independent code).
func TestSweepCLI(t *testing.T) {
	code, out, errOut := runCmd("sweep", "-problem", "expr:(x^2-1)^2+2*y^2", "-x0", "0.5,0.5", "-lr", "0.2,0.26,0.6", "-steps", "1000", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(t, json.RawMessage(out)); !slices.Equal(got, sorted("problem", "x0", "steps", "rates")) {
		t.Errorf("keys %v", got)
	}
	var rates []json.RawMessage
	if err := json.Unmarshal(raw["rates"], &rates); err != nil || len(rates) != 3 {
		t.Fatalf("rates: %v (%d)", err, len(rates))
	}
	type rate struct {
		LR         float64  `json:"lr"`
		Outcome    string   `json:"outcome"`
		Period     int      `json:"period"`
		Distance   *float64 `json:"distance"`
		Lyapunov   *float64 `json:"lyapunov"`
		HLambdaMax float64  `json:"h_lambda_max"`
	}
	want := []struct {
		out    string
		period int
	}{{"oscillate-converge", 1}, {"periodic", 2}, {"diverge", 0}}
	for i, rr := range rates {
		if got := keysOf(t, rr); !slices.Equal(got, sorted("lr", "outcome", "period", "distance", "lyapunov", "h_lambda_max")) {
			t.Errorf("rate keys %v", got)
		}
		var r rate
		if err := json.Unmarshal(rr, &r); err != nil {
			t.Fatal(err)
		}
		if r.Outcome != want[i].out || r.Period != want[i].period {
			t.Errorf("lr %g: %s period %d, want %s %d", r.LR, r.Outcome, r.Period, want[i].out, want[i].period)
		}
		if (r.Distance == nil) != (r.Outcome == "diverge") || (r.Lyapunov == nil) != (r.Outcome == "diverge") {
			t.Errorf("lr %g: distance %v lyapunov %v", r.LR, r.Distance, r.Lyapunov)
		}
	}
	// a:b:n, the table, and bad input.
	code, out, errOut = runCmd("sweep", "-problem", "quadratic2d", "-lr", "0.1:1.1:3", "-steps", "200")
	if code != 0 || strings.Count(out, "\n") != 7 || !strings.Contains(out, "converge?") || !strings.Contains(out, "diverge") || !strings.Contains(out, "oscillate-converge") {
		t.Errorf("table: exit %d\n%s%s", code, out, errOut)
	}
	for _, w := range strings.Split(out, "\n") {
		if n := len([]rune(w)); n > 120 {
			t.Errorf("line of %d columns: %q", n, w)
		}
	}
	for _, a := range [][]string{
		{"-problem", "quadratic2d", "-steps", "10"},
		{"-lr", "0.1", "-steps", "10"},
		{"-problem", "quadratic2d", "-lr", "0.3:0.1:3"},
		{"-problem", "quadratic2d", "-lr", "0.1:0.3:0"},
		{"-problem", "quadratic2d", "-lr", "0.1:0.3"},
		{"-problem", "quadratic2d", "-lr", "0.1,-1"},
		{"-problem", "quadratic2d", "-lr", "0.1", "-steps", "0"},
		{"-problem", "expr:x^2", "-lr", "0.1"},
		{"-problem", "expr:x^2", "-x0", "1,2", "-lr", "0.1"},
		{"-problem", "quadratic2d", "-lr", "0.1:0.2:10000", "-steps", "10000000"},
	} {
		code, out, errOut := runCmd(append([]string{"sweep"}, a...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", a, code, out, errOut)
		}
	}
}

// FuzzSweepArgs: no flag values make sweep panic or exit outside 0–2.
func FuzzSweepArgs(f *testing.F) {
	f.Add("expr:(x^2-1)^2+2*y^2", "0.5,0.5", "0.2:0.6:3", "100")
	f.Add("logcosh", "", "0.5,3,7", "50")
	f.Add("expr:x^3", "1", "1e-300:1e300:2", "20")
	f.Add("expr:exp(x)*sin(y)", "0,0", "0.1", "64")
	f.Fuzz(func(t *testing.T, problem, x0, lr, steps string) {
		if n, err := strconv.Atoi(steps); err == nil && n > 200 {
			return // keep each run short
		}
		for _, heavy := range []string{"mlp", "logreg", "matfact", "benchquad", "quadratic:", "deeplinear:"} {
			if strings.HasPrefix(strings.TrimSpace(problem), heavy) {
				return
			}
		}
		if rs, err := parseRates(lr); err == nil && len(rs) > 20 {
			return
		}
		a := []string{"sweep", "-problem", problem, "-lr", lr, "-steps", steps}
		if x0 != "" {
			a = append(a, "-x0", x0)
		}
		var o, e bytes.Buffer
		if code := run(a, &o, &e); code < 0 || code > 2 {
			t.Errorf("%v: exit %d", a, code)
		}
	})
}
