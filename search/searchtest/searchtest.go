// Package searchtest is the contract every search.Index engine must pass. Each engine's test
// calls Run with a factory; the cases are one table for all engines, and the few places where
// engines differ by design are per-engine expectations in differences.go, not gaps.
package searchtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/search"
)

// Engine describes the engine under test.
type Engine struct {
	// Name selects the engine's row in the differences table: "embedded" or "meili".
	Name string
	// New returns a new, empty index that no other test uses, before EnsureIndex. It registers
	// its own cleanup on t.
	New func(t *testing.T) search.Index
}

// Run runs the whole contract against e.
func Run(t *testing.T, e Engine) {
	t.Run("lifecycle", func(t *testing.T) { t.Parallel(); testLifecycle(t, e) })
	t.Run("replace_delete_reset", func(t *testing.T) { t.Parallel(); testWrites(t, e) })
	t.Run("validation", func(t *testing.T) { t.Parallel(); testValidation(t, e) })
	t.Run("snippet_crop", func(t *testing.T) { t.Parallel(); testSnippetCrop(t, e) })
	t.Run("volume", func(t *testing.T) { t.Parallel(); testVolume(t, e) })
	t.Run("typed", func(t *testing.T) { t.Parallel(); testTyped(t, e) })
	t.Run("bad_input", func(t *testing.T) { t.Parallel(); testBadInput(t, e) })
	t.Run("synonyms", func(t *testing.T) { t.Parallel(); testSynonyms(t, e) })
	t.Run("corpus", func(t *testing.T) {
		t.Parallel()
		idx := Load(t, e, Corpus)
		runCases(t, idx, corpusCases())
		t.Run("differences", func(t *testing.T) { testDifferences(t, e.Name, idx) })
	})
}

// Load returns a fresh index of e holding docs, flushed.
func Load(t *testing.T, e Engine, docs []search.Document) search.Index {
	t.Helper()
	idx := e.New(t)
	ctx := context.Background()
	fresh, err := idx.EnsureIndex(ctx)
	if err != nil {
		t.Fatalf("EnsureIndex: %v", err)
	}
	if !fresh {
		t.Fatalf("EnsureIndex on a new index: fresh = false, want true")
	}
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if err := idx.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	return idx
}

// N is the ref of need id (fixture shorthand, as are P, O, V, T and C).
func N(id int64) search.Ref { return search.Ref{Type: search.TypeNeed, ID: id} }

// P is the ref of project id.
func P(id int64) search.Ref { return search.Ref{Type: search.TypeProject, ID: id} }

// O is the ref of organization id.
func O(id int64) search.Ref { return search.Ref{Type: search.TypeOrganization, ID: id} }

// V is the ref of volunteer id.
func V(id int64) search.Ref { return search.Ref{Type: search.TypeVolunteer, ID: id} }

// T is the ref of tender id.
func T(id int64) search.Ref { return search.Ref{Type: search.TypeTender, ID: id} }

// C is the ref of campaign id.
func C(id int64) search.Ref { return search.Ref{Type: search.TypeCampaign, ID: id} }

// Refs returns the refs of the hits, in order.
func Refs(res *search.Result) []search.Ref {
	out := make([]search.Ref, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.Doc.Ref()
	}
	return out
}

func compareRefs(a, b search.Ref) int {
	return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
}

func sortedRefs(rs []search.Ref) []search.Ref {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, compareRefs)
	return rs
}

// corpusWhere returns the refs of Corpus documents for which keep is true, in Corpus order.
func corpusWhere(keep func(search.Document) bool) []search.Ref {
	var out []search.Ref
	for _, d := range Corpus {
		if keep(d) {
			out = append(out, d.Ref())
		}
	}
	return out
}

// corpusSorted returns the refs of the documents kept, in the contract's order for a field or
// distance sort: the value (absent last, in both directions), then id, then type.
func corpusSorted(keep func(search.Document) bool, key func(search.Document) (float64, bool), desc bool) []search.Ref {
	var docs []search.Document
	for _, d := range Corpus {
		if keep == nil || keep(d) {
			docs = append(docs, d)
		}
	}
	slices.SortFunc(docs, func(a, b search.Document) int {
		va, oka := key(a)
		vb, okb := key(b)
		switch {
		case oka && !okb:
			return -1
		case !oka && okb:
			return 1
		case oka && okb && va != vb:
			if desc {
				return cmp.Compare(vb, va)
			}
			return cmp.Compare(va, vb)
		}
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Type, b.Type))
	})
	out := make([]search.Ref, len(docs))
	for i, d := range docs {
		out[i] = d.Ref()
	}
	return out
}

// queryCase is one row of the contract table.
type queryCase struct {
	name    string
	q       search.Query
	want    []search.Ref // the hits; order matters only when ordered
	ordered bool
	total   int // the expected total when it is not len(want)
	facets  map[string][]search.FacetCount
	check   func(t *testing.T, res *search.Result) // extra assertions
}

