package linalg

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randSym(rng *rand.Rand, n int) []float64 {
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := rng.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

func TestSymEig(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{1, 2, 7, 60} {
		a := randSym(rng, n)
		orig := slices.Clone(a)
		for _, desc := range []bool{false, true} {
			e := SymEig{Descending: desc}
			if err := e.Factorize(a, n); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a, orig) {
				t.Fatal("input modified")
			}
			vals, v := e.Values(), e.Vectors()
			sorted := sort.SliceIsSorted(vals, func(i, j int) bool { return vals[i] < vals[j] })
			if desc {
				sorted = sort.SliceIsSorted(vals, func(i, j int) bool { return vals[i] > vals[j] })
			}
			if !sorted {
				t.Errorf("n=%d desc=%v: not sorted: %v", n, desc, vals)
			}
			anorm := Norm2(a)
			col := make([]float64, n)
			for j := 0; j < n; j++ {
				e.VectorTo(col, j)
				var r float64
				for i := 0; i < n; i++ {
					d := Dot(a[i*n:i*n+n], col) - vals[j]*col[i]
					r += d * d
				}
				// DSYEV is backward stable: residual ≲ nε‖A‖.
				if math.Sqrt(r) > float64(n)*eps*anorm*4 {
					t.Errorf("n=%d: residual %g", n, math.Sqrt(r))
				}
				for k := 0; k < n; k++ {
					var s float64
					for i := 0; i < n; i++ {
						s += v[i*n+j] * v[i*n+k]
					}
					if k == j {
						s--
					}
					if math.Abs(s) > float64(n)*eps*4 {
						t.Errorf("n=%d: VᵀV − I = %g", n, s)
					}
				}
			}
			// Against mat.EigenSym.
			var ref mat.EigenSym
			ref.Factorize(mat.NewSymDense(n, slices.Clone(a)), false)
			rv := ref.Values(nil)
			for i := range rv {
				j := i
				if desc {
					j = n - 1 - i
				}
				if math.Abs(rv[i]-vals[j]) > 4*float64(n)*eps*anorm {
					t.Errorf("value %d: %v vs EigenSym %v", i, vals[j], rv[i])
				}
			}
		}
	}
}

func TestSymEigNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	n := 20
	a := randSym(rng, n)
	var e SymEig
	v := make([]float64, n)
	dst := make([]float64, n)
	cv := make([]complex128, n)
	cd := make([]complex128, n)
	d := make([]complex128, n)
	if err := e.Factorize(a, n); err != nil {
		t.Fatal(err)
	}
	e.ApplyDiagC(cd, cv, d)
	allocs := testing.AllocsPerRun(5, func() {
		_ = e.Factorize(a, n)
		e.ApplyFunc(dst, v, math.Exp)
		e.ApplyDiagC(cd, cv, d)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Factorize+Apply", allocs)
	}
}

func TestSymEigFunc(t *testing.T) {
	// exp(A) against gonum's Dense.Exp (Padé scaling and squaring).
	rng := rand.New(rand.NewPCG(15, 16))
	n := 15
	a := randSym(rng, n)
	Scale(0.3, a)
	var e SymEig
	if err := e.Factorize(a, n); err != nil {
		t.Fatal(err)
	}
	fa := e.FuncTo(nil, math.Exp)
	var ex mat.Dense
	ex.Exp(mat.NewDense(n, n, slices.Clone(a)))
	scale := mat.Norm(&ex, math.Inf(1))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	dst := make([]float64, n)
	e.ApplyFunc(dst, v, math.Exp)
	cv := make([]complex128, n)
	ToComplex(cv, v)
	d := make([]complex128, n)
	for j, l := range e.Values() {
		d[j] = complex(math.Exp(l), math.Sin(l))
	}
	cdst := make([]complex128, n)
	e.ApplyDiagC(cdst, cv, d)
	sdst := make([]float64, n)
	e.ApplyFunc(sdst, v, math.Sin)
	// Both routes are backward stable; 100nε‖exp(A)‖ is generous for n = 15.
	tol := 100 * float64(n) * eps * scale
	for i := 0; i < n; i++ {
		var ref float64
		for j := 0; j < n; j++ {
			if d := math.Abs(fa[i*n+j] - ex.At(i, j)); d > tol {
				t.Fatalf("exp(A)[%d,%d] off by %g", i, j, d)
			}
			ref += ex.At(i, j) * v[j]
		}
		if d := math.Abs(dst[i] - ref); d > tol*Norm2(v) {
			t.Errorf("ApplyFunc[%d] off by %g", i, d)
		}
		if d := cmplx.Abs(cdst[i] - complex(dst[i], sdst[i])); d > tol*Norm2(v) {
			t.Errorf("ApplyDiagC[%d] off by %g", i, d)
		}
	}
	var bad SymEig
	if err := bad.Factorize([]float64{math.Inf(1)}, 1); err == nil {
		t.Errorf("Inf input accepted")
	}
}

func TestSymEigFactorizeSym(t *testing.T) {
	// The *mat.SymDense entry point agrees exactly with the slice one (same
	// input to DSYEV), for both storage triangles.
	rng := rand.New(rand.NewPCG(21, 22))
	n := 9
	a := randSym(rng, n)
	var e1, e2 SymEig
	if err := e1.Factorize(a, n); err != nil {
		t.Fatal(err)
	}
	if err := e2.FactorizeSym(mat.NewSymDense(n, slices.Clone(a))); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e1.Values(), e2.Values()) || !slices.Equal(e1.Vectors(), e2.Vectors()) {
		t.Errorf("FactorizeSym differs from Factorize")
	}
}

// TestSymEigOverflow: [[x, x], [x, x]] has eigenvalues 0 and 2x. For
// x = 1e308 the eigenvalue 2e308 is beyond the float64 range: a clear
// error, not an infinite eigenvalue. For x = 1e307 DSYEV's internal scaling
// gives both exactly enough (the scaled problem is benign: relative error a
// few ε).
func TestSymEigOverflow(t *testing.T) {
	var e SymEig
	err := e.Factorize([]float64{1e308, 1e308, 1e308, 1e308}, 2)
	if !errors.Is(err, ErrOverflow) || !errors.Is(err, ErrNotFinite) {
		t.Fatalf("x = 1e308: err = %v, want ErrOverflow and ErrNotFinite", err)
	}
	if err := e.Factorize([]float64{1e307, 1e307, 1e307, 1e307}, 2); err != nil {
		t.Fatalf("x = 1e307: %v", err)
	}
	v := e.Values()
	if math.Abs(v[0]) > 4*eps*2e307 || math.Abs(v[1]-2e307) > 4*eps*2e307 {
		t.Errorf("x = 1e307: eigenvalues %v, want [0 2e307]", v)
	}
}
