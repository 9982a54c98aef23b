package meili_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/meili"
	"github.com/wushe/wushe/search/searchtest"
)

// server returns the test server's URL and key from scripts/test.sh, skipping the test when
// there is none (failing instead when WUSHE_TEST_REQUIRE_SERVICES=1, as in CI).
func server(t testing.TB) (url, key string) {
	t.Helper()
	url, key = os.Getenv("WUSHE_TEST_MEILI_URL"), os.Getenv("WUSHE_TEST_MEILI_KEY")
	if url == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("WUSHE_TEST_MEILI_URL is not set but WUSHE_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("WUSHE_TEST_MEILI_URL is not set: run scripts/test.sh, or start_meilisearch from scripts/services/meilisearch.sh")
	}
	return url, key
}

// uniquePrefix names one test's index so parallel tests never share one.
func uniquePrefix(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "test_" + hex.EncodeToString(b)
}

// open returns an engine on a new index that is deleted when the test ends.
func open(t testing.TB, cfg meili.Config) *meili.Engine {
	t.Helper()
	cfg.URL, cfg.Key = server(t)
	if cfg.Timeout == 0 {
		// The tests check answers, not speed: a busy machine can hold a search past the
		// production default of 3 s.
		cfg.Timeout = time.Minute
	}
	if cfg.IndexPrefix == "" {
		cfg.IndexPrefix = uniquePrefix(t)
	}
	e, err := meili.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.DeleteIndex(ctx); err != nil {
			t.Logf("delete index %s: %v", e.IndexUID(), err)
		}
		_ = e.Close()
	})
	return e
}

var engine = searchtest.Engine{Name: "meili", New: func(t *testing.T) search.Index {
	return open(t, meili.Config{})
}}

func TestContract(t *testing.T) {
	t.Parallel()
	server(t)
	searchtest.Run(t, engine)
}

// The engine's quoting against the real parser: every value finds exactly its document.
// Meilisearch 1.21 reads quoted filter values in two layers (closing quote, then escape
// sequences), so these are the values most likely to break.
func TestFilterQuoting(t *testing.T) {
	t.Parallel()
	values := []string{`a\b`, `a\`, `\`, `a\"b`, `a"b`, `a'b`, `a\\b`, `a\nb`, "a\nb", `\u0041`, "A",
		`a\'b`, `"老人"·关爱（试点）`, `养老\助餐`, "【试点】「关爱」", "tab\there", `' OR 1 = 1`}
	docs := make([]search.Document, len(values))
	for i, v := range values {
		docs[i] = search.Document{Type: search.TypeNeed, ID: int64(i + 1), Title: "t", Category: v,
			CreatedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}
	}
	idx := searchtest.Load(t, engine, docs)
	for i, v := range values {
		res, err := idx.Search(context.Background(), search.Query{Filter: search.Eq(search.FieldCategory, v)})
		if err != nil {
			t.Errorf("category = %q: %v", v, err)
			continue
		}
		if got := searchtest.Refs(res); len(got) != 1 || got[0].ID != int64(i+1) {
			t.Errorf("category = %q found %v, want need-%d", v, got, i+1)
		}
	}
	in := make([]any, len(values))
	for i, v := range values {
		in[i] = v
	}
	res, err := idx.Search(context.Background(), search.Query{Filter: search.In(search.FieldCategory, in...), Facets: []string{search.FieldCategory}})
	if err != nil || res.Total != len(values) || len(res.Facets[search.FieldCategory]) != len(values) {
		t.Errorf("category IN all values: %v, %v", res, err)
	}
}

