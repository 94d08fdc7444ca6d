package stiff

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
	"github.com/pflow-go/pflow/ode"
	"github.com/pflow-go/pflow/ode/internal/lu"
	"gonum.org/v1/gonum/mat"
)

// The three-stage Radau IIA method (order 5, stiffly accurate, L-stable;
// Hairer & Wanner, Solving ODEs II, IV.5 and IV.8).
var (
	radauC = [3]float64{(4 - math.Sqrt(6)) / 10, (4 + math.Sqrt(6)) / 10, 1}
	radauA = [3][3]float64{
		{(88 - 7*math.Sqrt(6)) / 360, (296 - 169*math.Sqrt(6)) / 1800, (-2 + 3*math.Sqrt(6)) / 225},
		{(296 + 169*math.Sqrt(6)) / 1800, (88 + 7*math.Sqrt(6)) / 360, (-2 - 3*math.Sqrt(6)) / 225},
		{(16 - math.Sqrt(6)) / 36, (16 + math.Sqrt(6)) / 36, 1.0 / 9},
	}
	// Error-estimate coefficients of RADAU5 (Hairer & Wanner II, IV.8,
	// (8.19)–(8.20)): err = (γ/h − J)⁻¹ (f(y₀) + (dd₁Z₁ + dd₂Z₂ + dd₃Z₃)/h).
	radauDD = [3]float64{-(13 + 7*math.Sqrt(6)) / 3, (-13 + 7*math.Sqrt(6)) / 3, -1.0 / 3}
)

// radauTransform holds A⁻¹ = V diag(λ) V⁻¹ with λ₀ = γ real and
// λ₂ = conj(λ₁) = α − iβ, eigenvectors scaled to last component 1.
type radauTransform struct {
	lam  [3]complex128
	v    [3][3]complex128 // v[i][k]: component i of eigenvector k
	vinv [3][3]complex128
}

