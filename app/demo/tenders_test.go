package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestDemoTenders loads the demo data set and checks the tenders in it: 钟埭街道's 居家养老
// tender covering two communities, bid on, scored and awarded with a reason for every bid,
// and an open tender in 当湖街道.
func TestDemoTenders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	a, _ := demoApp(t, now, "demo password")
	ctx := context.Background()
	ts, total, err := a.Tenders(ctx, app.TenderFilter{})
	if err != nil || total != 2 {
		t.Fatalf("demo tenders: %d (%v), want 2", total, err)
	}
	var awarded, open *app.TenderView
	for _, tv := range ts {
		switch tv.Status {
		case app.TenderAwarded:
			awarded = tv
		case app.TenderPublished:
			open = tv
		}
	}
	if awarded == nil || open == nil || !open.Open {
		t.Fatalf("want one awarded and one open tender, got %+v", ts)
	}
	if len(awarded.CommunityIDs) != 2 || awarded.Category != "elderly_care" || awarded.CommunityID != nil {
		t.Errorf("the awarded tender is not a street 居家养老 tender for two communities: %+v", awarded.Tender)
	}
	bv, err := a.TenderBids(ctx, awarded.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(bv.Bids) < 2 || len(bv.Bids) > 3 {
		t.Fatalf("the awarded tender has %d bids", len(bv.Bids))
	}
	won := 0
	for i, b := range bv.Bids {
		if b.Result == nil || b.Result.Rank != i+1 || b.Result.Reason == "" || b.Evaluators == 0 || len(b.TeamMembers) == 0 {
			t.Errorf("bid %d: %+v", i, b)
			continue
		}
		if b.Result.Won {
			won++
		}
	}
	if won != 1 {
		t.Errorf("%d bids won, want 1", won)
	}
}
