package problems

import (
	"fmt"
	"github.com/pflow-go/pflow/internal/benchprob"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/pflow-go/pflow/linalg"
)

// MaxDenseHessDim is the largest dimension for which a problem without
// cheap structure provides a dense Hess; above it Hess is nil and callers
// use HessVec.
const MaxDenseHessDim = 4096

// quadOp applies a fixed real symmetric matrix A to a vector of T:
// dst = A v. dst and v must not alias unless stated (the dense form goes
// through BLAS: linalg.MulVec, linalg.DotRC).
type quadOp struct {
	n int
	// Dense form (row-major), or nil.
	a []float64
	// Householder form A = Q diag(lam) Q with Q = I − 2uuᵀ, or nil.
	u, lam []float64
}

func quadApply[T linalg.Scalar](q *quadOp, dst, v []T) {
	n := q.n
	if q.a != nil {
		// internal/kernel's product (AVX2/FMA, or DGEMV without it).
		linalg.MulVec(dst, q.a, n, n, v)
		return
	}
	// Q v = v − 2u(uᵀv); scale by λ; apply Q again. dst may alias v.
	u, lam := q.u, q.lam
	var s T
	for i, ui := range u {
		s += fl[T](ui) * v[i]
	}
	for i, ui := range u {
		dst[i] = fl[T](lam[i]) * (v[i] - 2*fl[T](ui)*s)
	}
	var t T
	for i, ui := range u {
		t += fl[T](ui) * dst[i]
	}
	for i, ui := range u {
		dst[i] -= 2 * fl[T](ui) * t
	}
}

// entry returns A_ij.
func (q *quadOp) entry(i, j int) float64 {
	if q.a != nil {
		return q.a[i*q.n+j]
	}
	// (Q Λ Q)_ij = Σ_k Q_ik λ_k Q_kj with Q_ik = δ_ik − 2u_i u_k.
	u, lam := q.u, q.lam
	var s float64
	for k := range u {
		var qik, qkj float64
		if i == k {
			qik = 1
		}
		if k == j {
			qkj = 1
		}
		qik -= 2 * u[i] * u[k]
		qkj -= 2 * u[k] * u[j]
		s += qik * lam[k] * qkj
	}
	return s
}

func quadFuncs[T linalg.Scalar](q *quadOp) Funcs[T] {
	n := q.n
	f := Funcs[T]{
		// E = ½ xᵀAx computed as ½ Σ_i x_i (Ax)_i without a workspace.
		Func: func(x []T) T {
			checkLenT(n, x)
			var e T
			if q.a != nil {
				for i := range n {
					e += x[i] * linalg.DotRC(q.a[i*n:i*n+n], x)
				}
				return e / 2
			}
			// Householder form: E = ½ Σ λ_k (Qx)_k².
			var s T
			for i, ui := range q.u {
				s += fl[T](ui) * x[i]
			}
			for i, ui := range q.u {
				y := x[i] - 2*fl[T](ui)*s
				e += fl[T](q.lam[i]) * y * y
			}
			return e / 2
		},
		Grad: func(grad, x []T) {
			checkLenT(n, grad, x)
			quadApply(q, grad, x)
		},
		HessVec: func(hv, x, v []T) {
			checkLenT(n, hv, x, v)
			quadApply(q, hv, v)
		},
		D3: func(dst, x, u, v []T) {
			checkLenT(n, dst, x, u, v)
			clear(dst)
		},
	}
	if n <= MaxDenseHessDim {
		f.Hess = func(hess, x []T) {
			checkLenT(n*n, hess)
			checkLenT(n, x)
			if q.a != nil {
				for i, a := range q.a {
					hess[i] = fl[T](a)
				}
				return
			}
			for i := range n {
				for j := i; j < n; j++ {
					e := fl[T](q.entry(i, j))
					hess[i*n+j], hess[j*n+i] = e, e
				}
			}
		}
	}
	return f
}

// quadStationary classifies the origin of E = ½xᵀAx from the spectrum.
func quadStationary(p *Problem, lam []float64) {
	var in Inertia
	for _, l := range lam {
		switch {
		case l > 0:
			in.Pos++
		case l < 0:
			in.Neg++
		default:
			in.Zero++
		}
	}
	pt := Point{X: make([]float64, len(lam)), E: 0, Inertia: in}
	switch {
	case in.Neg == 0:
		pt.Kind = Minimum
		p.Minima = []Point{pt}
	case in.Pos == 0:
		pt.Kind = Maximum
		p.Maxima = []Point{pt}
	default:
		pt.Kind = Saddle
		p.Saddles = []Point{pt}
	}
}

