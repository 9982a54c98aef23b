package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wushe/wushe/app"
)

// Config is everything Wushe reads from its environment and flags. Flags win over the
// environment; secrets may come from files named by *_FILE variables.
type Config struct {
	Addr          string        // WUSHE_ADDR, --addr
	DataDir       string        // WUSHE_DATA_DIR, --data-dir: SQLite file and embedded search index
	DatabaseURL   string        // DATABASE_URL(_FILE): PostgreSQL; empty means embedded SQLite
	Demo          bool          // WUSHE_DEMO, --demo: load demo data into an empty database
	Migrate       bool          // WUSHE_MIGRATE, --migrate: apply migrations at start on PostgreSQL
	AdminPassword string        // WUSHE_ADMIN_PASSWORD(_FILE): demo administrator password
	SecureCookies bool          // WUSHE_SECURE_COOKIES: mark cookies Secure (HTTPS deployments)
	LogLevel      string        // WUSHE_LOG_LEVEL: debug | info | warn | error
	LogFormat     string        // WUSHE_LOG_FORMAT: text | json
	EscalateEvery time.Duration // WUSHE_ESCALATE_EVERY: how often overdue needs are escalated
	JobLease      time.Duration // WUSHE_JOB_LEASE: how long a background job's run is held before renewal (30s)
	// NeedRetention (WUSHE_NEED_RETENTION_DAYS, whole days; 0 keeps them for good) is how long
	// a resolved need keeps its private details before the retention job erases them.
	NeedRetention time.Duration
	Timezone      string // WUSHE_TIMEZONE: local time for response promises
	MeiliURL      string // WUSHE_MEILI_URL (or MEILI_URL): Meilisearch; empty means the embedded engine
	MeiliKey      string // WUSHE_MEILI_KEY(_FILE) (or MEILI_KEY(_FILE))
	MeiliIndex    string // WUSHE_MEILI_INDEX: index name prefix (several deployments on one server)
	StripeKey     string // STRIPE_SECRET_KEY(_FILE): empty means offline payments only
	StripeWebhook string // STRIPE_WEBHOOK_SECRET(_FILE)
	StripeAPIURL  string // STRIPE_API_URL: another Stripe endpoint (stripe-mock in tests)
	BaseURL       string // WUSHE_BASE_URL: public address, for payment return links and e-mail links
	SMTPURL       string // WUSHE_SMTP_URL(_FILE): smtp[s]://user:pass@host:port?from=…; empty keeps e-mail queued
	// PprofAddr (WUSHE_PPROF_ADDR) is the address of a debug listener serving Go's profiles
	// (/debug/pprof/) for measuring, apart from the application's port; empty (the default)
	// opens none. It has no authentication: bind it to loopback.
	PprofAddr string
	// TrustedProxies (WUSHE_TRUSTED_PROXIES: comma-separated CIDRs or addresses) are the
	// reverse proxies whose X-Forwarded-For is believed; none means the socket address is
	// the client's.
	TrustedProxies []*net.IPNet
	// GiftQueues (WUSHE_GIFT_QUEUES, 1–64) is how many paid-gift batches one process runs side
	// by side; 0 picks by database: 2 on PostgreSQL, 1 on SQLite (docs/funds.md, "Giving-day peaks").
	GiftQueues int
	// DBConns (WUSHE_DB_CONNS, 4–500) caps one process's open database connections (read
	// connections on SQLite); 0 keeps the store's default of 20. Fewer keep an overloaded
	// server on a small machine nearer its capacity (docs/perf/city-lists.md).
	DBConns int
}

// defaultConfig is the embedded default: SQLite in ./data on :8080.
func defaultConfig() Config {
	return Config{Addr: ":8080", DataDir: "./data", LogLevel: "info", LogFormat: "text",
		EscalateEvery: time.Minute, JobLease: 30 * time.Second, NeedRetention: app.DefaultNeedRetention, Timezone: "Asia/Shanghai", BaseURL: "http://localhost:8080"}
}

