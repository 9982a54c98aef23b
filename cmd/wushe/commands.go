package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/store"
)

// openStore opens the configured database without checking its schema.
func openStore(ctx context.Context, cfg *Config) (*store.Store, error) {
	return store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL, SQLitePath: cfg.sqlitePath(), Logger: cfg.logger(&Env{})})
}

// cmdMigrate applies migrations (up) or lists them (status).
func cmdMigrate(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usagef("migrate needs a subcommand: up or status")
	}
	sub, rest := args[0], args[1:]
	if sub != "up" && sub != "status" {
		return usagef("unknown migrate subcommand %q: want up or status", sub)
	}
	cfg, err := parseConfig(env, "migrate "+sub, rest, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if sub == "up" {
		if err := s.Migrate(ctx, env.Stdout); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "database is up to date")
		return nil
	}
	st, err := s.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, m := range st {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(env.Stdout, "%05d  %-40s %s\n", m.Version, m.Name, state)
	}
	return nil
}

// cmdDemo loads the demo data set into the configured (migrated, empty) database; with
// --scale town or city it generates a whole city instead (app/demo/city.go, docs/scale.md).
func cmdDemo(ctx context.Context, env *Env, args []string) error {
	scale := ""
	cfg, err := parseConfig(env, "demo", args, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&scale, "scale", "", "generate a city instead of the demo: town (small, for tests) or city (147 communities, 850,000 residents)")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	sc, ok := demo.Scales[scale]
	if scale != "" && !ok {
		return usagef("--scale %q: want town or city", scale)
	}
	cfg.Migrate = true
	m, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	n, err := m.Store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("the database already has %d users: demo data goes into an empty database only", n)
	}
	if cfg.AdminPassword == "" {
		return usagef("set WUSHE_ADMIN_PASSWORD: the demo accounts' password")
	}
	var sum demo.Summary
	if scale != "" {
		start := time.Now()
		sum, err = demo.LoadCity(ctx, m.Store, m.Hasher, m.App.Now(), cfg.AdminPassword, sc, env.Stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "generated the %s in %s; run `wushe reindex` to index it for search\n", scale, time.Since(start).Round(time.Second))
	} else if sum, err = demo.Load(ctx, m.Store, m.Hasher, m.App.Now(), cfg.AdminPassword); err != nil {
		return err
	}
	if _, err := m.App.EnsureAdmin(ctx, "admin@wushe.local", cfg.AdminPassword); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "loaded %s\n", sum)
	return nil
}

// cmdVersion prints the version.
func cmdVersion(ctx context.Context, env *Env, args []string) error {
	fmt.Fprintf(env.Stdout, "wushe %s\n", version)
	return nil
}

// cmdNeeds dispatches the need tools.
func cmdNeeds(ctx context.Context, env *Env, args []string) error {
	return subcommands(ctx, env, "needs", args, map[string]command{
		"escalate": {"escalate every overdue need one level now", cmdNeedsEscalate},
	})
}

// cmdNeedsEscalate runs one escalation pass, for cron-style deployments.
func cmdNeedsEscalate(ctx context.Context, env *Env, args []string) error {
	cfg, err := parseConfig(env, "needs escalate", args, nil)
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
	n, err := m.App.EscalateOverdue(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "escalated %d needs\n", n)
	return nil
}
