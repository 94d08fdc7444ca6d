package modified

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// The first-order flows are gradient flows of modified losses: check
// their right-hand sides against central finite differences (gonum
// diff/fd) of those losses, an independent route to the Hessian terms.
//
//	igr:        θ' = −∇(E + (h/4)‖∇E‖²)
//	momentum 1: θ' = −c∇(E + h(1+β)c²/4 ‖∇E‖²), c = 1/(1−β)
//	sgd:        θ' = −∇(E + (h/4)(1/m)Σ_k‖∇E_k‖²)
func TestFirstOrderFlowsAreGradientFlows(t *testing.T) {
	p := mustProblem(t, "deeplinear:k=3")
	x := []float64{0.6, 0.9, 1.3}
	h, beta := 0.3, 0.4
	c := 1 / (1 - beta)
	g := make([]float64, 3)
	sq := func(x []float64) float64 {
		p.Real.Grad(g, x)
		return g[0]*g[0] + g[1]*g[1] + g[2]*g[2]
	}
	a, b := lsqData(6, 3, 9)
	s, _ := LeastSquares[float64](a, b, 3)
	lsq := func(x []float64) (e, reg float64) {
		for i := range 6 {
			r := -b[i]
			for j := range 3 {
				r += a[i*3+j] * x[j]
			}
			e += r * r / 12 // (1/(2n))‖Ax − b‖², n = 6
		}
		for k := range 3 {
			s.Grad(k, g, x)
			reg += (g[0]*g[0] + g[1]*g[1] + g[2]*g[2]) / 3
		}
		return e, reg
	}
	igr, _ := NewBEA[float64](p, h, 1)
	mom, _ := NewMomentum[float64](p, h, beta, 1)
	sgd, _ := NewSGDFlow(s, h)
	cases := []struct {
		name  string
		flow  *Flow[float64]
		loss  func([]float64) float64
		scale float64
	}{
		{"igr", igr, func(x []float64) float64 { return p.Real.Func(x) + h/4*sq(x) }, 1},
		{"momentum", mom, func(x []float64) float64 { return p.Real.Func(x) + h*(1+beta)*c*c/4*sq(x) }, c},
		{"sgd", sgd, func(x []float64) float64 { e, r := lsq(x); return e + h/4*r }, 1},
	}
	for _, cs := range cases {
		want := fd.Gradient(nil, cs.loss, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		got := make([]float64, 3)
		cs.flow.F(got, 0, x)
		for i := range got {
			// Central differences with step 1e-5: truncation ~1e-10·|E‴|,
			// cancellation ~1e-16·|E|/1e-5 = 1e-11 for losses of size ~1:
			// agreement to 1e-7 relative is a safe margin.
			if w := -cs.scale * want[i]; math.Abs(got[i]-w) > 1e-7*(1+math.Abs(w)) {
				t.Errorf("%s component %d: field %v, −∇(modified loss) %v", cs.name, i, got[i], w)
			}
		}
	}
}
