package linalg

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
)

// CEigSettings holds the settings of CEig. The zero value (or a nil pointer)
// means the documented defaults.
type CEigSettings struct {
	// MaxIter bounds the QR iterations spent on each eigenvalue (between
	// two deflations). Default 30·max(10, n), as LAPACK's ZLAHQR (ITMAX).
	MaxIter int
	// MaxCond is the largest accepted 1-norm condition number of the
	// eigenvector matrix V (estimated by CLU.RCond); above it the matrix is
	// reported defective. f(A)v = V f(Λ) V⁻¹ v loses about log10(cond(V))
	// digits, so the default 1/√ε ≈ 6.7e7 keeps at least half of them. A
	// rounding-perturbed Jordan block of size 2 already has cond(V) of order
	// 1/√ε; exactly repeated eigenvalues of a Jordan block give ~1/ε.
	MaxCond float64
	// QuasiNullTol is the threshold on |uᵀu|/‖u‖² below which an eigenvector
	// of a complex symmetric matrix is reported quasi-null (FactorizeSymmetric).
	// ‖u‖²/|uᵀu| is the condition number of the eigenvalue (its left
	// eigenvector is u itself), so the default √ε matches MaxCond.
	QuasiNullTol float64
}

func (s *CEigSettings) withDefaults() CEigSettings {
	var r CEigSettings
	if s != nil {
		r = *s
	}
	if r.MaxCond <= 0 {
		r.MaxCond = 1 / math.Sqrt(eps)
	}
	if r.QuasiNullTol <= 0 {
		r.QuasiNullTol = math.Sqrt(eps)
	}
	return r
}

const (
	eps    = 0x1p-52 // LAPACK's ulp (ε·base) for float64: 2.22e-16
	safmin = 0x1p-1022
)

// CEig is a reusable eigendecomposition A = V Λ V⁻¹ of a dense complex n×n
// matrix, for general complex matrices (Factorize) and complex symmetric
// ones, Aᵀ = A without conjugation (FactorizeSymmetric). The algorithm is the
// one of LAPACK's ZGEEV without balancing:
//
//  1. Householder reduction to upper Hessenberg form H = Qᴴ A Q (ZGEHD2,
//     with Q accumulated as ZUNGHR);
//  2. the implicit single-shift complex QR algorithm on H with Wilkinson
//     shifts, exceptional shifts every 10 iterations without deflation, and
//     the Ahues–Tisseur deflation criterion, giving the Schur form
//     T = Zᴴ A Z (ZLAHQR; the 2×2 transformations are complex Givens
//     rotations rather than 2×2 reflectors);
//  3. eigenvectors of the triangular T by back substitution, perturbing
//     near-zero pivots T_jj − λ to max(ε|λ|, smlnum) (ZTREVC), and
//     back-transformation V = Z X.
//
// References: Golub & Van Loan, Matrix Computations, 4th ed., §7.4–7.6;
// Anderson et al., LAPACK Users' Guide, 3rd ed.; Ahues & Tisseur, LAPACK
// Working Note 122 (1997) for the deflation criterion.
//
// V⁻¹ is computed from the LU factorization of V, whose condition estimate
// decides whether A is numerically defective (CEigSettings.MaxCond). For
// complex symmetric A the eigenvectors are normalised so that uᵀu = 1; then
// V⁻¹ = Vᵀ when the eigenvalues are distinct (InverseVectors still returns
// the LU inverse, which is valid for repeated eigenvalues too).
//
// Matrices are row-major []complex128 of length n·n. Eigenvalues are in the
// order in which they appear on the diagonal of the Schur form (not sorted).
// Eigenvectors of a general matrix have unit 2-norm. The zero value is ready
// to use; workspaces are reused across calls of the same n.
type CEig struct {
	// Settings; nil means defaults.
	Settings *CEigSettings

	n      int
	ok     bool
	sym    bool
	anorm  float64
	rcond  float64
	values []complex128
	h, zt  []complex128 // Schur form T and Schur vectors Zᵀ (row k = Schur vector k)
	x      []complex128 // eigenvectors of T, transposed (row k = vector k)
	v      []complex128
	vinv   []complex128
	t      []complex128 // n
	s      []complex128 // n
	lu     CLU
}

