package stiff

import (
	"math"
	"testing"
)

// Hairer's RADAU5 (radau5.f, version of 2002 with the defaults of WORK and
// IWORK zero) on two problems, as run and recorded by the russell project
// (github.com/cpmech/russell, files russell_ode/data/fortran_radau5_van_der_pol.txt
// and russell_ode/data/logs/fortran_radau5_robertson.txt; drivers in
// github.com/cpmech/hwode, examples/radau5_vdp.f). The drivers print
// 1 + IWORK(14) as the number of function evaluations; the values below are
// RADAU5's own NFCN = printed − 1. Radau5 makes the same decisions as
// RADAU5, so every counter must agree exactly and the states to rounding.

// hairerVdP is the driver's van der Pol problem: ε = 1e−6, y0 = (2, −0.6),
// t ∈ [0, 2], RTOL = ATOL = 1e−4, H = 1e−6, analytic Jacobian.
var hairerVdP = Problem[float64]{
	F: func(dy []float64, _ float64, y []float64) {
		dy[0] = y[1]
		dy[1] = ((1-y[0]*y[0])*y[1] - y[0]) / 1e-6
	},
	Jac: func(j []float64, _ float64, y []float64) {
		j[0], j[1] = 0, 1
		j[2] = (-2*y[0]*y[1] - 1) / 1e-6
		j[3] = (1 - y[0]*y[0]) / 1e-6
	},
}

// hairerRober is Robertson's problem written as in the driver
// (f2 = −f1 − f3), with its analytic Jacobian.
var hairerRober = Problem[float64]{
	F: func(dy []float64, _ float64, y []float64) {
		dy[0] = -0.04*y[0] + 1e4*y[1]*y[2]
		dy[2] = 3e7 * y[1] * y[1]
		dy[1] = -dy[0] - dy[2]
	},
	Jac: func(j []float64, _ float64, y []float64) {
		p1, p2, p3 := 1e4*y[1], 1e4*y[2], 6e7*y[1]
		j[0], j[1], j[2] = -0.04, p2, p1
		j[3], j[4], j[5] = 0.04, -p2-p3, -p1
		j[6], j[7], j[8] = 0, p3, 0
	},
}

func TestRadau5MatchesHairerVanDerPol(t *testing.T) {
	// Output points of the driver: XOUT = 0.2, XOUT += 0.2 (accumulated in
	// floating point, as there), evaluated by CONTR5.
	var te []float64
	for x := 0.2; x < 2.1; x += 0.2 {
		te = append(te, x)
	}
	want := [][2]float64{
		{1.858193270854634e+00, -7.575101255757266e-01},
		{1.693203123722811e+00, -9.069127086067813e-01},
		{1.484568811304380e+00, -1.233096041433404e+00},
		{1.083920681222190e+00, -6.195489374898189e+00},
		{-1.863647684640773e+00, 7.535336997436557e-01},
		{-1.699726525700287e+00, 8.997803216816892e-01},
		{-1.493380180170860e+00, 1.213868996692375e+00},
		{-1.120792932708670e+00, 4.374425849429084e+00},
		{1.869055755232597e+00, -7.495776558060578e-01},
		{1.706163410178080e+00, -8.927971289301173e-01},
	}
	set := &Settings{RTol: 1e-4, ATol: 1e-4, H0: 1e-6, TEval: te}
	sol, err := radau5(hairerVdP, 0, 2, []float64{2, -0.6}, set)
	if err != nil {
		t.Fatal(err)
	}
	st, rs := sol.Stats, sol.Stats
	t.Logf("stats %+v %+v", st, rs)
	// RADAU5: NFCN 2247, NJAC 162, NSTEP 280, NACCPT 242, NREJCT 8,
	// NDEC 252, NSOL 668, NITMAX 6.
	got := [8]int{st.NFev, st.NJev, st.NSteps, st.NAccepted, rs.NRejectErr, st.NLU, rs.NSolve, rs.MaxNewtonIter}
	if got != [8]int{2247, 162, 280, 242, 8, 252, 668, 6} {
		t.Errorf("counters (nfcn njac nstep naccpt nrejct ndec nsol nitmax) = %v, RADAU5 has [2247 162 280 242 8 252 668 6]", got)
	}
	if len(sol.T) != len(want) {
		t.Fatalf("%d outputs, want %d", len(sol.T), len(want))
	}
	worst := 0.0
	for k, w := range want {
		for i := 0; i < 2; i++ {
			worst = math.Max(worst, math.Abs(sol.Y[k][i]-w[i])/math.Abs(w[i]))
		}
	}
	// The same steps in a different but equivalent arithmetic (the Newton
	// update in eigen-coordinates instead of RADAU5's real T matrix, the
	// collocation polynomial in Lagrange instead of Newton form): the
	// states differ by rounding, amplified by the stiff transitions
	// (measured 1.4e−13 relative).
	t.Logf("max relative difference to RADAU5 at the output points: %.2g", worst)
	if worst > 1e-12 {
		t.Errorf("relative difference %g to RADAU5's dense output", worst)
	}
}