// NewQuadratic returns the quadratic E(x) = ½ xᵀAx with A = Q diag(eigs) Qᵀ,
// where the columns of basis (n×n, orthonormal to 1e−10) are the
// eigenvectors Q. A nil basis means the identity. Eigenvalues may be
// negative or zero. x0 (len n) is the default start; nil means (1, …, 1).
// The Hessian is the constant A and D³E ≡ 0.
func NewQuadratic(name string, eigs []float64, basis *mat.Dense, x0 []float64) (*Problem, error) {
	n := len(eigs)
	if n == 0 {
		return nil, fmt.Errorf("%w: quadratic needs at least one eigenvalue", ErrBadParameter)
	}
	for _, l := range eigs {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, fmt.Errorf("%w: quadratic eigenvalue %v is not finite", ErrBadParameter, l)
		}
	}
	if x0 == nil {
		x0 = make([]float64, n)
		for i := range x0 {
			x0[i] = 1
		}
	}
	if len(x0) != n {
		return nil, fmt.Errorf("%w: quadratic start has length %d, want %d", ErrBadParameter, len(x0), n)
	}
	a := make([]float64, n*n)
	if basis == nil {
		for i, l := range eigs {
			a[i*n+i] = l
		}
	} else {
		r, c := basis.Dims()
		if r != n || c != n {
			return nil, fmt.Errorf("%w: quadratic basis is %d×%d, want %d×%d", ErrBadParameter, r, c, n, n)
		}
		var qtq mat.Dense
		qtq.Mul(basis.T(), basis)
		for i := range n {
			for j := range n {
				want := 0.0
				if i == j {
					want = 1
				}
				if math.Abs(qtq.At(i, j)-want) > 1e-10 {
					return nil, fmt.Errorf("%w: quadratic basis is not orthonormal (QᵀQ − I has entry %.3g)", ErrBadParameter, qtq.At(i, j)-want)
				}
			}
		}
		// A = (Q diag(λ)) Qᵀ by gonum's blocked multiply, then symmetrised
		// so that Hess is exactly symmetric.
		var b, qa mat.Dense
		b.Scale(1, basis)
		for k, l := range eigs {
			for i := range n {
				b.Set(i, k, b.At(i, k)*l)
			}
		}
		qa.Mul(&b, basis.T())
		for i := range n {
			for j := i; j < n; j++ {
				s := (qa.At(i, j) + qa.At(j, i)) / 2
				a[i*n+j], a[j*n+i] = s, s
			}
		}
	}
	q := &quadOp{n: n, a: a}
	c := quadFuncs[complex128](q)
	p := &Problem{
		Name:        name,
		Description: "quadratic E(x) = ½ xᵀAx, A = Q diag(λ) Qᵀ with given spectrum and orthonormal basis",
		Source:      "closed form; principal-flow exactness on quadratics: Rosca et al., TMLR 2023",
		Dim:         n, X0: append([]float64(nil), x0...),
		Real: quadFuncs[float64](q), Complex: &c, ConstantHessian: true,
	}
	quadStationary(p, eigs)
	return p, nil
}

// RandomBasis returns an n×n orthonormal matrix: the Q factor of the QR
// factorisation of a matrix of standard normal entries drawn with a PCG
// generator seeded with seed (Haar-distributed up to column signs).
func RandomBasis(n int, seed uint64) *mat.Dense {
	rnd := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, rnd.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// NewBenchQuadratic returns the benchmarks.md quadratic E = ½ θᵀAθ with
// A = Q diag(λ) Q, Q = I − 2uuᵀ (u and λ of internal/benchprob.NewSPD:
// v_i = ((7i) mod 11) − 4.5, u = v/‖v‖, λ_i = 10^(−2 + 2(i−1)/(d−1))),
// start θ0 = (1, …, 1). Gradient and HVP cost O(d)
// through the Householder form; Hess is dense (nil for d >
// MaxDenseHessDim).
func NewBenchQuadratic(d int) (*Problem, error) {
	if d < 2 || d > 1<<24 {
		return nil, fmt.Errorf("%w: benchquad needs 2 ≤ d ≤ 2²⁴, got %d", ErrBadParameter, d)
	}
	spd := benchprob.NewSPD(d)
	lam := spd.Lambda
	q := &quadOp{n: d, u: spd.U, lam: lam}
	x0 := make([]float64, d)
	for i := range x0 {
		x0[i] = 1
	}
	c := quadFuncs[complex128](q)
	p := &Problem{
		Name: fmt.Sprintf("benchquad:d=%d", d),
		Description: "E(θ) = ½ θᵀAθ, A = Q diag(λ) Q, Q = I − 2uuᵀ, v_i = ((7i) mod 11) − 4.5, u = v/‖v‖, " +
			"λ_i = 10^(−2 + 2(i−1)/(d−1)); the gradient-flow and principal-flow workload of docs/benchmarks.md.",
		Source: "docs/benchmarks.md (gradflow_d*, principal_d*)",
		Dim:    d, X0: x0,
		Real: quadFuncs[float64](q), Complex: &c, ConstantHessian: true,
	}
	quadStationary(p, lam)
	return p, nil
}

// spectrum returns d eigenvalues from lo to hi: log-spaced when lo > 0,
// linearly spaced otherwise (so negative eigenvalues are allowed).
func spectrum(d int, lo, hi float64) []float64 {
	lam := make([]float64, d)
	for i := range lam {
		if d == 1 {
			lam[i] = hi
			continue
		}
		s := float64(i) / float64(d-1)
		if lo > 0 {
			lam[i] = lo * math.Pow(hi/lo, s)
		} else {
			lam[i] = lo + (hi-lo)*s
		}
	}
	return lam
}

func newQuadratic2d() *Problem {
	p, err := NewQuadratic("quadratic2d", []float64{2, 0.02}, nil, []float64{-0.35, -0.2})
	if err != nil {
		panic("problems: " + err.Error())
	}
	p.Description = "the paper's toy E(θ) = θᵀ diag(1, 0.01) θ (H = diag(2, 0.02)), start (−0.35, −0.2): " +
		"E(θ0) = 0.1229, ∇E(θ0) = (−0.7, −0.004)."
	p.Source = "Rosca, Wu, Qin, Dherin, TMLR 2023 (arXiv 2302.01952), released code " +
		"github.com/google-deepmind/discretisation_drift"
	return p
}
