// Package embedded is the default search engine: it needs no server and passes the same
// contract suite (search/searchtest) as the Meilisearch engine.
//
// Documents live in an SQLite file reached through the pure-Go driver. SQLite FTS5 indexes the
// text, with Chinese split into character bigrams in Go (tokenize.go), and answers which
// documents contain the query terms. The fields used to filter, facet and sort are also kept
// in memory in columns (store.go), where counting and faceting tens of thousands of matches
// takes a few milliseconds instead of a SQL GROUP BY per facet.
package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"

	// The driver behind github.com/glebarez/sqlite (GORM), registered as "sqlite". Importing
	// modernc.org/sqlite as well would register the name twice and panic.
	_ "github.com/glebarez/go-sqlite"

	"github.com/wushe/wushe/search"
)

// schemaVersion changes whenever the tables or the tokenization change; EnsureIndex then drops
// the old index and reports it fresh, so the application rebuilds it from the database.
const schemaVersion = "9"

// Config configures the embedded engine.
type Config struct {
	// Path is the SQLite file of the index (e.g. <data-dir>/search.db), created when missing.
	// It must not be the application's database file: the index is dropped and rebuilt freely.
	Path string
	// ReadConns is the size of the read pool; 0 means 4.
	ReadConns int
}

// Engine is the embedded search.Index.
//
// One process should own the file. Another process may write to it (a `wushe reindex` while
// the server runs): every write bumps a generation number in the file, and a search that
// sees a generation it did not make reloads the in-memory columns first (about 0.2 s at
// 100,000 documents, half a minute at a city's 500,000 on a busy machine). That reload runs
// apart from the search that asked for it, so a search bounded by a timeout gives up when
// its timeout passes instead of waiting for the load, and the load is not cut short by it.
type Engine struct {
	w, r *sql.DB // one writer connection (SQLite allows one writer), a pool of WAL readers
	path string

	writes   chan struct{} // a lock that waits with a context: writes, their application to the store, and reloads
	mu       sync.RWMutex  // guards st, gen, inflight and loading
	st       *store
	gen      int64    // the file's generation that st reflects; -1: not loaded
	inflight int64    // the generation our write is committing, 0 when none
	loading  *loadRun // the reload searches are waiting for, nil when none

	bg     context.Context // background reloads run in it; Close cancels it and waits for them
	stop   context.CancelFunc
	loadWG sync.WaitGroup
}

// loadRun is one background reload of the columns: done closes when it ends, with err.
type loadRun struct {
	done chan struct{}
	err  error
}

var _ search.Index = (*Engine)(nil)

// Open opens (or creates) the index file. Call EnsureIndex before anything else.
func Open(cfg Config) (*Engine, error) {
	if cfg.Path == "" {
		return nil, errors.New("open embedded search: Path is required")
	}
	if strings.ContainsAny(cfg.Path, "?#") {
		return nil, fmt.Errorf("open embedded search %q: path must not contain ? or #", cfg.Path)
	}
	if cfg.ReadConns <= 0 {
		cfg.ReadConns = 4
	}
	// busy_timeout first so the pragmas after it wait instead of failing; WAL lets readers run
	// beside the writer; NORMAL sync is safe with WAL, and the index can be rebuilt anyway.
	common := url.Values{"_pragma": {"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)"}}
	w, err := sql.Open("sqlite", cfg.Path+"?"+common.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open embedded search %q: %w", cfg.Path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", cfg.Path+"?"+common.Encode()+"&_pragma=query_only(1)")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open embedded search %q: %w", cfg.Path, err)
	}
	r.SetMaxOpenConns(cfg.ReadConns)
	r.SetMaxIdleConns(cfg.ReadConns)
	bg, stop := context.WithCancel(context.Background())
	return &Engine{w: w, r: r, path: cfg.Path, gen: -1, writes: make(chan struct{}, 1), bg: bg, stop: stop}, nil
}

