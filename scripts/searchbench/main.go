// Command searchbench times search on an existing index — typically the city of `wushe demo
// --scale city` after `wushe reindex` (docs/perf/city-search.md) — and prints p50/p95/p99
// over a mix of query shapes as residents and workers use them: Chinese words, pinyin and
// initials, filters by type, community, category and status, a radius, newest first, a deep
// page. Each shape is one query string of GET /api/v1/search.
//
// Over HTTP, against a running `wushe serve` (the whole stack: middleware, use case, JSON):
//
//	go run ./scripts/searchbench -url http://127.0.0.1:8080 -communities 2,40,90 -near 41.17,80.26
//
// Directly against the engine, with the query the use case builds (app.SearchFacets, a
// highlight, the same filters): -data-dir DIR opens the embedded index DIR/search.db;
// -meili-url (and WUSHE_MEILI_KEY, -meili-index) a Meilisearch index.
//
// Requests are sent one at a time per worker (-c workers, closed loop) after one warm-up
// round (its first search is timed alone: on the embedded engine it loads the in-memory
// columns); answers the database gave instead of the engine (the API's fallback) are counted
// per shape. The load average is printed at the start and the end, as every figure needs it.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/embedded"
	"github.com/wushe/wushe/search/meili"
)

func main() {
	base := flag.String("url", "", "a running wushe serve (HTTP mode)")
	dataDir := flag.String("data-dir", "", "embedded engine: the data directory holding search.db")
	meiliURL := flag.String("meili-url", "", "Meilisearch engine URL (key from WUSHE_MEILI_KEY)")
	meiliIndex := flag.String("meili-index", "", "Meilisearch index prefix (default wushe_docs)")
	rounds := flag.Int("rounds", 20, "rounds over every shape")
	workers := flag.Int("c", 1, "concurrent workers")
	comms := flag.String("communities", "1,2,3", "community ids the filtered shapes cycle over")
	near := flag.String("near", "", "lat,lng for the radius shapes (left out when empty)")
	flag.Parse()

	shapes := mix(strings.Split(*comms, ","), *near)
	var run func(ctx context.Context, q url.Values) error
	switch {
	case *base != "":
		client := &http.Client{Timeout: 30 * time.Second}
		run = func(ctx context.Context, q url.Values) error { return get(ctx, client, *base, q) }
	case *dataDir != "" || *meiliURL != "":
		idx, err := openEngine(*dataDir, *meiliURL, *meiliIndex)
		if err != nil {
			fail(err)
		}
		defer idx.Close()
		run = func(ctx context.Context, q url.Values) error {
			sq, err := toQuery(q)
			if err != nil {
				return err
			}
			_, err = idx.Search(ctx, sq)
			return err
		}
	default:
		fail(fmt.Errorf("give -url, -data-dir or -meili-url"))
	}
	fmt.Printf("load average at start: %s", loadavg())
	ctx := context.Background()
	for i, s := range shapes { // warm-up round, not timed
		t0 := time.Now()
		if err := run(ctx, s.q); err != nil && !errors.Is(err, errFallback) {
			fail(fmt.Errorf("%s: %w", s.name, err))
		}
		if i == 0 {
			// Directly on the embedded engine the first search loads the in-memory columns.
			fmt.Printf("first search (warm-up): %s\n", time.Since(t0).Round(time.Millisecond))
		}
	}
	type timing struct {
		shape int
		d     time.Duration
	}
	var mu sync.Mutex
	var all []timing
	fallbacks := map[int]int{}
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t0 := time.Now()
				err := run(ctx, shapes[i].q)
				if err != nil && !errors.Is(err, errFallback) {
					fail(fmt.Errorf("%s: %w", shapes[i].name, err))
				}
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					fallbacks[i]++
				}
				all = append(all, timing{i, d})
				mu.Unlock()
			}
		}()
	}
	for range *rounds {
		for i := range shapes {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	wall := time.Since(start)
	per := make([][]time.Duration, len(shapes))
	var ds []time.Duration
	for _, t := range all {
		per[t.shape] = append(per[t.shape], t.d)
		ds = append(ds, t.d)
	}
	for i, s := range shapes {
		p := pct(per[i])
		fmt.Printf("%-28s p50 %8s  p95 %8s  max %8s  fallbacks %d\n", s.name, p[0], p[1], p[3], fallbacks[i])
	}
	nf := 0
	for _, n := range fallbacks {
		nf += n
	}
	p := pct(ds)
	fmt.Printf("load average at end: %s", loadavg())
	fmt.Printf("searchbench: %d requests, %d shapes, %.1f req/s, p50 %s, p95 %s, p99 %s, max %s, %d answered by the database\n",
		len(ds), len(shapes), float64(len(ds))/wall.Seconds(), p[0], p[1], p[2], p[3], nf)
}

type shape struct {
	name string
	q    url.Values
}

// mix is the query mix: what the search page and the API's users send.
func mix(comms []string, near string) []shape {
	var out []shape
	add := func(name string, kv ...string) {
		q := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Add(kv[i], kv[i+1])
		}
		out = append(out, shape{name, q})
	}
	for _, w := range []string{"养老", "助餐", "独居老人", "志愿者", "陪诊", "维修", "社区", "老人 送餐"} {
		add("text "+w, "q", w)
	}
	for _, w := range []string{"yanglao", "zhucan", "dujulaoren", "ylfw", "sq fw", "養老"} {
		add("typed "+w, "q", w)
	}
	for i, c := range comms {
		c = strings.TrimSpace(c)
		add("need in community "+c, "type", "need", "community", c)
		add("助餐 need community "+c, "q", "助餐", "type", "need", "community", c)
		if i == 0 {
			add("志愿者 volunteers community "+c, "q", "志愿者", "type", "volunteer", "community", c)
			add("open needs community "+c, "type", "need", "community", c, "status", "open")
			add("meal_delivery in community "+c, "category", "meal_delivery", "community", c)
			add("zhucan need community "+c, "q", "zhucan", "type", "need", "community", c)
		}
	}
	add("养老 needs newest", "q", "养老", "type", "need", "sort", "newest")
	add("need open", "type", "need", "status", "open")
	add("服务 page 5", "q", "服务", "page", "5")
	add("no match", "q", "火箭发射场")
	if near != "" {
		add("助餐 within 2 km nearest", "q", "助餐", "near", near, "radius_m", "2000", "sort", "nearest")
		add("within 1 km", "near", near, "radius_m", "1000")
	}
	return out
}

