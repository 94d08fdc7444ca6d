package bseries_test

import (
	"fmt"

	"github.com/pflow-go/pflow/bseries"
)

// The modified equation of gradient descent (explicit Euler) to order 3.
func ExampleModifiedField() {
	gd, err := bseries.Method("euler", 3)
	if err != nil {
		panic(err)
	}
	w, err := bseries.ModifiedField(gd)
	if err != nil {
		panic(err)
	}
	for _, t := range w.Trees() {
		fmt.Printf("%-6s σ=%d γ=%d ω=%s\n", t, t.Sigma(), t.Gamma(), w.Coef(t).RatString())
	}
	// Output:
	// •      σ=1 γ=1 ω=1
	// [•]    σ=1 γ=2 ω=-1/2
	// [•,•]  σ=2 γ=3 ω=1/6
	// [[•]]  σ=1 γ=6 ω=1/3
}
