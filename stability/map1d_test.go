package stability

import (
	"errors"
	"math"
	"testing"

	"github.com/pflow-go/pflow/problems"
)

// TestFirstPeriodDoubling is the proof: the first period doubling
// of the GD map is at h = 2/E″(θ*). The cubic θ²/2 + θ³/3 (E″(0) = 1) is
// conjugate to the logistic map with r = 1 + h, so its doublings are the
// logistic ones shifted by one: r = 3, 1 + √6, 3.5440903595519228536,
// 3.5644072660954325977 (Feigenbaum's sequence; values from the
// literature, e.g. Briggs, Math. Comp. 57, 1991). logcosh (E″(0) = 1) and
// the sharp minimum of doublewell are checked against 2/E″(θ*).
func TestFirstPeriodDoubling(t *testing.T) {
	cubic := mustProblem(t, "cubic")
	m, err := NewGDMap(cubic)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := m.PeriodDoublings(1.5, 2.6, 220, -0.9, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2, math.Sqrt(6), 2.5440903595519228536, 2.5644072660954325977}
	if len(ds) < len(want) {
		t.Fatalf("found %d doublings: %+v", len(ds), ds)
	}
	for i, w := range want {
		t.Logf("cubic: doubling %d → %d at h = %.17g (logistic r − 1 = %.17g)", ds[i].From, 2*ds[i].From, ds[i].H, w)
		// Bisection on the multiplier to the last ulp; 1e−12 allows for
		// the conditioning of the longer cycles.
		if ds[i].From != 1<<i || math.Abs(ds[i].H-w) > 1e-12 {
			t.Errorf("doubling %d: h = %.17g from period %d, want %.17g", i, ds[i].H, ds[i].From, w)
		}
	}
	for _, c := range []struct {
		spec   string
		x0, lo float64
		hi     float64
		x      float64
	}{
		{"logcosh", 0.3, 1.5, 2.5, 0},
		{"doublewell", problems.DoubleWellSharpMin + 1e-3, 0.05, 0.1, problems.DoubleWellSharpMin},
	} {
		p := mustProblem(t, c.spec)
		m, _ := NewGDMap(p)
		ds, err := m.PeriodDoublings(c.lo, c.hi, 100, c.x0, nil)
		if err != nil || len(ds) == 0 {
			t.Fatalf("%s: %v %v", c.spec, ds, err)
		}
		want := 2 / m.Curv(c.x)
		t.Logf("%s: first doubling at h = %.17g, 2/E″(θ*) = %.17g", c.spec, ds[0].H, want)
		if ds[0].From != 1 || math.Abs(ds[0].H-want) > 1e-6 {
			t.Errorf("%s: first doubling at %.15g, 2/E″ = %.15g", c.spec, ds[0].H, want)
		}
	}
}

// TestAttractorPeriodTwo checks the period-two orbit of the cubic at
// h = 2.2 (r = 3.2) against the logistic closed form: the 2-cycle is
// x± = (r + 1 ± √((r − 3)(r + 1)))/(2r), θ = −1 + x(1 + h)/h, with
// multiplier −r² + 2r + 4 and Lyapunov exponent ½ log|−r² + 2r + 4|.
func TestAttractorPeriodTwo(t *testing.T) {
	m, _ := NewGDMap(mustProblem(t, "cubic"))
	h := 2.2
	r := 1 + h
	a, err := m.Attractor(h, 0.1, &MapSettings{Transient: 5000, Samples: 200000})
	if err != nil {
		t.Fatal(err)
	}
	if a.Period != 2 || len(a.Cycle) != 2 {
		t.Fatalf("period %d", a.Period)
	}
	s := math.Sqrt((r - 3) * (r + 1))
	lo := -1 + (r+1-s)/(2*r)*(1+h)/h
	hi := -1 + (r+1+s)/(2*r)*(1+h)/h
	got := []float64{math.Min(a.Cycle[0], a.Cycle[1]), math.Max(a.Cycle[0], a.Cycle[1])}
	if math.Abs(got[0]-lo) > 1e-14 || math.Abs(got[1]-hi) > 1e-14 {
		t.Errorf("cycle %v want %v %v", got, lo, hi)
	}
	mu := -r*r + 2*r + 4
	if math.Abs(a.Multiplier-mu) > 1e-13 {
		t.Errorf("multiplier %v want %v", a.Multiplier, mu)
	}
	// The orbit average over an exact 2-cycle equals the cycle value up
	// to the rounding of the sum of 2e5 logs (N·ε ≈ 4e−11 worst case).
	if math.Abs(a.Lyapunov-0.5*math.Log(math.Abs(mu))) > 1e-10 {
		t.Errorf("Lyapunov %v want %v", a.Lyapunov, 0.5*math.Log(math.Abs(mu)))
	}
	if DetectPeriod([]float64{1, 2, 3, 1, 2, 3, 1}, 5, 0) != 3 || DetectPeriod([]float64{1, 2, 3, 4}, 2, 0) != 0 {
		t.Error("DetectPeriod")
	}
}

// TestLyapunovChaos: at h = 3 (r = 4) the cubic's GD map is conjugate to
// the fully chaotic logistic map, whose Lyapunov exponent is ln 2
// (Ulam–von Neumann; conjugation preserves it). The time average
// converges like σ/√N with σ ≈ 1 for log|f′| (measured), so 10⁶ samples
// give about 1e−3; we allow 5e−3.
func TestLyapunovChaos(t *testing.T) {
	m, _ := NewGDMap(mustProblem(t, "cubic"))
	l, err := m.Lyapunov(3, 0.1, 1000, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Lyapunov exponent at h = 3: %.7f (ln 2 = %.7f)", l, math.Ln2)
	if math.Abs(l-math.Ln2) > 5e-3 {
		t.Errorf("Lyapunov %v want ln 2", l)
	}
	a, _ := m.Attractor(3, 0.1, nil)
	if a.Period != 0 || !(a.Lyapunov > 0) {
		t.Errorf("chaos: period %d λ %v", a.Period, a.Lyapunov)
	}
	// Beyond r = 4 (h > 3) the orbit escapes to infinity.
	a, _ = m.Attractor(3.1, 0.1, nil)
	if a.Period != -1 || !math.IsInf(a.Lyapunov, 1) {
		t.Errorf("escape: %+v", a.Period)
	}
	if _, err := m.Lyapunov(0, 0.1, 10, 10); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("h = 0: %v", err)
	}
	if _, err := m.Attractor(1, math.NaN(), nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("NaN start: %v", err)
	}
	if _, err := NewGDMap(mustProblem(t, "quadratic2d")); err == nil {
		t.Error("2-D problem accepted")
	}
}

// TestBifurcationDiagram checks the diagram of the cubic at a few rates
// against the logistic map's known windows: fixed point below h = 2,
// period 2 up to 1 + √6, period 4 up to 2.544, the period-3 window at
// r = 3.83 (h = 2.83).
func TestBifurcationDiagram(t *testing.T) {
	m, _ := NewGDMap(mustProblem(t, "cubic"))
	hs := []float64{1.9, 2.3, 2.5, 2.83}
	want := []int{1, 2, 4, 3}
	atts, err := m.Bifurcation(hs, 0.1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range atts {
		if a.Period != want[i] || !(a.Lyapunov < 0) || !(math.Abs(a.Multiplier) < 1) {
			t.Errorf("h = %v: period %d (want %d) λ %v μ %v", hs[i], a.Period, want[i], a.Lyapunov, a.Multiplier)
		}
	}
}
