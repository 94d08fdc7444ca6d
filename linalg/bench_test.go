package linalg

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Benchmarks of the issue. Run with
//
//	go test ./linalg -run XXX -bench 'CEig|CLU|EmbedEigen|PhiApply' -benchtime=1x -benchmem

// BenchmarkCEig times CEig.Factorize (Schur form, eigenvectors and V⁻¹) on a
// random general complex n×n matrix.
func BenchmarkCEig(b *testing.B) {
	for _, n := range []int{100, 400} {
		rng := rand.New(rand.NewPCG(1, 2))
		a := randCMat(rng, n, false)
		b.Run(fmt.Sprintf("general/n=%d", n), func(b *testing.B) {
			var e CEig
			for b.Loop() {
				if err := e.Factorize(a, n); err != nil {
					b.Fatal(err)
				}
			}
		})
		s := randCMat(rng, n, true)
		b.Run(fmt.Sprintf("symmetric/n=%d", n), func(b *testing.B) {
			var e CEig
			for b.Loop() {
				if err := e.FactorizeSymmetric(s, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmbedEigen times gonum's real mat.Eigen (DGEEV, right
// eigenvectors) on the 2n×2n real embedding [[Re A, −Im A], [Im A, Re A]],
// the only way to get complex eigenpairs from gonum.
func BenchmarkEmbedEigen(b *testing.B) {
	for _, n := range []int{100, 400} {
		rng := rand.New(rand.NewPCG(1, 2))
		a := randCMat(rng, n, false)
		m := embedReal(a, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var e mat.Eigen
			for b.Loop() {
				if !e.Factorize(m, mat.EigenRight) {
					b.Fatal("Eigen failed")
				}
			}
		})
	}
}

// exactPhiApply returns φ(hA)v for the benchmarks.md matrix using its known
// eigenbasis Q = I − 2uuᵀ: Q diag(φ(hλ)) Q v, in O(d).
func exactPhiApply(u, lam, v []float64, h float64) []complex128 {
	d := len(v)
	qv := make([]float64, d)
	copy(qv, v)
	Axpy(qv, -2*Dot(u, v), u)
	c := make([]complex128, d)
	var uc complex128
	for i := range c {
		c[i] = Phi(complex(h*lam[i], 0)) * complex(qv[i], 0)
		uc += complex(u[i], 0) * c[i]
	}
	for i := range c {
		c[i] -= 2 * uc * complex(u[i], 0)
	}
	return c
}

func relErr(got, want []complex128) float64 {
	diff := make([]complex128, len(got))
	for i := range diff {
		diff[i] = got[i] - want[i]
	}
	return Norm2(diff) / Norm2(want)
}

// BenchmarkPhiApply times φ(hA)v for the benchmarks.md matrix A (dense
// row-major, products by gonum's Dgemv) with v = (1, …, 1), by the dense
// route (SymEig.Factorize + ApplyDiagC) and by LanczosFunc with Tol = 1e−8,
// for hλ_max = 0.9 (φ real and analytic on the spectrum) and 1.8 (the
// log singularity hλ = 1 inside the spectrum; MaxIter is raised to d because
// convergence is then slow). relerr_x1e12 is 10¹² times the relative error
// against the exact φ(hA)v from the known eigenbasis.
func BenchmarkPhiApply(b *testing.B) {
	for _, d := range []int{1000, 4000} {
		a, u, lam := benchMatrix(d)
		v := make([]float64, d)
		for i := range v {
			v[i] = 1
		}
		op := denseOp(a, d)
		for _, hl := range []float64{0.9, 1.8} {
			h := hl / lam[d-1]
			want := exactPhiApply(u, lam, v, h)
			f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
			b.Run(fmt.Sprintf("lanczos/d=%d/hλmax=%.1f", d, hl), func(b *testing.B) {
				dst := make([]complex128, d)
				var st KrylovStats
				for b.Loop() {
					var err error
					st, err = LanczosFunc(dst, op, v, f, &KrylovSettings{Tol: 1e-8, MaxIter: d})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(st.MatVecs), "matvecs/op")
				b.ReportMetric(relErr(dst, want)*1e12, "relerr_x1e12")
			})
		}
		// Rational (extended) Krylov with σ = 1/h (the pole), the
		// factorization of A − σI included in every op.
		b.Run(fmt.Sprintf("rational/d=%d/hλmax=1.8", d), func(b *testing.B) {
			h := 1.8 / lam[d-1]
			want := exactPhiApply(u, lam, v, h)
			f := func(x float64) complex128 { return Phi(complex(h*x, 0)) }
			dst := make([]complex128, d)
			var ldl ShiftedLDL
			var k Krylov
			var st KrylovStats
			for b.Loop() {
				if err := ldl.Factorize(a, d, 1/h); err != nil {
					b.Fatal(err)
				}
				var err error
				st, err = k.RationalFuncTo(dst, op, ldl.Solve, 1/h, v, f, &KrylovSettings{Tol: 1e-8, MaxIter: d})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.MatVecs), "matvecs/op")
			b.ReportMetric(float64(st.Solves), "solves/op")
			b.ReportMetric(relErr(dst, want)*1e12, "relerr_x1e12")
		})
		b.Run(fmt.Sprintf("dense/d=%d", d), func(b *testing.B) {
			if d > 1000 && !*long {
				// One EigenSym at d = 4000 takes many minutes in pure Go.
				b.Skip("dense route at d = 4000 skipped: run with -linalg.long")
			}
			dst := make([]complex128, d)
			cv := make([]complex128, d)
			ToComplex(cv, v)
			coef := make([]complex128, d)
			h := 1.8 / lam[d-1]
			var e SymEig
			for b.Loop() {
				if err := e.Factorize(a, d); err != nil {
					b.Fatal(err)
				}
				for j, l := range e.Values() {
					coef[j] = Phi(complex(h*l, 0))
				}
				e.ApplyDiagC(dst, cv, coef)
			}
			b.ReportMetric(relErr(dst, exactPhiApply(u, lam, v, h))*1e12, "relerr_x1e12")
		})
	}
}

// BenchmarkCLU times CLU.Factorize followed by one SolveTo on a random
// complex n×n matrix (the factorization CEig uses for V⁻¹).
func BenchmarkCLU(b *testing.B) {
	for _, n := range []int{10, 100, 400} {
		rng := rand.New(rand.NewPCG(3, 4))
		a := randCMat(rng, n, false)
		x := make([]complex128, n)
		x[0] = 1
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var f CLU
			for b.Loop() {
				if err := f.Factorize(a, n); err != nil {
					b.Fatal(err)
				}
				f.SolveTo(x, x)
			}
		})
	}
}
