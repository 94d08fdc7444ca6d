package ode

import (
	"math"
	"unsafe"

	"gonum.org/v1/gonum/floats"

	"github.com/pflow-go/pflow/linalg"
)

// fuseLimit is the vector length up to which linear combinations of stages
// are computed in one fused loop; above it they are chains of gonum's
// assembly axpy kernels (floats.AddScaled).
const fuseLimit = 48

// asFloats views a []T as float64 data: itself for float64, the interleaved
// real and imaginary parts (length 2n) for complex128. Linear combinations
// with real coefficients act on both the same way.
func asFloats[T linalg.Scalar](x []T) []float64 {
	if len(x) == 0 {
		return nil
	}
	var z T
	if unsafe.Sizeof(z) == 16 {
		return unsafe.Slice((*float64)(unsafe.Pointer(&x[0])), 2*len(x))
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&x[0])), len(x))
}

// comb is a precomputed sparse linear combination Σ_j w_j k_{idx_j}; ks
// holds the float views of the stage vectors k_{idx_j} (bound once: the
// integrator never moves its stage buffers).
type comb struct {
	idx []int
	w   []float64
	ks  [][]float64
}

// combArena builds combinations out of three shared backing arrays, so
// that setting up an integrator costs a few allocations rather than three
// per combination.
type combArena struct {
	idx []int
	w   []float64
	ks  [][]float64
}

func newCombArena(rows ...[]float64) *combArena {
	nz := 0
	for _, r := range rows {
		for _, x := range r {
			if x != 0 {
				nz++
			}
		}
	}
	return &combArena{idx: make([]int, 0, nz), w: make([]float64, 0, nz), ks: make([][]float64, 0, nz)}
}

// comb returns the combination Σ_j w_j k_j over the nonzero w_j, bound to the
// float views kf of the stages (the integrator never moves its stage
// buffers).
func (a *combArena) comb(w []float64, kf [][]float64) comb {
	i0 := len(a.idx)
	for j, x := range w {
		if x != 0 {
			a.idx = append(a.idx, j)
			a.w = append(a.w, x)
			a.ks = append(a.ks, kf[j])
		}
	}
	n := len(a.idx)
	return comb{idx: a.idx[i0:n:n], w: a.w[i0:n:n], ks: a.ks[i0:n:n]}
}

