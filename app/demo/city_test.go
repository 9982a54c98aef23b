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
// their memberships, volunteers, a year of needs with their audit events), every community
// has a year of gifts, refunds, matches, disbursements and approved volunteer hours, the fund
// ledgers check out and agree with the campaigns', pools' and donors' totals, and the same
// clock gives the same town.
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
			// A year of money in every community (city_funds.go).
			{"communities with a fund", count("SELECT COUNT(DISTINCT community_id) FROM funds"), int64(sc.Communities)},
			{"communities with paid gifts", count("SELECT COUNT(DISTINCT f.community_id) FROM contributions c JOIN funds f ON f.id = c.fund_id WHERE c.status = 'succeeded'"), int64(sc.Communities)},
			{"communities with paid disbursements", count("SELECT COUNT(DISTINCT f.community_id) FROM disbursements d JOIN funds f ON f.id = d.fund_id WHERE d.status = 'paid'"), int64(sc.Communities)},
			{"gifts older than 300 days", min(count("SELECT COUNT(*) FROM contributions WHERE succeeded_at < ?", now.Add(-300*24*time.Hour)), 1), 1},
			{"refunded gifts", min(count("SELECT COUNT(*) FROM contributions WHERE status = 'refunded'"), 1), 1},
			{"released matches", min(count("SELECT COUNT(*) FROM fund_matches WHERE status = 'released'"), 1), 1},
			{"paid gifts without a receipt code", count("SELECT COUNT(*) FROM contributions WHERE status IN ('succeeded', 'refunded') AND receipt_code IS NULL"), 0},
			{"open campaigns", min(count("SELECT COUNT(*) FROM campaigns WHERE status = 'open'"), 1), 1},
			{"campaigns whose raised disagrees with the ledger", count(`SELECT COUNT(*) FROM campaigns c WHERE c.raised <> COALESCE((SELECT SUM(CASE t.kind WHEN 'contribution_succeeded' THEN e.amount ELSE -e.amount END)
				FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
				WHERE e.campaign_id = c.id AND e.account_kind = 'donations' AND t.kind IN ('contribution_succeeded', 'contribution_refunded')), 0)`), 0},
			{"campaigns whose raised disagrees with their gifts", count(`SELECT COUNT(*) FROM campaigns c WHERE c.raised <> COALESCE((SELECT SUM(amount - refunded)
				FROM contributions WHERE campaign_id = c.id AND status IN ('succeeded', 'refunded')), 0)`), 0},
			{"campaigns whose matched disagrees with the ledger", count(`SELECT COUNT(*) FROM campaigns c WHERE c.matched <> COALESCE((SELECT SUM(CASE t.kind WHEN 'match_reserved' THEN e.amount ELSE -e.amount END)
				FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
				WHERE e.campaign_id = c.id AND e.account_kind = 'pool_reserved' AND t.kind IN ('match_reserved', 'match_released')), 0)`), 0},
			{"campaigns whose matched disagrees with their matches", count(`SELECT COUNT(*) FROM campaigns c WHERE c.matched <> COALESCE((SELECT SUM(amount)
				FROM fund_matches WHERE campaign_id = c.id AND status IN ('reserved', 'committed')), 0)`), 0},
			{"pools whose spent money disagrees with their matches", count(`SELECT COUNT(*) FROM fund_pools p WHERE p.budget - p.available <> COALESCE((SELECT SUM(amount)
				FROM fund_matches WHERE pool_id = p.id AND status IN ('reserved', 'committed')), 0)`), 0},
			{"campaigns whose donors disagree with their donors' totals", count(`SELECT COUNT(*) FROM campaigns c WHERE c.donors <> (SELECT COUNT(*)
				FROM campaign_donors d WHERE d.campaign_id = c.id AND d.gifts > 0)`), 0},
			{"donors' totals that disagree with their gifts", count(`SELECT COUNT(*) FROM campaign_donors d WHERE d.gifts <> (SELECT COUNT(*)
				FROM contributions c WHERE c.campaign_id = d.campaign_id AND c.donor_key = d.donor_key AND c.status = 'succeeded')`), 0},
			// A year of approved volunteer hours in every community.
			{"communities with approved hours", count(`SELECT COUNT(DISTINCT t.community_id) FROM hours_entries h JOIN tasks t ON t.id = h.task_id
				WHERE h.status = 'approved'`), int64(sc.Communities)},
			{"hours older than 300 days", min(count("SELECT COUNT(*) FROM hours_entries WHERE work_date < ?", now.Add(-300*24*time.Hour)), 1), 1},
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
		if settled, _, err := a.CloseCampaigns(ctx); err != nil || settled != 0 {
			t.Errorf("closing job on the town: %d campaigns were still due (%v)", settled, err)
		}
		problems, err := a.CheckLedgers(ctx)
		if err != nil || len(problems) != 0 {
			t.Errorf("funds check on the town: %v %v", problems, err)
		}
		var titles []string
		if err := db.Raw("SELECT title || '@' || grid_id FROM needs ORDER BY id LIMIT 50").Scan(&titles).Error; err != nil {
			t.Fatal(err)
		}
		// The dashboard counts hours where their task is, or, without a task, where the
		// volunteer is: a volunteer of one community serving another's task, and hours with
		// no task, must land where a recount with that rule puts them.
		var pair []struct{ VolunteerID, TaskID, Community int64 }
		if err := db.Raw(`SELECT v.id AS volunteer_id, t.id AS task_id, v.community_id AS community FROM volunteers v, tasks t
			WHERE v.community_id <> t.community_id ORDER BY v.id, t.id LIMIT 1`).Scan(&pair).Error; err != nil || len(pair) != 1 {
			t.Fatalf("a volunteer and another community's task: %v %v", pair, err)
		}
		day := now.Add(-48 * time.Hour)
		for _, h := range []*app.HoursEntry{
			{VolunteerID: pair[0].VolunteerID, TaskID: &pair[0].TaskID, Minutes: 45},
			{VolunteerID: pair[0].VolunteerID, Minutes: 30},
		} {
			h.Kind, h.Status, h.WorkDate, h.Activity, h.Reason, h.RecordedBy, h.CreatedAt = app.HoursCoordinator, app.HoursApproved, day, "补录", "补录", 1, now
			if err := s.CreateHours(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
		var comms []int64
		if err := db.Raw("SELECT id FROM communities ORDER BY id").Scan(&comms).Error; err != nil {
			t.Fatal(err)
		}
		from := now.AddDate(-1, 0, 0)
		for _, id := range comms {
			raw, err := s.DashboardFigures(ctx, []int64{id}, from, now, now)
			if err != nil {
				t.Fatal(err)
			}
			var want struct{ Volunteers, Minutes int64 }
			if err := db.Raw(`SELECT COUNT(DISTINCT h.volunteer_id) AS volunteers, COALESCE(SUM(h.minutes), 0) AS minutes
				FROM hours_entries h JOIN volunteers v ON v.id = h.volunteer_id LEFT JOIN tasks t ON t.id = h.task_id
				WHERE h.status = 'approved' AND h.work_date >= ? AND h.work_date < ?
				AND ((h.task_id IS NOT NULL AND t.community_id = ?) OR (h.task_id IS NULL AND v.community_id = ?))`, from, now, id, id).Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			if int64(raw.Volunteers) != want.Volunteers || raw.Minutes != want.Minutes || want.Minutes == 0 {
				t.Errorf("community %d dashboard hours on %s: %d volunteers, %d minutes; recount %d, %d",
					id, apptest.Dialect(), raw.Volunteers, raw.Minutes, want.Volunteers, want.Minutes)
			}
		}
		var money []string
		if err := db.Raw("SELECT raised || '/' || matched || '/' || donors || '/' || status FROM campaigns ORDER BY id").Scan(&money).Error; err != nil {
			t.Fatal(err)
		}
		entries := count("SELECT COUNT(*) FROM ledger_entries")
		minutes := count("SELECT COALESCE(SUM(minutes), 0) FROM hours_entries WHERE status = 'approved'")
		return fmt.Sprint(sum, titles, money, entries, minutes)
	}
	if a, b := fingerprint(), fingerprint(); a != b {
		t.Errorf("two towns from one clock differ:\n%s\n%s", a, b)
	}
}
