package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func keys(m map[string]json.RawMessage) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}

// TestEOSJSONContract checks the `eos -format json` fields of
// docs/design.md (exactly those, at every level) on a short cfjax run.
func TestEOSJSONContract(t *testing.T) {
	code, out, errOut := runCmd("eos", "-problem", "cfjax:n=16", "-lr", "0.1", "-steps", "6", "-models", "gf,central,igr",
		"-k", "2", "-every", "3", "-sample", "3", "-eigs", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(raw), []string{"loss", "lr", "models", "onset_step", "problem", "sharpness", "steps"}; !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	var r struct {
		Problem   string
		LR        float64
		Steps     int
		OnsetStep *int `json:"onset_step"`
		Sharpness []map[string]json.RawMessage
		Loss      []map[string]json.RawMessage
		Models    []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Problem != "cfjax:n=16,seed=0" || r.LR != 0.1 || r.Steps != 6 || r.OnsetStep != nil {
		t.Errorf("header %+v", r)
	}
	if len(r.Sharpness) != 3 || !slices.Equal(keys(r.Sharpness[0]), []string{"lambda0", "step"}) {
		t.Errorf("sharpness %v", r.Sharpness)
	}
	if len(r.Loss) != 3 || !slices.Equal(keys(r.Loss[0]), []string{"central_pred", "gd", "gd_avg", "step"}) {
		t.Errorf("loss %v", r.Loss)
	}
	if len(r.Models) != 3 {
		t.Fatalf("models %v", r.Models)
	}
	for i, kind := range []string{"flow", "flow", "predictor"} {
		m := r.Models[i]
		if !slices.Equal(keys(m), []string{"distance", "kind", "mean_distance_after_onset", "name"}) || string(m["kind"]) != `"`+kind+`"` {
			t.Errorf("model %d: %v", i, m)
		}
		// No onset in 6 steps: the mean after onset is null.
		if string(m["mean_distance_after_onset"]) != "null" {
			t.Errorf("model %d mean %s", i, m["mean_distance_after_onset"])
		}
	}
	var pts []map[string]json.RawMessage
	if err := json.Unmarshal(r.Models[2]["distance"], &pts); err != nil || len(pts) != 2 || !slices.Equal(keys(pts[0]), []string{"step", "value"}) {
		t.Errorf("igr distance %s (%v)", r.Models[2]["distance"], err)
	}
}

func TestEOSCSVAndErrors(t *testing.T) {
	code, out, errOut := runCmd("eos", "-problem", "cfjax:n=16", "-lr", "0.1", "-steps", "4", "-models", "gf", "-format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "series,name,step,value\nonset_step,") || !strings.Contains(out, "\nsharpness,gd,4,") {
		t.Errorf("csv:\n%s", out)
	}
	for _, args := range [][]string{
		{"-lr", "0.1", "-steps", "4"},
		{"-problem", "cfjax", "-steps", "4"},
		{"-problem", "cfjax", "-lr", "0.1"},
		{"-problem", "nope", "-lr", "0.1", "-steps", "4"},
		{"-problem", "cfjax", "-lr", "0.1", "-steps", "4", "-models", "gf,nope"},
		{"-problem", "cfjax", "-lr", "0.1", "-steps", "4", "-k", "5", "-models", "gf,igr"},
		{"-problem", "cfjax", "-lr", "-1", "-steps", "4"},
		{"-problem", "cfjax", "-lr", "0.1", "-steps", "4", "-eigs", "11"},
		{"-problem", "cfjax", "-lr", "0.1", "-steps", "4", "-format", "xml"},
	} {
		code, _, errOut := runCmd(append([]string{"eos"}, args...)...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// runDAL runs `pflow dal args…` and decodes its JSON; it skips the test
// when the MNIST files are not in the module cache.
func runDAL(t *testing.T, args ...string) dalJSON {
	t.Helper()
	code, out, errOut := runCmd(append([]string{"dal"}, args...)...)
	if code != 0 {
		if strings.Contains(errOut, "not in the module cache") {
			t.Skip(errOut)
		}
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r dalJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDALCommand runs DAL on a tiny MNIST subset: one row per p and per
// extra GD rate, test metrics in range, bad input exit 2.
func TestDALCommand(t *testing.T) {
	r := runDAL(t, "-problem", "mnist:n=40,test=20,hidden=4", "-lr", "0.25", "-p", "0,1", "-steps", "5", "-gd-lr", "0.1")
	if len(r.Rows) != 3 || r.Rows[0].Method != "gd" || r.Rows[1].Method != "dal" || r.Rows[2].LR != 0.1 {
		t.Fatalf("rows %+v", r.Rows)
	}
	for _, row := range r.Rows {
		if !(row.TestAccuracy >= 0 && row.TestAccuracy <= 1 && row.TestLoss > 0) {
			t.Errorf("row %+v", row)
		}
	}
	for _, args := range [][]string{
		{"-problem", "mnist:n=40", "-lr", "0.25", "-steps", "5"},
		{"-problem", "cfjax", "-lr", "0.25", "-steps", "5"},
		{"-problem", "mnist:n=40,test=20", "-lr", "0.25", "-steps", "5", "-p", "x"},
		{"-problem", "mnist:n=40,test=20", "-steps", "5"},
	} {
		if code, _, _ := runCmd(append([]string{"dal"}, args...)...); code != 2 {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

// TestDALPlot: -plot draws the runs; the SVG is the same bytes twice, its
// CSV twin is not needed (the JSON carries the numbers), and the legend
// carries each run's test metrics as the JSON has them.
func TestDALPlot(t *testing.T) {
	dir := t.TempDir()
	var svgs [][]byte
	for i := range 2 {
		file := filepath.Join(dir, fmt.Sprintf("dal%d.svg", i))
		r := runDAL(t, "-problem", "mnist:n=40,test=20,hidden=4", "-lr", "0.25", "-p", "0,1", "-steps", "6", "-every", "2", "-plot", file)
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		acc := fmt.Sprintf("test acc. %.1f%%", 100*float64(r.Rows[1].TestAccuracy))
		if !bytes.Contains(b, []byte("DAL p = 1")) || !bytes.Contains(b, []byte(acc)) {
			t.Errorf("the SVG lacks the DAL p = 1 run or its %q", acc)
		}
		svgs = append(svgs, b)
	}
	if !bytes.Equal(svgs[0], svgs[1]) {
		t.Error("two runs give different SVG bytes")
	}
	if code, _, _ := runCmd("dal", "-problem", "mnist:n=40,test=20", "-lr", "0.25", "-steps", "5", "-plot", "x.gif"); code != 2 {
		t.Errorf("-plot x.gif: exit %d", code)
	}
}