func TestRadau5MatchesHairerRobertson(t *testing.T) {
	// RTOL = 1e−2, ATOL = 1e−8, H = 1e−6, t ∈ [0, 0.3]; y after each of the
	// 15 accepted steps.
	want := [][3]float64{
		{9.999999600000008e-01, 3.999998320000048e-08, 1.599999952000000e-14},
		{9.999996400000648e-01, 3.599882716565646e-07, 1.166354336752796e-11},
		{9.999970800042659e-01, 2.913787382334434e-06, 6.208351820680937e-09},
		{9.999863148909263e-01, 1.307919521098008e-05, 6.059138628105538e-07},
		{9.999755499712033e-01, 2.135889538415425e-05, 3.091133412644612e-06},
		{9.999647854413735e-01, 2.724901208916897e-05, 7.965546537469537e-06},
		{9.999478453625211e-01, 3.255484201352810e-05, 1.959979546541964e-05},
		{9.999253573022412e-01, 3.530902486682297e-05, 3.933367289202690e-05},
		{9.999028742076045e-01, 3.614958793293454e-05, 6.097620446265927e-05},
		{9.998490892191750e-01, 3.647645985151893e-05, 1.144343209735216e-04},
		{9.997567898163745e-01, 3.647881802650697e-05, 2.067313655991199e-04},
		{9.995023134527544e-01, 3.643227719665359e-05, 4.612542700490739e-04},
		{9.982091577136255e-01, 3.619191783743737e-05, 1.754650368537187e-03},
		{9.930472117083733e-01, 3.525604364519484e-05, 6.917532247981698e-03},
		{9.886740138499884e-01, 3.447720471782070e-05, 1.129150894529390e-02},
	}
	sol, err := radau5(hairerRober, 0, 0.3, []float64{1, 0, 0}, &Settings{RTol: 1e-2, ATol: 1e-8, H0: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	st, rs := sol.Stats, sol.Stats
	t.Logf("stats %+v %+v", st, rs)
	// RADAU5: NFCN 87, NJAC 8, NSTEP 17, NACCPT 15, NREJCT 1, NDEC 15,
	// NSOL 24, NITMAX 2.
	got := [8]int{st.NFev, st.NJev, st.NSteps, st.NAccepted, rs.NRejectErr, st.NLU, rs.NSolve, rs.MaxNewtonIter}
	if got != [8]int{87, 8, 17, 15, 1, 15, 24, 2} {
		t.Errorf("counters (nfcn njac nstep naccpt nrejct ndec nsol nitmax) = %v, RADAU5 has [87 8 17 15 1 15 24 2]", got)
	}
	if len(sol.Y) != len(want)+1 {
		t.Fatalf("%d accepted steps, want %d", len(sol.Y)-1, len(want))
	}
	// The states are compared in units of the error-control scale
	// scal_i = atol' + rtol'·|y_i| of the step (rtol' = 0.1·RTol^{2/3},
	// atol' = rtol'·ATol/RTol). The recorded intermediate steps differ by up
	// to 6e−13 absolute on y1 and y3 (measured 2e−8 scal), far below
	// anything the controller can see — every counter agrees — while the
	// final state agrees to rounding (asserted to 1e−14 relative).
	rtolp := 0.1 * math.Pow(1e-2, 2.0/3)
	atolp := rtolp * 1e-8 / 1e-2
	worst := 0.0
	for k, w := range want {
		for i := 0; i < 3; i++ {
			worst = math.Max(worst, math.Abs(sol.Y[k+1][i]-w[i])/(atolp+rtolp*math.Abs(w[i])))
		}
	}
	t.Logf("max difference to RADAU5 over the steps: %.2g scal", worst)
	last := want[len(want)-1]
	for i := 0; i < 3; i++ {
		if d := math.Abs(sol.Y[len(want)][i]-last[i]) / last[i]; d > 1e-14 {
			t.Errorf("y%d(0.3) = %.16g, RADAU5 %.16g", i+1, sol.Y[len(want)][i], last[i])
		}
	}
	if worst > 1e-6 {
		t.Errorf("difference %g scal to RADAU5's steps", worst)
	}
}
