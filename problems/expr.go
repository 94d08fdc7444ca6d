package problems

import (
	"fmt"
	"github.com/pflow-go/pflow"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ErrSyntax is wrapped by the errors of Parse for input that is not a
// valid expression; the message gives the 1-based column (in characters).
var ErrSyntax = pflow.Sentinel("problems: expression syntax error", pflow.ErrInvalidInput)

// Limits of Parse: expressions longer than MaxExprLen bytes, nested deeper
// than MaxExprDepth, compiling to more than MaxExprNodes operations or
// using a variable index above MaxExprVars are rejected with an error, so
// parsing and evaluating any input takes bounded time and memory.
const (
	MaxExprLen   = 4096
	MaxExprDepth = 64
	MaxExprNodes = 2048
	MaxExprVars  = 64
)

// ExprPrefix is the prefix that makes ByName (and so every -problem flag
// of cmd/pflow) parse the rest of the spec as an expression.
const ExprPrefix = "expr:"

// Parse compiles an arithmetic expression in the variables of a loss into
// a Problem with exact derivatives of every order the Number types carry:
// value, gradient, Hessian, Hessian-vector product and D³E contractions,
// all from one generic evaluation (FromGeneric), in float64 and, when the
// expression is holomorphic, in complex128.
//
// # Syntax
//
//   - Variables: x, y, z (x is θ₁, y is θ₂, z is θ₃) or x1, x2, …, xn
//     (at most MaxExprVars); the two styles cannot be mixed. The dimension
//     is the position of the highest variable used, so "x^2 + z^2" has
//     dimension 3 and "x2^2" dimension 2 (the loss is constant along the
//     unused coordinates).
//   - Numbers (2, 0.5, 1e-3, .5), the constant pi.
//   - Binary + - * / ^ (also **) with the usual precedence; ^ is right
//     associative and binds tighter than unary minus (-x^2 = −(x²)).
//     U+2212 (−), U+00B7 (·) and U+00D7 (×) are accepted for -, * and *.
//   - Functions of one argument: exp log sqrt sin cos tan sinh cosh tanh
//     log1p expm1 softplus (log(1 + eˣ), evaluated without overflow) and
//     abs. Every function except abs is the holomorphic continuation of
//     its real restriction (principal branches of log, sqrt and powers);
//     an expression using abs is not holomorphic, so the Problem's Complex
//     is nil and its Description says why.
//   - Powers: a constant integer exponent (|n| ≤ 64) is repeated
//     multiplication, exact for any base; exponent 0.5 is sqrt; any other
//     exponent c is x^c = exp(c·log x) (principal branch; NaN in float64
//     for x < 0); a non-constant exponent is exp(b·log a).
//
// Subexpressions without variables are folded to float64 at parse time; a
// non-finite constant (log(0), 1/0) is an error. Parse never evaluates
// code: the expression is compiled to a list of arithmetic operations on
// numbers. Errors wrap ErrSyntax (or ErrBadParameter for the limits) and
// name the 1-based column.
//
// The returned Problem is named "expr:" followed by the input (trimmed),
// its default start X0 is the origin (callers such as cmd/pflow require
// an explicit start), and it lists no stationary points.
func Parse(expr string) (*Problem, error) {
	c, err := compileExpr(expr)
	if err != nil {
		return nil, err
	}
	src := strings.TrimSpace(expr)
	desc := fmt.Sprintf("expression E(%s) = %s", strings.Join(c.varNames(), ", "), src)
	if !c.holomorphic {
		desc += "; not holomorphic (uses abs), so there is no complex extension"
	}
	g := Generic{
		Name:        ExprPrefix + src,
		Description: desc,
		Source:      "user expression (problems.Parse)",
		Dim:         c.dim,
		Holomorphic: c.holomorphic,
		Real:        func(x []Real) Real { return evalExpr(c, x, &c.realPool, &realExt) },
		Hyper:       func(x []Hyper) Hyper { return evalExpr(c, x, &c.hyperPool, &hyperExt) },
		Jet:         func(x []Jet) Jet { return evalExpr(c, x, &c.jetPool, &jetExt) },
		// any-order derivatives (bea:K, B-series) by Taylor jets
		Taylor: func(x []Taylor) Taylor { return evalExpr[Taylor](c, x, nil, nil) },
	}
	if c.holomorphic {
		g.Complex = func(x []Complex) Complex { return evalExpr(c, x, &c.complexPool, &complexExt) }
	}
	return FromGeneric(g)
}

// ExprLoss is a compiled expression whose Eval instantiates for any
// Number type, for callers that carry their own number type (for example
// Taylor jets of any order): EvalExpr[N](l, x).
type ExprLoss struct{ c *compiled }

// CompileExpr compiles expr with the rules of Parse and returns the loss
// and its dimension.
func CompileExpr(expr string) (*ExprLoss, int, error) {
	c, err := compileExpr(expr)
	if err != nil {
		return nil, 0, err
	}
	return &ExprLoss{c}, c.dim, nil
}

// Holomorphic reports whether the expression is the holomorphic extension
// of its real restriction (it uses no abs).
func (l *ExprLoss) Holomorphic() bool { return l.c.holomorphic }

// EvalExpr evaluates the compiled expression at x (len = its dimension)
// in the number type N. It allocates one workspace per call.
func EvalExpr[N Number[N]](l *ExprLoss, x []N) N {
	if len(x) != l.c.dim {
		panic("problems: EvalExpr: slice length mismatch")
	}
	return evalExpr[N](l.c, x, nil, nil)
}

// opcode is one instruction of a compiled expression.
type opcode uint8

const (
	opConst opcode = iota
	opVar
	opAdd
	opSub
	opMul
	opDiv
	opNeg
	opAddConst // a + c
	opScale    // c·a
	opPowInt   // a^n, n = int(c)
	opPowConst // a^c, c not an integer
	opPow      // a^b
	// unary functions, in funcNames order
	opExp
	opLog
	opSqrt
	opSin
	opCos
	opTan
	opSinh
	opCosh
	opTanh
	opLog1p
	opExpm1
	opSoftplus
	opAbs
)

var funcNames = map[string]opcode{
	"exp": opExp, "log": opLog, "sqrt": opSqrt, "sin": opSin, "cos": opCos, "tan": opTan,
	"sinh": opSinh, "cosh": opCosh, "tanh": opTanh, "log1p": opLog1p, "expm1": opExpm1,
	"softplus": opSoftplus, "abs": opAbs,
}

// instr computes register i (its index in the program) from registers a
// and b (earlier indices) and the constant c.
type instr struct {
	op   opcode
	a, b int32
	c    float64
}

type compiled struct {
	prog        []instr
	dim         int
	xyz         bool // variables named x, y, z rather than x1…xn
	holomorphic bool
	realPool    sync.Pool
	complexPool sync.Pool
	hyperPool   sync.Pool
	jetPool     sync.Pool
}

func (c *compiled) varNames() []string {
	names := make([]string, c.dim)
	for i := range names {
		if c.xyz {
			names[i] = string("xyz"[i])
		} else {
			names[i] = "x" + strconv.Itoa(i+1)
		}
	}
	return names
}

// node is the parse tree; constants are folded while building it.
type node struct {
	op       opcode
	kids     [2]*node
	c        float64
	col      int // column of the operator, for error messages
	isConst  bool
	varIndex int
}

type token struct {
	kind byte // 'n' number, 'i' identifier, 'o' operator char, 0 end
	text string
	num  float64
	col  int
}

type parser struct {
	toks  []token
	pos   int
	depth int
	nodes int
	maxV  int // highest variable index used (0-based), −1 none
	xyz   int // 0 unknown, 1 xyz style, 2 indexed style
	abs   bool
}

func syntaxErr(col int, format string, a ...any) error {
	return fmt.Errorf("%w at column %d: %s", ErrSyntax, col, fmt.Sprintf(format, a...))
}

func lex(s string) ([]token, error) {
	var toks []token
	col := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		col++
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, syntaxErr(col, "invalid UTF-8")
		case unicode.IsSpace(r):
			i += w
		case r >= '0' && r <= '9' || r == '.':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
				k := j + 1
				if k < len(s) && (s[k] == '+' || s[k] == '-') {
					k++
				}
				if k < len(s) && s[k] >= '0' && s[k] <= '9' {
					for k < len(s) && s[k] >= '0' && s[k] <= '9' {
						k++
					}
					j = k
				}
			}
			v, err := strconv.ParseFloat(s[i:j], 64)
			if err != nil || math.IsInf(v, 0) {
				return nil, syntaxErr(col, "malformed number %q", s[i:j])
			}
			toks = append(toks, token{kind: 'n', text: s[i:j], num: v, col: col})
			col += j - i - 1
			i = j
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || r == '_'):
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, token{kind: 'i', text: s[i:j], col: col})
			col += j - i - 1
			i = j
		case r == '*' && i+1 < len(s) && s[i+1] == '*':
			toks = append(toks, token{kind: 'o', text: "^", col: col})
			col++
			i += 2
		case strings.ContainsRune("+-*/^()", r):
			toks = append(toks, token{kind: 'o', text: string(r), col: col})
			i += w
		case r == '−':
			toks = append(toks, token{kind: 'o', text: "-", col: col})
			i += w
		case r == '·' || r == '×':
			toks = append(toks, token{kind: 'o', text: "*", col: col})
			i += w
		default:
			return nil, syntaxErr(col, "unexpected character %q", r)
		}
	}
	toks = append(toks, token{col: col + 1})
	return toks, nil
}

