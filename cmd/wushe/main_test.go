package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/search/embedded"
)

// TestMain migrates once for the package (apptest copies the template per test) and removes
// the templates, and the demo template's search index, when the tests end. Re-executed by the
// fault tests (faultChildEnv), the binary is `wushe serve` instead.
func TestMain(m *testing.M) {
	if os.Getenv(faultChildEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, []string{"serve"}, &Env{Stdin: strings.NewReader(""), Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
		stop()
		os.Exit(code)
	}
	dir, err := os.MkdirTemp("", "wushe-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	demoIndex = filepath.Join(dir, "search.db")
	code := apptest.Main(m)
	if err := os.RemoveAll(dir); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// demoIndex is the embedded search index of the demo template, built with it (set once by
// TestMain, before any test runs).
var demoIndex string

// syncBuffer is a goroutine-safe buffer for a server's log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// running is a Wushe started by a test on a free port.
type running struct {
	*Main
	url  string
	logs *syncBuffer
	stop func() error
}

// startWushe runs the real server (Main, as `wushe serve` does) on 127.0.0.1:0 over a fresh,
// empty database, which it migrates itself: SQLite, or a new PostgreSQL schema when
// TEST_DATABASE_URL is set.
func startWushe(t *testing.T, mutate func(*Config)) *running {
	t.Helper()
	cfg := testConfig(t)
	cfg.DatabaseURL = apptest.NewDatabaseURL(t)
	return startMain(t, cfg, mutate)
}

// demoTemplate is the demo data set loaded once per test process into a migrated database and
// indexed into demoIndex, as `wushe demo` then `wushe reindex` leave them. The full reindex also
// empties the search outbox, so the index matches every copy of the database.
func demoTemplate(ctx context.Context, s *store.Store) error {
	if _, err := demo.Load(ctx, s, apptest.Hasher(), time.Now(), "demo-password-1"); err != nil {
		return err
	}
	idx, err := embedded.Open(embedded.Config{Path: demoIndex})
	if err != nil {
		return err
	}
	_, err = app.New(app.Deps{Store: s, Hasher: apptest.Hasher(), Search: idx}).Reindex(ctx, app.ReindexOptions{})
	return errors.Join(err, idx.Close())
}

// startDemo runs the real server with --demo over a copy of a database that already holds the
// demo data set, as a restarted `wushe serve --demo` finds it; loading the demo into an empty
// database is TestServeDemo's part. With index, the data directory also gets a copy of the
// demo's embedded search index, so the server does not spend its first minute rebuilding one
// (building it is TestServeIndexesAndReindexes's part).
func startDemo(t *testing.T, index bool, mutate func(*Config)) *running {
	t.Helper()
	cfg := testConfig(t)
	cfg.DatabaseURL = apptest.NewTemplateDatabase(t, "demo", demoTemplate, cfg.sqlitePath())
	if index {
		if err := apptest.CopySQLite(demoIndex, cfg.searchPath()); err != nil {
			t.Fatalf("copy the demo's search index: %v", err)
		}
	}
	cfg.Demo = true
	return startMain(t, cfg, mutate)
}

// testConfig is the configuration every started server shares: a free port, its own data
// directory, migrations on and the demo password.
func testConfig(t *testing.T) Config {
	cfg := defaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Migrate = true
	cfg.AdminPassword = "demo-password-1"
	return cfg
}

// startMain opens Main over cfg (changed by mutate) and serves until the test ends.
func startMain(t *testing.T, cfg Config, mutate func(*Config)) *running {
	t.Helper()
	if mutate != nil {
		mutate(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	m := NewMain(&cfg, &Env{Stdin: strings.NewReader(""), Stdout: logs, Stderr: logs, Getenv: func(string) string { return "" }})
	m.Hasher = apptest.Hasher()
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Open(ctx); err != nil {
		cancel()
		m.Close()
		t.Fatalf("open: %v\n%s", err, logs)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	r := &running{Main: m, url: m.URL(), logs: logs}
	var once sync.Once
	var runErr error
	r.stop = func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
			m.Close()
		})
		return runErr
	}
	t.Cleanup(func() { r.stop() })
	return r
}

// waitDeadline is when a test's waits give up: shortly before go test's timeout would stop the
// whole test binary, so a wait polls as long as a busy machine needs while a real hang still
// fails with its own message and the test's cleanup runs.
func waitDeadline(t *testing.T) time.Time {
	if d, ok := t.Deadline(); ok {
		return d.Add(-30 * time.Second)
	}
	return time.Now().Add(10 * time.Minute)
}

// poll calls cond every 100 ms until it holds (true) or the test's wait deadline passes (false).
func poll(t *testing.T, cond func() bool) bool {
	t.Helper()
	deadline := waitDeadline(t)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
	return resp.StatusCode
}

func TestServeDemo(t *testing.T) {
	t.Parallel()
	w := startWushe(t, func(c *Config) { c.Demo = true })
	var health map[string]string
	if s := getJSON(t, w.url+"/healthz", &health); s != 200 || health["status"] != "ok" {
		t.Fatalf("healthz = %d %v", s, health)
	}
	if s := getJSON(t, w.url+"/readyz", nil); s != 200 {
		t.Fatalf("readyz = %d", s)
	}
	var cs struct {
		Items []struct {
			Name string `json:"name"`
			Kind string `json:"kind"`
		} `json:"items"`
		Total int `json:"total"`
	}
	getJSON(t, w.url+"/api/v1/communities", &cs)
	kinds := map[string]string{}
	for _, c := range cs.Items {
		kinds[c.Kind] = c.Name
	}
	if cs.Total != 4 || kinds["urban"] != "东湖社区" || kinds["rural"] != "野马村" || kinds["merged"] != "西林寺社区" || kinds["urban_village"] != "钟埭社区" {
		t.Errorf("demo communities = %+v", cs)
	}
	var grids struct{ Total int }
	getJSON(t, w.url+"/api/v1/grids?community_id=1", &grids)
	if grids.Total != 14 {
		t.Errorf("东湖社区 has %d grids, want 14", grids.Total)
	}
	// Totals past 1,000 are bounded ("more than"), so the 2,000th volunteer is looked for by
	// page: page 20 of 100 holds volunteers 1,901–2,000.
	var vols struct {
		Items           []json.RawMessage
		Total           int
		TotalIsEstimate bool `json:"total_is_estimate"`
	}
	var needs struct{ Total int }
	getJSON(t, w.url+"/api/v1/volunteers?per_page=100&page=20", &vols)
	getJSON(t, w.url+"/api/v1/needs?per_page=1&status=open", &needs)
	if len(vols.Items) != 100 || needs.Total < 20 {
		t.Errorf("demo has %d volunteers on page 20 of 100 (total %d, estimate %v) and %d open needs", len(vols.Items), vols.Total, vols.TotalIsEstimate, needs.Total)
	}
	// The demo administrator signs in with WUSHE_ADMIN_PASSWORD.
	resp, err := http.Post(w.url+"/api/v1/auth/tokens", "application/json", strings.NewReader(`{"email":"admin@wushe.local","password":"demo-password-1"}`))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("admin token: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	if !strings.Contains(w.logs.String(), "admin@wushe.local") {
		t.Errorf("start-up output does not name the demo sign-in")
	}
	// Graceful shutdown.
	if err := w.stop(); err != nil {
		t.Errorf("Run returned %v on shutdown", err)
	}
	if _, err := http.Get(w.url + "/healthz"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}

func TestServeRefusesStaleSchema(t *testing.T) {
	t.Parallel()
	url := apptest.NewDatabaseURL(t)
	if url == "" {
		t.Skip("PostgreSQL only: the embedded SQLite database migrates itself (TEST_DATABASE_URL unset)")
	}
	cfg := defaultConfig()
	cfg.Addr, cfg.DatabaseURL = "127.0.0.1:0", url
	logs := &syncBuffer{}
	m := NewMain(&cfg, &Env{Stdout: logs, Stderr: logs, Getenv: func(string) string { return "" }})
	err := m.Open(context.Background())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "migrate") {
		t.Fatalf("Open on an empty schema = %v, want a refusal naming migrate", err)
	}
	// `wushe migrate up` then fixes it.
	var out bytes.Buffer
	code := Run(context.Background(), []string{"migrate", "up"}, &Env{Stdout: &out, Stderr: &out, Getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}})
	if code != 0 || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("migrate up = %d %s", code, out.String())
	}
	m = NewMain(&cfg, &Env{Stdout: logs, Stderr: logs, Getenv: func(string) string { return "" }})
	defer m.Close()
	if err := m.Open(context.Background()); err != nil {
		t.Fatalf("Open after migrating: %v", err)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(secret, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(*Config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c *Config) bool { return c.Addr == ":8080" && c.DataDir == "./data" && c.DatabaseURL == "" }, ""},
		{"env", map[string]string{"WUSHE_ADDR": ":9090", "WUSHE_DATA_DIR": "/tmp/x"}, nil, func(c *Config) bool { return c.Addr == ":9090" && c.DataDir == "/tmp/x" }, ""},
		{"flags win", map[string]string{"WUSHE_ADDR": ":9090"}, []string{"--addr", ":7070"}, func(c *Config) bool { return c.Addr == ":7070" }, ""},
		{"secret file", map[string]string{"WUSHE_ADMIN_PASSWORD": "plain-value", "WUSHE_ADMIN_PASSWORD_FILE": secret}, nil, func(c *Config) bool { return c.AdminPassword == "from-a-file" }, ""},
		{"postgres url", map[string]string{"DATABASE_URL": "postgres://u@h/db"}, nil, func(c *Config) bool { return c.DatabaseURL == "postgres://u@h/db" }, ""},
		{"bad addr", nil, []string{"--addr", "nonsense"}, nil, "addr"},
		{"bad bool", map[string]string{"WUSHE_DEMO": "sometimes"}, nil, nil, "WUSHE_DEMO"},
		{"bad database", map[string]string{"DATABASE_URL": "mysql://x"}, nil, nil, "DATABASE_URL"},
		{"missing secret file", map[string]string{"STRIPE_SECRET_KEY_FILE": "/nonexistent"}, nil, nil, "STRIPE_SECRET_KEY_FILE"},
		{"short admin password", map[string]string{"WUSHE_ADMIN_PASSWORD": "short"}, nil, nil, "WUSHE_ADMIN_PASSWORD"},
		{"stripe key without webhook secret", map[string]string{"STRIPE_SECRET_KEY": "sk_test_x"}, nil, nil, "STRIPE_WEBHOOK_SECRET"},
		{"bad log level", nil, []string{"--log-level", "loud"}, nil, "log level"},
		{"no trusted proxies", nil, nil, func(c *Config) bool { return len(c.TrustedProxies) == 0 }, ""},
		{"trusted proxies", map[string]string{"WUSHE_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1"}, nil, func(c *Config) bool {
			return len(c.TrustedProxies) == 3 && c.TrustedProxies[0].String() == "10.0.0.0/8" &&
				c.TrustedProxies[1].String() == "127.0.0.1/32" && c.TrustedProxies[2].String() == "::1/128"
		}, ""},
		{"bad trusted proxy", map[string]string{"WUSHE_TRUSTED_PROXIES": "10.0.0.0/8,nginx"}, nil, nil, "WUSHE_TRUSTED_PROXIES"},
		{"need retention by default", nil, nil, func(c *Config) bool { return c.NeedRetention == 365*24*time.Hour }, ""},
		{"need retention in days", map[string]string{"WUSHE_NEED_RETENTION_DAYS": "30"}, nil, func(c *Config) bool { return c.NeedRetention == 30*24*time.Hour }, ""},
		{"need retention off", map[string]string{"WUSHE_NEED_RETENTION_DAYS": "0"}, nil, func(c *Config) bool { return c.NeedRetention == 0 }, ""},
		{"bad need retention", map[string]string{"WUSHE_NEED_RETENTION_DAYS": "1y"}, nil, nil, "WUSHE_NEED_RETENTION_DAYS"},
		{"database connections", map[string]string{"WUSHE_DB_CONNS": "8"}, nil, func(c *Config) bool { return c.DBConns == 8 }, ""},
		{"too few database connections", map[string]string{"WUSHE_DB_CONNS": "3"}, nil, nil, "WUSHE_DB_CONNS"},
		{"too many database connections", map[string]string{"WUSHE_DB_CONNS": "501"}, nil, nil, "WUSHE_DB_CONNS"},
		{"stray argument", nil, []string{"extra"}, nil, "unexpected argument"},
	}
	for _, tt := range tests {
		env := &Env{Stderr: io.Discard, Getenv: func(k string) string { return tt.env[k] }}
		c, err := parseConfig(env, "serve", tt.args, func(fs *flag.FlagSet, c *Config) { fs.StringVar(&c.Addr, "addr", c.Addr, "") })
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want one naming %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !tt.check(c) {
			t.Errorf("%s: %+v, %v", tt.name, c, err)
		}
	}
}

func TestRunCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := func(out *bytes.Buffer) *Env {
		return &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Getenv: func(k string) string {
			switch k {
			case "WUSHE_DATA_DIR":
				return dir
			case "DATABASE_URL":
				return apptest.DatabaseURL()
			}
			return ""
		}}
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage"},
		{[]string{"fly"}, 2, "unknown command"},
		{[]string{"version"}, 0, "wushe"},
		{[]string{"migrate"}, 2, "up or status"},
		{[]string{"migrate", "sideways"}, 2, "unknown migrate subcommand"},
		{[]string{"needs"}, 2, "escalate"},
		{[]string{"serve", "--addr", "x"}, 2, "addr"},
		{[]string{"demo", "--scale", "village"}, 2, "want town or city"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if code := Run(context.Background(), tt.args, env(&out)); code != tt.code || !strings.Contains(out.String(), tt.want) {
			t.Errorf("wushe %v = %d %q, want %d containing %q", tt.args, code, out.String(), tt.code, tt.want)
		}
	}
	if apptest.DatabaseURL() != "" {
		return // the rest runs on the embedded database in its own directory
	}
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"migrate", "up"}, env(&out)); code != 0 {
		t.Fatalf("migrate up = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"migrate", "status"}, env(&out)); code != 0 || !strings.Contains(out.String(), "00001") || !strings.Contains(out.String(), "applied") {
		t.Errorf("migrate status = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"needs", "escalate"}, env(&out)); code != 0 || !strings.Contains(out.String(), "escalated 0 needs") {
		t.Errorf("needs escalate = %d %s", code, out.String())
	}
	_ = time.Second
}
