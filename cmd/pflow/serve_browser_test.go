package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pflow-go/pflow/problems"
)

// findBrowser returns the path of a Chromium or Chrome binary: $PFLOW_CHROME,
// else the first of the usual names on $PATH and /usr/bin/chromium.
func findBrowser() string {
	if p := os.Getenv("PFLOW_CHROME"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// browserSession is one headless browser tab on the explorer of srv.
type browserSession struct {
	t         *testing.T
	ctx       context.Context
	srv       *httptest.Server
	artifacts string
	shots     int
}

// do runs actions, failing the test on error.
func (b *browserSession) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page into T.
func eval[T any](b *browserSession, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluating %.80s: %v", js, err)
	}
	return v
}

// runs returns the page's count of finished updates.
func (b *browserSession) runs() int {
	n, _ := strconv.Atoi(eval[string](b, `document.body.dataset.run`))
	return n
}

// waitRun waits until the page has finished more than n updates.
func (b *browserSession) waitRun(n int) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf(`+document.body.dataset.run > %d && document.body.dataset.state !== "loading"`, n), 45*time.Second)
}

// waitFor evaluates the predicate js every 50 ms until it is true. An
// evaluation may fail while a navigation replaces the page's JavaScript
// context ("Cannot find context with specified id"): it is retried.
func (b *browserSession) waitFor(js string, limit time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(limit)
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("waited %v for %s (last error %v)", limit, js, lastErr)
}