func compileExpr(expr string) (*compiled, error) {
	if len(expr) > MaxExprLen {
		return nil, fmt.Errorf("%w: expression longer than %d bytes", ErrBadParameter, MaxExprLen)
	}
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, maxV: -1}
	if toks[0].kind == 0 {
		return nil, syntaxErr(1, "empty expression")
	}
	root, err := p.sum()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != 0 {
		if t.text == ")" {
			return nil, syntaxErr(t.col, "unmatched )")
		}
		return nil, syntaxErr(t.col, "unexpected %q (missing operator?)", t.text)
	}
	if p.maxV < 0 {
		return nil, syntaxErr(1, "the expression uses no variable (x, y, z or x1…xn)")
	}
	c := &compiled{dim: p.maxV + 1, xyz: p.xyz == 1, holomorphic: !p.abs}
	c.emit(root)
	return c, nil
}

func (c *compiled) emit(n *node) int32 {
	in := instr{op: n.op, c: n.c}
	switch {
	case n.isConst:
		in.op = opConst
	case n.op == opVar:
		in.c = float64(n.varIndex)
	default:
		if n.kids[0] != nil {
			in.a = c.emit(n.kids[0])
		}
		if n.kids[1] != nil {
			in.b = c.emit(n.kids[1])
		}
	}
	c.prog = append(c.prog, in)
	return int32(len(c.prog) - 1)
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }
func (p *parser) isOp(s string) bool {
	t := p.toks[p.pos]
	return t.kind == 'o' && t.text == s
}

