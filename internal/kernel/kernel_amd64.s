//go:build !noasm

#include "textflag.h"

// PF is the prefetch distance in bytes along each row.
#define PF 2048

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// REDUCE sums the four lanes of Y register y (its X name x) into the low
// lane, using X15 as scratch, and stores it at dst.
#define REDUCE(y, x, dst) \
	VEXTRACTF128 $1, y, X15; \
	VADDPD       X15, x, x;  \
	VHADDPD      x, x, x;    \
	VMOVSD       x, dst

// REDUCE8 stores the lane sums of Y0–Y7 at 0(R11), 8(R11), …, 56(R11).
#define REDUCE8 \
	REDUCE(Y0, X0, 0(R11));  \
	REDUCE(Y1, X1, 8(R11));  \
	REDUCE(Y2, X2, 16(R11)); \
	REDUCE(Y3, X3, 24(R11)); \
	REDUCE(Y4, X4, 32(R11)); \
	REDUCE(Y5, X5, 40(R11)); \
	REDUCE(Y6, X6, 48(R11)); \
	REDUCE(Y7, X7, 56(R11))

// ROWS4 sets R8, R9, R10 to the rows after the one at SI, lda = DX
// elements apart (DX becomes the stride in bytes).
#define ROWS4 \
	SHLQ $3, DX;          \
	LEAQ (SI)(DX*1), R8;  \
	LEAQ (R8)(DX*1), R9;  \
	LEAQ (R9)(DX*1), R10

// ZERO8 clears the accumulators Y0–Y7.
#define ZERO8 \
	VXORPD Y0, Y0, Y0; \
	VXORPD Y1, Y1, Y1; \
	VXORPD Y2, Y2, Y2; \
	VXORPD Y3, Y3, Y3; \
	VXORPD Y4, Y4, Y4; \
	VXORPD Y5, Y5, Y5; \
	VXORPD Y6, Y6, Y6; \
	VXORPD Y7, Y7, Y7

// PREFETCH4 prefetches the four rows PF bytes ahead of column AX.
#define PREFETCH4 \
	PREFETCHT0 PF(SI)(AX*8);  \
	PREFETCHT0 PF(R8)(AX*8);  \
	PREFETCHT0 PF(R9)(AX*8);  \
	PREFETCHT0 PF(R10)(AX*8)

// func dot4(n int, a *float64, lda int, x *float64, out *[4]float64)
// Four rows, two accumulators each (Y0–Y7), eight columns per iteration.
TEXT ·dot4(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), DX
	ROWS4
	MOVQ x+24(FP), DI
	MOVQ out+32(FP), R11
	ZERO8
	XORQ AX, AX
	SHRQ $3, CX
	JZ   dot4done

dot4loop:
	PREFETCH4
	VMOVUPD     (DI)(AX*8), Y8
	VMOVUPD     32(DI)(AX*8), Y9
	VFMADD231PD (SI)(AX*8), Y8, Y0
	VFMADD231PD 32(SI)(AX*8), Y9, Y1
	VFMADD231PD (R8)(AX*8), Y8, Y2
	VFMADD231PD 32(R8)(AX*8), Y9, Y3
	VFMADD231PD (R9)(AX*8), Y8, Y4
	VFMADD231PD 32(R9)(AX*8), Y9, Y5
	VFMADD231PD (R10)(AX*8), Y8, Y6
	VFMADD231PD 32(R10)(AX*8), Y9, Y7
	ADDQ        $8, AX
	DECQ        CX
	JNZ         dot4loop

dot4done:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y5, Y4, Y4
	VADDPD Y7, Y6, Y6
	REDUCE(Y0, X0, 0(R11))
	REDUCE(Y2, X2, 8(R11))
	REDUCE(Y4, X4, 16(R11))
	REDUCE(Y6, X6, 24(R11))
	VZEROUPPER
	RET

// func dot4x2(n int, a *float64, lda int, p, q *float64, out *[8]float64)
// Four rows against two vectors: eight accumulators (Y0–Y7), eight
// columns (one 64-byte line of each row) per iteration, each row chunk
// loaded once and used twice, with the rows' lines prefetched PF bytes
// ahead; four trailing columns, if any, in a last short step.
TEXT ·dot4x2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), DX
	ROWS4
	MOVQ p+24(FP), DI
	MOVQ q+32(FP), BX
	MOVQ out+40(FP), R11
	ZERO8
	XORQ AX, AX
	MOVQ CX, R12
	SHRQ $3, R12
	JZ   dot4x2tail

