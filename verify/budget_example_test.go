package verify_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

// ExampleCompareContext bounds a comparison three ways: a deadline, an
// evaluation budget, and a distance at which the comparison stops. At
// h = 1.05 on quadratic2d (hλ = 2.1 > 2) GD diverges while the NGF
// converges, so the distance passes 1 within a few steps: GD's first
// component is −0.35·(1 − 2.1)ⁿ, the NGF's −0.35·e^{−2nh} ≈ 0, so the
// distance is about 0.35·1.1ⁿ (0.998 at n = 11, 1.098 at n = 12).
func ExampleCompareContext() {
	p, err := problems.ByName("quadratic2d")
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := verify.CompareContext(ctx, p, "ngf", 1.05, 40, nil, &verify.Settings{MaxEvals: 1_000_000, MaxDistance: 1})
	if errors.Is(err, verify.ErrMaxDistance) {
		last := r.Points[len(r.Points)-1]
		fmt.Printf("stopped at step %d: distance %.3f\n", last.N, last.Error)
	}
	// Output:
	// stopped at step 12: distance 1.098
}
