package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/migrations"
)

// Department exports (app/exports.go): each method reads one template's rows through a
// database cursor and hands them to fn one at a time in a reused value, so a year of a
// city's records never sits in memory.

// flexTime scans a timestamp however the driver returns it: a time.Time from a column, text
// from SQLite's aggregates (MIN/MAX lose the column's type there), or NULL.
type flexTime struct {
	T     time.Time
	Valid bool
}

var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"}

// Scan implements sql.Scanner.
func (f *flexTime) Scan(src any) error {
	f.Valid = src != nil
	switch v := src.(type) {
	case nil:
		f.T = time.Time{}
	case time.Time:
		f.T = v
	case string:
		return f.parse(v)
	case []byte:
		return f.parse(string(v))
	default:
		return fmt.Errorf("flexTime: cannot scan %T", src)
	}
	return nil
}

func (f *flexTime) parse(s string) error {
	for _, l := range sqliteTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			f.T = t
			return nil
		}
	}
	return fmt.Errorf("flexTime: cannot parse %q", s)
}

func (f *flexTime) ptr() *time.Time {
	if !f.Valid {
		return nil
	}
	t := f.T
	return &t
}

// eachRow runs query and calls scan for every row, then checks the cursor's error.
func (s *Store) eachRow(ctx context.Context, kind, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.rdb(ctx).Raw(query, args...).Rows()
	if err != nil {
		return translate(err, kind)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return translate(rows.Err(), kind)
}

// inIDs keeps an IN list valid when a street has no communities.
func inIDs(ids []int64) []int64 {
	if len(ids) == 0 {
		return []int64{0}
	}
	return ids
}

// ExportVolunteerTotals sums each volunteer's approved hours in the period.
func (s *Store) ExportVolunteerTotals(ctx context.Context, q app.ExportScope, fn func(*app.ExportVolunteerTotal) error) error {
	var r app.ExportVolunteerTotal
	var first, last flexTime
	return s.eachRow(ctx, "volunteer", `SELECT v.id, v.name, COALESCE(v.mobile, ''), c.name, COALESCE(g.name, ''), COUNT(*), SUM(h.minutes), MIN(h.work_date), MAX(h.work_date)
		FROM hours_entries h JOIN volunteers v ON v.id = h.volunteer_id JOIN communities c ON c.id = v.community_id LEFT JOIN grids g ON g.id = v.grid_id
		WHERE v.community_id IN ? AND h.status = ? AND h.work_date >= ? AND h.work_date < ?
		GROUP BY v.id, v.name, v.mobile, c.name, g.name ORDER BY v.id`,
		[]any{inIDs(q.CommunityIDs), app.HoursApproved, q.Start, q.End}, func(rows *sql.Rows) error {
			if err := rows.Scan(&r.VolunteerID, &r.Name, &r.Mobile, &r.Community, &r.Grid, &r.Entries, &r.Minutes, &first, &last); err != nil {
				return translate(err, "volunteer")
			}
			r.FirstDate, r.LastDate = first.T, last.T
			return fn(&r)
		})
}

// ExportHours reads approved hours entries of the communities' volunteers in the period.
func (s *Store) ExportHours(ctx context.Context, q app.ExportScope, fn func(*app.ExportHoursRow) error) error {
	var r app.ExportHoursRow
	var work, decided flexTime
	return s.eachRow(ctx, "hours", `SELECT h.id, v.id, v.name, COALESCE(v.mobile, ''), c.name, COALESCE(t.title, ''), h.activity, h.kind, h.work_date, h.minutes, h.decided_at
		FROM hours_entries h JOIN volunteers v ON v.id = h.volunteer_id JOIN communities c ON c.id = v.community_id LEFT JOIN tasks t ON t.id = h.task_id
		WHERE v.community_id IN ? AND h.status = ? AND h.work_date >= ? AND h.work_date < ?
		ORDER BY h.work_date, h.id`,
		[]any{inIDs(q.CommunityIDs), app.HoursApproved, q.Start, q.End}, func(rows *sql.Rows) error {
			if err := rows.Scan(&r.ID, &r.VolunteerID, &r.Name, &r.Mobile, &r.Community, &r.Task, &r.Activity, &r.Kind, &work, &r.Minutes, &decided); err != nil {
				return translate(err, "hours")
			}
			r.WorkDate, r.DecidedAt = work.T, decided.ptr()
			return fn(&r)
		})
}

// ExportOrganizations reads the organizations based in the communities (and, for a street,
// those serving the whole street), each once per contract won in the period or once without.
func (s *Store) ExportOrganizations(ctx context.Context, q app.ExportScope, fn func(*app.ExportOrgRow) error) error {
	var r app.ExportOrgRow
	var awarded, from, to flexTime
	var contract sql.NullString
	var price sql.NullInt64
	street := q.StreetID
	if street == 0 {
		street = -1
	}
	return s.eachRow(ctx, "organization", `SELECT o.id, o.name, o.kind, o.registration_number, COALESCE(c.name, ''), o.verified,
			w.title, w.price, w.awarded_at, w.period_start, w.period_end
		FROM organizations o LEFT JOIN communities c ON c.id = o.community_id
		LEFT JOIN (SELECT tr.organization_id, t.title, b.price, t.awarded_at, t.period_start, t.period_end
			FROM tender_results tr JOIN tenders t ON t.id = tr.tender_id JOIN tender_bids b ON b.id = tr.bid_id
			WHERE tr.won = ? AND t.awarded_at >= ? AND t.awarded_at < ?) w ON w.organization_id = o.id
		WHERE o.community_id IN ? OR (o.community_id IS NULL AND o.street_id = ?)
		ORDER BY o.id, w.awarded_at`,
		[]any{true, q.Start, q.End, inIDs(q.CommunityIDs), street}, func(rows *sql.Rows) error {
			if err := rows.Scan(&r.ID, &r.Name, &r.Kind, &r.Credit, &r.Community, &r.Verified, &contract, &price, &awarded, &from, &to); err != nil {
				return translate(err, "organization")
			}
			r.Contract, r.Price = contract.String, nil
			if price.Valid {
				p := price.Int64
				r.Price = &p
			}
			r.AwardedAt, r.PeriodStart, r.PeriodEnd = awarded.ptr(), from.ptr(), to.ptr()
			return fn(&r)
		})
}

// ExportNeeds reads the needs filed in the period, by grid; needs of sensitive categories
// only when q.Sensitive.
func (s *Store) ExportNeeds(ctx context.Context, q app.ExportScope, fn func(*app.ExportNeedRow) error) error {
	var r app.ExportNeedRow
	var created, due, resolved flexTime
	where := ""
	args := []any{inIDs(q.CommunityIDs), q.Start, q.End}
	if !q.Sensitive {
		where = " AND n.sensitive = ?"
		args = append(args, false)
	}
	return s.eachRow(ctx, "need", `SELECT n.id, COALESCE(g.name, ''), c.name, n.title, n.category, n.tier, n.status, n.created_at, n.due_at, n.resolved_at
		FROM needs n JOIN communities c ON c.id = n.community_id LEFT JOIN grids g ON g.id = n.grid_id
		WHERE n.community_id IN ? AND n.created_at >= ? AND n.created_at < ?`+where+`
		ORDER BY c.name, g.name, n.grid_id, n.created_at, n.id`, args, func(rows *sql.Rows) error {
		if err := rows.Scan(&r.ID, &r.Grid, &r.Community, &r.Title, &r.Category, &r.Tier, &r.Status, &created, &due, &resolved); err != nil {
			return translate(err, "need")
		}
		r.CreatedAt, r.DueAt, r.ResolvedAt = created.T, due.T, resolved.ptr()
		return fn(&r)
	})
}

// ExportLedger reads the ledger entries of the communities' funds posted in the period.
func (s *Store) ExportLedger(ctx context.Context, q app.ExportScope, fn func(*app.ExportLedgerRow) error) error {
	var r app.ExportLedgerRow
	var at flexTime
	return s.eachRow(ctx, "ledger", `SELECT t.id, t.created_at, f.name, c.name, t.kind, t.ref, e.account, e.source, e.side, e.amount, e.currency
		FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id JOIN funds f ON f.id = e.fund_id JOIN communities c ON c.id = f.community_id
		WHERE f.community_id IN ? AND t.created_at >= ? AND t.created_at < ?
		ORDER BY t.id, e.id`, []any{inIDs(q.CommunityIDs), q.Start, q.End}, func(rows *sql.Rows) error {
		if err := rows.Scan(&r.TxID, &at, &r.Fund, &r.Community, &r.Kind, &r.Ref, &r.Account, &r.Source, &r.Side, &r.Amount, &r.Currency); err != nil {
			return translate(err, "ledger")
		}
		r.CreatedAt = at.T
		return fn(&r)
	})
}

// ExportDisbursements reads the disbursements of the communities' funds requested in the
// period, with the names and SHA-256 of their evidence files (never the files' bytes).
func (s *Store) ExportDisbursements(ctx context.Context, q app.ExportScope, fn func(*app.ExportDisbursementRow) error) error {
	var r app.ExportDisbursementRow
	var created, decided, paid flexTime
	var files sql.NullString
	agg := `string_agg(ev.file_name || ' (' || ev.sha256 || ')', '; ' ORDER BY ev.id)`
	if s.dialect == migrations.SQLite {
		agg = `group_concat(ev.file_name || ' (' || ev.sha256 || ')', '; ')`
	}
	return s.eachRow(ctx, "disbursement", `SELECT d.id, f.name, c.name, cp.title, o.name, d.amount, d.currency, d.purpose, d.status, d.created_at, d.decided_at, d.paid_at,
			(SELECT COUNT(*) FROM disbursement_evidences ev WHERE ev.disbursement_id = d.id),
			(SELECT `+agg+` FROM (SELECT id, file_name, sha256 FROM disbursement_evidences WHERE disbursement_id = d.id ORDER BY id) ev)
		FROM disbursements d JOIN funds f ON f.id = d.fund_id JOIN communities c ON c.id = f.community_id
		JOIN campaigns cp ON cp.id = d.campaign_id JOIN organizations o ON o.id = d.payee_organization_id
		WHERE f.community_id IN ? AND d.created_at >= ? AND d.created_at < ?
		ORDER BY d.id`, []any{inIDs(q.CommunityIDs), q.Start, q.End}, func(rows *sql.Rows) error {
		if err := rows.Scan(&r.ID, &r.Fund, &r.Community, &r.Campaign, &r.Payee, &r.Amount, &r.Currency, &r.Purpose, &r.Status,
			&created, &decided, &paid, &r.Evidence, &files); err != nil {
			return translate(err, "disbursement")
		}
		r.CreatedAt, r.DecidedAt, r.PaidAt, r.Files = created.T, decided.ptr(), paid.ptr(), strings.TrimSpace(files.String)
		return fn(&r)
	})
}