// Schema. Empty strings and zero ids are stored as NULL: "absent", as in Meilisearch, where the
// engine omits those attributes. docs_fts is contentless: the text is kept once, in docs, and
// FTS5 only holds the token index.
var schema = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID`,
	`INSERT INTO meta (key, value) VALUES ('generation', 1)`,
	`CREATE TABLE docs (
		rowid        INTEGER PRIMARY KEY,
		type         TEXT NOT NULL,
		id           INTEGER NOT NULL,
		title        TEXT NOT NULL,
		body         TEXT NOT NULL,
		tags         TEXT,
		community_id INTEGER,
		grid_id      INTEGER,
		category     TEXT,
		status       TEXT,
		kind         TEXT,
		created_at   INTEGER NOT NULL,
		ends_at      INTEGER,
		amount       INTEGER NOT NULL,
		lat          REAL,
		lng          REAL,
		UNIQUE (type, id)
	)`,
	// The "ascii" tokenizer splits at spaces and ASCII punctuation only, so the bigrams and
	// words made in Go pass through unchanged. prefix='3' indexes first CJK characters (3 bytes
	// in UTF-8) for one-character queries.
	`CREATE VIRTUAL TABLE docs_fts USING fts5(
		title, body, tags, title_end, body_end, tags_end,
		content='', contentless_delete=1, tokenize='ascii', prefix='3'
	)`,
	// How the Chinese text sounds (tokenize.go, pinyinText): readings "00xi" and reading pairs
	// "xhi0u" of title, tags and body, each once per document. A table of its own with
	// detail=none (rowids only: no positions or columns, which sound matching does not use)
	// and no prefix index, so it costs a fraction of the text index.
	`CREATE VIRTUAL TABLE docs_py USING fts5(
		t, content='', contentless_delete=1, tokenize='ascii', detail=none, prefix='2'
	)`,
}

// EnsureIndex creates the tables, or recreates them when they were made by another schema
// version (fresh), and loads the in-memory columns.
func (e *Engine) EnsureIndex(ctx context.Context) (fresh bool, err error) {
	if err := e.lock(ctx); err != nil {
		return false, fmt.Errorf("ensure embedded search index %q: %w", e.path, err)
	}
	defer e.unlock()
	err = e.writeTx(ctx, func(tx *sql.Tx) error {
		var v string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v)
		if err == nil && v == schemaVersion {
			return nil
		}
		// No meta table yet, or another version: start over.
		fresh = true
		for _, table := range []string{"docs_py_terms", "docs_fts", "docs_py", "doc_tags", "docs", "meta"} {
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+table); err != nil {
				return err
			}
		}
		for _, stmt := range schema {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%.40s…: %w", stmt, err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', ?)`, schemaVersion)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("ensure embedded search index %q: %w", e.path, err)
	}
	if err := e.reload(ctx, true); err != nil {
		return false, fmt.Errorf("ensure embedded search index %q: %w", e.path, err)
	}
	return fresh, nil
}

