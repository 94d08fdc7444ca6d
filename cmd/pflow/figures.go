package main

import (
	"flag"
	"strings"

	"github.com/pflow-go/pflow/figures"
)

func init() {
	register("figures", command{
		summary:  "draw the figure gallery (PNG, SVG and CSV per figure) into a directory",
		synopsis: "-out DIR [-only NAME[,NAME…]]",
		define:   defineFigures,
	})
}

// defineFigures implements `pflow figures -out DIR [-only NAME[,NAME…]]`.
// Progress goes to stderr; unknown names and missing flags exit 2 before
// anything is computed, a failed computation exits 1.
func defineFigures(fs *flag.FlagSet) func(c *cli) int {
	out := fs.String("out", "", "directory `DIR` to write NAME.png, NAME.svg and NAME.csv into (created if needed; required)")
	only := fs.String("only", "", "comma-separated figure names (default: all): "+strings.Join(figures.Names(), ", "))
	return func(c *cli) int {
		if *out == "" {
			return c.fail("missing -out DIR")
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
		if err := figures.WriteAll(*out, names, c.stderr); err != nil {
			return c.exitFor(err, figures.ErrUnknownFigure)
		}
		return 0
	}
}
