package problems_test

import (
	"fmt"

	"github.com/pflow-go/pflow/problems"
)

func ExampleParse() {
	p, err := problems.Parse("(x^2-1)^2 + 2*y^2")
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{0.5, 0.5}
	g, h := make([]float64, 2), make([]float64, 4)
	p.Real.Grad(g, x)
	p.Real.Hess(h, []float64{1, 0})
	fmt.Println(p.Name, p.Dim, p.Real.Func(x), g, h, p.Complex != nil)
	_, err = problems.Parse("x^2 + * y")
	fmt.Println(err)
	// Output:
	// expr:(x^2-1)^2 + 2*y^2 2 1.0625 [-1.5 2] [8 0 0 4] true
	// problems: expression syntax error at column 7: unexpected "*", want a number, variable, function or (
}