// A task that fails comes back from the SDK's WaitForTask with a nil error: Flush must check
// its status and report it.
func TestFlushReportsFailedTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := open(t, meili.Config{})
	url, key := server(t)
	// Create the index with another primary key, so our add-documents task fails.
	client := meilisearch.New(url, meilisearch.WithAPIKey(key))
	info, err := client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: e.IndexUID(), PrimaryKey: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if task, err := client.WaitForTaskWithContext(ctx, info.TaskUID, 10*time.Millisecond); err != nil || task.Status != meilisearch.TaskStatusSucceeded {
		t.Fatalf("create index: %v, %v", task, err)
	}
	if err := e.Upsert(ctx, searchtest.Corpus[:2]); err != nil {
		t.Fatalf("Upsert only enqueues and should succeed: %v", err)
	}
	err = e.Flush(ctx)
	if err == nil || !strings.Contains(err.Error(), "failed") {
		t.Fatalf("Flush after a failed task = %v, want an error naming the failure", err)
	}
	t.Log(err)
	if err := e.Flush(ctx); err != nil {
		t.Errorf("a second Flush waits again for the same task: %v", err)
	}
}

// Settings changed behind the engine's back are put right by the next EnsureIndex, without
// making the index fresh; and the index name carries the settings version.
func TestEnsureIndexRepairsSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prefix := uniquePrefix(t)
	e := open(t, meili.Config{IndexPrefix: prefix, MaxTotalHits: 5000})
	if want := fmt.Sprintf("%s_v%d", prefix, meili.SettingsVersion); e.IndexUID() != want {
		t.Errorf("IndexUID = %q, want %q", e.IndexUID(), want)
	}
	if fresh, err := e.EnsureIndex(ctx); err != nil || !fresh {
		t.Fatalf("EnsureIndex = %v, %v", fresh, err)
	}
	url, key := server(t)
	client := meilisearch.New(url, meilisearch.WithAPIKey(key))
	settingsTasks := func() int64 {
		t.Helper()
		res, err := client.GetTasksWithContext(ctx, &meilisearch.TasksQuery{IndexUIDS: []string{e.IndexUID()},
			Types: []meilisearch.TaskType{meilisearch.TaskTypeSettingsUpdate}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	// Unchanged settings are not sent again: no task, no reindexing.
	if _, err := e.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if n := settingsTasks(); n != 1 {
		t.Errorf("%d settings tasks after two EnsureIndex calls, want 1", n)
	}
	index := client.Index(e.IndexUID())
	info, err := index.UpdatePaginationWithContext(ctx, &meilisearch.Pagination{MaxTotalHits: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := index.WaitForTaskWithContext(ctx, info.TaskUID, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if fresh, err := e.EnsureIndex(ctx); err != nil || fresh {
		t.Fatalf("EnsureIndex after drift = %v, %v", fresh, err)
	}
	p, err := index.GetPaginationWithContext(ctx)
	if err != nil || p.MaxTotalHits != 5000 {
		t.Errorf("maxTotalHits after EnsureIndex = %+v, %v; want 5000", p, err)
	}
	s, err := index.GetSettingsWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.RankingRules[0] != "sort" || len(s.LocalizedAttributes) != 1 || s.LocalizedAttributes[0].Locales[0] != "cmn" ||
		s.Faceting.SortFacetValuesBy["*"] != meilisearch.SortFacetTypeCount {
		t.Errorf("settings not applied: %+v", s)
	}
}

// A server that does not answer, or is not there, makes every call fail within the
// configured timeout so that callers fall back to the database instead of hanging.
func TestUnavailableServerFailsFast(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); slow.Close() })
	closed := httptest.NewServer(http.NotFoundHandler())
	downURL := closed.URL
	closed.Close()

	for name, url := range map[string]string{"slow": slow.URL, "down": downURL} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, err := meili.New(meili.Config{URL: url, Key: "k", Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			done := make(chan error, 3)
			go func() {
				ctx := context.Background()
				_, err := e.Search(ctx, search.Query{Text: "养老"})
				done <- err
				done <- e.Health(ctx)
				_, err = e.EnsureIndex(ctx)
				done <- err
			}()
			for _, call := range []string{"Search", "Health", "EnsureIndex"} {
				select {
				case err := <-done:
					if err == nil {
						t.Errorf("%s on a %s server succeeded", call, name)
					}
				case <-time.After(30 * time.Second): // a hang guard, not a speed assertion
					t.Fatalf("%s on a %s server did not return: no timeout applied", call, name)
				}
			}
		})
	}
}