func (e *CEig) reserve(n int) {
	if e.n == n && e.h != nil {
		return
	}
	e.n = n
	e.values = make([]complex128, n)
	e.h = make([]complex128, n*n)
	e.zt = make([]complex128, n*n)
	e.x = make([]complex128, n*n)
	e.v = make([]complex128, n*n)
	e.vinv = make([]complex128, n*n)
	e.t = make([]complex128, n)
	e.s = make([]complex128, n)
}

// Factorize computes the eigendecomposition of the general complex
// row-major n×n matrix a, which is not modified. Errors wrap ErrNotFinite
// (a non-finite entry), ErrOverflow and ErrNotFinite (an eigenvalue or the
// Schur form beyond the float64 range; entries of any finite magnitude are
// scaled by a power of two first), ErrNoConvergence (the QR iteration hit
// its limit) or ErrDefective (the eigenvector matrix is singular to working
// precision, cond(V) > MaxCond).
// On error the receiver holds no factorization. It panics if len(a) != n*n.
func (e *CEig) Factorize(a []complex128, n int) error {
	if n < 0 || len(a) != n*n {
		panic("linalg: CEig.Factorize: len(a) != n*n")
	}
	e.ok, e.sym = false, false
	e.reserve(n)
	copy(e.h, a)
	return e.factorize()
}

// FactorizeSymmetric computes the eigendecomposition of the complex
// symmetric matrix (A + Aᵀ)/2 built from the row-major n×n matrix a (so an
// exactly symmetric a is used as is), and normalises every eigenvector so
// that uᵀu = 1. Besides the errors of Factorize it returns an error wrapping
// both ErrQuasiNull and ErrDefective when some |uᵀu| < QuasiNullTol·‖u‖².
func (e *CEig) FactorizeSymmetric(a []complex128, n int) error {
	if n < 0 || len(a) != n*n {
		panic("linalg: CEig.FactorizeSymmetric: len(a) != n*n")
	}
	e.ok, e.sym = false, true
	e.reserve(n)
	for i := 0; i < n; i++ {
		e.h[i*n+i] = a[i*n+i]
		for j := i + 1; j < n; j++ {
			s := (a[i*n+j] + a[j*n+i]) / 2
			e.h[i*n+j], e.h[j*n+i] = s, s
		}
	}
	return e.factorize()
}

