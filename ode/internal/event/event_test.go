package event

import (
	"math"
	"testing"
)

// The Illinois iteration brackets the root of t³ − 2 to 4 ulps with
// superlinear convergence (order ≈ 1.44, Dowell & Jarratt 1971): from
// [0, 2] well under 30 evaluations (bisection would need ~52). The same
// bracket given right to left (backward integration) gives the same
// guarantees, returning the end on the far side of the zero.
func TestLocate(t *testing.T) {
	want := math.Cbrt(2)
	for _, c := range []struct {
		name           string
		ta, tb, ga, gb float64
		sign           float64 // sign of g at the returned point
	}{
		{"forward", 0, 2, -2, 6, 1},
		{"backward", 2, 0, 6, -2, -1},
	} {
		nev := 0
		g := func(x float64) float64 { nev++; return x*x*x - 2 }
		r := Locate(g, c.ta, c.tb, c.ga, c.gb)
		if math.Abs(r-want) > 4*0x1p-52*want || g(r)*c.sign < 0 {
			t.Errorf("%s: root %v, want %v (on the far side)", c.name, r, want)
		}
		if nev > 30 {
			t.Errorf("%s: %d evaluations", c.name, nev)
		}
	}
	// An exact zero at the far end is returned without evaluations.
	if r := Locate(func(float64) float64 { t.Fatal("evaluated"); return 0 }, 0, 1, -1, 0); r != 1 {
		t.Errorf("zero at tb: got %v", r)
	}
}

func TestCrossing(t *testing.T) {
	for _, c := range []struct {
		ga, gb float64
		dir    int
		want   bool
	}{
		{-1, 1, 0, true}, {-1, 0, 0, true}, {1, -1, 0, true}, {1, 0, 0, true},
		{-1, 1, 1, true}, {-1, 1, -1, false}, {1, -1, -1, true}, {1, -1, 1, false},
		{0, 1, 0, false}, {0, -1, 0, false}, {1, 2, 0, false}, {-1, -2, 0, false},
		{math.NaN(), 1, 0, false},
	} {
		if got := Crossing(c.ga, c.gb, c.dir); got != c.want {
			t.Errorf("Crossing(%v, %v, %d) = %v, want %v", c.ga, c.gb, c.dir, got, c.want)
		}
	}
}
