package demo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
)

// TestLoadTown generates the small scale of the city generator twice, on two fresh databases:
// the figures asked for are in the database (communities of every kind, grids, residents with
// their memberships, volunteers, a year of needs with their audit events), the fund ledgers
// of the demo community check out, and the same clock gives the same town.
func TestLoadTown(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	sc := demo.Scales["town"]
	fingerprint := func() string {
		a, s := apptest.NewApp(t, apptest.NewClock(now))
		ctx := context.Background()
		sum, err := demo.LoadCity(ctx, s, apptest.Hasher(), now, "town password", sc, nil)
		if err != nil {
			t.Fatalf("load town: %v", err)
		}
		db := s.DB(ctx)
		count := func(q string, args ...any) int64 {
			t.Helper()
			var n int64
			if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		checks := []struct {
			what string
			got  int64
			want int64
		}{
			{"communities", count("SELECT COUNT(*) FROM communities"), int64(sc.Communities)},
			{"kinds", count("SELECT COUNT(DISTINCT kind) FROM communities"), 4},
			{"grids", count("SELECT COUNT(*) FROM grids"), int64(sc.Grids)},
			{"residents", count("SELECT COUNT(*) FROM memberships WHERE role = ? AND grid_id IS NOT NULL", app.RoleResident), int64(sc.Residents) + 1},
			{"volunteers", count("SELECT COUNT(*) FROM volunteers"), int64(sc.Volunteers)},
			{"needs", count("SELECT COUNT(*) FROM needs"), int64(sc.Needs)},
			{"need audit events", count("SELECT COUNT(*) FROM audit_events WHERE action = 'need.created'"), int64(sc.Needs)},
			{"needs older than 300 days", min(count("SELECT COUNT(*) FROM needs WHERE created_at < ?", now.Add(-300*24*time.Hour)), 1), 1},
			{"volunteers without skills", count("SELECT COUNT(*) FROM volunteers v WHERE NOT EXISTS (SELECT 1 FROM volunteer_skills s WHERE s.volunteer_id = v.id)"), 0},
			// Every community has a week of shifts to assign (city_shifts.go), sign-ups only of
			// its own volunteers, a place left on every coming shift, and nobody on two
			// overlapping shifts.
			{"communities without shifts in the coming week", count(`SELECT COUNT(*) FROM communities c WHERE NOT EXISTS (SELECT 1 FROM shifts sh
				JOIN tasks t ON t.id = sh.task_id WHERE t.community_id = c.id AND t.status = 'open' AND sh.starts_at >= ? AND sh.starts_at < ?)`, now, now.Add(7*24*time.Hour)), 0},
			{"communities without coming sign-ups", count(`SELECT COUNT(*) FROM communities c WHERE NOT EXISTS (SELECT 1 FROM signups su
				JOIN shifts sh ON sh.id = su.shift_id JOIN tasks t ON t.id = sh.task_id WHERE t.community_id = c.id AND sh.starts_at >= ?)`, now), 0},
			{"sign-ups of another community's volunteers", count(`SELECT COUNT(*) FROM signups su JOIN tasks t ON t.id = su.task_id
				JOIN volunteers v ON v.id = su.volunteer_id WHERE v.community_id <> t.community_id`), 0},
			{"coming shifts without a place left", count(`SELECT COUNT(*) FROM shifts sh WHERE sh.starts_at > ? AND sh.capacity <=
				(SELECT COUNT(*) FROM signups su WHERE su.shift_id = sh.id AND su.status IN ('invited', 'signed_up'))`, now), 0},
			{"overlapping sign-ups", count(`SELECT COUNT(*) FROM signups a JOIN shifts x ON x.id = a.shift_id JOIN signups b ON b.volunteer_id = a.volunteer_id
				AND b.id <> a.id JOIN shifts y ON y.id = b.shift_id WHERE a.status IN ('invited', 'signed_up') AND b.status IN ('invited', 'signed_up')
				AND x.starts_at < y.ends_at AND y.starts_at < x.ends_at`), 0},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s on %s: %d, want %d", c.what, apptest.Dialect(), c.got, c.want)
			}
		}
		if int64(sum.Needs) != int64(sc.Needs) || int64(sum.Volunteers) != int64(sc.Volunteers) {
			t.Errorf("summary %s disagrees with the scale %+v", sum, sc)
		}
		// The last community's week is a real batch-assignment problem, not an empty one.
		var last int64
		if err := db.Raw("SELECT MAX(id) FROM communities").Scan(&last).Error; err != nil {
			t.Fatal(err)
		}
		admin := app.WithPrincipal(ctx, &app.Principal{User: &app.User{ID: 1}, Memberships: []app.Membership{{UserID: 1, Role: app.RoleAdmin}}})
		pr, err := a.ProposeAssignment(admin, last, app.AssignmentRequest{From: now, Days: 7})
		if err != nil || pr.Shifts == 0 || pr.Edges == 0 || pr.Assigned == 0 {
			t.Errorf("batch assignment of community %d on %s: %+v, %v", last, apptest.Dialect(), pr, err)
		}
		problems, err := a.CheckLedgers(ctx)
		if err != nil || len(problems) != 0 {
			t.Errorf("funds check on the town: %v %v", problems, err)
		}
		var titles []string
		if err := db.Raw("SELECT title || '@' || grid_id FROM needs ORDER BY id LIMIT 50").Scan(&titles).Error; err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(sum, titles)
	}
	if a, b := fingerprint(), fingerprint(); a != b {
		t.Errorf("two towns from one clock differ:\n%s\n%s", a, b)
	}
}
