package linalg_test

import (
	"fmt"
	"math/cmplx"

	"github.com/pflow-go/pflow/linalg"
)

// A Krylov workspace evaluates exp(A)v for the complex symmetric
// tridiagonal A with diagonal 2 + 0.1i·j and off-diagonal 1 by the complex
// symmetric Lanczos process; calls after the first reuse its memory. The
// result is compared with Arnoldi's.
func ExampleKrylov_ComplexSymFuncTo() {
	const n = 100
	op := func(dst, x []complex128) {
		for i := range dst {
			d := complex(2, 0.1*float64(i%7))
			dst[i] = d * x[i]
			if i > 0 {
				dst[i] += x[i-1]
			}
			if i < n-1 {
				dst[i] += x[i+1]
			}
		}
	}
	v := make([]complex128, n)
	for i := range v {
		v[i] = complex(1/float64(i+1), 0)
	}
	var k linalg.Krylov
	got := make([]complex128, n)
	st, err := k.ComplexSymFuncTo(got, op, v, cmplx.Exp, &linalg.KrylovSettings{Tol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	want := make([]complex128, n)
	if _, err := k.ArnoldiFuncTo(want, op, v, cmplx.Exp, &linalg.KrylovSettings{Tol: 1e-12}); err != nil {
		fmt.Println(err)
		return
	}
	for i := range want {
		want[i] -= got[i]
	}
	fmt.Println("converged below 1e-12:", st.ErrEst <= 1e-12)
	fmt.Println("agrees with Arnoldi to 1e-11:", linalg.Norm2(want) <= 1e-11*linalg.Norm2(got))
	// Output:
	// converged below 1e-12: true
	// agrees with Arnoldi to 1e-11: true
}
