package linalg

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ldlCase returns a symmetric n×n test matrix of the given kind, full
// storage, row-major.
func ldlCase(rng *rand.Rand, n int, kind string) []float64 {
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := rng.NormFloat64()
			switch kind {
			case "zerodiag":
				// A zero diagonal forces 2×2 pivots.
				if i == j {
					v = 0
				}
			case "graded":
				v *= math.Pow(10, float64((i+j)%7)-3)
			}
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

// TestShiftedLDL checks the factorization of A − σI on random symmetric
// indefinite matrices (Gaussian, zero diagonal so that 2×2 pivots occur,
// graded over six decades), with panel widths that put panel boundaries
// everywhere (nb = 2, 3, 5, 64) and orders around them, against three
// independent facts: the solution of gonum's dense solver (mat.VecDense.
// SolveVec, LU with partial pivoting); the inertia from gonum's symmetric
// eigenvalues (mat.EigenSym), by Sylvester's law; and the backward error
// of the solve.
func TestShiftedLDL(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	twoByTwo := 0
	for _, kind := range []string{"gauss", "zerodiag", "graded"} {
		for _, nb := range []int{2, 3, 5, 64} {
			for _, n := range []int{1, 2, 3, 7, 16, 65, 150} {
				a := ldlCase(rng, n, kind)
				sigma := 0.3
				f := ShiftedLDL{nb: nb}
				if err := f.Factorize(a, n, sigma); err != nil {
					t.Fatalf("%s nb=%d n=%d: %v", kind, nb, n, err)
				}
				for k := 0; k < n; k++ {
					if f.e[k] != 0 {
						twoByTwo++
					}
				}
				name := fmt.Sprintf("%s nb=%d n=%d", kind, nb, n)
				m := mat.NewDense(n, n, append([]float64(nil), a...))
				for i := 0; i < n; i++ {
					m.Set(i, i, m.At(i, i)-sigma)
				}
				b := make([]float64, n)
				for i := range b {
					b[i] = rng.NormFloat64()
				}
				x := make([]float64, n)
				f.Solve(x, b)
				// Backward error ‖b − (A − σI)x‖ / (‖A − σI‖ ‖x‖): Bunch–
				// Kaufman is normwise backward stable with growth bounded by
				// (2.57)^(n−1) in theory and small in practice; 1e-12 is
				// about 1e4 ε.
				var r mat.VecDense
				r.MulVec(m, mat.NewVecDense(n, x))
				var rn, xn float64
				for i := range b {
					rn = math.Max(rn, math.Abs(b[i]-r.AtVec(i)))
					xn = math.Max(xn, math.Abs(x[i]))
				}
				if an := mat.Norm(m, math.Inf(1)); rn > 1e-12*an*xn {
					t.Errorf("%s: backward error %.3g", name, rn/(an*xn))
				}
				var want mat.VecDense
				if err := want.SolveVec(m, mat.NewVecDense(n, b)); err == nil && mat.Cond(m, 2) < 1e6 {
					// Both backward stable: agreement to κε ≤ 1e6·2.2e-16,
					// with a factor 1e2 of margin.
					var dn, wn float64
					for i := range x {
						dn = math.Max(dn, math.Abs(x[i]-want.AtVec(i)))
						wn = math.Max(wn, math.Abs(want.AtVec(i)))
					}
					if dn > 1e6*2.2e-16*1e2*wn {
						t.Errorf("%s: ‖x − x_gonum‖∞ = %.3g, ‖x‖∞ = %.3g", name, dn, wn)
					}
				}
				var es mat.EigenSym
				if !es.Factorize(mat.NewSymDense(n, append([]float64(nil), a...)), false) {
					t.Fatal("EigenSym failed")
				}
				wb, wa := 0, 0
				for _, l := range es.Values(nil) {
					if l < sigma {
						wb++
					} else if l > sigma {
						wa++
					}
				}
				below, zero, above := f.Inertia()
				if below != wb || above != wa || zero != 0 {
					t.Errorf("%s: inertia (%d, %d, %d), eigenvalues give (%d, 0, %d)", name, below, zero, above, wb, wa)
				}
				// In place gives the same bits.
				f.Solve(b, b)
				for i := range b {
					if b[i] != x[i] {
						t.Fatalf("%s: in-place Solve differs at %d", name, i)
					}
				}
			}
		}
	}
	if twoByTwo == 0 {
		t.Error("no 2×2 pivot occurred: the test does not cover them")
	}
	t.Logf("%d 2×2 pivots", twoByTwo)
}

// TestShiftedLDLUpperIgnored: the strictly upper triangle is not read.
func TestShiftedLDLUpperIgnored(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n := 40
	a := ldlCase(rng, n, "gauss")
	c := append([]float64(nil), a...)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			c[i*n+j] = math.NaN()
		}
	}
	var f, g ShiftedLDL
	if err := f.Factorize(a, n, 0.1); err != nil {
		t.Fatal(err)
	}
	if err := g.Factorize(c, n, 0.1); err != nil {
		t.Fatal(err)
	}
	b := make([]float64, n)
	b[3] = 1
	x, y := make([]float64, n), make([]float64, n)
	f.Solve(x, b)
	g.Solve(y, b)
	for i := range x {
		if x[i] != y[i] {
			t.Fatalf("upper triangle changed the solution at %d: %v vs %v", i, x[i], y[i])
		}
	}
}

