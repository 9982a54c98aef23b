package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/web"
	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/embedded"
	"github.com/wushe/wushe/templates"
)

// newSearchHarness is a harness whose application has an embedded search engine.
func newSearchHarness(t *testing.T) *harness {
	t.Helper()
	clock := apptest.NewClock(fixedNow)
	s := apptest.OpenStore(t)
	eng, err := embedded.Open(embedded.Config{Path: filepath.Join(t.TempDir(), "search.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	a := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher(), Search: eng, Logger: discard()})
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ws, err := web.New(web.Config{Version: "test", LoginPerMinute: 1000, Logger: discard()}, web.Deps{App: a, Sessions: s.Sessions(), Ready: s.Ping, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.EnsureIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, srv: newServer(t, ws), web: ws, app: a, store: s, world: w, clock: clock, tokens: map[string]string{}, orgs: map[string]*app.Organization{}}
}

func (h *harness) syncSearch() {
	h.t.Helper()
	if _, err := h.app.SyncSearch(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

func q(v string) string { return url.QueryEscape(v) }

// TestSearchAPIAndPage: a need filed through the API is found by the words a resident types,
// with a highlighted, escaped title and snippet, facets and distances, on both the API and
// the page.
func TestSearchAPIAndPage(t *testing.T) {
	t.Parallel()
	h := newSearchHarness(t)
	ga := h.world.A.Grids[0].ID
	status, out := h.api(http.MethodPost, "/api/v1/needs", "resident", map[string]any{"grid_id": ga, "category": "meal_delivery",
		"tier": "minor", "title": "独居老人午餐送餐<script>", "description": "每天11点半送到<b>家</b>", "privacy": "public"})
	if status != http.StatusCreated {
		t.Fatalf("create need: %d %v", status, out)
	}
	id := int64(out["id"].(float64))
	h.syncSearch()

	status, out = h.api(http.MethodGet, "/api/v1/search?q="+q("独居老人")+"&near=30.70,121.01&sort=nearest", "", nil)
	if status != http.StatusOK {
		t.Fatalf("search: %d %v", status, out)
	}
	hits, _ := out["hits"].([]any)
	if out["total"].(float64) != 1 || len(hits) != 1 || out["fallback"] != false {
		t.Fatalf("search result %v", out)
	}
	hit := hits[0].(map[string]any)
	for _, k := range []string{"type", "id", "title", "snippet", "score", "distance_m", "url"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit lacks %q: %v", k, hit)
		}
	}
	if hit["type"] != "need" || int64(hit["id"].(float64)) != id || hit["url"] != fmt.Sprintf("/needs/%d", id) || hit["distance_m"] == nil {
		t.Errorf("hit = %v", hit)
	}
	if want := "<mark>独居老人</mark>午餐送餐&lt;script&gt;"; hit["title_html"] != want {
		t.Errorf("title_html = %q, want %q", hit["title_html"], want)
	}
	facets, _ := out["facets"].(map[string]any)
	for _, k := range []string{"type", "community_id", "category", "status"} {
		if _, ok := facets[k]; !ok {
			t.Errorf("facets lack %q: %v", k, facets)
		}
	}

	b := h.browser("resident")
	code, body, _ := b.get("/search?q=" + q("独居老人"))
	if code != http.StatusOK {
		t.Fatalf("search page: %d", code)
	}
	for _, want := range []string{"<mark>独居老人</mark>午餐送餐&lt;script&gt;", "&lt;b&gt;家&lt;/b&gt;", fmt.Sprintf(`href="/needs/%d"`, id), "居民需求", `value="独居老人"`} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("search page shows unescaped markup")
	}
	// Near me: the resident's community is the origin; the page offers it and shows distances.
	code, body, _ = b.get("/search?q=" + q("送餐") + "&near=me&sort=nearest&radius_m=3000")
	if code != http.StatusOK || !strings.Contains(body, `value="me" selected`) || !strings.Contains(body, " 米") {
		t.Errorf("near me page: %d, near option or distance missing", code)
	}
	// "Nearest" alone means nearest to me for a user with a place.
	if code, body, _ = b.get("/search?q=" + q("送餐") + "&sort=nearest"); code != http.StatusOK || !strings.Contains(body, " 米") {
		t.Errorf("sort=nearest page: %d, no distances", code)
	}
	// Chinese typed without spaces: the page offers the words apart.
	code, body, _ = b.get("/search?q=" + q("老人送餐"))
	if code != http.StatusOK || !strings.Contains(body, `href="/search?q=%E8%80%81%E4%BA%BA&#43;%E9%80%81%E9%A4%90"`) {
		t.Errorf("suggestion missing: %d", code)
	}
	// A facet link filters; an empty result says so.
	code, body, _ = b.get("/search?q=" + q("送餐") + "&type=organization")
	if code != http.StatusOK || !strings.Contains(body, "没有找到相关内容") {
		t.Errorf("filtered page: %d", code)
	}
	// Operators see the backlog and the engine's health.
	h.need(h.sides()[0])
	code, body, _ = b.get("/metrics")
	if code != http.StatusOK || !strings.Contains(body, "wushe_search_outbox_rows 1") || !strings.Contains(body, "wushe_search_engine_up 1") {
		t.Errorf("metrics lack the search gauges: %d", code)
	}
	b.lang = "en"
	if code, body, _ = b.get("/search?q=" + q("送餐") + "&lang=en"); code != http.StatusOK || !strings.Contains(body, "Need</span>") {
		t.Errorf("English search page: %d", code)
	}
}

// TestSearchBadParameters: malformed parameters are a 400 naming the parameter; a search that
// is well-formed but impossible (near me without a location) is a 422 naming the field.
func TestSearchBadParameters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := []struct {
		query, user string
		status      int
		field       string
	}{
		{"q=" + strings.Repeat("老", 201), "", 400, "q"},
		{"type=tenderz", "", 400, "type"},
		{"type=need,bogus", "", 400, "type"},
		{"near=abc", "", 400, "near"},
		{"near=91,0", "", 400, "near"},
		{"near=30.7", "", 400, "near"},
		{"near=30.7,121&radius_m=0", "", 400, "radius_m"},
		{"near=30.7,121&radius_m=50001", "", 400, "radius_m"},
		{"per_page=101", "", 400, "per_page"},
		{"page=0", "", 400, "page"},
		{"sort=random", "", 400, "sort"},
		{"community=x", "", 400, "community"},
		{"sort=nearest", "", 422, "sort"},
		{"radius_m=500", "", 422, "radius_m"},
		{"near=me", "", 422, "near"},
		{"near=me", "outsider", 422, "near"},
	}
	for _, tc := range cases {
		status, out := h.api(http.MethodGet, "/api/v1/search?"+tc.query, tc.user, nil)
		e, _ := out["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if status != tc.status || fields[tc.field] == nil {
			t.Errorf("%s as %q: %d %v, want %d naming %s", tc.query, tc.user, status, out, tc.status, tc.field)
		}
	}
	if code, _, _ := h.browser("").get("/search?near=abc"); code != http.StatusBadRequest {
		t.Errorf("page with a bad point: %d, want 400", code)
	}
	// Whatever a resident types, an answer (or a 400 naming q), never a 5xx.
	for _, text := range []string{"西湖xihu 建築!!", "ｘｉｈｕ", "😀", "！？。，", `" OR * -x`, strings.Repeat("xihu", 50),
		strings.Repeat("x", 200), strings.Repeat("zhuang", 34), "\u200b", "%00"} {
		status, out := h.api(http.MethodGet, "/api/v1/search?q="+q(text), "", nil)
		e, _ := out["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if status != http.StatusOK && (status != http.StatusBadRequest || fields["q"] == nil) {
			t.Errorf("q=%.30q: %d %v, want 200 or a 400 naming q", text, status, out)
		}
		if code, _, _ := h.browser("").get("/search?q=" + q(text)); code != http.StatusOK && code != http.StatusBadRequest {
			t.Errorf("page q=%.30q: %d", text, code)
		}
	}
}

// TestSearchFallbackNotice: without a working engine the page and the API answer from the
// database and say so.
func TestSearchFallbackNotice(t *testing.T) {
	t.Parallel()
	h := newHarness(t) // no engine: the database answers
	n := h.need(h.sides()[0])
	status, out := h.api(http.MethodGet, "/api/v1/search?q="+q(n.Title[:len("测试需求")]), "", nil)
	if status != http.StatusOK || out["fallback"] != true || out["notice"] == "" || out["total"].(float64) < 1 {
		t.Fatalf("fallback API: %d %v", status, out)
	}
	code, body, _ := h.browser("").get("/search?q=" + q("测试需求"))
	if code != http.StatusOK || !strings.Contains(body, "搜索服务暂时不可用") || !strings.Contains(body, "<mark>测试需求</mark>") {
		t.Errorf("fallback page: %d, notice or highlight missing", code)
	}
}

// TestSearchLabels: every status a document of each type can have is worded by that type's
// own pages (statusWords) or, failing that, by search.status.*, in both languages; every type
// has a label.
func TestSearchLabels(t *testing.T) {
	t.Parallel()
	statuses := map[search.Type][]string{
		search.TypeNeed:         app.NeedStatuses,
		search.TypeProject:      app.ProjectStatuses,
		search.TypeOrganization: {"verified", "unverified"},
		search.TypeVolunteer:    {"active", "inactive"},
		search.TypeTender:       app.TenderStatuses,
		search.TypeCampaign:     {"draft", "open", "succeeded", "failed", "cancelled"},
	}
	for _, lang := range []string{"zh-CN", "en"} {
		m := map[string]string{}
		entries, err := fs.ReadDir(templates.FS(), "locales")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if name := e.Name(); name != lang+".json" && !strings.HasSuffix(name, "."+lang+".json") {
				continue
			}
			b, err := fs.ReadFile(templates.FS(), "locales/"+e.Name())
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
		}
		for typ, list := range statuses {
			for _, st := range list {
				if m[web.StatusWords[typ]+"."+st] == "" && m["search.status."+st] == "" {
					t.Errorf("%s: no words for a %s that is %s", lang, typ, st)
				}
			}
		}
		for _, ty := range search.Types {
			if m["search.type."+string(ty)] == "" {
				t.Errorf("%s lacks search.type.%s", lang, ty)
			}
		}
	}
}

// TestSearchStatusInTheRecordsWords: the results page words a status as the record's own
// pages do (one source): a closed tender reads as the tender list's 评标中, an open need as
// the needs list's 待受理, in both languages, and the status facet without a type uses the
// needs' words.
func TestSearchStatusInTheRecordsWords(t *testing.T) {
	t.Parallel()
	h := newSearchHarness(t)
	h.tender(h.sides()[0], "closed")
	h.need(h.sides()[0])
	h.syncSearch()
	for _, c := range []struct{ url, want, not string }{
		{"/search?type=tender", "评标中", "已关闭"},
		{"/search?type=need", "待受理", "待处理"},
		{"/search", "待受理", "待处理"},
		{"/search?type=need&lang=en", "Open", "Pending"},
	} {
		_, body, _ := h.browser("").get(c.url)
		if !strings.Contains(body, c.want) || strings.Contains(body, c.not) {
			t.Errorf("%s: want the list pages' %q, not %q", c.url, c.want, c.not)
		}
	}
}
