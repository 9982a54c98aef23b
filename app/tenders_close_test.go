package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestCloseDueTenders: a published tender past its deadline is closed by the job — stored
// status, closed time at the deadline, one audit event, and a search outbox row — while an
// open one and a draft stay as they are; a second run closes nothing.
func TestCloseDueTenders(t *testing.T) {
	t.Parallel()
	tw := newTenderWorld(t)
	ctx := context.Background()
	due := tw.published(tw.input())
	later := tw.input()
	later.BidDeadline = later.BidDeadline.Add(14 * 24 * time.Hour)
	open := tw.published(later)
	draft, err := tw.a.CreateTender(tw.as("community_worker"), tw.input())
	if err != nil {
		t.Fatal(err)
	}
	before, _, err := tw.s.SearchOutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tw.clock.Set(due.BidDeadline.Add(time.Minute))
	n, err := tw.a.CloseDueTenders(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CloseDueTenders = %d, %v; want 1", n, err)
	}
	for _, c := range []struct {
		id     int64
		status string
	}{{due.ID, app.TenderClosed}, {open.ID, app.TenderPublished}, {draft.ID, app.TenderDraft}} {
		got, err := tw.s.FindTender(ctx, c.id)
		if err != nil || got.Status != c.status {
			t.Errorf("tender %d: status %v (%v), want %s", c.id, got, err, c.status)
		}
	}
	if got, _ := tw.s.FindTender(ctx, due.ID); got.ClosedAt == nil || !got.ClosedAt.Equal(due.BidDeadline) {
		t.Errorf("closed at %v, want the deadline %v", got.ClosedAt, due.BidDeadline)
	}
	subject := "tender"
	evs, _, err := tw.a.AuditEvents(tw.as("admin"), app.AuditFilter{SubjectType: &subject, SubjectID: &due.ID})
	closedEvents := 0
	for _, e := range evs {
		if e.Action == "tender.closed" {
			closedEvents++
		}
	}
	if err != nil || closedEvents != 1 {
		t.Errorf("tender.closed events = %d (%v), want 1", closedEvents, err)
	}
	if after, _, _ := tw.s.SearchOutboxStats(ctx); after <= before {
		t.Errorf("closing queued nothing for the search index (outbox %d → %d)", before, after)
	}
	if n, err := tw.a.CloseDueTenders(ctx); err != nil || n != 0 {
		t.Errorf("second run closed %d, %v; want 0", n, err)
	}
}

// TestBidCountSealedWhileOpen: how many organizations bid is not disclosed before the deadline,
// to anyone; after it, it is.
func TestBidCountSealedWhileOpen(t *testing.T) {
	t.Parallel()
	tw := newTenderWorld(t)
	tender := tw.published(tw.input())
	tw.bid(tender, 0, 20000000)
	tw.bid(tender, 1, 25000000)
	for _, who := range []string{"community_worker", "member_0", "resident"} {
		v, err := tw.a.Tender(tw.as(who), tender.ID)
		if err != nil || !v.BidsSealed || v.BidCount != 0 {
			t.Errorf("%s sees the open tender's bids as sealed=%v count=%d (%v), want sealed", who, v.BidsSealed, v.BidCount, err)
		}
	}
	tw.clock.Set(tender.BidDeadline)
	v, err := tw.a.Tender(context.Background(), tender.ID)
	if err != nil || v.BidsSealed || v.BidCount != 2 {
		t.Errorf("after the deadline: sealed=%v count=%d (%v), want 2 disclosed", v.BidsSealed, v.BidCount, err)
	}
}
