package modified

import (
	"testing"
)

// BenchmarkBEA measures one evaluation of the backward-error fields on the
// default tanh MLP (d = 2103, Hessian-vector products by the R-operator)
// and on logistic regression (d = 5), with the problem's gradient as the
// unit of cost.
func BenchmarkBEA(b *testing.B) {
	for _, name := range []string{"logreg", "mlp"} {
		p := mustProblem(b, name)
		y := p.Start()
		dy := make([]float64, p.Dim)
		b.Run(name+"/grad", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Real.Grad(dy, y)
			}
		})
		for order := 0; order <= MaxBEAOrder; order++ {
			f, err := NewBEA[float64](p, 0.1, order)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(name+"/"+beaNames[order], func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f.F(dy, 0, y)
				}
			})
		}
	}
}

// BenchmarkGD measures the GD runner (100 steps on logistic regression,
// d = 5, N = 100) per step.
func BenchmarkGD(b *testing.B) {
	p := mustProblem(b, "logreg")
	x0 := p.Start()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GD(p, x0, 0.5, 100, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/step")
}