func runCases(t *testing.T, idx search.Index, cases []queryCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q := c.q
			if q.PageSize == 0 {
				q.PageSize = search.MaxPageSize
			}
			res, err := idx.Search(context.Background(), q)
			if err != nil {
				t.Fatalf("Search(%+v): %v", q, err)
			}
			got := Refs(res)
			want := c.want
			if !c.ordered {
				got, want = sortedRefs(got), sortedRefs(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("hits = %v\n          want %v", got, want)
			}
			if total := cmp.Or(c.total, len(c.want)); res.Total != total {
				t.Errorf("total = %d, want %d", res.Total, total)
			}
			if c.facets != nil {
				for name, want := range c.facets {
					if got := res.Facets[name]; !slices.Equal(got, want) {
						t.Errorf("facet %s = %v\n          want %v", name, got, want)
					}
				}
				if len(res.Facets) != len(c.facets) {
					t.Errorf("facets = %v, want exactly %d facets", res.Facets, len(c.facets))
				}
			}
			if c.check != nil {
				c.check(t, res)
			}
		})
	}
}

func fc(pairs ...any) []search.FacetCount {
	out := []search.FacetCount{}
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, search.FacetCount{Value: pairs[i].(string), Count: pairs[i+1].(int)})
	}
	search.SortFacets(out)
	return out
}

