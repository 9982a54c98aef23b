package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestDemoHome: the public home page (issue 12 headlined "82 已超时" and nothing else) shows
// open campaigns with their progress, projects under way in their current step, and the latest
// resolved needs and completed projects, newest first, as the public sees them — whoever asks.
func TestDemoHome(t *testing.T) {
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	a, s := demoApp(t, now, "demo password")
	ctx := context.Background()
	h, err := a.Home(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.Overdue == 0 || h.OpenNeeds == 0 || len(h.Communities) == 0 {
		t.Errorf("figures: %d open, %d overdue, %d communities", h.OpenNeeds, h.Overdue, len(h.Communities))
	}
	if len(h.Campaigns) == 0 || h.CampaignsTotal < len(h.Campaigns) {
		t.Fatalf("campaigns %d of %d", len(h.Campaigns), h.CampaignsTotal)
	}
	for _, c := range h.Campaigns {
		want := min(100, int(c.Raised*100/c.Goal))
		if c.Status != "open" || c.Percent != want {
			t.Errorf("campaign %s: status %s, %d%% (raised %d of %d, want %d%%)", c.Title, c.Status, c.Percent, c.Raised, c.Goal, want)
		}
	}
	if len(h.Projects) == 0 {
		t.Fatal("no project under way")
	}
	for _, p := range h.Projects {
		if !slices.Contains([]string{app.ProjectDeliberating, app.ProjectVoting, app.ProjectApproved, app.ProjectInProgress}, p.Status) ||
			p.Step != app.ProjectSteps[app.ProjectStep(p.Status)] || p.Community == "" {
			t.Errorf("project %+v", p)
		}
	}
	kinds := map[string]bool{}
	for i, act := range h.Activity {
		kinds[act.Kind] = true
		if i > 0 && act.At.After(h.Activity[i-1].At) {
			t.Errorf("activity not newest first: %v after %v", act.At, h.Activity[i-1].At)
		}
		if act.Title == "" || act.Community == "" || act.Link == "" {
			t.Errorf("activity %+v", act)
		}
	}
	if !kinds[app.ActivityNeedResolved] || !kinds[app.ActivityProjectCompleted] {
		t.Errorf("activity kinds %v, want resolved needs and completed projects", kinds)
	}
	// The newest resolved need leads the needs in the activity.
	ns, _, err := s.FindNeeds(ctx, app.NeedFilter{Statuses: []string{app.NeedResolved, app.NeedClosed}, Page: app.Page{Page: 1, PerPage: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	var newest time.Time
	for _, n := range ns {
		if n.ResolvedAt != nil && n.ResolvedAt.After(newest) {
			newest = *n.ResolvedAt
		}
	}
	for _, act := range h.Activity {
		if act.Kind == app.ActivityNeedResolved {
			if !act.At.Equal(newest) {
				t.Errorf("first resolved need in the activity at %v, newest resolution %v", act.At, newest)
			}
			break
		}
	}
	// A signed-in worker sees the same public page: nothing private comes with being signed in.
	var uid int64
	if err := s.DB(ctx).Raw(`SELECT id FROM users WHERE email = 'worker@wushe.local'`).Scan(&uid).Error; err != nil || uid == 0 {
		t.Fatalf("demo worker: %v", err)
	}
	p, err := a.Principal(ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	hw, err := a.Home(app.WithPrincipal(ctx, p))
	if err != nil {
		t.Fatal(err)
	}
	if len(hw.Activity) != len(h.Activity) || len(hw.Projects) != len(h.Projects) {
		t.Errorf("a worker's home page differs: %d/%d activity, %d/%d projects", len(hw.Activity), len(h.Activity), len(hw.Projects), len(h.Projects))
	}
}
