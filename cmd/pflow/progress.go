package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pflow-go/pflow/problems"
)

// watchProblem returns a copy of p whose gradients (one per GD step),
// Hessian-vector products (Lanczos) and complex loss evaluations report
// progress through pr.
func watchProblem(p *problems.Problem, pr *progress) *problems.Problem {
	q := *p
	var grads, hvs, losses atomic.Int64
	if g := p.Real.Grad; g != nil {
		q.Real.Grad = func(dst, x []float64) {
			g(dst, x)
			pr.tick("%d gradients on %s (dimension %d)", grads.Add(1), p.Name, p.Dim)
		}
	}
	if hv := p.Real.HessVec; hv != nil {
		q.Real.HessVec = func(dst, x, v []float64) {
			hv(dst, x, v)
			pr.tick("%d Hessian-vector products on %s (dimension %d)", hvs.Add(1), p.Name, p.Dim)
		}
	}
	if p.Complex != nil && p.Complex.Func != nil {
		c := *p.Complex
		f := c.Func
		c.Func = func(x []complex128) complex128 {
			defer pr.tick("%d losses of flow states on %s", losses.Add(1), p.Name)
			return f(x)
		}
		q.Complex = &c
	}
	return &q
}

// progress prints throttled progress lines on stderr: nothing during the
// first delay (short runs stay quiet), then at most one line per every.
// It is safe for concurrent use.
//
// progress is also the checkpoint through which `pflow serve` stops a
// run: when the stderr a command writes to is a runContext (the server's
// stderr buffer), progress prints nothing and every tick (one per
// gradient, Hessian-vector product, complex loss or flow evaluation of a
// watched problem) panics with a canceledRun once the request's context
// is done; the server recovers it and answers with an error.
type progress struct {
	w            io.Writer
	prefix       string
	delay, every time.Duration
	mu           sync.Mutex
	start, last  time.Time
	ctx          context.Context // nil: never canceled
	// next is when the next line may be due, in nanoseconds since start:
	// ticks before it return without taking mu, so that workers ticking
	// from several goroutines (-workers) do not serialise on the lock.
	next atomic.Int64
}

// runContext is implemented by a stderr writer that carries the context
// of the run (serve.go).
type runContext interface {
	runContext() context.Context
}

// runCtx returns the context of the run: the request's when `pflow serve`
// runs the command (its stderr is a runContext), else
// context.Background(). Commands whose library calls take a context pass
// this one.
func (c *cli) runCtx() context.Context {
	if rc, ok := c.stderr.(runContext); ok {
		return rc.runContext()
	}
	return context.Background()
}

// canceledRun is the panic value of a tick after the run's context is
// done; only the server (serve.go) recovers it.
type canceledRun struct{ err error }

func newProgress(w io.Writer, prefix string) *progress {
	now := time.Now()
	p := &progress{w: w, prefix: prefix, delay: progressDelay, every: progressEvery, start: now, last: now.Add(progressDelay - progressEvery)}
	p.next.Store(int64(progressDelay))
	if rc, ok := w.(runContext); ok {
		p.ctx = rc.runContext()
		p.w = io.Discard
	}
	return p
}

// Progress throttling (variables so that tests can make every call print).
var (
	progressDelay = 2 * time.Second
	progressEvery = time.Second
)

// due reports whether a line may be printed now; if so the caller must
// print it before releasing p.mu (tick does). p.mu must be held.
func (p *progress) due() bool {
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return false
	}
	p.last = now
	return true
}

// tick prints one line when due, with the elapsed time appended. Ticks
// come from several goroutines when a command runs in parallel (-workers):
// the line is written under the lock, so lines never interleave.
func (p *progress) tick(format string, a ...any) {
	if p == nil {
		return
	}
	if p.ctx != nil {
		if err := p.ctx.Err(); err != nil {
			panic(canceledRun{err})
		}
	}
	if time.Since(p.start) < time.Duration(p.next.Load()) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.due() {
		return
	}
	p.next.Store(int64(p.last.Add(p.every).Sub(p.start)))
	fmt.Fprintf(p.w, "%s"+format+" (%.0f s)\n", append(append([]any{p.prefix}, a...), time.Since(p.start).Seconds())...)
}
