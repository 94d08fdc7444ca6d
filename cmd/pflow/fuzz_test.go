package main

import (
	"flag"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fuzzSubs are the subcommands FuzzCLIArgs drives (bench has
// FuzzBenchFlags: one bench row can take a minute within its budget,
// which -timeout, checked between solves, does not cut).
var fuzzSubs = []string{"trajectory", "stability", "verify", "figures"}

var longNumber = regexp.MustCompile(`\d{5,}|[eE]\+?\d`)

// FuzzCLIArgs gives two arbitrary flags with arbitrary values to the long
// subcommands, bounded by -timeout 1s: no input panics, the exit status
// is 0, 1 or 2, and exit 2 prints one line on stderr and nothing on
// stdout.
func FuzzCLIArgs(f *testing.F) {
	f.Add(uint8(0), "problem", "quadratic2d", "flow", "pf")
	f.Add(uint8(0), "lr", "1e300", "x0", "1,,2")
	f.Add(uint8(1), "problem", "saddle", "lr", "0.5")
	f.Add(uint8(1), "top", "-1", "json", "true")
	f.Add(uint8(2), "run", "(", "json", "x")
	f.Add(uint8(2), "run", "^pf-exact/saddle", "timeout", "1ns")
	f.Add(uint8(3), "only", "", "out", "")
	f.Add(uint8(3), "only", "saddle,", "timeout", "-1s")
	f.Fuzz(func(t *testing.T, sub uint8, f1, v1, f2, v2 string) {
		name := fuzzSubs[int(sub)%len(fuzzSubs)]
		for _, v := range []string{v1, v2} {
			// Big dimensions and step counts cost seconds before any
			// deadline is checked (building benchquad:d=2²⁴, printing
			// 10⁶ points): the catalogue covers them.
			if longNumber.MatchString(v) {
				return
			}
		}
		args := []string{name, "-" + f1, v1, "-" + f2, v2}
		switch name {
		case "trajectory":
			args = append([]string{name, "-problem", "quadratic2d", "-flow", "pf", "-lr", "0.5", "-steps", "3"}, args[1:]...)
		case "stability":
			args = append([]string{name, "-problem", "quadratic2d", "-lr", "0.5"}, args[1:]...)
		case "figures":
			// Files go to a scratch directory whatever -out says (the last
			// value of a flag wins); one cheap figure unless -only is fuzzed.
			args = append([]string{name, "-only", "stability-coefficient"}, args[1:]...)
			args = append(args, "-out", t.TempDir())
		}
		args = append(args, "-timeout", "1s")
		code, out, errOut := runCmd(args...)
		if code < 0 || code > 2 {
			t.Errorf("%q: exit %d", args, code)
		}
		if code == 2 && (out != "" || strings.Count(errOut, "\n") != 1) {
			t.Errorf("%q: exit 2 with stdout %q, stderr %q", args, trim(out), trim(errOut))
		}
	})
}

// FuzzParseNames: parseNames returns a non-empty list of known names or an
// error, never an empty selection.
func FuzzParseNames(f *testing.F) {
	known := []string{"a", "bb", "c-d"}
	for _, s := range []string{"", "all", "a", "a,bb", "a,", " ", ",", "a, c-d", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := parseNames(v, known, "name")
		if err != nil {
			return
		}
		if len(got) == 0 {
			t.Errorf("%q: empty selection without an error", v)
		}
		for _, n := range got {
			if !slices.Contains(known, n) {
				t.Errorf("%q: unknown name %q accepted", v, n)
			}
		}
	})
}

// FuzzValueFlags: the shared flag validators accept only what they
// promise: rtol in [100·eps, 1), a positive duration, a positive finite
// number, an integer in range.
func FuzzValueFlags(f *testing.F) {
	for _, s := range []string{"1e-6", "2.220446049250313e-14", "2e-14", "1", "0.999", "NaN", "-0", "1s", "0s", "-1m", "1h30m", "7", "0x1p-3", "Inf", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		rtol := rtolFlag(fs, "rtol", "")
		d := timeoutFlag(fs)
		pos := positiveFlag(fs, "pos", "", 0)
		n := intFlag(fs, "n", "", 0, 1, 100)
		if fs.Parse([]string{"-rtol", v}) == nil && !(*rtol >= minRTol && *rtol < maxRTol) {
			t.Errorf("-rtol %q accepted as %v", v, *rtol)
		}
		if fs.Parse([]string{"-timeout", v}) == nil && !(*d > 0 && *d <= time.Duration(1<<63-1)) {
			t.Errorf("-timeout %q accepted as %v", v, *d)
		}
		if fs.Parse([]string{"-pos", v}) == nil {
			if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || !(*pos > 0) || *pos != x {
				t.Errorf("-pos %q accepted as %v", v, *pos)
			}
		}
		if fs.Parse([]string{"-n", v}) == nil && (*n < 1 || *n > 100) {
			t.Errorf("-n %q accepted as %d", v, *n)
		}
	})
}