func corpusCases() []queryCase {
	all := func(search.Document) bool { return true }
	created := func(d search.Document) (float64, bool) { return float64(d.CreatedAt.UnixMilli()), true }
	amount := func(d search.Document) (float64, bool) { return float64(d.Amount), true }
	endsAt := func(d search.Document) (float64, bool) {
		return float64(d.EndsAt.UnixMilli()), !d.EndsAt.IsZero()
	}
	id := func(d search.Document) (float64, bool) { return float64(d.ID), true }
	dist := func(d search.Document) (float64, bool) {
		if d.Location == nil {
			return 0, false
		}
		return search.Distance(Center, *d.Location), true
	}
	within := func(m float64) func(search.Document) bool {
		return func(d search.Document) bool { return d.Location != nil && search.Distance(Center, *d.Location) <= m }
	}
	box := search.GeoBox{MinLat: Center.Lat - 0.006, MinLng: Center.Lng - 0.006, MaxLat: Center.Lat + 0.006, MaxLng: Center.Lng + 0.006}
	inBox := func(d search.Document) bool {
		l := d.Location
		return l != nil && l.Lat >= box.MinLat && l.Lat <= box.MaxLat && l.Lng >= box.MinLng && l.Lng <= box.MaxLng
	}
	typ := func(ts ...search.Type) func(search.Document) bool {
		return func(d search.Document) bool { return slices.Contains(ts, d.Type) }
	}
	m := func(s string) time.Time { return day(s) }

	return []queryCase{
		// Chinese whole words, as residents type them.
		{name: "zh/养老", q: search.Query{Text: "养老"}, want: []search.Ref{N(2), P(3), O(2), T(1)}},
		{name: "zh/独居老人 and 空巢老人", q: search.Query{Text: "独居老人"}, want: []search.Ref{N(1), N(5), P(1), T(1), C(1)}},
		{name: "zh/志愿者 and volunteer", q: search.Query{Text: "志愿者"}, want: []search.Ref{N(1), N(6), P(2), O(1), O(3), V(2), V(3)}},
		{name: "zh/居家养老服务 and 居家养老", q: search.Query{Text: "居家养老服务"}, want: matching("居家养老服务")},
		{name: "zh/助餐 also in tags, and 送餐", q: search.Query{Text: "助餐"}, want: []search.Ref{N(1), N(6), P(1), C(1), V(3)}},
		{name: "zh/mixed digits 3号楼", q: search.Query{Text: "3号楼"}, want: []search.Ref{N(1)}},
		{name: "ascii/volunteer and 志愿者", q: search.Query{Text: "volunteer"}, want: matching("志愿者")},
		{name: "ascii/case-insensitive", q: search.Query{Text: "VOLUNTEER"}, want: matching("志愿者")},
		{name: "ascii/two words", q: search.Query{Text: "elderly care"}, want: []search.Ref{P(3)}},
		{name: "ascii/full-width letters", q: search.Query{Text: "ＣＡＲＥ"}, want: []search.Ref{P(3)}},
		{name: "zh/traditional 養老", q: search.Query{Text: "養老"}, want: []search.Ref{N(2), P(3), O(2), T(1)}},
		// Terms are AND-ed; spaces and punctuation separate terms.
		{name: "and/老人 送餐", q: search.Query{Text: "老人 送餐"}, want: matching("老人 送餐")},
		{name: "and/ideographic space", q: search.Query{Text: "老人\u3000送餐"}, want: matching("老人 送餐")},
		{name: "and/Chinese comma", q: search.Query{Text: "独居老人，送餐"}, want: matching("独居老人 送餐")},
		{name: "and/志愿者 维修", q: search.Query{Text: "志愿者 维修"}, want: []search.Ref{V(2)}},
		{name: "and/mixed scripts", q: search.Query{Text: "driver 送餐"}, want: []search.Ref{V(3)}},
		{name: "empty/unknown word", q: search.Query{Text: "火箭发射"}, want: nil},
		{name: "empty/unknown ascii", q: search.Query{Text: "quantum"}, want: nil},
		{name: "empty/one term missing", q: search.Query{Text: "养老 quantum"}, want: nil},
		{name: "empty/filter excludes all", q: search.Query{Text: "养老", Filter: search.Eq(search.FieldType, "volunteer"),
			Facets: []string{search.FieldType}}, want: nil, facets: map[string][]search.FacetCount{search.FieldType: fc()}},

		// Relevance: how hits are ordered within each group is engine-specific (see differences),
		// but matches in the title come before matches only in the body.
		{name: "relevance/title first 独居老人", q: search.Query{Text: "独居老人"},
			want: matching("独居老人"), check: titleFirst("独居老人")},
		{name: "relevance/title first 志愿者", q: search.Query{Text: "志愿者"},
			want: matching("志愿者"), check: titleFirst("志愿者")},
		{name: "relevance/title first 社区", q: search.Query{Text: "社区"},
			want: containing("社区"), check: titleFirst("社区")},

		// Every filter kind, with no text.
		{name: "filter/eq type", q: search.Query{Filter: search.Eq(search.FieldType, search.TypeNeed)},
			want: corpusWhere(typ(search.TypeNeed))},
		{name: "filter/in type", q: search.Query{Filter: search.In(search.FieldType, "tender", "campaign")},
			want: corpusWhere(typ(search.TypeTender, search.TypeCampaign))},
		{name: "filter/quotes and Chinese punctuation", q: search.Query{Filter: search.Eq(search.FieldCategory, CategoryQuoted)},
			want: []search.Ref{N(5)}},
		{name: "filter/backslash", q: search.Query{Filter: search.Eq(search.FieldCategory, CategoryBackslash)},
			want: []search.Ref{N(6)}},
		{name: "filter/both quote kinds", q: search.Query{Filter: search.Eq(search.FieldCategory, CategoryApostrophe)},
			want: []search.Ref{N(7)}},
		{name: "filter/in quoted values", q: search.Query{Filter: search.In(search.FieldCategory, CategoryQuoted, CategoryApostrophe, CategoryBackslash)},
			want: []search.Ref{N(5), N(6), N(7)}},
		{name: "filter/eq status", q: search.Query{Filter: search.Eq(search.FieldStatus, "open")},
			want: []search.Ref{N(1), N(2), N(5), N(6), N(7), T(1)}},
		{name: "filter/eq community", q: search.Query{Filter: search.Eq(search.FieldCommunity, 2)},
			want: []search.Ref{N(4), N(5), N(7), P(3), O(2), V(3), T(2), C(2)}},
		{name: "filter/eq grid", q: search.Query{Filter: search.Eq(search.FieldGrid, int64(11))},
			want: []search.Ref{N(1), N(3), V(1)}},
		{name: "filter/eq id", q: search.Query{Filter: search.Eq(search.FieldID, 3)},
			want: []search.Ref{N(3), P(3), O(3), V(3)}},
		{name: "filter/tags any element", q: search.Query{Filter: search.Eq(search.FieldTags, "助餐")},
			want: []search.Ref{N(1), P(1), C(1)}},
		{name: "filter/tags in", q: search.Query{Filter: search.In(search.FieldTags, "陪诊", "维修")},
			want: []search.Ref{N(2), V(2)}},
		{name: "filter/range amount inclusive", q: search.Query{Filter: search.Range(search.FieldAmount, 1_000_000, 15_000_000)},
			want: []search.Ref{P(1), P(3), T(2), C(1)}},
		{name: "filter/gt amount exclusive", q: search.Query{Filter: search.Gt(search.FieldAmount, 5_000_000)},
			want: []search.Ref{P(3), T(1), T(2)}},
		{name: "filter/lt amount", q: search.Query{Filter: search.Lt(search.FieldAmount, 800_000)},
			want: corpusWhere(func(d search.Document) bool { return d.Amount < 800_000 })},
		{name: "filter/range time inclusive", q: search.Query{Filter: search.Range(search.FieldCreatedAt, m("2025-03-01"), m("2025-03-06"))},
			want: []search.Ref{N(1), N(2), N(3), N(5), N(6)}},
		{name: "filter/gte time, absent values never match", q: search.Query{Filter: search.Gte(search.FieldEndsAt, m("2025-04-01"))},
			want: []search.Ref{N(1), C(1), C(2)}},
		{name: "filter/and", q: search.Query{Filter: search.And(search.Eq(search.FieldType, "need"), search.Eq(search.FieldStatus, "open"), search.Eq(search.FieldCommunity, 1))},
			want: []search.Ref{N(1), N(2), N(6)}},
		{name: "filter/or", q: search.Query{Filter: search.Or(search.Eq(search.FieldCategory, "children"), search.Eq(search.FieldCategory, "repair"))},
			want: []search.Ref{N(3), N(4), C(2)}},
		{name: "filter/not", q: search.Query{Filter: search.Not(search.Eq(search.FieldType, "need"))},
			want: corpusWhere(func(d search.Document) bool { return d.Type != search.TypeNeed })},
		{name: "filter/not matches absent values", q: search.Query{Filter: search.Not(search.Eq(search.FieldCategory, "elderly_care"))},
			want: corpusWhere(func(d search.Document) bool { return d.Category != "elderly_care" })},
		{name: "filter/not in", q: search.Query{Filter: search.Not(search.In(search.FieldStatus, "open", "active"))},
			want: corpusWhere(func(d search.Document) bool { return d.Status != "open" && d.Status != "active" })},
		{name: "filter/not range keeps absent", q: search.Query{Filter: search.Not(search.Gt(search.FieldEndsAt, m("2025-03-31")))},
			want: corpusWhere(func(d search.Document) bool { return d.EndsAt.IsZero() || !d.EndsAt.After(m("2025-03-31")) })},
		{name: "filter/nested", q: search.Query{Filter: search.Or(
			search.And(search.Eq(search.FieldType, "project"), search.Eq(search.FieldCommunity, 1)),
			search.And(search.Eq(search.FieldType, "campaign"), search.Not(search.Eq(search.FieldCommunity, 1))))},
			want: []search.Ref{P(1), P(2), C(2)}},
		{name: "filter/with text", q: search.Query{Text: "养老", Filter: search.Eq(search.FieldCommunity, 1)},
			want: []search.Ref{N(2), T(1)}},

		// Geo: radius and box, distances by search.Distance within search.GeoTolerance.
		{name: "geo/radius", q: search.Query{Filter: search.Near(Center.Lat, Center.Lng, 1000)},
			want: corpusWhere(within(1000)), check: checkDistances},
		{name: "geo/radius sorted by distance", q: search.Query{Filter: search.Near(Center.Lat, Center.Lng, 1000), Sort: search.ByDistance(Center.Lat, Center.Lng)},
			want: []search.Ref{O(1), N(1), V(1), P(1), C(1), N(2), V(2)}, ordered: true, check: checkDistances},
		{name: "geo/sort by distance, no location last", q: search.Query{Sort: search.ByDistance(Center.Lat, Center.Lng)},
			want: corpusSorted(all, dist, false), ordered: true, check: checkDistances},
		{name: "geo/radius with text", q: search.Query{Text: "独居老人", Filter: search.Near(Center.Lat, Center.Lng, 1000), Sort: search.ByDistance(Center.Lat, Center.Lng)},
			want: []search.Ref{N(1), P(1), C(1)}, ordered: true, check: checkDistances},
		{name: "geo/not radius keeps documents without location", q: search.Query{Filter: search.Not(search.Near(Center.Lat, Center.Lng, 1000))},
			want: corpusWhere(func(d search.Document) bool { return !within(1000)(d) })},
		{name: "geo/box", q: search.Query{Filter: search.InBox(box.MinLat, box.MinLng, box.MaxLat, box.MaxLng)},
			want: corpusWhere(inBox)},

		// Sorts, both ways, ties by id then type; absent values last both ways.
		{name: "sort/created asc", q: search.Query{Sort: search.Asc(search.FieldCreatedAt)},
			want: corpusSorted(all, created, false), ordered: true},
		{name: "sort/created desc", q: search.Query{Sort: search.Desc(search.FieldCreatedAt)},
			want: corpusSorted(all, created, true), ordered: true},
		{name: "sort/amount desc", q: search.Query{Sort: search.Desc(search.FieldAmount)},
			want: corpusSorted(all, amount, true), ordered: true},
		{name: "sort/amount asc", q: search.Query{Sort: search.Asc(search.FieldAmount)},
			want: corpusSorted(all, amount, false), ordered: true},
		{name: "sort/ends asc", q: search.Query{Sort: search.Asc(search.FieldEndsAt)},
			want: corpusSorted(all, endsAt, false), ordered: true},
		{name: "sort/ends desc", q: search.Query{Sort: search.Desc(search.FieldEndsAt)},
			want: corpusSorted(all, endsAt, true), ordered: true},
		{name: "sort/id", q: search.Query{Sort: search.Asc(search.FieldID)},
			want: corpusSorted(all, id, false), ordered: true},
		{name: "sort/text then newest", q: search.Query{Text: "养老", Sort: search.Desc(search.FieldCreatedAt)},
			want: []search.Ref{P(3), N(2), T(1), O(2)}, ordered: true},
		{name: "sort/no text means newest first", q: search.Query{},
			want: corpusSorted(all, created, true), ordered: true},

		// Facets count the whole filtered set.
		{name: "facets/text", q: search.Query{Text: "养老", Facets: []string{search.FieldType, search.FieldCategory}},
			want: []search.Ref{N(2), P(3), O(2), T(1)}, facets: map[string][]search.FacetCount{
				search.FieldType:     fc("need", 1, "project", 1, "organization", 1, "tender", 1),
				search.FieldCategory: fc("elderly_care", 4),
			}},
		{name: "facets/filter", q: search.Query{Filter: search.Eq(search.FieldCommunity, 1),
			Facets: []string{search.FieldType, search.FieldStatus, search.FieldTags, search.FieldGrid}, PageSize: 2},
			// Newest first; the facets and the total still cover all 12 documents of community 1.
			want: []search.Ref{C(1), N(6)}, ordered: true, total: 12,
			facets: map[string][]search.FacetCount{
				search.FieldType:   fc("need", 4, "project", 2, "organization", 2, "volunteer", 2, "tender", 1, "campaign", 1),
				search.FieldStatus: fc("open", 4, "matched", 1, "do", 1, "deliberate", 1, "verified", 2, "active", 3),
				search.FieldTags: fc("助餐", 3, "送餐", 1, "养老", 1, "陪诊", 1, "托管", 1, "助老", 1, "环境", 1,
					"陪伴", 1, "辅导", 1, "维修", 1),
				search.FieldGrid: fc("11", 3, "12", 3),
			}},
		{name: "facets/text and filter", q: search.Query{Text: "志愿者", Filter: search.Eq(search.FieldCommunity, 1),
			Facets: []string{search.FieldType, search.FieldCommunity}},
			want: []search.Ref{N(1), N(6), P(2), O(1), O(3), V(2)},
			facets: map[string][]search.FacetCount{
				search.FieldType:      fc("need", 2, "project", 1, "organization", 2, "volunteer", 1),
				search.FieldCommunity: fc("1", 6),
			}},

		// Highlights: matches wrapped in the tags, snippets cut from the body.
		{name: "highlight/chinese", q: search.Query{Text: "独居老人", Filter: search.And(search.Eq(search.FieldType, "need"), search.Eq(search.FieldID, 1)),
			Highlight: &search.Highlight{PreTag: "<em>", PostTag: "</em>"}},
			want: []search.Ref{N(1)}, check: func(t *testing.T, res *search.Result) {
				h := res.Hits[0]
				checkMarked(t, "title", h.Title, h.Doc.Title, "<em>", "</em>", "独居老人")
				checkMarked(t, "snippet", h.Snippet, h.Doc.Body, "<em>", "</em>", "独居老人")
			}},
		{name: "highlight/ascii keeps case", q: search.Query{Text: "volunteer", Filter: search.And(search.Eq(search.FieldType, "volunteer"), search.Eq(search.FieldID, 3)),
			Highlight: &search.Highlight{PreTag: "[", PostTag: "]"}},
			want: []search.Ref{V(3)}, check: func(t *testing.T, res *search.Result) {
				h := res.Hits[0]
				checkMarked(t, "snippet", h.Snippet, h.Doc.Body, "[", "]", "Volunteer")
				if h.Title != "Chen Wei" {
					t.Errorf("title = %q, want it unmarked", h.Title)
				}
			}},
		{name: "highlight/default marks render as HTML", q: search.Query{Text: "养老", Filter: search.Eq(search.FieldType, "tender"),
			Highlight: &search.Highlight{}},
			want: []search.Ref{T(1)}, check: func(t *testing.T, res *search.Result) {
				got := search.HighlightHTML(res.Hits[0].Title)
				if !strings.Contains(got, "<mark>养老</mark>") {
					t.Errorf("HighlightHTML(title) = %q, want <mark>养老</mark>", got)
				}
			}},
	}
}

