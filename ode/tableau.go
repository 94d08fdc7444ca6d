package ode

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
	"sync"
)

// Tableau is an explicit Runge–Kutta method given by its Butcher tableau,
// with an optional embedded error estimator and an optional continuous
// extension (dense output). It is plain data: a user may build their own and
// check it with Validate and OrderDefect.
//
// Stages are numbered 0..s-1. A has s rows, row i holding the i coefficients
// a_i0 … a_i,i-1 (the method is explicit). The step is
//
//	k_i = f(t + c_i h, y + h Σ_j a_ij k_j),   y1 = y + h Σ_i b_i k_i,
//
// the error estimate is h Σ_i E_i k_i (E = b − b̂), and the dense output is
//
//	y(t + θh) = y + h Σ_i b_i(θ) k_i,   b_i(θ) = Σ_p BTheta[i][p] θ^(p+1),
//
// where i also runs over the ExtraC/ExtraA stages that only the interpolant
// uses (they are evaluated lazily, once per step, when dense output is
// needed).
type Tableau struct {
	// Name is the lower-case name under which Lookup finds the method.
	Name string
	// Order is the order of the propagated solution y1.
	Order int
	// EmbeddedOrder is the order of the embedded solution b̂ (0 when E is nil).
	EmbeddedOrder int
	// Stages: C[i] is the node of stage i, A[i] its row (len(A[i]) == i).
	C []float64
	A [][]float64
	// B holds the weights of the propagated solution.
	B []float64
	// E holds the error weights b − b̂ (nil for fixed-step-only methods).
	E []float64
	// E3 is an optional second error estimator. When it is non-nil the
	// error norm is Hairer's DOP853 combination
	// err = ‖e5‖² / sqrt(‖e5‖² + 0.01‖e3‖²) (Hairer, Nørsett, Wanner I,
	// Sec. II.10), with e5 from E and e3 from E3.
	E3 []float64
	// FSAL reports that the last stage is evaluated at (t+h, y1), so that its
	// derivative is the first stage of the next step: A[s-1] == B and
	// C[s-1] == 1. When the last error weight is zero this stage is evaluated
	// only after a step has been accepted (as in Hairer's DOP853).
	FSAL bool
	// DenseOrder is the order of the continuous extension BTheta; 0 means the
	// method has none and the integrator uses cubic Hermite interpolation
	// (order 3) between the step's end points.
	DenseOrder int
	// ExtraC and ExtraA describe stages used only by the interpolant; row j
	// of ExtraA has s+j entries.
	ExtraC []float64
	ExtraA [][]float64
	// BTheta[i] holds the coefficients of θ, θ², … in b_i(θ), for
	// i < s + len(ExtraC). Nil when DenseOrder is 0.
	BTheta [][]float64
	// Controller holds the default PI controller constants; zero fields
	// take Hairer's I-controller values for the embedded order q:
	// Alpha = 1/(q+1), Beta = 0, Safety 0.9, FacMin 0.2, FacMax 10.
	Controller PI
	// Reference is the published source of the coefficients.
	Reference string

	// exactFn returns the coefficients as exact rationals (decimal
	// literals read exactly as written; a + b√6 with √6 rounded to
	// sqrt6Prec bits) for the built-in tableaus, computed on first use;
	// nil for user ones.
	exactFn func() *exactTableau
}

// Stages returns the number of stages of the step (without the
// interpolation-only stages).
func (t *Tableau) Stages() int { return len(t.C) }

// Adaptive reports whether the method has an error estimator.
func (t *Tableau) Adaptive() bool { return t.E != nil }