// combine sets dst = base + h Σ_j c.w_j k_{c.idx_j} (base nil means 0); all
// vectors are float views (see asFloats).
func combine(dst, base []float64, h float64, c *comb) {
	k := c.ks
	n := len(dst)
	if n <= fuseLimit {
		// Fused single pass with the stage count unrolled (up to 9 terms):
		// base + h·(w0 k0 + w1 k1 + …), the operation order of Hairer's codes.
		switch len(c.idx) {
		case 0:
			if base == nil {
				clear(dst)
			} else {
				copy(dst, base[:n])
			}
			return
		case 1:
			k0 := k[0][:n]
			w0 := c.w[0]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0 * k0[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i])
			}
			return
		case 2:
			k0 := k[0][:n]
			k1 := k[1][:n]
			w0, w1 := c.w[0], c.w[1]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i])
			}
			return
		case 3:
			k0 := k[0][:n]
			k1 := k[1][:n]
			k2 := k[2][:n]
			w0, w1, w2 := c.w[0], c.w[1], c.w[2]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i] + w2*k2[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i]+w2*k2[i])
			}
			return
		case 4:
			k0 := k[0][:n]
			k1 := k[1][:n]
			k2 := k[2][:n]
			k3 := k[3][:n]
			w0, w1, w2, w3 := c.w[0], c.w[1], c.w[2], c.w[3]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i] + w2*k2[i] + w3*k3[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i]+w2*k2[i]+w3*k3[i])
			}
			return
		case 5:
			k0 := k[0][:n]
			k1 := k[1][:n]
			k2 := k[2][:n]
			k3 := k[3][:n]
			k4 := k[4][:n]
			w0, w1, w2, w3, w4 := c.w[0], c.w[1], c.w[2], c.w[3], c.w[4]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i] + w2*k2[i] + w3*k3[i] + w4*k4[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i]+w2*k2[i]+w3*k3[i]+w4*k4[i])
			}
			return
		case 6:
			k0 := k[0][:n]
			k1 := k[1][:n]
			k2 := k[2][:n]
			k3 := k[3][:n]
			k4 := k[4][:n]
			k5 := k[5][:n]
			w0, w1, w2, w3, w4, w5 := c.w[0], c.w[1], c.w[2], c.w[3], c.w[4], c.w[5]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i] + w2*k2[i] + w3*k3[i] + w4*k4[i] + w5*k5[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i]+w2*k2[i]+w3*k3[i]+w4*k4[i]+w5*k5[i])
			}
			return
		case 7:
			k0 := k[0][:n]
			k1 := k[1][:n]
			k2 := k[2][:n]
			k3 := k[3][:n]
			k4 := k[4][:n]
			k5 := k[5][:n]
			k6 := k[6][:n]
			w0, w1, w2, w3, w4, w5, w6 := c.w[0], c.w[1], c.w[2], c.w[3], c.w[4], c.w[5], c.w[6]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i] + w2*k2[i] + w3*k3[i] + w4*k4[i] + w5*k5[i] + w6*k6[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i]+w2*k2[i]+w3*k3[i]+w4*k4[i]+w5*k5[i]+w6*k6[i])
			}
			return
		case 8:
			k0 := k[0][:n]
			k1 := k[1][:n]
			k2 := k[2][:n]
			k3 := k[3][:n]
			k4 := k[4][:n]
			k5 := k[5][:n]
			k6 := k[6][:n]
			k7 := k[7][:n]
			w0, w1, w2, w3, w4, w5, w6, w7 := c.w[0], c.w[1], c.w[2], c.w[3], c.w[4], c.w[5], c.w[6], c.w[7]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i] + w2*k2[i] + w3*k3[i] + w4*k4[i] + w5*k5[i] + w6*k6[i] + w7*k7[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i]+w2*k2[i]+w3*k3[i]+w4*k4[i]+w5*k5[i]+w6*k6[i]+w7*k7[i])
			}
			return
		case 9:
			k0 := k[0][:n]
			k1 := k[1][:n]
			k2 := k[2][:n]
			k3 := k[3][:n]
			k4 := k[4][:n]
			k5 := k[5][:n]
			k6 := k[6][:n]
			k7 := k[7][:n]
			k8 := k[8][:n]
			w0, w1, w2, w3, w4, w5, w6, w7, w8 := c.w[0], c.w[1], c.w[2], c.w[3], c.w[4], c.w[5], c.w[6], c.w[7], c.w[8]
			if base == nil {
				for i := range dst {
					dst[i] = h * (w0*k0[i] + w1*k1[i] + w2*k2[i] + w3*k3[i] + w4*k4[i] + w5*k5[i] + w6*k6[i] + w7*k7[i] + w8*k8[i])
				}
				return
			}
			base = base[:n]
			for i := range dst {
				dst[i] = base[i] + h*(w0*k0[i]+w1*k1[i]+w2*k2[i]+w3*k3[i]+w4*k4[i]+w5*k5[i]+w6*k6[i]+w7*k7[i]+w8*k8[i])
			}
			return
		}
		// stage-major accumulation of Σ w_j k_j, then base + h·Σ (the
		// operation order of Hairer's codes)
		k0, w0 := k[0][:n], c.w[0]
		for i := range dst {
			dst[i] = w0 * k0[i]
		}
		for j := 1; j < len(c.idx); j++ {
			kj, wj := k[j][:n], c.w[j]
			for i := range dst {
				dst[i] += wj * kj[i]
			}
		}
		if base == nil {
			for i := range dst {
				dst[i] *= h
			}
			return
		}
		base = base[:n]
		for i := range dst {
			dst[i] = base[i] + h*dst[i]
		}
		return
	}
	if base != nil {
		copy(dst, base)
	} else {
		clear(dst)
	}
	for j, w := range c.w {
		floats.AddScaled(dst, h*w, k[j])
	}
}

// absSlice returns |x_i| for float views of T: for complex data the modulus
// of the pair (x[2i], x[2i+1]).
func absAt(x []float64, cplx bool, i int) float64 {
	if cplx {
		re, im := x[2*i], x[2*i+1]
		return math.Sqrt(re*re + im*im)
	}
	return math.Abs(x[i])
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
