// Package apptest opens fresh, migrated stores for tests: a SQLite file by default, or a
// PostgreSQL database per test when TEST_DATABASE_URL is set.
//
// A test package migrates once: the first store a test process asks for is migrated into a
// template (a SQLite file, or a PostgreSQL database), and every test then gets its own copy of
// the template (a file copy, or CREATE DATABASE … TEMPLATE). Templates with data on top of the
// schema (the demo data set) are built once the same way, through Template. Packages that use
// this one run their tests through Main so the templates are removed at the end.
package apptest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver for database setup

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/passwd"
	"github.com/wushe/wushe/app/store"
)

// DatabaseURL returns the PostgreSQL URL tests should use, or "" for SQLite.
func DatabaseURL() string { return os.Getenv("TEST_DATABASE_URL") }

// OpenStore opens a fresh, migrated store that is closed when the test ends: a copy of the
// package's migrated template.
func OpenStore(t testing.TB) *store.Store {
	t.Helper()
	return OpenTemplate(t, "", nil)
}

// OpenTemplate opens a fresh store holding a copy of the named template: the migrated schema
// with build applied once per test process (build must be deterministic enough that every
// test of the process may share its result). The empty name is the migrated schema alone.
func OpenTemplate(t testing.TB, name string, build Build) *store.Store {
	t.Helper()
	path := ""
	if DatabaseURL() == "" {
		path = t.TempDir() + "/wushe.db"
	}
	url := NewTemplateDatabase(t, name, build, path)
	return openStore(t, url, path)
}

// OpenUnmigrated opens a fresh, empty store.
func OpenUnmigrated(t testing.TB) *store.Store {
	t.Helper()
	url := NewDatabaseURL(t)
	path := ""
	if url == "" {
		path = t.TempDir() + "/wushe.db"
	}
	return openStore(t, url, path)
}

func openStore(t testing.TB, url, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{DatabaseURL: url, SQLitePath: path, MaxOpenConns: 8})
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
