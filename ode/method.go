package ode

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Method is an integrator. Every integrator of the toolkit implements it:
// the explicit Runge–Kutta tableaus of this package (*Tableau), Radau5
// (package stiff), the splitting and composition methods, Gauss and the
// discrete-gradient methods (package geometric), and the exponential
// integrators of the principal flow (package modified). Solve runs any of
// them with the same Problem, Settings and Solution.
//
// RunReal and RunComplex integrate a Run for real and complex states; a
// method that does not support one returns an error wrapping
// ErrUnsupported. They are called by Solve, not by users: a method reads
// the problem, the times and the resolved settings from the Run, evaluates
// F through Run.Eval, asks Run.Check before each attempted step, lets
// Settings' controller (Run.Controller) choose the steps of an adaptive
// run, and hands every accepted step to Run.Accepted, which records the
// output, locates events and calls the observer and the progress callback.
type Method interface {
	Info() MethodInfo
	RunReal(r *Run[float64]) error
	RunComplex(r *Run[complex128]) error
}

// MethodInfo describes what a method is and what it can do. Solve checks
// the settings against it, so that a method never silently ignores a
// request it cannot honour.
type MethodInfo struct {
	// Name is the lower-case name under which LookupMethod finds it.
	Name string
	// Order is the classical order of the method.
	Order int
	// Adaptive reports an error estimator: the method runs with the
	// controller unless Settings.Step or Steps is set.
	Adaptive bool
	// Fixed reports that the method runs with fixed steps only.
	Fixed bool
	// Dense reports a continuous extension (Settings.Dense, events, TEval
	// between steps). Without one the method lands on TEval points by
	// shortening its steps, and events and Dense are refused.
	Dense bool
	// Implicit reports a nonlinear solve per step.
	Implicit bool
	// Needs lists the optional Problem fields the method requires
	// ("Split", "Energy", "Linear").
	Needs []string
	// Real and Complex report the supported state types.
	Real, Complex bool
	// Family groups methods: "explicit RK", "implicit RK", "splitting",
	// "discrete gradient", "exponential".
	Family string
	// Reference is the published source.
	Reference string
}

var methods = struct {
	sync.RWMutex
	m map[string]Method
}{m: map[string]Method{}}

// RegisterMethod makes m available to LookupMethod under its Info().Name.
// Packages register their methods in init (the command line imports them
// all). It panics on an empty or duplicate name (a programmer error).
func RegisterMethod(m Method) {
	name := m.Info().Name
	methods.Lock()
	defer methods.Unlock()
	if name == "" || methods.m[name] != nil {
		panic(fmt.Sprintf("ode: RegisterMethod: empty or duplicate name %q", name))
	}
	methods.m[name] = m
}

// LookupMethod returns the registered method called name (case-insensitive):
// the tableaus of this package and whatever the imported packages
// registered. An unknown name gives an error wrapping ErrUnknownMethod
// that lists the known ones.
func LookupMethod(name string) (Method, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if t, err := Lookup(key); err == nil {
		return t, nil
	}
	methods.RLock()
	m := methods.m[key]
	methods.RUnlock()
	if m == nil {
		return nil, fmt.Errorf("%w: %q (known: %s)", ErrUnknownMethod, name, strings.Join(MethodNames(), ", "))
	}
	return m, nil
}

// MethodNames returns the names of the tableaus and of the registered
// methods, sorted.
func MethodNames() []string {
	names := Names()
	methods.RLock()
	for k := range methods.m {
		names = append(names, k)
	}
	methods.RUnlock()
	sort.Strings(names)
	return slices.Compact(names)
}

// Methods returns the tableaus and the registered methods, sorted by name.
func Methods() []Method {
	var out []Method
	for _, n := range MethodNames() {
		m, err := LookupMethod(n)
		if err == nil {
			out = append(out, m)
		}
	}
	return out
}