// lock takes the write lock, or gives up when ctx ends first.
func (e *Engine) lock(ctx context.Context) error {
	select {
	case e.writes <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) unlock() { <-e.writes }

// awaitLoad waits until the columns reflect the file, or ctx ends. The reload runs in the
// background, one at a time, under the write lock: a search whose timeout passes returns, and
// the next one finds the load further on (or done) instead of starting it again.
func (e *Engine) awaitLoad(ctx context.Context) error {
	e.mu.Lock()
	if err := e.bg.Err(); err != nil { // closed: no new reload (Close is waiting for the last)
		e.mu.Unlock()
		return fmt.Errorf("load columns: engine closed: %w", err)
	}
	run := e.loading
	if run == nil {
		run = &loadRun{done: make(chan struct{})}
		e.loading = run
		e.loadWG.Add(1)
		go func() {
			defer e.loadWG.Done()
			err := e.lock(e.bg)
			if err == nil {
				err = e.reload(e.bg, false)
				e.unlock()
			}
			e.mu.Lock()
			run.err, e.loading = err, nil
			e.mu.Unlock()
			close(run.done)
		}()
	}
	e.mu.Unlock()
	select {
	case <-run.done:
		return run.err
	case <-ctx.Done():
		return fmt.Errorf("wait for the columns to load: %w", ctx.Err())
	}
}

func (e *Engine) writeTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := e.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// write runs fn in a write transaction that also bumps the generation, then applies the same
// change to the in-memory columns. If another process wrote since our last look, the columns
// are marked stale instead and reloaded by the next search.
func (e *Engine) write(ctx context.Context, fn func(*sql.Tx) error, apply func(*store)) error {
	if err := e.lock(ctx); err != nil {
		return err
	}
	defer e.unlock()
	if err := e.reload(ctx, false); err != nil {
		return err
	}
	var after int64
	err := e.writeTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value`).Scan(&after)
		if err != nil {
			return fmt.Errorf("bump generation: %w", err)
		}
		e.mu.Lock()
		e.inflight = after
		e.mu.Unlock()
		return nil
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	e.inflight = 0
	if err != nil {
		return err
	}
	if e.gen == after-1 {
		apply(e.st)
		e.gen = after
	} else {
		e.gen = -1 // another process wrote in between: reload before the next search
	}
	return nil
}

// reload rebuilds the in-memory columns from the file when they are stale (or always, with
// force). The caller holds the write lock, so no write of ours runs meanwhile; searches keep using
// the old columns until the new ones are ready.
func (e *Engine) reload(ctx context.Context, force bool) error {
	tx, err := e.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("load columns: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	gen, err := generation(ctx, tx)
	if err != nil {
		return fmt.Errorf("load columns: %w", err)
	}
	e.mu.RLock()
	current := e.gen == gen
	e.mu.RUnlock()
	if current && !force {
		return nil
	}
	st := newStore()
	rows, err := tx.QueryContext(ctx, `SELECT `+columns(false)+`, rowid FROM docs`)
	if err != nil {
		return fmt.Errorf("load columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		d, err := scanDoc(rows, false, &rowid)
		if err != nil {
			return fmt.Errorf("load columns: %w", err)
		}
		st.put(rowid, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load columns: %w", err)
	}
	e.mu.Lock()
	e.st, e.gen = st, gen
	e.mu.Unlock()
	return nil
}

func generation(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, error) {
	var gen int64
	if err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'generation'`).Scan(&gen); err != nil {
		return 0, fmt.Errorf("read generation: %w", err)
	}
	return gen, nil
}

