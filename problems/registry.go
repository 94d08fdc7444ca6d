package problems

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// entry describes one catalogue name: its parameters with defaults and
// its constructor.
type entry struct {
	params   []string // allowed parameter names, in order
	defaults map[string]string
	build    func(a args) (*Problem, error)
	summary  string
}

type args map[string]string

func (a args) int(k string) (int, error) {
	v, err := strconv.Atoi(a[k])
	if err != nil {
		return 0, fmt.Errorf("%w: %s=%q is not an integer", ErrBadParameter, k, a[k])
	}
	return v, nil
}

func (a args) uint(k string) (uint64, error) {
	v, err := strconv.ParseUint(a[k], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s=%q is not a non-negative integer", ErrBadParameter, k, a[k])
	}
	return v, nil
}

func (a args) float(k string) (float64, error) {
	v, err := strconv.ParseFloat(a[k], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: %s=%q is not a finite number", ErrBadParameter, k, a[k])
	}
	return v, nil
}

func fixed(p func() *Problem) func(args) (*Problem, error) {
	return func(args) (*Problem, error) { return p(), nil }
}

var catalogue = map[string]entry{
	"quadratic2d":  {build: fixed(newQuadratic2d), summary: "θᵀdiag(1, 0.01)θ, start (−0.35, −0.2)"},
	"cubic":        {build: fixed(newCubic), summary: "θ²/2 + θ³/3"},
	"quartic":      {build: fixed(newQuartic), summary: "θ⁴/4 + θ²/2"},
	"logcosh":      {build: fixed(newLogcosh), summary: "log cosh θ"},
	"doublewell":   {build: fixed(newDoublewell), summary: "−exp(−θ²/0.08) − 1.2·exp(−(θ−2)²/2)"},
	"rosenbrock":   {build: fixed(newRosenbrock), summary: "(1 − x)² + 100(y − x²)²"},
	"saddle":       {build: fixed(newSaddle), summary: "x² − y²"},
	"monkeysaddle": {build: fixed(newMonkeySaddle), summary: "x³ − 3xy²"},
	"himmelblau":   {build: fixed(newHimmelblau), summary: "(x² + y − 11)² + (x + y² − 7)²"},
	"deeplinear": {
		params: []string{"k"}, defaults: map[string]string{"k": "3"},
		summary: "½(w₁⋯w_k − 1)²",
		build: func(a args) (*Problem, error) {
			k, err := a.int("k")
			if err != nil {
				return nil, err
			}
			return NewDeepLinear(k)
		},
	},
	"matfact": {
		params: []string{"m", "n", "r", "seed"}, defaults: map[string]string{"m": "4", "n": "3", "r": "2", "seed": "1"},
		summary: "½‖UVᵀ − M‖²",
		build: func(a args) (*Problem, error) {
			m, err1 := a.int("m")
			n, err2 := a.int("n")
			r, err3 := a.int("r")
			s, err4 := a.uint("seed")
			if err := firstErr(err1, err2, err3, err4); err != nil {
				return nil, err
			}
			return NewMatFact(m, n, r, s)
		},
	},
	"logreg": {
		params: []string{"n", "p", "lambda", "seed"}, defaults: map[string]string{"n": "100", "p": "5", "lambda": "0.01", "seed": "1"},
		summary: "ℓ2-regularised logistic regression",
		build: func(a args) (*Problem, error) {
			n, err1 := a.int("n")
			p, err2 := a.int("p")
			l, err3 := a.float("lambda")
			s, err4 := a.uint("seed")
			if err := firstErr(err1, err2, err3, err4); err != nil {
				return nil, err
			}
			return NewLogReg(n, p, l, s)
		},
	},
	"mlp": {
		params:   []string{"n", "in", "hidden", "out", "seed"},
		defaults: map[string]string{"n": "64", "in": "10", "hidden": "150", "out": "3", "seed": "1"},
		summary:  "tanh MLP, MSE, d = 2103 by default",
		build: func(a args) (*Problem, error) {
			n, err1 := a.int("n")
			in, err2 := a.int("in")
			h, err3 := a.int("hidden")
			out, err4 := a.int("out")
			s, err5 := a.uint("seed")
			if err := firstErr(err1, err2, err3, err4, err5); err != nil {
				return nil, err
			}
			return NewMLP(n, in, h, out, s)
		},
	},
	"quadratic": {
		params: []string{"d", "seed", "min", "max"}, defaults: map[string]string{"d": "10", "seed": "1", "min": "0.01", "max": "1"},
		summary: "½θᵀQdiag(λ)Qᵀθ, random basis, λ from min to max (log-spaced if min > 0, else linear)",
		build: func(a args) (*Problem, error) {
			d, err1 := a.int("d")
			s, err2 := a.uint("seed")
			lo, err3 := a.float("min")
			hi, err4 := a.float("max")
			if err := firstErr(err1, err2, err3, err4); err != nil {
				return nil, err
			}
			if d < 1 || d > maxRandomQuadDim {
				return nil, fmt.Errorf("%w: quadratic needs 1 ≤ d ≤ %d (use benchquad for larger), got %d", ErrBadParameter, maxRandomQuadDim, d)
			}
			if lo > hi {
				return nil, fmt.Errorf("%w: quadratic needs min ≤ max, got %g > %g", ErrBadParameter, lo, hi)
			}
			p, err := NewQuadratic("", spectrum(d, lo, hi), RandomBasis(d, s), nil)
			if err != nil {
				return nil, err
			}
			p.Name = fmt.Sprintf("quadratic:d=%d,seed=%d,min=%g,max=%g", d, s, lo, hi)
			p.Description = "quadratic ½θᵀAθ, A = Q diag(λ) Qᵀ, Q from the QR factorisation of a seeded Gaussian " +
				"matrix, λ from min to max (log-spaced when min > 0, linear otherwise); start (1, …, 1)"
			return p, nil
		},
	},
	"benchquad": {
		params: []string{"d"}, defaults: map[string]string{"d": "100"},
		summary: "the docs/benchmarks.md quadratic (Householder basis)",
		build: func(a args) (*Problem, error) {
			d, err := a.int("d")
			if err != nil {
				return nil, err
			}
			return NewBenchQuadratic(d)
		},
	},
}