// titleFirst checks that every hit whose title contains term comes before every hit whose
// title does not, and that scores do not increase down the page.
func titleFirst(term string) func(*testing.T, *search.Result) {
	return func(t *testing.T, res *search.Result) {
		t.Helper()
		seenBody := false
		for i, h := range res.Hits {
			inTitle := holds(h.Doc.Title, term)
			if inTitle && seenBody {
				t.Errorf("%s has %s in its title but comes after a body-only match: %v", h.Doc.Ref(), term, Refs(res))
			}
			seenBody = seenBody || !inTitle
			if i > 0 && h.Score > res.Hits[i-1].Score {
				t.Errorf("score rises from %v to %v at %s", res.Hits[i-1].Score, h.Score, h.Doc.Ref())
			}
		}
	}
}

// checkDistances checks every hit's distance against search.Distance.
func checkDistances(t *testing.T, res *search.Result) {
	t.Helper()
	for _, h := range res.Hits {
		if h.Doc.Location == nil {
			if h.DistanceM != nil {
				t.Errorf("%s has no location but distance %v", h.Doc.Ref(), *h.DistanceM)
			}
			continue
		}
		if h.DistanceM == nil {
			t.Errorf("%s: no distance", h.Doc.Ref())
			continue
		}
		want := search.Distance(Center, *h.Doc.Location)
		if diff := *h.DistanceM - want; diff > search.GeoTolerance(want) || -diff > search.GeoTolerance(want) {
			t.Errorf("%s: distance %.3f m, want %.3f ± %.3f", h.Doc.Ref(), *h.DistanceM, want, search.GeoTolerance(want))
		}
	}
}

