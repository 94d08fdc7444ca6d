package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

const eps = 0x1p-53

// routes runs f once with the gonum route and, where the processor has
// them, once with the AVX2/FMA kernels.
func routes(t *testing.T, f func(t *testing.T)) {
	restore := ForTests(false)
	defer restore()
	t.Run("gonum", f)
	if hasAsm {
		ForTests(true)
		t.Run("asm", f)
	} else {
		t.Log("no AVX2/FMA here: only the gonum route is tested")
	}
}

// fill returns an m×n matrix with row stride lda inside a slice whose
// padding (columns n…lda-1, and one extra row) holds NaN: a kernel that
// reads outside the matrix returns NaN.
func fill(rng *rand.Rand, m, n, lda int) []float64 {
	a := make([]float64, (m+1)*lda)
	for i := range a {
		a[i] = math.NaN()
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			a[i*lda+j] = rng.NormFloat64()
		}
	}
	return a[:max(0, (m-1)*lda+n)]
}

func vec(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n+3)
	for j := range x {
		x[j] = math.NaN()
	}
	for j := range n {
		x[j] = rng.NormFloat64()
	}
	return x[:n]
}

// dot is the reference: the products summed in order, with the bound
// γ_n Σ|a_j x_j| ≤ 1.01·n·ε·Σ|a_j x_j| (Higham, Accuracy and Stability of
// Numerical Algorithms, 2nd ed., §3.1) that any summation order
// (fused or not) satisfies; twice that covers both results' errors.
func dot(a, x []float64) (s, bound float64) {
	for j, v := range a {
		s += v * x[j]
		bound += math.Abs(v * x[j])
	}
	return s, 2 * 1.01 * float64(len(a)+1) * eps * bound
}

// eachShape calls f for every m ≤ 13 rows, n ≤ 37 columns and the two
// strides max(1, n) and n + pad.
func eachShape(pad int, f func(m, n, lda int)) {
	for m := 0; m <= 13; m++ {
		for n := 0; n <= 37; n++ {
			for _, lda := range []int{max(1, n), n + pad} {
				f(m, n, lda)
			}
		}
	}
}

// guarded returns a y of length k + 1: k NaN, which a kernel must
// overwrite, and the sentinel 42, which it must leave alone.
func guarded(k int) []float64 {
	y := make([]float64, k+1)
	for i := range y {
		y[i] = math.NaN()
	}
	y[k] = 42
	return y
}

func TestGemv(t *testing.T) {
	routes(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		eachShape(3, func(m, n, lda int) {
			a, x := fill(rng, m, n, lda), vec(rng, n)
			y := guarded(m)
			Gemv(m, n, a, lda, x, y)
			for i := 0; i < m; i++ {
				want, tol := dot(a[i*lda:i*lda+n], x)
				if !(math.Abs(y[i]-want) <= tol) {
					t.Errorf("m=%d n=%d lda=%d row %d: %v, want %v ± %.2g", m, n, lda, i, y[i], want, tol)
				}
			}
			if y[m] != 42 {
				t.Errorf("m=%d n=%d: wrote past y", m, n)
			}
		})
	})
}

// checkPairs checks y[2i], y[2i+1] against row i of a dotted with u and v.
func checkPairs(t *testing.T, m, n, lda int, a, u, v, y []float64) {
	t.Helper()
	for i := 0; i < m; i++ {
		row := a[i*lda : i*lda+n]
		wu, tu := dot(row, u)
		wv, tv := dot(row, v)
		if !(math.Abs(y[2*i]-wu) <= tu) || !(math.Abs(y[2*i+1]-wv) <= tv) {
			t.Errorf("m=%d n=%d lda=%d row %d: (%v, %v), want (%v, %v)", m, n, lda, i, y[2*i], y[2*i+1], wu, wv)
		}
	}
	if y[2*m] != 42 {
		t.Errorf("m=%d n=%d: wrote past y", m, n)
	}
}

func TestGemv2(t *testing.T) {
	routes(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		eachShape(5, func(m, n, lda int) {
			a, p, q := fill(rng, m, n, lda), vec(rng, n), vec(rng, n)
			y := guarded(2 * m)
			Gemv2(m, n, a, lda, p, q, y)
			checkPairs(t, m, n, lda, a, p, q, y)
		})
	})
}

func TestGemvC(t *testing.T) {
	routes(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		eachShape(2, func(m, n, lda int) {
			a, x := fill(rng, m, n, lda), vec(rng, 2*n)
			re, im := make([]float64, n), make([]float64, n)
			for j := range n {
				re[j], im[j] = x[2*j], x[2*j+1]
			}
			y := guarded(2 * m)
			GemvC(m, n, a, lda, x, y)
			checkPairs(t, m, n, lda, a, re, im, y)
		})
	})
}

// TestDeterministic: the same inputs give the same bits on every call.
func TestDeterministic(t *testing.T) {
	routes(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		m, n := 37, 301
		a, x := fill(rng, m, n, n), vec(rng, n)
		y1, y2 := make([]float64, 2*m), make([]float64, 2*m)
		Gemv(m, n, a, n, x, y1)
		Gemv(m, n, a, n, x, y2)
		Gemv2(m, n, a, n, x, x, y1[:2*m])
		Gemv2(m, n, a, n, x, x, y2[:2*m])
		GemvC(m, n/2, a, n, x, y1[:2*m])
		GemvC(m, n/2, a, n, x, y2[:2*m])
		for i := range y1 {
			if math.Float64bits(y1[i]) != math.Float64bits(y2[i]) {
				t.Fatalf("entry %d: %v then %v", i, y1[i], y2[i])
			}
		}
	})
}

