package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pflow-go/pflow/figures"
)

func init() {
	register("figures", command{summary: "draw the figure gallery (PNG, SVG and CSV per figure) into a directory", run: runFigures})
}

// runFigures implements `pflow figures -out DIR [-only NAME[,NAME…]]`.
// Progress goes to stderr; unknown names and missing flags exit 2 before
// anything is computed, a failed computation exits 1.
func runFigures(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("figures", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "directory to write NAME.png, NAME.svg and NAME.csv into (created if needed)")
	only := fs.String("only", "", "comma-separated figure names (default: all): "+strings.Join(figures.Names(), ", "))
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "pflow figures: "+format+"\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "usage: pflow figures -out DIR [-only NAME[,NAME…]]")
			fs.PrintDefaults()
			return 0
		}
		return fail("%v", err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return fail("missing -out DIR")
	}
	var names []string
	if *only != "" {
		for _, n := range strings.Split(*only, ",") {
			n = strings.TrimSpace(n)
			if _, err := figures.Lookup(n); err != nil {
				return fail("unknown figure %q (known: %s)", n, strings.Join(figures.Names(), ", "))
			}
			names = append(names, n)
		}
	}
	if err := figures.WriteAll(*out, names, stderr); err != nil {
		fmt.Fprintf(stderr, "pflow figures: %v\n", err)
		if errors.Is(err, figures.ErrUnknownFigure) {
			return 2
		}
		return 1
	}
	return 0
}
