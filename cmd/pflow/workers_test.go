package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The subcommands that compute independent runs (-workers N) print the
// same bytes for every N: internal/par keeps input order and each run is
// computed as alone. These tests compare -workers 1 with -workers 4 (and
// the default, GOMAXPROCS); run them under -race.

// sameForWorkers runs args with -workers 1, 4 and the default and checks
// that stdout and the exit status agree; it returns the sequential stdout.
func sameForWorkers(t *testing.T, args ...string) string {
	t.Helper()
	code1, out1, err1 := runCmd(append(args, "-workers", "1")...)
	for _, w := range []string{"4", ""} {
		a := args
		if w != "" {
			a = append(append([]string(nil), args...), "-workers", w)
		}
		code, out, errOut := runCmd(a...)
		if code != code1 || out != out1 {
			t.Errorf("%v -workers %q: exit %d, stdout differs from -workers 1 (exit %d)\n%s\n--- -workers 1:\n%s\nstderr: %s / %s",
				args, w, code, code1, out, out1, errOut, err1)
		}
	}
	return out1
}

func TestSweepWorkers(t *testing.T) {
	base := []string{"sweep", "-problem", "expr:(x^2-1)^2+2*y^2", "-x0", "0.5,0.5", "-lr", "0.05:0.6:12", "-steps", "300"}
	if out := sameForWorkers(t, append(base, "-json")...); len(out) < 100 {
		t.Errorf("short output %q", out)
	}
	sameForWorkers(t, append(base, "-v")...)
	// A network problem (its functions share problems' worker pool).
	sameForWorkers(t, "sweep", "-problem", "mlp:n=16,in=3,hidden=4,out=2,seed=1", "-lr", "0.1,1,3", "-steps", "50", "-json")
}

func TestTrajectoryWorkers(t *testing.T) {
	base := []string{"trajectory", "-problem", "expr:(x^2-1)^2+2*y^2", "-x0", "0.5,0.5", "-flow", "gd,ngf,igr,pf,bea3", "-lr", "0.1", "-steps", "8"}
	sameForWorkers(t, base...)
	sameForWorkers(t, append(base, "-format", "csv")...)
	// A flow that stops early (exit 1, partial output) between two that
	// do not: reported in its place.
	sameForWorkers(t, "trajectory", "-problem", "quadratic2d", "-flow", "ngf,pf,igr", "-lr", "0.5", "-steps", "3", "-maxsteps", "3")
	// -plot: the figure is the same file.
	dir := t.TempDir()
	var files [2][]byte
	for i, w := range []string{"1", "4"} {
		f := filepath.Join(dir, "traj"+w+".svg")
		if code, _, errOut := runCmd(append(base, "-plot", f, "-workers", w)...); code != 0 {
			t.Fatalf("-workers %s: exit %d: %s", w, code, errOut)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("-plot: the SVG differs between -workers 1 and 4")
	}
}

// TestTrajectoryWorkersFirstError: a rejected flow in the middle (the
// exponential Euler method integrates the principal flow, not ngf or igr)
// fails the command as when the flows run one after another: exit 2, the
// message of the first rejected flow, no output.
func TestTrajectoryWorkersFirstError(t *testing.T) {
	args := []string{"trajectory", "-problem", "quadratic2d", "-flow", "pf,ngf,pf-re,igr", "-lr", "0.5", "-steps", "3", "-method", "expeuler"}
	var msgs []string
	for _, w := range []string{"1", "4"} {
		code, out, errOut := runCmd(append(args, "-workers", w)...)
		if code != 2 || out != "" {
			t.Errorf("-workers %s: exit %d, stdout %q, stderr %q", w, code, out, errOut)
		}
		msgs = append(msgs, errOut)
	}
	if msgs[0] != msgs[1] || !strings.Contains(msgs[0], "ngf with method expeuler") {
		t.Errorf("messages differ:\n%s\n%s", msgs[0], msgs[1])
	}
}

func TestDALWorkers(t *testing.T) {
	args := []string{"dal", "-problem", "mnist:n=40,test=20,hidden=4", "-lr", "0.25", "-p", "0,1,2", "-steps", "5", "-gd-lr", "0.1,0.3"}
	if code, _, errOut := runCmd(append(args, "-workers", "1")...); code != 0 {
		if strings.Contains(errOut, "not in the module cache") {
			t.Skip(errOut)
		}
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sameForWorkers(t, args...)
	sameForWorkers(t, append(args, "-format", "csv")...)
}

// TestVerifyWorkers: the suite's table and JSON do not depend on the
// number of workers (the cases run on verify.RunContext's workers).
func TestVerifyWorkers(t *testing.T) {
	sameForWorkers(t, "verify", "-json", "-run", "^(pf-exact|local-order/cubic|branch|diverge)/")
	sameForWorkers(t, "verify", "-v", "-run", "^(saddle-escape|sharp-well)/")
}

// TestEOSWorkers: the models of `pflow eos` run concurrently; the JSON is
// the sequential bytes (the elapsed times are on stderr only; the CSV is
// the same data). eos/parallel_test.go compares the whole Result.
func TestEOSWorkers(t *testing.T) {
	sameForWorkers(t, "eos", "-problem", "cfjax", "-lr", "0.1", "-steps", "10", "-models", "gf,central,igr,pf,bea3", "-k", "2", "-every", "5", "-sample", "5")
}
