package modified

import (
	"fmt"
	"math"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

// mixed3 is a 3-D generic loss whose derivatives of every order are
// non-zero and point in different directions.
func mixed3[N problems.Number[N]](x []N) N {
	a := x[0].Sub(x[1].Scale(0.5)).Cosh().Log()
	b := x[1].Scale(0.4).Add(x[2].Scale(0.3)).Exp().Scale(0.3)
	c := x[2].Mul(x[2]).Scale(0.5).Add(x[0].Mul(x[2]).Sin().Scale(0.2))
	return a.Add(b).Add(c)
}

// Local order K + 2 in several dimensions, where the 1-D tests cannot tell
// apart elementary differentials whose vectors are permuted: the monkey
// saddle x³ − 3xy² (Grad, HessVec, D3 of the catalogue; the D⁴E of its
// twin is zero) and a 3-D generic loss with every contraction from
// problems.Derivs. The step sizes keep the errors in the asymptotic range
// and above 3e-14 (the errors and orders are in the test log).
func TestBEAKLocalOrderMultiD(t *testing.T) {
	gp, err := problems.FromGeneric(problems.Generic{Name: "mixed3", Dim: 3, Holomorphic: true,
		Jet: mixed3[problems.Jet], Taylor: mixed3[problems.Taylor]})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p  *problems.Problem
		x0 []float64
		hs []float64
	}{
		{mustProblem(t, "monkeysaddle"), []float64{0.3, 0.2}, []float64{0.08, 0.04, 0.02}},
		{gp, []float64{0.4, -0.3, 0.5}, []float64{0.12, 0.06, 0.03}},
	} {
		for K := 0; K <= 6; K++ {
			errs := oneStepErrors(t, c.p, c.x0, c.hs, func(h float64) (*Flow[float64], error) {
				return NewBEAK[float64](c.p, h, K)
			})
			o := make([]float64, len(errs)-1)
			for j := range o {
				o[j] = math.Log2(errs[j] / errs[j+1])
			}
			t.Logf("%s K=%d errors %.3e orders %.3f", c.p.Name, K, errs, o)
			if errs[len(errs)-1] < 3e-14 {
				t.Fatalf("%s K=%d: errors %.3e reach round-off", c.p.Name, K, errs)
			}
			checkOrders(t, fmt.Sprintf("%s/bea:%d", c.p.Name, K), errs, float64(K+2))
		}
	}
}
