package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestMigrationProjectPhotos writes a project in the schema before 00017, migrates, and checks
// on the test dialect that the project keeps its row, that photos are stored and listed
// without their bytes, that the table refuses a type other than the three images and an empty
// file, and that the migration goes down and up again.
func TestMigrationProjectPhotos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 16, "p@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	db := s.DB(ctx)
	must(db.Exec(`INSERT INTO projects (community_id, proposer_id, title, category, budget, status)
		VALUES (?, ?, '3号楼加装楼道扶手', 'elderly_care', 1800000, 'draft')`, c.ID, u.ID).Error)
	var pid int64
	must(db.Raw(`SELECT id FROM projects`).Scan(&pid).Error)

	must(s.MigrateTo(ctx, 17))
	pr, err := s.FindProject(ctx, pid)
	must(err)
	if pr.Title != "3号楼加装楼道扶手" || pr.Budget != 1800000 {
		t.Errorf("project after migration = %+v", pr)
	}
	data := []byte("\x89PNG\r\n\x1a\n....")
	ph := &app.ProjectPhoto{ProjectID: pid, StoredFile: app.NewStoredFile("楼道.png", "image/png", data, u.ID, time.Now())}
	must(s.CreateProjectPhoto(ctx, ph))
	n, err := s.CountProjectPhotos(ctx, pid)
	must(err)
	listed, err := s.FindProjectPhotos(ctx, []int64{pid})
	must(err)
	if n != 1 || len(listed[pid]) != 1 || listed[pid][0].Data != nil || listed[pid][0].FileName != "楼道.png" {
		t.Errorf("count %d, listed %+v", n, listed[pid])
	}
	got, err := s.FindProjectPhoto(ctx, ph.ID)
	must(err)
	if string(got.Data) != string(data) || got.ContentType != "image/png" {
		t.Errorf("photo = %+v", got)
	}
	if err := db.Exec(`INSERT INTO project_photos (project_id, file_name, content_type, size, data, uploaded_by) VALUES (?, 'a.html', 'text/html', 4, ?, ?)`,
		pid, []byte("<b/>"), u.ID).Error; err == nil {
		t.Error("a text/html photo was stored")
	}
	if err := db.Exec(`INSERT INTO project_photos (project_id, file_name, content_type, size, data, uploaded_by) VALUES (?, 'a.png', 'image/png', 0, ?, ?)`,
		pid, []byte{}, u.ID).Error; err == nil {
		t.Error("an empty photo was stored")
	}

	must(s.MigrateDownTo(ctx, 16))
	if err := db.Exec(`SELECT 1 FROM project_photos`).Error; err == nil {
		t.Error("project_photos survived the down migration")
	}
	must(s.MigrateTo(ctx, 17))
	if _, err := s.FindProject(ctx, pid); err != nil {
		t.Errorf("project lost after down and up: %v", err)
	}
	must(s.CreateProjectPhoto(ctx, &app.ProjectPhoto{ProjectID: pid, StoredFile: app.NewStoredFile("b.png", "image/png", []byte("abcd"), u.ID, time.Now())}))
}
