package searchtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/search"
)

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