func get(ctx context.Context, c *http.Client, base string, q url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/api/v1/search?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), `"fallback":true`) {
		return errFallback
	}
	return nil
}

// errFallback: the engine failed or timed out and the database answered. Counted and
// reported, not fatal: at city size it is part of what a user sees.
var errFallback = errors.New("the database answered, not the engine (fallback)")

func openEngine(dataDir, meiliURL, prefix string) (search.Index, error) {
	if meiliURL != "" {
		return meili.New(meili.Config{URL: meiliURL, Key: os.Getenv("WUSHE_MEILI_KEY"), IndexPrefix: prefix, Timeout: 30 * time.Second})
	}
	return embedded.Open(embedded.Config{Path: filepath.Join(dataDir, "search.db")})
}

// toQuery builds the engine query the search use case builds for these parameters
// (app.(*App).searchEngine): the same filters, facets and highlight, default page size.
func toQuery(v url.Values) (search.Query, error) {
	var fs []search.Filter
	if t := v.Get("type"); t != "" {
		fs = append(fs, search.In(search.FieldType, t))
	}
	if c := v.Get("community"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			return search.Query{}, err
		}
		fs = append(fs, search.Eq(search.FieldCommunity, id))
	}
	if c := v.Get("category"); c != "" {
		fs = append(fs, search.Or(search.Eq(search.FieldCategory, c), search.Eq(search.FieldTags, c)))
	}
	if s := v.Get("status"); s != "" {
		fs = append(fs, search.Eq(search.FieldStatus, s))
	}
	var lat, lng float64
	if n := v.Get("near"); n != "" {
		a, b, _ := strings.Cut(n, ",")
		lat, _ = strconv.ParseFloat(a, 64)
		lng, _ = strconv.ParseFloat(b, 64)
		r, _ := strconv.ParseFloat(v.Get("radius_m"), 64)
		fs = append(fs, search.Near(lat, lng, r))
	}
	q := search.Query{Text: v.Get("q"), Filter: search.And(fs...), Facets: app.SearchFacets, Highlight: &search.Highlight{}}
	if len(fs) == 0 {
		q.Filter = search.All()
	}
	if p := v.Get("page"); p != "" {
		q.Page, _ = strconv.Atoi(p)
	}
	switch v.Get("sort") {
	case "newest":
		q.Sort = search.Desc(search.FieldCreatedAt)
	case "nearest":
		q.Sort = search.ByDistance(lat, lng)
	}
	return q, nil
}

// pct returns p50, p95, p99 and the maximum, rounded for printing.
func pct(ds []time.Duration) [4]time.Duration {
	if len(ds) == 0 {
		return [4]time.Duration{}
	}
	s := slices.Clone(ds)
	slices.SortFunc(s, cmp.Compare)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	return [4]time.Duration{r(at(0.50)), r(at(0.95)), r(at(0.99)), r(s[len(s)-1])}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown\n"
	}
	return string(b)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "searchbench:", err)
	os.Exit(1)
}
