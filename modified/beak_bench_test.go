package modified

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

// chainLoss is a d-dimensional generic loss with couplings between
// neighbours: Σ_i log cosh(x_i − x_{i+1}) + Σ_i (1 + i/d) x_i²/2.
func chainLoss[N problems.Number[N]](x []N) N {
	d := len(x)
	s := x[0].Const(0)
	for i := range d {
		if i+1 < d {
			s = s.Add(x[i].Sub(x[i+1]).Cosh().Log())
		}
		s = s.Add(x[i].Mul(x[i]).Scale(0.5 * (1 + float64(i)/float64(d))))
	}
	return s
}

// BenchmarkBEAKField measures one evaluation of the bea:K field (K = 3, 8)
// on the generic d = 100 chainLoss, reporting the loss evaluations in
// Jet (Hessian-vector products and D³E, n each) and Taylor (contractions
// with ≥ 3 vectors) arithmetic per field evaluation.
func BenchmarkBEAKField(b *testing.B) {
	const d = 100
	var jetEvals, taylorEvals atomic.Int64
	p, err := problems.FromGeneric(problems.Generic{Name: "chain100", Dim: d,
		Jet:    func(x []problems.Jet) problems.Jet { jetEvals.Add(1); return chainLoss(x) },
		Taylor: func(x []problems.Taylor) problems.Taylor { taylorEvals.Add(1); return chainLoss(x) }})
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(7, 8))
	y := make([]float64, d)
	for i := range y {
		y[i] = 0.5 * rnd.NormFloat64()
	}
	for _, K := range []int{3, 8} {
		b.Run(fmt.Sprintf("K=%d", K), func(b *testing.B) {
			f, err := NewBEAK[float64](p, 0.1, K)
			if err != nil {
				b.Fatal(err)
			}
			cost, _ := BEAKCost(K)
			dy := make([]float64, d)
			jetEvals.Store(0)
			taylorEvals.Store(0)
			b.ResetTimer()
			for b.Loop() {
				f.F(dy, 0, y)
			}
			b.StopTimer()
			n := float64(b.N)
			b.ReportMetric(float64(jetEvals.Load())/n, "jet-evals/op")
			b.ReportMetric(float64(taylorEvals.Load())/n, "taylor-evals/op")
			tot := 0
			for _, c := range cost {
				tot += c
			}
			b.ReportMetric(float64(tot), "contractions/op")
		})
	}
}
