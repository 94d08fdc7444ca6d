package problems_test

import (
	"fmt"

	"github.com/pflow-go/pflow/problems"
)

// Derivatives of any order of a loss written once generically: the fifth
// derivative of E(x) = exp(x) at 0, contracted four times with v = 2, is
// e⁰·2⁴ = 16.
func ExampleDerivs() {
	d, err := problems.NewDerivs(1, func(x []problems.Taylor) problems.Taylor { return x[0].Exp() })
	if err != nil {
		panic(err)
	}
	v := []float64{2}
	out := make([]float64, 1)
	d.ContractReal(out, []float64{0}, v, v, v, v)
	fmt.Printf("%.12g\n", out[0])
	// Output: 16
}
