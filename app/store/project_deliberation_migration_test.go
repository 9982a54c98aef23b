package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestMigrationProjectDeliberation writes projects in the schema before 00011 and checks what
// the migration makes of them on the test dialect: a submitted project is under deliberation
// for 14 days from its submission with the default threshold of 10; the others keep their
// status; the new statuses are accepted and an unknown one is still refused.
func TestMigrationProjectDeliberation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.OpenUnmigrated(t)
	if err := s.MigrateTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	w := apptest.NewWorld(t, s, apptest.Hasher())
	sub := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	insert := func(status string, submitted *time.Time) int64 {
		t.Helper()
		p := &app.Project{CommunityID: w.A.Community.ID, ProposerID: w.Users["resident"].ID, Title: "楼道灯", Description: "d",
			Category: "environment", Currency: "CNY", Status: status, SubmittedAt: submitted, CreatedAt: sub, UpdatedAt: sub}
		if err := s.DB(ctx).Select("community_id", "proposer_id", "title", "description", "category", "currency", "status",
			"submitted_at", "created_at", "updated_at").Create(p).Error; err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	submitted, approved, draft := insert("submitted", &sub), insert("approved", &sub), insert("draft", nil)
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id        int64
		status    string
		ends      *time.Time
		threshold int
	}{
		{submitted, app.ProjectDeliberating, ptrT(sub.Add(14 * 24 * time.Hour)), 10},
		{approved, app.ProjectApproved, nil, 0},
		{draft, app.ProjectDraft, nil, 0},
	}
	for _, c := range cases {
		p, err := s.FindProject(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != c.status || p.SupportThreshold != c.threshold || (c.ends == nil) != (p.DeliberationEndsAt == nil) ||
			(c.ends != nil && !p.DeliberationEndsAt.Equal(*c.ends)) || p.SupportsCount != 0 {
			t.Errorf("project %d after 00011: %s ends %v threshold %d, want %s %v %d", c.id, p.Status, p.DeliberationEndsAt, p.SupportThreshold, c.status, c.ends, c.threshold)
		}
	}
	for _, st := range []string{"voting", "lapsed", "in_progress", "evaluated"} {
		if err := s.DB(ctx).Exec("UPDATE projects SET status = ? WHERE id = ?", st, draft).Error; err != nil {
			t.Errorf("status %s refused: %v", st, err)
		}
	}
	if err := s.DB(ctx).Exec("UPDATE projects SET status = ? WHERE id = ?", "submitted", draft).Error; err == nil {
		t.Error("the old status submitted is still accepted")
	}
	// Foreign keys still hold after the SQLite rebuild: a support of a missing project is refused.
	if err := s.CreateProjectSupport(ctx, &app.ProjectSupport{ProjectID: 999999, UserID: w.Users["resident"].ID, CreatedAt: sub}); err == nil {
		t.Error("a support of a missing project was stored")
	}
}

func ptrT(t time.Time) *time.Time { return &t }