// loadEnv reads the environment into c. *_FILE variants are read from disk and win over the
// plain variable so that secrets need not appear in the process environment.
func (c *Config) loadEnv(getenv func(string) string) error {
	var errs []error
	str := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	secret := func(dst *string, name string) {
		str(dst, name)
		if path := getenv(name + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s_FILE: %w", name, err))
				return
			}
			*dst = strings.TrimSpace(string(b))
		}
	}
	boolean := func(dst *bool, name string) {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: want true or false, got %q", name, v))
				return
			}
			*dst = b
		}
	}
	whole := func(dst *int, name string, lo, hi int) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				errs = append(errs, fmt.Errorf("%s %q: want a whole number from %d to %d", name, v, lo, hi))
				return
			}
			*dst = n
		}
	}
	str(&c.Addr, "WUSHE_ADDR")
	str(&c.DataDir, "WUSHE_DATA_DIR")
	secret(&c.DatabaseURL, "DATABASE_URL")
	boolean(&c.Demo, "WUSHE_DEMO")
	boolean(&c.Migrate, "WUSHE_MIGRATE")
	secret(&c.AdminPassword, "WUSHE_ADMIN_PASSWORD")
	boolean(&c.SecureCookies, "WUSHE_SECURE_COOKIES")
	str(&c.LogLevel, "WUSHE_LOG_LEVEL")
	str(&c.LogFormat, "WUSHE_LOG_FORMAT")
	if v := getenv("WUSHE_ESCALATE_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("WUSHE_ESCALATE_EVERY: %w", err))
		} else {
			c.EscalateEvery = d
		}
	}
	if v := getenv("WUSHE_JOB_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			errs = append(errs, fmt.Errorf("WUSHE_JOB_LEASE %q: want a duration of at least 1s", v))
		} else {
			c.JobLease = d
		}
	}
	if v := getenv("WUSHE_NEED_RETENTION_DAYS"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 0 || days > 36500 {
			errs = append(errs, fmt.Errorf("WUSHE_NEED_RETENTION_DAYS %q: want whole days from 0 (keep for good) to 36500", v))
		} else {
			c.NeedRetention = time.Duration(days) * 24 * time.Hour
		}
	}
	whole(&c.GiftQueues, "WUSHE_GIFT_QUEUES", 1, 64)
	whole(&c.DBConns, "WUSHE_DB_CONNS", 4, 500)
	str(&c.Timezone, "WUSHE_TIMEZONE")
	str(&c.PprofAddr, "WUSHE_PPROF_ADDR")
	str(&c.MeiliURL, "MEILI_URL")
	secret(&c.MeiliKey, "MEILI_KEY")
	str(&c.MeiliURL, "WUSHE_MEILI_URL")
	secret(&c.MeiliKey, "WUSHE_MEILI_KEY")
	str(&c.MeiliIndex, "WUSHE_MEILI_INDEX")
	secret(&c.StripeKey, "STRIPE_SECRET_KEY")
	secret(&c.StripeWebhook, "STRIPE_WEBHOOK_SECRET")
	str(&c.StripeAPIURL, "STRIPE_API_URL")
	secret(&c.StripeKey, "WUSHE_STRIPE_SECRET_KEY") // the WUSHE_ names win over the plain ones
	secret(&c.StripeWebhook, "WUSHE_STRIPE_WEBHOOK_SECRET")
	str(&c.StripeAPIURL, "WUSHE_STRIPE_API_URL")
	str(&c.BaseURL, "WUSHE_BASE_URL")
	secret(&c.SMTPURL, "WUSHE_SMTP_URL")
	if v := getenv("WUSHE_TRUSTED_PROXIES"); v != "" {
		nets, err := parseCIDRs(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("WUSHE_TRUSTED_PROXIES: %w", err))
		}
		c.TrustedProxies = nets
	}
	return errors.Join(errs...)
}

// parseCIDRs reads a comma-separated list of CIDRs; a bare address means that one host.
func parseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%q: want a CIDR such as 10.0.0.0/8 or an address", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q: want a CIDR such as 10.0.0.0/8 or an address", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// commonFlags registers the flags every database command shares.
func (c *Config) commonFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the embedded SQLite database and search index")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL URL (default: embedded SQLite; env DATABASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
}

// Validate checks the configuration before anything starts.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port such as :8080", c.Addr))
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		errs = append(errs, errors.New("data-dir: required for the embedded database"))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL: want postgres://…"))
	}
	if _, err := c.level(); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: want text or json", c.LogFormat))
	}
	if c.EscalateEvery < time.Second {
		errs = append(errs, fmt.Errorf("WUSHE_ESCALATE_EVERY %s: at least 1s", c.EscalateEvery))
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		errs = append(errs, fmt.Errorf("WUSHE_TIMEZONE %q: %w", c.Timezone, err))
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		errs = append(errs, errors.New("WUSHE_ADMIN_PASSWORD: at least 8 characters"))
	}
	if (c.StripeKey == "") != (c.StripeWebhook == "") {
		errs = append(errs, errors.New("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET go together"))
	}
	return errors.Join(errs...)
}

func (c *Config) level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// sqlitePath is where the embedded database lives.
func (c *Config) sqlitePath() string { return filepath.Join(c.DataDir, "wushe.db") }

// logger builds the process logger.
func (c *Config) logger(env *Env) *slog.Logger {
	l, _ := c.level()
	opts := &slog.HandlerOptions{Level: l}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}

// parseConfig builds a Config from defaults, the environment and a subcommand's flags.
func parseConfig(env *Env, name string, args []string, extra func(fs *flag.FlagSet, c *Config)) (*Config, error) {
	c := defaultConfig()
	if err := c.loadEnv(env.Getenv); err != nil {
		return nil, &UsageError{Err: err}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	c.commonFlags(fs)
	if extra != nil {
		extra(fs, &c)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := c.Validate(); err != nil {
		return nil, &UsageError{Err: err}
	}
	return &c, nil
}
