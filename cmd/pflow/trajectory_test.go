package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pflow-go/pflow/modified"
)

type trajJSONPoint struct {
	N       int       `json:"n"`
	T       float64   `json:"t"`
	ThetaRe []float64 `json:"theta_re"`
	ThetaIm []float64 `json:"theta_im"`
	GD      []float64 `json:"gd"`
	Error   float64   `json:"error"`
}

type trajJSON struct {
	Problem  string          `json:"problem"`
	Flow     string          `json:"flow"`
	LR       float64         `json:"lr"`
	Steps    int             `json:"steps"`
	Method   string          `json:"method"`
	Points   []trajJSONPoint `json:"points"`
	MaxError float64         `json:"max_error"`
	NFev     int             `json:"nfev"`
}

func runTraj(t *testing.T, args ...string) trajJSON {
	t.Helper()
	code, out, errOut := runCmd(append([]string{"trajectory"}, args...)...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	// The contract fixes the field names: decode strictly.
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var r trajJSON
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"flow", "lr", "max_error", "method", "nfev", "points", "problem", "steps"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	return r
}

// quadFlow returns the closed-form state at time t of a flow θ' = −a(H)θ on
// quadratic2d (H = diag(2, 0.02)) from (−0.35, −0.2), and GD's iterate n.
func quadStates(rate func(float64) float64, h float64, n int) (flow, gd [2]float64) {
	x0 := [2]float64{-0.35, -0.2}
	t := float64(n) * h
	for i, l := range []float64{2, 0.02} {
		flow[i] = math.Exp(-rate(l)*t) * x0[i]
		gd[i] = math.Pow(1-h*l, float64(n)) * x0[i]
	}
	return
}

// The proof of the issue: the PF at h = 1.05 equals GD to 1e-10, the
// other flows give the closed-form distances (NGF at h = 0.9: 0.1147).
func TestTrajectoryQuadratic2d(t *testing.T) {
	r := runTraj(t, "-problem", "quadratic2d", "-flow", "pf", "-lr", "1.05", "-steps", "5", "-format", "json")
	if r.Problem != "quadratic2d" || r.Flow != "pf" || r.LR != 1.05 || r.Steps != 5 || r.Method != "dop853" || len(r.Points) != 6 || r.NFev <= 0 {
		t.Fatalf("header %+v", r)
	}
	if r.MaxError > 1e-10 {
		t.Errorf("PF max_error %v > 1e-10", r.MaxError)
	}
	for _, pt := range r.Points {
		_, gd := quadStates(func(l float64) float64 { return l }, 1.05, pt.N)
		if pt.T != float64(pt.N)*1.05 || math.Abs(pt.GD[0]-gd[0]) > 1e-15 || math.Abs(pt.GD[1]-gd[1]) > 1e-15 {
			t.Errorf("point %d: t %v gd %v, want %v", pt.N, pt.T, pt.GD, gd)
		}
		if d := math.Hypot(math.Hypot(pt.ThetaRe[0]-pt.GD[0], pt.ThetaIm[0]), math.Hypot(pt.ThetaRe[1]-pt.GD[1], pt.ThetaIm[1])); math.Abs(d-pt.Error) > 1e-16 {
			t.Errorf("point %d: error %v, recomputed %v", pt.N, pt.Error, d)
		}
	}
	for _, c := range []struct {
		flow string
		rate func(l, h float64) float64
	}{
		{"ngf", func(l, h float64) float64 { return l }},
		{"igr", func(l, h float64) float64 { return l + h*l*l/2 }},
		{"bea3", func(l, h float64) float64 { return l + h*l*l/2 + h*h*l*l*l/3 }},
	} {
		for _, h := range []float64{0.9, 1.05} {
			r := runTraj(t, "-problem", "quadratic2d", "-flow", c.flow, "-lr", strconv.FormatFloat(h, 'g', -1, 64), "-steps", "5")
			maxErr := 0.0
			for _, pt := range r.Points {
				fl, gd := quadStates(func(l float64) float64 { return c.rate(l, h) }, h, pt.N)
				want := math.Hypot(fl[0]-gd[0], fl[1]-gd[1])
				// Integration at rtol 1e-12 over t ≤ 5.25.
				if math.Abs(pt.Error-want) > 1e-11 {
					t.Errorf("%s h=%v n=%d: error %v, closed form %v", c.flow, h, pt.N, pt.Error, want)
				}
				maxErr = math.Max(maxErr, want)
			}
			if math.Abs(r.MaxError-maxErr) > 1e-11 {
				t.Errorf("%s h=%v: max_error %v, closed form %v", c.flow, h, r.MaxError, maxErr)
			}
			if c.flow == "ngf" && h == 0.9 {
				if e := r.Points[5].Error; math.Abs(e-0.11473) > 1e-5 {
					t.Errorf("NGF at h = 0.9, n = 5: %v, want about 0.115", e)
				}
			}
		}
	}
	g := runTraj(t, "-problem", "quadratic2d", "-flow", "gd", "-lr", "1.05", "-steps", "5")
	if g.MaxError != 0 || g.NFev != 0 || g.Method != "none" || len(g.Points) != 6 {
		t.Errorf("gd: %+v", g)
	}
}

func TestTrajectoryEveryFlowAndCSV(t *testing.T) {
	for _, f := range append([]string{"gd"}, modified.Names()...) {
		code, out, errOut := runCmd("trajectory", "-problem", "logcosh", "-flow", f, "-lr", "0.5", "-steps", "3", "-x0", "0.5", "-format", "csv", "-rtol", "1e-10", "-atol", "1e-12")
		if code != 0 {
			t.Errorf("%s: exit %d: %s", f, code, errOut)
			continue
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != "n,t,theta_re_1,theta_im_1,gd_1,error" || len(recs) != 5 {
			t.Errorf("%s: csv %q", f, out)
			continue
		}
		// GD on log cosh: θ1 = 0.5 − 0.5·tanh(0.5).
		if gd1, _ := strconv.ParseFloat(recs[2][4], 64); math.Abs(gd1-(0.5-0.5*math.Tanh(0.5))) > 1e-16 {
			t.Errorf("%s: gd_1 at n = 1: %v", f, gd1)
		}
	}
	// A flow that blows up: partial output, exit 1, a reason on stderr.
	code, out, errOut := runCmd("trajectory", "-problem", "doublewell", "-flow", "pf", "-lr", "0.3", "-steps", "30")
	if code != 1 || !strings.Contains(errOut, "stopped after") {
		t.Errorf("blow-up: exit %d, stderr %q", code, errOut)
	}
	var r trajJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Points) < 2 || len(r.Points) > 30 {
		t.Errorf("blow-up output: %v, %d points", err, len(r.Points))
	}
}

func TestTrajectoryBadInput(t *testing.T) {
	base := map[string]string{"-problem": "quadratic2d", "-flow": "pf", "-lr": "0.5", "-steps": "3"}
	args := func(over ...string) []string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(over); i += 2 {
			if over[i+1] == "" {
				delete(m, over[i])
			} else {
				m[over[i]] = over[i+1]
			}
		}
		out := []string{"trajectory"}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, k, m[k])
		}
		return out
	}
	for _, a := range [][]string{
		args("-problem", "nope"), args("-problem", ""), args("-problem", "deeplinear:k=x"),
		args("-flow", "nope"), args("-flow", ""),
		args("-lr", "0"), args("-lr", "-1"), args("-lr", "NaN"), args("-lr", "Inf"), args("-lr", "abc"), args("-lr", ""),
		args("-steps", "0"), args("-steps", "-3"), args("-steps", "1.5"), args("-steps", "x"), args("-steps", "99999999999"),
		args("-x0", "1"), args("-x0", "1,2,3"), args("-x0", "1,x"), args("-x0", "1,NaN"), args("-x0", ",,"),
		args("-method", "nope"), args("-method", "rk4"),
		args("-rtol", "0"), args("-rtol", "x"), args("-rtol", "1e-20"), args("-atol", "-1"),
		args("-format", "xml"), args("-problem", "mlp", "-flow", "ngf", "-steps", "10000"),
		append(args(), "extra"), append(args(), "-bogus"),
	} {
		var o, e bytes.Buffer
		code := run(a, &o, &e)
		msg := e.String()
		if code != 2 || o.Len() != 0 || strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "pflow trajectory: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", a[1:], code, o.String(), msg)
		}
	}
	code, out, _ := runCmd("trajectory", "-h")
	if code != 0 || !strings.Contains(out, "-problem") {
		t.Errorf("-h: exit %d, %q", code, out)
	}
}

