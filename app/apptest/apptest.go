// Package apptest opens fresh, migrated stores for tests: a SQLite file by default, or a new
// PostgreSQL schema per test when TEST_DATABASE_URL is set.
package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver for schema setup

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/passwd"
	"github.com/wushe/wushe/app/store"
)

// DatabaseURL returns the PostgreSQL URL tests should use, or "" for SQLite.
func DatabaseURL() string { return os.Getenv("TEST_DATABASE_URL") }

// NewDatabaseURL makes an empty database for one test and returns its URL: a fresh PostgreSQL
// schema (dropped at cleanup) or "" when tests run on SQLite.
func NewDatabaseURL(t testing.TB) string {
	t.Helper()
	base := DatabaseURL()
	if base == "" {
		return ""
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenStore opens a fresh, migrated store that is closed when the test ends. On SQLite the
// database is a copy of one migrated once per test process: migrating costs far more than
// copying (the table rebuilds of 00008 alone take a few hundred milliseconds), and hundreds of
// tests open a store.
func OpenStore(t testing.TB) *store.Store {
	t.Helper()
	if DatabaseURL() != "" {
		s := OpenUnmigrated(t)
		if err := s.Migrate(context.Background(), nil); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		return s
	}
	tpl, err := migratedSQLite()
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	path := filepath.Join(t.TempDir(), "wushe.db")
	if err := os.WriteFile(path, tpl, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), store.Config{SQLitePath: path, MaxOpenConns: 8})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sqliteTemplate is a freshly migrated SQLite database file, made once per test process.
var sqliteTemplate struct {
	once sync.Once
	data []byte
	err  error
}

// migratedSQLite migrates an empty SQLite database in a temporary folder, checkpoints its
// write-ahead log into the file and returns the file's bytes.
func migratedSQLite() ([]byte, error) {
	sqliteTemplate.once.Do(func() {
		dir, err := os.MkdirTemp("", "wushe-template-*")
		if err != nil {
			sqliteTemplate.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "wushe.db")
		s, err := store.Open(context.Background(), store.Config{SQLitePath: path})
		if err != nil {
			sqliteTemplate.err = err
			return
		}
		err = s.Migrate(context.Background(), nil)
		if err == nil {
			err = s.DB(context.Background()).Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
		}
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			sqliteTemplate.data, err = os.ReadFile(path)
		}
		sqliteTemplate.err = err
	})
	return sqliteTemplate.data, sqliteTemplate.err
}

// OpenUnmigrated opens a fresh, empty store.
func OpenUnmigrated(t testing.TB) *store.Store {
	t.Helper()
	cfg := store.Config{DatabaseURL: NewDatabaseURL(t), MaxOpenConns: 8}
	if cfg.DatabaseURL == "" {
		cfg.SQLitePath = t.TempDir() + "/wushe.db"
	}
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Clock is a settable test clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at the given time.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.now = t.UTC(); c.mu.Unlock() }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Hasher is a cheap password hasher for tests.
func Hasher() app.PasswordHasher { return passwd.Hasher{P: passwd.Fast} }

// NewApp builds an App over a fresh store with a test clock.
func NewApp(t testing.TB, clock app.Clock) (*app.App, *store.Store) {
	t.Helper()
	s := OpenStore(t)
	return app.New(app.Deps{Store: s, Clock: clock, Hasher: Hasher()}), s
}

// Dialect names the database tests run on, for messages.
func Dialect() string {
	if strings.HasPrefix(DatabaseURL(), "postgres") {
		return "postgres"
	}
	return "sqlite"
}
