package main

import (
	"context"
	"errors"
	"flag"
	"strings"
	"time"
)

// timeoutFlag defines -timeout DURATION (Go duration syntax) on the long
// subcommands; the value stays 0 (no limit) when the flag is not given.
func timeoutFlag(fs *flag.FlagSet) *time.Duration {
	p := new(time.Duration)
	fs.Func("timeout", "stop after `DURATION` (Go syntax: 30s, 5m, 1h30m; default no limit), print what was computed and exit 1", func(s string) error {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d <= 0 {
			return errors.New("want a positive Go duration such as 30s, 5m or 1h30m")
		}
		*p = d
		return nil
	})
	return p
}

// timeoutContext returns the context of a run with timeout d (0: none),
// derived from the run's own context (the request's under `pflow serve`).
func (c *cli) timeoutContext(d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(c.runCtx())
	}
	return context.WithTimeout(c.runCtx(), d)
}

// timedOut reports whether err (or ctx) says that the -timeout passed.
func timedOut(ctx context.Context, err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil
}
