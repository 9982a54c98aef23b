package app_test

import (
	"context"
	"testing"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// TestSensitiveNeeds: a need about health is flagged sensitive, never reaches the search
// index, and exists only for its resident and the workers answering for it; another
// resident neither finds it in the list nor opens it. A need made sensitive by its filer
// outside those categories, and an ordinary one turned sensitive, leave the index too.
func TestSensitiveNeeds(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := f.world.As(t, f.app, "resident")
	health, err := f.app.CreateNeed(ctx, app.NeedInput{GridID: f.world.A.Grids[0].ID, Category: "health", Tier: "minor",
		Title: "糖尿病复诊陪同", Description: "每月一次", Privacy: "public"})
	if err != nil {
		t.Fatal(err)
	}
	flagged, err := f.app.CreateNeed(ctx, app.NeedInput{GridID: f.world.A.Grids[0].ID, Category: "hardship_relief", Tier: "minor",
		Title: "孩子学费困难陪同", Privacy: "public", Sensitive: true})
	if err != nil {
		t.Fatal(err)
	}
	plain := f.fileNeed(t, "楼道灯坏了陪同", "", "public")
	if !health.Sensitive || !flagged.Sensitive || plain.Sensitive {
		t.Fatalf("sensitive flags: %v %v %v", health.Sensitive, flagged.Sensitive, plain.Sensitive)
	}
	f.sync(t)
	if ids := f.find(t, "陪同", search.TypeNeed); len(ids) != 1 || ids[0] != plain.ID {
		t.Errorf("search finds %v, want only the ordinary need %d", ids, plain.ID)
	}
	// Turning the ordinary need sensitive removes it from the index.
	yes := true
	if _, err := f.app.UpdateNeed(ctx, plain.ID, app.NeedUpdate{Sensitive: &yes}); err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	if ids := f.find(t, "陪同", search.TypeNeed); len(ids) != 0 {
		t.Errorf("after flagging, search finds %v", ids)
	}
	for _, c := range []struct {
		user string
		see  bool
	}{{"resident", true}, {"grid_worker", true}, {"community_worker", true}, {"resident_b", false}, {"volunteer", false}, {"outsider", false}} {
		as := f.world.As(t, f.app, c.user)
		_, err := f.app.Need(as, health.ID)
		if got := err == nil; got != c.see {
			t.Errorf("%s opens the health need: %v (%v), want %v", c.user, got, err, c.see)
		}
		list, total, err := f.app.Needs(as, app.NeedFilter{CommunityID: &f.world.A.Community.ID, Page: app.Page{Page: 1, PerPage: 50}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range list {
			found = found || v.ID == health.ID
		}
		if found != c.see {
			t.Errorf("%s lists the health need: %v, want %v", c.user, found, c.see)
		}
		// The total counts only what the caller may see, so it cannot count sensitive needs.
		if total != len(list) {
			t.Errorf("%s: total %d for a list of %d", c.user, total, len(list))
		}
		// A page of one must still be full: the filter is in the query, not after it.
		one, total1, err := f.app.Needs(as, app.NeedFilter{CommunityID: &f.world.A.Community.ID, Page: app.Page{Page: 1, PerPage: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if total1 != total || (total > 0 && len(one) != 1) {
			t.Errorf("%s: a page of one has %d needs of %d (total %d)", c.user, len(one), total1, total)
		}
	}
	// The public home page's recent activity never shows a sensitive need, even resolved.
	gw := f.world.As(t, f.app, "grid_worker")
	for _, n := range []*app.Need{health, flagged} {
		if _, err := f.app.TransitionNeed(gw, n.ID, app.NeedResolve, "已陪同"); err != nil {
			t.Fatal(err)
		}
	}
	home, err := f.app.Home(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range home.Activity {
		if act.Title == health.Title || act.Title == flagged.Title {
			t.Errorf("the home page shows the sensitive need %q", act.Title)
		}
	}
}
