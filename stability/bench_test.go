package stability

import "testing"

// BenchmarkAnalyzeMLPTop1 measures one point analysis of the 283-parameter
// MLP of the edge-of-stability test (top eigenpair by Lanczos and dE/dt by
// LanczosFunc).
func BenchmarkAnalyzeMLPTop1(b *testing.B) {
	p := mustProblem(b, mlpEoSSpec)
	x := p.Start()
	var hv int
	for b.Loop() {
		pt, err := Analyze(p, mlpEoSRate, x, &Settings{Top: 1})
		if err != nil {
			b.Fatal(err)
		}
		hv = pt.HessVecs
	}
	b.ReportMetric(float64(hv), "hessvecs/op")
}

// BenchmarkTrackMLP measures 100 GD steps on that MLP with the sharpness
// tracked every 10 steps.
func BenchmarkTrackMLP(b *testing.B) {
	p := mustProblem(b, mlpEoSSpec)
	x := p.Start()
	var hv int
	for b.Loop() {
		tr, err := Track(p, mlpEoSRate, x, &TrackSettings{Steps: 100, Every: 10})
		if err != nil {
			b.Fatal(err)
		}
		hv = tr.HessVecs
	}
	b.ReportMetric(float64(hv), "hessvecs/op")
}

// BenchmarkTrackMLPDefault measures 20 GD steps on the default MLP
// (d = 2103, no dense Hessian) with the sharpness tracked every 10 steps.
func BenchmarkTrackMLPDefault(b *testing.B) {
	p := mustProblem(b, "mlp")
	x := p.Start()
	var hv int
	for b.Loop() {
		tr, err := Track(p, 0.1, x, &TrackSettings{Steps: 20, Every: 10})
		if err != nil {
			b.Fatal(err)
		}
		hv = tr.HessVecs
	}
	b.ReportMetric(float64(hv), "hessvecs/op")
}

// BenchmarkRunNearPFDoublewell measures the principal-flow escape check
// at the sharp minimum of doublewell at 1.02·(2/λ): 600 GD times at most,
// stopped at the radius 1e-3 after about 235.
func BenchmarkRunNearPFDoublewell(b *testing.B) {
	p := mustProblem(b, "doublewell")
	e, err := EscapeThreshold(p, p.Minima[0])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := RunNearPF(p, e.Point.X, 1.02*e.H, e.Dir, 1e-7, 600, 1e-3, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeComplexRosenbrock measures one complex point analysis
// (2×2 complex symmetric eigendecomposition).
func BenchmarkAnalyzeComplexRosenbrock(b *testing.B) {
	p := mustProblem(b, "rosenbrock")
	th := []complex128{complex(0.9, 0.05), complex(0.8, -0.03)}
	for b.Loop() {
		if _, err := AnalyzeComplex(p, 2.5e-3, th, nil); err != nil {
			b.Fatal(err)
		}
	}
}