// checkMarked checks that marked is source with tags added (and, for snippets, cut with "…"),
// and that the term is wholly marked. Adjacent marks are merged first: an engine may mark
// 独居 and 老人 as two words.
func checkMarked(t *testing.T, what, marked, source, pre, post, term string) {
	t.Helper()
	merged := strings.ReplaceAll(marked, post+pre, "")
	if !strings.Contains(merged, pre+term+post) {
		t.Errorf("%s %q: want %q marked", what, marked, term)
	}
	plain := strings.ReplaceAll(strings.ReplaceAll(marked, pre, ""), post, "")
	plain = strings.Trim(plain, "…")
	if !strings.Contains(source, plain) {
		t.Errorf("%s %q is not a part of %q once unmarked", what, marked, source)
	}
}

// sameDoc reports how got differs from want, or "".
func sameDoc(got, want search.Document) string {
	w := want
	w.CreatedAt = want.CreatedAt.Truncate(time.Millisecond)
	w.EndsAt = want.EndsAt.Truncate(time.Millisecond)
	if len(w.Tags) == 0 {
		w.Tags = nil
	}
	switch {
	case got.Ref() != w.Ref(), got.Title != w.Title, got.Body != w.Body, !slices.Equal(got.Tags, w.Tags),
		got.CommunityID != w.CommunityID, got.GridID != w.GridID, got.Category != w.Category,
		got.Status != w.Status, got.Kind != w.Kind, !got.CreatedAt.Equal(w.CreatedAt),
		!got.EndsAt.Equal(w.EndsAt), got.Amount != w.Amount,
		(got.Location == nil) != (w.Location == nil),
		got.Location != nil && *got.Location != *w.Location:
		return fmt.Sprintf("got %+v\nwant %+v", got, w)
	}
	return ""
}

