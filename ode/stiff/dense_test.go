package stiff

import (
	"errors"
	"math"
	"math/cmplx"
	"slices"
	"testing"

	"github.com/pflow-go/pflow/ode"
	"gonum.org/v1/gonum/stat"
)

// Order of the dense output on the Prothero–Robinson problem
// y' = λ(y − sin t) + cos t, y(0) = 0, exact solution sin t, with fixed steps
// h = 2/n (H0 = HMax = h, a loose tolerance so that no step is rejected;
// the Jacobian is exact and the problem linear, so the simplified Newton
// iteration returns the Radau IIA solution to rounding).
//
// The collocation polynomial u of a step interpolates y₀ and the three
// stage values; with stage order q = 3 its error is O(h^{q+1}) = O(h⁴)
// (Hairer, Nørsett & Wanner I, Thm. II.7.10), and it stays O(h⁴) in the
// stiff limit, where the step values themselves drop from order 5 to
// O(h^{q+1}/(h|λ|)) = O(h³/|λ|) (order reduction, Hairer & Wanner II,
// IV.15). Measured slopes (n = 16…128): λ = −1: grid 4.98, dense 4.00;
// λ = −1e6: grid 3.00, dense 4.00. Asserted within 0.1.
func TestRadau5DenseOrder(t *testing.T) {
	for _, c := range []struct {
		lam               float64
		gridOrd, denseOrd float64
	}{{-1, 5, 4}, {-1e6, 3, 4}} {
		lam := c.lam
		p := Problem[float64]{
			F:   func(dy []float64, tt float64, y []float64) { dy[0] = lam*(y[0]-math.Sin(tt)) + math.Cos(tt) },
			Jac: func(j []float64, _ float64, _ []float64) { j[0] = lam },
		}
		var lh, lg, ld []float64
		for _, n := range []int{16, 32, 64, 128} {
			h := 2.0 / float64(n)
			sol, err := radau5(p, 0, 2, []float64{0}, &Settings{H0: h, HMax: h, RTol: 1e-1, ATol: 1e-1, Dense: true})
			if err != nil {
				t.Fatal(err)
			}
			if sol.Stats.NSteps != n || sol.Stats.NAccepted != n {
				t.Fatalf("λ=%g n=%d: %+v, want exactly n accepted steps", lam, n, sol.Stats)
			}
			eg, ed := 0.0, 0.0
			for k := 1; k < len(sol.T); k++ {
				eg = math.Max(eg, math.Abs(sol.Y[k][0]-math.Sin(sol.T[k])))
				for _, th := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
					tt := sol.T[k-1] + th*(sol.T[k]-sol.T[k-1])
					v, err := sol.At(nil, tt)
					if err != nil {
						t.Fatal(err)
					}
					ed = math.Max(ed, math.Abs(v[0]-math.Sin(tt)))
				}
			}
			lh = append(lh, math.Log(h))
			lg = append(lg, math.Log(eg))
			ld = append(ld, math.Log(ed))
		}
		_, sg := stat.LinearRegression(lh, lg, nil, false)
		_, sd := stat.LinearRegression(lh, ld, nil, false)
		t.Logf("λ = %g: grid error slope %.3f, dense error slope %.3f", lam, sg, sd)
		if math.Abs(sg-c.gridOrd) > 0.1 || math.Abs(sd-c.denseOrd) > 0.1 {
			t.Errorf("λ = %g: slopes grid %.3f dense %.3f, want %v and %v", lam, sg, sd, c.gridOrd, c.denseOrd)
		}
	}
}

