package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
)

// TestFiguresOnly draws one figure through the command line and checks its
// files, and that the CSV's GD series is modified.GD's iterates.
func TestFiguresOnly(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd("figures", "-out", dir, "-only", "quadratic-h1.05")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != "" || !strings.Contains(errOut, "quadratic-h1.05") {
		t.Errorf("stdout %q, progress %q", out, errOut)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "quadratic-h1.05.csv quadratic-h1.05.png quadratic-h1.05.svg" {
		t.Fatalf("files %v", names)
	}
	f, err := os.Open(filepath.Join(dir, "quadratic-h1.05.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	p, err := problems.ByName("quadratic2d")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := modified.GD[float64](p, p.X0, 1.05, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	n := 0
	for _, r := range recs[1:] {
		if r[0] != "gd" {
			continue
		}
		for i, c := range []string{"theta1", "theta2"} {
			v, err := strconv.ParseFloat(r[col[c]], 64)
			// The CSV writes the shortest representation that reads back
			// to the same float64: exact equality.
			if err != nil || v != ref.Iterates[n][i] {
				t.Errorf("gd row %d %s = %q, modified.GD %v", n, c, r[col[c]], ref.Iterates[n][i])
			}
		}
		n++
	}
	if n != 6 {
		t.Errorf("%d gd rows, want 6", n)
	}
}

// TestFiguresDefaultOut: without -out the files go to ./pflow-figures.
func TestFiguresDefaultOut(t *testing.T) {
	t.Chdir(t.TempDir())
	code, _, errOut := runCmd("figures", "-only", "quadratic-h1.05")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, ext := range []string{".png", ".svg", ".csv"} {
		if _, err := os.Stat(filepath.Join(defaultFiguresDir, "quadratic-h1.05"+ext)); err != nil {
			t.Error(err)
		}
	}
}

// TestFiguresBadInput: unknown names, an empty -out and stray arguments exit
// 2 with one line on stderr and write nothing.
func TestFiguresBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	for _, args := range [][]string{
		{"figures", "-out", dir, "-only", "no-such-figure"},
		{"figures", "-out", dir, "-only", "saddle,nope"},
		{"figures", "-out", "", "-only", "saddle"},
		{"figures", "-out", dir, "extra"},
		{"figures", "-out", dir, "-bogus"},
	} {
		code, out, errOut := runCmd(args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "pflow figures: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%v: output directory created", args)
		}
	}
	code, out, _ := runCmd("figures", "-h")
	if code != 0 || !strings.Contains(out, "quadratic-h0.9") {
		t.Errorf("-h: exit %d, %q", code, out)
	}
}
