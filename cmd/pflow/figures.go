package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/pflow-go/pflow/figures"
)

func init() {
	register("figures", command{
		summary:  "draw the figure gallery (PNG, SVG and CSV per figure) into a directory",
		synopsis: "[-out DIR] [-only NAME[,NAME…]] [-timeout D]",
		define:   defineFigures,
	})
}

// defaultFiguresDir is where `pflow figures` writes without -out: a
// folder of the current directory (not the figures package directory).
const defaultFiguresDir = "pflow-figures"

// defineFigures implements `pflow figures [-out DIR] [-only NAME[,NAME…]]`.
// Progress goes to stderr; unknown names and missing flags exit 2 before
// anything is computed, a failed computation exits 1.
func defineFigures(fs *flag.FlagSet) func(c *cli) int {
	out := fs.String("out", defaultFiguresDir, "directory `DIR` to write NAME.png, NAME.svg and NAME.csv into (created if needed)")
	timeout := timeoutFlag(fs)
	only := fs.String("only", "", "comma-separated figure names (default: all): "+strings.Join(figures.Names(), ", "))
	return func(c *cli) int {
		if *out == "" {
			return c.fail("-out needs a directory")
		}
		var names []string
		onlySet := false
		fs.Visit(func(f *flag.Flag) { onlySet = onlySet || f.Name == "only" })
		if onlySet {
			var err error
			if names, err = parseNames(*only, figures.Names(), "figure"); err != nil {
				return c.fail("%v", err)
			}
		}
		if *timeout == 0 {
			if err := figures.WriteAll(*out, names, c.stderr); err != nil {
				return c.exitFor(err, figures.ErrUnknownFigure)
			}
			return 0
		}
		// With -timeout the figures are drawn one at a time and the
		// deadline is checked between them (each takes at most a few
		// seconds).
		if len(names) == 0 {
			names = figures.Names()
		}
		ctx, cancel := c.timeoutContext(*timeout)
		defer cancel()
		var errs []error
		for i, n := range names {
			if ctx.Err() != nil {
				c.warn("-timeout %v reached: %d of %d figures written (%s)", *timeout, i, len(names), strings.Join(names[:i], ", "))
				return 1
			}
			if err := figures.WriteAll(*out, []string{n}, c.stderr); err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return c.exitFor(err, figures.ErrUnknownFigure)
		}
		return 0
	}
}
