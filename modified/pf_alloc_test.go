package modified

import (
	"math"
	"testing"
)

// Evaluations of the dense and constant back-ends do not allocate once the
// workspaces exist (the problem's own functions permitting: the paper's
// quadratic and log cosh allocate nothing).
func TestPFEvalNoAlloc(t *testing.T) {
	for _, c := range []struct {
		spec string
		h    float64
		x    []complex128
	}{{"quadratic2d", 0.9, []complex128{-0.35 + 0.1i, -0.2}}, {"logcosh", 1.5, []complex128{0.1 + 0.01i}}, {"rosenbrock", 0.001, []complex128{0.5 + 0.1i, 0.3}}} {
		p := pfProblem(t, c.spec)
		pf, err := NewPF[complex128](p, c.h, nil)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]complex128, p.Dim)
		_ = pf.Eval(dst, c.x)
		_ = pf.Eval(dst, c.x)
		if a := testing.AllocsPerRun(20, func() { _ = pf.Eval(dst, c.x) }); a != 0 {
			t.Errorf("%s complex: %v allocations per evaluation", c.spec, a)
		}
		pr, err := NewPF[float64](p, c.h*0.5, nil)
		if err != nil {
			t.Fatal(err)
		}
		xr := make([]float64, p.Dim)
		for i, v := range c.x {
			xr[i] = real(v)
		}
		dr := make([]float64, p.Dim)
		_ = pr.Eval(dr, xr)
		if a := testing.AllocsPerRun(20, func() { _ = pr.Eval(dr, xr) }); a != 0 {
			t.Errorf("%s real: %v allocations per evaluation", c.spec, a)
		}
	}
}

// FuzzPFEval: any start point and learning rate give either a finite
// flow value or an error with NaN output, never a panic or a silent NaN.
func FuzzPFEval(f *testing.F) {
	f.Add(0.1, 0.0, 1.5)
	f.Add(0.0, 0.0, 1.0)
	f.Add(0.3, 1.5707963267948966, 2.5)
	f.Add(1e300, -1e300, 1e-300)
	p := pfProblem(f, "logcosh")
	f.Fuzz(func(t *testing.T, re, im, h float64) {
		pf, err := NewPF[complex128](p, h, nil)
		if err != nil {
			if !(h > 0) || h > 1e308 || h != h {
				return
			}
			t.Fatalf("h = %v: %v", h, err)
		}
		dst := []complex128{0}
		err = pf.Eval(dst, []complex128{complex(re, im)})
		finite := !cmplxIsNaNOrInf(dst[0])
		if err == nil && !finite {
			t.Fatalf("θ = %v, h = %v: silent non-finite value %v", complex(re, im), h, dst[0])
		}
		if err != nil && finite {
			t.Fatalf("θ = %v, h = %v: error %v with finite output %v", complex(re, im), h, err, dst[0])
		}
	})
}

func cmplxIsNaNOrInf(z complex128) bool {
	return z != z || real(z)-real(z) != 0 || imag(z)-imag(z) != 0
}

// Evaluations of the Krylov back-end do not allocate after the first: the
// Lanczos and complex symmetric Lanczos workspaces and the branch-state
// buffers are kept between evaluations (benchquad's products and the
// MLP's, which take their workspaces from a sync.Pool, allocate nothing).
func TestPFKrylovEvalNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	for _, c := range []struct {
		spec string
		h    float64
	}{{"benchquad:d=200", 1.8}, {"mlp:n=6,in=3,hidden=4,out=2,seed=2", 1}} {
		p := pfProblem(t, c.spec)
		xr := make([]float64, p.Dim)
		xc := make([]complex128, p.Dim)
		for i, v := range p.X0 {
			xr[i] = v
			xc[i] = complex(v, 0.05*math.Sin(float64(i)))
		}
		pf, err := NewPF[complex128](p, c.h, &Options{Backend: BackendKrylov, KrylovMaxIter: p.Dim})
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]complex128, p.Dim)
		for _, y := range [][]complex128{pfC(xr), xc} {
			if err := pf.Eval(dst, y); err != nil {
				t.Fatal(err)
			}
			pf.Commit(0, y)
			if a := testing.AllocsPerRun(5, func() { _ = pf.Eval(dst, y) }); a != 0 {
				t.Errorf("%s complex flow at %v…: %v allocations per evaluation", c.spec, y[0], a)
			}
			if a := testing.AllocsPerRun(5, func() { pf.Commit(0, y) }); a != 0 {
				t.Errorf("%s complex flow, Commit at %v…: %v allocations", c.spec, y[0], a)
			}
		}
		pr, err := NewPF[float64](p, c.h*0.5, &Options{Backend: BackendKrylov, KrylovMaxIter: p.Dim})
		if err != nil {
			t.Fatal(err)
		}
		dr := make([]float64, p.Dim)
		if err := pr.Eval(dr, xr); err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(5, func() { _ = pr.Eval(dr, xr) }); a != 0 {
			t.Errorf("%s real flow: %v allocations per evaluation", c.spec, a)
		}
	}
}