// Upsert writes the documents in one transaction: all or none. Larger batches index faster
// (FTS5 merges fewer segments); the reindex command sends thousands at a time.
func (e *Engine) Upsert(ctx context.Context, docs []search.Document) error {
	for i, d := range docs {
		if err := d.Validate(fmt.Sprintf("documents[%d]", i)); err != nil {
			return err
		}
	}
	if len(docs) == 0 {
		return nil
	}
	// Tokenizing is pure Go and the slow part of preparing a row: it runs on every core while
	// the docs rows are written (which need no tokens), and the FTS rows wait for it.
	type tokens struct{ title, body, tags, titleEnd, bodyEnd, tagsEnd, py string }
	toks := make([]tokens, len(docs))
	// The docs rows need the tags as JSON before the tokenizers are done: made here.
	tagsJSON := make([]any, len(docs))
	for i, d := range docs {
		if tags := cleanTags(d.Tags); len(tags) > 0 {
			b, err := json.Marshal(tags)
			if err != nil {
				return fmt.Errorf("embedded search upsert: %w", err)
			}
			tagsJSON[i] = string(b)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), (len(docs)+99)/100)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sw soundWriter
			for i := w; i < len(docs); i += workers {
				d, t := docs[i], &toks[i]
				tags := cleanTags(d.Tags)
				t.title, t.titleEnd = indexText(d.Title)
				t.body, t.bodyEnd = indexText(d.Body)
				t.tags, t.tagsEnd = indexText(strings.Join(tags, " "))
				// Newlines keep character pairs from spanning two fields.
				t.py = sw.text(d.Title + "\n" + strings.Join(tags, "\n") + "\n" + d.Body)
			}
		}()
	}
	defer wg.Wait() // never leave tokenizers running past a failed write
	rowids := make([]int64, len(docs))
	err := e.write(ctx, func(tx *sql.Tx) error {
		// The driver parses a statement again at every execution, so rows go in multi-row
		// statements. All docs rows first, then all FTS rows: every statement on docs opens a
		// savepoint, and FTS5 flushes its pending terms to a new segment at each one;
		// interleaving the two tables made one segment per document (14 s instead of 6 s for
		// 100,000 documents).
		for from := 0; from < len(docs); from += docsPerStatement {
			chunk := docs[from:min(from+docsPerStatement, len(docs))]
			args := make([]any, 0, len(chunk)*15)
			for k, d := range chunk {
				var lat, lng, endsAt any
				if d.Location != nil {
					lat, lng = d.Location.Lat, d.Location.Lng
				}
				if !d.EndsAt.IsZero() {
					endsAt = d.EndsAt.UnixMilli()
				}
				args = append(args, string(d.Type), d.ID, d.Title, d.Body, tagsJSON[from+k],
					nullInt(d.CommunityID), nullInt(d.GridID), nullStr(d.Category), nullStr(d.Status), nullStr(d.Kind),
					d.CreatedAt.UnixMilli(), endsAt, d.Amount, lat, lng)
			}
			rows, err := tx.QueryContext(ctx, `INSERT INTO docs
				(type, id, title, body, tags, community_id, grid_id, category, status, kind, created_at, ends_at, amount, lat, lng)
				VALUES `+valueRows(len(chunk), 15)+`
				ON CONFLICT (type, id) DO UPDATE SET
				title = excluded.title, body = excluded.body, tags = excluded.tags,
				community_id = excluded.community_id, grid_id = excluded.grid_id,
				category = excluded.category, status = excluded.status, kind = excluded.kind,
				created_at = excluded.created_at, ends_at = excluded.ends_at, amount = excluded.amount,
				lat = excluded.lat, lng = excluded.lng
				RETURNING type, id, rowid`, args...)
			if err != nil {
				return err
			}
			// RETURNING rows come in no promised order: match them by key.
			got := make(map[search.Ref]int64, len(chunk))
			for rows.Next() {
				var typ string
				var id, rowid int64
				if err := rows.Scan(&typ, &id, &rowid); err != nil {
					rows.Close()
					return err
				}
				got[search.Ref{Type: search.Type(typ), ID: id}] = rowid
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for k, d := range chunk {
				rowid, ok := got[d.Ref()]
				if !ok {
					return fmt.Errorf("%s: no rowid returned", d.Ref())
				}
				rowids[from+k] = rowid
			}
		}
		wg.Wait()
		// The FTS rows of the whole batch go in one statement per table, as one JSON
		// parameter read by json_each: each statement opens a savepoint at which FTS5 writes
		// its pending terms to a new segment, and the driver binds positional parameters in
		// quadratic time, so neither many small statements nor one with thousands of
		// parameters is cheap.
		fts := make([][7]any, len(docs))
		py := make([][2]any, len(docs))
		for i := range docs {
			t := toks[i]
			fts[i] = [7]any{rowids[i], t.title, t.body, t.tags, t.titleEnd, t.bodyEnd, t.tagsEnd}
			py[i] = [2]any{rowids[i], t.py}
		}
		ftsJSON, err := json.Marshal(fts)
		if err != nil {
			return err
		}
		pyJSON, err := json.Marshal(py)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO docs_fts
			(rowid, title, body, tags, title_end, body_end, tags_end)
			SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
			FROM json_each(?)`, string(ftsJSON)); err != nil {
			return fmt.Errorf("index text: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO docs_py (rowid, t)
			SELECT value ->> 0, value ->> 1 FROM json_each(?)`, string(pyJSON)); err != nil {
			return fmt.Errorf("index pinyin: %w", err)
		}
		return nil
	}, func(st *store) {
		for i, d := range docs {
			st.put(rowids[i], d)
		}
	})
	if err != nil {
		return fmt.Errorf("embedded search upsert %d documents: %w", len(docs), err)
	}
	return nil
}

