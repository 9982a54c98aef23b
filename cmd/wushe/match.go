package main

import "context"

// cmdMatch dispatches the matching tools.
func cmdMatch(ctx context.Context, env *Env, args []string) error {
	return subcommands(ctx, env, "match", args, map[string]command{
		"solve":  {"solve an assignment problem read as JSON", cmdMatchSolve},
		"assign": {"assign volunteers to a community's (or every community's) open shifts", cmdMatchAssign},
	})
}
