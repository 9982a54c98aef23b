// Command dashbench times the dashboard use cases on an existing database — typically the
// city of `wushe demo --scale city` (docs/perf.md, "Dashboards on a city") — and prints
// p50/p95/p99 per call:
//
//	DATABASE_URL=postgres://… go run ./scripts/dashbench -n 300 -city 20
//
// It calls the use cases in-process (authorization, the store's aggregate queries, the
// roll-up), as an admin, one call at a time: community dashboards cycle over every
// community, then the city roll-up, then the public summary. With -rank N it also ranks
// candidates for N needs spread over the city (from the database, as GET
// /api/v1/needs/{id}/candidates does), and with -assign it proposes a week's batch assignment
// for every community, -assign-workers at a time, and prints the whole city's wall time.
// Without DATABASE_URL it opens the embedded SQLite file under -data-dir.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/store"
)

func main() {
	n := flag.Int("n", 300, "community dashboards to time (cycling over the communities)")
	city := flag.Int("city", 20, "city roll-ups to time")
	summaries := flag.Int("summary", 100, "public summaries to time (GET /api/v1/communities/{id}/summary's use case)")
	from := flag.String("from", "", "first local date (default: a year before today)")
	to := flag.String("to", "", "last local date (default: today)")
	dataDir := flag.String("data-dir", "", "the embedded SQLite's data directory, when DATABASE_URL is not set")
	flag.IntVar(&extra.rank, "rank", 0, "needs to rank candidates for")
	flag.BoolVar(&extra.assign, "assign", false, "propose a week's batch assignment for every community")
	flag.IntVar(&extra.workers, "assign-workers", 2, "communities solved at once with -assign")
	flag.DurationVar(&extra.slow, "slow", 0, "print each SQL statement slower than this (0: none), to see where a call's time goes")
	flag.Parse()
	if err := run(*n, *city, *summaries, *from, *to, *dataDir); err != nil {
		fmt.Fprintln(os.Stderr, "dashbench:", err)
		os.Exit(1)
	}
}

// extra are the optional measurements beyond the dashboards.
var extra struct {
	rank    int
	assign  bool
	workers int
	slow    time.Duration
}