// The dense output reproduces the step values exactly, agrees bit for bit
// with the TEval output of an identical run, and rejects what it cannot
// answer.
func TestRadau5DenseConsistency(t *testing.T) {
	p := vdpProblem(1e-3)
	sol, err := radau5(p, 0, 2, []float64{2, 0}, &Settings{RTol: 1e-6, ATol: 1e-6, Dense: true})
	if err != nil {
		t.Fatal(err)
	}
	if !sol.HasDense() || sol.TEnd != 2 {
		t.Fatalf("HasDense %v, TEnd %v", sol.HasDense(), sol.TEnd)
	}
	dst := make([]float64, 2)
	for k, tk := range sol.T {
		v, err := sol.At(dst, tk)
		if err != nil {
			t.Fatal(err)
		}
		if v[0] != sol.Y[k][0] || v[1] != sol.Y[k][1] {
			t.Fatalf("At(%v) = %v, step value %v", tk, v, sol.Y[k])
		}
	}
	// TEval does not change the steps: its values equal At's.
	te := []float64{0, 0, 0.123, 0.5, 0.5, 1.7, 1.999, 2}
	out, err := radau5(p, 0, 2, []float64{2, 0}, &Settings{RTol: 1e-6, ATol: 1e-6, TEval: te})
	if err != nil {
		t.Fatal(err)
	}
	if out.Stats != sol.Stats || len(out.T) != len(te) {
		t.Fatalf("TEval run: %+v, %d outputs; dense run %+v", out.Stats, len(out.T), sol.Stats)
	}
	for k, tk := range te {
		v, _ := sol.At(nil, tk)
		if out.T[k] != tk || v[0] != out.Y[k][0] || v[1] != out.Y[k][1] {
			t.Errorf("TEval %v: %v, At %v", tk, out.Y[k], v)
		}
	}
	// Between the steps the dense output is as accurate as the steps:
	// against DOPRI5 at 1e−12 at t = 1.7 (inside a step), the same bound
	// as the step values in TestVanDerPolBenchmarkAgainstDOPRI5.
	ref, _ := dopri5(func(dy, y []float64) {
		dy[0] = y[1]
		dy[1] = ((1-y[0]*y[0])*y[1] - y[0]) / 1e-3
	}, []float64{2, 0}, 1.7, 1e-12, 1e-12)
	v, _ := sol.At(nil, 1.7)
	if d := math.Max(math.Abs(v[0]-ref[0]), math.Abs(v[1]-ref[1])); d > 100*1e-6 {
		t.Errorf("At(1.7) = %v, DOPRI5 %v", v, ref)
	} else {
		t.Logf("At(1.7) error %.2g", d)
	}
	for _, bad := range []float64{-1e-9, 2.0000001, math.NaN(), math.Inf(1)} {
		if _, err := sol.At(nil, bad); !errors.Is(err, ode.ErrInvalidSettings) {
			t.Errorf("At(%v): err = %v", bad, err)
		}
	}
	if _, err := out.At(nil, 1); !errors.Is(err, ode.ErrInvalidSettings) || out.HasDense() {
		t.Errorf("At without Dense: err = %v", err)
	}
	for _, te := range [][]float64{{0.5, 0.4}, {-0.1}, {2.1}, {math.NaN()}} {
		if _, err := radau5(p, 0, 2, []float64{2, 0}, &Settings{TEval: te}); !errors.Is(err, ode.ErrInvalidSettings) {
			t.Errorf("TEval %v: err = %v", te, err)
		}
	}
}

// Complex states: the dense output of y' = λy, λ = −1 + 10i (a damped
// rotation, 3 turns over [0, 2]) against e^{λt}, 49 points inside every
// step. The step values carry the global error, which RADAU5's tolerance
// mapping keeps near the tolerance (asserted ≤ 10× as in TestRadau5Linear).
// The dense output is not error-controlled: inside a step it is off by about
// the remainder of cubic interpolation at the nodes {0, c₁, c₂, 1},
// R = h⁴/4!·|y⁗|·max_θ|θ(θ−c₁)(θ−c₂)(θ−1)| with |y⁗| = |λ|⁴|y|, which here
// is ~10× the tolerance. Asserted per step: error ≤ 2R + (worst step error)
// + 1e−15, the factor 2 for the stage errors entering the collocation
// polynomial (measured: error/(R + worst step error) ≤ 1.37).
func TestRadau5DenseComplex(t *testing.T) {
	lam := complex(-1, 10)
	p := Problem[complex128]{
		F:   func(dy []complex128, _ float64, y []complex128) { dy[0] = lam * y[0] },
		Jac: func(j []complex128, _ float64, _ []complex128) { j[0] = lam },
	}
	const tol = 1e-8
	sol, err := radau5(p, 0, 2, []complex128{1}, &Settings{RTol: tol, ATol: tol, Dense: true})
	if err != nil {
		t.Fatal(err)
	}
	exact := func(tt float64) complex128 { return cmplx.Exp(lam * complex(tt, 0)) }
	grid := 0.0
	for k, tk := range sol.T {
		grid = math.Max(grid, cmplx.Abs(sol.Y[k][0]-exact(tk)))
	}
	if grid > 10*tol {
		t.Errorf("complex: step error %g", grid)
	}
	om := 0.0
	for i := 0; i <= 10000; i++ {
		th := float64(i) / 10000
		om = math.Max(om, math.Abs(th*(th-radauC[0])*(th-radauC[1])*(th-1)))
	}
	l4 := math.Pow(cmplx.Abs(lam), 4)
	dense, ratio := 0.0, 0.0
	for k := 1; k < len(sol.T); k++ {
		h := sol.T[k] - sol.T[k-1]
		r := h * h * h * h / 24 * l4 * cmplx.Abs(exact(sol.T[k-1])) * om
		e := 0.0
		for i := 1; i < 50; i++ {
			tt := sol.T[k-1] + h*float64(i)/50
			v, err := sol.At(nil, tt)
			if err != nil {
				t.Fatal(err)
			}
			e = math.Max(e, cmplx.Abs(v[0]-exact(tt)))
		}
		if e > 2*r+grid+1e-15 {
			t.Errorf("step %d (h = %.3g): dense error %.3g, interpolation remainder %.3g", k, h, e, r)
		}
		dense = math.Max(dense, e)
		ratio = math.Max(ratio, e/(r+grid))
	}
	t.Logf("complex: step error %.2g, dense error %.2g (max error/(R + step error) %.2f) over %d steps",
		grid, dense, ratio, sol.Stats.NAccepted)
}

