package store_test

import (
	"context"
	"strings"
	"testing"
)

// TestMigrationTaskAddress writes a task in the schema before 00022, migrates, and checks on
// the test dialect that the task keeps its row with an empty meeting point, that an address
// is stored and read back, that the table refuses one over 200 characters, and that the
// migration goes down and up again.
func TestMigrationTaskAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 17, "c@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	db := s.DB(ctx)
	must(db.Exec(`INSERT INTO categories (code, name_zh, name_en) VALUES ('meal_delivery', '助餐', 'Meals') ON CONFLICT DO NOTHING`).Error)
	must(db.Exec(`INSERT INTO tasks (community_id, title, category, headcount, coordinator_id, status, created_by)
		VALUES (?, '助餐送餐', 'meal_delivery', 2, ?, 'open', ?)`, c.ID, u.ID, u.ID).Error)
	var tid int64
	must(db.Raw(`SELECT id FROM tasks`).Scan(&tid).Error)

	must(s.MigrateTo(ctx, 22))
	task, err := s.FindTask(ctx, tid)
	must(err)
	if task.Title != "助餐送餐" || task.Address != "" {
		t.Errorf("task after migration = %+v", task)
	}
	task.Address = "东湖社区服务中心一楼大厅"
	must(s.UpdateTask(ctx, task))
	got, err := s.FindTask(ctx, tid)
	must(err)
	if got.Address != "东湖社区服务中心一楼大厅" {
		t.Errorf("address read back %q", got.Address)
	}
	if err := db.Exec(`UPDATE tasks SET address = ? WHERE id = ?`, strings.Repeat("楼", 201), tid).Error; err == nil {
		t.Error("an address of 201 characters was stored")
	}
	if err := db.Exec(`UPDATE tasks SET address = ? WHERE id = ?`, strings.Repeat("楼", 200), tid).Error; err != nil {
		t.Errorf("an address of 200 characters was refused: %v", err)
	}

	must(s.MigrateDownTo(ctx, 17))
	if err := db.Exec(`SELECT address FROM tasks`).Error; err == nil {
		t.Error("tasks.address survived the down migration")
	}
	var title string
	must(db.Raw(`SELECT title FROM tasks WHERE id = ?`, tid).Scan(&title).Error)
	if title != "助餐送餐" {
		t.Errorf("task lost on the way down: %q", title)
	}
	must(s.MigrateTo(ctx, 22))
	if got, err := s.FindTask(ctx, tid); err != nil || got.Address != "" {
		t.Errorf("after down and up: %+v %v", got, err)
	}
}
