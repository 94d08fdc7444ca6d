package benchprob

// references holds y(t1) of the lorenz (t1 = 20) and vanderpol (t1 = 2)
// benchmark problems to at least 30 significant digits, computed by a Taylor-series
// integrator in 320-bit big.Float arithmetic (reference_test.go; run
// `go test ./internal/benchprob -run TestReferences -reference` to recompute).
var references = map[string][]string{
	"lorenz":    {"13.79319959513038091107340339051650400495", "12.95180393619250049616701445050928305489", "34.90160868113681241194878050713660821616"},
	"vanderpol": {"1.76323454020344570460518644151241204471", "-0.8356886816776773906247150150529494969542"},
}