// Validate checks the tableau's structure: lengths, explicitness, finite
// coefficients, row sums c_i = Σ_j a_ij, Σ b_i = 1, Σ E_i = 0, FSAL and
// dense-output consistency (b_i(1) = b_i). It does not check the order
// conditions; use OrderDefect for that.
func (t *Tableau) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: tableau %q: %s", ErrInvalidSettings, t.Name, fmt.Sprintf(format, args...))
	}
	s := len(t.C)
	if s == 0 {
		return bad("no stages")
	}
	if len(t.A) != s || len(t.B) != s {
		return bad("len(A)=%d, len(B)=%d, want %d", len(t.A), len(t.B), s)
	}
	if t.E != nil && len(t.E) != s {
		return bad("len(E)=%d, want %d", len(t.E), s)
	}
	if t.E3 != nil && (len(t.E3) != s || t.E == nil) {
		return bad("E3 needs E and length %d", s)
	}
	const tol = 1e-13
	finite := func(v []float64) bool {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
		return true
	}
	if !finite(t.C) || !finite(t.B) || !finite(t.E) || !finite(t.E3) {
		return bad("non-finite coefficient")
	}
	rowsum := func(row []float64, c float64, i int) error {
		if !finite(row) {
			return bad("non-finite coefficient in row %d", i)
		}
		sum := 0.0
		scale := math.Abs(c)
		for _, a := range row {
			sum += a
			scale += math.Abs(a)
		}
		if math.Abs(sum-c) > tol*math.Max(1, scale) {
			return bad("row %d sums to %v, c = %v", i, sum, c)
		}
		return nil
	}
	for i := range s {
		if len(t.A[i]) != i {
			return bad("row %d has %d entries, want %d (explicit)", i, len(t.A[i]), i)
		}
		if err := rowsum(t.A[i], t.C[i], i); err != nil {
			return err
		}
	}
	if err := rowsum(t.B, 1, -1); err != nil {
		return bad("weights sum to %v, want 1", sum(t.B))
	}
	if t.E != nil && math.Abs(sum(t.E)) > tol*math.Max(1, sumAbs(t.E)) {
		return bad("error weights sum to %v, want 0", sum(t.E))
	}
	if t.E3 != nil && math.Abs(sum(t.E3)) > tol*math.Max(1, sumAbs(t.E3)) {
		return bad("E3 weights sum to %v, want 0", sum(t.E3))
	}
	if t.Order < 1 || (t.E != nil && t.EmbeddedOrder < 1) {
		return bad("orders not set")
	}
	if t.FSAL {
		if t.C[s-1] != 1 {
			return bad("FSAL needs c_s = 1")
		}
		for j, a := range t.A[s-1] {
			if a != t.B[j] {
				return bad("FSAL needs the last row of A equal to B (column %d)", j)
			}
		}
		if t.B[s-1] != 0 {
			return bad("FSAL needs b_s = 0")
		}
	}
	if len(t.ExtraA) != len(t.ExtraC) {
		return bad("len(ExtraA) != len(ExtraC)")
	}
	for j, row := range t.ExtraA {
		if len(row) != s+j {
			return bad("extra row %d has %d entries, want %d", j, len(row), s+j)
		}
		if err := rowsum(row, t.ExtraC[j], s+j); err != nil {
			return err
		}
	}
	if t.DenseOrder > 0 {
		if len(t.BTheta) != s+len(t.ExtraC) {
			return bad("len(BTheta)=%d, want %d", len(t.BTheta), s+len(t.ExtraC))
		}
		for i, p := range t.BTheta {
			if !finite(p) {
				return bad("non-finite BTheta[%d]", i)
			}
			var bi float64
			if i < s {
				bi = t.B[i]
			}
			if math.Abs(sum(p)-bi) > 1e-12*math.Max(1, sumAbs(p)) {
				return bad("b_%d(1) = %v, want b_%d = %v", i, sum(p), i, bi)
			}
		}
	} else if t.BTheta != nil || t.ExtraC != nil {
		return bad("BTheta or extra stages given with DenseOrder 0")
	}
	return nil
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func sumAbs(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}

var registry = map[string]*Tableau{}

func register(t *Tableau) *Tableau {
	if err := t.Validate(); err != nil {
		panic("ode: built-in " + err.Error())
	}
	registry[t.Name] = t
	return t
}

// Lookup returns the built-in method with the given lower-case name (see
// Names), or an error wrapping ErrInvalidSettings that lists the names.
func Lookup(name string) (*Tableau, error) {
	if t, ok := registry[strings.ToLower(name)]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("%w: unknown method %q (known: %s)", ErrInvalidSettings, name, strings.Join(Names(), ", "))
}

// Names returns the names of the built-in methods, sorted.
func Names() []string {
	n := make([]string, 0, len(registry))
	for k := range registry {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// exactTableau is a tableau in exact rational arithmetic.
type exactTableau struct {
	c, b, e, e3, extraC []*big.Rat
	a, extraA, bTheta   [][]*big.Rat
}

// spec is the source form of a built-in tableau: every coefficient is a
// string read exactly by big.Rat (fractions "35/384" or decimals
// "0.0526001519587677318785587544488") or an element a + b√6 of Q(√6)
// written "a + b√6" or "a - b√6" with rational a, b. Empty strings are
// zeros.
type spec struct {
	name          string
	order, emb    int
	c, b, e, e3   []string
	a             [][]string
	fsal          bool
	denseOrder    int
	extraC        []string
	extraA        [][]string
	bTheta        [][]string // may be nil when dense is computed by a builder
	controller    PI
	ref           string
	exactBThetaFn func(x *exactTableau) [][]*big.Rat
	postExact     func(x *exactTableau) // derived coefficients (DOP853's E3)
}

func rat(s string) *big.Rat {
	s = strings.TrimSpace(s)
	if s == "" {
		return new(big.Rat)
	}
	if a, b, ok := parseSurd6(s); ok {
		// a + b√6 with √6 rounded to sqrt6Prec bits: the rational
		// machinery then sees the coefficient to ~1e-59 (the exact check in
		// Q(√6) is in the tests).
		return a.Add(a, b.Mul(b, sqrt6Rat()))
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("ode: bad coefficient " + s)
	}
	return r
}

// sqrt6Prec is the precision in bits of the rational approximation of √6
// used for coefficients in Q(√6) (Verner's 9(8) pair).
const sqrt6Prec = 200

var sqrt6Once = sync.OnceValue(func() *big.Rat {
	f := new(big.Float).SetPrec(sqrt6Prec).SetInt64(6)
	r, _ := f.Sqrt(f).Rat(nil)
	return r
})

func sqrt6Rat() *big.Rat { return sqrt6Once() }

// parseSurd6 reads "A + B√6" or "A - B√6" (A, B rationals as accepted by
// big.Rat.SetString) and returns A and ±B; ok is false if s has no √6 term.
func parseSurd6(s string) (a, b *big.Rat, ok bool) {
	head, ok := strings.CutSuffix(s, "√6")
	if !ok {
		return nil, nil, false
	}
	i := strings.LastIndexAny(head, "+-")
	for i > 0 && head[i-1] != ' ' { // a sign inside an exponent or the first term
		i = strings.LastIndexAny(head[:i], "+-")
	}
	if i <= 0 {
		panic("ode: bad surd coefficient " + s)
	}
	a, ok1 := new(big.Rat).SetString(strings.TrimSpace(head[:i]))
	b, ok2 := new(big.Rat).SetString(strings.TrimSpace(head[i+1:]))
	if !ok1 || !ok2 {
		panic("ode: bad surd coefficient " + s)
	}
	if head[i] == '-' {
		b.Neg(b)
	}
	return a, b, true
}

func rats(v []string) []*big.Rat {
	if v == nil {
		return nil
	}
	out := make([]*big.Rat, len(v))
	for i, s := range v {
		out[i] = rat(s)
	}
	return out
}

func ratRows(m [][]string) [][]*big.Rat {
	if m == nil {
		return nil
	}
	out := make([][]*big.Rat, len(m))
	for i, r := range m {
		out[i] = rats(r)
	}
	return out
}

func floatsOf(v []*big.Rat) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v))
	for i, r := range v {
		out[i], _ = r.Float64()
	}
	return out
}