// TestNonFinite: NaN and Inf in the inputs propagate as IEEE arithmetic
// says (no kernel may drop them).
func TestNonFinite(t *testing.T) {
	routes(t, func(t *testing.T) {
		for _, bad := range []float64{math.NaN(), math.Inf(1)} {
			m, n := 8, 16
			a := make([]float64, m*n)
			x := make([]float64, n)
			for i := range a {
				a[i] = 1
			}
			for j := range x {
				x[j] = 1
			}
			x[13] = bad
			y := make([]float64, 2*m)
			Gemv(m, n, a, n, x, y)
			for i := range m {
				if !(math.IsNaN(y[i]) && math.IsNaN(bad) || math.IsInf(y[i], 1) && math.IsInf(bad, 1)) {
					t.Errorf("x has %v: y[%d] = %v", bad, i, y[i])
				}
			}
			Gemv2(m, n, a, n, x, x, y)
			for i := range y {
				if !(math.IsNaN(y[i]) && math.IsNaN(bad) || math.IsInf(y[i], 1) && math.IsInf(bad, 1)) {
					t.Errorf("Gemv2, x has %v: y[%d] = %v", bad, i, y[i])
				}
			}
			// x[13] is Im x₆ as a complex vector of length 8.
			GemvC(m, n/2, a, n, x, y)
			for i := range m {
				if y[2*i] != 8 || !(math.IsNaN(y[2*i+1]) && math.IsNaN(bad) || math.IsInf(y[2*i+1], 1) && math.IsInf(bad, 1)) {
					t.Errorf("GemvC, x has %v: y[%d] = %v + %vi", bad, i, y[2*i], y[2*i+1])
				}
			}
		}
	})
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"lda":     func() { Gemv(2, 3, make([]float64, 6), 2, make([]float64, 3), make([]float64, 2)) },
		"short a": func() { Gemv(2, 3, make([]float64, 5), 3, make([]float64, 3), make([]float64, 2)) },
		"short x": func() { Gemv(2, 3, make([]float64, 6), 3, make([]float64, 2), make([]float64, 2)) },
		"short y": func() { Gemv2(2, 3, make([]float64, 6), 3, make([]float64, 3), make([]float64, 3), make([]float64, 3)) },
		"neg m":   func() { Gemv(-1, 3, nil, 3, nil, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestAccelerated(t *testing.T) {
	t.Logf("AVX2/FMA kernels: %v", Accelerated())
}

func BenchmarkGemv(b *testing.B) {
	defer ForTests(true)()
	for _, d := range []int{100, 300, 1000} {
		rng := rand.New(rand.NewPCG(7, 8))
		a, x, y := fill(rng, d, d, d), vec(rng, d), make([]float64, d)
		ac, p, q, yc := fill(rng, d, 2*d, 2*d), vec(rng, 2*d), vec(rng, 2*d), make([]float64, 2*d)
		for _, asm := range []bool{false, true} {
			if asm && !hasAsm {
				continue
			}
			name := map[bool]string{false: "gonum", true: "asm"}[asm]
			b.Run(fmt.Sprintf("real/%s/d=%d", name, d), func(b *testing.B) {
				ForTests(asm)
				for b.Loop() {
					Gemv(d, d, a, d, x, y)
				}
			})
			b.Run(fmt.Sprintf("realmat-cvec/%s/d=%d", name, d), func(b *testing.B) {
				ForTests(asm)
				for b.Loop() {
					GemvC(d, d, a, d, p, yc)
				}
			})
			b.Run(fmt.Sprintf("complex/%s/d=%d", name, d), func(b *testing.B) {
				ForTests(asm)
				for b.Loop() {
					Gemv2(d, 2*d, ac, 2*d, p, q, yc)
				}
			})
		}
	}
}

// FuzzGemv compares both products with the reference dot products on
// matrices of any shape and stride built from the fuzzer's bytes.
func FuzzGemv(f *testing.F) {
	f.Add(uint8(5), uint8(13), uint8(2), uint64(1))
	f.Add(uint8(4), uint8(8), uint8(0), uint64(2))
	f.Add(uint8(0), uint8(3), uint8(1), uint64(3))
	f.Fuzz(func(t *testing.T, m8, n8, pad uint8, seed uint64) {
		m, n := int(m8%40), int(n8%70)
		lda := max(1, n) + int(pad%9)
		rng := rand.New(rand.NewPCG(seed, 9))
		a, x, q := fill(rng, m, n, lda), vec(rng, n), vec(rng, n)
		y, y2 := make([]float64, m), make([]float64, 2*m)
		Gemv(m, n, a, lda, x, y)
		Gemv2(m, n, a, lda, x, q, y2)
		// x and q interleaved as one complex vector.
		xq := make([]float64, 2*n)
		for j := range n {
			xq[2*j], xq[2*j+1] = x[j], q[j]
		}
		y3 := make([]float64, 2*m)
		GemvC(m, n, a, lda, xq, y3)
		for i := range m {
			row := a[i*lda : i*lda+n]
			wx, tx := dot(row, x)
			wq, tq := dot(row, q)
			if !(math.Abs(y[i]-wx) <= tx) || !(math.Abs(y2[2*i]-wx) <= tx) || !(math.Abs(y2[2*i+1]-wq) <= tq) ||
				!(math.Abs(y3[2*i]-wx) <= tx) || !(math.Abs(y3[2*i+1]-wq) <= tq) {
				t.Fatalf("m=%d n=%d lda=%d row %d: %v %v %v, want %v %v", m, n, lda, i, y[i], y2[2*i], y2[2*i+1], wx, wq)
			}
		}
	})
}
