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
		synopsis: "[-out DIR] [-only NAME[,NAME…]] [-timeout D] [-workers N]",
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
	workers := workersFlag(fs, "figures")
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
		ctx, cancel := c.timeoutContext(*timeout)
		defer cancel()
		total := len(names)
		if total == 0 {
			total = len(figures.Names())
		}
		written, err := figures.WriteAllContext(ctx, *out, names, &figures.WriteSettings{Workers: *workers, Progress: c.stderr})
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			c.warn("-timeout %v reached: %d of %d figures written (%s)", *timeout, len(written), total, strings.Join(written, ", "))
			return 1
		}
		if err != nil {
			return c.exitFor(err, figures.ErrUnknownFigure)
		}
		return 0
	}
}
