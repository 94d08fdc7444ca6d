package stability

import (
	"context"
	"errors"
	"testing"
)

// TestAnalyzeContext: a cancelled context stops the Lanczos run at the
// next Hessian-vector product; a live one gives Analyze's result exactly.
func TestAnalyzeContext(t *testing.T) {
	p := mustProblem(t, "benchquad:d=5000")
	want, err := Analyze(p, 0.1, p.Start(), &Settings{Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	got, err := AnalyzeContext(context.Background(), p, 0.1, p.Start(), &Settings{Top: 2})
	if err != nil || got.Sharpness != want.Sharpness || got.HessVecs != want.HessVecs {
		t.Fatalf("live context: %v, sharpness %v (want %v)", err, got.Sharpness, want.Sharpness)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := *p
	calls := 0
	hv := p.Real.HessVec
	q.Real.HessVec = func(dst, x, v []float64) {
		calls++
		if calls == 5 {
			cancel()
		}
		hv(dst, x, v)
	}
	_, err = AnalyzeContext(ctx, &q, 0.1, p.Start(), &Settings{Top: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if calls != 5 {
		t.Errorf("%d Hessian-vector products, want the 5 before the cancellation took effect", calls)
	}
	if _, err := AnalyzeContext(ctx, p, 0.1, p.Start(), &Settings{Top: 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("already cancelled: %v", err)
	}
}
