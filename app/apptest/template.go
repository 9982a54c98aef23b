package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wushe/wushe/app/store"
)

// Build puts data into a freshly migrated store once, for a template every test then copies.
type Build func(ctx context.Context, s *store.Store) error

// Main runs a package's tests and then removes the templates and databases they made. Every
// package that opens stores through apptest calls it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
func Main(m *testing.M) int {
	templates.mu.Lock()
	templates.running = true
	templates.mu.Unlock()
	code := m.Run()
	if err := templates.remove(); err != nil {
		fmt.Fprintf(os.Stderr, "apptest: removing test databases: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// NewTemplateDatabase gives one test a database in the state of the named template (see
// OpenTemplate). On SQLite it copies the template file to sqlitePath and returns ""; on
// PostgreSQL it returns the URL of a schema holding exactly the template's rows and sequence
// values, reset for the next test when this one ends. The empty name (with a nil build) is the
// migrated schema alone. Commands under test open it as they would a real database.
func NewTemplateDatabase(t testing.TB, name string, build Build, sqlitePath string) string {
	t.Helper()
	tp, err := templates.get(name, build)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	if DatabaseURL() == "" {
		if err := CopySQLite(tp.ref, sqlitePath); err != nil {
			t.Fatalf("apptest: copy template %q: %v", name, err)
		}
		return ""
	}
	schema, err := templates.take(tp)
	if err != nil {
		t.Fatalf("apptest: template %q: %v", name, err)
	}
	// Registered before the caller opens the database, so it runs after the caller closed it.
	t.Cleanup(func() { templates.give(tp, schema) })
	u, err := schemaURL(schema)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	return u
}

// NewDatabaseURL makes an empty database for one test and returns its URL: a fresh PostgreSQL
// schema (dropped at cleanup) or "" when tests run on SQLite. Tests of migrations and of
// commands that migrate by themselves start from it.
func NewDatabaseURL(t testing.TB) string {
	t.Helper()
	if DatabaseURL() == "" {
		return ""
	}
	schema := "t_" + randomHex(6)
	if err := templates.exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { _ = templates.exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := schemaURL(schema)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	return u
}

// templates is the test process's set of templates, removed by Main when the tests end.
var templates = &templateSet{made: map[string]*template{}}

type templateSet struct {
	mu      sync.Mutex
	running bool                 // Main is running the tests
	made    map[string]*template // by name
	dir     string               // SQLite: the directory of template files
	admin   *sql.DB              // PostgreSQL: the database of TEST_DATABASE_URL
	schemas []string             // PostgreSQL: every schema made, for removal
}

// template is one built template: a SQLite file, or a PostgreSQL schema with a pool of
// schemas in its state.
type template struct {
	once sync.Once
	ref  string
	err  error

	// PostgreSQL: the statements that put a schema (%[1]s) into the template's state, and
	// the schemas in that state that no test holds.
	reset string
	mu    sync.Mutex
	free  []string
}

// get returns the named template, building it on first use; tests asking meanwhile wait.
func (ts *templateSet) get(name string, build Build) (*template, error) {
	ts.mu.Lock()
	if !ts.running {
		ts.mu.Unlock()
		return nil, errors.New("the package's tests do not run through apptest.Main: add func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }")
	}
	tp, ok := ts.made[name]
	if !ok {
		tp = &template{}
		ts.made[name] = tp
	}
	ts.mu.Unlock()
	tp.once.Do(func() {
		if DatabaseURL() == "" {
			tp.ref, tp.err = ts.buildSQLite(name, build)
		} else {
			tp.err = ts.buildPostgres(tp, build)
		}
		if tp.err != nil {
			tp.err = fmt.Errorf("build template %q: %w", name, tp.err)
		}
	})
	return tp, tp.err
}

// buildSQLite makes a template file: the migrated schema for "", else a copy of it with build
// applied.
func (ts *templateSet) buildSQLite(name string, build Build) (string, error) {
	path, err := ts.file()
	if err != nil {
		return "", err
	}
	if name != "" {
		base, err := ts.get("", nil)
		if err != nil {
			return "", err
		}
		if err := CopySQLite(base.ref, path); err != nil {
			return "", err
		}
	}
	s, err := store.Open(context.Background(), store.Config{SQLitePath: path, MaxOpenConns: 8})
	if err != nil {
		return "", err
	}
	err = prepare(s, build)
	if err == nil {
		// Fold the write-ahead log into the file, so copying the file copies everything.
		err = checkpoint(s)
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return path, err
}

// buildPostgres makes a template schema (migrated, with build applied) and the statements
// that reset another schema to its state.
func (ts *templateSet) buildPostgres(tp *template, build Build) error {
	schema, err := ts.migratedSchema("wushe_tmpl_")
	if err != nil {
		return err
	}
	tp.ref = schema
	if build != nil {
		u, err := schemaURL(schema)
		if err != nil {
			return err
		}
		s, err := store.Open(context.Background(), store.Config{DatabaseURL: u, MaxOpenConns: 8})
		if err != nil {
			return err
		}
		err = build(context.Background(), s)
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	tp.reset, err = ts.resetStatements(schema)
	return err
}

// prepare migrates a new store and applies build.
func prepare(s *store.Store, build Build) error {
	ctx := context.Background()
	if err := s.Migrate(ctx, nil); err != nil {
		return err
	}
	if build != nil {
		return build(ctx, s)
	}
	return nil
}

// migratedSchema makes a new PostgreSQL schema and migrates it as production does.
func (ts *templateSet) migratedSchema(prefix string) (string, error) {
	schema := prefix + randomHex(6)
	if err := ts.exec("CREATE SCHEMA " + schema); err != nil {
		return "", err
	}
	ts.mu.Lock()
	ts.schemas = append(ts.schemas, schema)
	ts.mu.Unlock()
	u, err := schemaURL(schema)
	if err != nil {
		return "", err
	}
	s, err := store.Open(context.Background(), store.Config{DatabaseURL: u, MaxOpenConns: 2})
	if err != nil {
		return "", err
	}
	err = prepare(s, nil)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return schema, err
}

// take hands out a schema in the template's state: one a finished test left (reset when it
// ended), or a new migrated one with the template's rows copied in.
func (ts *templateSet) take(tp *template) (string, error) {
	tp.mu.Lock()
	if n := len(tp.free); n > 0 {
		schema := tp.free[n-1]
		tp.free = tp.free[:n-1]
		tp.mu.Unlock()
		return schema, nil
	}
	tp.mu.Unlock()
	schema, err := ts.migratedSchema("wushe_t_")
	if err == nil {
		err = ts.exec(fmt.Sprintf(tp.reset, schema))
	}
	return schema, err
}

// give takes back a schema after its test: reset to the template's state, it waits for the
// next test; one that cannot be reset (a connection left holding locks) is dropped instead.
func (ts *templateSet) give(tp *template, schema string) {
	if err := ts.exec(fmt.Sprintf(tp.reset, schema)); err != nil {
		_ = ts.exec("BEGIN; SET LOCAL lock_timeout = '10s'; DROP SCHEMA IF EXISTS " + schema + " CASCADE; COMMIT;")
		return
	}
	tp.mu.Lock()
	tp.free = append(tp.free, schema)
	tp.mu.Unlock()
}

// resetStatements writes the statements that put a schema (%[1]s) back into the state of the
// template schema: every table emptied, the template's rows copied in, every sequence where
// the template's stands. Replica mode skips foreign-key checks and triggers while the rows
// are copied; the result is the template, which satisfied them.
func (ts *templateSet) resetStatements(tmpl string) (string, error) {
	db, err := ts.db()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("BEGIN; SET LOCAL lock_timeout = '10s'; SET LOCAL session_replication_role = replica;\n")
	rows, err := db.Query(`SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		WHERE n.nspname = $1 AND c.relkind = 'r' GROUP BY c.relname ORDER BY c.relname`, tmpl)
	if err != nil {
		return "", fmt.Errorf("list tables: %w", err)
	}
	type table struct{ name, cols string }
	var tables []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.name, &t.cols); err != nil {
			rows.Close()
			return "", err
		}
		tables = append(tables, t)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return "", fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		name := quoteIdent(t.name)
		fmt.Fprintf(&b, "DELETE FROM %%[1]s.%s;\n", name)
		var has bool
		if err := db.QueryRow("SELECT EXISTS (SELECT 1 FROM " + tmpl + "." + name + ")").Scan(&has); err != nil {
			return "", fmt.Errorf("read %s: %w", t.name, err)
		}
		if has {
			fmt.Fprintf(&b, "INSERT INTO %%[1]s.%s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %s.%s;\n", name, t.cols, t.cols, tmpl, name)
		}
	}
	seqs, err := db.Query(`SELECT sequencename, start_value, last_value FROM pg_sequences WHERE schemaname = $1 ORDER BY 1`, tmpl)
	if err != nil {
		return "", fmt.Errorf("list sequences: %w", err)
	}
	defer seqs.Close()
	for seqs.Next() {
		var name string
		var start int64
		var last sql.NullInt64
		if err := seqs.Scan(&name, &start, &last); err != nil {
			return "", err
		}
		// A sequence never used restarts at its start; a used one continues after its last value.
		value, called := start, false
		if last.Valid {
			value, called = last.Int64, true
		}
		fmt.Fprintf(&b, "SELECT setval('%%[1]s.%s', %d, %t);\n", quoteIdent(name), value, called)
	}
	if err := seqs.Err(); err != nil {
		return "", fmt.Errorf("list sequences: %w", err)
	}
	b.WriteString("COMMIT;")
	return b.String(), nil
}

// file names a new template file in the process's template directory.
func (ts *templateSet) file() (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.dir == "" {
		dir, err := os.MkdirTemp("", "wushe-apptest-")
		if err != nil {
			return "", err
		}
		ts.dir = dir
	}
	return filepath.Join(ts.dir, randomHex(6)+".db"), nil
}

// db opens (once) the database of TEST_DATABASE_URL.
func (ts *templateSet) db() (*sql.DB, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.admin == nil {
		db, err := sql.Open("pgx", DatabaseURL())
		if err != nil {
			return nil, fmt.Errorf("open TEST_DATABASE_URL: %w", err)
		}
		ts.admin = db
	}
	return ts.admin, nil
}

// exec runs statements on the database of TEST_DATABASE_URL on one connection, which is
// discarded if they fail (it may be left inside a failed transaction).
func (ts *templateSet) exec(stmts string) error {
	db, err := ts.db()
	if err != nil {
		return err
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	if _, err = conn.ExecContext(ctx, stmts); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
		first, _, _ := strings.Cut(stmts, "\n")
		return fmt.Errorf("%s: %w", first, err)
	}
	return conn.Close()
}

// remove deletes every template and test database the process made.
func (ts *templateSet) remove() error {
	ts.mu.Lock()
	schemas, dir, admin := ts.schemas, ts.dir, ts.admin
	ts.made, ts.schemas, ts.dir, ts.admin, ts.running = map[string]*template{}, nil, "", nil, false
	ts.mu.Unlock()
	var errs []error
	if admin != nil {
		for _, s := range schemas {
			if _, err := admin.Exec("DROP SCHEMA IF EXISTS " + s + " CASCADE"); err != nil {
				errs = append(errs, err)
			}
		}
		errs = append(errs, admin.Close())
	}
	if dir != "" {
		errs = append(errs, os.RemoveAll(dir))
	}
	return errors.Join(errs...)
}

// schemaURL is TEST_DATABASE_URL with its search path set to one schema.
func schemaURL(schema string) (string, error) {
	u, err := url.Parse(DatabaseURL())
	if err != nil {
		return "", fmt.Errorf("parse TEST_DATABASE_URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// checkpoint moves everything in a SQLite store's write-ahead log into its main file.
func checkpoint(s *store.Store) error {
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	var busy, pages, done int
	if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &pages, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpoint: the database is busy")
	}
	return nil
}

// CopySQLite copies a closed SQLite database (and its write-ahead log, if one was left).
func CopySQLite(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if err := copyFile(src, dst); err != nil {
		return err
	}
	if _, err := os.Stat(src + "-wal"); err == nil {
		return copyFile(src+"-wal", dst+"-wal")
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
