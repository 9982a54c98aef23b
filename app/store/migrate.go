package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/wushe/wushe/migrations"
)

// provider builds a goose provider for the store's dialect. On PostgreSQL a session lock keeps
// two processes from migrating at once.
func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := migrations.FS(s.dialect)
	if err != nil {
		return nil, err
	}
	db, err := s.w.DB()
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if s.dialect == migrations.Postgres {
		dialect = goose.DialectPostgres
		// The advisory lock is per schema, so separate schemas (tests) migrate in parallel.
		var schema string
		if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("wushe:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration and reports what it applied.
func (s *Store) Migrate(ctx context.Context, out io.Writer) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		if out != nil {
			fmt.Fprintf(out, "applied %05d %s (%s)\n", r.Source.Version, r.Source.Path, r.Duration.Round(time.Millisecond))
		}
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	s.taxMu.Lock()
	s.categories, s.skills = nil, nil
	s.taxMu.Unlock()
	return nil
}

// MigrateTo applies pending migrations up to and including version, so a test can write data
// in an older schema and then check what a later migration does to it.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate up to %d: %w", version, err)
	}
	return nil
}

// MigrateDownTo rolls migrations back until version is the newest applied (tests only: a
// deployment goes forward with a new migration instead).
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down to %d: %w", version, err)
	}
	return nil
}

// MigrationStatus is one migration and whether it has been applied.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// MigrationStatus lists every migration with its state.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, m := range st {
		out = append(out, MigrationStatus{Version: m.Source.Version, Name: m.Source.Path,
			Applied: m.State == goose.StateApplied, AppliedAt: m.AppliedAt})
	}
	return out, nil
}

// Pending reports whether some migrations have not been applied yet.
func (s *Store) Pending(ctx context.Context) (bool, error) {
	p, err := s.provider()
	if err != nil {
		return false, err
	}
	has, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("check pending migrations: %w", err)
	}
	return has, nil
}