func (p *parser) enter(col int) error {
	p.depth++
	if p.depth > MaxExprDepth {
		return fmt.Errorf("%w: expression nested deeper than %d at column %d", ErrBadParameter, MaxExprDepth, col)
	}
	return nil
}

func (p *parser) newNode(n *node) (*node, error) {
	p.nodes++
	if p.nodes > MaxExprNodes {
		return nil, fmt.Errorf("%w: expression has more than %d operations (column %d)", ErrBadParameter, MaxExprNodes, n.col)
	}
	return n, nil
}

// sum := product (('+'|'-') product)*
func (p *parser) sum() (*node, error) {
	if err := p.enter(p.peek().col); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	l, err := p.product()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		t := p.next()
		r, err := p.product()
		if err != nil {
			return nil, err
		}
		op := opAdd
		if t.text == "-" {
			op = opSub
		}
		if l, err = p.binary(op, l, r, t.col); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// product := unary (('*'|'/') unary)*
func (p *parser) product() (*node, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") {
		t := p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		op := opMul
		if t.text == "/" {
			op = opDiv
		}
		if l, err = p.binary(op, l, r, t.col); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// unary := ('-'|'+') unary | power
func (p *parser) unary() (*node, error) {
	if p.isOp("-") || p.isOp("+") {
		t := p.next()
		if err := p.enter(t.col); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		a, err := p.unary()
		if err != nil {
			return nil, err
		}
		if t.text == "+" {
			return a, nil
		}
		if a.isConst {
			return &node{isConst: true, c: -a.c, col: t.col}, nil
		}
		return p.newNode(&node{op: opNeg, kids: [2]*node{a}, col: t.col})
	}
	return p.power()
}

// power := primary ('^' unary)?   (right associative: 2^3^2 = 2^9)
func (p *parser) power() (*node, error) {
	b, err := p.primary()
	if err != nil {
		return nil, err
	}
	if !p.isOp("^") {
		return b, nil
	}
	t := p.next()
	if err := p.enter(t.col); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	e, err := p.unary()
	if err != nil {
		return nil, err
	}
	return p.binary(opPow, b, e, t.col)
}

func (p *parser) primary() (*node, error) {
	t := p.next()
	switch t.kind {
	case 'n':
		return &node{isConst: true, c: t.num, col: t.col}, nil
	case 'i':
		if t.text == "pi" {
			return &node{isConst: true, c: math.Pi, col: t.col}, nil
		}
		if op, ok := funcNames[t.text]; ok {
			if !p.isOp("(") {
				return nil, syntaxErr(p.peek().col, "%s needs a parenthesised argument", t.text)
			}
			p.next()
			a, err := p.sum()
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, syntaxErr(p.peek().col, "missing ) for %s( at column %d", t.text, t.col)
			}
			p.next()
			if op == opAbs {
				p.abs = true
			}
			if a.isConst {
				return foldConst(op, a.c, 0, t.col)
			}
			return p.newNode(&node{op: op, kids: [2]*node{a}, col: t.col})
		}
		return p.variable(t)
	case 'o':
		if t.text == "(" {
			a, err := p.sum()
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, syntaxErr(p.peek().col, "missing ) for ( at column %d", t.col)
			}
			p.next()
			return a, nil
		}
		return nil, syntaxErr(t.col, "unexpected %q, want a number, variable, function or (", t.text)
	}
	return nil, syntaxErr(t.col, "unexpected end of expression")
}

