// Package apidoc holds the test that compiles and runs the tour of
// docs/api.md: tour_test.go is the tour as one program (Example_tour, whose
// printed output is checked), and TestAPIDocMatchesTour checks that every
// fenced Go block of docs/api.md appears in it verbatim and in order, so
// the document cannot drift from code that compiles and runs.
package apidoc
