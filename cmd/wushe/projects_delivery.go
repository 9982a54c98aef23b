package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

// cmdProjects dispatches the micro-project tools.
func cmdProjects(ctx context.Context, env *Env, args []string) error {
	return subcommands(ctx, env, "projects", args, map[string]command{
		"evaluate": {"close the rating windows that have ended: completed projects become evaluated", cmdProjectsEvaluate},
	})
}

// evaluateProjects is the serve loop's pass over ended rating windows.
func (m *Main) evaluateProjects(ctx context.Context) error {
	n, err := m.App.EvaluateDueProjects(ctx)
	if n > 0 {
		m.Log.Info("evaluated projects", "count", n)
	}
	return err
}

// cmdProjectsEvaluate runs one evaluation pass, for cron-style deployments.
func cmdProjectsEvaluate(ctx context.Context, env *Env, args []string) error {
	cfg, err := parseConfig(env, "projects evaluate", args, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	m, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	n, err := m.App.EvaluateDueProjects(ctx)
	fmt.Fprintf(env.Stdout, "evaluated %d projects\n", n)
	return err
}
