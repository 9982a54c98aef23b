package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestPurgeResolvedNeeds files needs of each kind, resolves some a year and more ago and one
// lately, runs the retention job and checks that exactly the old ones lost their private
// details (the description and photos only where they were never public), that nothing
// else changed, that each purge is audited, and that a second run purges nothing.
func TestPurgeResolvedNeeds(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 11, 1, 9, 0, 0, 0, cst)
	clock := apptest.NewClock(start)
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ctx := context.Background()
	res, gw := w.As(t, a, "resident"), w.As(t, a, "grid_worker")
	grid := w.A.Grids[0].ID
	file := func(category, privacy, title string) *app.Need {
		t.Helper()
		n, err := a.CreateNeed(res, app.NeedInput{GridID: grid, Category: category, Tier: "minor", Title: title,
			Description: "详情:" + title, Address: "3栋2单元502", Privacy: privacy})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	resolve := func(n *app.Need) {
		t.Helper()
		if _, err := a.TransitionNeed(gw, n.ID, app.NeedResolve, "已处理"); err != nil {
			t.Fatal(err)
		}
	}
	sensitive := file("counseling", "public", "心理疏导")
	private := file("family", "private", "家庭矛盾")
	public := file("family", "public", "楼道杂物")
	open := file("family", "private", "仍在处理")
	photo := &app.Attachment{OwnerType: app.AttachNeed, OwnerID: sensitive.ID,
		StoredFile: app.NewStoredFile("p.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0...."), w.Users["resident"].ID, clock.Now())}
	if err := s.CreateAttachment(ctx, photo); err != nil {
		t.Fatal(err)
	}
	keptPhoto := &app.Attachment{OwnerType: app.AttachNeed, OwnerID: public.ID,
		StoredFile: app.NewStoredFile("q.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0...."), w.Users["resident"].ID, clock.Now())}
	if err := s.CreateAttachment(ctx, keptPhoto); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*app.Need{sensitive, private, public} {
		resolve(n)
	}
	clock.Advance(200 * 24 * time.Hour)
	recent := file("family", "private", "最近解决")
	resolve(recent)
	clock.Advance(170 * 24 * time.Hour) // the first three were resolved 370 days ago, recent 170

	if n, err := a.PurgeResolvedNeeds(ctx, 0); err != nil || n != 0 {
		t.Fatalf("retention off purged %d (%v)", n, err)
	}
	n, err := a.PurgeResolvedNeeds(ctx, 365*24*time.Hour)
	if err != nil || n != 3 {
		t.Fatalf("purged %d (%v), want 3", n, err)
	}
	for _, tt := range []struct {
		need        *app.Need
		purged      bool
		description bool // kept
		photos      int
	}{
		{sensitive, true, false, 0},
		{private, true, false, 0},
		{public, true, true, 1},
		{open, false, true, 0},
		{recent, false, true, 0},
	} {
		got, err := s.FindNeed(ctx, tt.need.ID)
		if err != nil {
			t.Fatal(err)
		}
		if (got.PrivatePurgedAt != nil) != tt.purged {
			t.Errorf("%s: purged at %v, want purged %v", got.Title, got.PrivatePurgedAt, tt.purged)
		}
		if tt.purged && got.Address != "" || !tt.purged && got.Address == "" {
			t.Errorf("%s: address %q after the purge (purged %v)", got.Title, got.Address, tt.purged)
		}
		if (got.Description != "") != tt.description {
			t.Errorf("%s: description %q, want kept %v", got.Title, got.Description, tt.description)
		}
		if got.Title != tt.need.Title || got.Status == "" || got.Category != tt.need.Category {
			t.Errorf("%s: the need's public facts changed: %+v", tt.need.Title, got)
		}
		photos, err := s.CountAttachments(ctx, app.AttachNeed, tt.need.ID)
		if err != nil {
			t.Fatal(err)
		}
		if photos != tt.photos {
			t.Errorf("%s: %d photos, want %d", got.Title, photos, tt.photos)
		}
	}
	kind := "need"
	for _, want := range []struct {
		need  *app.Need
		count int
	}{{sensitive, 1}, {private, 1}, {public, 1}, {recent, 0}} {
		id := want.need.ID
		evs, _, err := s.FindAuditEvents(ctx, app.AuditFilter{SubjectType: &kind, SubjectID: &id, Page: app.Page{Page: 1, PerPage: 100}})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, e := range evs {
			if e.Action == "need.purged" {
				got++
			}
		}
		if got != want.count {
			t.Errorf("%s: %d need.purged events, want %d", want.need.Title, got, want.count)
		}
	}
	if n, err := a.PurgeResolvedNeeds(ctx, 365*24*time.Hour); err != nil || n != 0 {
		t.Errorf("second run purged %d (%v), want 0", n, err)
	}
	// The resident still sees their need, with the note instead of the erased details.
	v, err := a.Need(res, private.ID)
	if err != nil || v.PrivatePurgedAt == nil || v.Address != "" {
		t.Errorf("the resident's view after the purge: %+v (%v)", v, err)
	}
}