func (e *CEig) factorize() error {
	set := e.Settings.withDefaults()
	n := e.n
	h := e.h
	e.anorm = 0
	for _, v := range h {
		if !IsFinite(v) {
			return fmt.Errorf("linalg: CEig: %w", ErrNotFinite)
		}
	}
	// ‖A‖_F for scaling of tests and reports.
	e.anorm = Norm2(h)
	if n == 0 {
		e.ok, e.rcond = true, 1
		return nil
	}
	// Entries far from 1 in magnitude are scaled by a power of two (exact)
	// so that the reduction and the QR iteration cannot overflow or
	// underflow in intermediate products (as DGEEV scales by DLASCL); the
	// eigenvalues and the Schur form are scaled back at the end.
	sc := 1.0
	var amax float64
	for _, z := range h {
		amax = math.Max(amax, cabs1(z))
	}
	if amax > 0x1p500 || (amax > 0 && amax < 0x1p-500) {
		_, ex := math.Frexp(amax)
		sc = math.Ldexp(1, -ex)
		Scale(complex(sc, 0), h)
	}
	hessenberg(h, e.zt, n, e.t, e.s)
	transpose(e.zt, n)
	itmax := set.MaxIter
	if itmax <= 0 {
		itmax = 30 * max(10, n)
	}
	if err := schurQR(h, e.zt, n, itmax); err != nil {
		return err
	}
	triEigvec(e.x, h, n)
	if sc != 1 {
		Scale(complex(1/sc, 0), h)
		for _, z := range h {
			if !IsFinite(z) {
				return overflowErr("linalg: CEig: Schur form")
			}
		}
	}
	for i := 0; i < n; i++ {
		e.values[i] = h[i*n+i]
		if !IsFinite(e.values[i]) {
			return overflowErr("linalg: CEig: eigenvalue %d", i)
		}
	}
	// V = Z X with X upper triangular, both stored transposed: row c of Vᵀ
	// is Σ_{m≤c} X_mc (row m of Zᵀ). Vᵀ is built in e.vinv (free until the
	// inverse is formed), then transposed into e.v.
	vt := e.vinv
	for c := 0; c < n; c++ {
		row := vt[c*n : c*n+n]
		for i := range row {
			row[i] = 0
		}
		for m, xm := range e.x[c*n : c*n+c+1] {
			if xm != 0 {
				Axpy(row, xm, e.zt[m*n:m*n+n])
			}
		}
	}
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			e.v[r*n+c] = vt[c*n+r]
		}
	}
	// Normalise the columns.
	for c := 0; c < n; c++ {
		var nrm2 float64
		var p complex128
		for r := 0; r < n; r++ {
			u := e.v[r*n+c]
			nrm2 += real(u)*real(u) + imag(u)*imag(u)
			p += u * u
		}
		var scale complex128
		if e.sym {
			if cmplx.Abs(p) < set.QuasiNullTol*nrm2 {
				return fmt.Errorf("linalg: CEig: eigenvalue %v: |uᵀu|/‖u‖² = %.3g: %w", e.values[c], cmplx.Abs(p)/nrm2, errors.Join(ErrQuasiNull, ErrDefective))
			}
			scale = 1 / cmplx.Sqrt(p)
		} else {
			scale = complex(1/math.Sqrt(nrm2), 0)
		}
		for r := 0; r < n; r++ {
			e.v[r*n+c] *= scale
		}
	}
	if err := e.lu.Factorize(e.v, n); err != nil {
		return fmt.Errorf("linalg: CEig: eigenvector matrix: %w", errors.Join(err, ErrDefective))
	}
	e.rcond = e.lu.RCond()
	if e.rcond*set.MaxCond < 1 {
		return fmt.Errorf("linalg: CEig: eigenvector matrix condition ≈ %.3g > %.3g: %w", 1/e.rcond, set.MaxCond, ErrDefective)
	}
	e.lu.InverseTo(e.vinv)
	e.ok = true
	return nil
}

