package problems_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/pflow-go/pflow/problems"
)

func ExampleByName() {
	p, err := problems.ByName("quadratic2d")
	if err != nil {
		fmt.Println(err)
		return
	}
	g := make([]float64, p.Dim)
	p.Real.Grad(g, p.X0)
	fmt.Printf("E(θ0) = %.4f, ∇E(θ0) = %.3f\n", p.Real.Func(p.X0), g)

	_, err = problems.ByName("deeplinear:k=zero")
	fmt.Println(err != nil)
	// Output:
	// E(θ0) = 0.1229, ∇E(θ0) = [-0.700 -0.004]
	// true
}

func ExampleProblem_ComplexFuncs() {
	p, _ := problems.ByName("logcosh")
	c, err := p.ComplexFuncs()
	if err != nil {
		fmt.Println(err)
		return
	}
	// The holomorphic extension: d/dθ log cosh θ = tanh θ at θ = 0.5 + 0.25i
	// (Python: cmath.tanh(0.5+0.25j) = 0.48548728+0.19805545j).
	g := make([]complex128, 1)
	c.Grad(g, []complex128{0.5 + 0.25i})
	fmt.Printf("%.6f\n", g[0])
	// Output:
	// (0.485487+0.198055i)
}

// cube is a user loss written once against problems.Number.
func cube[N problems.Number[N]](x []N) N {
	return x[0].Mul(x[0]).Mul(x[1]).Add(x[1].Sin())
}

func ExampleFromGeneric() {
	p, err := problems.FromGeneric(problems.Generic{
		Name: "x²y + sin y", Dim: 2, Holomorphic: true,
		Real: cube[problems.Real], Hyper: cube[problems.Hyper], Jet: cube[problems.Jet],
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{1, 0}
	h := make([]float64, 4)
	p.Real.Hess(h, x) // [[2y, 2x], [2x, −sin y]]
	d3 := make([]float64, 2)
	p.Real.D3(d3, x, []float64{1, 0}, []float64{1, 0}) // (∂xxx E, ∂xxy E) = (0, 2)
	fmt.Println(h, d3)
	// Output:
	// [0 2 2 0] [0 2]
}

func ExampleNewQuadratic() {
	// E = ½ xᵀAx with eigenvalues 2 and −1 along the axes rotated by 45°.
	s := 1 / math.Sqrt2
	q := mat.NewDense(2, 2, []float64{s, -s, s, s})
	p, err := problems.NewQuadratic("rotated saddle", []float64{2, -1}, q, []float64{1, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	h := make([]float64, 4)
	p.Real.Hess(h, p.X0)
	fmt.Printf("H = %.2f, origin: %v %+v\n", h, p.Saddles[0].Kind, p.Saddles[0].Inertia)
	// Output:
	// H = [0.50 1.50 1.50 0.50], origin: saddle {Pos:1 Neg:1 Zero:0}
}
