package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/scripts/loadgen/givingday"
)

// givingDayFlags are the giving-day scenario's own flags.
type givingDayFlags struct {
	poolDry   *bool
	dataDir   *string
	gifts     *int
	perSecond *int
	campaigns *int
	seed      *uint64
}

func (g *givingDayFlags) register() {
	g.poolDry = flag.Bool("pool-dry", false, "giving-day: the pool holds 30% of the gifts' total and runs dry part-way")
	g.dataDir = flag.String("data-dir", "", "giving-day: the embedded SQLite's data directory, when DATABASE_URL is not set")
	g.gifts = flag.Int("gifts", 0, "giving-day: pending gifts to prepare (default: -d × -rate-guess)")
	g.perSecond = flag.Int("rate-guess", 0, "giving-day: gifts per second to prepare for (default 4000 on PostgreSQL, 1500 on SQLite)")
	g.campaigns = flag.Int("campaigns", 100, "giving-day: open campaigns sharing the pool")
	g.seed = flag.Uint64("seed", 99, "giving-day: seed of the gifts and their order")
}

// env reads a variable the way `wushe serve` does: the WUSHE_ name wins, then the plain one,
// then a *_FILE holding it.
func env(name string) string {
	for _, n := range []string{"WUSHE_" + name, name} {
		if v := os.Getenv(n); v != "" {
			return v
		}
		if f := os.Getenv(n + "_FILE"); f != "" {
			if b, err := os.ReadFile(f); err == nil {
				return strings.TrimSpace(string(b))
			}
		}
	}
	return ""
}

// runGivingDay runs the scenario and returns the exit status.
func runGivingDay(url string, clients int, d time.Duration, g givingDayFlags) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := store.Config{DatabaseURL: os.Getenv("DATABASE_URL"), MaxOpenConns: 8}
	perSecond := *g.perSecond
	if cfg.DatabaseURL == "" {
		dir := *g.dataDir
		if dir == "" {
			dir = os.Getenv("WUSHE_DATA_DIR")
		}
		if dir == "" {
			fmt.Fprintln(os.Stderr, "loadgen: giving-day needs DATABASE_URL or -data-dir (the server's database)")
			return 2
		}
		cfg.SQLitePath = filepath.Join(dir, "wushe.db")
		if perSecond == 0 {
			perSecond = 1500
		}
	}
	secret := env("STRIPE_WEBHOOK_SECRET")
	if secret == "" {
		fmt.Fprintln(os.Stderr, "loadgen: giving-day needs STRIPE_WEBHOOK_SECRET, the server's webhook secret")
		return 2
	}
	st, err := store.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 1
	}
	defer st.Close()
	_, err = givingday.Run(ctx, st, givingday.Config{URL: url, Clients: clients, Duration: d, PoolDry: *g.poolDry, Gifts: *g.gifts,
		PerSecond: perSecond, Campaigns: *g.campaigns, WebhookSecret: secret, Seed: *g.seed, Log: os.Stderr}, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 1
	}
	return 0
}