// hessenberg reduces h (row-major n×n) to upper Hessenberg form in place by
// Householder reflectors and writes the accumulated unitary Q into q, so that
// A = Q H Qᴴ. w and s are workspaces of length n.
func hessenberg(h, q []complex128, n int, w, s []complex128) {
	for i := range q {
		q[i] = 0
	}
	for i := 0; i < n; i++ {
		q[i*n+i] = 1
	}
	for k := 0; k < n-2; k++ {
		m := n - k - 1 // length of x = h[k+1:n, k]
		alpha := h[(k+1)*n+k]
		var ss, sc float64 // scaled sum of squares of x[1:]
		sc = 0
		ss = 1
		for r := k + 2; r < n; r++ {
			for _, p := range [2]float64{real(h[r*n+k]), imag(h[r*n+k])} {
				if p != 0 {
					a := math.Abs(p)
					if sc < a {
						ss = 1 + ss*(sc/a)*(sc/a)
						sc = a
					} else {
						ss += (a / sc) * (a / sc)
					}
				}
			}
		}
		sigma := sc * math.Sqrt(ss)
		if sigma == 0 {
			continue
		}
		xnorm := math.Hypot(cmplx.Abs(alpha), sigma)
		ph := complex(1, 0)
		if aa := cmplx.Abs(alpha); aa != 0 {
			ph = alpha / complex(aa, 0)
		}
		beta := -ph * complex(xnorm, 0)
		wv := w[:m]
		wv[0] = alpha - beta
		for r := 1; r < m; r++ {
			wv[r] = h[(k+1+r)*n+k]
		}
		wa := cmplx.Abs(wv[0])
		tau := complex(2/(wa*wa+sigma*sigma), 0)
		// Left: rows k+1..n-1, columns k+1..n-1: H ← H − τ w (wᴴ H).
		sv := s[:n-k-1]
		for j := range sv {
			sv[j] = 0
		}
		for r := 0; r < m; r++ {
			Axpy(sv, cmplx.Conj(wv[r]), h[(k+1+r)*n+k+1:(k+1+r)*n+n])
		}
		for r := 0; r < m; r++ {
			Axpy(h[(k+1+r)*n+k+1:(k+1+r)*n+n], -tau*wv[r], sv)
		}
		h[(k+1)*n+k] = beta
		for r := k + 2; r < n; r++ {
			h[r*n+k] = 0
		}
		// Right: all rows, columns k+1..n-1: H ← H − τ (H w) wᴴ; same on Q.
		for _, mtx := range [2][]complex128{h, q} {
			for i := 0; i < n; i++ {
				row := mtx[i*n+k+1 : i*n+n]
				t := Dot(row, wv)
				if t == 0 {
					continue
				}
				t *= tau
				for r, wr := range wv {
					row[r] -= t * cmplx.Conj(wr)
				}
			}
		}
	}
}

// rot applies the plane rotation (x, y) ← (c x + s y, c y − s̄ x)
// elementwise, with real c written out to save multiplications.
func rot(x, y []complex128, c float64, s complex128) {
	y = y[:len(x)]
	sr, si := real(s), imag(s)
	for j, a := range x {
		b := y[j]
		ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
		x[j] = complex(c*ar+sr*br-si*bi, c*ai+sr*bi+si*br)
		y[j] = complex(c*br-sr*ar-si*ai, c*bi-sr*ai+si*ar)
	}
}

// givens returns c (real) and s such that [c s; −s̄ c] (a, b)ᵀ = (r, 0)ᵀ.
func givens(a, b complex128) (c float64, s, r complex128) {
	if b == 0 {
		return 1, 0, a
	}
	if a == 0 {
		bb := cmplx.Abs(b)
		return 0, cmplx.Conj(b) / complex(bb, 0), complex(bb, 0)
	}
	aa, bb := cmplx.Abs(a), cmplx.Abs(b)
	rho := math.Hypot(aa, bb)
	ph := a / complex(aa, 0)
	c = aa / rho
	s = ph * cmplx.Conj(b) / complex(rho, 0)
	r = ph * complex(rho, 0)
	return c, s, r
}

// transpose transposes the square row-major n×n matrix a in place.
func transpose(a []complex128, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a[i*n+j], a[j*n+i] = a[j*n+i], a[i*n+j]
		}
	}
}

