package stability

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

// The sweeps run their independent runs on Workers goroutines; these tests
// check that the result does not depend on the number of workers (bit for
// bit: every float is printed with %v, the shortest representation that
// reads back exactly), that the first failure in input order is reported
// as in the sequential run, and that cancellation stops every worker. Run
// them under -race: the problems' functions are called from several
// goroutines at once.

// sweepText prints a SweepResult exactly.
func sweepText(r *SweepResult) string {
	if r == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%v", *r)
}

func TestSweepWorkersIdentical(t *testing.T) {
	cases := []struct {
		spec  string
		x0    []float64
		rates []float64
		steps int
	}{
		{"expr:(x^2-1)^2+2*y^2", []float64{0.5, 0.5}, LinRates(0.05, 0.6, 9), 400},
		{"quadratic2d", nil, []float64{0.5, 0.99, 1.05, 0.2}, 200},
		// A network: its functions share a worker pool (problems/network.go)
		// and take their workspaces from a sync.Pool.
		{"mlp:n=16,in=3,hidden=4,out=2,seed=1", nil, []float64{0.05, 0.3, 1, 3}, 60},
		// Taped generic losses (workspaces from sync.Pools).
		{"logreg", nil, []float64{0.1, 1, 10}, 60},
		{"matfact", nil, []float64{0.01, 0.1, 0.5}, 60},
		{"deeplinear", nil, []float64{0.01, 0.1, 1}, 60},
	}
	for _, c := range cases {
		var p *problems.Problem
		var err error
		x0 := c.x0
		if len(c.spec) > 5 && c.spec[:5] == "expr:" {
			p, err = problems.Parse(c.spec[5:])
		} else {
			p, err = problems.ByName(c.spec)
			x0 = p.X0
		}
		if err != nil {
			t.Fatal(err)
		}
		var want string
		for _, w := range []int{1, 4, 2, 0} {
			res, err := Sweep(context.Background(), p, x0, c.rates, c.steps, &SweepSettings{Workers: w})
			if err != nil {
				t.Fatalf("%s, workers %d: %v", c.spec, w, err)
			}
			got := sweepText(res)
			if w == 1 {
				want = got
				continue
			}
			if got != want {
				t.Errorf("%s: workers %d differs from workers 1:\n%s\n%s", c.spec, w, got, want)
			}
		}
	}
}

// failAtStart returns the loss (x² − 1)² + 2y² with a loss that is NaN at
// x0 itself and no dense Hessian (so no Newton search for stationary
// points): GD runs normally, but a diverging rate is analysed at x0
// (Sweep's linear analysis of a diverging run), where Analyze refuses the
// point. So every diverging rate fails with an error.
func failAtStart(t *testing.T, x0 []float64) *problems.Problem {
	p, err := problems.Parse("(x^2-1)^2+2*y^2")
	if err != nil {
		t.Fatal(err)
	}
	q := *p
	q.Real.Hess = nil
	f := p.Real.Func
	q.Real.Func = func(x []float64) float64 {
		if slices.Equal(x, x0) {
			return math.NaN()
		}
		return f(x)
	}
	return &q
}

func TestSweepWorkersFirstError(t *testing.T) {
	x0 := []float64{0.5, 0.5}
	p := failAtStart(t, x0)
	// 0.6 and 0.9 diverge; 0.6 comes first.
	rates := []float64{0.1, 0.2, 0.6, 0.26, 0.9, 0.15}
	var want string
	var wantErr error
	for _, w := range []int{1, 2, 4} {
		res, err := Sweep(context.Background(), p, x0, rates, 300, &SweepSettings{Workers: w})
		if err == nil {
			t.Fatalf("workers %d: no error", w)
		}
		if len(res.Rates) != 2 {
			t.Errorf("workers %d: %d rates before the error, want 2", w, len(res.Rates))
		}
		if w == 1 {
			want, wantErr = sweepText(res), err
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("sequential error %v does not wrap ErrInvalidInput", err)
			}
			continue
		}
		if got := sweepText(res); got != want || err.Error() != wantErr.Error() {
			t.Errorf("workers %d: %v\n%s\nwant %v\n%s", w, err, got, wantErr, want)
		}
	}
}

// TestSweepWorkersCancel cancels the context after a number of gradients:
// every worker stops within its next 1024 steps (the check interval) and
// no other rate starts. The bound is on gradient counts, not on time.
func TestSweepWorkersCancel(t *testing.T) {
	p, err := problems.Parse("(x^2-1)^2+2*y^2")
	if err != nil {
		t.Fatal(err)
	}
	const steps, stopAt = 100000, 5000
	for _, w := range []int{1, 3} {
		ctx, cancel := context.WithCancel(context.Background())
		var grads atomic.Int64
		q := *p
		g := p.Real.Grad
		q.Real.Grad = func(dst, x []float64) {
			if grads.Add(1) == stopAt {
				cancel()
			}
			g(dst, x)
		}
		res, err := Sweep(ctx, &q, []float64{0.5, 0.5}, LinRates(0.01, 0.2, 50), steps, &SweepSettings{Workers: w})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("workers %d: err = %v, want context.Canceled", w, err)
		}
		if len(res.Rates) != 0 {
			t.Errorf("workers %d: %d rates finished, want 0", w, len(res.Rates))
		}
		if n := grads.Load(); n > stopAt+int64(w)*1024 {
			t.Errorf("workers %d: %d gradients, more than %d + %d·1024 after the cancellation", w, n, stopAt, w)
		}
	}
}

func TestSweepDALWorkersIdentical(t *testing.T) {
	p, err := problems.ByName("mlp:n=16,in=3,hidden=4,out=2,seed=1")
	if err != nil {
		t.Fatal(err)
	}
	ps := []float64{0, 0.5, 1, 2}
	set := &TrackSettings{Steps: 40, Every: 5}
	var want string
	for _, w := range []int{1, 4, 2} {
		s := *set
		s.Workers = w
		runs, err := SweepDAL(p, 0.5, p.X0, ps, DAL{}, &s)
		if err != nil {
			t.Fatalf("workers %d: %v", w, err)
		}
		got := fmt.Sprintf("%v", dalText(runs))
		if w == 1 {
			want = got
		} else if got != want {
			t.Errorf("workers %d differs from workers 1:\n%s\n%s", w, got, want)
		}
	}
}

// dalText prints DAL runs with their trajectories dereferenced.
func dalText(runs []DALRun) []string {
	var out []string
	for _, r := range runs {
		tr := r.Trajectory
		r.Trajectory = nil
		out = append(out, fmt.Sprintf("%v %v", r, *tr))
	}
	return out
}
