package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// TestTendersAreSearchable: a draft tender is not found; once published it is, by its words,
// its category's name and the community it covers, from the engine and from the database
// fallback alike.
func TestTendersAreSearchable(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := f.world.As(t, f.app, "community_worker")
	now := f.clock.Now()
	ca := f.world.A.Community.ID
	in := app.TenderInput{CommunityID: &ca, Title: "东湖社区居家养老服务采购", Description: "为80岁以上独居老人提供上门服务",
		Category: "elderly_care", BudgetCeiling: 30000000, PeriodStart: now.Add(30 * 24 * time.Hour), PeriodEnd: now.Add(395 * 24 * time.Hour),
		BidDeadline: now.Add(7 * 24 * time.Hour), MaxAwards: 1,
		Criteria: []app.CriterionInput{{Name: "服务方案", Weight: 60}, {Name: "报价", Weight: 40}}}
	tender, err := f.app.CreateTender(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	if ids := f.find(t, "独居老人", search.TypeTender); len(ids) != 0 {
		t.Fatalf("a draft tender is searchable: %v", ids)
	}
	if _, err := f.app.PublishTender(ctx, tender.ID); err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	for _, q := range []string{"独居老人", "居家养老", "采购"} {
		if ids := f.find(t, q, search.TypeTender); !slices.Equal(ids, []int64{tender.ID}) {
			t.Errorf("%s found tenders %v, want [%d]", q, ids, tender.ID)
		}
	}
	res, err := f.app.Search(context.Background(), app.SearchRequest{Text: "居家养老", Types: []search.Type{search.TypeTender}, CommunityID: ca})
	if err != nil || res.Fallback || res.Total != 1 || res.Hits[0].Path != "/tenders/"+itoa(tender.ID) {
		t.Fatalf("engine search in the covered community = %+v, %v", res, err)
	}
	f.index.failSearches.Store(true)
	for _, c := range []struct {
		community int64
		want      int
	}{{ca, 1}, {f.world.B.Community.ID, 0}} {
		res, err := f.app.Search(context.Background(), app.SearchRequest{Text: "独居老人", Types: []search.Type{search.TypeTender}, CommunityID: c.community})
		if err != nil || !res.Fallback || res.Total != c.want {
			t.Errorf("fallback in community %d = %+v, %v; want %d", c.community, res, err, c.want)
		}
	}
}