// TestShiftedLDLErrors: non-finite input and an exactly singular A − σI
// are reported.
func TestShiftedLDLErrors(t *testing.T) {
	var f ShiftedLDL
	a := []float64{1, 0, 0, 2}
	if err := f.Factorize(a, 2, math.NaN()); !errors.Is(err, ErrNotFinite) {
		t.Errorf("σ = NaN: got %v", err)
	}
	if err := f.Factorize([]float64{1, 0, math.Inf(-1), 2}, 2, 0); !errors.Is(err, ErrNotFinite) {
		t.Errorf("a with −Inf: got %v", err)
	}
	if err := f.Factorize(a, 2, 2); !errors.Is(err, ErrSingular) {
		t.Errorf("σ an eigenvalue: got %v, want ErrSingular", err)
	}
	if f.N() != 0 {
		t.Errorf("N() = %d after a failed Factorize", f.N())
	}
}

// TestShiftedLDLNoAllocs: Solve does not allocate, nor does a repeated
// Factorize of the same order.
func TestShiftedLDLNoAllocs(t *testing.T) {
	n := 150
	a, _, _ := benchMatrix(n)
	var f ShiftedLDL
	if err := f.Factorize(a, n, 0.5); err != nil {
		t.Fatal(err)
	}
	x, b := make([]float64, n), make([]float64, n)
	b[0] = 1
	if got := testing.AllocsPerRun(5, func() { f.Solve(x, b) }); got != 0 {
		t.Errorf("Solve: %v allocations", got)
	}
	if got := testing.AllocsPerRun(5, func() { _ = f.Factorize(a, n, 0.5) }); got != 0 {
		t.Errorf("Factorize: %v allocations", got)
	}
}

// FuzzShiftedLDL factorizes A − σI for symmetric matrices of order 1–6
// built from the fuzzer's bytes (entries spanning 2^±24, zeros included)
// and checks that it never panics and that a successful factorization
// solves with a small backward error: Bunch–Kaufman's element growth is
// at most (1 + 1/α)^(n−1) ≤ 2.57⁵ ≈ 112 for n ≤ 6, so ‖b − (A − σI)x‖ ≤
// c·n·growth·ε·‖A − σI‖·‖x‖ with a modest c; 1e-10 leaves a factor of
// about 10³ over n·growth·ε.
func FuzzShiftedLDL(f *testing.F) {
	f.Add(uint8(3), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5)
	f.Add(uint8(4), []byte{0, 0, 0, 0, 1, 0, 0, 1, 0, 0}, 0.0)
	f.Fuzz(func(t *testing.T, n8 uint8, data []byte, sigma float64) {
		n := int(n8%6) + 1
		a := make([]float64, n*n)
		p := 0
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				var v float64
				if p < len(data) {
					b := data[p]
					p++
					// Sign, mantissa 0–15 and exponent −24…+24 in steps of 8.
					v = float64(int(b&15)) * math.Ldexp(1, 8*int((b>>4)%7)-24)
					if b&128 != 0 {
						v = -v
					}
				}
				a[i*n+j], a[j*n+i] = v, v
			}
		}
		var ldl ShiftedLDL
		if err := ldl.Factorize(a, n, sigma); err != nil {
			if !errors.Is(err, ErrNotFinite) && !errors.Is(err, ErrSingular) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		b := make([]float64, n)
		for i := range b {
			b[i] = 1
		}
		x := make([]float64, n)
		ldl.Solve(x, b)
		if firstNonFiniteF(x) >= 0 {
			return // A − σI numerically singular: x overflowed
		}
		var rn, an, xn float64
		for i := 0; i < n; i++ {
			r, row := b[i], 0.0
			for j := 0; j < n; j++ {
				s := a[i*n+j]
				if i == j {
					s -= sigma
				}
				r -= s * x[j]
				row += math.Abs(s)
			}
			rn, an, xn = math.Max(rn, math.Abs(r)), math.Max(an, row), math.Max(xn, math.Abs(x[i]))
		}
		if math.IsInf(an*xn, 0) || an*xn == 0 {
			return
		}
		if rn > 1e-10*an*xn {
			t.Fatalf("n=%d σ=%v: backward error %.3g", n, sigma, rn/(an*xn))
		}
	})
}
