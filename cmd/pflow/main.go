// Command pflow is the command-line interface of the pflow toolkit.
//
// Usage:
//
//	pflow <subcommand> [flags]
//
// Subcommands register themselves in the commands table, one file each
// (bench.go for `pflow bench`). Every subcommand reports unknown names,
// malformed numbers and impossible settings with a one-line message on
// stderr and exit status 2.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: run parses args (without the subcommand name)
// and returns the exit status.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
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

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: pflow <subcommand> [flags]")
	fmt.Fprintln(w, "subcommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "run 'pflow <subcommand> -h' for its flags")
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "pflow: unknown subcommand %q (run 'pflow help')\n", args[0])
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
