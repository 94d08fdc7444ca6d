package main

import (
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
