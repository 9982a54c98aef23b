// Command dashbench times the dashboard use cases on an existing database — typically the
// city of `wushe demo --scale city` (docs/perf.md, "Dashboards on a city") — and prints
// p50/p95/p99 per call:
//
//	DATABASE_URL=postgres://… go run ./scripts/dashbench -n 300 -city 20
//
// It calls the use cases in-process (authorization, the store's aggregate queries, the
// roll-up), as an admin, one call at a time: community dashboards cycle over every
// community, then the city roll-up, then the public summary. Without DATABASE_URL it opens
// the embedded SQLite file under -data-dir.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

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
	flag.Parse()
	if err := run(*n, *city, *summaries, *from, *to, *dataDir); err != nil {
		fmt.Fprintln(os.Stderr, "dashbench:", err)
		os.Exit(1)
	}
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
	cs, total, err := a.Communities(admin, app.CommunityFilter{Page: app.Page{Page: 1, PerPage: 100000}})
	if err != nil {
		return fmt.Errorf("communities: %w", err)
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
	return time1("public summary", summaries, func(i int) error {
		_, err := a.CommunitySummary(ctx, cs[i%len(cs)].ID)
		return err
	})
}
