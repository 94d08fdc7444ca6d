package linalg_test

import (
	"fmt"
	"math"

	"github.com/pflow-go/pflow/linalg"
)

func ExamplePhi() {
	fmt.Println(linalg.Phi(0))
	fmt.Printf("%.6f\n", real(linalg.Phi(0.5))) // −2·log 2
	// Beyond hλ = 1 the coefficient is complex with Im = π/(hλ).
	p := linalg.Phi(1.5)
	fmt.Printf("%.6f %.6f\n", real(p), imag(p)/math.Pi)
	fmt.Println(linalg.IsPhiPole(linalg.Phi(1)))
	// Output:
	// (-1+0i)
	// -1.386294
	// -0.462098 0.666667
	// true
}

func ExamplePhiContinued() {
	// Cross the cut z ∈ (1, ∞) at z = 2 going downwards: the continued
	// logarithm keeps Im ≈ −π instead of jumping to +π.
	_, l := linalg.PhiContinued(complex(2, 0.01), linalg.Log1mz(complex(2, 0.01)))
	_, l = linalg.PhiContinued(complex(2, -0.01), l)
	fmt.Printf("continued Im log = %.4f π, principal = %.4f π\n",
		imag(l)/math.Pi, imag(linalg.Log1mz(complex(2, -0.01)))/math.Pi)
	// Output:
	// continued Im log = -1.0032 π, principal = 0.9968 π
}

func ExampleSymEig() {
	// θ' = φ(hH)g for H = [[2, 0], [0, 0.02]] (the paper's toy), h = 0.9.
	h := 0.9
	hess := []float64{2, 0, 0, 0.02}
	g := []complex128{-0.7, -0.004}
	var eig linalg.SymEig
	if err := eig.Factorize(hess, 2); err != nil {
		panic(err)
	}
	d := make([]complex128, 2)
	for j, l := range eig.Values() {
		d[j] = linalg.Phi(complex(h*l, 0))
	}
	dst := make([]complex128, 2)
	eig.ApplyDiagC(dst, g, d)
	fmt.Printf("%.6f\n%.6f\n", dst[0], dst[1])
	// Output:
	// (0.086778-1.221730i)
	// (0.004036+0.000000i)
}

func ExampleCEig_FactorizeSymmetric() {
	// A complex symmetric (not Hermitian) 2×2 matrix.
	a := []complex128{2, 1i, 1i, 1}
	var e linalg.CEig
	if err := e.FactorizeSymmetric(a, 2); err != nil {
		panic(err)
	}
	v := e.Vectors()
	for j, l := range e.Values() {
		u := []complex128{v[j], v[2+j]}
		p := linalg.Dot(u, u)
		fmt.Printf("λ = %.4f, uᵀu = %.4f, |Im uᵀu| < 1e-14: %v\n", l, real(p), math.Abs(imag(p)) < 1e-14)
	}
	// Unordered output:
	// λ = (1.5000+0.8660i), uᵀu = 1.0000, |Im uᵀu| < 1e-14: true
	// λ = (1.5000-0.8660i), uᵀu = 1.0000, |Im uᵀu| < 1e-14: true
}

