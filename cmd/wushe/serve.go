package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/passwd"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/app/web"
	"github.com/wushe/wushe/migrations"
	"github.com/wushe/wushe/search"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Main is one running Wushe: its store, application, web server and background workers.
// End-to-end tests build one on :0 and talk to it over HTTP.
type Main struct {
	Config *Config
	Env    *Env
	Log    *slog.Logger
	Store  *store.Store
	Search search.Index // the full-text engine (embedded or Meilisearch)
	App    *app.App
	Web    *web.Server
	// Hasher hashes passwords; tests swap in a cheap one.
	Hasher app.PasswordHasher
	// Passwords judges new passwords (length and guessability).
	Passwords app.PasswordPolicy
	// Clock is the application clock; nil means the system clock.
	Clock app.Clock
	// SearchTimeout bounds each Meilisearch request: 0 is the engine's default, short so
	// that searches fall back quickly; reindex sends thousands of documents a request.
	SearchTimeout time.Duration

	searchWhere string // the search engine opened, for the start-up line
	ln          net.Listener
	srv         *http.Server
	// holder names this process in background job leases.
	holder string
}

// NewMain prepares a Main from a validated configuration.
func NewMain(cfg *Config, env *Env) *Main {
	return &Main{Config: cfg, Env: env, Log: cfg.logger(env), Hasher: passwd.Hasher{P: passwd.Default}, Passwords: passwd.Policy{}}
}

// Open connects to the database (migrating the embedded one, or PostgreSQL with --migrate),
// loads demo data when asked, builds the application and starts listening.
func (m *Main) Open(ctx context.Context) error {
	if err := m.openStore(ctx); err != nil {
		return err
	}
	if _, err := m.newApp(); err != nil {
		return err
	}
	m.Log.Info("search engine", "engine", m.searchWhere)
	if m.Config.Demo {
		if err := m.loadDemo(ctx); err != nil {
			return err
		}
	}
	m.holder = app.NewHolderID()
	var err error
	m.Web, err = web.New(web.Config{SecureCookies: m.Config.SecureCookies, TrustedProxies: m.Config.TrustedProxies, Version: version, Logger: m.Log},
		web.Deps{App: m.App, Sessions: m.Store.Sessions(), Ready: m.Store.Ping, Checks: m.readyChecks(m.searchWhere), Registry: prometheus.NewRegistry()})
	if err != nil {
		return fmt.Errorf("build web server: %w", err)
	}
	m.ln, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.srv = &http.Server{Handler: m.Web, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	return nil
}

// openStore opens the database and makes sure its schema is current.
func (m *Main) openStore(ctx context.Context) error {
	s, err := store.Open(ctx, store.Config{DatabaseURL: m.Config.DatabaseURL, SQLitePath: m.Config.sqlitePath(), Logger: m.Log, MaxOpenConns: m.Config.DBConns})
	if err != nil {
		return err
	}
	m.Store = s
	if s.Dialect() == migrations.SQLite || m.Config.Migrate {
		return s.Migrate(ctx, nil)
	}
	pending, err := s.Pending(ctx)
	if err != nil {
		return err
	}
	if pending {
		return errors.New("the database schema is behind this version of Wushe: run `wushe migrate up` or start with --migrate")
	}
	return nil
}

// loadDemo fills an empty database with the demo data set and (re)sets the demo password.
func (m *Main) loadDemo(ctx context.Context) error {
	password := m.Config.AdminPassword
	generated := password == ""
	if generated {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		password = base64.RawURLEncoding.EncodeToString(b[:])
	} else if problem := passwd.Problem(password); problem != "" {
		// The demo accounts keep the chosen password (demos must work), but say it is weak:
		// the same password opens the administrator account.
		m.Log.Warn("WUSHE_ADMIN_PASSWORD is easy to guess; choose a stronger one before exposing this demo", "problem", problem)
	}
	n, err := m.Store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		start := time.Now()
		sum, err := demo.Load(ctx, m.Store, m.Hasher, m.App.Now(), password)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		m.Log.Info("demo data loaded", "summary", sum.String(), "took", time.Since(start).Round(time.Millisecond))
	} else if err := demo.ResetPasswords(ctx, m.Store, m.Hasher, password); err != nil {
		return err
	}
	if _, err := m.App.EnsureAdmin(ctx, "admin@wushe.local", password); err != nil {
		return fmt.Errorf("demo administrator: %w", err)
	}
	if generated {
		fmt.Fprintf(m.Env.Stderr, "\nDemo sign-in: admin@wushe.local / %s  (set WUSHE_ADMIN_PASSWORD to choose it)\n", password)
	} else {
		fmt.Fprintf(m.Env.Stderr, "\nDemo sign-in: admin@wushe.local with WUSHE_ADMIN_PASSWORD\n")
	}
	fmt.Fprintln(m.Env.Stderr, "The same password opens the other demo accounts:")
	for _, a := range demo.SignIns() {
		fmt.Fprintf(m.Env.Stderr, "  %-24s %s\n", a.Email, a.Note)
	}
	fmt.Fprintln(m.Env.Stderr)
	return nil
}

