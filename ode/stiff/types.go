package stiff

import "github.com/pflow-go/pflow/linalg"

// toC and fromC convert between T and complex128 slice-wise.
func toC[T linalg.Scalar](dst []complex128, src []T) {
	switch s := any(src).(type) {
	case []float64:
		for i, v := range s {
			dst[i] = complex(v, 0)
		}
	case []complex128:
		copy(dst, s)
	}
}

// fromC writes real parts (T = float64) or the values (T = complex128).
func fromC[T linalg.Scalar](dst []T, src []complex128) {
	switch d := any(dst).(type) {
	case []float64:
		for i, v := range src {
			d[i] = real(v)
		}
	case []complex128:
		copy(d, src)
	}
}

func isReal[T linalg.Scalar]() bool {
	var z T
	_, ok := any(z).(float64)
	return ok
}
