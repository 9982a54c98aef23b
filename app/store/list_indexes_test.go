package store_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/migrations"
)

// listIndexes are migration 00023's indexes (docs/perf/city-lists.md).
var listIndexes = []string{"donors_list_order_idx", "needs_list_order_idx", "needs_public_idx", "needs_resolved_order_idx"}

// planOf explains q on the test dialect with sorting and full scans made as costly as the
// planner allows, so that a plan without a sort proves an index serves q's order.
func planOf(t *testing.T, s *store.Store, q string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	err := s.DB(ctx).Transaction(func(tx *gorm.DB) error {
		if s.Dialect() == migrations.SQLite {
			var rows []struct{ Detail string }
			if err := tx.Raw("EXPLAIN QUERY PLAN " + q).Scan(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				b.WriteString(r.Detail + "\n")
			}
			return nil
		}
		if err := tx.Exec("SET LOCAL enable_sort = off").Error; err != nil {
			return err
		}
		if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
			return err
		}
		var lines []string
		if err := tx.Raw("EXPLAIN " + q).Scan(&lines).Error; err != nil {
			return err
		}
		b.WriteString(strings.Join(lines, "\n"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestMigrationListIndexes migrates to 00023 and checks on the test dialect that its indexes
// appear, that they serve the needs and donors lists' order as the store writes it (a page
// without sorting, a count from the index alone), and that the migration goes down and up.
func TestMigrationListIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 22, "lists@test.wushe")
	s, must := m.s, m.must
	if got := indexesNamed(t, s, listIndexes); len(got) != 0 {
		t.Fatalf("before 00023: %v", got)
	}
	must(s.MigrateTo(ctx, 23))
	if got := indexesNamed(t, s, listIndexes); !slices.Equal(got, listIndexes) {
		t.Fatalf("after 00023: %v, want %v", got, listIndexes)
	}
	sorts := func(p string) bool {
		return strings.Contains(p, "TEMP B-TREE FOR ORDER BY") || strings.Contains(p, "Sort")
	}
	page := `SELECT * FROM needs WHERE NOT sensitive ORDER BY ` + store.NeedListOrder + ` LIMIT 20`
	if p := planOf(t, s, page); !strings.Contains(p, "needs_list_order_idx") || sorts(p) {
		t.Errorf("needs page plan:\n%s", p)
	}
	count := `SELECT COUNT(*) FROM (SELECT 1 FROM needs WHERE CASE WHEN status IN ('open', 'in_progress') THEN 0 ELSE 1 END = 0 AND NOT sensitive LIMIT 1001) AS c`
	if p := planOf(t, s, count); !strings.Contains(p, "needs_list_order_idx") {
		t.Errorf("unresolved needs count plan:\n%s", p)
	}
	resolved := `SELECT * FROM needs WHERE status IN ('resolved', 'closed') ORDER BY ` + store.NeedResolvedOrder + ` LIMIT 6`
	if p := planOf(t, s, resolved); !strings.Contains(p, "needs_resolved_order_idx") || sorts(p) {
		t.Errorf("recently resolved needs plan:\n%s", p)
	}
	donors := `SELECT * FROM donors ORDER BY ` + store.DonorListOrder + ` LIMIT 20`
	if p := planOf(t, s, donors); !strings.Contains(p, "donors_list_order_idx") || sorts(p) {
		t.Errorf("donors page plan:\n%s", p)
	}
	must(s.MigrateDownTo(ctx, 22))
	if got := indexesNamed(t, s, listIndexes); len(got) != 0 {
		t.Errorf("after down: %v", got)
	}
	must(s.MigrateTo(ctx, 23))
	if got := indexesNamed(t, s, listIndexes); len(got) != len(listIndexes) {
		t.Errorf("after down and up: %v", got)
	}
}

// TestNeedsListContract checks, on the test dialect, the needs list's order (overdue first,
// then the other unresolved ones by due time, then the rest by due time; equal due times
// newest first), that its pages follow one another without gaps or repeats, its totals, the
// filters served by the list's index (unresolved, overdue) and which sensitive needs a caller
// sees.
func TestNeedsListContract(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 23, "contract@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	g := &app.Grid{CommunityID: c.ID, Name: "第1网格", Code: "G01", Level: "routine", Households: 250}
	must(s.CreateGrid(ctx, g))
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	statuses := []string{app.NeedOpen, app.NeedInProgress, app.NeedResolved, app.NeedClosed, app.NeedWithdrawn}
	var all []*app.Need
	for i := range 37 {
		// Due times from 9 hours ago to 9 hours ahead, three needs sharing each, so that ties
		// (ordered newest first) fall inside and across pages.
		due := now.Add(time.Duration(i/3-6) * 90 * time.Minute)
		n := &app.Need{CommunityID: c.ID, GridID: g.ID, FiledByID: u.ID, Category: "elderly_care", Tier: "minor",
			Title: fmt.Sprintf("需求%02d", i), Privacy: "public", Status: statuses[(i*7)%len(statuses)], EscalationLevel: app.LevelGrid,
			DueAt: due, Sensitive: i%5 == 0, CreatedAt: now, UpdatedAt: now}
		if i%10 == 0 {
			n.RequesterID = &u.ID
		}
		all = append(all, n)
	}
	must(s.CreateNeedsBulk(ctx, all))

	active := func(n *app.Need) bool { return n.Status == app.NeedOpen || n.Status == app.NeedInProgress }
	overdue := func(n *app.Need) bool { return active(n) && n.DueAt.Before(now) }
	rank := func(n *app.Need) int {
		switch {
		case overdue(n):
			return 0
		case active(n):
			return 1
		}
		return 2
	}
	want := func(keep func(*app.Need) bool) []int64 {
		var ns []*app.Need
		for _, n := range all {
			if keep(n) {
				ns = append(ns, n)
			}
		}
		slices.SortFunc(ns, func(a, b *app.Need) int {
			return cmp.Or(cmp.Compare(rank(a), rank(b)), a.DueAt.Compare(b.DueAt), cmp.Compare(b.ID, a.ID))
		})
		out := []int64{}
		for _, n := range ns {
			out = append(out, n.ID)
		}
		return out
	}
	anon := &app.SensitiveFilter{Places: &app.ScopeFilter{}}
	mine := &app.SensitiveFilter{UserID: u.ID, Places: &app.ScopeFilter{}}
	visible := func(sf *app.SensitiveFilter) func(*app.Need) bool {
		return func(n *app.Need) bool {
			return sf == nil || !n.Sensitive || (n.RequesterID != nil && *n.RequesterID == sf.UserID)
		}
	}
	both := func(a, b func(*app.Need) bool) func(*app.Need) bool {
		return func(n *app.Need) bool { return a(n) && b(n) }
	}
	cases := []struct {
		name string
		f    app.NeedFilter
		keep func(*app.Need) bool
	}{
		{"everyone's", app.NeedFilter{}, visible(nil)},
		{"anonymous", app.NeedFilter{Sensitive: anon}, visible(anon)},
		{"the requester's", app.NeedFilter{Sensitive: mine}, visible(mine)},
		{"unresolved", app.NeedFilter{Statuses: []string{app.NeedInProgress, app.NeedOpen}, Sensitive: anon}, both(active, visible(anon))},
		{"resolved", app.NeedFilter{Statuses: []string{app.NeedResolved}}, func(n *app.Need) bool { return n.Status == app.NeedResolved }},
		{"overdue", app.NeedFilter{Overdue: true, Sensitive: anon}, both(overdue, visible(anon))},
	}
	for _, tc := range cases {
		exp := want(tc.keep)
		for _, per := range []int{5, 7, 100} {
			var got []int64
			for p := 1; p <= len(exp)/per+2; p++ {
				f := tc.f
				f.Now, f.Page = now, app.Page{Page: p, PerPage: per}
				ns, total, err := s.FindNeeds(ctx, f)
				must(err)
				if total != len(exp) {
					t.Errorf("%s, page %d of %d: total %d, want %d", tc.name, p, per, total, len(exp))
				}
				for _, n := range ns {
					got = append(got, n.ID)
				}
			}
			if !slices.Equal(got, exp) {
				t.Errorf("%s, %d a page:\n got %v\nwant %v", tc.name, per, got, exp)
			}
		}
	}
}

// TestListTotalBound checks on the test dialect that a list counts exactly up to
// app.CountAhead rows past its page and past that answers a total that says "more than",
// and that a page near the end counts exactly again.
func TestListTotalBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 23, "bound@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	g := &app.Grid{CommunityID: c.ID, Name: "第1网格", Code: "G01", Level: "routine", Households: 250}
	must(s.CreateGrid(ctx, g))
	now := time.Now().UTC()
	n := app.CountAhead + 30
	ns := make([]*app.Need, n)
	for i := range ns {
		ns[i] = &app.Need{CommunityID: c.ID, GridID: g.ID, FiledByID: u.ID, Category: "elderly_care", Tier: "minor",
			Title: fmt.Sprintf("需求%d", i), Privacy: "public", Status: app.NeedOpen, EscalationLevel: app.LevelGrid,
			DueAt: now.Add(time.Duration(i) * time.Minute), CreatedAt: now, UpdatedAt: now}
	}
	must(s.CreateNeedsBulk(ctx, ns))
	for _, tc := range []struct {
		page       app.Page
		total      int
		lowerBound bool
	}{
		{app.Page{Page: 1, PerPage: 20}, app.CountAhead + 1, true},
		{app.Page{Page: 2, PerPage: 20}, 20 + app.CountAhead + 1, true}, // 1,000 past its first row
		{app.Page{Page: 1, PerPage: 100}, app.CountAhead + 1, true},
		{app.Page{Page: 52, PerPage: 20}, n, false},             // the last page: 10 rows
		{app.Page{Page: 60, PerPage: 20}, n, false},             // past the end: no rows, exact total
		{app.Page{Page: 1, PerPage: 20, Exact: true}, n, false}, // a figure: counted to the end
	} {
		got, total, err := s.FindNeeds(ctx, app.NeedFilter{Page: tc.page, Now: now})
		must(err)
		if total != tc.total || tc.page.TotalIsLowerBound(total) != tc.lowerBound {
			t.Errorf("page %+v: total %d (lower bound %v), want %d (%v)", tc.page, total, tc.page.TotalIsLowerBound(total), tc.total, tc.lowerBound)
		}
		if wantRows := min(tc.page.PerPage, max(0, n-tc.page.Offset())); len(got) != wantRows {
			t.Errorf("page %+v: %d rows, want %d", tc.page, len(got), wantRows)
		}
	}
}
