package stiff

import (
	"flag"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
)

var long = flag.Bool("long", false, "run the explicit DOPRI5 comparison (~2e7 evaluations)")

// householderSPD builds A = Q diag(λ) Q with the reflector of
// benchmarks.md (v_i = ((7i) mod 11) − 4.5) and eigenvalues λ.
func householderSPD(lam []float64) (a []float64, q []float64) {
	d := len(lam)
	v := make([]float64, d)
	for i := range v {
		v[i] = float64((7*(i+1))%11) - 4.5
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	q = make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			q[i*d+j] = -2 * v[i] * v[j]
		}
		q[i*d+i] += 1
	}
	a = make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			s := 0.0
			for k := 0; k < d; k++ {
				s += q[i*d+k] * lam[k] * q[k*d+j]
			}
			a[i*d+j] = s
		}
	}
	return a, q
}

// A gradient flow θ' = −Aθ with condition number 1e6 (λ log-spaced in
// [1, 1e6], d = 20) over t ∈ [0, 10]. Any explicit Runge–Kutta method needs
// h·λ_max inside its stability region on the negative real axis: for
// DOPRI5 that interval is about [−3.31, 0] (Hairer, Nørsett, Wanner I,
// Fig. IV.2.1), so at least 10·1e6/3.31 ≈ 3.0e6 steps of 6 evaluations
// (FSAL), 1.8e7 evaluations, whatever the tolerance. Radau5 must do the job
// with ≥ 100× fewer.
func TestRadau5GradientFlowCond1e6(t *testing.T) {
	const d = 20
	lam := make([]float64, d)
	for i := range lam {
		lam[i] = math.Pow(10, 6*float64(i)/float64(d-1))
	}
	a, q := householderSPD(lam)
	f := func(dy []float64, _ float64, y []float64) {
		for i := 0; i < d; i++ {
			dy[i] = -floats.Dot(a[i*d:(i+1)*d], y)
		}
	}
	jac := func(j []float64, _ float64, _ []float64) {
		for i := range j {
			j[i] = -a[i]
		}
	}
	y0 := make([]float64, d)
	for i := range y0 {
		y0[i] = 1
	}
	const T = 10.0
	sol, err := radau5(Problem[float64]{F: f, Jac: jac}, 0, T, y0, &Settings{RTol: 1e-6, ATol: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	// Exact: Q diag(e^{−λT}) Q θ0.
	qy := make([]float64, d)
	for i := 0; i < d; i++ {
		qy[i] = floats.Dot(q[i*d:(i+1)*d], y0) * math.Exp(-lam[i]*T)
	}
	worst := 0.0
	y := sol.Y[len(sol.Y)-1]
	for i := 0; i < d; i++ {
		worst = math.Max(worst, math.Abs(floats.Dot(q[i*d:(i+1)*d], qy)-y[i]))
	}
	explicitMin := 6 * 10 * 1e6 / 3.31
	t.Logf("gradflow κ=1e6: error %.2e, %+v; explicit DOPRI5 lower bound %.2e evaluations (ratio %.0f)",
		worst, sol.Stats, explicitMin, explicitMin/float64(sol.Stats.NFev))
	// The slowest mode e^{−10} ≈ 4.5e−5 dominates y(T); rtol 1e−6 with
	// atol 1e−9 gives an absolute error of order 1e−8, allow 10×.
	if worst > 1e-7 {
		t.Errorf("error %g", worst)
	}
	if float64(sol.Stats.NFev)*100 > explicitMin {
		t.Errorf("Radau5 used %d evaluations, not 100× fewer than %g", sol.Stats.NFev, explicitMin)
	}
	// Measured: the test's DOPRI5 on the same flow in the eigenbasis
	// (θ̃ = Qθ, θ̃' = −diag(λ)θ̃; Runge–Kutta methods commute with the
	// orthogonal change of variables, and the run is stability-limited, so
	// the count is that of the full system to within the error-norm
	// weighting). About 1.9e7 evaluations: run with -long.
	if *long {
		qy0 := make([]float64, d)
		for i := 0; i < d; i++ {
			qy0[i] = floats.Dot(q[i*d:(i+1)*d], y0)
		}
		_, nfev := dopri5(func(dy, y []float64) {
			for i := range y {
				dy[i] = -lam[i] * y[i]
			}
		}, qy0, T, 1e-6, 1e-9)
		t.Logf("DOPRI5 (test implementation) rtol 1e-6: %d evaluations, %.0f× Radau5's", nfev, float64(nfev)/float64(sol.Stats.NFev))
		if nfev < 100*sol.Stats.NFev {
			t.Errorf("DOPRI5 needed only %d evaluations vs Radau5 %d", nfev, sol.Stats.NFev)
		}
	}
}
