package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestMigrationSensitiveNeeds writes needs in the schema before 00020, migrates, and checks on
// the test dialect that needs of sensitive categories are flagged and others are not, that a
// need keeps its row, that a new need stores the flag and the purge time, and that the
// migration goes down and up again.
func TestMigrationSensitiveNeeds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 17, "n@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	g := &app.Grid{CommunityID: c.ID, Name: "第1网格", Code: "G01", Level: "routine", Households: 250}
	must(s.CreateGrid(ctx, g))
	db := s.DB(ctx)
	for _, cat := range []string{"health", "elderly_care", "child_care"} {
		must(db.Exec(`INSERT INTO needs (community_id, grid_id, requester_id, filed_by_id, category, tier, title, privacy, status, escalation_level, due_at)
			VALUES (?, ?, ?, ?, ?, 'minor', ?, 'private', 'open', 'grid', ?)`, c.ID, g.ID, u.ID, u.ID, cat, "需求 "+cat, time.Now().Add(time.Hour)).Error)
	}

	must(s.MigrateTo(ctx, 20))
	ns, _, err := s.FindNeeds(ctx, app.NeedFilter{Page: app.Page{Page: 1, PerPage: 10}})
	must(err)
	if len(ns) != 3 {
		t.Fatalf("needs after migration: %d", len(ns))
	}
	for _, n := range ns {
		if want := n.Category != "elderly_care"; n.Sensitive != want || n.PrivatePurgedAt != nil {
			t.Errorf("%s: sensitive %v purged %v", n.Category, n.Sensitive, n.PrivatePurgedAt)
		}
	}
	// The flagged needs are queued for the search index, which drops them (PIPL art. 28).
	items, err := s.ClaimSearchOutbox(ctx, time.Now(), time.Now().Add(time.Minute), 10)
	must(err)
	queued := map[int64]bool{}
	for _, it := range items {
		if it.DocType == "need" {
			queued[it.DocID] = true
		}
	}
	for _, n := range ns {
		if queued[n.ID] != n.Sensitive {
			t.Errorf("%s: queued for the index %v, want %v", n.Category, queued[n.ID], n.Sensitive)
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	n := &app.Need{CommunityID: c.ID, GridID: g.ID, RequesterID: &u.ID, FiledByID: u.ID, Category: "legal_aid", Tier: "minor", Title: "新需求",
		Privacy: "private", Status: app.NeedResolved, EscalationLevel: app.LevelGrid, DueAt: now, Sensitive: true, PrivatePurgedAt: &now, CreatedAt: now, UpdatedAt: now}
	must(s.CreateNeed(ctx, n))
	got, err := s.FindNeed(ctx, n.ID)
	must(err)
	if !got.Sensitive || got.PrivatePurgedAt == nil || !got.PrivatePurgedAt.Equal(now) {
		t.Errorf("new need = sensitive %v purged %v", got.Sensitive, got.PrivatePurgedAt)
	}

	must(s.MigrateDownTo(ctx, 17))
	if err := db.Exec(`SELECT sensitive FROM needs`).Error; err == nil {
		t.Error("needs.sensitive survived the down migration")
	}
	must(s.MigrateTo(ctx, 20))
	var flagged int64
	must(db.Raw(`SELECT COUNT(*) FROM needs WHERE sensitive = ?`, true).Scan(&flagged).Error)
	if flagged != 2 {
		t.Errorf("after down and up, %d sensitive needs, want 2 (health, child_care)", flagged)
	}
}
