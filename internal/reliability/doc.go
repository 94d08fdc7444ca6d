// Package reliability holds the library half of the bad-input catalogue
// of docs/reliability.md: table-driven tests, across packages, that every
// documented misuse of the library returns its typed error (or panics
// with the documented "pkg: message" for programmer errors) and never
// returns a silent NaN. The package has no code of its own.
package reliability
