//go:build !amd64 || noasm

package kernel

var useAsm = false

const hasAsm = false

func gemvAsm(m, n int, a []float64, lda int, x, y []float64) { panic("unreachable") }
func gemvPairAsm(m, n int, a []float64, lda int, u, v []float64, inc int, y []float64) {
	panic("unreachable")
}
