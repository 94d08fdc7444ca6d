package benchprob_test

import (
	"fmt"

	"github.com/pflow-go/pflow/internal/benchprob"
)

// The rows of the benchmark table and the interval of each.
func ExampleEntries() {
	for _, e := range benchprob.Entries() {
		if e.Real != nil {
			p := e.Real()
			fmt.Printf("%-26s float64    dim %4d  t1 = %.6g\n", e.Name, len(p.Y0), p.T1)
		} else {
			p := e.Complex()
			fmt.Printf("%-26s complex128 dim %4d  t1 = %.6g\n", e.Name, len(p.Y0), p.T1)
		}
	}
	// Output:
	// arenstorf                  float64    dim    4  t1 = 17.0652
	// lorenz                     float64    dim    3  t1 = 20
	// vanderpol                  float64    dim    2  t1 = 2
	// kepler_energy              float64    dim    4  t1 = 6283.19
	// kepler_final               float64    dim    4  t1 = 6283.19
	// gradflow_d100              float64    dim  100  t1 = 100
	// gradflow_d1000             float64    dim 1000  t1 = 100
	// principal_d100             complex128 dim  100  t1 = 99
	// principal_d1000            complex128 dim 1000  t1 = 99
	// gradflow_d100_householder  float64    dim  100  t1 = 100
	// gradflow_d1000_householder float64    dim 1000  t1 = 100
	// principal_d100_householder complex128 dim  100  t1 = 99
	// principal_d1000_householder complex128 dim 1000  t1 = 99
}

// The error measure of a problem applied to its own initial value: the
// arenstorf orbit closes, so y0 has error 0.
func ExampleNewArenstorf() {
	p := benchprob.NewArenstorf()
	fmt.Println(p.Name, p.Error(benchprob.ArenstorfY0()))
	// Output: arenstorf 0
}

// The kepler problem: its energy H = ½|p|² − 1/|q| at the initial value
// (−½ up to rounding, so the period is 2π) and the force at q0 = (1 − e, 0).
func ExampleKeplerForce() {
	y0 := benchprob.KeplerY0()
	dp := make([]float64, 2)
	benchprob.KeplerForce(dp, y0[:2])
	fmt.Printf("H0 = %.12g, force at q0 = %v\n", benchprob.KeplerEnergy(y0), dp)
	// Output: H0 = -0.5, force at q0 = [-4 -0]
}
