package linalg

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/cmplxs"
	"gonum.org/v1/gonum/floats"
)

func TestKernelsFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 37
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	var dot, n2, ninf float64
	want := make([]float64, n)
	for i := range x {
		dot += x[i] * y[i]
		n2 += x[i] * x[i]
		ninf = math.Max(ninf, math.Abs(x[i]))
		want[i] = y[i] + 0.5*x[i]
	}
	// Sums of n = 37 products: the tolerance is n·ε relative to Σ|x_i y_i|.
	if d := math.Abs(Dot(x, y) - dot); d > float64(n)*eps*n2 {
		t.Errorf("Dot: %v", d)
	}
	if Dot(x, y) != DotC(x, y) {
		t.Errorf("DotC ≠ Dot for float64")
	}
	if d := math.Abs(Norm2(x) - math.Sqrt(n2)); d > 4*eps*math.Sqrt(n2) {
		t.Errorf("Norm2: %v", d)
	}
	if NormInf(x) != ninf {
		t.Errorf("NormInf")
	}
	got := append([]float64(nil), y...)
	Axpy(got, 0.5, x)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("Axpy[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	AxpyTo(got, y, 0.5, x)
	Scale(2.0, got)
	ScaleTo(got, 0.5, got)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("AxpyTo/Scale[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if NormInf([]float64{1, math.NaN(), 3}) == NormInf([]float64{1, math.NaN(), 3}) {
		t.Errorf("NormInf must propagate NaN")
	}
}

func TestKernelsComplex(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n := 41
	x, y := make([]complex128, n), make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		y[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	var dotu, dotc complex128
	var n2, ninf, sabs float64
	a := complex(0.3, -1.1)
	want := make([]complex128, n)
	for i := range x {
		dotu += x[i] * y[i]
		dotc += cmplx.Conj(x[i]) * y[i]
		n2 += real(x[i])*real(x[i]) + imag(x[i])*imag(x[i])
		ninf = math.Max(ninf, cmplx.Abs(x[i]))
		sabs += cmplx.Abs(x[i]) * cmplx.Abs(y[i])
		want[i] = y[i] + a*x[i]
	}
	// Tolerance: 2n·ε·Σ|x_i||y_i| bounds the rounding of either summation order.
	tol := 2 * float64(n) * eps * sabs
	if d := cmplx.Abs(Dot(x, y) - dotu); d > tol {
		t.Errorf("Dot (bilinear): %v", d)
	}
	if d := cmplx.Abs(DotC(x, y) - dotc); d > tol {
		t.Errorf("DotC (Hermitian): %v", d)
	}
	if cmplx.Abs(Dot(x, y)-DotC(x, y)) < 1 {
		t.Errorf("Dot and DotC should differ on random complex data")
	}
	if d := math.Abs(Norm2(x) - math.Sqrt(n2)); d > 4*eps*math.Sqrt(n2) {
		t.Errorf("Norm2: %v", d)
	}
	if d := math.Abs(NormInf(x) - ninf); d > eps*ninf {
		t.Errorf("NormInf: %v", d)
	}
	got := append([]complex128(nil), y...)
	Axpy(got, a, x)
	for i := range got {
		// complex multiply-add may fuse differently: 2ε relative.
		if cmplx.Abs(got[i]-want[i]) > 4*eps*(cmplx.Abs(y[i])+cmplx.Abs(a*x[i])) {
			t.Fatalf("Axpy[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	c := make([]complex128, n)
	ToComplex(c, []float64(make([]float64, n)))
	Fill(c, 2)
	Scale(complex(0, 1), c)
	if c[n-1] != 2i {
		t.Errorf("Scale: %v", c[n-1])
	}
}

func TestKernelsPanicOnMismatch(t *testing.T) {
	defer func() {
		if r := recover(); r != badLen {
			t.Errorf("recover = %v", r)
		}
	}()
	Axpy([]float64{1}, 1, []float64{1, 2})
}

// BenchmarkDispatch compares the generic kernels with direct calls to gonum
// at n = 1000: the difference is the cost of the type switch.
func BenchmarkDispatch(b *testing.B) {
	const n = 1000
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := make([]float64, n), make([]float64, n)
	cx, cy := make([]complex128, n), make([]complex128, n)
	for i := range x {
		x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
		cx[i], cy[i] = complex(x[i], y[i]), complex(y[i], x[i])
	}
	var sf float64
	var sc complex128
	b.Run("axpy/float64/generic", func(b *testing.B) {
		for b.Loop() {
			Axpy(y, 1e-9, x)
		}
	})
	b.Run("axpy/float64/gonum", func(b *testing.B) {
		for b.Loop() {
			floats.AddScaled(y, 1e-9, x)
		}
	})
	b.Run("axpy/complex128/generic", func(b *testing.B) {
		for b.Loop() {
			Axpy(cy, 1e-9, cx)
		}
	})
	b.Run("axpy/complex128/gonum", func(b *testing.B) {
		for b.Loop() {
			cmplxs.AddScaled(cy, 1e-9, cx)
		}
	})
	b.Run("dot/float64/generic", func(b *testing.B) {
		for b.Loop() {
			sf += Dot(x, y)
		}
	})
	b.Run("dot/float64/gonum", func(b *testing.B) {
		for b.Loop() {
			sf += floats.Dot(x, y)
		}
	})
	b.Run("dotc/complex128/generic", func(b *testing.B) {
		for b.Loop() {
			sc += DotC(cx, cy)
		}
	})
	b.Run("dotc/complex128/gonum", func(b *testing.B) {
		for b.Loop() {
			sc += cmplxs.Dot(cx, cy)
		}
	})
	b.Run("dotc/complex128/loop", func(b *testing.B) {
		for b.Loop() {
			var s complex128
			for i, v := range cx {
				s += cmplx.Conj(v) * cy[i]
			}
			sc += s
		}
	})
	_, _ = sf, sc
}

// AllFinite against IsFinite entry by entry, with NaN and ±Inf in either
// part of a complex entry.
func TestAllFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, x := range [][]float64{nil, {0, 1, -2}, {1, nan}, {inf, 0}, {-inf}, {math.MaxFloat64, 0x1p-1074}} {
		want := true
		for _, v := range x {
			want = want && IsFinite(v)
		}
		if got := AllFinite(x); got != want {
			t.Errorf("AllFinite(%v) = %v, want %v", x, got, want)
		}
	}
	for _, x := range [][]complex128{nil, {1i, 2}, {complex(1, nan)}, {complex(nan, 0)}, {complex(0, -inf)}, {complex(inf, 1)}, {complex(math.MaxFloat64, -math.MaxFloat64)}} {
		want := true
		for _, v := range x {
			want = want && IsFinite(v)
		}
		if got := AllFinite(x); got != want {
			t.Errorf("AllFinite(%v) = %v, want %v", x, got, want)
		}
	}
}
