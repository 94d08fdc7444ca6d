//go:build !noasm

package kernel

import "unsafe"

// useAsm is set at start-up when the processor and the operating system
// support AVX2 and FMA. Tests switch it off to check the gonum route.
var useAsm = hasAsm

// hasAsm records what the processor offers.
var hasAsm = hasAVX2FMA()

// hasAVX2FMA follows the Intel SDM, vol. 1 §14.3 and §14.7: CPUID.1:ECX
// has FMA (bit 12), OSXSAVE (bit 27) and AVX (bit 28); XCR0 has the SSE
// and AVX state enabled by the OS (bits 1 and 2); CPUID.(7,0):EBX has
// AVX2 (bit 5).
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0
}

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// dot4 sets out[r] = Σ_{j<n} a[r·lda+j]·x[j] for r < 4, n a positive
// multiple of 8, lda in elements.
//
//go:noescape
func dot4(n int, a *float64, lda int, x *float64, out *[4]float64)

// dot4x2 sets out[2r] = Σ_{j<n} a[r·lda+j]·p[j] and out[2r+1] = the same
// with q, for r < 4, n a positive multiple of 4.
//
//go:noescape
func dot4x2(n int, a *float64, lda int, p, q *float64, out *[8]float64)

// dot4c sets out[2r] = Σ_{j<n} a[r·lda+j]·x[2j] and out[2r+1] = the same
// with x[2j+1], for r < 4, n a positive multiple of 4.
//
//go:noescape
func dot4c(n int, a *float64, lda int, x *float64, out *[8]float64)

func gemvAsm(m, n int, a []float64, lda int, x, y []float64) {
	n8 := n &^ 7
	i := 0
	var s [4]float64
	for ; i+4 <= m; i += 4 {
		r := a[i*lda : (i+3)*lda+n]
		if n8 > 0 {
			dot4(n8, unsafe.SliceData(r), lda, unsafe.SliceData(x), &s)
		} else {
			s = [4]float64{}
		}
		for j := n8; j < n; j++ {
			xj := x[j]
			s[0] += r[j] * xj
			s[1] += r[lda+j] * xj
			s[2] += r[2*lda+j] * xj
			s[3] += r[3*lda+j] * xj
		}
		y[i], y[i+1], y[i+2], y[i+3] = s[0], s[1], s[2], s[3]
	}
	for ; i < m; i++ {
		y[i] = dotTail(a[i*lda:i*lda+n], x[:n])
	}
}

// gemvPairAsm is gemvPair by dot4x2 (inc = 1: u and v separate) or dot4c
// (inc = 2: u and v interleaved as x, x[1:]) for four rows at a time, the
// trailing columns and rows summed in order here.
func gemvPairAsm(m, n int, a []float64, lda int, u, v []float64, inc int, y []float64) {
	n4 := n &^ 3
	i := 0
	var s [8]float64
	for ; i+4 <= m; i += 4 {
		r := a[i*lda : (i+3)*lda+n]
		switch {
		case n4 == 0:
			s = [8]float64{}
		case inc == 1:
			dot4x2(n4, unsafe.SliceData(r), lda, unsafe.SliceData(u), unsafe.SliceData(v), &s)
		default:
			dot4c(n4, unsafe.SliceData(r), lda, unsafe.SliceData(u), &s)
		}
		for j := n4; j < n; j++ {
			uj, vj := u[inc*j], v[inc*j]
			for k := range 4 {
				w := r[k*lda+j]
				s[2*k] += w * uj
				s[2*k+1] += w * vj
			}
		}
		copy(y[2*i:2*i+8], s[:])
	}
	for ; i < m; i++ {
		var su, sv float64
		for j, w := range a[i*lda : i*lda+n] {
			su += w * u[inc*j]
			sv += w * v[inc*j]
		}
		y[2*i], y[2*i+1] = su, sv
	}
}

// dotTail is the plain dot product for the last m mod 4 rows of gemvAsm.
func dotTail(a, x []float64) float64 {
	var s float64
	for j, v := range a {
		s += v * x[j]
	}
	return s
}
