package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/migrations"
)

// dashboardIndexes are migration 00021's indexes (docs/perf.md, "Dashboards on a city").
var dashboardIndexes = []string{"memberships_grid_role_idx", "needs_community_created_idx", "needs_community_resolved_idx", "audit_events_escalated_idx"}

// indexesNamed lists which of the names are indexes of the current schema.
func indexesNamed(t *testing.T, s *store.Store, names []string) []string {
	t.Helper()
	ctx := context.Background()
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ? ORDER BY name"
	if s.Dialect() == migrations.Postgres {
		q = "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ? ORDER BY indexname"
	}
	var out []string
	if err := s.DB(ctx).Raw(q, names).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrationDashboardIndexes migrates to 00021 and checks on the test dialect that its four
// indexes appear, that on SQLite the dashboard's by-grid workers lookup and its needs query
// use them (on PostgreSQL the planner's choice depends on table sizes: docs/perf.md has the
// plans on the city), and that the migration goes down and up again.
func TestMigrationDashboardIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.OpenUnmigrated(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.MigrateTo(ctx, 20))
	if got := indexesNamed(t, s, dashboardIndexes); len(got) != 0 {
		t.Fatalf("before 00021: %v", got)
	}
	must(s.MigrateTo(ctx, 21))
	want := slices.Sorted(slices.Values(dashboardIndexes))
	if got := indexesNamed(t, s, dashboardIndexes); !slices.Equal(got, want) {
		t.Fatalf("after 00021: %v, want %v", got, want)
	}
	if s.Dialect() == migrations.SQLite {
		plan := func(q string) string {
			var rows []struct{ Detail string }
			must(s.DB(ctx).Raw("EXPLAIN QUERY PLAN " + q).Scan(&rows).Error)
			var b strings.Builder
			for _, r := range rows {
				b.WriteString(r.Detail + "\n")
			}
			return b.String()
		}
		if p := plan(`SELECT m.user_id FROM memberships m WHERE m.role = 'grid_worker' AND m.grid_id = 7`); !strings.Contains(p, "memberships_grid_role_idx") {
			t.Errorf("grid workers lookup plan:\n%s", p)
		}
		if p := plan(`SELECT grid_id, tier, COUNT(*) FROM needs WHERE community_id IN (1, 2) AND created_at >= '2026-01-01' AND created_at < '2027-01-01' GROUP BY grid_id, tier`); !strings.Contains(p, "COVERING INDEX needs_community_created_idx") {
			t.Errorf("needs figures plan:\n%s", p)
		}
	}
	must(s.MigrateDownTo(ctx, 20))
	if got := indexesNamed(t, s, dashboardIndexes); len(got) != 0 {
		t.Errorf("after down: %v", got)
	}
	must(s.MigrateTo(ctx, 21))
	if got := indexesNamed(t, s, dashboardIndexes); len(got) != 4 {
		t.Errorf("after down and up: %v", got)
	}
}