// schurQR reduces the upper Hessenberg h to upper triangular Schur form in
// place by implicit single-shift QR (ZLAHQR with WANTT and WANTZ),
// accumulating the transformations into Z, stored transposed in zt so that
// the rotations of columns of Z are contiguous row operations.
func schurQR(h, zt []complex128, n, itmax int) error {
	const ulp = eps
	smlnum := safmin * (float64(n) / ulp)
	kdefl := 0
	for i := n - 1; i >= 0; {
		l := 0
		converged := false
		for its := 0; its <= itmax; its++ {
			// Look for a single small subdiagonal element.
			k := i
			for ; k > l; k-- {
				sub := cabs1(h[k*n+k-1])
				if sub <= smlnum {
					break
				}
				hkk, hk1 := h[k*n+k], h[(k-1)*n+k-1]
				tst := cabs1(hk1) + cabs1(hkk)
				if tst == 0 {
					if k-2 >= 0 {
						tst += cabs1(h[(k-1)*n+k-2])
					}
					if k+1 <= n-1 {
						tst += cabs1(h[(k+1)*n+k])
					}
				}
				if sub <= ulp*tst {
					sup := cabs1(h[(k-1)*n+k])
					ab, ba := math.Max(sub, sup), math.Min(sub, sup)
					d := cabs1(hk1 - hkk)
					aa, bb := math.Max(cabs1(hkk), d), math.Min(cabs1(hkk), d)
					s := aa + ab
					if ba*(ab/s) <= math.Max(smlnum, ulp*(bb*(aa/s))) {
						break
					}
				}
			}
			l = k
			if l > 0 {
				h[l*n+l-1] = 0
			}
			if l >= i {
				converged = true
				break
			}
			kdefl++
			var t complex128
			switch {
			case kdefl%20 == 0:
				t = complex(0.75*cabs1(h[i*n+i-1]), 0) + h[i*n+i]
			case kdefl%10 == 0:
				t = complex(0.75*cabs1(h[(l+1)*n+l]), 0) + h[l*n+l]
			default:
				// Wilkinson's shift: the eigenvalue of the trailing 2×2
				// block closer to h(i,i).
				t = h[i*n+i]
				u := cmplx.Sqrt(h[(i-1)*n+i]) * cmplx.Sqrt(h[i*n+i-1])
				s := cabs1(u)
				if s != 0 {
					x := 0.5 * (h[(i-1)*n+i-1] - t)
					sx := cabs1(x)
					s = math.Max(s, sx)
					xs, us := x/complex(s, 0), u/complex(s, 0)
					y := complex(s, 0) * cmplx.Sqrt(xs*xs+us*us)
					if sx > 0 {
						xd := x / complex(sx, 0)
						if real(xd)*real(y)+imag(xd)*imag(y) < 0 {
							y = -y
						}
					}
					t -= u * (u / (x + y))
				}
			}
			// Single-shift QR sweep on the active block l..i.
			x1, x2 := h[l*n+l]-t, h[(l+1)*n+l]
			for k := l; k < i; k++ {
				if k > l {
					x1, x2 = h[k*n+k-1], h[(k+1)*n+k-1]
				}
				c, s, r := givens(x1, x2)
				cc := complex(c, 0)
				sc := cmplx.Conj(s)
				if k > l {
					h[k*n+k-1] = r
					h[(k+1)*n+k-1] = 0
				}
				rot(h[k*n+k:k*n+n], h[(k+1)*n+k:(k+1)*n+n], c, s)
				top := min(k+2, i)
				for j := 0; j <= top; j++ {
					p := h[j*n+k : j*n+k+2]
					a, b := p[0], p[1]
					p[0] = cc*a + sc*b
					p[1] = cc*b - s*a
				}
				rot(zt[k*n:k*n+n], zt[(k+1)*n:(k+1)*n+n], c, sc)
			}
		}
		if !converged {
			return fmt.Errorf("linalg: CEig: QR iteration did not converge for eigenvalue %d after %d iterations: %w", i, itmax, ErrNoConvergence)
		}
		kdefl = 0
		i = l - 1
	}
	return nil
}

