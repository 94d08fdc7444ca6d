package figures

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"image/png"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/modified"
	"github.com/pflow-go/pflow/problems"
	"github.com/pflow-go/pflow/stability"
	"github.com/pflow-go/pflow/verify"
)

var long = flag.Bool("figures.long", false, "also check the data of the slow figures (edge of stability, about 12 s)")

// TestQuadraticTrajectories checks the data of figures 1 and 2 against
// modified.GD, verify.Compare and the closed form of the principal flow on a
// quadratic.
func TestQuadraticTrajectories(t *testing.T) {
	p, err := problems.ByName("quadratic2d")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		h float64
		n int
	}{{0.9, 200}, {1.05, 5}} {
		tr, err := NewTrajectories(p, c.h, c.n, 8, nil, paperFlows)
		if err != nil {
			t.Fatal(err)
		}
		// The table's GD series is modified.GD's iterates, bit for bit.
		ref, err := modified.GD[float64](p, p.X0, c.h, c.n, nil)
		if err != nil {
			t.Fatal(err)
		}
		tab := tr.Table()
		gd := tab.Series("gd")
		if len(gd) != c.n+1 {
			t.Fatalf("h=%v: %d GD rows, want %d", c.h, len(gd), c.n+1)
		}
		i1, i2 := tab.Column("theta1"), tab.Column("theta2")
		for n, row := range gd {
			if row[i1] != ref.Iterates[n][0] || row[i2] != ref.Iterates[n][1] || row[0] != float64(n) {
				t.Fatalf("h=%v: GD row %d = %v, modified.GD %v", c.h, n, row, ref.Iterates[n])
			}
		}
		for k, cv := range tr.Curves {
			if cv.Err != nil {
				t.Fatalf("h=%v %s stopped: %v", c.h, cv.Label, cv.Err)
			}
			chk := tr.Checks[k]
			if chk == nil || len(chk.Points) != c.n+1 {
				t.Fatalf("h=%v %s: verify.Compare missing", c.h, cv.Label)
			}
			for n := 0; n <= c.n; n++ {
				// The curve is sampled from the same DOP853
				// integration settings as verify.Compare (rtol
				// 1e-12, atol 1e-14); the two runs differ only in
				// where the dense output is evaluated, so they agree
				// far below the 1e-10 asked.
				d := dist(cv.AtStep(n), chk.Points[n].Flow)
				if d > 1e-10 {
					t.Errorf("h=%v %s step %d: curve and verify.Compare differ by %.3g", c.h, cv.Label, n, d)
				}
			}
			if cv.Flow != "pf" {
				continue
			}
			// The PF is exact on quadratics: θ(nh) = θ_n (docs/theory.md).
			// Tolerance 1e-10: integration at rtol 1e-12 over at most
			// 200 steps of a linear flow whose components shrink.
			for n := 0; n <= c.n; n++ {
				d := dist(cv.AtStep(n), cplx(ref.Iterates[n]))
				if d > 1e-10 {
					t.Errorf("h=%v PF at t = %dh is %.3g from GD", c.h, n, d)
				}
			}
			// Between steps: θ(t) = (1 − hλ)^{t/h} θ₀ per coordinate, with
			// the principal branch of the power (log(1 − hλ) + iπ for
			// hλ > 1, the branch of linalg.Phi). Tolerance as above.
			lam := []float64{2, 0.02}
			for k := 0; k < len(cv.T); k += 3 {
				s := cv.T[k] / c.h
				for i, l := range lam {
					z := 1 - c.h*l
					want := complex(p.X0[i], 0) * cmplx.Exp(complex(s, 0)*logBranch(z))
					if d := cmplx.Abs(cv.Theta[k][i] - want); d > 1e-10*math.Max(1, cmplx.Abs(want)) {
						t.Errorf("h=%v PF at t=%v coordinate %d: %v, closed form %v", c.h, cv.T[k], i, cv.Theta[k][i], want)
					}
				}
			}
		}
	}
}

// logBranch is log z for real z, with Im = +π for z < 0: linalg.Phi takes
// the limit from Im(hλ) < 0 on its cut, that is Im(1 − hλ) > 0, and
// log(1 − hλ) = hλ·φ(hλ).
func logBranch(z float64) complex128 {
	x := 1 - z
	return complex(x, 0) * linalg.Phi(complex(x, 0))
}