// maxRandomQuadDim caps the dense random-basis quadratic of ByName (its
// construction costs O(d³): about a second at d = 1000).
const maxRandomQuadDim = 1000

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Names returns the catalogue names accepted by ByName, sorted, each with
// its parameters and defaults (e.g. "deeplinear:k=3").
func Names() []string {
	var names []string
	for n, e := range catalogue {
		if len(e.params) == 0 {
			names = append(names, n)
			continue
		}
		kv := make([]string, len(e.params))
		for i, k := range e.params {
			kv[i] = k + "=" + e.defaults[k]
		}
		names = append(names, n+":"+strings.Join(kv, ","))
	}
	slices.Sort(names)
	return names
}

// ByName builds a catalogue problem from a command-line spec
// "name[:key=value,key=value…]", e.g. "quadratic2d", "deeplinear:k=4",
// "quadratic:d=50,seed=1,min=-1,max=10". Omitted parameters take the
// defaults shown by Names. Unknown names and malformed or out-of-range
// parameters return an error (wrapping ErrUnknownProblem or
// ErrBadParameter) that lists the valid choices; ByName never panics.
// A spec "expr:EXPRESSION" is compiled by Parse instead.
func ByName(spec string) (*Problem, error) {
	if e, ok := strings.CutPrefix(strings.TrimSpace(spec), ExprPrefix); ok {
		return Parse(e)
	}
	name, rest, hasParams := strings.Cut(strings.TrimSpace(spec), ":")
	e, ok := catalogue[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (valid: %s)", ErrUnknownProblem, name, strings.Join(Names(), ", "))
	}
	a := args{}
	for k, v := range e.defaults {
		a[k] = v
	}
	if hasParams {
		if len(e.params) == 0 {
			return nil, fmt.Errorf("%w: %s takes no parameters, got %q", ErrBadParameter, name, rest)
		}
		seen := map[string]bool{}
		for _, kv := range strings.Split(rest, ",") {
			k, v, ok := strings.Cut(kv, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || v == "" || !slices.Contains(e.params, k) || seen[k] {
				return nil, fmt.Errorf("%w: %q in %q (%s takes %s)", ErrBadParameter, kv, spec, name, strings.Join(e.params, ", "))
			}
			seen[k] = true
			a[k] = v
		}
	}
	p, err := e.build(a)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}