func mustSearch(t *testing.T, idx search.Index, q search.Query) *search.Result {
	t.Helper()
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func testLifecycle(t *testing.T, e Engine) {
	ctx := context.Background()
	idx := e.New(t)
	fresh, err := idx.EnsureIndex(ctx)
	if err != nil || !fresh {
		t.Fatalf("first EnsureIndex = %v, %v; want true, nil", fresh, err)
	}
	fresh, err = idx.EnsureIndex(ctx)
	if err != nil || fresh {
		t.Fatalf("second EnsureIndex = %v, %v; want false, nil (settings applied idempotently)", fresh, err)
	}
	if err := idx.Health(ctx); err != nil {
		t.Fatalf("Health: %v", err)
	}
	res := mustSearch(t, idx, search.Query{Text: "养老", Facets: []string{search.FieldType}})
	if res.Total != 0 || len(res.Hits) != 0 || res.Hits == nil || len(res.Facets[search.FieldType]) != 0 {
		t.Fatalf("empty index: %+v, want no hits (non-nil slice), total 0, empty facet", res)
	}
	// Upsert then find, every field round-tripped.
	if err := idx.Upsert(ctx, Corpus[:3]); err != nil {
		t.Fatal(err)
	}
	if err := idx.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res = mustSearch(t, idx, search.Query{Text: "独居老人"})
	if got := Refs(res); !slices.Equal(got, []search.Ref{N(1)}) {
		t.Fatalf("after upsert: hits %v, want [need-1]", got)
	}
	if diff := sameDoc(res.Hits[0].Doc, Corpus[0]); diff != "" {
		t.Errorf("document did not round-trip:\n%s", diff)
	}
	if res.Page != 1 || res.PageSize != search.DefaultPageSize {
		t.Errorf("page %d size %d, want defaults 1 and %d", res.Page, res.PageSize, search.DefaultPageSize)
	}
	if err := idx.Upsert(ctx, nil); err != nil {
		t.Errorf("Upsert(nil) = %v, want nil", err)
	}
	if err := idx.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func testWrites(t *testing.T, e Engine) {
	ctx := context.Background()
	idx := Load(t, e, Corpus)
	flush := func() {
		t.Helper()
		if err := idx.Flush(ctx); err != nil {
			t.Fatalf("Flush: %v", err)
		}
	}
	find := func(text string) []search.Ref {
		t.Helper()
		return sortedRefs(Refs(mustSearch(t, idx, search.Query{Text: text})))
	}

	// Replace: the same ref with new text; the old text no longer finds it, the count stays.
	before := mustSearch(t, idx, search.Query{}).Total
	changed := Corpus[2] // need-3, 儿童课后托管
	changed.Title = "儿童暑期托管班"
	changed.Body = "暑假期间为双职工家庭提供托管。"
	changed.Tags = nil
	changed.Status = "open"
	changed.Location = nil
	if err := idx.Upsert(ctx, []search.Document{changed}); err != nil {
		t.Fatal(err)
	}
	flush()
	if got := find("作业辅导"); len(got) != 0 {
		t.Errorf("old text still finds %v after replace", got)
	}
	if got := find("暑期托管"); !slices.Equal(got, []search.Ref{N(3)}) {
		t.Errorf("new text finds %v, want [need-3]", got)
	}
	res := mustSearch(t, idx, search.Query{Filter: search.Eq(search.FieldType, "need"), Sort: search.Asc(search.FieldID)})
	if res.Total != 7 {
		t.Errorf("needs after replace: %d, want 7", res.Total)
	}
	if diff := sameDoc(res.Hits[2].Doc, changed); diff != "" {
		t.Errorf("replaced document:\n%s", diff)
	}
	if got := mustSearch(t, idx, search.Query{}).Total; got != before {
		t.Errorf("total after replace = %d, want %d", got, before)
	}

	// Delete, including refs that do not exist.
	if err := idx.Delete(ctx, []search.Ref{N(1), P(1), {Type: search.TypeNeed, ID: 999}}); err != nil {
		t.Fatal(err)
	}
	flush()
	if got := find("独居老人"); !slices.Equal(got, sortedRefs([]search.Ref{N(5), T(1), C(1)})) {
		t.Errorf("after delete 独居老人 finds %v, want [need-5 tender-1 campaign-1]", got)
	}
	res = mustSearch(t, idx, search.Query{Filter: search.Eq(search.FieldTags, "助餐"), Facets: []string{search.FieldTags}})
	if got := Refs(res); !slices.Equal(got, []search.Ref{C(1)}) {
		t.Errorf("after delete the 助餐 tag finds %v, want [campaign-1]", got)
	}
	if got := res.Facets[search.FieldTags]; !slices.Equal(got, fc("助餐", 1)) {
		t.Errorf("tag facet after delete = %v", got)
	}
	if err := idx.Delete(ctx, nil); err != nil {
		t.Errorf("Delete(nil) = %v", err)
	}

	// Reset: nothing left, settings kept (filters, sorts and facets work on new documents).
	if err := idx.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	flush()
	if res := mustSearch(t, idx, search.Query{}); res.Total != 0 || len(res.Hits) != 0 {
		t.Fatalf("after reset: total %d, %d hits", res.Total, len(res.Hits))
	}
	if err := idx.Upsert(ctx, Corpus[:4]); err != nil {
		t.Fatal(err)
	}
	flush()
	res = mustSearch(t, idx, search.Query{Text: "老人", Filter: search.Eq(search.FieldCommunity, 1),
		Sort: search.Desc(search.FieldCreatedAt), Facets: []string{search.FieldCategory}})
	if got := Refs(res); !slices.Equal(got, []search.Ref{N(2), N(1)}) {
		t.Errorf("after reset and upsert: %v, want [need-2 need-1]", got)
	}
	if fresh, err := idx.EnsureIndex(ctx); err != nil || fresh {
		t.Errorf("EnsureIndex after reset = %v, %v; want false, nil", fresh, err)
	}
}

func testValidation(t *testing.T, e Engine) {
	ctx := context.Background()
	idx := Load(t, e, Corpus[:2])
	long := strings.Repeat("养", search.MaxTextRunes+1)
	cases := []struct {
		name  string
		q     search.Query
		param string
	}{
		{"text too long", search.Query{Text: long}, "text"},
		{"page size too big", search.Query{PageSize: search.MaxPageSize + 1}, "page_size"},
		{"negative page", search.Query{Page: -1}, "page"},
		{"unknown filter field", search.Query{Filter: search.Eq("mobile", "13800000000")}, "filter.mobile"},
		{"unknown field deep inside", search.Query{Filter: search.And(search.Eq("type", "need"), search.Not(search.Eq("id_number", "x")))}, "filter.id_number"},
		{"unknown type", search.Query{Filter: search.Eq(search.FieldType, "resident")}, "filter.type"},
		{"wrong value type", search.Query{Filter: search.Eq(search.FieldCommunity, "东湖")}, "filter.community_id"},
		{"range on a string", search.Query{Filter: search.Range(search.FieldStatus, 1, 2)}, "filter.status"},
		{"range without bounds", search.Query{Filter: search.Range(search.FieldAmount, nil, nil)}, "filter.amount"},
		{"empty in", search.Query{Filter: search.In(search.FieldStatus)}, "filter.status"},
		{"empty or", search.Query{Filter: search.Or()}, "filter"},
		{"bad latitude", search.Query{Filter: search.Near(91, 114, 1000)}, "filter.near"},
		{"bad radius", search.Query{Filter: search.Near(30, 114, -5)}, "filter.radius_m"},
		{"inverted box", search.Query{Filter: search.InBox(31, 114, 30, 115)}, "filter.box"},
		{"unknown facet", search.Query{Facets: []string{"title"}}, "facets"},
		{"unsortable field", search.Query{Sort: search.Asc(search.FieldCategory)}, "sort"},
		{"bad sort point", search.Query{Sort: search.ByDistance(30, 200)}, "sort"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := idx.Search(ctx, c.q)
			var ve *search.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, search.ErrInvalid) {
				t.Fatalf("Search error = %v, want a *search.ValidationError", err)
			}
			if ve.Param != c.param {
				t.Errorf("error names %q (%v), want %q", ve.Param, err, c.param)
			}
		})
	}
	t.Run("bad documents", func(t *testing.T) {
		t.Parallel()
		good := Corpus[0]
		for _, c := range []struct {
			mut   func(*search.Document)
			param string
		}{
			{func(d *search.Document) { d.Type = "resident" }, "documents[1].type"},
			{func(d *search.Document) { d.ID = 0 }, "documents[1].id"},
			{func(d *search.Document) { d.CreatedAt = time.Time{} }, "documents[1].created_at"},
			{func(d *search.Document) { d.Location = &search.GeoPoint{Lat: 100} }, "documents[1].location"},
		} {
			bad := good
			c.mut(&bad)
			err := idx.Upsert(ctx, []search.Document{good, bad})
			var ve *search.ValidationError
			if !errors.As(err, &ve) || ve.Param != c.param {
				t.Errorf("Upsert error = %v, want a validation error on %s", err, c.param)
			}
		}
	})
}

