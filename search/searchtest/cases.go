package searchtest

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/search"
)

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
