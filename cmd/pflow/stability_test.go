package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestStabilityJSONContract checks the `stability -json` fields of
// docs/design.md on the paper's toy problem at h = 0.9, where
// φ(1.8) = (log 0.8 + iπ)/1.8 and φ(0.018) = log(0.982)/0.018.
func TestStabilityJSONContract(t *testing.T) {
	code, out, errOut := runCmd("stability", "-problem", "quadratic2d", "-lr", "0.9", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"problem", "lr", "theta", "edge", "sharpness", "directions", "loss", "grad_norm", "dedt_re", "dedt_im", "unstable", "complete"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("missing field %q", k)
		}
	}
	if len(raw) != 12 {
		t.Errorf("fields %v", raw)
	}
	var r struct {
		Problem    string
		LR         float64
		Theta      []float64
		Edge       float64
		Sharpness  float64
		Directions []map[string]any
		Loss       float64
		GradNorm   float64 `json:"grad_norm"`
		DEdtRe     float64 `json:"dedt_re"`
		DEdtIm     float64 `json:"dedt_im"`
		Unstable   int
		Complete   bool
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Problem != "quadratic2d" || r.LR != 0.9 || r.Edge != 2/0.9 || r.Sharpness != 2 || len(r.Theta) != 2 || r.Theta[0] != -0.35 || len(r.Directions) != 2 {
		t.Fatalf("output %+v", r)
	}
	d0, d1 := r.Directions[0], r.Directions[1]
	num := func(m map[string]any, k string) float64 { return m[k].(float64) }
	if len(d0) != 9 {
		t.Errorf("direction fields %v", d0)
	}
	// The table's header: E = 0.35² + 0.01·0.2² = 0.1229, g = (−0.7, −0.004),
	// no direction where GD grows (|1 − 1.8| < 1), and dE/dt = Σ φ(hλ)(gᵀu)²
	// = φ(1.8)·0.49 + φ(0.018)·1.6e-5 (a few roundings: 1e-14).
	phi1 := complex(math.Log(0.8), math.Pi) / 1.8
	phi2 := math.Log1p(-0.018) / 0.018
	dedt := phi1*0.49 + complex(phi2*1.6e-5, 0)
	if math.Abs(r.Loss-0.1229) > 1e-16 || math.Abs(r.GradNorm-math.Hypot(0.7, 0.004)) > 1e-15 || r.Unstable != 0 || !r.Complete ||
		math.Abs(r.DEdtRe-real(dedt)) > 1e-14 || math.Abs(r.DEdtIm-imag(dedt)) > 1e-14 {
		t.Errorf("header fields: loss %v ‖g‖ %v dE/dt %v%+vi unstable %d complete %v; want dE/dt %v", r.Loss, r.GradNorm, r.DEdtRe, r.DEdtIm, r.Unstable, r.Complete, dedt)
	}
	if math.Abs(num(d0, "growth_gd")-0.8) > 1e-15 {
		t.Errorf("growth_gd %v", d0["growth_gd"])
	}
	if math.Abs(num(d0, "sc_re")-math.Log(0.8)/1.8) > 1e-15 || math.Abs(num(d0, "sc_im")-math.Pi/1.8) > 1e-15 ||
		d0["regime"] != "oscillating-convergent" || math.Abs(num(d0, "h_lambda")-1.8) > 1e-15 || math.Abs(math.Abs(num(d0, "grad_proj"))-0.7) > 1e-15 {
		t.Errorf("direction 0: %v", d0)
	}
	if math.Abs(num(d1, "sc_re")-math.Log1p(-0.018)/0.018) > 1e-14 || num(d1, "sc_im") != 0 || d1["regime"] != "stable" || num(d1, "lambda") != 0.02 {
		t.Errorf("direction 1: %v", d1)
	}
	// At the pole hλ = 1 (h = 0.5) sc_re is null.
	code, out, _ = runCmd("stability", "-problem", "quadratic2d", "-lr", "0.5", "-json")
	if code != 0 || !strings.Contains(out, `"sc_re": null`) || !strings.Contains(out, `"critical"`) {
		t.Errorf("pole: exit %d %s", code, out)
	}
}

func TestStabilityTableAndErrors(t *testing.T) {
	code, out, _ := runCmd("stability", "-problem", "saddle", "-lr", "0.1", "-x0", "0.5,0.25")
	if code != 0 || !strings.Contains(out, "negative-curvature") || !strings.Contains(out, "unstable directions 1") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"-problem", "nope", "-lr", "1"},
		{"-problem", "saddle", "-lr", "-1"},
		{"-problem", "saddle", "-lr", "x"},
		{"-problem", "saddle"},
		{"-lr", "1"},
		{"-problem", "saddle", "-lr", "1", "-x0", "1,2,3"},
		{"-problem", "saddle", "-lr", "1", "-x0", "1,NaN"},
		{"-problem", "saddle", "-lr", "1", "-top", "-2"},
		{"-problem", "saddle", "-lr", "1", "-bogus"},
	} {
		code, out, errOut := runCmd(append([]string{"stability"}, args...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "pflow stability: ") {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, code, out, errOut)
		}
	}
}

// FuzzParseVector: the -x0 parser never panics and returns only finite
// components, one per comma-separated field.
func FuzzParseVector(f *testing.F) {
	for _, s := range []string{"1,2", "-0.35, -0.2", "NaN,1", "1e400", ",,", "0x1p-3,1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := parseVector(s)
		if err != nil {
			return
		}
		if len(x) != strings.Count(s, ",")+1 {
			t.Fatalf("%q: %d components", s, len(x))
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%q: non-finite %v", s, v)
			}
		}
	})
}

// FuzzStabilityArgs: no flag values make stability panic; the exit status
// is 0, 1 or 2, and 2 comes with exactly one line on stderr.
func FuzzStabilityArgs(f *testing.F) {
	f.Add("quadratic2d", "0.5", "", "0")
	f.Add("saddle", "1e-320", "1,NaN", "1")
	f.Add("rosenbrock", "1e308", "1e200,1", "2")
	f.Add("logcosh", "0x1p-3", "-3", "-1")
	f.Fuzz(func(t *testing.T, problem, lr, x0, top string) {
		for _, heavy := range []string{"mlp", "logreg", "matfact", "benchquad", "quadratic:", "deeplinear:"} {
			if strings.HasPrefix(strings.TrimSpace(problem), heavy) {
				return // seconds per run on large problems
			}
		}
		a := []string{"stability", "-problem", problem, "-lr", lr, "-top", top, "-json"}
		if x0 != "" {
			a = append(a, "-x0", x0)
		}
		code, _, errOut := runCmd(a...)
		if code < 0 || code > 2 || (code == 2 && strings.Count(errOut, "\n") != 1) {
			t.Errorf("%v: exit %d, stderr %q", a, code, errOut)
		}
	})
}
