package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wushe/wushe/app/store"
)

// TestOpenSQLitePathWithURICharacters: a data directory named like a subtest ("x#01") or with
// a percent sign holds the database file, not a file named after the part before the #.
func TestOpenSQLitePathWithURICharacters(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"x#01", "50%off", "what?"} {
		path := filepath.Join(t.TempDir(), dir, "wushe.db")
		s, err := store.Open(context.Background(), store.Config{SQLitePath: path})
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		if err := s.Migrate(context.Background(), nil); err != nil {
			t.Fatalf("migrate %s: %v", path, err)
		}
		s.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the database is not at %s: %v", path, err)
		}
	}
}
