package store

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/migrations"
)

// DashboardFigures aggregates every dashboard figure of the communities over [start, end):
// each is one grouped query (docs/metrics.md names the tables and formulas), so the cost
// grows with the number of grids, not of needs, hours or gifts. Migration 00021 gives each
// needs query an index it can answer from alone (docs/perf.md, "Dashboards on a city").
func (s *Store) DashboardFigures(ctx context.Context, ids []int64, start, end, now time.Time) (*app.DashboardRaw, error) {
	out := &app.DashboardRaw{}
	start, end, now = start.UTC(), end.UTC(), now.UTC()
	resolved := []string{app.NeedResolved, app.NeedClosed}
	open := []string{app.NeedOpen, app.NeedInProgress}
	// Each step is one query writing its own fields of out, so on PostgreSQL and outside a
	// transaction they run at once on the read pool: a city roll-up is the sum of the steps'
	// waits otherwise.
	steps := []struct {
		what string
		run  func(db *gorm.DB) error
	}{
		{"needs", func(db *gorm.DB) error {
			err := db.Raw(`SELECT grid_id, community_id, tier, COUNT(*) AS filed,`+
				` SUM(CASE WHEN resolved_at IS NOT NULL AND status IN ? THEN 1 ELSE 0 END) AS resolved,`+
				` SUM(CASE WHEN resolved_at IS NOT NULL AND status IN ? AND resolved_at <= due_at THEN 1 ELSE 0 END) AS on_time`+
				` FROM needs WHERE community_id IN ? AND created_at >= ? AND created_at < ? GROUP BY grid_id, community_id, tier`,
				resolved, resolved, ids, start, end).Scan(&out.Needs).Error
			return err
		}},
		{"median resolve time", func(db *gorm.DB) error {
			var err error
			// The median resolve time, computed by the database so a city's 300,000 resolve times
			// never travel to the application: PostgreSQL's percentile_cont, and on SQLite the middle
			// one or two of the ordered hours (LIMIT/OFFSET), averaged, as percentile_cont(0.5) does.
			var med struct{ Median *float64 }
			resolvedIn := ` FROM needs WHERE community_id IN ? AND created_at >= ? AND created_at < ? AND resolved_at IS NOT NULL AND status IN ?`
			if s.dialect == migrations.Postgres {
				err = db.Raw(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM resolved_at - created_at)) / 3600 AS median`+resolvedIn,
					ids, start, end, resolved).Scan(&med).Error
			} else {
				err = db.Raw(`WITH r AS (SELECT (unixepoch(resolved_at, 'subsec') - unixepoch(created_at, 'subsec')) / 3600.0 AS h`+resolvedIn+`)`+
					` SELECT AVG(h) AS median FROM (SELECT h FROM r ORDER BY h LIMIT 2 - (SELECT COUNT(*) FROM r) % 2 OFFSET (SELECT (COUNT(*) - 1) / 2 FROM r)) m`,
					ids, start, end, resolved).Scan(&med).Error
			}
			out.MedianResolveHours = med.Median
			return err
		}},
		{"grids", func(db *gorm.DB) error {
			err := db.Raw(`SELECT g.id AS grid_id, g.community_id, g.name, g.households,`+
				` (SELECT COUNT(*) FROM (SELECT g.worker_id AS u WHERE g.worker_id IS NOT NULL`+
				`   UNION SELECT m.user_id FROM memberships m WHERE m.role = ? AND m.grid_id = g.id) w) AS workers,`+
				` (SELECT COUNT(*) FROM needs n WHERE n.grid_id = g.id AND n.status IN ?) AS open_now,`+
				` (SELECT COUNT(*) FROM needs n WHERE n.grid_id = g.id AND n.status IN ? AND n.due_at < ?) AS overdue_now`+
				` FROM grids g WHERE g.community_id IN ? ORDER BY g.community_id, g.id`,
				app.RoleGridWorker, open, open, now, ids).Scan(&out.Grids).Error
			return err
		}},
		{"escalations", func(db *gorm.DB) error {
			var err error
			var n struct{ N int64 }
			err = db.Raw(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'need.escalated' AND community_id IN ? AND occurred_at >= ? AND occurred_at < ?`,
				ids, start, end).Scan(&n).Error
			out.Escalations = int(n.N)
			return err
		}},
		{"social money", func(db *gorm.DB) error {
			var err error
			// Social money: gifts into the communities' campaigns (donations accounts), net of
			// refunds, dated by their ledger transaction; disbursements also debit donations and are
			// not counted.
			err = db.Raw(`SELECT COALESCE(SUM(CASE WHEN e.side = 'credit' THEN e.amount ELSE -e.amount END), 0) AS social`+
				` FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id JOIN funds f ON f.id = e.fund_id`+
				` WHERE f.community_id IN ? AND e.account_kind = ? AND t.kind IN ? AND t.created_at >= ? AND t.created_at < ?`,
				ids, string(funds.AccountDonations), []string{string(funds.TxContributionSucceeded), string(funds.TxContributionRefunded)}, start, end).Scan(&out.Social).Error
			return err
		}},
		{"government money", func(db *gorm.DB) error {
			var err error
			// Government money: what government pools set aside for matches and awards (debits of
			// the pool's credit-normal available account in match_reserved), net of what came back
			// to it (credits in match_released), dated by the transaction.
			err = db.Raw(`SELECT COALESCE(SUM(CASE WHEN e.side = 'debit' THEN e.amount ELSE -e.amount END), 0) AS government`+
				` FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id JOIN funds f ON f.id = e.fund_id`+
				` JOIN fund_pools p ON p.id = e.pool_id`+
				` WHERE f.community_id IN ? AND p.source = 'government' AND e.account_kind = ? AND t.kind IN ? AND t.created_at >= ? AND t.created_at < ?`,
				ids, string(funds.AccountPoolAvailable), []string{string(funds.TxMatchReserved), string(funds.TxMatchReleased)}, start, end).Scan(&out.Government).Error
			return err
		}},
		{"volunteers", func(db *gorm.DB) error {
			var err error
			var vol struct {
				Volunteers int
				Minutes    int64
			}
			// Hours count where their task is, or, without a task, where the volunteer is. The
			// two halves are asked apart, each through an index (tasks by community, then
			// hours by task; task-less hours, then the volunteer): one condition on
			// COALESCE(task's community, volunteer's community) can use none, and read the
			// city's every hours entry for one community (docs/perf/city-funds.md).
			err = db.Raw(`SELECT COUNT(DISTINCT x.volunteer_id) AS volunteers, COALESCE(SUM(x.minutes), 0) AS minutes FROM (`+
				`SELECT h.volunteer_id, h.minutes FROM hours_entries h JOIN tasks t ON t.id = h.task_id JOIN volunteers v ON v.id = h.volunteer_id`+
				` WHERE h.status = ? AND t.community_id IN ? AND h.work_date >= ? AND h.work_date < ?`+
				` UNION ALL SELECT h.volunteer_id, h.minutes FROM hours_entries h JOIN volunteers v ON v.id = h.volunteer_id`+
				` WHERE h.status = ? AND h.task_id IS NULL AND v.community_id IN ? AND h.work_date >= ? AND h.work_date < ?) x`,
				app.HoursApproved, ids, start, end, app.HoursApproved, ids, start, end).Scan(&vol).Error
			out.Volunteers, out.Minutes, out.VolunteersActive = vol.Volunteers, vol.Minutes, vol.Volunteers
			return err
		}},
		{"linkage", func(db *gorm.DB) error {
			var err error
			var parts struct{ Workers, Orgs, SocialWorkers, Donors int }
			err = db.Raw(`SELECT`+
				` (SELECT COUNT(*) FROM needs WHERE community_id IN ? AND resolved_at >= ? AND resolved_at < ?) AS workers,`+
				` (SELECT COUNT(*) FROM (SELECT r.organization_id FROM tender_results r JOIN tenders t ON t.id = r.tender_id`+
				`   WHERE r.won = ? AND t.community_id IN ? AND r.created_at >= ? AND r.created_at < ?`+
				`   UNION SELECT d.payee_organization_id FROM disbursements d JOIN funds f ON f.id = d.fund_id`+
				`   WHERE f.community_id IN ? AND d.paid_at >= ? AND d.paid_at < ?) o) AS orgs,`+
				` (SELECT COUNT(DISTINCT sw.id) FROM social_workers sw JOIN tender_results r ON r.organization_id = sw.organization_id`+
				`   JOIN tenders t ON t.id = r.tender_id WHERE r.won = ? AND t.community_id IN ? AND r.created_at >= ? AND r.created_at < ?) AS social_workers,`+
				` (SELECT COUNT(*) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id JOIN funds f ON f.id = e.fund_id`+
				`   WHERE f.community_id IN ? AND e.account_kind = ? AND t.kind = ? AND t.created_at >= ? AND t.created_at < ?) AS donors`,
				ids, start, end, true, ids, start, end, ids, start, end, true, ids, start, end,
				ids, string(funds.AccountDonations), string(funds.TxContributionSucceeded), start, end).Scan(&parts).Error
			out.WorkersResolved, out.OrgsEngaged, out.SocialWorkersIn, out.DonorsGave = parts.Workers, parts.Orgs, parts.SocialWorkers, parts.Donors
			return err
		}},
	}
	run := func(what string, fn func(*gorm.DB) error) error {
		if err := fn(s.rdb(ctx)); err != nil {
			return fmt.Errorf("dashboard %s: %w", what, translate(err, "need"))
		}
		return nil
	}
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx || s.dialect != migrations.Postgres {
		for _, st := range steps {
			if err := run(st.what, st.run); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	// At most four at once, so a few roll-ups together leave the pool room for other requests.
	g := new(errgroup.Group)
	g.SetLimit(4)
	for _, st := range steps {
		g.Go(func() error { return run(st.what, st.run) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