func (p *parser) variable(t token) (*node, error) {
	idx, style := -1, 0
	switch s := t.text; {
	case s == "x" || s == "y" || s == "z":
		idx, style = strings.Index("xyz", s), 1
	case len(s) > 1 && s[0] == 'x' && s[1] >= '1' && s[1] <= '9':
		n, err := strconv.Atoi(s[1:])
		if err == nil {
			if n > MaxExprVars {
				return nil, fmt.Errorf("%w: variable %s at column %d: at most %d variables", ErrBadParameter, s, t.col, MaxExprVars)
			}
			idx, style = n-1, 2
		}
	}
	if idx < 0 {
		return nil, syntaxErr(t.col, "unknown name %q (variables x, y, z or x1…x%d; constant pi; functions "+
			"exp log sqrt sin cos tan sinh cosh tanh log1p expm1 softplus abs)", t.text, MaxExprVars)
	}
	if p.xyz != 0 && p.xyz != style {
		return nil, syntaxErr(t.col, "variable %s mixes the x, y, z and x1…xn styles", t.text)
	}
	p.xyz = style
	p.maxV = max(p.maxV, idx)
	return p.newNode(&node{op: opVar, varIndex: idx, col: t.col})
}

// binary builds l op r, folding constants and using the cheaper forms
// AddConst, Scale and integer powers.
func (p *parser) binary(op opcode, l, r *node, col int) (*node, error) {
	if l.isConst && r.isConst {
		return foldConst(op, l.c, r.c, col)
	}
	switch {
	case op == opAdd && r.isConst:
		return p.newNode(&node{op: opAddConst, kids: [2]*node{l}, c: r.c, col: col})
	case op == opAdd && l.isConst:
		return p.newNode(&node{op: opAddConst, kids: [2]*node{r}, c: l.c, col: col})
	case op == opSub && r.isConst:
		return p.newNode(&node{op: opAddConst, kids: [2]*node{l}, c: -r.c, col: col})
	case op == opMul && r.isConst:
		return p.newNode(&node{op: opScale, kids: [2]*node{l}, c: r.c, col: col})
	case op == opMul && l.isConst:
		return p.newNode(&node{op: opScale, kids: [2]*node{r}, c: l.c, col: col})
	case op == opPow && r.isConst:
		c := r.c
		switch {
		case c == math.Trunc(c) && math.Abs(c) <= 64:
			return p.newNode(&node{op: opPowInt, kids: [2]*node{l}, c: c, col: col})
		case c == 0.5:
			return p.newNode(&node{op: opSqrt, kids: [2]*node{l}, col: col})
		}
		return p.newNode(&node{op: opPowConst, kids: [2]*node{l}, c: c, col: col})
	}
	return p.newNode(&node{op: op, kids: [2]*node{l, r}, col: col})
}