// TestRegimeRuns checks figure 4: GD is (1 − hλ)^n exactly up to round-off,
// the regimes are those of docs/theory.md's table, and the PF's modulus is
// |1 − hλ|^(t/h).
func TestRegimeRuns(t *testing.T) {
	runs, err := NewRegimeRuns(10)
	if err != nil {
		t.Fatal(err)
	}
	want := []stability.Regime{stability.RegimeNegativeCurvature, stability.RegimeStable,
		stability.RegimeOscillatingConvergent, stability.RegimePeriodTwo, stability.RegimeDivergent}
	for k, r := range runs {
		if r.Regime != want[k] {
			t.Errorf("hλ = %v: regime %q, want %q", r.Z, r.Regime, want[k])
		}
		for n, th := range r.GD {
			ex := math.Pow(1-r.Z, float64(n))
			// n multiplications by 1 − hλ: n ulp relative.
			if math.Abs(th[0]-ex) > 16*float64(n+1)*1e-16*math.Max(1, math.Abs(ex)) {
				t.Errorf("hλ = %v: GD θ_%d = %v, want %v", r.Z, n, th[0], ex)
			}
		}
		c := r.Curves[0]
		for j, th := range c.Theta {
			ex := math.Pow(math.Abs(1-r.Z), c.T[j])
			// Integration tolerance 1e-12 relative; 1e-10 leaves
			// room for 10 steps of accumulation.
			if math.Abs(cmplx.Abs(th[0])-ex) > 1e-10*math.Max(1, ex) {
				t.Fatalf("hλ = %v: |PF(%v)| = %v, want %v", r.Z, c.T[j], cmplx.Abs(th[0]), ex)
			}
		}
	}
}

// TestPhiCurve checks figure 3's data against the closed forms of φ on the
// real line.
func TestPhiCurve(t *testing.T) {
	c := NewPhiCurve(-1, 3, 401)
	for i, z := range c.Z {
		ph := c.Phi[i]
		switch {
		case z == 0:
			if ph != -1 {
				t.Errorf("φ(0) = %v", ph)
			}
		case z < 1:
			// Real: log(1 − z)/z, a few ulp (linalg.Phi is tested
			// to that accuracy against 300-bit references).
			if w := math.Log1p(-z) / z; math.Abs(real(ph)-w) > 1e-14*math.Abs(w) || imag(ph) != 0 {
				t.Errorf("φ(%v) = %v, want %v", z, ph, w)
			}
		case z > 1:
			// Im φ = π/z, Re φ = log(z − 1)/z.
			if math.Abs(imag(ph)-math.Pi/z) > 1e-14 || math.Abs(real(ph)-math.Log(z-1)/z) > 1e-13 {
				t.Errorf("φ(%v) = %v", z, ph)
			}
		}
		if c.Regimes[i] != stability.Classify(z) {
			t.Errorf("z = %v: regime %q", z, c.Regimes[i])
		}
	}
}

// TestLogcoshBranch checks figure 5 against the numbers of docs/theory.md:
// from θ₀ = 0.1 at h = 1.5 the branch-continued PF is within 4e−4 of GD
// after one step, and the principal-branch PF lands near 0 + 0.05i instead of
// GD's −0.0495.
func TestLogcoshBranch(t *testing.T) {
	p, err := problems.ByName("logcosh")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrajectories(p, 1.5, 12, 40, []float64{0.1}, logcoshFlows)
	if err != nil {
		t.Fatal(err)
	}
	if g := tr.GD[1][0]; math.Abs(g-(0.1-1.5*math.Tanh(0.1))) > 1e-16 {
		t.Errorf("GD θ₁ = %v", g)
	}
	var cont, prin *Curve
	for _, c := range tr.Curves {
		switch c.Label {
		case "PF (branch continued)":
			cont = c
		case "PF (principal branch)":
			prin = c
		}
	}
	if d := cmplx.Abs(cont.AtStep(1)[0] - complex(tr.GD[1][0], 0)); d > 4e-4 {
		t.Errorf("continued PF after one step: %v from GD", d)
	}
	// The continued PF's error then decays with the iterates.
	if d := cmplx.Abs(cont.AtStep(12)[0] - complex(tr.GD[12][0], 0)); d > 1e-5 {
		t.Errorf("continued PF after 12 steps: %v from GD", d)
	}
	z := prin.AtStep(1)[0]
	if math.Abs(real(z)) > 0.01 || math.Abs(imag(z)-0.05) > 0.01 {
		t.Errorf("principal-branch PF after one step: %v, want near 0.05i", z)
	}
}