// docsPerStatement rows per multi-row statement: 1,500 parameters, far below SQLite's 32,766.
const docsPerStatement = 100

// valueRows returns "(?, ?), (?, ?)" for rows rows of n columns.
func valueRows(rows, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// cleanTags drops empty and repeated tags, keeping the first order.
func cleanTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Delete removes documents by ref.
func (e *Engine) Delete(ctx context.Context, refs []search.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	var gone []int64
	err := e.write(ctx, func(tx *sql.Tx) error {
		for from := 0; from < len(refs); from += docsPerStatement {
			chunk := refs[from:min(from+docsPerStatement, len(refs))]
			args := make([]any, 0, 2*len(chunk))
			for _, r := range chunk {
				args = append(args, string(r.Type), r.ID)
			}
			rows, err := tx.QueryContext(ctx, `DELETE FROM docs WHERE (type, id) IN (VALUES `+valueRows(len(chunk), 2)+`) RETURNING rowid`, args...)
			if err != nil {
				return err
			}
			var del []any
			for rows.Next() {
				var rowid int64
				if err := rows.Scan(&rowid); err != nil {
					rows.Close()
					return err
				}
				del = append(del, rowid)
				gone = append(gone, rowid)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(del) == 0 {
				continue
			}
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(del)), ", ")
			for _, table := range []string{"docs_fts", "docs_py"} {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE rowid IN (`+marks+`)`, del...); err != nil {
					return err
				}
			}
		}
		return nil
	}, func(st *store) {
		for _, rowid := range gone {
			st.remove(rowid)
		}
	})
	if err != nil {
		return fmt.Errorf("embedded search delete %d documents: %w", len(refs), err)
	}
	return nil
}

// Reset removes every document.
func (e *Engine) Reset(ctx context.Context) error {
	err := e.write(ctx, func(tx *sql.Tx) error {
		for _, stmt := range []string{
			`DELETE FROM docs`,
			`INSERT INTO docs_fts (docs_fts) VALUES ('delete-all')`,
			`INSERT INTO docs_py (docs_py) VALUES ('delete-all')`,
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	}, func(st *store) { *st = *newStore() })
	if err != nil {
		return fmt.Errorf("embedded search reset: %w", err)
	}
	return nil
}

// Flush returns at once: every write is committed, and so visible, before its method returns.
func (e *Engine) Flush(ctx context.Context) error { return ctx.Err() }

// Health checks that the index file can be read and its columns are loaded: until then
// (half a minute after a city's server starts) searches are answered by the database, and
// /readyz says so.
func (e *Engine) Health(ctx context.Context) error {
	if _, err := generation(ctx, e.r); err != nil {
		return fmt.Errorf("embedded search health: %w", err)
	}
	e.mu.RLock()
	loaded := e.st != nil
	e.mu.RUnlock()
	if !loaded {
		return errors.New("embedded search health: the in-memory columns are still loading")
	}
	return nil
}

// Close stops a background reload and closes both connection pools.
func (e *Engine) Close() error {
	e.mu.Lock() // after this no reload starts (awaitLoad checks under mu), so Wait sees them all
	e.stop()
	e.mu.Unlock()
	e.loadWG.Wait()
	return errors.Join(e.r.Close(), e.w.Close())
}