func testSnippetCrop(t *testing.T, e Engine) {
	long := search.Document{Type: search.TypeProject, ID: 9, Title: "社区议事会纪要",
		Body: strings.Repeat("居民代表围绕停车难、加装电梯和垃圾分类展开讨论。", 6) +
			"会议决定成立独居老人关爱小组，由网格员每周上门探访。" +
			strings.Repeat("下一次议事会将在三月召开，欢迎居民旁听。", 6),
		CreatedAt: day("2025-03-01")}
	idx := Load(t, e, []search.Document{long})
	res := mustSearch(t, idx, search.Query{Text: "独居老人", Highlight: &search.Highlight{PreTag: "<b>", PostTag: "</b>", SnippetRunes: 40}})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", Refs(res))
	}
	s := res.Hits[0].Snippet
	checkMarked(t, "snippet", s, long.Body, "<b>", "</b>", "独居老人")
	if n := len([]rune(s)); n >= len([]rune(long.Body))/2 {
		t.Errorf("snippet of %d characters from a body of %d: not cropped: %q", n, len([]rune(long.Body)), s)
	}
	if !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") {
		t.Errorf("snippet %q: want crop markers at both ends", s)
	}
}

// volumeSize is above Meilisearch's default maxTotalHits (1000), which would otherwise cap
// totals and hide later pages.
const volumeSize = 1100

