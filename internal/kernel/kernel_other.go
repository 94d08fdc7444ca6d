//go:build !amd64 || noasm

package kernel

var useAsm = false

const hasAsm = false

func gemvAsm(m, n int, a []float64, lda int, x, y []float64)     { panic("unreachable") }
func gemv2Asm(m, n int, a []float64, lda int, p, q, y []float64) { panic("unreachable") }
func gemvCAsm(m, n int, a []float64, lda int, x, y []float64)    { panic("unreachable") }
