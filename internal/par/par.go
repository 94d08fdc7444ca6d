// Package par runs independent jobs on several goroutines and gives back
// what the sequential loop
//
//	for i := range n {
//		if err := f(ctx, i); err != nil {
//			return i, err
//		}
//		done(i)
//	}
//
// gives: the results in input order whatever order the jobs finish in, the
// first error in input order, done called in input order from the calling
// goroutine (one writer: progress lines and output never interleave), and a
// panic raised again in the calling goroutine. The sweeps of the toolkit
// (stability.Sweep and SweepDAL, the figure gallery, the models of a
// comparison, the flows of `pflow trajectory`) use it; their output is byte
// for byte the same for every number of workers because each job computes
// exactly what it computes in the loop and only the scheduling changes.
package par

import (
	"context"
	"runtime"
	"sync"
)

// Workers returns the number of goroutines Do uses for n jobs when asked
// for w: w ≤ 0 means runtime.GOMAXPROCS(0); never more than n, never less
// than 1.
func Workers(w, n int) int {
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, n))
}

// Do calls f(ctx, i) for i = 0, …, n−1 on Workers(workers, n) goroutines
// and returns the index and the error of the first job in input order that
// failed (−1 and nil when none did). done, when non-nil, is called with i
// for every job before the first failure, in increasing order of i, from
// the calling goroutine, as soon as jobs 0…i have all succeeded (later
// jobs may still be running).
//
// Jobs start in increasing order of i. When job k fails, the running jobs
// with an index above k see their context canceled and no further job
// starts; the jobs below k run to completion, one of them may fail in
// turn and then it is the first failure. So the outcome is the loop's
// whenever whether a job fails does not depend on the others. Before a job
// starts Do checks ctx: once ctx is done no job starts, and the first job
// not started fails with ctx.Err() (a running job stops when f watches its
// context). A job that panics is treated as a failure; if it is the first
// one in input order, Do panics in the calling goroutine with the same
// value after every worker has returned (the value, not the stack: a trace
// then starts in Do; the same value lets a caller's recover recognise its
// own panics, as `pflow serve` does with its cancellation).
//
// With one worker Do is the loop above in the calling goroutine (with the
// check of ctx before each job): no goroutine is started and f receives
// ctx itself.
func Do(ctx context.Context, n, workers int, f func(ctx context.Context, i int) error, done func(i int)) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if n <= 0 {
		return -1, nil
	}
	w := Workers(workers, n)
	if w == 1 {
		for i := range n {
			if err := ctx.Err(); err != nil {
				return i, err
			}
			if err := f(ctx, i); err != nil {
				return i, err
			}
			if done != nil {
				done(i)
			}
		}
		return -1, nil
	}
	s := &state{n: n, first: n, running: make(map[int]context.CancelFunc)}
	finished := make(chan int, n) // jobs that succeeded; never blocks
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, jctx, ok := s.start(ctx)
				if !ok {
					return
				}
				pv, panicked, err := call(f, jctx, i)
				if s.finish(i, err, pv, panicked) {
					finished <- i
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(finished)
	}()
	ok := make([]bool, n)
	next := 0
	for i := range finished {
		ok[i] = true
		for next < n && ok[next] {
			if done != nil {
				done(next)
			}
			next++
		}
	}
	if s.first == n {
		return -1, nil
	}
	if s.panicked {
		panic(s.pv)
	}
	return s.first, s.err
}

// state is the dispatcher of Do's workers.
type state struct {
	mu       sync.Mutex
	n, next  int
	first    int // the lowest failed index (n: none)
	err      error
	pv       any
	panicked bool
	running  map[int]context.CancelFunc
}

// start hands out the next job with its own context, or reports that no
// job is left to start (all started, a failure, or ctx done: then the job
// that would have started fails with ctx.Err()).
func (s *state) start(ctx context.Context) (int, context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next >= s.n || s.first < s.n {
		return 0, nil, false
	}
	if err := ctx.Err(); err != nil {
		s.failLocked(s.next, err, nil, false)
		return 0, nil, false
	}
	i := s.next
	s.next++
	jctx, cancel := context.WithCancel(ctx)
	s.running[i] = cancel
	return i, jctx, true
}

// finish records the end of job i and reports whether it succeeded.
func (s *state) finish(i int, err error, pv any, panicked bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cancel := s.running[i]; cancel != nil {
		cancel()
		delete(s.running, i)
	}
	if err == nil && !panicked {
		return true
	}
	s.failLocked(i, err, pv, panicked)
	return false
}

func (s *state) failLocked(i int, err error, pv any, panicked bool) {
	if i >= s.first {
		return
	}
	s.first, s.err, s.pv, s.panicked = i, err, pv, panicked
	for j, cancel := range s.running {
		if j > i {
			cancel()
		}
	}
}

// call runs f(ctx, i), recovering a panic.
func call(f func(context.Context, int) error, ctx context.Context, i int) (pv any, panicked bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			pv, panicked = r, true
		}
	}()
	return nil, false, f(ctx, i)
}

// Map is Do for jobs with a result. It returns a slice of n results in
// input order with the index and the error of the first failure (−1 and
// nil when none): the results before that index are complete; the failed
// job's entry holds what f returned with its error (a partial result, or
// the zero value for a job that never started or panicked), and the
// entries after it are unspecified. emit, when non-nil, is called like
// Do's done, with the result.
func Map[R any](ctx context.Context, n, workers int, f func(ctx context.Context, i int) (R, error), emit func(i int, r R)) ([]R, int, error) {
	res := make([]R, max(n, 0))
	var done func(int)
	if emit != nil {
		done = func(i int) { emit(i, res[i]) }
	}
	k, err := Do(ctx, n, workers, func(ctx context.Context, i int) error {
		r, err := f(ctx, i)
		res[i] = r
		return err
	}, done)
	return res, k, err
}
