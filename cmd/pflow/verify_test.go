package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

type verifyOut struct {
	Cases []struct {
		Name      string   `json:"name"`
		Problem   string   `json:"problem"`
		Flow      string   `json:"flow"`
		Check     string   `json:"check"`
		Value     *float64 `json:"value"`
		Threshold float64  `json:"threshold"`
		Pass      bool     `json:"pass"`
		Detail    string   `json:"detail"`
	} `json:"cases"`
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

func decodeVerify(t *testing.T, out string) verifyOut {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var v verifyOut
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return v
}

// The whole default suite passes through the command, in the suite's order.
func TestVerifyFullSuiteJSON(t *testing.T) {
	code, out, errOut := runCmd("verify", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	v := decodeVerify(t, out)
	suite := verify.Suite()
	if v.Passed != len(suite) || v.Failed != 0 || len(v.Cases) != len(suite) {
		t.Fatalf("passed %d, failed %d, %d cases; suite has %d", v.Passed, v.Failed, len(v.Cases), len(suite))
	}
	for i, c := range v.Cases {
		s := suite[i]
		if c.Name != s.Name || c.Problem != s.Problem || c.Flow != s.Flow || c.Check != s.CheckName() || c.Threshold != s.Threshold || !c.Pass || c.Value == nil || c.Detail == "" {
			t.Errorf("case %d: %+v, suite %q", i, c, s.Name)
		}
	}
	if !strings.Contains(errOut, "62 passed") && !strings.Contains(errOut, "passed, 0 failed") {
		t.Errorf("no summary on stderr: %q", errOut)
	}
}

func TestVerifyTableAndRun(t *testing.T) {
	code, out, errOut := runCmd("verify", "-run", "^pf-exact/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != verifyLegend || !strings.HasPrefix(lines[1], "CASE") || !strings.Contains(lines[1], "THRESHOLD") || strings.Contains(out, "DETAIL") {
		t.Errorf("legend and header %q", lines[:2])
	}
	for _, l := range lines {
		if n := len([]rune(l)); n > 120 {
			t.Errorf("%d columns: %q", n, l)
		}
	}
	n := 0
	for _, c := range verify.Suite() {
		if strings.HasPrefix(c.Name, "pf-exact/") {
			n++
			if !strings.Contains(out, c.Name) {
				t.Errorf("table misses %s", c.Name)
			}
		}
	}
	if n < 6 || len(lines) != n+4 || !strings.HasSuffix(out, "passed, 0 failed\n") {
		t.Errorf("%d cases, %d lines:\n%s", n, len(lines), out)
	}
	if strings.Count(errOut, "[") != n {
		t.Errorf("progress lines: %q", errOut)
	}
	// -v: the detail under each row; GD rows say there was no integration.
	code, out, _ = runCmd("verify", "-v", "-run", "^diverge/quadratic2d/(gd|pf)$")
	if code != 0 || strings.Count(out, "\n    ") != 2 || !strings.Contains(out, "    GD iterates (no integration)") || !strings.Contains(out, "    max error") {
		t.Errorf("-v: exit %d\n%s", code, out)
	}
}

// TestVerifyTableWidth: every name and check of the default suite fits
// its column, so no row of the table is cut or wider than 120.
func TestVerifyTableWidth(t *testing.T) {
	for _, c := range verify.Suite() {
		if cut(c.Name, 36) != c.Name || cut(c.Flow, 8) != c.Flow || cut(c.CheckName(), 20) != c.CheckName() {
			t.Errorf("case %q (flow %q, check %q) does not fit the table", c.Name, c.Flow, c.CheckName())
		}
	}
	if n := len([]rune(verifyLegend)); n > 120 {
		t.Errorf("legend is %d columns", n)
	}
}

func TestVerifyBadInput(t *testing.T) {
	for _, a := range [][]string{{"-run", "("}, {"-run", "no-such-case"}, {"extra"}, {"-bogus"}, {"-json=maybe"}} {
		code, out, errOut := runCmd(append([]string{"verify"}, a...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", a, code, out, errOut)
		}
	}
}

// withSuite runs the command on a modified suite.
func withSuite(t *testing.T, cases []verify.Case, args ...string) (int, string, string) {
	t.Helper()
	old := verifySuite
	verifySuite = func() []verify.Case { return cases }
	defer func() { verifySuite = old }()
	return runCmd(append([]string{"verify"}, args...)...)
}

// A deliberately wrong flow, IGR with the sign of its correction flipped,
// makes the command fail.
func TestVerifyWrongFlowFails(t *testing.T) {
	wrong := func(p *problems.Problem, h float64) (*modified.Flow[complex128], error) {
		f := p.Complex
		g := make([]complex128, p.Dim)
		hg := make([]complex128, p.Dim)
		return &modified.Flow[complex128]{Name: "igr-wrong", H: h, Dim: p.Dim, F: func(dy []complex128, _ float64, y []complex128) {
			f.Grad(g, y)
			f.HessVec(hg, y, g)
			for i := range dy {
				dy[i] = -g[i] + complex(h/2, 0)*hg[i]
			}
		}}, nil
	}
	var cases []verify.Case
	for _, c := range verify.Suite() {
		if c.Flow == "igr" || c.Flow == "ngf" {
			if c.Flow == "igr" {
				c.Build = wrong
			}
			cases = append(cases, c)
		}
	}
	code, out, _ := withSuite(t, cases, "-json")
	if code != 1 {
		t.Fatalf("exit %d with a wrong flow", code)
	}
	v := decodeVerify(t, out)
	for _, c := range v.Cases {
		if c.Pass == (c.Flow == "igr") {
			t.Errorf("%s (%s): pass = %v", c.Name, c.Flow, c.Pass)
		}
	}
	if v.Failed == 0 || v.Passed+v.Failed != len(cases) {
		t.Errorf("passed %d failed %d", v.Passed, v.Failed)
	}
}

// A wrong threshold makes the command fail and shows in the table.
func TestVerifyWrongThresholdFails(t *testing.T) {
	var cases []verify.Case
	for _, c := range verify.Suite() {
		if c.Name == "local-order/logcosh/igr" || c.Name == "pf-exact/quadratic2d/h=0.9" {
			cases = append(cases, c)
		}
	}
	cases[1].Want = 2 // IGR's local order is 3, not 2
	code, out, _ := withSuite(t, cases)
	if code != 1 || !strings.Contains(out, "FAIL") || !strings.HasSuffix(out, "1 passed, 1 failed\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	rows := strings.Split(out, "\n")
	if i := slices.IndexFunc(rows, func(r string) bool { return strings.HasPrefix(r, "local-order/logcosh/igr") }); i < 0 || !strings.Contains(rows[i], "FAIL") {
		t.Errorf("the wrong case is not marked:\n%s", out)
	}
}
