package main

import (
	"math"
	"strings"
	"testing"
)

// TestExprProblemFlag: -problem 'expr:…' works in trajectory and
// stability, needs -x0, and reports parse errors with the column.
func TestExprProblemFlag(t *testing.T) {
	// GD on (x²−1)² + 2y² from (0.5, 0.5) with h = 0.1: ∇E = (4x(x²−1), 4y),
	// so θ₁ = (0.5 + 0.1·1.5, 0.5 − 0.1·2) = (0.65, 0.3), exactly up to
	// round-off (one step, 1e-15).
	r := runTraj(t, "-problem", "expr:(x^2-1)^2+2*y^2", "-x0", "0.5,0.5", "-flow", "gd", "-lr", "0.1", "-steps", "1")
	if r.Problem != "expr:(x^2-1)^2+2*y^2" || len(r.Points) != 2 {
		t.Fatalf("problem %q, %d points", r.Problem, len(r.Points))
	}
	if g := r.Points[1].GD; math.Abs(g[0]-0.65) > 1e-15 || math.Abs(g[1]-0.3) > 1e-15 {
		t.Errorf("GD step = %v, want (0.65, 0.3)", g)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"trajectory", "-problem", "expr:x^2+y^2", "-flow", "gd", "-lr", "0.1", "-steps", "1"}, "-x0"},
		{[]string{"trajectory", "-problem", "expr:x^2+", "-x0", "1", "-flow", "gd", "-lr", "0.1", "-steps", "1"}, "column 5"},
		{[]string{"trajectory", "-problem", "expr:x^2+y^2", "-x0", "1", "-flow", "gd", "-lr", "0.1", "-steps", "1"}, "dimension 2"},
		{[]string{"stability", "-problem", "expr:x^2+y^2", "-lr", "0.1"}, "-x0"},
		{[]string{"stability", "-problem", "expr:x^2+q", "-x0", "1", "-lr", "0.1"}, `column 5: unknown name "q"`},
	} {
		code, out, errOut := runCmd(c.args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want %q)", c.args, code, out, errOut, c.want)
		}
	}
	code, out, errOut := runCmd("stability", "-problem", "expr:(x^2-1)^2+2*y^2", "-x0", "1,0", "-lr", "0.2", "-json")
	if code != 0 || !strings.Contains(out, `"edge": 10`) {
		t.Errorf("stability: exit %d, %s %s", code, out, errOut)
	}
}