// set sets a control's value as a user's edit does (value, then a change
// event) and waits for the update it starts.
func (b *browserSession) set(id, value string) {
	b.t.Helper()
	n := b.runs()
	v, _ := json.Marshal(value)
	eval[bool](b, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %s; e.dispatchEvent(new Event("change")); return true; })()`, id, v))
	b.waitRun(n)
}

// screenshot saves the viewport as NAME.png in the artifacts directory.
func (b *browserSession) screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	b.shots++
	path := filepath.Join(b.artifacts, fmt.Sprintf("%02d-%s.png", b.shots, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", path)
	return path
}

// pageQuery is the page's state as its URL holds it.
func (b *browserSession) pageQuery() url.Values {
	q, err := url.ParseQuery(strings.TrimPrefix(eval[string](b, `location.search`), "?"))
	if err != nil {
		b.t.Fatal(err)
	}
	return q
}

// apiTrajectory fetches the API's trajectory document for the page's
// state and one flow.
func (b *browserSession) apiTrajectory(flow string) trajDoc {
	b.t.Helper()
	pq := b.pageQuery()
	spec := pq.Get("problem")
	if e := pq.Get("expr"); e != "" {
		spec = "expr:" + e
	}
	q := url.Values{"problem": {spec}, "flow": {flow}, "lr": {pq.Get("lr")}, "steps": {pq.Get("steps")}, "x0": {pq.Get("x0")}}
	code, body, _ := get(b.t, b.srv, "/api/trajectory?"+q.Encode())
	if code != 200 {
		b.t.Fatalf("API %v: status %d: %s", q, code, body)
	}
	var d trajDoc
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		b.t.Fatal(err)
	}
	return d
}

// trajDoc decodes the trajectory contract (null → NaN through *float64).
type trajDoc struct {
	Problem string
	Points  []struct {
		N       int
		ThetaRe []*float64 `json:"theta_re"`
		ThetaIm []*float64 `json:"theta_im"`
		GD      []*float64
		Error   *float64
	}
}

func num(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// drawn is what the page drew in the main plot, read from the SVG.
type drawn struct {
	Domain [4]float64 // xmin, xmax, ymin, ymax
	GD     []struct {
		N      int
		Theta  []float64
		CX, CY float64
	}
	Flows []struct {
		Flow   string
		Values [][]*float64
		Points string
	}
}

const readPlot = `(() => {
  const svg = document.getElementById("plot");
  return {
    Domain: JSON.parse(svg.dataset.domain),
    GD: [...svg.querySelectorAll("circle.gd-pt")].map(c => ({N: +c.dataset.n, Theta: JSON.parse(c.dataset.theta), CX: +c.getAttribute("cx"), CY: +c.getAttribute("cy")})),
    Flows: [...svg.querySelectorAll("polyline.flow")].map(p => ({Flow: p.dataset.flow, Values: JSON.parse(p.dataset.values), Points: p.getAttribute("points")})),
  };
})()`

// pixel is the page's map from θ to the main plot's pixels (explorer.js:
// frame, with margin 44 in a 600×500 SVG).
func pixel(dom [4]float64, x, y float64) (float64, float64) {
	const m, W, H = 44.0, 600.0, 500.0
	px := m + (x-dom[0])/(dom[1]-dom[0])*(W-m-10)
	py := H - m + 10 - (y-dom[2])/(dom[3]-dom[2])*(H-m-10-8)
	return px, py
}

// pxTol: the page rounds pixel coordinates to 0.001 (explorer.js: r6).
const pxTol = 1e-3

// checkPlot asserts that the drawn GD points and flow curves of a 2-D
// problem are the API's numbers, exactly, and sit where the axes put
// them.
func (b *browserSession) checkPlot(flows ...string) {
	b.t.Helper()
	d := eval[drawn](b, readPlot)
	steps, _ := strconv.Atoi(b.pageQuery().Get("steps"))
	if len(d.GD) != steps+1 {
		b.t.Errorf("%d GD points drawn for %d steps", len(d.GD), steps)
	}
	for _, f := range flows {
		doc := b.apiTrajectory(f)
		// A flow whose integration stopped early has fewer points; the
		// page draws GD from the longest document.
		if len(d.GD) < len(doc.Points) || (len(d.GD) > len(doc.Points) && len(doc.Points) == steps+1) {
			b.t.Errorf("%s: %d GD points drawn, the API has %d", f, len(d.GD), len(doc.Points))
			continue
		}
		for k, g := range d.GD[:len(doc.Points)] {
			p := doc.Points[k]
			if g.N != p.N || len(g.Theta) != 2 || g.Theta[0] != num(p.GD[0]) || g.Theta[1] != num(p.GD[1]) {
				b.t.Errorf("%s: GD point %d drawn as n=%d θ=%v, the API has n=%d θ=(%v, %v)", f, k, g.N, g.Theta, p.N, num(p.GD[0]), num(p.GD[1]))
				continue
			}
			if px, py := pixel(d.Domain, g.Theta[0], g.Theta[1]); math.Abs(px-g.CX) > pxTol || math.Abs(py-g.CY) > pxTol {
				b.t.Errorf("GD point %d at pixel (%v, %v), want (%v, %v)", k, g.CX, g.CY, px, py)
			}
		}
		found := false
		for _, fl := range d.Flows {
			if fl.Flow != f {
				continue
			}
			found = true
			if len(fl.Values) != len(doc.Points) {
				b.t.Errorf("%s: the curve has %d points, the API %d", f, len(fl.Values), len(doc.Points))
				continue
			}
			pts := strings.Fields(fl.Points)
			for k, v := range fl.Values {
				re := doc.Points[k].ThetaRe
				if num(v[0]) != num(re[0]) || num(v[1]) != num(re[1]) {
					b.t.Errorf("%s: curve point %d is (%v, %v), the API's theta_re (%v, %v)", f, k, num(v[0]), num(v[1]), num(re[0]), num(re[1]))
				}
				if k >= len(pts) {
					continue
				}
				var cx, cy float64
				if _, err := fmt.Sscanf(pts[k], "%g,%g", &cx, &cy); err != nil {
					b.t.Errorf("%s: point %q: %v", f, pts[k], err)
					continue
				}
				if px, py := pixel(d.Domain, num(re[0]), num(re[1])); math.Abs(px-cx) > pxTol || math.Abs(py-cy) > pxTol {
					b.t.Errorf("%s: curve point %d at pixel (%v, %v), want (%v, %v)", f, k, cx, cy, px, py)
				}
			}
			if len(pts) != len(fl.Values) {
				b.t.Errorf("%s: %d pixel points for %d values (all are finite here)", f, len(pts), len(fl.Values))
			}
		}
		if !found && f != "gd" {
			b.t.Errorf("no curve drawn for flow %s", f)
		}
	}
}

// TestExplorerInBrowser drives the explorer in headless Chromium against
// the real server: a catalogue problem, a learning rate, the imaginary
// part of the PF, an expression and a bad expression. Screenshots go to
// $PFLOW_ARTIFACTS (else a new temporary directory, logged); with
// PFLOW_README_SCREENSHOT=1 the expression's also replaces
// docs/img/explorer.png.
func TestExplorerInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	browser := findBrowser()
	if browser == "" {
		t.Skip("no Chromium or Chrome found (set PFLOW_CHROME, or install Debian's chromium package): skipping the browser test")
	}
	artifacts := os.Getenv("PFLOW_ARTIFACTS")
	if artifacts == "" {
		var err error
		if artifacts, err = os.MkdirTemp("", "pflow-explorer-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("browser %s; screenshots in %s", browser, artifacts)

	srv := httptest.NewServer(newServer(serveConfig{}))
	defer srv.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.WindowSize(1300, 860),
		chromedp.Flag("disable-gpu", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first action starts the browser, which lives as long as the
	// context of that call: run it on ctx itself, without a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	b := &browserSession{t: t, ctx: ctx, srv: srv, artifacts: artifacts}

	// 1. Load a link: the URL holds the state.
	b.do("loading the page", chromedp.Navigate(srv.URL+"/?problem=quadratic2d&flows=pf,igr&steps=12&lr=0.9"))
	b.waitRun(0)
	if msg := eval[string](b, `document.getElementById("error").textContent`); msg != "" {
		t.Fatalf("the page shows an error: %s", msg)
	}
	b.screenshot("quadratic2d")
	if got := b.pageQuery().Get("lr"); got != "0.9" {
		t.Errorf("lr in the URL %q, want 0.9", got)
	}
	b.checkPlot("pf", "igr")
	// The 2/λmax mark: λmax = 2 on quadratic2d, so 2/λmax = 1.
	if lbl := eval[string](b, `document.getElementById("edge-label").textContent`); lbl != "2/λmax = 1" {
		t.Errorf("edge label %q, want 2/λmax = 1", lbl)
	}

	// 2. Another problem and a learning rate, through the controls.
	b.set("problem", "rosenbrock")
	b.set("lrnum", "0.0015")
	if q := b.pageQuery(); q.Get("problem") != "rosenbrock" || q.Get("lr") != "0.0015" {
		t.Errorf("the URL says %v after setting rosenbrock and h = 0.0015", q)
	}
	b.checkPlot("pf", "igr")
	b.screenshot("rosenbrock")

	// Exports: the page's download function is replaced by one that keeps
	// the file; the CSV rows are the API's numbers, the PNG is a PNG.
	eval[bool](b, `(() => { window.__files = {}; download = (name, blob) => { blob.text().then(t => { window.__files[blob.type] = {name, size: blob.size, text: t}; }); }; return true; })()`)
	for _, id := range []string{"csv", "json", "png"} {
		b.do("clicking "+id, chromedp.Click("#"+id))
	}
	b.waitFor(`Object.keys(window.__files).length === 3`, 20*time.Second)
	type file struct {
		Name, Text string
		Size       int
	}
	files := eval[map[string]file](b, `window.__files`)
	if png := files["image/png"]; png.Size < 10000 || !strings.HasPrefix(png.Text, "\ufffdPNG") || !strings.HasSuffix(png.Name, ".png") {
		t.Errorf("PNG export: %s, %d bytes, starts %q", png.Name, png.Size, png.Text[:min(8, len(png.Text))])
	}
	var exported []json.RawMessage
	if err := json.Unmarshal([]byte(files["application/json"].Text), &exported); err != nil || len(exported) != 2 {
		t.Errorf("JSON export: %v, %d documents (want the two flows')", err, len(exported))
	}
	csvRows := strings.Split(strings.TrimSpace(files["text/csv"].Text), "\n")
	pfDoc := b.apiTrajectory("pf")
	if len(csvRows) != 1+2*len(pfDoc.Points) || csvRows[0] != "flow,n,t,theta_re_1,theta_re_2,theta_im_1,theta_im_2,gd_1,gd_2,error" {
		t.Errorf("CSV export: %d csvRows, header %q", len(csvRows), csvRows[0])
	} else {
		for k, p := range pfDoc.Points {
			f := strings.Split(csvRows[1+k], ",")
			if f[0] != "pf" || f[1] != strconv.Itoa(p.N) {
				t.Errorf("CSV row %d: %q", k, csvRows[1+k])
				continue
			}
			for i, want := range []*float64{p.ThetaRe[0], p.ThetaRe[1], p.ThetaIm[0], p.ThetaIm[1], p.GD[0], p.GD[1], p.Error} {
				if v, err := strconv.ParseFloat(f[3+i], 64); err != nil || v != num(want) {
					t.Errorf("CSV row %d column %d: %q, the API has %v", k, 3+i, f[3+i], num(want))
				}
			}
		}
	}

	// 3. The imaginary part: past the edge (2/λmax = 0.001328 at
	// (−1.2, 1)) the PF is complex, with |Im θ| up to 0.13 in these 12
	// steps (on quadratics it would vanish at t = nh, up to the
	// integrator's error); the toggle shows Im θ, the API's theta_im.
	hidden := `getComputedStyle(document.getElementById("imag-panel")).display === "none"`
	if !eval[bool](b, hidden) {
		t.Errorf("the imaginary-part panel shows before the toggle")
	}
	b.do("clicking the imaginary-part toggle", chromedp.Click("#imag"))
	if eval[bool](b, hidden) {
		t.Fatalf("the imaginary-part panel is hidden after the toggle")
	}
	if b.pageQuery().Get("im") != "1" {
		t.Errorf("the URL does not hold the toggle: %v", b.pageQuery())
	}
	type imagCurve struct {
		Flow      string
		Component int
		Values    []*float64
	}
	curves := eval[[]imagCurve](b, `[...document.querySelectorAll("#imagplot polyline.imag")].map(p => ({Flow: p.dataset.flow, Component: +p.dataset.component, Values: JSON.parse(p.dataset.values)}))`)
	pf := b.apiTrajectory("pf")
	maxIm := 0.0
	checked := 0
	for _, c := range curves {
		if c.Flow != "pf" {
			continue
		}
		for k, v := range c.Values {
			want := num(pf.Points[k].ThetaIm[c.Component-1])
			if num(v) != want {
				t.Errorf("Im θ_%d at step %d drawn %v, the API has %v", c.Component, k, num(v), want)
			}
			maxIm = math.Max(maxIm, math.Abs(want))
			checked++
		}
	}
	if checked != 2*len(pf.Points) || maxIm < 0.01 {
		t.Errorf("checked %d imaginary values (want %d), max |Im θ| %g (want > 0.01 past the edge)", checked, 2*len(pf.Points), maxIm)
	}
	b.screenshot("imaginary-part")
	b.do("clicking the toggle again", chromedp.Click("#imag"))
	if !eval[bool](b, hidden) {
		t.Errorf("the imaginary-part panel still shows after the second click")
	}

	// 4. The local analysis at the pointer: the hover panel shows
	// /api/stability at the point under the pointer.
	box := eval[[]float64](b, `(() => { const r = document.getElementById("plot").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
	b.do("moving the pointer", chromedp.MouseEvent(chromedp.MouseMoved, box[0]+0.6*box[2], box[1]+0.4*box[3]))
	b.waitFor(`!!document.getElementById("hover-body").dataset.theta`, 20*time.Second)
	theta := eval[[]float64](b, `JSON.parse(document.getElementById("hover-body").dataset.theta)`)
	rows := eval[[]string](b, `[...document.querySelectorAll("#hover-body tr")].slice(1).map(r => r.cells[2].textContent)`)
	code, body, _ := get(t, srv, "/api/stability?"+url.Values{"problem": {"rosenbrock"}, "lr": {"0.0015"}, "x0": {fmt.Sprintf("%v,%v", theta[0], theta[1])}}.Encode())
	var st struct{ Directions []struct{ Regime string } }
	if code != 200 || json.Unmarshal([]byte(body), &st) != nil || len(st.Directions) != len(rows) {
		t.Errorf("hover: API status %d %s; page rows %v", code, body, rows)
	} else {
		for i, r := range rows {
			if r != st.Directions[i].Regime {
				t.Errorf("hover: regime %d is %q, the API says %q", i, r, st.Directions[i].Regime)
			}
		}
	}

	// 1-D problems get the loss curve instead of contours, with the GD
	// iterates on it and θ against the step.
	b.set("problem", "doublewell")
	b.set("lrnum", "0.05")
	one := eval[drawn](b, readPlot)
	pfDW := b.apiTrajectory("pf")
	if n := eval[int](b, `document.querySelectorAll("#plot path.contour").length`); n != 0 || !eval[bool](b, `!!document.querySelector("#plot polyline.losscurve")`) {
		t.Errorf("1-D plot: %d contour paths, loss curve drawn: %v", n, eval[bool](b, `!!document.querySelector("#plot polyline.losscurve")`))
	}
	if len(one.GD) != len(pfDW.Points) {
		t.Errorf("1-D: %d GD points drawn, the API has %d", len(one.GD), len(pfDW.Points))
	} else {
		for k, g := range one.GD {
			if len(g.Theta) != 1 || g.Theta[0] != num(pfDW.Points[k].GD[0]) {
				t.Errorf("1-D: GD point %d drawn at θ = %v, the API has %v", k, g.Theta, num(pfDW.Points[k].GD[0]))
			}
		}
	}
	if eval[bool](b, `getComputedStyle(document.getElementById("traj1d-panel")).display === "none"`) {
		t.Errorf("1-D: the θ-against-step panel is hidden")
	}
	b.screenshot("doublewell-1d")

	// 5. An expression, when this build has them (issue 18), and a bad
	// one, whose message must be the parser's as the API gives it.
	if _, err := problems.ByName("expr:x^2+y^2"); err == nil {
		b.set("expr", "(x^2-1)^2+2*y^2")
		b.set("x0", "0.8,0.6")
		if q := b.pageQuery(); q.Get("expr") != "(x^2-1)^2+2*y^2" || q.Get("x0") != "0.8,0.6" {
			t.Errorf("the URL after the expression: %v", q)
		}
		b.set("lrnum", "0.2")
		b.checkPlot("pf", "igr")
		// The pointer near the saddle (0, 0): the hover panel fills in.
		box := eval[[]float64](b, `(() => { const r = document.getElementById("plot").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
		b.do("moving the pointer", chromedp.MouseEvent(chromedp.MouseMoved, box[0]+0.38*box[2], box[1]+0.62*box[3]))
		b.waitFor(`!!document.getElementById("hover-body").dataset.theta`, 20*time.Second)
		shot := b.screenshot("expression")
		if os.Getenv("PFLOW_README_SCREENSHOT") == "1" {
			png, err := os.ReadFile(shot)
			if err == nil {
				err = os.WriteFile(filepath.Join("..", "..", "docs", "img", "explorer.png"), png, 0o644)
			}
			if err != nil {
				t.Errorf("README screenshot: %v", err)
			}
		}
	} else {
		t.Logf("this build has no expression problems (%v): the expression steps are skipped", err)
	}
	bad := "(x^2-1"
	b.set("expr", bad)
	msg := eval[string](b, `document.getElementById("error").textContent`)
	code, body, _ = get(t, srv, "/api/problem?"+url.Values{"problem": {"expr:" + bad}}.Encode())
	var apiErr struct{ Error string }
	if code != 400 || json.Unmarshal([]byte(body), &apiErr) != nil || apiErr.Error == "" {
		t.Fatalf("API on a bad expression: status %d: %s", code, body)
	}
	if msg != apiErr.Error {
		t.Errorf("the page shows %q for a bad expression, the API's message is %q", msg, apiErr.Error)
	}
	if n := eval[int](b, `document.querySelectorAll("#plot circle.gd-pt").length`); n != 0 {
		t.Errorf("%d GD points still drawn under the error", n)
	}
	b.screenshot("bad-expression")
}
