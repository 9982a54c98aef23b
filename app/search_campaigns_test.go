package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// TestCampaignsAreSearchable: the demo's campaigns are indexed with their project's words and
// status; the engine and the database fallback find the same ones.
func TestCampaignsAreSearchable(t *testing.T) {
	t.Parallel()
	idx := &flakyIndex{SearchIndex: openEngine(t)}
	a := demoSearchApp(t, idx)
	ctx := context.Background()
	camps, total, err := a.Campaigns(ctx, app.CampaignFilter{})
	if err != nil || total == 0 {
		t.Fatalf("demo campaigns: %d, %v", total, err)
	}
	succeeded := 0
	for _, c := range camps {
		if c.Status == "succeeded" {
			succeeded++
		}
	}
	for _, fallback := range []bool{false, true} {
		idx.failSearches.Store(fallback)
		res, err := a.Search(ctx, app.SearchRequest{Types: []search.Type{search.TypeCampaign}, PerPage: 50})
		if err != nil || res.Fallback != fallback || res.Total != total {
			t.Fatalf("fallback=%v: all campaigns = %d (%v), want %d", fallback, res.Total, err, total)
		}
		for _, h := range res.Hits {
			if h.Type != search.TypeCampaign || !strings.HasPrefix(h.Path, "/campaigns/") {
				t.Errorf("fallback=%v: hit %+v", fallback, h)
			}
		}
		res, err = a.Search(ctx, app.SearchRequest{Types: []search.Type{search.TypeCampaign}, Status: "succeeded"})
		if err != nil || res.Total != succeeded {
			t.Errorf("fallback=%v: succeeded campaigns = %d (%v), want %d", fallback, res.Total, err, succeeded)
		}
		// A word of the first campaign's title finds it.
		word := []rune(camps[0].Title)
		res, err = a.Search(ctx, app.SearchRequest{Text: string(word[:min(4, len(word))]), Types: []search.Type{search.TypeCampaign}})
		found := false
		for _, h := range res.Hits {
			found = found || h.ID == camps[0].ID
		}
		if err != nil || !found {
			t.Errorf("fallback=%v: %q does not find campaign %d: %+v, %v", fallback, string(word[:min(4, len(word))]), camps[0].ID, res, err)
		}
	}
}