// TestBackwardErrors checks figure 9: the table holds verify.LocalOrder's
// numbers and the slopes are the orders of docs/theory.md.
func TestBackwardErrors(t *testing.T) {
	ords, err := BackwardErrors()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := problems.ByName(backwardProblem)
	for k, o := range ords {
		f := backwardFlows[k]
		// Observed orders on log cosh agree with the theory to about
		// 0.06 over this ladder (pre-asymptotic curvature at h = 0.4).
		if math.Abs(o.Slope-f.slope) > 0.1 {
			t.Errorf("%s: slope %v, want %v", f.name, o.Slope, f.slope)
		}
		// Independent single rung: verify.Compare at the smallest h.
		h := o.H[len(o.H)-1]
		r, err := verify.Compare(p, f.name, h, 1, backwardX0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if e := r.Points[1].Error; math.Abs(e-o.Err[len(o.Err)-1]) > 1e-3*e {
			t.Errorf("%s at h=%v: LocalOrder %v, Compare %v", f.name, h, o.Err[len(o.Err)-1], e)
		}
	}
}

// TestBifurcation checks figure 10 against the logistic map, to which the GD
// map of θ²/2 + θ³/3 is conjugate with r = 1 + h: the fixed point loses
// stability at h = 2 (= 2/E″(0)), and the 2 → 4 doubling is at r = 1 + √6,
// h = √6.
func TestBifurcation(t *testing.T) {
	att, dbl, curv, err := Bifurcation(60)
	if err != nil {
		t.Fatal(err)
	}
	if curv != 1 {
		t.Errorf("E″(0) = %v", curv)
	}
	for _, a := range att {
		switch {
		case a.H < 1.99 && a.Period != 1:
			t.Errorf("h = %v: period %d, want 1", a.H, a.Period)
		case a.H > 2.01 && a.H < 2.44 && a.Period != 2:
			t.Errorf("h = %v: period %d, want 2", a.H, a.Period)
		}
	}
	found := false
	for _, d := range dbl {
		if d.From == 2 {
			found = true
			// PeriodDoublings refines by bisection on the multiplier.
			if math.Abs(d.H-math.Sqrt(6)) > 1e-8 {
				t.Errorf("2→4 doubling at h = %v, want √6 = %v", d.H, math.Sqrt(6))
			}
		}
	}
	if !found {
		t.Errorf("no 2→4 doubling in %v", dbl)
	}
}

// TestEdgeOfStability checks figure 11's data (slow: run with
// -figures.long): progressive sharpening to 2/h and an edge-of-stability
// phase, as stability's own tests establish on this set-up.
func TestEdgeOfStability(t *testing.T) {
	if !*long {
		t.Skip("about 12 s; run with -figures.long")
	}
	tr, runs, err := EdgeOfStability()
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Sharpening.Found || !tr.Edge.Found || math.Abs(tr.Edge.MeanRatio-1) > 0.05 {
		t.Errorf("sharpening %+v edge %+v", tr.Sharpening, tr.Edge)
	}
	if len(runs) != len(eosDALPowers) || runs[0].P != 0 || runs[0].Spikes == 0 {
		t.Errorf("DAL runs %+v", runs)
	}
}

// TestTableCSV checks that the CSV holds the numbers exactly.
func TestTableCSV(t *testing.T) {
	tab := NewTable("a", "b")
	vals := [][]float64{{0.1, math.Pi}, {-1e-300, math.NaN()}, {1.0 / 3, 2}}
	for _, v := range vals {
		tab.Add("s", v...)
	}
	var buf bytes.Buffer
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 4 || rec[0][0] != "series" || rec[0][1] != "a" || rec[0][2] != "b" {
		t.Fatalf("CSV %v", rec)
	}
	for i, v := range vals {
		for j, x := range v {
			s := rec[i+1][j+1]
			if math.IsNaN(x) {
				if s != "NA" {
					t.Errorf("NaN written as %q", s)
				}
				continue
			}
			y, err := strconv.ParseFloat(s, 64)
			if err != nil || y != x {
				t.Errorf("%v written as %q", x, s)
			}
		}
	}
}

// TestWriteAll renders one small figure to PNG, SVG and CSV and checks the
// files; an unknown name fails before anything is written.
func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	if err := WriteAll(dir, []string{"stability-coefficient"}, &log); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log.Bytes(), []byte("stability-coefficient")) {
		t.Errorf("progress %q", log.String())
	}
	f, err := os.Open(filepath.Join(dir, "stability-coefficient.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 7*DPI || b.Dy() != 7*DPI {
		t.Errorf("PNG size %v", b)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "stability-coefficient.svg"))
	if err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("SVG: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "stability-coefficient.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rec) != 2002 {
		t.Fatalf("CSV: %d records, %v", len(rec), err)
	}

	empty := t.TempDir()
	err = WriteAll(empty, []string{"stability-coefficient", "no-such-figure"}, nil)
	if !errors.Is(err, ErrUnknownFigure) {
		t.Errorf("unknown name: %v", err)
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Errorf("files written before the error: %v", ents)
	}
}