func vdpProblem(eps float64) Problem[float64] {
	return Problem[float64]{
		F: func(dy []float64, _ float64, y []float64) {
			dy[0] = y[1]
			dy[1] = ((1-y[0]*y[0])*y[1] - y[0]) / eps
		},
		Jac: func(j []float64, _ float64, y []float64) {
			j[0], j[1] = 0, 1
			j[2] = (-2*y[0]*y[1] - 1) / eps
			j[3] = (1 - y[0]*y[0]) / eps
		},
	}
}

// Failures return the accepted part of the solution, usable through At,
// with the documented sentinels.
func TestRadau5FailuresPartial(t *testing.T) {
	check := func(name string, sol *ode.Solution[float64], err error, want ...error) {
		t.Helper()
		for _, w := range want {
			if !errors.Is(err, w) {
				t.Errorf("%s: err = %v, want %v", name, err, w)
			}
		}
		if sol == nil || len(sol.T) != sol.Stats.NAccepted+1 || sol.TEnd != sol.T[len(sol.T)-1] {
			t.Fatalf("%s: partial solution %+v", name, sol)
		}
		if sol.HasDense() {
			if _, err := sol.At(nil, sol.TEnd); err != nil {
				t.Errorf("%s: At(TEnd): %v", name, err)
			}
		}
		t.Logf("%s: %v; TEnd = %v, %+v %+v", name, err, sol.TEnd, sol.Stats, sol.Stats)
	}

	// Step budget.
	sol, err := radau5(vdpProblem(1e-3), 0, 2, []float64{2, 0}, &Settings{MaxSteps: 50, Dense: true})
	check("max steps", sol, err, ode.ErrMaxSteps)
	if sol.Stats.NSteps != 50 || !(sol.TEnd > 0 && sol.TEnd < 2) {
		t.Errorf("max steps: %d steps, TEnd %v", sol.Stats.NSteps, sol.TEnd)
	}

	// A Jacobian that turns NaN at t ≥ 0.5 makes every later iteration
	// matrix non-finite: the fifth one ends the integration
	// (ErrNoConvergence, RADAU5's "matrix is repeatedly singular").
	p := vdpProblem(1e-3)
	jac := p.Jac
	p.Jac = func(j []float64, tt float64, y []float64) {
		jac(j, tt, y)
		if tt >= 0.5 {
			j[2] = math.NaN()
		}
	}
	sol, err = radau5(p, 0, 2, []float64{2, 0}, &Settings{Dense: true})
	check("singular", sol, err, ode.ErrNoConvergence)
	if sol.Stats.NSingular != 5 || !(sol.TEnd >= 0.5 && sol.TEnd < 2) {
		t.Errorf("singular: NSingular = %d, TEnd = %v", sol.Stats.NSingular, sol.TEnd)
	}

	// f undefined (NaN) beyond t = 0.5: the Newton iteration fails at every
	// step size, h collapses to the floor: ErrStepTooSmall, and also
	// ErrNoConvergence because Newton failures drove h down.
	pn := Problem[float64]{F: func(dy []float64, tt float64, y []float64) {
		dy[0] = -y[0]
		if tt > 0.5 {
			dy[0] = math.NaN()
		}
	}}
	sol, err = radau5(pn, 0, 1, []float64{1}, nil)
	check("newton", sol, err, ode.ErrStepTooSmall, ode.ErrNoConvergence)
	if !(sol.TEnd <= 0.5 && sol.TEnd > 0.49) {
		t.Errorf("newton: TEnd = %v, want just below 0.5", sol.TEnd)
	}
	// Finite-time blow-up y' = y², y(0) = 1 at t = 1: step-size floor.
	pb := Problem[float64]{F: func(dy []float64, _ float64, y []float64) { dy[0] = y[0] * y[0] }}
	sol, err = radau5(pb, 0, 2, []float64{1}, &Settings{Dense: true})
	check("blow-up", sol, err, ode.ErrStepTooSmall)
	if math.Abs(sol.TEnd-1) > 1e-3 {
		t.Errorf("blow-up: TEnd = %v, want ≈ 1", sol.TEnd)
	}
}