// foldConst evaluates a constant subexpression in float64.
func foldConst(op opcode, a, b float64, col int) (*node, error) {
	var v float64
	switch op {
	case opAdd:
		v = a + b
	case opSub:
		v = a - b
	case opMul:
		v = a * b
	case opDiv:
		v = a / b
	case opPow:
		v = math.Pow(a, b)
	default:
		v = float64(applyFunc(op, Real(a), &realExt))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, syntaxErr(col, "constant subexpression is %v", v)
	}
	return &node{isConst: true, c: v, col: col}, nil
}

// exprExt holds, per number type, accurate or faster forms of the
// functions that Number lacks (expr_num.go); nil fields, and a nil
// *exprExt for Number types of other packages, fall back to the
// compositions in applyFunc.
type exprExt[N any] struct {
	tan, log1p, expm1, softplus, abs func(N) N
	powConst                         func(N, float64) N
}

func applyFunc[N Number[N]](op opcode, a N, ext *exprExt[N]) N {
	if ext == nil {
		ext = &exprExt[N]{}
	}
	switch op {
	case opExp:
		return a.Exp()
	case opLog:
		return a.Log()
	case opSqrt:
		return a.Sqrt()
	case opSin:
		return a.Sin()
	case opCos:
		return a.Cos()
	case opSinh:
		return a.Sinh()
	case opCosh:
		return a.Cosh()
	case opTanh:
		return a.Tanh()
	case opTan:
		if ext.tan != nil {
			return ext.tan(a)
		}
		return a.Sin().Div(a.Cos())
	case opLog1p:
		if ext.log1p != nil {
			return ext.log1p(a)
		}
		return a.AddConst(1).Log()
	case opExpm1:
		if ext.expm1 != nil {
			return ext.expm1(a)
		}
		return a.Exp().AddConst(-1)
	case opSoftplus:
		if ext.softplus != nil {
			return ext.softplus(a)
		}
		return a.Exp().AddConst(1).Log()
	case opAbs:
		if ext.abs != nil {
			return ext.abs(a)
		}
		// √(a²) is |a|, with derivatives sign(a)·… for real a ≠ 0.
		return a.Mul(a).Sqrt()
	}
	panic("problems: unknown expression opcode")
}

func powInt[N Number[N]](a N, n int) N {
	neg := n < 0
	if neg {
		n = -n
	}
	r := a.Const(1)
	for b := a; n > 0; n >>= 1 {
		if n&1 == 1 {
			r = r.Mul(b)
		}
		if n > 1 {
			b = b.Mul(b)
		}
	}
	if neg {
		return a.Const(1).Div(r)
	}
	return r
}

// evalExpr runs the program on x; pool (may be nil) recycles the
// register file.
func evalExpr[N Number[N]](c *compiled, x []N, pool *sync.Pool, ext *exprExt[N]) N {
	var ps *[]N
	if pool != nil {
		if v := pool.Get(); v != nil {
			ps = v.(*[]N)
		}
	}
	if ps == nil {
		s := make([]N, len(c.prog))
		ps = &s
	}
	regs := *ps
	one := x[0]
	for i, in := range c.prog {
		var v N
		switch in.op {
		case opConst:
			v = one.Const(in.c)
		case opVar:
			v = x[int(in.c)]
		case opAdd:
			v = regs[in.a].Add(regs[in.b])
		case opSub:
			v = regs[in.a].Sub(regs[in.b])
		case opMul:
			v = regs[in.a].Mul(regs[in.b])
		case opDiv:
			v = regs[in.a].Div(regs[in.b])
		case opNeg:
			v = regs[in.a].Neg()
		case opAddConst:
			v = regs[in.a].AddConst(in.c)
		case opScale:
			v = regs[in.a].Scale(in.c)
		case opPowInt:
			v = powInt(regs[in.a], int(in.c))
		case opPowConst:
			if ext != nil && ext.powConst != nil {
				v = ext.powConst(regs[in.a], in.c)
			} else {
				v = regs[in.a].Log().Scale(in.c).Exp()
			}
		case opPow:
			v = regs[in.a].Log().Mul(regs[in.b]).Exp()
		default:
			v = applyFunc(in.op, regs[in.a], ext)
		}
		regs[i] = v
	}
	r := regs[len(regs)-1]
	if pool != nil {
		pool.Put(ps)
	}
	return r
}