// FuzzTrajectoryArgs checks that no combination of flag values panics and
// that the exit status is always 0, 1 or 2.
func FuzzTrajectoryArgs(f *testing.F) {
	f.Add("quadratic2d", "pf", "1.05", "5", "", "dop853")
	f.Add("logcosh", "pf+np", "1.5", "3", "0.1", "dopri5")
	f.Add("saddle", "igr", "1e308", "2", "1,1", "tsit5")
	f.Add("cubic", "bea3", "0x1p-3", "2", "-2", "bs3")
	f.Add("expr:(x^2-1)^2+2*y^2", "ngf,igr,pf", "0.2", "3", "0.5,0.5", "dop853")
	f.Add("expr:log(x)+abs(y)", "pf,gd", "0.5", "2", "1,-1", "dopri5")
	f.Fuzz(func(t *testing.T, problem, flow, lr, steps, x0, method string) {
		if n, err := strconv.Atoi(steps); err == nil && n > 20 {
			return // keep each run short
		}
		for _, heavy := range []string{"mlp", "logreg", "matfact", "benchquad", "quadratic:", "deeplinear:"} {
			if strings.HasPrefix(strings.TrimSpace(problem), heavy) {
				return // seconds per run at absurd learning rates (stiff flows, d up to 2103)
			}
		}
		a := []string{"trajectory", "-problem", problem, "-flow", flow, "-lr", lr, "-steps", steps, "-method", method}
		if x0 != "" {
			a = append(a, "-x0", x0)
		}
		var o, e bytes.Buffer
		if code := run(a, &o, &e); code < 0 || code > 2 {
			t.Errorf("%v: exit %d", a, code)
		}
	})
}
