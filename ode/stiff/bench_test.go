package stiff

import (
	"fmt"
	"math"
	"testing"
)

func benchVdP(b *testing.B, eps, t1, tol float64) {
	var nfev, steps int
	for b.Loop() {
		r, err := VanDerPol(eps, t1, tol, tol, false)
		if err != nil {
			b.Fatal(err)
		}
		nfev += r.Stats.NFev
		steps += r.Stats.NSteps
	}
	b.ReportMetric(float64(nfev)/float64(b.N), "nfev/op")
	b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
}

// The project's vanderpol benchmark (ε = 1e−3, t ∈ [0, 2]) at the three
// tolerances of its rows, with the correct digits −log₁₀(error against
// VanDerPolRef).
func BenchmarkRadau5VanDerPol1e3(b *testing.B) {
	for _, tol := range []float64{1e-6, 1e-9, 1e-12} {
		b.Run(fmt.Sprintf("tol=%.0e", tol), func(b *testing.B) {
			benchVdP(b, 1e-3, 2, tol)
			r, _ := VanDerPol(1e-3, 2, tol, tol, false)
			b.ReportMetric(-math.Log10(r.Error), "digits")
		})
	}
}

// Dense output evaluation (van der Pol, ε = 1e−3, 300 steps).
func BenchmarkRadau5At(b *testing.B) {
	sol, err := radau5(vdpProblem(1e-3), 0, 2, []float64{2, 0}, &Settings{Dense: true})
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float64, 2)
	i := 0
	for b.Loop() {
		i++
		sol.At(dst, 2*float64(i%1000)/1000)
	}
}

// Van der Pol with ε = 1e−6 (very stiff).
func BenchmarkRadau5VanDerPol1e6(b *testing.B) { benchVdP(b, 1e-6, 2, 1e-6) }

// Complex linear system of the principal-flow kind: y' = Ly, L with
// eigenvalues spread over the left half plane (d = 50).
func BenchmarkRadau5ComplexLinear(b *testing.B) {
	const d = 50
	lam := make([]complex128, d)
	for i := range lam {
		lam[i] = complex(-float64(i+1)*float64(i+1), float64(i)*3)
	}
	f := func(dy []complex128, _ float64, y []complex128) {
		for i := range y {
			dy[i] = lam[i] * y[i]
			if i > 0 {
				dy[i] += y[i-1]
			}
		}
	}
	jac := func(j []complex128, _ float64, _ []complex128) {
		clear(j)
		for i := 0; i < d; i++ {
			j[i*d+i] = lam[i]
			if i > 0 {
				j[i*d+i-1] = 1
			}
		}
	}
	y0 := make([]complex128, d)
	for i := range y0 {
		y0[i] = 1
	}
	var nfev int
	for b.Loop() {
		sol, err := radau5(Problem[complex128]{F: f, Jac: jac}, 0, 1, y0, &Settings{RTol: 1e-8, ATol: 1e-10})
		if err != nil {
			b.Fatal(err)
		}
		nfev += sol.Stats.NFev
	}
	b.ReportMetric(float64(nfev)/float64(b.N), "nfev/op")
}
