package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wushe/wushe/app"
)

// cmdMatchAssign runs batch assignment from the command line, for one community or every
// community of the city at once (e.g. from cron every Sunday evening):
//
//	wushe match assign --as worker@example.org (--community ID | --all) [--from 2026-12-07] [--days 7] [--workers 2] [--confirm]
//
// It acts as the named account, so the same authorization applies as on the page (a community
// worker for their community, a civil-affairs officer for their street, an administrator
// everywhere; with --all, communities the account may not run are skipped). Without --confirm it
// prints the proposals as JSON lines and saves nothing; with --confirm it also signs the
// volunteers up. Volunteers serve their own community, so a city batch is exactly the union of
// the communities' optimal assignments, and communities are solved --workers at a time (each
// reads only its own volunteers and shifts); the JSON lines come out in community order.
func cmdMatchAssign(ctx context.Context, env *Env, args []string) error {
	var as, from string
	var community int64
	var all, confirm bool
	var days, workers int
	cfg, err := parseConfig(env, "match assign", args, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&as, "as", "", "email or mobile of the account to act as (required)")
		fs.Int64Var(&community, "community", 0, "the community to assign")
		fs.BoolVar(&all, "all", false, "assign every community the account may run")
		fs.StringVar(&from, "from", "", "first day (YYYY-MM-DD, local time); default now")
		fs.IntVar(&days, "days", 7, "number of days of shifts, 1–28")
		fs.BoolVar(&confirm, "confirm", false, "sign the volunteers up (default: only print the proposal)")
		fs.IntVar(&workers, "workers", 2, "communities solved at once with --all, 1–16")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if as == "" {
		return usagef("--as is required: the account whose authority the assignment uses")
	}
	if (community == 0) == !all {
		return usagef("give either --community ID or --all")
	}
	if workers < 1 || workers > 16 {
		return usagef("--workers %d: want 1–16", workers)
	}
	m, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	a, loc := m.App, m.App.Location()
	req := app.AssignmentRequest{From: a.Now(), Days: days}
	if from != "" {
		t, err := time.ParseInLocation("2006-01-02", from, loc)
		if err != nil {
			return usagef("--from %q: want YYYY-MM-DD", from)
		}
		req.From = t
	}
	u, err := m.Store.FindUserByLogin(ctx, as)
	if err != nil {
		return usagef("--as %q: no such account", as)
	}
	p, err := a.Principal(ctx, u.ID)
	if err != nil {
		return err
	}
	ctx = app.WithPrincipal(ctx, p)
	ids := []int64{community}
	if all {
		cs, _, err := m.Store.FindCommunities(ctx, app.CommunityFilter{})
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
	}
	// Each community is proposed (and confirmed) on its own; results are kept by position so
	// the output does not depend on which worker finished first.
	type result struct {
		pr     *app.AssignmentProposal
		signed int
	}
	results := make([]*result, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, id := range ids {
		g.Go(func() error {
			pr, err := a.ProposeAssignment(gctx, id, req)
			if all && app.IsCode(err, app.EFORBIDDEN) {
				return nil
			}
			if app.IsCode(err, app.EINVALID) {
				return usagef("%v", err)
			}
			if err != nil {
				return fmt.Errorf("community %d: %w", id, err)
			}
			r := &result{pr: pr}
			if confirm && len(pr.Pairs) > 0 {
				pairs := make([]app.AssignmentPair, len(pr.Pairs))
				for i, x := range pr.Pairs {
					pairs[i] = app.AssignmentPair{ShiftID: x.ShiftID, VolunteerID: x.VolunteerID}
				}
				sus, err := a.ConfirmAssignment(gctx, id, pairs)
				if err != nil {
					return fmt.Errorf("confirm community %d: %w", id, err)
				}
				r.signed = len(sus)
			}
			results[i] = r
			return nil
		})
	}
	err = g.Wait()
	enc := json.NewEncoder(env.Stdout)
	total, signed := 0, 0
	for _, r := range results {
		if r == nil {
			continue
		}
		if err := enc.Encode(r.pr); err != nil {
			return err
		}
		total, signed = total+r.pr.Assigned, signed+r.signed
	}
	if err != nil {
		return err
	}
	if confirm {
		fmt.Fprintf(env.Stderr, "proposed %d assignments; signed up %d\n", total, signed)
	} else {
		fmt.Fprintf(env.Stderr, "proposed %d assignments; nothing saved (use --confirm)\n", total)
	}
	return nil
}
