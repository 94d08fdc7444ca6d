package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBSeriesJSONContract checks the `bseries -format json` fields of
// docs/design.md and the values HLW give for explicit Euler (GD).
func TestBSeriesJSONContract(t *testing.T) {
	code, out, errOut := runCmd("bseries", "-method", "euler", "-order", "3", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 3 || raw["method"] == nil || raw["order"] == nil || raw["trees"] == nil {
		t.Errorf("fields %v", raw)
	}
	var trees []map[string]json.RawMessage
	if err := json.Unmarshal(raw["trees"], &trees); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"tree":"•","order":1,"sigma":1,"gamma":1,"coefficient":"1"}`,
		`{"tree":"[•]","order":2,"sigma":1,"gamma":2,"coefficient":"-1/2"}`,
		`{"tree":"[•,•]","order":3,"sigma":2,"gamma":3,"coefficient":"1/6"}`,
		`{"tree":"[[•]]","order":3,"sigma":1,"gamma":6,"coefficient":"1/3"}`,
	}
	if len(trees) != len(want) {
		t.Fatalf("%d trees, want %d", len(trees), len(want))
	}
	for i, tr := range trees {
		b, _ := json.Marshal(map[string]any{"tree": json.RawMessage(tr["tree"]), "order": json.RawMessage(tr["order"]),
			"sigma": json.RawMessage(tr["sigma"]), "gamma": json.RawMessage(tr["gamma"]), "coefficient": json.RawMessage(tr["coefficient"])})
		var a, w map[string]any
		json.Unmarshal(b, &a)
		json.Unmarshal([]byte(want[i]), &w)
		if len(tr) != 5 || a["tree"] != w["tree"] || a["order"] != w["order"] || a["sigma"] != w["sigma"] ||
			a["gamma"] != w["gamma"] || a["coefficient"] != w["coefficient"] {
			t.Errorf("tree %d: %v, want %s", i, a, want[i])
		}
	}
}

// RK4 has order 4: its modified field has no h, h², h³ terms, but h⁴ ones.
func TestBSeriesRK4Text(t *testing.T) {
	code, out, errOut := runCmd("bseries", "-method", "RK4", "-order", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2+1+1+2+4+9 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	nonzero := 0
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		switch f[1] {
		case "1":
			if f[4] != "1" {
				t.Errorf("order 1: %s", l)
			}
		case "2", "3", "4":
			if f[4] != "0" {
				t.Errorf("nonzero low-order term: %s", l)
			}
		case "5":
			if f[4] != "0" {
				nonzero++
			}
		}
	}
	if nonzero == 0 {
		t.Error("no order-5 term")
	}
}

// A tableau with decimal coefficients is accepted with a warning: its
// modified equation is that of the coefficients as published (DOP853's
// order conditions hold to ~1e-29, so the order-2 coefficient is a long
// fraction, not 0).
func TestBSeriesDecimalTableau(t *testing.T) {
	code, out, errOut := runCmd("bseries", "-method", "dop853", "-order", "2", "-format", "json")
	if code != 0 || !strings.Contains(errOut, "only approximately") || !strings.Contains(out, `"method": "dop853"`) {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errOut, out)
	}
}

func TestBSeriesBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"-method", "nosuch", "-order", "3"},
		{"-order", "0"},
		{"-order", "11"},
		{"-order", "x"},
		{"-method", "euler"},
		{"-order", "3", "-format", "xml"},
	} {
		code, _, errOut := runCmd(append([]string{"bseries"}, args...)...)
		if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