func floatRows(m [][]*big.Rat) [][]float64 {
	if m == nil {
		return nil
	}
	out := make([][]float64, len(m))
	for i, r := range m {
		out[i] = floatsOf(r)
	}
	return out
}

// padRows fills each row i of a to length i+offset (missing trailing
// entries are zero), so that sparse rows may be written short.
func padRows(a [][]*big.Rat, offset int) {
	for i := range a {
		for len(a[i]) < i+offset {
			a[i] = append(a[i], new(big.Rat))
		}
	}
}

// exactOf parses the coefficients of sp exactly.
func exactOf(sp spec) *exactTableau {
	x := &exactTableau{
		c: rats(sp.c), b: rats(sp.b), e: rats(sp.e), e3: rats(sp.e3),
		a: ratRows(sp.a), extraC: rats(sp.extraC), extraA: ratRows(sp.extraA),
		bTheta: ratRows(sp.bTheta),
	}
	padRows(x.a, 0)
	padRows(x.extraA, len(x.c))
	for i := range x.bTheta { // empty rows are zero polynomials
		if len(x.bTheta[i]) == 0 {
			x.bTheta[i] = []*big.Rat{new(big.Rat)}
		}
	}
	if sp.exactBThetaFn != nil {
		x.bTheta = sp.exactBThetaFn(x)
	}
	if sp.postExact != nil {
		sp.postExact(x)
	}
	return x
}

// floatTableau holds the float64 coefficients of a built-in tableau, the
// exact rationals rounded to nearest (zz_tableaus.go, generated by
// TestTableauFloatsGenerated from exactOf, which checks them).
type floatTableau struct {
	C, B, E, E3, ExtraC []float64
	A, ExtraA, BTheta   [][]float64
}

func (x *exactTableau) floats() floatTableau {
	return floatTableau{C: floatsOf(x.c), A: floatRows(x.a), B: floatsOf(x.b), E: floatsOf(x.e), E3: floatsOf(x.e3),
		ExtraC: floatsOf(x.extraC), ExtraA: floatRows(x.extraA), BTheta: floatRows(x.bTheta)}
}

// build makes a built-in tableau: the float64 coefficients come from the
// generated table (no parsing at package initialisation), the exact
// rationals are parsed on first use (Exact, the order tests, bseries).
func build(sp spec) *Tableau {
	exact := sync.OnceValue(func() *exactTableau { return exactOf(sp) })
	f, ok := generatedFloats[sp.name]
	if !ok {
		f = exact().floats() // a new tableau before the table is regenerated
	}
	t := &Tableau{
		Name: sp.name, Order: sp.order, EmbeddedOrder: sp.emb,
		C: f.C, A: f.A, B: f.B, E: f.E, E3: f.E3,
		FSAL: sp.fsal, DenseOrder: sp.denseOrder,
		ExtraC: f.ExtraC, ExtraA: f.ExtraA, BTheta: f.BTheta,
		Controller: sp.controller, Reference: sp.ref, exactFn: exact,
	}
	if t.Controller == (PI{}) {
		q := sp.emb
		if q == 0 {
			q = sp.order
		}
		t.Controller = defaultPI(q, 0)
	}
	return register(t)
}

// exact returns the exact coefficients (nil for user tableaus).
func (t *Tableau) exact() *exactTableau {
	if t.exactFn == nil {
		return nil
	}
	return t.exactFn()
}