func newRadauTransform() radauTransform {
	a := mat.NewDense(3, 3, nil)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			a.Set(i, j, radauA[i][j])
		}
	}
	var ainv mat.Dense
	if err := ainv.Inverse(a); err != nil {
		panic("stiff: Radau IIA matrix: " + err.Error())
	}
	var eig mat.Eigen
	if !eig.Factorize(&ainv, mat.EigenRight) {
		panic("stiff: Radau IIA eigen-decomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.CDense
	eig.VectorsTo(&vecs)
	var tr radauTransform
	ir, ic := -1, -1
	for k, l := range vals {
		switch {
		case math.Abs(imag(l)) < 1e-12:
			ir = k
		case imag(l) > 0:
			ic = k
		}
	}
	for slot, k := range [2]int{ir, ic} {
		last := vecs.At(2, k)
		for i := 0; i < 3; i++ {
			tr.v[i][slot] = vecs.At(i, k) / last
		}
		tr.lam[slot] = vals[k]
	}
	tr.lam[0] = complex(real(tr.lam[0]), 0)
	for i := 0; i < 3; i++ {
		tr.v[i][0] = complex(real(tr.v[i][0]), 0)
		tr.v[i][2] = cmplx.Conj(tr.v[i][1])
	}
	tr.lam[2] = cmplx.Conj(tr.lam[1])
	m := make([]complex128, 9)
	for i := 0; i < 3; i++ {
		for k := 0; k < 3; k++ {
			m[i*3+k] = tr.v[i][k]
		}
	}
	f := lu.New[complex128](3)
	if !f.Factorize(m) {
		panic("stiff: Radau IIA eigenvectors singular")
	}
	for k := 0; k < 3; k++ {
		e := make([]complex128, 3)
		e[k] = 1
		f.Solve(e)
		for i := 0; i < 3; i++ {
			tr.vinv[i][k] = e[i]
		}
	}
	return tr
}

var radauTr = newRadauTransform()

// Radau5 integrates the stiff system y' = f(t, y) from (t0, y0) to t1 with
// the three-stage Radau IIA method of order 5 and adaptive steps, following
// Hairer's RADAU5 (E. Hairer, G. Wanner, Solving Ordinary Differential
// Equations II, 2nd ed., Springer 1996, Sec. IV.8):
//
//   - simplified Newton iterations on the stage equations, with the 3n×3n
//     system decoupled by the eigen-decomposition of A⁻¹ into one system
//     (γ/h − J) and one complex system ((α + iβ)/h − J) for real states; for
//     complex states the conjugate pair no longer combines and a third
//     complex system ((α − iβ)/h − J) is solved;
//   - the Newton convergence monitor θ, step reduction when convergence is
//     predicted to be too slow, and reuse of the Jacobian when θ < 0.001;
//   - the embedded error estimate (γ/h − J)⁻¹(f(y₀) + Σ dd_i Z_i/h), with
//     the refinement after a rejected or the first step;
//   - Gustafsson's predictive step-size controller (Gustafsson, BIT 34
//     (1994) 173).
//
// Stats.NFev counts evaluations of f, including those of a finite-difference
// Jacobian. On failure the partial solution is returned with an error
// wrapping ode.ErrMaxSteps, ode.ErrStepTooSmall, ode.ErrNonFinite or
// ode.ErrInvalidSettings.
func Radau5[T linalg.Scalar](prob Problem[T], t0, t1 float64, y0 []T, set *Settings) (*Solution[T], error) {
	s, err := set.get(t0, t1)
	if err != nil {
		return nil, err
	}
	if !allFinite(y0) {
		return nil, fmt.Errorf("%w: initial state is not finite", ode.ErrInvalidSettings)
	}
	if prob.F == nil {
		panic("stiff: Problem.F is nil")
	}
	n := len(y0)
	realT := isReal[T]()
	const uround = 0x1p-53
	const nitDefault = 7
	// Tolerance transformation of RADAU5.
	quot := s.ATol / s.RTol
	rtol := 0.1 * math.Pow(s.RTol, 2.0/3)
	atol := rtol * quot
	fnewt := math.Max(10*uround/rtol, math.Min(0.03, math.Sqrt(rtol)))
	nit := s.MaxNewton
	const (
		safe = 0.9
		facl = 5.0
		facr = 1.0 / 8
		thet = 0.001
	)
	tr := &radauTr
	gam := real0(tr.lam[0])

	sol := &Solution[T]{}
	st := &sol.Stats
	y := append([]T(nil), y0...)
	sol.T = append(sol.T, t0)
	sol.Y = append(sol.Y, append([]T(nil), y...))

	f0 := make([]T, n)
	ytmp := make([]T, n)
	ftmp := make([]T, n)
	jac := make([]T, n*n)
	jacC := make([]complex128, n*n)
	m1 := make([]T, n*n)
	mc := make([]complex128, n*n)
	lu1 := lu.New[T](n)
	lu2 := lu.New[complex128](n)
	var lu3 *lu.LU[complex128]
	if !realT {
		lu3 = lu.New[complex128](n)
	}
	var z, zacc, fz [3][]T
	var zc, fc, dw [3][]complex128
	for k := 0; k < 3; k++ {
		z[k], zacc[k], fz[k] = make([]T, n), make([]T, n), make([]T, n)
		zc[k], fc[k], dw[k] = make([]complex128, n), make([]complex128, n), make([]complex128, n)
	}
	r1 := make([]T, n)
	scal := make([]float64, n)
	cont := make([]T, n)
	f2 := make([]T, n)

	eval := func(dst []T, t float64, yy []T) {
		prob.F(dst, t, yy)
		st.NFev++
	}
	computeJac := func(x float64) {
		st.NJev++
		if prob.Jac != nil {
			prob.Jac(jac, x, y)
			return
		}
		fdJacobian(jac, prob.F, x, y, f0, ytmp, ftmp)
		st.NFev += n
	}
	factorize := func(h float64) bool {
		st.NLU++
		g := linalg.FromFloat[T](gam / h)
		for i := range m1 {
			m1[i] = -jac[i]
		}
		for i := 0; i < n; i++ {
			m1[i*n+i] += g
		}
		if !lu1.Factorize(m1) {
			return false
		}
		toC(jacC, jac)
		for k, f := range []*lu.LU[complex128]{lu2, lu3} {
			if f == nil {
				continue
			}
			l := tr.lam[k+1] / complex(h, 0)
			for i := range mc {
				mc[i] = -jacC[i]
			}
			for i := 0; i < n; i++ {
				mc[i*n+i] += l
			}
			if !f.Factorize(mc) {
				return false
			}
		}
		return true
	}
	setScal := func() {
		for i, v := range y {
			scal[i] = atol + rtol*linalg.Abs(v)
		}
	}

	x := t0
	h := math.Min(s.H0, math.Min(s.HMax, t1-t0))
	eval(f0, x, y)
	if !allFinite(f0) {
		return sol, fmt.Errorf("%w: f(t0, y0) is not finite", ode.ErrNonFinite)
	}
	needJac, caljac := true, false
	hfact := math.NaN()
	first, reject := true, false
	faccon, theta := 1.0, thet
	var hold, hacc, erracc float64
	var thqold, dynold float64
	naccpt := 0

	for {
		if x+1.0001*h >= t1 {
			h = t1 - x
		}
		if needJac {
			computeJac(x)
			needJac, caljac = false, true
			hfact = math.NaN()
		}
		if st.NSteps >= s.MaxSteps {
			return sol, fmt.Errorf("%w: %d steps, t = %v", ode.ErrMaxSteps, st.NSteps, x)
		}
		if (0.1*h <= math.Abs(x)*uround && x+h < t1) || !(h > 0) {
			return sol, fmt.Errorf("%w: h = %v at t = %v", ode.ErrStepTooSmall, h, x)
		}
		if h != hfact {
			if !factorize(h) {
				// Singular iteration matrix: halve the step (RADAU5).
				st.NRejected++
				h *= 0.5
				hfact = math.NaN()
				continue
			}
			hfact = h
		}
		st.NSteps++
		setScal()
		// Starting values: zero on the first step, otherwise the collocation
		// polynomial of the last accepted step extrapolated.
		if first {
			for k := 0; k < 3; k++ {
				clear(z[k])
			}
		} else {
			r := h / hold
			for k := 0; k < 3; k++ {
				sv := 1 + radauC[k]*r
				var l [3]float64
				nodes := [4]float64{0, radauC[0], radauC[1], 1}
				for j := 1; j <= 3; j++ {
					p := 1.0
					for m := 0; m < 4; m++ {
						if m != j {
							p *= (sv - nodes[m]) / (nodes[j] - nodes[m])
						}
					}
					l[j-1] = p
				}
				for i := 0; i < n; i++ {
					z[k][i] = linalg.FromFloat[T](l[0])*zacc[0][i] + linalg.FromFloat[T](l[1])*zacc[1][i] +
						linalg.FromFloat[T](l[2])*zacc[2][i] - zacc[2][i]
				}
			}
		}
		// Simplified Newton iterations.
		faccon = math.Pow(math.Max(faccon, uround), 0.8)
		theta = thet
		newt := 0
		failed := false // divergence or too many iterations
		hhfac := 0.0    // > 0: restart with h·hhfac (slow convergence)
		for {
			if newt >= nit {
				failed = true
				break
			}
			for k := 0; k < 3; k++ {
				for i := range y {
					ytmp[i] = y[i] + z[k][i]
				}
				eval(fz[k], x+radauC[k]*h, ytmp)
			}
			nonfinite := false
			for k := 0; k < 3; k++ {
				if !allFinite(fz[k]) {
					nonfinite = true
				}
			}
			if nonfinite {
				failed = true
				break
			}
			newt++
			// Transformed residual: for each eigenvalue λ_k,
			// (λ_k/h − J) ΔW_k = (V⁻¹F)_k − (λ_k/h)(V⁻¹Z)_k.
			for k := 0; k < 3; k++ {
				toC(zc[k], z[k])
				toC(fc[k], fz[k])
			}
			nb := 3
			if realT {
				nb = 2
			}
			for kk := 0; kk < nb; kk++ {
				l := tr.lam[kk] / complex(h, 0)
				d := dw[kk]
				for i := 0; i < n; i++ {
					var wv, gv complex128
					for j := 0; j < 3; j++ {
						wv += tr.vinv[kk][j] * zc[j][i]
						gv += tr.vinv[kk][j] * fc[j][i]
					}
					d[i] = gv - l*wv
				}
				switch kk {
				case 0:
					fromC(r1, d)
					lu1.Solve(r1)
					toC(d, r1)
				case 1:
					lu2.Solve(d)
				case 2:
					lu3.Solve(d)
				}
			}
			if realT {
				for i := range dw[2] {
					dw[2][i] = cmplx.Conj(dw[1][i])
				}
			}
			dyno := 0.0
			for i := 0; i < n; i++ {
				a := cmplx.Abs(dw[0][i]) / scal[i]
				b := cmplx.Abs(dw[1][i]) / scal[i]
				c := cmplx.Abs(dw[2][i]) / scal[i]
				dyno += a*a + 2*(b*b+c*c)
			}
			dyno = math.Sqrt(dyno / float64(3*n))
			if newt > 1 && newt < nit {
				thq := dyno / dynold
				if newt == 2 {
					theta = thq
				} else {
					theta = math.Sqrt(thq * thqold)
				}
				thqold = thq
				if theta < 0.99 {
					faccon = theta / (1 - theta)
					dyth := faccon * dyno * math.Pow(theta, float64(nit-1-newt)) / fnewt
					if dyth >= 1 {
						qnewt := math.Max(1e-4, math.Min(20, dyth))
						hhfac = 0.8 * math.Pow(qnewt, -1/(4+float64(nit-1-newt)))
						break
					}
				} else {
					failed = true
					break
				}
			}
			dynold = math.Max(dyno, uround)
			// ΔZ = V ΔW.
			for k := 0; k < 3; k++ {
				v := tr.v[k]
				for i := 0; i < n; i++ {
					zc[k][i] = v[0]*dw[0][i] + v[1]*dw[1][i] + v[2]*dw[2][i]
				}
				fromC(ftmp, zc[k])
				for i := range ftmp {
					z[k][i] += ftmp[i]
				}
			}
			if faccon*dyno <= fnewt {
				break
			}
		}
		if failed || hhfac > 0 {
			if failed {
				hhfac = 0.5
			}
			h *= hhfac
			reject = true
			st.NRejected++
			if !caljac {
				needJac = true
			}
			continue
		}
		// Error estimate.
		for i := 0; i < n; i++ {
			f2[i] = (linalg.FromFloat[T](radauDD[0])*z[0][i] + linalg.FromFloat[T](radauDD[1])*z[1][i] +
				linalg.FromFloat[T](radauDD[2])*z[2][i]) / linalg.FromFloat[T](h)
			cont[i] = f2[i] + f0[i]
		}
		lu1.Solve(cont)
		errn := rmsScaled(cont, scal)
		if errn >= 1 && (first || reject) {
			for i := range y {
				ytmp[i] = y[i] + cont[i]
			}
			eval(ftmp, x, ytmp)
			for i := range cont {
				cont[i] = ftmp[i] + f2[i]
			}
			lu1.Solve(cont)
			errn = rmsScaled(cont, scal)
		}
		if math.IsNaN(errn) {
			errn = math.Inf(1)
		}
		errn = math.Max(errn, 1e-10)
		fac := math.Min(safe, safe*float64(1+2*nit)/float64(newt+2*nit))
		q := math.Max(facr, math.Min(facl, math.Pow(errn, 0.25)/fac))
		hnew := h / q
		if errn < 1 {
			first = false
			naccpt++
			st.NAccepted++
			if naccpt > 1 {
				facgus := (hacc / h) * math.Pow(errn*errn/erracc, 0.25) / safe
				facgus = math.Max(facr, math.Min(facl, facgus))
				q = math.Max(q, facgus)
				hnew = h / q
			}
			hacc = h
			erracc = math.Max(1e-2, errn)
			hold = h
			x += h
			for i := range y {
				y[i] += z[2][i]
			}
			for k := 0; k < 3; k++ {
				copy(zacc[k], z[k])
			}
			if x >= t1 || t1-x <= 4*uround*math.Abs(t1) {
				x = t1
			}
			sol.T = append(sol.T, x)
			sol.Y = append(sol.Y, append([]T(nil), y...))
			if !allFinite(y) {
				return sol, fmt.Errorf("%w: at t = %v", ode.ErrNonFinite, x)
			}
			if x == t1 {
				return sol, nil
			}
			eval(f0, x, y)
			hnew = math.Min(hnew, s.HMax)
			if reject {
				hnew = math.Min(hnew, h)
			}
			reject = false
			caljac = false
			qt := hnew / h
			if theta <= thet && qt >= 1 && qt <= 1.2 {
				continue // keep h and the factorization
			}
			h = hnew
			if theta > thet {
				needJac = true
			}
			continue
		}
		// Rejected by the error test.
		reject = true
		st.NRejected++
		if first {
			h *= 0.1
		} else {
			h = hnew
		}
		if !caljac {
			needJac = true
		}
	}
}

func real0(z complex128) float64 { return real(z) }

func rmsScaled[T linalg.Scalar](v []T, scal []float64) float64 {
	s := 0.0
	for i, x := range v {
		a := linalg.Abs(x) / scal[i]
		s += a * a
	}
	return math.Sqrt(s / float64(len(v)))
}

// fdJacobian writes the forward-difference Jacobian of f at (t, y) into jac
// (row-major), given fy = f(t, y) and two scratch vectors. The increment
// √eps·max(1e−5, |y_j|) is RADAU5's; it is real, which gives the complex
// derivative for holomorphic f.
func fdJacobian[T linalg.Scalar](jac []T, f ode.Func[T], t float64, y, fy, ytmp, ftmp []T) {
	n := len(y)
	copy(ytmp, y)
	for j := 0; j < n; j++ {
		d := math.Sqrt(0x1p-52) * math.Max(1e-5, linalg.Abs(y[j]))
		ytmp[j] = y[j] + linalg.FromFloat[T](d)
		f(ftmp, t, ytmp)
		for i := 0; i < n; i++ {
			jac[i*n+j] = (ftmp[i] - fy[i]) / linalg.FromFloat[T](d)
		}
		ytmp[j] = y[j]
	}
}
