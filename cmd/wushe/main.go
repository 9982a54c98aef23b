// Command wushe runs the Wushe community-governance marketplace and its operator tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // time zones without the system database
)

// Env is what a subcommand may touch of the outside world; tests pass their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// UsageError marks bad input from the operator; Run exits with status 2 for it.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usagef builds a UsageError from a format string.
func usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// command is one subcommand: its one-line summary and its entry point.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands lists every subcommand; nested groups (match, funds, needs) dispatch again.
func commands() map[string]command {
	return map[string]command{
		"serve":    {"run the web server", cmdServe},
		"migrate":  {"apply or show database migrations (up | status)", cmdMigrate},
		"demo":     {"load the demo data set into the configured database", cmdDemo},
		"version":  {"print the version", cmdVersion},
		"match":    {"matching tools (solve)", cmdMatch},
		"funds":    {"fund tools (qf)", cmdFunds},
		"needs":    {"need tools (escalate)", cmdNeeds},
		"projects": {"micro-project tools (evaluate)", cmdProjects},
		"reindex":  {"rebuild the search index from the database [--type T]", cmdReindex},
		"import":   {"preview or commit a spreadsheet: import KIND FILE --community ID [--commit]", cmdImport},
		"export":   {"write a department export: export NAME --community ID|--street ID --from DATE --to DATE [--format xlsx] [-o FILE]", cmdExport},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// Run executes one subcommand and returns the process exit status:
// 0 on success, 2 for bad usage or bad input, 1 for any other failure.
func Run(ctx context.Context, args []string, env *Env) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.Stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "wushe: unknown command %q\n", args[0])
		printUsage(env.Stderr, cmds)
		return 2
	}
	return exitStatus(env.Stderr, args[0], cmd.run(ctx, env, args[1:]))
}

// exitStatus reports err on stderr and maps it to an exit status.
func exitStatus(stderr io.Writer, name string, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "wushe %s: %v\n", name, err)
	var ue *UsageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: wushe <command> [flags]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-8s %s\n", n, cmds[n].summary)
	}
	io.WriteString(w, b.String())
}

// subcommands dispatches a command group such as "wushe funds qf".
func subcommands(ctx context.Context, env *Env, group string, args []string, subs map[string]command) error {
	if len(args) == 0 {
		names := make([]string, 0, len(subs))
		for n := range subs {
			names = append(names, n)
		}
		sort.Strings(names)
		return usagef("%s needs a subcommand: %s", group, strings.Join(names, ", "))
	}
	sub, ok := subs[args[0]]
	if !ok {
		return usagef("unknown %s subcommand %q", group, args[0])
	}
	return sub.run(ctx, env, args[1:])
}
