package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestProjectSettingsLinkOnlyForEditors: a project page offers the community's project
// settings only to those the settings page accepts (the every-page test found a committee
// member, who may decide projects, led to a 403 there).
func TestProjectSettingsLinkOnlyForEditors(t *testing.T) {
	t.Parallel()
	a, s := apptest.NewApp(t, apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst)))
	w := apptest.NewWorld(t, s, apptest.Hasher())
	pr := &app.Project{CommunityID: w.A.Community.ID, ProposerID: w.Users["resident"].ID, Title: "楼道扶手", Description: "说明",
		Category: "elderly_care", Budget: 100000, Currency: "CNY", Status: app.ProjectVoting}
	if err := s.CreateProject(context.Background(), pr); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"committee_member": false, "resident": false, "community_worker": true} {
		ctx := w.As(t, a, name)
		v, err := a.Project(ctx, pr.ID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st, err := a.CommunityProjectSettings(ctx, w.A.Community.ID)
		if err != nil {
			t.Fatalf("%s settings: %v", name, err)
		}
		if v.CanSettings != want || v.CanSettings != st.CanEdit {
			t.Errorf("%s: link offered %v, settings page accepts %v, want %v", name, v.CanSettings, st.CanEdit, want)
		}
	}
}
