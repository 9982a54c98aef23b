package embedded_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/embedded"
	"github.com/wushe/wushe/search/searchtest"
)

// engine opens a new index file per test, so tests run in parallel.
var engine = searchtest.Engine{Name: "embedded", New: func(t *testing.T) search.Index {
	e, err := embedded.Open(embedded.Config{Path: filepath.Join(t.TempDir(), "search.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}}

func TestContract(t *testing.T) {
	t.Parallel()
	searchtest.Run(t, engine)
}

func openAt(t *testing.T, path string) *embedded.Engine {
	t.Helper()
	e, err := embedded.Open(embedded.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// The index lives in its file: documents survive a restart, and EnsureIndex on an existing
// index of the current schema is not fresh.
func TestReopenKeepsDocuments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "search.db")
	e := openAt(t, path)
	if _, err := e.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Upsert(ctx, searchtest.Corpus); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = openAt(t, path)
	fresh, err := e.EnsureIndex(ctx)
	if err != nil || fresh {
		t.Fatalf("EnsureIndex after reopen = %v, %v; want false, nil", fresh, err)
	}
	res, err := e.Search(ctx, search.Query{Text: "养老"})
	if err != nil || res.Total != 4 {
		t.Fatalf("after reopen: %v, %v", res, err)
	}
}

// A file written by another schema version (tokenization change) is rebuilt empty and
// reported fresh, so the application reindexes instead of serving wrong matches.
func TestSchemaVersionChangeRebuilds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "search.db")
	e := openAt(t, path)
	if _, err := e.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Upsert(ctx, searchtest.Corpus); err != nil {
		t.Fatal(err)
	}
	e.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE meta SET value = 'old' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	e = openAt(t, path)
	fresh, err := e.EnsureIndex(ctx)
	if err != nil || !fresh {
		t.Fatalf("EnsureIndex on an old schema = %v, %v; want true, nil", fresh, err)
	}
	if res, err := e.Search(ctx, search.Query{}); err != nil || res.Total != 0 {
		t.Fatalf("rebuilt index: %+v, %v; want empty", res, err)
	}
}

// Writers and readers at once: one writer connection serialises writes, WAL readers never
// see a half-written batch (run with -race).
func TestConcurrentWritesAndSearches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := openAt(t, filepath.Join(t.TempDir(), "search.db"))
	if _, err := e.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	docs := searchtest.Volume(400)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 4 {
		wg.Go(func() {
			for i := w * 25; i < len(docs); i += 4 * 25 {
				end := min(i+25, len(docs))
				if err := e.Upsert(ctx, docs[i:end]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for range 30 {
				res, err := e.Search(ctx, search.Query{Text: searchtest.VolumeMarker, Facets: []string{search.FieldCommunity}})
				if err != nil {
					errs <- err
					return
				}
				sum := 0
				for _, f := range res.Facets[search.FieldCommunity] {
					sum += f.Count
				}
				if sum != res.Total {
					errs <- fmt.Errorf("facets sum to %d but total is %d: not one snapshot", sum, res.Total)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestOpenNeedsAPath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "search.db?mode=ro"} {
		if _, err := embedded.Open(embedded.Config{Path: p}); err == nil {
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

// Two engines on one file stand for the server and a `wushe reindex` run in another process:
// each sees the other's writes, because a changed generation reloads the in-memory columns.
func TestWritesFromAnotherEngineAreSeen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "search.db")
	server, reindex := openAt(t, path), openAt(t, path)
	if _, err := server.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if fresh, err := reindex.EnsureIndex(ctx); err != nil || fresh {
		t.Fatalf("second engine EnsureIndex = %v, %v", fresh, err)
	}
	total := func(e *embedded.Engine, q search.Query) int {
		t.Helper()
		res, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if n := total(server, search.Query{}); n != 0 {
		t.Fatalf("empty index has %d documents", n)
	}
	if err := reindex.Upsert(ctx, searchtest.Corpus); err != nil {
		t.Fatal(err)
	}
	if n := total(server, search.Query{Filter: search.Eq(search.FieldTags, "助餐")}); n != 3 {
		t.Errorf("server sees %d documents tagged 助餐 after the other engine wrote, want 3", n)
	}
	if err := server.Delete(ctx, []search.Ref{searchtest.N(1)}); err != nil {
		t.Fatal(err)
	}
	if n := total(reindex, search.Query{Filter: search.Eq(search.FieldTags, "助餐")}); n != 2 {
		t.Errorf("reindex engine sees %d documents tagged 助餐 after the delete, want 2", n)
	}
	if err := reindex.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if n := total(server, search.Query{Text: "养老"}); n != 0 {
		t.Errorf("server finds %d documents after the other engine's reset", n)
	}
}

// BenchmarkSearch times results-page queries (four facets, highlight) on 10,000 generated
// documents; docs/perf/search.md has the 100,000-document measurement.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	e, err := embedded.Open(embedded.Config{Path: filepath.Join(b.TempDir(), "search.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if _, err := e.EnsureIndex(ctx); err != nil {
		b.Fatal(err)
	}
	headlines, _ := searchtest.LoadHeadlines("")
	if err := searchtest.PerfCorpus(10_000, 5000, headlines, func(d []search.Document) error { return e.Upsert(ctx, d) }); err != nil {
		b.Fatal(err)
	}
	for _, q := range searchtest.PerfQueries() {
		b.Run(q.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Search(ctx, q.Q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpsert times indexing in batches of 1,000 documents.
func BenchmarkUpsert(b *testing.B) {
	ctx := context.Background()
	headlines, _ := searchtest.LoadHeadlines("")
	var docs []search.Document
	_ = searchtest.PerfCorpus(1000, 1000, headlines, func(d []search.Document) error { docs = append(docs, d...); return nil })
	e, err := embedded.Open(embedded.Config{Path: filepath.Join(b.TempDir(), "search.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if _, err := e.EnsureIndex(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := e.Upsert(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(docs)), "µs/doc")
}
