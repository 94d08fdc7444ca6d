package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

// minRTol is the smallest relative tolerance of an adaptive run, 100·eps
// (verify.MinRTol, the floor of package ode), and maxRTol the bound above
// it: one value and one message everywhere.
const (
	minRTol = verify.MinRTol
	maxRTol = verify.MaxRTol
)

// rtolRange is the message of a relative tolerance out of range.
var rtolRange = fmt.Sprintf("want a relative tolerance in [%g (100·eps), %g)", minRTol, maxRTol)

// rtolFlag defines an optional relative-tolerance flag: a number in
// [minRTol, maxRTol); the value stays 0 when the flag is not given.
func rtolFlag(fs *flag.FlagSet, name, usage string) *float64 {
	p := new(float64)
	fs.Func(name, usage, func(s string) error {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !(x >= minRTol && x < maxRTol) {
			return errors.New(rtolRange)
		}
		*p = x
		return nil
	})
	return p
}

// cli is what a subcommand's body gets after its flags are parsed: the
// output streams and the one-line error conventions of the contract.
type cli struct {
	name           string // subcommand name, for messages
	stdout, stderr io.Writer
}

// fail prints "pflow NAME: message" on stderr and returns exit status 2
// (unknown names, malformed numbers, impossible settings).
func (c *cli) fail(format string, a ...any) int {
	c.warn(format, a...)
	return 2
}

// warn prints "pflow NAME: message" on stderr, on one line: line breaks
// inside the message (from user input echoed back, such as a flag name
// with a newline) are escaped.
func (c *cli) warn(format string, a ...any) {
	msg := lineBreaks.Replace(fmt.Sprintf(format, a...))
	fmt.Fprintf(c.stderr, "pflow %s: %s\n", c.name, msg)
}

var lineBreaks = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`)

// exitFor prints err on one line and returns 2 when it wraps one of the
// sentinels that mean bad input, 1 otherwise (numerical trouble).
func (c *cli) exitFor(err error, badInput ...error) int {
	c.warn("%s", oneLine(err.Error()))
	for _, b := range badInput {
		if errors.Is(err, b) {
			return 2
		}
	}
	return 1
}

// oneLine joins a multi-line message into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// parsePositive parses a positive finite number.
func parsePositive(s string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(x > 0) || math.IsInf(x, 0) {
		return 0, errors.New("want a positive finite number")
	}
	return x, nil
}

// parseVector parses "a,b,…" into finite numbers.
func parseVector(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	x := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("component %d %q is not a finite number", i+1, p)
		}
		x[i] = v
	}
	return x, nil
}

// parseNames splits a comma-separated list of names, each of which must
// be in known; "all" selects all of known. An empty list (or an empty
// name in it) is an error: a flag given as -only ” asks for nothing.
func parseNames(v string, known []string, kind string) ([]string, error) {
	if v == "all" {
		return known, nil
	}
	if strings.TrimSpace(v) == "" {
		return nil, fmt.Errorf("empty %s list (known: %s, or all)", kind, strings.Join(known, ", "))
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(known, s) {
			return nil, fmt.Errorf("unknown %s %q (known: %s)", kind, s, strings.Join(known, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

// positiveFlag defines an optional flag whose value must be a positive
// finite number (at least lo); the returned value stays 0 when the flag
// is not given. Put the value's placeholder in `backquotes` in usage.
func positiveFlag(fs *flag.FlagSet, name, usage string, lo float64) *float64 {
	p := new(float64)
	fs.Func(name, usage, func(s string) error {
		x, err := parsePositive(s)
		if err != nil {
			return err
		}
		if x < lo {
			return fmt.Errorf("below the floor %g", lo)
		}
		*p = x
		return nil
	})
	return p
}

// intFlag defines an integer flag in [lo, hi] with default def.
func intFlag(fs *flag.FlagSet, name, usage string, def, lo, hi int) *int {
	p := new(int)
	*p = def
	if def != 0 {
		usage = fmt.Sprintf("%s (default %d)", usage, def)
	}
	fs.Func(name, usage, func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("want an integer in [%d, %d]", lo, hi)
		}
		*p = n
		return nil
	})
	return p
}

// maxWorkers bounds -workers.
const maxWorkers = 1024

// workersFlag defines -workers N, the number of independent runs (rates,
// powers, flows, models, figures) a subcommand computes at once: 0, the
// default, means runtime.GOMAXPROCS(0) (every core), 1 one after another.
// The output does not depend on it (internal/par keeps input order).
func workersFlag(fs *flag.FlagSet, what string) *int {
	return intFlag(fs, "workers", "compute up to `N` "+what+" at once (0: all cores, GOMAXPROCS; 1: one after another; the output is the same for every N)", 0, 0, maxWorkers)
}

// vectorFlag defines an optional "a,b,…" flag of finite numbers; the
// returned slice stays nil when the flag is not given.
func vectorFlag(fs *flag.FlagSet, name, usage string) *[]float64 {
	p := new([]float64)
	fs.Func(name, usage, func(s string) error {
		x, err := parseVector(s)
		if err != nil {
			return err
		}
		*p = x
		return nil
	})
	return p
}

// choiceFlag defines a flag whose value must be one of known.
func choiceFlag(fs *flag.FlagSet, name, usage, def string, known ...string) *string {
	p := new(string)
	*p = def
	fs.Func(name, fmt.Sprintf("`%s`: %s (default %s)", strings.Join(known, "|"), usage, def), func(s string) error {
		if !slices.Contains(known, s) {
			return fmt.Errorf("unknown value (known: %s)", strings.Join(known, ", "))
		}
		*p = s
		return nil
	})
	return p
}

// loadProblem builds the problem spec names and its start point: x0 when
// given (of the problem's dimension), else the problem's default; an
// expression problem ("expr:…") has no default and needs x0.
func loadProblem(spec string, x0 []float64) (*problems.Problem, []float64, error) {
	p, err := problems.ByName(spec)
	if err != nil {
		return nil, nil, err
	}
	if x0 == nil && strings.HasPrefix(strings.TrimSpace(spec), problems.ExprPrefix) {
		return nil, nil, fmt.Errorf("%w: an expression problem needs its start point: give -x0 with %d components", problems.ErrBadParameter, p.Dim)
	}
	if x0 == nil {
		return p, p.Start(), nil
	}
	if len(x0) != p.Dim {
		return nil, nil, fmt.Errorf("-x0 has %d components, problem %s has dimension %d", len(x0), p.Name, p.Dim)
	}
	return p, x0, nil
}
