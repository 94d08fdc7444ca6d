package problems

import (
	"testing"
)

func benchMLP(b *testing.B) (*Problem, []float64, []float64, []float64) {
	p, err := ByName("mlp")
	if err != nil {
		b.Fatal(err)
	}
	x := p.Start()
	v := make([]float64, p.Dim)
	for i := range v {
		v[i] = float64(i%7) - 3
	}
	return p, x, v, make([]float64, p.Dim)
}

// BenchmarkMLPGrad measures one exact gradient of the default MLP (d = 2103).
func BenchmarkMLPGrad(b *testing.B) {
	p, x, _, dst := benchMLP(b)
	b.ReportAllocs()
	for b.Loop() {
		p.Real.Grad(dst, x)
	}
	b.ReportMetric(float64(p.Dim), "dim")
}

// BenchmarkMLPHessVec measures one R-operator Hessian-vector product.
func BenchmarkMLPHessVec(b *testing.B) {
	p, x, v, dst := benchMLP(b)
	b.ReportAllocs()
	for b.Loop() {
		p.Real.HessVec(dst, x, v)
	}
	b.ReportMetric(float64(p.Dim), "dim")
}

// BenchmarkMLPHessVecComplex measures the complex R-operator HVP.
func BenchmarkMLPHessVecComplex(b *testing.B) {
	p, x, v, _ := benchMLP(b)
	z, zv, dst := make([]complex128, p.Dim), make([]complex128, p.Dim), make([]complex128, p.Dim)
	for i := range z {
		z[i], zv[i] = complex(x[i], 0.01), complex(v[i], 0)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Complex.HessVec(dst, z, zv)
	}
}

// BenchmarkMLPD3 measures one D³E[u,v] (hyper-dual forward over R-operator).
func BenchmarkMLPD3(b *testing.B) {
	p, x, v, dst := benchMLP(b)
	b.ReportAllocs()
	for b.Loop() {
		p.Real.D3(dst, x, v, v)
	}
}

// BenchmarkMLPDenseHessSweep builds the dense d×d Hessian column by column
// from d HVPs: the cost a dense-Hessian method pays per Hessian.
func BenchmarkMLPDenseHessSweep(b *testing.B) {
	p, x, _, dst := benchMLP(b)
	n := p.Dim
	hess := make([]float64, n*n)
	e := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		for j := range n {
			e[j] = 1
			p.Real.HessVec(dst, x, e)
			e[j] = 0
			for i, c := range dst {
				hess[i*n+j] = c
			}
		}
	}
	b.ReportMetric(float64(n), "hvps/op")
}

// BenchmarkBenchQuadHessVec measures the O(d) Householder HVP at d = 1000.
func BenchmarkBenchQuadHessVec(b *testing.B) {
	p, err := NewBenchQuadratic(1000)
	if err != nil {
		b.Fatal(err)
	}
	x := p.Start()
	dst := make([]float64, p.Dim)
	b.ReportAllocs()
	for b.Loop() {
		p.Real.HessVec(dst, x, x)
	}
}

// BenchmarkRosenbrockGrad measures a 2-D closed-form gradient.
func BenchmarkRosenbrockGrad(b *testing.B) {
	p, _ := ByName("rosenbrock")
	x, dst := p.Start(), make([]float64, 2)
	b.ReportAllocs()
	for b.Loop() {
		p.Real.Grad(dst, x)
	}
}