// StopAtTEval: on y' = −1000(y − cos t), y(0) = 0 (exact solution
// y_p(t) − y_p(0)e^{−1000t}, y_p = (10⁶ cos t + 10³ sin t)/(10⁶ + 1)), the
// steps after the transient are ≈ 0.37 long and the collocation cubic
// between them is off by ~1e−5 at tolerance 1e−8, while the step values
// carry only the global error. With StopAtTEval the outputs are step values:
// asserted within 2× the worst step-value error of the free run (measured:
// free-run steps 5.9e−7, interpolated outputs 1.3e−5, stopped outputs
// 3.5e−7, with 57 instead of 55 steps).
func TestRadau5StopAtTEval(t *testing.T) {
	p := Problem[float64]{F: func(dy []float64, tt float64, y []float64) { dy[0] = -1000 * (y[0] - math.Cos(tt)) }}
	yp := func(tt float64) float64 { return (1e6*math.Cos(tt) + 1e3*math.Sin(tt)) / (1e6 + 1) }
	exact := func(tt float64) float64 { return yp(tt) - yp(0)*math.Exp(-1000*tt) }
	te := []float64{0.5, 1, 1.5, 2}
	maxErr := func(sol *ode.Solution[float64]) float64 {
		e := 0.0
		for k, tk := range sol.T {
			e = math.Max(e, math.Abs(sol.Y[k][0]-exact(tk)))
		}
		return e
	}
	free, err := radau5(p, 0, 2, []float64{0}, &Settings{RTol: 1e-8, ATol: 1e-8})
	if err != nil {
		t.Fatal(err)
	}
	interp, err := radau5(p, 0, 2, []float64{0}, &Settings{RTol: 1e-8, ATol: 1e-8, TEval: te})
	if err != nil {
		t.Fatal(err)
	}
	var stepEnds []float64
	stop, err := ode.Solve(ode.Problem[float64]{F: p.F, Jac: p.Jac}, 0, 2, []float64{0}, Radau5, &ode.Settings[float64]{RTol: 1e-8, ATol: 1e-8,
		TEval: te, StopAtTEval: true, Dense: true, Observer: func(t float64, _ []float64) bool { stepEnds = append(stepEnds, t); return true }})
	if err != nil {
		t.Fatal(err)
	}
	ef, ei, es := maxErr(free), maxErr(interp), maxErr(stop)
	t.Logf("free-run steps %.2g, interpolated %.2g, stopped %.2g (%d vs %d steps)", ef, ei, es, stop.Stats.NAccepted, free.Stats.NAccepted)
	if es > 2*ef || len(stop.T) != len(te) {
		t.Errorf("StopAtTEval error %g (free run %g), outputs %v", es, ef, stop.T)
	}
	// The outputs are step values: step ends of the dense output.
	for k, tk := range te {
		if stop.T[k] != tk {
			t.Errorf("output %d at %v, want %v", k, stop.T[k], tk)
		}
		if !slices.Contains(stepEnds, tk) {
			t.Errorf("no step ends at %v", tk)
		}
	}
}
