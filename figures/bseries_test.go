package figures

import (
	"bytes"
	"math"
	"testing"
)

// TestBEATruncation checks the bea-truncation figure: bea:0 (the NGF) on
// the quartic against its closed form, the claims of the caption, and
// byte-for-byte determinism of the data and the PNG.
func TestBEATruncation(t *testing.T) {
	f, err := Lookup("bea-truncation")
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Make()
	if err != nil {
		t.Fatal(err)
	}
	get := func(series string, K float64) (one, n float64) {
		for _, row := range r.Data.Rows {
			if row.Series == series && (math.IsNaN(K) && math.IsNaN(row.Values[1]) || row.Values[1] == K) {
				return row.Values[2], row.Values[3]
			}
		}
		t.Fatalf("no row %s K=%v", series, K)
		return
	}
	// NGF on θ⁴/4 + θ²/2: θ(t)² = θ0² e^(−2t) / (1 + θ0²(1 − e^(−2t))).
	// The figure integrates at rtol 1e-12: 1e-10 absolute.
	for _, h := range []float64{0.2, 0.4, 0.8} {
		e := math.Exp(-2 * h)
		x0 := bseriesX0
		ngf := math.Sqrt(x0 * x0 * e / (1 + x0*x0*(1-e)))
		gd := x0 - h*(x0*x0*x0+x0)
		one, _ := get("quartic/h="+ftoa(h)+"/bea", 0)
		if math.Abs(one-math.Abs(ngf-gd)) > 1e-10 {
			t.Errorf("quartic h=%v bea:0 one step: %v, closed form %v", h, one, math.Abs(ngf-gd))
		}
	}
	// Caption: at h = 0.2 every order helps, one step and five steps.
	for _, p := range []string{"logcosh", "quartic"} {
		prev1, prevN := math.Inf(1), math.Inf(1)
		for K := 0.0; K <= 8; K++ {
			a, b := get(p+"/h=0.2/bea", K)
			if !(a < prev1 && b < prevN) {
				t.Errorf("%s h=0.2 K=%v: distances %v %v do not fall", p, K, a, b)
			}
			prev1, prevN = a, b
		}
	}
	_, pfN := get("logcosh/h=0.8/pf", math.NaN())
	_, b8 := get("logcosh/h=0.8/bea", 8)
	if !(pfN < b8) {
		t.Errorf("log cosh h=0.8: PF %v not closer than bea:8 %v after five steps", pfN, b8)
	}
	if pf1, _ := get("quartic/h=0.8/pf", math.NaN()); pf1 < 1 {
		t.Errorf("quartic h=0.8 PF one-step distance %v", pf1)
	}
	if testing.Short() {
		return
	}
	r2, err := f.Make()
	if err != nil {
		t.Fatal(err)
	}
	var c1, c2, p1, p2 bytes.Buffer
	if err := r.WriteCSV(&c1); err != nil {
		t.Fatal(err)
	}
	r2.WriteCSV(&c2)
	r.WritePNG(&p1)
	r2.WritePNG(&p2)
	if !bytes.Equal(c1.Bytes(), c2.Bytes()) || !bytes.Equal(p1.Bytes(), p2.Bytes()) {
		t.Error("two runs differ")
	}
}

func ftoa(h float64) string {
	switch h {
	case 0.2:
		return "0.2"
	case 0.4:
		return "0.4"
	}
	return "0.8"
}