func testVolume(t *testing.T, e Engine) {
	idx := Load(t, e, Volume(volumeSize))
	newest := func(page, size int) []search.Ref {
		var out []search.Ref
		for i := range size {
			rank := (page-1)*size + i // 0 is the newest
			if rank >= volumeSize {
				break
			}
			out = append(out, N(int64(1001+volumeSize-1-rank)))
		}
		return out
	}
	for _, c := range []struct {
		name  string
		q     search.Query
		check func(*testing.T, *search.Result)
	}{
		{"page 2 newest first", search.Query{Filter: search.Eq(search.FieldCategory, "volume"), Page: 2, PageSize: 50,
			Facets: []string{search.FieldCommunity}}, func(t *testing.T, res *search.Result) {
			if got, want := Refs(res), newest(2, 50); !slices.Equal(got, want) {
				t.Errorf("page 2 = %v, want %v", got, want)
			}
			if res.Total != volumeSize {
				t.Errorf("total %d, want %d (exact above 1,000)", res.Total, volumeSize)
			}
			if got := res.Facets[search.FieldCommunity]; !slices.Equal(got, fc("1", 367, "2", 367, "3", 366)) {
				t.Errorf("community facet over %d documents = %v", volumeSize, got)
			}
		}},
		{"text total above 1000, last page", search.Query{Text: VolumeMarker, Sort: search.Asc(search.FieldCreatedAt), Page: 22, PageSize: 50},
			func(t *testing.T, res *search.Result) {
				if res.Total != volumeSize {
					t.Errorf("total %d, want %d", res.Total, volumeSize)
				}
				if len(res.Hits) != 50 || res.Hits[0].Doc.ID != 2051 || res.Hits[49].Doc.ID != 2100 {
					t.Errorf("page 22 = %v, want need-2051…need-2100", Refs(res))
				}
			}},
		{"past the last page", search.Query{Text: VolumeMarker, Page: 23, PageSize: 50},
			func(t *testing.T, res *search.Result) {
				if res.Total != volumeSize || len(res.Hits) != 0 {
					t.Errorf("page 23: total %d, %d hits; want %d, 0", res.Total, len(res.Hits), volumeSize)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.check(t, mustSearch(t, idx, c.q))
		})
	}
}
