package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/pflow-go/pflow/problems"
)

// watchProblem returns a copy of p whose gradients (one per GD step),
// Hessian-vector products (Lanczos) and complex loss evaluations report
// progress through pr. The wrappers cost a few nanoseconds per call and
// share no written cache line between goroutines (the counts are sharded,
// the due time is read-mostly), so that workers calling them at once
// (-workers) do not serialise on them; the line is formatted only when due.
func watchProblem(p *problems.Problem, pr *progress) *problems.Problem {
	q := *p
	var grads, hvs, losses counter
	if g := p.Real.Grad; g != nil {
		q.Real.Grad = func(dst, x []float64) {
			g(dst, x)
			grads.add(unsafe.Pointer(unsafe.SliceData(dst)))
			if pr.check() {
				pr.line("%d gradients on %s (dimension %d)", grads.load(), p.Name, p.Dim)
			}
		}
	}
	if hv := p.Real.HessVec; hv != nil {
		q.Real.HessVec = func(dst, x, v []float64) {
			hv(dst, x, v)
			hvs.add(unsafe.Pointer(unsafe.SliceData(dst)))
			if pr.check() {
				pr.line("%d Hessian-vector products on %s (dimension %d)", hvs.load(), p.Name, p.Dim)
			}
		}
	}
	if p.Complex != nil && p.Complex.Func != nil {
		c := *p.Complex
		f := c.Func
		c.Func = func(x []complex128) complex128 {
			v := f(x)
			losses.add(unsafe.Pointer(unsafe.SliceData(x)))
			if pr.check() {
				pr.line("%d losses of flow states on %s", losses.load(), p.Name)
			}
			return v
		}
		q.Complex = &c
	}
	return &q
}

// counter is a count incremented from several goroutines at once: each
// increment goes to one of 16 shards on separate cache lines, picked by a
// key (the address of the caller's buffer, which differs between workers),
// and load sums the shards.
type counter struct {
	shards [16]struct {
		n atomic.Int64
		_ [56]byte
	}
}

func (c *counter) add(key unsafe.Pointer) {
	h := uint64(uintptr(key)) * 0x9e3779b97f4a7c15 // Fibonacci hashing
	c.shards[h>>60].n.Add(1)
}

func (c *counter) load() int64 {
	var n int64
	for i := range c.shards {
		n += c.shards[i].n.Load()
	}
	return n
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
// print it before releasing p.mu (line does). p.mu must be held.
func (p *progress) due() bool {
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return false
	}
	p.last = now
	return true
}

// tick prints one line when due, with the elapsed time appended.
func (p *progress) tick(format string, a ...any) {
	if p.check() {
		p.line(format, a...)
	}
}

// check is tick's test: it panics with canceledRun once the run's context
// is done (`pflow serve`) and reports whether a line may be due. Before
// the next due time it returns false without taking the lock, so that
// workers ticking from several goroutines (-workers) do not serialise on
// it.
func (p *progress) check() bool {
	if p == nil {
		return false
	}
	if p.ctx != nil {
		if err := p.ctx.Err(); err != nil {
			panic(canceledRun{err})
		}
	}
	return time.Since(p.start) >= time.Duration(p.next.Load())
}

// line prints one line if it is still due (another goroutine may have
// printed it since check), under the lock, so lines never interleave.
func (p *progress) line(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.due() {
		return
	}
	p.next.Store(int64(p.last.Add(p.every).Sub(p.start)))
	fmt.Fprintf(p.w, "%s"+format+" (%.0f s)\n", append(append([]any{p.prefix}, a...), time.Since(p.start).Seconds())...)
}
