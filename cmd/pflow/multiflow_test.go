package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestTrajectorySeveralFlows: -flow ngf,igr,pf prints a JSON array whose
// elements are exactly the single-flow documents, and CSV with a flow
// column holding the single-flow rows.
func TestTrajectorySeveralFlows(t *testing.T) {
	args := []string{"-problem", "expr:(x^2-1)^2+2*y^2", "-x0", "0.5,0.5", "-lr", "0.1", "-steps", "4"}
	code, out, errOut := runCmd(append([]string{"trajectory", "-flow", "ngf,igr,pf"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 3 {
		t.Fatalf("not an array of 3 documents: %v\n%s", err, out)
	}
	for i, fl := range []string{"ngf", "igr", "pf"} {
		single := runTraj(t, append([]string{"-flow", fl}, args...)...)
		dec := json.NewDecoder(strings.NewReader(string(docs[i])))
		dec.DisallowUnknownFields()
		var got trajJSON
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, single) {
			t.Errorf("%s: array element differs from the single-flow document", fl)
		}
		if strings.Count(errOut, "pflow trajectory: "+fl+": ") < 1 {
			t.Errorf("stderr does not report %s separately: %q", fl, errOut)
		}
	}
	code, out, errOut = runCmd(append([]string{"trajectory", "-flow", "gd,pf", "-format", "csv"}, args...)...)
	if code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 1+2*5 || recs[0][0] != "flow" || recs[1][0] != "gd" || recs[10][0] != "pf" {
		t.Fatalf("csv: %v, %d records\n%s", err, len(recs), out)
	}
	_, one, _ := runCmd(append([]string{"trajectory", "-flow", "pf", "-format", "csv"}, args...)...)
	oneRecs, _ := csv.NewReader(strings.NewReader(one)).ReadAll()
	for k := range 5 {
		if !reflect.DeepEqual(recs[6+k][1:], oneRecs[1+k]) {
			t.Errorf("csv row %d: %v, single-flow %v", k, recs[6+k][1:], oneRecs[1+k])
		}
	}
	for _, fl := range []string{"pf,pf", "pf,nope", "pf,"} {
		code, out, errOut := runCmd(append([]string{"trajectory", "-flow", fl}, args...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("-flow %s: exit %d, stdout %q, stderr %q", fl, code, out, errOut)
		}
	}
}

// TestTrajectoryPlot: the command writes the figure and prints the
// three documents; a bad extension is rejected before any work.
func TestTrajectoryPlot(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".png", ".svg"} {
		file := filepath.Join(dir, "out"+ext)
		code, out, errOut := runCmd("trajectory", "-problem", "expr:(x^2-1)^2+2*y^2", "-x0", "0.5,0.5", "-flow", "ngf,igr,pf",
			"-lr", "0.1", "-steps", "10", "-plot", file)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var docs []trajJSON
		if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 3 {
			t.Errorf("%s: %v, %d documents", ext, err, len(docs))
		}
		b, err := os.ReadFile(file)
		magic := map[string]string{".png": "\x89PNG", ".svg": "<?xml"}[ext]
		if err != nil || !strings.HasPrefix(string(b), magic) {
			t.Errorf("%s: %v, %d bytes", file, err, len(b))
		}
	}
	code, out, errOut := runCmd("trajectory", "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.1", "-steps", "2", "-plot", filepath.Join(dir, "x.jpg"))
	if code != 2 || out != "" || !strings.Contains(errOut, ".png or .svg") {
		t.Errorf("x.jpg: exit %d, %q %q", code, out, errOut)
	}
}
