// Command pflow is the command-line interface of the pflow toolkit.
//
// Usage:
//
//	pflow <subcommand> [flags]
//	pflow help [subcommand|all]
//
// Subcommands register themselves in the commands table, one file each
// (bench.go for `pflow bench`); flags.go holds the parsing and output
// helpers they share. Every subcommand reports unknown names, malformed
// numbers and impossible settings with a one-line message on stderr and
// exit status 2; numerical trouble during a run (divergence,
// non-convergence, an exhausted step budget) prints what was computed,
// says why it stopped on stderr and exits 1. Long runs report progress on
// stderr.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

// command is one subcommand. define declares its flags on fs and returns
// the body, which runs after the flags are parsed and returns the exit
// status.
type command struct {
	summary  string
	synopsis string // flags, as in docs/design.md
	define   func(fs *flag.FlagSet) func(c *cli) int
}

// commands maps subcommand names to their implementation; each subcommand
// file adds itself in an init function.
var commands = map[string]command{}

func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("pflow: duplicate subcommand " + name)
	}
	commands[name] = c
}

func sortedNames() []string { return slices.Sorted(maps.Keys(commands)) }

// usage lists the subcommands, one line each; `pflow help NAME` gives a
// subcommand's flags and `pflow help all` every subcommand's.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: pflow <subcommand> [flags]")
	fmt.Fprintln(w, "\nsubcommands:")
	for _, n := range sortedNames() {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nrun 'pflow help <subcommand>' for its flags, 'pflow help all' for every subcommand's")
	fmt.Fprintln(w, "problems: a catalogue name (deeplinear:k=3) or expr:EXPRESSION (e.g. 'expr:(x^2-1)^2+2*y^2' -x0 0.5,0.5)")
}

// usageAll prints usage and every subcommand's synopsis and flags.
func usageAll(w io.Writer) {
	usage(w)
	for _, n := range sortedNames() {
		fmt.Fprintln(w)
		help(w, n)
	}
}

// help prints one subcommand's synopsis and flags.
func help(w io.Writer, name string) {
	c := commands[name]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.define(fs)
	fmt.Fprintf(w, "usage: pflow %s %s\n  %s\n", name, c.synopsis, c.summary)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && args[1] == "all" {
			usageAll(stdout)
			return 0
		}
		if len(args) > 1 {
			if _, ok := commands[args[1]]; !ok {
				fmt.Fprintf(stderr, "pflow: unknown subcommand %q (run 'pflow help')\n", args[1])
				return 2
			}
			help(stdout, args[1])
			return 0
		}
		usage(stdout)
		return 0
	}
	name := args[0]
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "pflow: unknown subcommand %q (run 'pflow help')\n", name)
		return 2
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	body := c.define(fs)
	cl := &cli{name: name, stdout: stdout, stderr: stderr}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			help(stdout, name)
			return 0
		}
		return cl.fail("%v", err)
	}
	if fs.NArg() > 0 {
		return cl.fail("unexpected argument %q", fs.Arg(0))
	}
	return body(cl)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
