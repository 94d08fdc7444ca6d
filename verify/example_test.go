package verify_test

import (
	"fmt"

	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/verify"
)

// The negative gradient flow on the paper's toy quadratic drifts away from
// GD at h = 0.9 (GD oscillates along the sharp direction, the flow cannot),
// while the principal flow is exact.
func ExampleCompare() {
	p, _ := problems.ByName("quadratic2d")
	for _, flow := range []string{"ngf", "pf"} {
		r, err := verify.Compare(p, flow, 0.9, 5, nil, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-3s distance after 5 steps %.4f, exact to 1e-10: %v\n", flow, r.Points[5].Error, r.MaxError < 1e-10)
	}
	// Output:
	// ngf distance after 5 steps 0.1147, exact to 1e-10: false
	// pf  distance after 5 steps 0.0000, exact to 1e-10: true
}

// The one-step error of the implicit-regularisation flow is O(h³).
func ExampleLocalOrder() {
	p, _ := problems.ByName("logcosh")
	o, err := verify.LocalOrder(p, "igr", 0.1, 4, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("observed local order %.2f (pairwise slopes within %.2f)\n", o.Slope, o.Spread)
	// Output:
	// observed local order 3.01 (pairwise slopes within 0.01)
}

// A suite is data: here two cases, one of them with a threshold the flow
// cannot meet.
func ExampleRun() {
	cases := []verify.Case{
		{Name: "pf exact", Problem: "quadratic2d", Flow: "pf", H: 1.05, N: 5, Check: verify.CheckMaxError, Threshold: 1e-10},
		{Name: "ngf order 3?", Problem: "cubic", Flow: "ngf", H: 0.1, Check: verify.CheckLocalOrder, Want: 3, Threshold: 0.15},
	}
	for _, o := range verify.Run(cases, 0, nil) {
		fmt.Printf("%-13s %-20s pass=%v\n", o.Case.Name, o.Case.CheckName(), o.Pass)
	}
	// Output:
	// pf exact      max_error <=         pass=true
	// ngf order 3?  |local_order-3| <=   pass=false
}
