package eos

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

func smallNetwork(t *testing.T) *problems.Problem {
	t.Helper()
	rnd := rand.New(rand.NewPCG(8, 8))
	x := make([]float64, 40*3)
	y := make([]float64, 40)
	for i := range x {
		x[i] = rnd.NormFloat64()
	}
	for i := range y {
		y[i] = rnd.NormFloat64()
	}
	p, err := problems.NewNetwork(problems.NetworkSpec{Layers: []int{3, 6, 1}, Activation: problems.Swish, X: x, Y: y, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// resultText prints a Result exactly, without the elapsed times (which
// differ from run to run) and with the errors as text.
func resultText(r *Result) string {
	c := *r
	c.GDTime, c.CentralTime, c.StableTime, c.PredictorTime, c.HVPTime, c.D3Time = 0, 0, 0, 0, 0, 0
	s := fmt.Sprintf("%v", c)
	for _, m := range r.Models {
		s += fmt.Sprintf("\n%s: %v", m.Name, m.Err)
	}
	return s
}

// TestRunWorkers: the models run concurrently give the sequential result
// bit for bit (Run under -race: the models share the problem, its worker
// pool and the counters of HVPs).
func TestRunWorkers(t *testing.T) {
	p := smallNetwork(t)
	cfg := Config{Problem: p, LR: 0.3, Steps: 24, Models: []string{"gf", "central", "igr", "pf", "bea3"},
		Sample: 4, Every: 6, K: 2, AvgHalfWidth: 3, Central: CentralSettings{Eigs: 2}}
	var want string
	for _, w := range []int{1, 4, 2} {
		cfg.Workers = w
		var calls atomic.Int64
		cfg.Progress = func(string, int, int) { calls.Add(1) }
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("workers %d: %v", w, err)
		}
		got := resultText(res)
		if w == 1 {
			want = got
		} else if got != want {
			t.Errorf("workers %d differs from workers 1:\n%s\n%s", w, got, want)
		}
		if calls.Load() == 0 {
			t.Errorf("workers %d: no progress", w)
		}
	}
}

// TestRunWorkersCancel: a context canceled while the models run stops
// them; the models before the first stopped one (in model order) are kept
// and the error is the context's.
func TestRunWorkersCancel(t *testing.T) {
	p := smallNetwork(t)
	for _, w := range []int{1, 3} {
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int64
		cfg := Config{Problem: p, LR: 0.3, Steps: 200, Models: []string{"igr", "central", "pf"},
			Sample: 4, Every: 2, K: 2, Central: CentralSettings{Eigs: 2}, Workers: w,
			Progress: func(stage string, _, _ int) {
				if stage != "gd" && calls.Add(1) == 5 {
					cancel()
				}
			}}
		res, err := Run(ctx, cfg)
		cancel()
		if !errors.Is(err, context.Canceled) || res == nil {
			t.Fatalf("workers %d: err %v", w, err)
		}
		if len(res.Models) == 0 || len(res.Models) > 3 {
			t.Errorf("workers %d: %d models", w, len(res.Models))
		}
		for i, m := range res.Models {
			if m.Name != cfg.Models[i] {
				t.Errorf("workers %d: model %d is %s", w, i, m.Name)
			}
		}
	}
}
