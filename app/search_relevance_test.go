package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/meili"
)

// relevanceCase is a realistic query over the demo data and what a resident must see at the
// top: every one of the first k hits satisfies each, and the listed titles appear among them.
type relevanceCase struct {
	query string
	k     int
	// each: a condition every one of the first k hits must meet, described for messages.
	each     func(h app.SearchHit) bool
	eachDesc string
	// include: titles that must be among the first k hits.
	include []string
	// firstType: the type of the first hit, when it matters.
	firstType search.Type
	// types narrows the search, as the type facet does.
	types []search.Type
}

func titleHas(s string) func(app.SearchHit) bool {
	return func(h app.SearchHit) bool { return strings.Contains(plain(h.Title), s) }
}

func plain(s string) string {
	return strings.NewReplacer(search.MarkStart, "", search.MarkEnd, "").Replace(s)
}

var relevanceCases = []relevanceCase{
	// The example: 助餐 (in the category name 助餐送餐) finds the meal-delivery needs
	// before anything else — before the home-care centres that also deliver meals, and before
	// the older 送餐 tender and campaigns of the same category.
	{query: "助餐", k: 5, each: func(h app.SearchHit) bool { return h.Category == "meal_delivery" && h.Type == search.TypeNeed },
		eachDesc: "a meal-delivery need", firstType: search.TypeNeed},
	// The tender says 送餐 in its title, so it leads for 送餐上门 among tenders and campaigns.
	{query: "送餐上门", k: 1, each: titleHas("送餐上门"), eachDesc: "the meal-delivery tender",
		include: []string{"东湖社区老年人送餐上门服务项目"}, types: []search.Type{search.TypeTender}},
	{query: "养老", k: 4, each: titleHas("居家养老服务中心"), eachDesc: "a home-based elderly care centre",
		include: []string{"乐龄居家养老服务中心", "野马乐龄居家养老服务中心"}, firstType: search.TypeOrganization},
	{query: "独居老人", k: 5, each: titleHas("独居老人"), eachDesc: "a need about elders living alone", firstType: search.TypeNeed},
	{query: "志愿者", k: 5, each: titleHas("志愿者"), eachDesc: "志愿者 in the title", include: []string{"东湖社区志愿者协会"}},
	{query: "心理咨询", k: 4, each: titleHas("心理咨询工作室"), eachDesc: "a counselling studio", firstType: search.TypeOrganization},
	{query: "老人 送餐", k: 5, each: func(h app.SearchHit) bool { return h.Category == "meal_delivery" }, eachDesc: "a meal-delivery record"},
	{query: "法律援助", k: 5, each: titleHas("法律援助"), eachDesc: "法律援助 in the title"},
	{query: "法律援助", k: 1, each: titleHas("法律援助"), eachDesc: "the legal aid station", include: []string{"暖心法律援助工作站"},
		types: []search.Type{search.TypeOrganization}},
	{query: "巡逻", k: 5, each: titleHas("巡逻"), eachDesc: "巡逻 in the title"},
	{query: "巡逻", k: 2, each: titleHas("平安守护巡逻队"), eachDesc: "a patrol team", include: []string{"平安守护巡逻队"},
		types: []search.Type{search.TypeOrganization}},
	{query: "送餐", k: 5, each: titleHas("送餐"), eachDesc: "送餐 in the title", types: []search.Type{search.TypeNeed, search.TypeProject}},
	{query: "手语", k: 5, each: titleHas("手语"), eachDesc: "a sign-language need", firstType: search.TypeNeed},
	{query: "理发", k: 6, each: titleHas("理发"), eachDesc: "理发 in the title"},
	{query: "理发", k: 3, each: titleHas("上门理发"), eachDesc: "a home haircut need", types: []search.Type{search.TypeNeed}},
	{query: "爱心超市", k: 1, each: titleHas("爱心超市"), eachDesc: "the love supermarket project", firstType: search.TypeProject},
}

// demoSearchApp opens a fresh store with the demo data set (loaded once for the test process)
// and indexes it into idx.
func demoSearchApp(t *testing.T, idx app.SearchIndex) *app.App {
	t.Helper()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	s := apptest.OpenTemplate(t, "demo 2026-11-24 relevance", func(ctx context.Context, s *store.Store) error {
		_, err := demo.Load(ctx, s, apptest.Hasher(), now, "demo password")
		return err
	})
	a := app.New(app.Deps{Store: s, Clock: apptest.NewClock(now), Hasher: apptest.Hasher(), Search: idx,
		// Relevance, not speed: a loaded machine running -race must not fall back to the database.
		SearchTimeout: time.Minute})
	if _, err := a.Reindex(context.Background(), app.ReindexOptions{Reset: true}); err != nil {
		t.Fatalf("reindex: %v", err)
	}
	return a
}

func checkRelevance(t *testing.T, a *app.App) {
	for _, tc := range relevanceCases {
		res, err := a.Search(context.Background(), app.SearchRequest{Text: tc.query, Types: tc.types, PerPage: max(tc.k, 10)})
		if err != nil {
			t.Errorf("%s: %v", tc.query, err)
			continue
		}
		if res.Fallback {
			t.Fatalf("%s: answered by the database fallback", tc.query)
		}
		top := res.Hits[:min(tc.k, len(res.Hits))]
		if len(top) < tc.k {
			t.Errorf("%s: %d hits, want at least %d", tc.query, len(top), tc.k)
		}
		var got []string
		for _, h := range top {
			got = append(got, fmt.Sprintf("%s:%s", h.Type, plain(h.Title)))
		}
		for i, h := range top {
			if !tc.each(h) {
				t.Errorf("%s: hit %d %s:%s (%s) is not %s\n top: %v", tc.query, i+1, h.Type, plain(h.Title), h.Category, tc.eachDesc, got)
			}
		}
		for _, want := range tc.include {
			found := false
			for _, h := range top {
				found = found || plain(h.Title) == want
			}
			if !found {
				t.Errorf("%s: %q is not in the first %d: %v", tc.query, want, tc.k, got)
			}
		}
		if tc.firstType != "" && len(top) > 0 && top[0].Type != tc.firstType {
			t.Errorf("%s: first hit is a %s, want a %s: %v", tc.query, top[0].Type, tc.firstType, got)
		}
	}
}

// TestRelevanceEmbedded runs the relevance set on the embedded engine.
func TestRelevanceEmbedded(t *testing.T) {
	t.Parallel()
	checkRelevance(t, demoSearchApp(t, openEngine(t)))
}

// TestRelevanceMeilisearch runs the same set on Meilisearch (WUSHE_TEST_MEILI_URL).
func TestRelevanceMeilisearch(t *testing.T) {
	t.Parallel()
	url := os.Getenv("WUSHE_TEST_MEILI_URL")
	if url == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("WUSHE_TEST_MEILI_URL is not set and WUSHE_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("WUSHE_TEST_MEILI_URL is not set: skipping the Meilisearch relevance set")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	e, err := meili.New(meili.Config{URL: url, Key: os.Getenv("WUSHE_TEST_MEILI_KEY"), IndexPrefix: "wushe_relevance_" + hex.EncodeToString(b[:]),
		Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.DeleteIndex(context.Background()); e.Close() })
	checkRelevance(t, demoSearchApp(t, e))
}