func ExampleLanczosEig() {
	// The largest eigenvalues of diag(1, 2, …, 100) from products only.
	n := 100
	op := func(dst, x []float64) {
		for i := range x {
			dst[i] = float64(i+1) * x[i]
		}
	}
	res, err := linalg.LanczosEig(op, n, 3, linalg.Largest, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.10f\n", res.Values)
	// Output:
	// [100.0000000000 99.0000000000 98.0000000000]
}

func ExampleLanczosFunc() {
	// φ(hA)v for A = diag(0.1, 0.2, …, 5) and h = 0.5: some hλ exceed 1, so
	// the result is complex.
	n := 50
	op := func(dst, x []float64) {
		for i := range x {
			dst[i] = 0.1 * float64(i+1) * x[i]
		}
	}
	v := make([]float64, n)
	v[0], v[n-1] = 1, 1
	dst := make([]complex128, n)
	st, err := linalg.LanczosFunc(dst, op, v, func(l float64) complex128 {
		return linalg.Phi(complex(0.5*l, 0))
	}, nil)
	if err != nil {
		panic(err)
	}
	// Exact values: φ(0.05) = log(0.95)/0.05, φ(2.5) = (log 1.5 + iπ)/2.5.
	fmt.Printf("%.8f %.8f (converged: %v)\n", real(dst[0]), dst[n-1], st.ErrEst <= 1e-10)
	// Output:
	// -1.02586589 (0.16218604+1.25663706i) (converged: true)
}

// LU solves a dense system over float64 or complex128 without allocating
// after the first factorization.
func ExampleLU() {
	var f linalg.LU[complex128]
	a := []complex128{
		2, 1i,
		1i, 2,
	}
	if err := f.Factorize(a, 2); err != nil {
		fmt.Println(err)
		return
	}
	x := f.SolveTo(make([]complex128, 2), []complex128{1, 3i}) // b = A·(1, i)
	fmt.Printf("det = %v, x = %.3f\n", f.Det(), x)
	// Output:
	// det = (5+0i), x = [(1.000+0.000i) (0.000+1.000i)]
}

// MulVec multiplies a real row-major matrix by a real or a complex vector
// through DGEMV; CMatVec does the same for a complex matrix.
func ExampleMulVec() {
	a := []float64{
		1, 2,
		3, 4,
	}
	y := make([]float64, 2)
	linalg.MulVec(y, a, 2, 2, []float64{1, 1})
	z := make([]complex128, 2)
	linalg.MulVec(z, a, 2, 2, []complex128{1i, 1})
	fmt.Println(y, z)
	// Output: [3 7] [(2+1i) (4+3i)]
}

func ExampleCMatVec() {
	a := []complex128{
		1, 1i,
		1i, 1,
	}
	mv := linalg.NewCMatVec(a, 2, 2)
	y := make([]complex128, 2)
	mv.MulVecTo(y, []complex128{1, 1i})
	fmt.Println(y)
	// Output: [(0+0i) (0+2i)]
}

// φ(hA)v with the pole hλ = 1 inside the spectrum of A = diag(0.2, 0.5,
// 0.9) at h = 1.6, by the rational Krylov method with σ = 1/h: A − σI is
// factorized (its inertia says one eigenvalue lies beyond the pole), and
// the result is compared with the exact values φ(hλ_i).
func ExampleRationalFunc() {
	n := 3
	a := []float64{0.2, 0, 0, 0, 0.5, 0, 0, 0, 0.9}
	h := 1.6
	var ldl linalg.ShiftedLDL
	if err := ldl.Factorize(a, n, 1/h); err != nil {
		fmt.Println(err)
		return
	}
	below, _, above := ldl.Inertia()
	fmt.Printf("hλ < 1: %d, hλ > 1: %d\n", below, above)
	mul := func(dst, x []float64) { linalg.MulVec(dst, a, n, n, x) }
	v := []float64{1, 1, 1}
	dst := make([]complex128, n)
	phi := func(x float64) complex128 { return linalg.Phi(complex(h*x, 0)) }
	if _, err := linalg.RationalFunc(dst, mul, ldl.Solve, 1/h, v, phi, &linalg.KrylovSettings{Tol: 1e-12}); err != nil {
		fmt.Println(err)
		return
	}
	r6 := func(x float64) float64 { return math.Round(x*1e6)/1e6 + 0 } // + 0: no −0
	for i, z := range dst {
		exact := linalg.Phi(complex(h*a[i*n+i], 0))
		fmt.Printf("%.6f %+.6fi  (exact %.6f %+.6fi)\n", r6(real(z)), r6(imag(z)), real(exact), imag(exact))
	}
	// Output:
	// hλ < 1: 2, hλ > 1: 1
	// -1.205195 +0.000000i  (exact -1.205195 +0.000000i)
	// -2.011797 +0.000000i  (exact -2.011797 +0.000000i)
	// -0.570125 +2.181662i  (exact -0.570125 +2.181662i)
}
