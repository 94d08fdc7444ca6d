package ode

import "github.com/pflow-go/pflow/internal/benchprob"

// Test problems shared by the tests and benchmarks, defined once in
// internal/benchprob as docs/benchmarks.md states them.

const arenT = benchprob.ArenstorfT

var (
	arenY0     = benchprob.ArenstorfY0()
	arenstorf  = benchprob.Arenstorf
	arenstorfC = benchprob.ArenstorfC
	lorenz     = benchprob.Lorenz
	lorenzC    = benchprob.LorenzC
)
