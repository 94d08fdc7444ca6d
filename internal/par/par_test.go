package par

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
)

func TestWorkers(t *testing.T) {
	for _, c := range []struct{ w, n, want int }{
		{1, 10, 1}, {4, 10, 4}, {4, 2, 2}, {4, 0, 1}, {-3, 1, 1},
		{0, 1 << 20, runtime.GOMAXPROCS(0)},
	} {
		if got := Workers(c.w, c.n); got != c.want {
			t.Errorf("Workers(%d, %d) = %d, want %d", c.w, c.n, got, c.want)
		}
	}
}

// TestMapOrder: results and done calls in input order, whatever order the
// jobs finish in (later jobs finish first here).
func TestMapOrder(t *testing.T) {
	const n = 40
	for _, w := range []int{1, 2, 4, 0} {
		var order []int
		res, k, err := Map(context.Background(), n, w, func(_ context.Context, i int) (string, error) {
			// Earlier jobs do more work, so they tend to finish last.
			s := 0
			for j := range (n - i) * 2000 {
				s += j
			}
			return fmt.Sprint(i, s%7), nil
		}, func(i int, r string) {
			order = append(order, i)
		})
		if err != nil || k != -1 {
			t.Fatalf("workers %d: k = %d, err = %v", w, k, err)
		}
		for i := range n {
			s := 0
			for j := range (n - i) * 2000 {
				s += j
			}
			if want := fmt.Sprint(i, s%7); res[i] != want {
				t.Fatalf("workers %d: res[%d] = %q, want %q", w, i, res[i], want)
			}
		}
		if !slices.Equal(order, seq(n)) {
			t.Fatalf("workers %d: done order %v", w, order)
		}
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestDoFirstError: the error of the lowest failing index is returned, done
// is called exactly for the jobs before it, and jobs after a failure are
// canceled or not started.
func TestDoFirstError(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	for _, w := range []int{1, 2, 4} {
		var done []int
		release := make(chan struct{})
		k, err := Do(context.Background(), 10, w, func(ctx context.Context, i int) error {
			switch i {
			case 3:
				// Fails late, after job 5 has failed when w > 1.
				if w > 1 {
					<-release
				}
				return errA
			case 5:
				if w > 1 {
					defer close(release)
				}
				return errB
			}
			if i > 5 && w > 1 {
				// Runs until canceled.
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		}, func(i int) { done = append(done, i) })
		if k != 3 || err != errA {
			t.Errorf("workers %d: k = %d, err = %v, want 3, a", w, k, err)
		}
		if !slices.Equal(done, []int{0, 1, 2}) {
			t.Errorf("workers %d: done %v, want [0 1 2]", w, done)
		}
	}
}

// TestDoPanic: a panic in a worker comes back in the calling goroutine
// with the same value; an earlier error wins over a later panic.
func TestDoPanic(t *testing.T) {
	type token struct{ v int }
	for _, w := range []int{1, 3} {
		func() {
			defer func() {
				r := recover()
				if tk, ok := r.(token); !ok || tk.v != 7 {
					t.Errorf("workers %d: recovered %v, want token{7}", w, r)
				}
			}()
			Do(context.Background(), 12, w, func(_ context.Context, i int) error {
				if i == 4 {
					panic(token{7})
				}
				return nil
			}, nil)
			t.Errorf("workers %d: no panic", w)
		}()
	}
	errA := errors.New("a")
	k, err := Do(context.Background(), 12, 3, func(_ context.Context, i int) error {
		switch i {
		case 2:
			return errA
		case 8:
			panic("late")
		}
		return nil
	}, nil)
	if k != 2 || err != errA {
		t.Errorf("k = %d, err = %v, want 2, a", k, err)
	}
}

// TestDoCancel: canceling the context stops the running jobs (each watches
// its context) and starts no other; the error is the context's.
func TestDoCancel(t *testing.T) {
	for _, w := range []int{1, 2, 4} {
		ctx, cancel := context.WithCancel(context.Background())
		var started atomic.Int64
		k, err := Do(ctx, 1000, w, func(ctx context.Context, i int) error {
			// Cancel once every worker holds a job (the jobs wait
			// for the cancellation).
			if started.Add(1) == int64(min(3, w)) {
				cancel()
			}
			if w > 1 {
				<-ctx.Done() // every running job waits for the cancellation
			}
			return ctx.Err()
		}, nil)
		if !errors.Is(err, context.Canceled) || k < 0 || k > 2 {
			t.Errorf("workers %d: k = %d, err = %v", w, k, err)
		}
		if s := started.Load(); s > int64(3+w) {
			t.Errorf("workers %d: %d jobs started after the cancellation", w, s)
		}
		cancel()
	}
	// A context done before the start runs nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, w := range []int{1, 4} {
		k, err := Do(ctx, 5, w, func(context.Context, int) error {
			t.Error("job ran")
			return nil
		}, nil)
		if k != 0 || !errors.Is(err, context.Canceled) {
			t.Errorf("workers %d: k = %d, err = %v", w, k, err)
		}
	}
}

func TestMapPartial(t *testing.T) {
	res, k, err := Map(context.Background(), 6, 3, func(_ context.Context, i int) ([]int, error) {
		if i == 2 {
			return []int{-1}, errors.New("x")
		}
		return []int{i}, nil
	}, nil)
	if k != 2 || err == nil || len(res) != 6 || res[0][0] != 0 || res[1][0] != 1 || res[2][0] != -1 {
		t.Errorf("res %v, k %d, err %v", res, k, err)
	}
	if res, k, err := Map(context.Background(), 0, 3, func(context.Context, int) (int, error) { return 0, nil }, nil); len(res) != 0 || k != -1 || err != nil {
		t.Errorf("n = 0: %v %d %v", res, k, err)
	}
}
