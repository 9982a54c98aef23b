package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wushe/wushe/app/store"
)

// Build puts data into a freshly migrated store once, for a template every test then copies.
type Build func(ctx context.Context, s *store.Store) error

// Main runs a package's tests and then removes the templates they made. Every package that
// opens stores through apptest calls it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
func Main(m *testing.M) int {
	templates.mu.Lock()
	templates.running = true
	templates.mu.Unlock()
	code := m.Run()
	if err := templates.remove(); err != nil {
		fmt.Fprintf(os.Stderr, "apptest: removing templates: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// NewTemplateDatabase makes a fresh copy of the named template for one test (see
// OpenTemplate) and returns its PostgreSQL URL, dropped when the test ends; on SQLite it copies
// the template to sqlitePath and returns "". The empty name (with a nil build) is the migrated
// schema alone. Commands under test open the copy as they would a real database.
func NewTemplateDatabase(t testing.TB, name string, build Build, sqlitePath string) string {
	t.Helper()
	tp, err := templates.get(name, build)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	if DatabaseURL() == "" {
		if err := copySQLite(tp.ref, sqlitePath); err != nil {
			t.Fatalf("apptest: copy template %q: %v", name, err)
		}
		return ""
	}
	db := "wushe_t_" + randomHex(6)
	if err := templates.exec("CREATE DATABASE " + db + " TEMPLATE " + tp.ref); err != nil {
		t.Fatalf("apptest: copy template %q: %v", name, err)
	}
	t.Cleanup(func() { _ = templates.exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)") })
	u, err := databaseURL(db)
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
	base := DatabaseURL()
	if base == "" {
		return ""
	}
	schema := "t_" + randomHex(6)
	if err := templates.exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { _ = templates.exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// templates is the test process's set of templates, removed by Main when the tests end.
var templates = &templateSet{made: map[string]*template{}}

type templateSet struct {
	mu      sync.Mutex
	running bool                 // Main is running the tests
	made    map[string]*template // by name
	dir     string               // SQLite: the directory of template files
	admin   *sql.DB              // PostgreSQL: the database of TEST_DATABASE_URL
}

// template is one built template: a SQLite file or a PostgreSQL database name.
type template struct {
	once sync.Once
	ref  string
	err  error
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
		tp.ref, tp.err = ts.build(name, build)
		if tp.err != nil {
			tp.err = fmt.Errorf("build template %q: %w", name, tp.err)
		}
	})
	return tp, tp.err
}

// build makes a template: the migrated schema for "", else a copy of it with build applied.
func (ts *templateSet) build(name string, build Build) (string, error) {
	ctx := context.Background()
	sqlite := DatabaseURL() == ""
	var ref, path, u string
	var err error
	if sqlite {
		if ref, err = ts.file(); err != nil {
			return "", err
		}
		path = ref
	} else {
		ref = "wushe_tmpl_" + randomHex(6)
		if u, err = databaseURL(ref); err != nil {
			return "", err
		}
	}
	if name == "" {
		if !sqlite {
			if err := ts.exec("CREATE DATABASE " + ref); err != nil {
				return "", err
			}
		}
	} else {
		base, err := ts.get("", nil)
		if err != nil {
			return "", err
		}
		if sqlite {
			err = copySQLite(base.ref, path)
		} else {
			err = ts.exec("CREATE DATABASE " + ref + " TEMPLATE " + base.ref)
		}
		if err != nil {
			return "", err
		}
	}
	s, err := store.Open(ctx, store.Config{DatabaseURL: u, SQLitePath: path, MaxOpenConns: 8})
	if err != nil {
		return "", err
	}
	if name == "" {
		err = s.Migrate(ctx, nil)
	} else if build != nil {
		err = build(ctx, s)
	}
	if err == nil && sqlite {
		// Fold the write-ahead log into the file, so copying the file copies everything.
		err = checkpoint(s)
	}
	// A PostgreSQL template may be copied only while nobody is connected to it.
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return ref, err
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

// exec runs one statement on the database of TEST_DATABASE_URL.
func (ts *templateSet) exec(stmt string) error {
	ts.mu.Lock()
	if ts.admin == nil {
		db, err := sql.Open("pgx", DatabaseURL())
		if err != nil {
			ts.mu.Unlock()
			return fmt.Errorf("open %s: %w", DatabaseURL(), err)
		}
		ts.admin = db
	}
	db := ts.admin
	ts.mu.Unlock()
	if _, err := db.Exec(stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// remove deletes every template the process made.
func (ts *templateSet) remove() error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var errs []error
	if ts.admin != nil {
		for _, tp := range ts.made {
			if tp.err == nil && tp.ref != "" {
				if _, err := ts.admin.Exec("DROP DATABASE IF EXISTS " + tp.ref + " WITH (FORCE)"); err != nil {
					errs = append(errs, err)
				}
			}
		}
		errs = append(errs, ts.admin.Close())
	}
	if ts.dir != "" {
		errs = append(errs, os.RemoveAll(ts.dir))
	}
	ts.made, ts.admin, ts.dir, ts.running = map[string]*template{}, nil, "", false
	return errors.Join(errs...)
}

// databaseURL is TEST_DATABASE_URL pointed at another database of the same server.
func databaseURL(db string) (string, error) {
	u, err := url.Parse(DatabaseURL())
	if err != nil {
		return "", fmt.Errorf("parse TEST_DATABASE_URL: %w", err)
	}
	u.Path = "/" + db
	return u.String(), nil
}

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

// copySQLite copies a closed SQLite database (and its write-ahead log, if one was left).
func copySQLite(src, dst string) error {
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