func run(n, city, summaries int, from, to, dataDir string) error {
	ctx := context.Background()
	cfg := store.Config{DatabaseURL: os.Getenv("DATABASE_URL"), MaxOpenConns: 4}
	if cfg.DatabaseURL == "" {
		if dataDir == "" {
			return fmt.Errorf("set DATABASE_URL or -data-dir")
		}
		cfg.SQLitePath = filepath.Join(dataDir, "wushe.db")
	}
	st, err := store.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	a := app.New(app.Deps{Store: st})
	if extra.slow > 0 {
		st.ReportSlow(extra.slow, func(took time.Duration, sql string) {
			fmt.Fprintf(os.Stderr, "slow %.0f ms: %.300s\n", float64(took.Microseconds())/1000, sql)
		})
	}
	if from == "" && to == "" {
		now := a.Now().In(a.Location())
		from, to = now.AddDate(-1, 0, 1).Format("2006-01-02"), now.Format("2006-01-02")
	}
	p, err := a.ParsePeriod(from, to)
	if err != nil {
		return fmt.Errorf("period: %w", err)
	}
	// An admin membership sees every community; no sign-in is needed in-process.
	admin := app.WithPrincipal(ctx, &app.Principal{User: &app.User{ID: 1, Name: "dashbench"}, Memberships: []app.Membership{{UserID: 1, Role: app.RoleAdmin}}})
	var cs []*app.Community
	total := 0
	for page := 1; page == 1 || len(cs) < total; page++ {
		more, n, err := a.Communities(admin, app.CommunityFilter{Page: app.Page{Page: page, PerPage: 100}})
		if err != nil {
			return fmt.Errorf("communities: %w", err)
		}
		if len(more) == 0 {
			break
		}
		cs, total = append(cs, more...), n
	}
	if len(cs) == 0 {
		return fmt.Errorf("no communities: generate some with `wushe demo --scale town|city`")
	}
	fmt.Printf("dashbench: %d communities, period %s..%s\n", total, p.From, p.To)

	d, err := a.CityDashboard(admin, p)
	if err != nil {
		return fmt.Errorf("city: %w", err)
	}
	fmt.Printf("city figures: %d needs filed, %d resolved, %d grids, social %d fen, %.0f volunteer hours\n",
		d.Needs.Filed, d.Needs.Resolved, len(d.ByGrid), d.Funds.Social, d.Volunteers.Hours)

	time1 := func(name string, k int, call func(i int) error) error {
		if k <= 0 {
			return nil
		}
		ds := make([]time.Duration, 0, k)
		start := time.Now()
		for i := range k {
			t := time.Now()
			if err := call(i); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			ds = append(ds, time.Since(t))
		}
		slices.Sort(ds)
		q := func(f float64) float64 {
			return float64(ds[min(len(ds)-1, int(f*float64(len(ds))))].Microseconds()) / 1000
		}
		fmt.Printf("%s: %d calls in %.1f s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
			name, k, time.Since(start).Seconds(), q(0.50), q(0.95), q(0.99), float64(ds[len(ds)-1].Microseconds())/1000)
		return nil
	}
	if err := time1("community dashboard", n, func(i int) error {
		_, err := a.CommunityDashboard(admin, cs[i%len(cs)].ID, p)
		return err
	}); err != nil {
		return err
	}
	if err := time1("city roll-up", city, func(int) error {
		_, err := a.CityDashboard(admin, p)
		return err
	}); err != nil {
		return err
	}
	if err := time1("public summary", summaries, func(i int) error {
		_, err := a.CommunitySummary(ctx, cs[i%len(cs)].ID)
		return err
	}); err != nil {
		return err
	}
	if extra.rank > 0 {
		// Needs spread evenly over the id range, so every community's volunteers are ranked.
		var r struct{ Lo, Hi int64 }
		if err := st.DB(ctx).Raw(`SELECT MIN(id) AS lo, MAX(id) AS hi FROM needs`).Scan(&r).Error; err != nil {
			return fmt.Errorf("needs: %w", err)
		}
		lo, step := r.Lo, max(1, (r.Hi-r.Lo)/int64(extra.rank))
		if err := time1("rank a need", extra.rank, func(i int) error {
			_, err := a.RankCandidates(admin, "need", lo+int64(i)*step, nil, 0)
			return err
		}); err != nil {
			return err
		}
	}
	if extra.assign {
		return assignCity(admin, a, cs)
	}
	return nil
}

// assignCity proposes a week's batch assignment for every community, extra.workers at a time
// (communities are independent: each solves its own shifts and volunteers).
func assignCity(ctx context.Context, a *app.App, cs []*app.Community) error {
	from := a.Now().Truncate(24 * time.Hour)
	var (
		mu                      sync.Mutex
		shifts, assigned, edges int
		slowest                 time.Duration
	)
	g := new(errgroup.Group)
	g.SetLimit(max(1, extra.workers))
	start := time.Now()
	for _, c := range cs {
		g.Go(func() error {
			t := time.Now()
			p, err := a.ProposeAssignment(ctx, c.ID, app.AssignmentRequest{From: from, Days: 7})
			if err != nil {
				return fmt.Errorf("assign %d: %w", c.ID, err)
			}
			mu.Lock()
			defer mu.Unlock()
			shifts, assigned, edges, slowest = shifts+p.Shifts, assigned+p.Assigned, edges+p.Edges, max(slowest, time.Since(t))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	fmt.Printf("batch assignment of a week: %d communities in %.1f s (%d at a time), %d shifts, %d edges, %d assigned, slowest community %.0f ms\n",
		len(cs), time.Since(start).Seconds(), max(1, extra.workers), shifts, edges, assigned, float64(slowest.Microseconds())/1000)
	return nil
}
