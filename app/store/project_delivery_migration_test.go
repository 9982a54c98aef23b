package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestMigrationProjectDelivery writes a project and a task linked to it in the schema before
// 00016, migrates, and checks on the test dialect that the project keeps its row, id sequence
// and links, takes the delivery statuses and still refuses unknown ones,
// that the new tables work, and that the migration goes down and up again.
func TestMigrationProjectDelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 15, "p@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	db := s.DB(ctx)
	must(db.Exec(`INSERT INTO projects (community_id, proposer_id, title, category, budget, status, decision_note)
		VALUES (?, ?, '口袋公园', 'environment', 880000, 'approved', '同意')`, c.ID, u.ID).Error)
	var pid int64
	must(db.Raw(`SELECT id FROM projects`).Scan(&pid).Error)
	must(db.Exec(`INSERT INTO tasks (community_id, project_id, title, category, headcount, coordinator_id, status, created_by)
		VALUES (?, ?, '清理场地', 'environment', 2, ?, 'open', ?)`, c.ID, pid, u.ID, u.ID).Error)

	must(s.MigrateTo(ctx, 16))
	pr, err := s.FindProject(ctx, pid)
	must(err)
	if pr.Title != "口袋公园" || pr.Budget != 880000 || pr.Status != app.ProjectApproved || pr.DecisionNote != "同意" {
		t.Errorf("project after migration = %+v", pr)
	}
	links, err := s.FindProjectLinks(ctx, []int64{pid})
	must(err)
	if links[pid] == nil || len(links[pid].TaskIDs) != 1 {
		t.Errorf("links after migration = %+v, want the task", links[pid])
	}
	for _, status := range app.ProjectDeliveryStatuses {
		ok, err := s.SetProjectStatus(ctx, pid, []string{app.ProjectApproved, app.ProjectInProgress, app.ProjectCompleted}, status, time.Now())
		if err != nil || !ok {
			t.Errorf("set status %s: %v %v", status, ok, err)
		}
	}
	if err := db.Exec(`UPDATE projects SET status = 'finished' WHERE id = ?`, pid).Error; err == nil {
		t.Error("an unknown status was stored")
	}
	p2 := &app.Project{CommunityID: c.ID, ProposerID: u.ID, Title: "楼道灯", Category: "environment", Currency: "CNY", Status: app.ProjectDraft}
	must(s.CreateProject(ctx, p2))
	if p2.ID <= pid {
		t.Errorf("new project id %d does not follow %d", p2.ID, pid)
	}
	r := &app.ProjectRating{ProjectID: pid, CommunityID: c.ID, AuthorID: u.ID, Outcome: 5, Timeliness: 4, Value: 3, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	created, err := s.SaveProjectRating(ctx, r)
	must(err)
	if !created {
		t.Error("first rating not created")
	}
	if err := db.Exec(`INSERT INTO project_ratings (project_id, community_id, author_id, outcome, timeliness, value) VALUES (?, ?, ?, 6, 1, 1)`, p2.ID, c.ID, u.ID).Error; err == nil {
		t.Error("a rating of 6 was stored")
	}

	must(db.Exec(`DELETE FROM project_ratings`).Error)
	must(db.Exec(`UPDATE projects SET status = 'approved'`).Error)
	must(s.MigrateDownTo(ctx, 15))
	must(s.MigrateTo(ctx, 16))
	if _, err := s.FindProject(ctx, pid); err != nil {
		t.Errorf("project lost after down and up: %v", err)
	}
}
