package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/web"
	"github.com/wushe/wushe/search/embedded"
	"github.com/wushe/wushe/search/meili"
)

// searchBenchQueries are the shapes of the results page: words, two terms, filters, near me,
// newest, page 3, no match.
var searchBenchQueries = []string{
	"q=" + url.QueryEscape("助餐"), "q=" + url.QueryEscape("养老"), "q=" + url.QueryEscape("独居老人"),
	"q=" + url.QueryEscape("志愿者"), "q=" + url.QueryEscape("心理咨询"), "q=" + url.QueryEscape("老人 送餐"),
	"q=" + url.QueryEscape("送餐") + "&type=volunteer&community=1", "q=" + url.QueryEscape("理发") + "&category=elderly_care",
	"near=30.6985,121.0212&radius_m=1000&sort=nearest", "q=" + url.QueryEscape("巡逻") + "&sort=newest",
	"type=need&status=open", "q=" + url.QueryEscape("志愿者") + "&page=3", "q=" + url.QueryEscape("火星基地"),
}

// BenchmarkSearchAPI measures GET /api/v1/search over the demo data set (4,218 documents)
// through the whole web stack in-process, and reports the p50 and p95 per request. The
// Meilisearch variant runs when WUSHE_TEST_MEILI_URL is set; "fallback" has no engine, so
// the database answers.
func BenchmarkSearchAPI(b *testing.B) {
	engines := map[string]func(b *testing.B) app.SearchIndex{
		"embedded": func(b *testing.B) app.SearchIndex {
			e, err := embedded.Open(embedded.Config{Path: filepath.Join(b.TempDir(), "search.db")})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { e.Close() })
			return e
		},
		"meili": func(b *testing.B) app.SearchIndex {
			u := os.Getenv("WUSHE_TEST_MEILI_URL")
			if u == "" {
				b.Skip("WUSHE_TEST_MEILI_URL is not set")
			}
			var r [6]byte
			_, _ = rand.Read(r[:])
			e, err := meili.New(meili.Config{URL: u, Key: os.Getenv("WUSHE_TEST_MEILI_KEY"), IndexPrefix: "wushe_bench_" + hex.EncodeToString(r[:]), Timeout: 30 * time.Second})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = e.DeleteIndex(context.Background()); e.Close() })
			return e
		},
	}
	engines["fallback"] = func(*testing.B) app.SearchIndex { return nil }
	for _, name := range []string{"embedded", "meili", "fallback"} {
		b.Run(name, func(b *testing.B) {
			idx := engines[name](b)
			s := apptest.OpenStore(b)
			now := fixedNow
			if _, err := demo.Load(context.Background(), s, apptest.Hasher(), now, "demo password"); err != nil {
				b.Fatal(err)
			}
			deps := app.Deps{Store: s, Clock: apptest.NewClock(now), Hasher: apptest.Hasher(), Logger: discard()}
			if idx != nil {
				deps.Search = idx
			}
			a := app.New(deps)
			if idx != nil {
				start := time.Now()
				st, err := a.Reindex(context.Background(), app.ReindexOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("reindexed %d records into %d documents in %s (%s)", st.Records, st.Documents, time.Since(start).Round(time.Millisecond), apptest.Dialect())
			}
			fallback := idx == nil
			ws, err := web.New(web.Config{Version: "bench", Logger: discard()}, web.Deps{App: a, Sessions: s.Sessions(), Ready: s.Ping, Registry: prometheus.NewRegistry()})
			if err != nil {
				b.Fatal(err)
			}
			// Warm up every query once.
			for _, q := range searchBenchQueries {
				serveSearch(b, ws, q, fallback)
			}
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				serveSearch(b, ws, searchBenchQueries[i%len(searchBenchQueries)], fallback)
				times = append(times, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(times)
			pct := func(p float64) float64 {
				return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
		})
	}
}

// serveSearch runs one search and checks it was answered by the expected path.
func serveSearch(b *testing.B, h http.Handler, q string, fallback bool) {
	req := httptest.NewRequest(http.MethodGet, "/api/v1/search?"+q, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"fallback":true`)) != fallback {
		b.Fatalf("%s = %d %s", q, rec.Code, rec.Body.String())
	}
}