// URL is the address the server listens on, for tests and the start-up line.
func (m *Main) URL() string {
	addr := m.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Run serves HTTP and runs the background workers until ctx ends, then shuts down gracefully.
func (m *Main) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	workers, stop := context.WithCancel(ctx)
	defer stop()
	// Jobs run with jobCtx, which a graceful shutdown ends only at its deadline: it stops
	// claiming new runs (stopJobs) and waits for the running ones.
	jobCtx, endJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer endJobs()
	stopJobs := make(chan struct{})
	m.runJobs(stopJobs, jobCtx, &wg)
	wg.Add(1)
	go func() { defer wg.Done(); m.App.RunSearchSync(workers, time.Second) }()

	if m.Config.PprofAddr != "" {
		dbg, err := startPprof(m.Config.PprofAddr, m.Log)
		if err != nil {
			return err
		}
		defer dbg.Close()
	}
	errc := make(chan error, 1)
	go func() { errc <- m.srv.Serve(m.ln) }()
	m.Log.Info("wushe listening", "url", m.URL(), "database", string(m.Store.Dialect()), "version", version)
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	// Graceful shutdown: /readyz says draining, no new job runs start, the requests in flight
	// (and the gift batches they lead) finish, then the running jobs; past the deadline the
	// jobs are cancelled, and their transactions roll back.
	m.Web.Drain()
	close(stopJobs)
	stop()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := m.srv.Shutdown(shutdown); serr != nil && err == nil {
		err = serr
	}
	drained := make(chan struct{})
	go func() { wg.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-shutdown.Done():
		m.Log.Warn("background jobs still running at the shutdown deadline: cancelling them")
		endJobs()
		<-drained
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (m *Main) escalate(ctx context.Context) error {
	n, err := m.App.EscalateOverdue(ctx)
	if n > 0 {
		m.Log.Info("escalated overdue needs", "count", n)
	}
	return err
}

// closeTenders records the close of tenders whose bid deadline has passed.
func (m *Main) closeTenders(ctx context.Context) error {
	n, err := m.App.CloseDueTenders(ctx)
	if n > 0 {
		m.Log.Info("closed tenders past their bid deadline", "count", n)
	}
	return err
}

func (m *Main) expireSessions(ctx context.Context) error {
	if _, err := m.Store.Sessions().DeleteExpired(ctx); err != nil {
		return err
	}
	return m.App.PruneRateLimits(ctx)
}

// Close releases the store.
func (m *Main) Close() error {
	if m.ln != nil {
		m.ln.Close()
	}
	if m.Search != nil {
		m.Search.Close()
	}
	if m.Store != nil {
		return m.Store.Close()
	}
	return nil
}

// cmdServe runs the web server.
func cmdServe(ctx context.Context, env *Env, args []string) error {
	cfg, err := parseConfig(env, "serve", args, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on")
		fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo data set if the database is empty")
		fs.BoolVar(&c.Migrate, "migrate", c.Migrate, "apply pending migrations at start (PostgreSQL)")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	m := NewMain(cfg, env)
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return err
	}
	return m.Run(ctx)
}
