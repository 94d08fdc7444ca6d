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
