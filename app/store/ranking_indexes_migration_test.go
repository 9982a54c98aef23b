package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/migrations"
)

// TestMigrationRankingIndexes migrates to 00024 and checks on the test dialect that the donor
// interests' category index appears, that on SQLite ranking's donor lookup uses it, and that
// the migration goes down and up again.
func TestMigrationRankingIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.OpenUnmigrated(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"donor_interests_category_idx"}
	must(s.MigrateTo(ctx, 22))
	if got := indexesNamed(t, s, names); len(got) != 0 {
		t.Fatalf("before 00024: %v", got)
	}
	must(s.MigrateTo(ctx, 24))
	if got := indexesNamed(t, s, names); len(got) != 1 {
		t.Fatalf("after 00024: %v", got)
	}
	if s.Dialect() == migrations.SQLite {
		var rows []struct{ Detail string }
		must(s.DB(ctx).Raw("EXPLAIN QUERY PLAN SELECT donor_id FROM donor_interests WHERE category = 'health'").Scan(&rows).Error)
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(r.Detail + "\n")
		}
		if !strings.Contains(b.String(), "donor_interests_category_idx") {
			t.Errorf("donors by interest plan:\n%s", b.String())
		}
	}
	must(s.MigrateDownTo(ctx, 22))
	if got := indexesNamed(t, s, names); len(got) != 0 {
		t.Errorf("after down: %v", got)
	}
	must(s.MigrateTo(ctx, 24))
	if got := indexesNamed(t, s, names); len(got) != 1 {
		t.Errorf("after down and up: %v", got)
	}
}