// TestGallery checks that names are unique, documented and found by Lookup.
func TestGallery(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Gallery() {
		if seen[f.Name] || f.Title == "" || f.Caption == "" || f.make == nil {
			t.Errorf("figure %+v", f.Name)
		}
		seen[f.Name] = true
		g, err := Lookup(f.Name)
		if err != nil || g.Name != f.Name {
			t.Errorf("Lookup(%q): %v", f.Name, err)
		}
	}
	if len(seen) != 13 {
		t.Errorf("%d figures, the issues list 13 (11 + bea-truncation + central-flow)", len(seen))
	}
}

func cplx(x []float64) []complex128 {
	out := make([]complex128, len(x))
	for i, v := range x {
		out[i] = complex(v, 0)
	}
	return out
}

func dist(a, b []complex128) float64 {
	d := make([]complex128, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return cabs(d)
}

// TestSaddleAndDoublewell checks figures 6 and 7: GD equals the iterates
// of verify.Compare bit for bit, the NGF on the saddle is the
// closed form (x₀e^{−2t}, y₀e^{2t}) and the PF meets GD at every step there
// (the saddle is a quadratic).
func TestSaddleAndDoublewell(t *testing.T) {
	p, err := problems.ByName("saddle")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrajectories(p, saddleH, saddleSteps, 8, nil, []FlowSpec{{Name: "ngf"}, {Name: "pf"}})
	if err != nil {
		t.Fatal(err)
	}
	ref := verifyGD(t, p, saddleH, saddleSteps)
	for n := range ref {
		if tr.GD[n][0] != ref[n][0] || tr.GD[n][1] != ref[n][1] {
			t.Fatalf("GD step %d: %v, verify %v", n, tr.GD[n], ref[n])
		}
		// Exact on the quadratic; rtol 1e-12 on components up to 3.
		if d := dist(tr.Curves[1].AtStep(n), cplx(ref[n])); d > 1e-10 {
			t.Errorf("PF at step %d: %.3g from GD", n, d)
		}
	}
	ngf := tr.Curves[0]
	for k, th := range ngf.Theta {
		tt := ngf.T[k]
		want := []complex128{complex(p.X0[0]*math.Exp(-2*tt), 0), complex(p.X0[1]*math.Exp(2*tt), 0)}
		// rtol 1e-12 per step, e^{2t} ≤ e^{8.4}: 1e-10 relative.
		if d := dist(th, want); d > 1e-10*math.Max(1, cabs(want)) {
			t.Fatalf("NGF at t=%v: %v, closed form %v", tt, th, want)
		}
	}

	dw, err := problems.ByName("doublewell")
	if err != nil {
		t.Fatal(err)
	}
	tw, err := NewTrajectories(dw, dwH, dwSteps, 4, nil, paperFlows)
	if err != nil {
		t.Fatal(err)
	}
	ref = verifyGD(t, dw, dwH, dwSteps)
	for n := range ref {
		if tw.GD[n][0] != ref[n][0] {
			t.Fatalf("doublewell GD step %d: %v, verify %v", n, tw.GD[n], ref[n])
		}
	}
	// The story of the figure: GD ends in the wide well, NGF and IGR in
	// the sharp one (within 1e-6 of the known minima).
	if math.Abs(tw.GD[dwSteps][0]-2) > 1e-3 {
		t.Errorf("GD ends at %v, not in the wide well", tw.GD[dwSteps][0])
	}
	for _, c := range tw.Curves[:2] {
		if z := c.AtStep(dwSteps)[0]; cmplx.Abs(z-complex(problems.DoubleWellSharpMin, 0)) > 1e-6 {
			t.Errorf("%s ends at %v, not in the sharp well", c.Label, z)
		}
	}
}

// verifyGD returns the GD iterates that verify.Compare reports.
func verifyGD(t *testing.T, p *problems.Problem, h float64, n int) [][]float64 {
	t.Helper()
	r, err := verify.Compare(p, verify.GD, h, n, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(r.Points))
	for i, pt := range r.Points {
		out[i] = pt.GD
	}
	if len(out) != n+1 {
		t.Fatalf("verify.Compare returned %d points", len(out))
	}
	return out
}

// TestRosenbrockSmallOscillation checks the top row of figure 8: from
// (0.95, 0.91) GD flips across the valley at every step for the first steps
// (θ₂ − θ₁² changes sign), and the PF stays within 2e-4 of GD over all 400
// steps (measured 9e-5 at most; NGF is 2e-3 away after ten steps).
func TestRosenbrockSmallOscillation(t *testing.T) {
	p, err := problems.ByName("rosenbrock")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrajectories(p, rosenH, rosenSteps, 1, rosenStarts[0], []FlowSpec{{Name: "ngf"}, {Name: "pf"}})
	if err != nil {
		t.Fatal(err)
	}
	across := func(th []float64) float64 { return th[1] - th[0]*th[0] }
	for n := 0; n < 20; n++ {
		if across(tr.GD[n])*across(tr.GD[n+1]) >= 0 {
			t.Errorf("GD does not cross the valley floor between steps %d and %d", n, n+1)
		}
	}
	pf, ngf := tr.Checks[1], tr.Checks[0]
	if tr.Curves[1].Err != nil || len(pf.Points) != rosenSteps+1 || pf.MaxError > 2e-4 {
		t.Errorf("PF: stopped %v, %d points, max distance %v", tr.Curves[1].Err, len(pf.Points), pf.MaxError)
	}
	if ngf.Points[10].Error < 10*pf.Points[10].Error {
		t.Errorf("at step 10 NGF is %v from GD, PF %v", ngf.Points[10].Error, pf.Points[10].Error)
	}
}

// TestBadInput: unusable arguments return errors, never panics.
func TestBadInput(t *testing.T) {
	p, err := problems.ByName("quadratic2d")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"nil problem":   func() error { _, err := FlowCurve(nil, "pf", 0.5, 3, 2, nil, nil); return err },
		"nil problem 2": func() error { _, err := NewTrajectories(nil, 0.5, 3, 2, nil, nil); return err },
		"nil problem 3": func() error { _, _, err := GDIterates(nil, 0.5, 3, nil); return err },
		"zero steps":    func() error { _, err := FlowCurve(p, "pf", 0.5, 0, 2, nil, nil); return err },
		"bad rate":      func() error { _, err := FlowCurve(p, "pf", -1, 3, 2, nil, nil); return err },
		"NaN rate":      func() error { _, err := FlowCurve(p, "ngf", math.NaN(), 3, 2, nil, nil); return err },
		"unknown flow":  func() error { _, err := FlowCurve(p, "nope", 0.5, 3, 2, nil, nil); return err },
		"short start":   func() error { _, err := FlowCurve(p, "pf", 0.5, 3, 2, []float64{1}, nil); return err },
		"NaN start": func() error {
			_, err := NewTrajectories(p, 0.5, 3, 2, []float64{math.NaN(), 0}, paperFlows)
			return err
		},
		"fixed steps": func() error {
			_, err := NewTrajectories(p, 0.5, 3, 3, nil, []FlowSpec{{Name: "pf", Fixed: 4}})
			return err
		},
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := FlowCurve(p, "nope", 0.5, 3, 2, nil, nil); !errors.Is(err, modified.ErrUnknownFlow) {
		t.Errorf("unknown flow: %v", err)
	}
}
