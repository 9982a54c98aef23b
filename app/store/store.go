// Package store implements app's stores with GORM over PostgreSQL (production) or SQLite
// through a pure-Go driver (the embedded default).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/migrations"
)

// Config says which database to open.
type Config struct {
	// DatabaseURL selects PostgreSQL when set (postgres://…).
	DatabaseURL string
	// SQLitePath is the SQLite file used when DatabaseURL is empty.
	SQLitePath string
	// MaxOpenConns bounds the PostgreSQL pool (and the SQLite read pool).
	MaxOpenConns int
	Logger       *slog.Logger
}

// Store is the GORM implementation of app.Store.
type Store struct {
	// w is used for writes and transactions; r for reads outside transactions. On SQLite w holds
	// a single connection so writers queue in Go instead of failing with SQLITE_BUSY.
	w, r    *gorm.DB
	dialect migrations.Dialect
	log     *slog.Logger

	taxMu      sync.Mutex
	categories []*app.Category
	skills     []*app.Skill
}

var _ app.Store = (*Store)(nil)

// Open connects to the configured database. It does not migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxOpenConns <= 0 {
		cfg.MaxOpenConns = 20
	}
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
	}
	s := &Store{log: cfg.Logger}
	if cfg.DatabaseURL != "" {
		db, err := gorm.Open(postgres.Open(cfg.DatabaseURL), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(cfg.MaxOpenConns)
		sqlDB.SetMaxIdleConns(cfg.MaxOpenConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.r, s.dialect = db, db, migrations.Postgres
	} else {
		if cfg.SQLitePath == "" {
			return nil, errors.New("open sqlite: no path")
		}
		if err := os.MkdirAll(filepath.Dir(cfg.SQLitePath), 0o750); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// busy_timeout must come first so the other pragmas wait instead of failing.
		dsn := sqliteURI(cfg.SQLitePath) + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_time_format=sqlite"
		w, err := gorm.Open(sqlite.Open(dsn+"&_txlock=immediate"), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		wdb, _ := w.DB()
		wdb.SetMaxOpenConns(1)
		wdb.SetConnMaxLifetime(0)
		r, err := gorm.Open(sqlite.Open(dsn+"&_pragma=query_only(1)"), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		rdb, _ := r.DB()
		rdb.SetMaxOpenConns(cfg.MaxOpenConns)
		rdb.SetMaxIdleConns(cfg.MaxOpenConns)
		s.w, s.r, s.dialect = w, r, migrations.SQLite
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteURI is the SQLite URI of a file path, with the characters a URI gives a meaning to
// escaped: unescaped, "data#2/wushe.db" would open "data" (what follows # is a fragment).
func sqliteURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Dialect reports which database the store talks to.
func (s *Store) Dialect() migrations.Dialect { return s.dialect }

// SQLDB returns the underlying write pool (for migrations and tests).
func (s *Store) SQLDB() (*sql.DB, error) { return s.w.DB() }

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	for _, db := range []*gorm.DB{s.w, s.r} {
		if db == nil {
			continue
		}
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
		if s.w == s.r {
			break
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.w.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

type txKey struct{}

// InTx runs fn in a transaction carried by ctx; a nested call joins the outer transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// db returns the transaction in ctx, or a fresh session on the write pool.
func (s *Store) db(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.Session(&gorm.Session{NewDB: true, Context: ctx})
	}
	return s.w.Session(&gorm.Session{NewDB: true, Context: ctx})
}

// rdb returns the transaction in ctx, or a fresh session on the read pool, so reads inside a
// transaction see its own writes and reads outside do not queue behind the writer.
func (s *Store) rdb(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.Session(&gorm.Session{NewDB: true, Context: ctx})
	}
	return s.r.Session(&gorm.Session{NewDB: true, Context: ctx})
}

// CountQueries runs fn and returns how many SQL statements the store ran meanwhile; tests use
// it to catch queries repeated per row (N+1).
func (s *Store) CountQueries(fn func()) int {
	var n atomic.Int64
	name := fmt.Sprintf("wushe:count:%p", &n)
	for _, db := range []*gorm.DB{s.w, s.r} {
		_ = db.Callback().Query().After("gorm:query").Register(name, func(*gorm.DB) { n.Add(1) })
		_ = db.Callback().Row().After("gorm:row").Register(name, func(*gorm.DB) { n.Add(1) })
		if s.w == s.r {
			break
		}
	}
	defer func() {
		for _, db := range []*gorm.DB{s.w, s.r} {
			_ = db.Callback().Query().Remove(name)
			_ = db.Callback().Row().Remove(name)
			if s.w == s.r {
				break
			}
		}
	}()
	fn()
	return int(n.Load())
}

// ReportSlow calls report with every statement the store runs from now on that takes at
// least d, with its SQL (placeholders, no arguments); scripts/dashbench uses it to show where
// a use case's time goes.
func (s *Store) ReportSlow(d time.Duration, report func(took time.Duration, sql string)) {
	const key = "wushe:slow:start"
	start := func(tx *gorm.DB) { tx.InstanceSet(key, time.Now()) }
	end := func(tx *gorm.DB) {
		if t, ok := tx.InstanceGet(key); ok {
			if took := time.Since(t.(time.Time)); took >= d {
				report(took, tx.Statement.SQL.String())
			}
		}
	}
	for _, db := range []*gorm.DB{s.w, s.r} {
		_ = db.Callback().Query().Before("gorm:query").Register("wushe:slow:before", start)
		_ = db.Callback().Query().After("gorm:query").Register("wushe:slow:after", end)
		_ = db.Callback().Row().Before("gorm:row").Register("wushe:slow:before", start)
		_ = db.Callback().Row().After("gorm:row").Register("wushe:slow:after", end)
		if s.w == s.r {
			break
		}
	}
}

// DB exposes a GORM handle bound to ctx's transaction, for sibling stores in other packages.
func (s *Store) DB(ctx context.Context) *gorm.DB { return s.db(ctx) }

// translate maps database errors to app errors; kind names the record for not-found messages.
func translate(err error, kind string) error {
	var ae *app.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return app.NotFound(kind)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &app.Error{Code: app.ECONFLICT, Message: app.Msg("error.duplicate", "kind", kind), Err: err}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return &app.Error{Code: app.EINVALID, Message: app.Msg("error.unknown_ref"), Err: err}
	case errors.Is(err, gorm.ErrCheckConstraintViolated):
		return &app.Error{Code: app.EINVALID, Message: app.Msg("error.invalid"), Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	// Drivers that do not translate unique violations still name them.
	if msg := err.Error(); strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "duplicate key value") {
		return &app.Error{Code: app.ECONFLICT, Message: app.Msg("error.duplicate", "kind", kind), Err: err}
	}
	return fmt.Errorf("%s: %w", kind, err)
}

// like builds a case-insensitive LIKE pattern for "contains q", escaping wildcards.
func like(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(strings.TrimSpace(q))) + "%"
}

// page applies a page's limit and offset.
func page(p app.Page) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if p.PerPage <= 0 {
			return db
		}
		return db.Limit(p.PerPage).Offset(p.Offset())
	}
}

// findPage loads one page of the filtered rows in the given order, with the filter's total.
//
// The page and the total are two queries on purpose. A window count (COUNT(*) OVER()) in the
// page's query makes the database read and sort every matching row before it can return the
// first twenty: 4.8–5.3 s for the unfiltered needs list on a city (docs/perf/city-lists.md).
// Apart, the page is an index scan that stops at its LIMIT when an index serves the order,
// and the count, bounded by app.Page.CountLimit, reads at most that many index entries.
func findPage[T any](ctx context.Context, db func(context.Context) *gorm.DB, scope func(*gorm.DB) *gorm.DB, order any, p app.Page, kind string) ([]*T, int, error) {
	out := []*T{}
	var zero T
	if p.PerPage <= 0 {
		// An unpaged lookup (by ids, for batch loading) needs no count.
		if err := db(ctx).Scopes(scope).Order(order).Find(&out).Error; err != nil {
			return nil, 0, translate(err, kind)
		}
		return out, len(out), nil
	}
	if err := db(ctx).Model(&zero).Scopes(scope, page(p)).Order(order).Find(&out).Error; err != nil {
		return nil, 0, translate(err, kind)
	}
	// Count at most CountLimit rows: past it the answer only says "more than" (app.Page's
	// TotalIsLowerBound), and the database stops reading there.
	var total int64
	matching := db(ctx).Model(&zero).Scopes(scope).Select("1")
	if lim := p.CountLimit(); lim > 0 {
		matching = matching.Limit(lim)
	}
	if err := db(ctx).Table("(?) AS wushe_page_count", matching).Count(&total).Error; err != nil {
		return nil, 0, translate(err, kind)
	}
	return out, int(total), nil
}

// updateAll writes every column of a record, zero values included (GORM's Updates skips them).
func updateAll(db *gorm.DB, v any, kind string) error {
	res := db.Model(v).Select("*").Omit("id", "created_at").Updates(v)
	if res.Error != nil {
		return translate(res.Error, kind)
	}
	if res.RowsAffected == 0 {
		return app.NotFound(kind)
	}
	return nil
}