// triEigvec computes the eigenvectors of the upper triangular t (row-major
// n×n) by back substitution (ZTREVC), writing eigenvector k (with entry k
// equal to 1 before any rescaling, and zeros below) into row k of x.
func triEigvec(x, t []complex128, n int) {
	const ulp = eps
	smlnum := safmin * (float64(n) / ulp)
	const big = 1e150
	for i := range x {
		x[i] = 0
	}
	for k := n - 1; k >= 0; k-- {
		lam := t[k*n+k]
		smin := math.Max(ulp*cabs1(lam), smlnum)
		xk := x[k*n : k*n+n]
		xk[k] = 1
		for j := k - 1; j >= 0; j-- {
			s := -t[j*n+k] - Dot(t[j*n+j+1:j*n+k], xk[j+1:k])
			d := t[j*n+j] - lam
			if cabs1(d) < smin {
				d = complex(smin, 0)
			}
			xk[j] = s / d
			if a := cabs1(xk[j]); a > big {
				Scale(complex(1/a, 0), xk[j:k+1])
			}
		}
	}
}

// N returns the order of the factorized matrix.
func (e *CEig) N() int { return e.n }

func (e *CEig) check() {
	if !e.ok {
		panic("linalg: CEig: no successful factorization")
	}
}

// Values returns the eigenvalues (owned by the receiver).
func (e *CEig) Values() []complex128 { e.check(); return e.values }

// Vectors returns the eigenvectors as the columns of a row-major n×n matrix V
// (owned by the receiver), in the order of Values: unit 2-norm for
// Factorize, uᵀu = 1 for FactorizeSymmetric.
func (e *CEig) Vectors() []complex128 { e.check(); return e.v }

// InverseVectors returns V⁻¹ (row-major n×n, owned by the receiver).
func (e *CEig) InverseVectors() []complex128 { e.check(); return e.vinv }

// Schur returns the upper triangular Schur form T and the transpose Zᵀ of
// the unitary matrix of Schur vectors (row k of zt is Schur vector k), with
// A = Z T Zᴴ; both row-major n×n and owned by the receiver.
func (e *CEig) Schur() (t, zt []complex128) { e.check(); return e.h, e.zt }

// Cond returns the estimated 1-norm condition number of V.
func (e *CEig) Cond() float64 { e.check(); return 1 / e.rcond }

// ApplyDiag computes dst = V diag(d) V⁻¹ v. dst and v (length n) may alias.
// It does not allocate.
func (e *CEig) ApplyDiag(dst, v, d []complex128) {
	e.check()
	n := e.n
	if len(dst) != n || len(v) != n || len(d) != n {
		panic(badLen)
	}
	t := e.t
	for i := 0; i < n; i++ {
		t[i] = Dot(e.vinv[i*n:i*n+n], v) * d[i]
	}
	for i := 0; i < n; i++ {
		dst[i] = Dot(e.v[i*n:i*n+n], t)
	}
}

// ApplyFunc computes dst = f(A)v = V f(Λ) V⁻¹ v. dst and v may alias. It does
// not allocate.
func (e *CEig) ApplyFunc(dst, v []complex128, f func(complex128) complex128) {
	e.check()
	for i, l := range e.values {
		e.s[i] = f(l)
	}
	e.ApplyDiag(dst, v, e.s)
}

// FuncTo computes the matrix f(A) = V f(Λ) V⁻¹ into dst (row-major n×n) and
// returns dst; nil dst allocates.
func (e *CEig) FuncTo(dst []complex128, f func(complex128) complex128) []complex128 {
	e.check()
	n := e.n
	if dst == nil {
		dst = make([]complex128, n*n)
	}
	if len(dst) != n*n {
		panic(badLen)
	}
	for i, l := range e.values {
		e.s[i] = f(l)
	}
	for i := range dst {
		dst[i] = 0
	}
	// dst = (V diag(f)) V⁻¹, row by row: dst_i = Σ_k V_ik f_k (V⁻¹)_k.
	for i := 0; i < n; i++ {
		row := dst[i*n : i*n+n]
		for k := 0; k < n; k++ {
			if c := e.v[i*n+k] * e.s[k]; c != 0 {
				Axpy(row, c, e.vinv[k*n:k*n+n])
			}
		}
	}
	return dst
}
