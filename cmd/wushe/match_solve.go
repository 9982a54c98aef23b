package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/wushe/wushe/matching"
)

// cmdMatchSolve solves an assignment problem exactly:
//
//	wushe match solve [--in FILE]
//
// It reads the problem as JSON from FILE, or from standard input when --in is absent or "-":
//
//	{"objective": "max_score" | "max_coverage",
//	 "workers": [{"id": "v1", "capacity": 2}], "tasks": [{"id": "t1", "capacity": 1}],
//	 "edges": [{"worker": "v1", "task": "t1", "score": 0.83}]}
//
// and prints one line of JSON:
//
//	{"objective":"max_score","assigned":1,"total_score":0.83,
//	 "assignments":[{"worker":"v1","task":"t1","score":0.83}]}
//
// Assignments are sorted by worker, then task (byte order), so the output is deterministic.
// Malformed JSON, unknown objectives or fields, duplicate ids or edges, negative capacities,
// edges naming unknown ids and scores outside float64 are usage errors (exit status 2) whose
// message names the fault. See matching.Solve for the optimisation itself.
func cmdMatchSolve(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("match solve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	in := fs.String("in", "-", "problem file (JSON); - reads standard input")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: wushe match solve [--in FILE]")
		fmt.Fprintln(env.Stderr, `reads {"objective","workers","tasks","edges"} as JSON and prints the optimal assignment as JSON`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	var data []byte
	var err error
	if *in == "-" || *in == "" {
		if data, err = io.ReadAll(env.Stdin); err != nil {
			return fmt.Errorf("read standard input: %w", err)
		}
	} else if data, err = os.ReadFile(*in); err != nil {
		return usagef("--in: %v", err) // a path that cannot be read is the operator's input
	}
	p, err := matching.ParseProblem(data)
	if err != nil {
		return usagef("%s: %v", inputName(*in), err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sol, err := matching.Solve(p)
	if err != nil {
		var fe *matching.FieldError
		if errors.As(err, &fe) {
			return usagef("%s: %v", inputName(*in), err)
		}
		return err
	}
	b, err := json.Marshal(sol)
	if err != nil {
		return err
	}
	if _, err := env.Stdout.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write solution: %w", err)
	}
	return nil
}

// inputName names the input in messages.
func inputName(in string) string {
	if in == "-" || in == "" {
		return "standard input"
	}
	return in
}