dot4x2loop:
	PREFETCH4
	VMOVUPD     (DI)(AX*8), Y8
	VMOVUPD     (BX)(AX*8), Y9
	VMOVUPD     32(DI)(AX*8), Y10
	VMOVUPD     32(BX)(AX*8), Y11
	VMOVUPD     (SI)(AX*8), Y12
	VMOVUPD     32(SI)(AX*8), Y13
	VFMADD231PD Y12, Y8, Y0
	VFMADD231PD Y12, Y9, Y1
	VFMADD231PD Y13, Y10, Y0
	VFMADD231PD Y13, Y11, Y1
	VMOVUPD     (R8)(AX*8), Y12
	VMOVUPD     32(R8)(AX*8), Y13
	VFMADD231PD Y12, Y8, Y2
	VFMADD231PD Y12, Y9, Y3
	VFMADD231PD Y13, Y10, Y2
	VFMADD231PD Y13, Y11, Y3
	VMOVUPD     (R9)(AX*8), Y12
	VMOVUPD     32(R9)(AX*8), Y13
	VFMADD231PD Y12, Y8, Y4
	VFMADD231PD Y12, Y9, Y5
	VFMADD231PD Y13, Y10, Y4
	VFMADD231PD Y13, Y11, Y5
	VMOVUPD     (R10)(AX*8), Y12
	VMOVUPD     32(R10)(AX*8), Y13
	VFMADD231PD Y12, Y8, Y6
	VFMADD231PD Y12, Y9, Y7
	VFMADD231PD Y13, Y10, Y6
	VFMADD231PD Y13, Y11, Y7
	ADDQ        $8, AX
	DECQ        R12
	JNZ         dot4x2loop

dot4x2tail:
	TESTQ $4, CX
	JZ    dot4x2done
	VMOVUPD     (DI)(AX*8), Y8
	VMOVUPD     (BX)(AX*8), Y9
	VMOVUPD     (SI)(AX*8), Y12
	VFMADD231PD Y12, Y8, Y0
	VFMADD231PD Y12, Y9, Y1
	VMOVUPD     (R8)(AX*8), Y12
	VFMADD231PD Y12, Y8, Y2
	VFMADD231PD Y12, Y9, Y3
	VMOVUPD     (R9)(AX*8), Y12
	VFMADD231PD Y12, Y8, Y4
	VFMADD231PD Y12, Y9, Y5
	VMOVUPD     (R10)(AX*8), Y12
	VFMADD231PD Y12, Y8, Y6
	VFMADD231PD Y12, Y9, Y7

dot4x2done:
	REDUCE8
	VZEROUPPER
	RET

// func dot4c(n int, a *float64, lda int, x *float64, out *[8]float64)
// Four real rows against a complex vector x stored (re, im, re, im, …):
// out[2r] = Σ_{j<n} a[r·lda+j]·Re x_j and out[2r+1] the same with Im x_j,
// for n a positive multiple of 4. Each pass splits four entries of x into
// their real and imaginary parts (VUNPCKLPD/VUNPCKHPD give the order
// 0, 2, 1, 3; VPERMPD $0xD8 restores 0, 1, 2, 3) and uses them for the
// four rows: eight accumulators (Y0–Y7).
TEXT ·dot4c(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), DX
	ROWS4
	MOVQ x+24(FP), DI
	MOVQ out+32(FP), R11
	ZERO8
	XORQ AX, AX
	XORQ BX, BX
	SHRQ $2, CX
	JZ   dot4cdone

dot4cloop:
	PREFETCH4
	VMOVUPD     (DI)(BX*1), Y12
	VMOVUPD     32(DI)(BX*1), Y13
	VUNPCKLPD   Y13, Y12, Y8
	VUNPCKHPD   Y13, Y12, Y9
	VPERMPD     $0xD8, Y8, Y8
	VPERMPD     $0xD8, Y9, Y9
	VMOVUPD     (SI)(AX*8), Y10
	VMOVUPD     (R8)(AX*8), Y11
	VFMADD231PD Y10, Y8, Y0
	VFMADD231PD Y10, Y9, Y1
	VFMADD231PD Y11, Y8, Y2
	VFMADD231PD Y11, Y9, Y3
	VMOVUPD     (R9)(AX*8), Y10
	VMOVUPD     (R10)(AX*8), Y11
	VFMADD231PD Y10, Y8, Y4
	VFMADD231PD Y10, Y9, Y5
	VFMADD231PD Y11, Y8, Y6
	VFMADD231PD Y11, Y9, Y7
	ADDQ        $4, AX
	ADDQ        $64, BX
	DECQ        CX
	JNZ         dot4cloop

dot4cdone:
	REDUCE8
	VZEROUPPER
	RET
