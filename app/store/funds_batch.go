package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/migrations"
)

// The bulk statements of a batch of gifts (app/funds_batch.go): each reads or writes the rows
// of every gift in the batch at once, so a batch of fifty gifts costs a dozen statements and
// one commit instead of six hundred statements and fifty commits.

// batchChunk bounds the rows of one multi-row INSERT, far below either database's limit on
// bound parameters (PostgreSQL 65,535; SQLite 32,766).
const batchChunk = 400

func sortedIDs(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// idIn is the condition "col is one of ids" with its argument. On PostgreSQL the ids go as
// one array parameter, so the statement's text is the same whatever their number: pgx
// prepares it once per connection and PostgreSQL parses it once, where "IN (?, ?, …)" would
// be a new statement, prepared and planned afresh, for every batch size.
func (s *Store) idIn(col string, ids []int64) (string, any) {
	if s.dialect == migrations.Postgres {
		return col + " = ANY(?)", pgArray(ids)
	}
	return col + " IN ?", ids
}

// pgArray passes a slice as one PostgreSQL array parameter; gorm would expand a plain slice
// into a list of placeholders.
func pgArray[T any](xs []T) pgtype.Array[T] {
	a := pgtype.Array[T]{Elements: xs, Valid: true}
	if len(xs) > 0 {
		a.Dims = []pgtype.ArrayDimension{{Length: int32(len(xs)), LowerBound: 1}}
	}
	return a
}

// column is one column of n rows as one PostgreSQL array parameter.
func column[T any](n int, f func(i int) T) pgtype.Array[T] {
	xs := make([]T, n)
	for i := range xs {
		xs[i] = f(i)
	}
	return pgArray(xs)
}

// unnest is "unnest(CAST(? AS T[]), …)": rows passed as one array per column, each of the
// given type, so a statement writing any number of rows has one text.
func unnest(types ...string) string {
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = "CAST(? AS " + t + "[])"
	}
	return "unnest(" + strings.Join(parts, ", ") + ")"
}

// pgFreshPlan runs a PostgreSQL query written with $n placeholders on the context's
// transaction, calling row for each row, planned for the tables as they are now. pgx's
// describe-only cache (QueryExecModeCacheDescribe) leaves the statement unnamed, so
// PostgreSQL plans it on every run; a prepared statement would settle on a generic plan
// after five runs and keep it, and one made while the table was nearly empty (a new
// database on a giving day's morning) scans the whole table once it holds a day's rows.
// Only the lookups on tables that start empty need it: a plan per run for every statement
// would also replan each foreign-key check.
func (s *Store) pgFreshPlan(ctx context.Context, query string, args []any, row func(scan func(...any) error) error) error {
	rows, err := s.db(ctx).Statement.ConnPool.QueryContext(ctx, query, append([]any{pgx.QueryExecModeCacheDescribe}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// LockCampaigns loads campaigns and locks their rows in id order, so two batches (or a batch
// and a single gift) never wait for each other in a circle. It reads each campaign's project
// category and community kind (what match multipliers look at) in the same statement.
func (s *Store) LockCampaigns(ctx context.Context, ids []int64) (map[int64]*app.Campaign, map[int64]app.CampaignFacts, error) {
	var rows []struct {
		app.Campaign  `gorm:"embedded"`
		WusheCategory string
		WusheKind     string
	}
	q := s.db(ctx).Table("campaigns").
		Select("campaigns.*, projects.category AS wushe_category, communities.kind AS wushe_kind").
		Joins("JOIN projects ON projects.id = campaigns.project_id").
		Joins("JOIN communities ON communities.id = projects.community_id").
		Where(s.idIn("campaigns.id", sortedIDs(ids))).Order("campaigns.id")
	if s.dialect == migrations.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "campaigns"}})
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, nil, translate(err, "campaign")
	}
	out := make(map[int64]*app.Campaign, len(rows))
	facts := make(map[int64]app.CampaignFacts, len(rows))
	for i := range rows {
		c := rows[i].Campaign
		out[c.ID] = &c
		facts[c.ID] = app.CampaignFacts{Category: rows[i].WusheCategory, CommunityKind: rows[i].WusheKind}
	}
	return out, facts, nil
}

// LockContributions loads contributions and locks their rows in id order.
func (s *Store) LockContributions(ctx context.Context, ids []int64) (map[int64]*app.Contribution, error) {
	var rows []*app.Contribution
	if err := s.forUpdate(s.db(ctx)).Where(s.idIn("id", sortedIDs(ids))).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err, "contribution")
	}
	out := make(map[int64]*app.Contribution, len(rows))
	for _, c := range rows {
		out[c.ID] = c
	}
	return out, nil
}

// FindPaymentEventIDs reports which of the event ids are already stored.
func (s *Store) FindPaymentEventIDs(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	if s.dialect != migrations.Postgres {
		var found []string
		if err := s.db(ctx).Model(&app.PaymentEvent{}).Where("event_id IN ?", ids).Pluck("event_id", &found).Error; err != nil {
			return nil, translate(err, "payment event")
		}
		for _, id := range found {
			out[id] = true
		}
		return out, nil
	}
	err := s.pgFreshPlan(ctx, "SELECT event_id FROM payment_events WHERE event_id = ANY($1)", []any{ids}, func(scan func(...any) error) error {
		var id string
		if err := scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	})
	if err != nil {
		return nil, translate(err, "payment event")
	}
	return out, nil
}

// FindCampaignDonors loads donors' totals in campaigns; missing pairs come back as zero rows.
func (s *Store) FindCampaignDonors(ctx context.Context, keys []app.CampaignDonorKey) (map[app.CampaignDonorKey]*app.CampaignDonor, error) {
	out := make(map[app.CampaignDonorKey]*app.CampaignDonor, len(keys))
	byCampaign := map[int64][]string{}
	for _, k := range keys {
		if _, ok := out[k]; ok {
			continue
		}
		out[k] = &app.CampaignDonor{CampaignID: k.CampaignID, DonorKey: k.DonorKey}
		byCampaign[k.CampaignID] = append(byCampaign[k.CampaignID], k.DonorKey)
	}
	if len(byCampaign) == 0 {
		return out, nil
	}
	if s.dialect == migrations.Postgres {
		var camps []int64
		var donors []string
		for id, ds := range byCampaign {
			for _, d := range ds {
				camps, donors = append(camps, id), append(donors, d)
			}
		}
		err := s.pgFreshPlan(ctx, "SELECT campaign_id, donor_key, gifts, counted, eligible FROM campaign_donors "+
			"WHERE (campaign_id, donor_key) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))", []any{camps, donors},
			func(scan func(...any) error) error {
				var r app.CampaignDonor
				if err := scan(&r.CampaignID, &r.DonorKey, &r.Gifts, &r.Counted, &r.Eligible); err != nil {
					return err
				}
				out[app.CampaignDonorKey{CampaignID: r.CampaignID, DonorKey: r.DonorKey}] = &r
				return nil
			})
		return out, translate(err, "donor")
	}
	var conds []string
	var args []any
	for id, ds := range byCampaign {
		conds = append(conds, "(campaign_id = ? AND donor_key IN ?)")
		args = append(args, id, ds)
	}
	var rows []*app.CampaignDonor
	if err := s.db(ctx).Model(&app.CampaignDonor{}).Where(strings.Join(conds, " OR "), args...).Find(&rows).Error; err != nil {
		return nil, translate(err, "donor")
	}
	for _, r := range rows {
		out[app.CampaignDonorKey{CampaignID: r.CampaignID, DonorKey: r.DonorKey}] = r
	}
	return out, nil
}

// createPaymentEvents stores several event ids in one statement.
func (s *Store) createPaymentEvents(ctx context.Context, es []*app.PaymentEvent) error {
	if len(es) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(es, batchChunk).Error, "payment event")
}

// CreateMatches inserts several matches, filling their ids.
func (s *Store) CreateMatches(ctx context.Context, ms []*app.FundMatch) error {
	if len(ms) == 0 {
		return nil
	}
	if s.dialect != migrations.Postgres {
		return translate(s.db(ctx).CreateInBatches(ms, batchChunk).Error, "match")
	}
	n := len(ms)
	var ids []struct{ ID, ContributionID int64 }
	err := s.db(ctx).Raw("INSERT INTO fund_matches (contribution_id, campaign_id, pool_id, rule_version, status, counted, amount, releases, created_at, updated_at) "+
		"SELECT * FROM "+unnest("BIGINT", "BIGINT", "BIGINT", "INTEGER", "TEXT", "BIGINT", "BIGINT", "INTEGER", "TIMESTAMPTZ", "TIMESTAMPTZ")+
		" RETURNING id, contribution_id",
		column(n, func(i int) int64 { return ms[i].ContributionID }),
		column(n, func(i int) int64 { return ms[i].CampaignID }),
		column(n, func(i int) int64 { return ms[i].PoolID }),
		column(n, func(i int) int { return ms[i].RuleVersion }),
		column(n, func(i int) string { return ms[i].Status }),
		column(n, func(i int) int64 { return ms[i].Counted }),
		column(n, func(i int) int64 { return ms[i].Amount }),
		column(n, func(i int) int { return ms[i].Releases }),
		column(n, func(i int) time.Time { return ms[i].CreatedAt }),
		column(n, func(i int) time.Time { return ms[i].UpdatedAt }),
	).Scan(&ids).Error
	if err != nil {
		return translate(err, "match")
	}
	if len(ids) != len(ms) {
		return fmt.Errorf("create matches: %d of %d rows", len(ids), len(ms))
	}
	byContribution := make(map[int64]int64, len(ids))
	for _, r := range ids {
		byContribution[r.ContributionID] = r.ID
	}
	for _, m := range ms {
		m.ID = byContribution[m.ContributionID]
	}
	return nil
}

// PostLedgers stores several validated transactions and their entries: one multi-row insert
// for the transactions, one for all their entries.
func (s *Store) PostLedgers(ctx context.Context, ts []*app.LedgerTransaction) error {
	if len(ts) == 0 {
		return nil
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.db(ctx).CreateInBatches(ts, batchChunk).Error; err != nil {
			return translate(err, "ledger transaction")
		}
		var entries []*app.LedgerEntry
		for _, t := range ts {
			for i := range t.Entries {
				t.Entries[i].TransactionID, t.Entries[i].FundID = t.ID, t.FundID
				entries = append(entries, &t.Entries[i])
			}
		}
		return translate(s.db(ctx).CreateInBatches(entries, batchChunk).Error, "ledger entry")
	})
}

// SaveCampaignDonors inserts or updates several donors' totals.
func (s *Store) SaveCampaignDonors(ctx context.Context, ds []*app.CampaignDonor) error {
	if len(ds) == 0 {
		return nil
	}
	err := s.db(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "campaign_id"}, {Name: "donor_key"}},
		DoUpdates: clause.AssignmentColumns([]string{"gifts", "counted", "eligible"}),
	}).CreateInBatches(ds, batchChunk).Error
	return translate(err, "donor")
}

// caseSet builds "col = CASE id WHEN ? THEN CAST(? AS typ) … END" for one column of a bulk
// update on SQLite (PostgreSQL's batch writes take arrays instead: giftBatchPG).
type caseSet struct {
	b    strings.Builder
	args []any
}

func (c *caseSet) column(name, typ string, ids []int64, val func(i int) any) {
	if c.b.Len() > 0 {
		c.b.WriteString(", ")
	}
	fmt.Fprintf(&c.b, "%s = CASE id", name)
	for i, id := range ids {
		fmt.Fprintf(&c.b, " WHEN ? THEN CAST(? AS %s)", typ)
		c.args = append(c.args, id, val(i))
	}
	c.b.WriteString(" END")
}

// updateCampaignTotals writes the counters a batch of gifts changed on each campaign (raised,
// donors and the match counters) in one statement. The campaigns stay open, so their search
// documents do not change.
func (s *Store) updateCampaignTotals(ctx context.Context, cs []*app.Campaign, now time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	var set caseSet
	set.column("raised", "BIGINT", ids, func(i int) any { return cs[i].Raised })
	set.column("donors", "INTEGER", ids, func(i int) any { return cs[i].Donors })
	set.column("matched", "BIGINT", ids, func(i int) any { return cs[i].Matched })
	set.column("counted", "BIGINT", ids, func(i int) any { return cs[i].Counted })
	set.column("pending_counted", "BIGINT", ids, func(i int) any { return cs[i].PendingCounted })
	set.column("eligible_raised", "BIGINT", ids, func(i int) any { return cs[i].EligibleRaised })
	set.column("eligible_donors", "INTEGER", ids, func(i int) any { return cs[i].EligibleDonors })
	set.column("unlocked", "INTEGER", ids, func(i int) any { return cs[i].Unlocked })
	res := s.db(ctx).Exec("UPDATE campaigns SET "+set.b.String()+", updated_at = ? WHERE id IN ?", append(set.args, now, ids)...)
	if res.Error != nil {
		return translate(res.Error, "campaign")
	}
	if res.RowsAffected != int64(len(cs)) {
		return fmt.Errorf("update campaign totals: %d of %d rows", res.RowsAffected, len(cs))
	}
	return nil
}

// markContributionsPaid records that a batch of pending card gifts succeeded at `at`: their
// status, whether each was eligible for a match, the payment intent each event named, and
// its receipt code.
func (s *Store) markContributionsPaid(ctx context.Context, cs []*app.Contribution, at time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	var set caseSet
	set.column("eligible", "INTEGER", ids, func(i int) any { return cs[i].Eligible })
	set.column("payment_intent_id", "TEXT", ids, func(i int) any { return cs[i].PaymentIntentID })
	set.column("receipt_code", "TEXT", ids, func(i int) any { return cs[i].ReceiptCode })
	res := s.db(ctx).Exec("UPDATE contributions SET status = 'succeeded', "+set.b.String()+", succeeded_at = ?, updated_at = ? WHERE id IN ?", append(set.args, at, at, ids)...)
	if res.Error != nil {
		return translate(res.Error, "contribution")
	}
	if res.RowsAffected != int64(len(cs)) {
		return fmt.Errorf("mark contributions paid: %d of %d rows", res.RowsAffected, len(cs))
	}
	return nil
}

// WriteGiftBatch writes a batch's effects. On PostgreSQL they go as one statement (data-
// modifying CTEs), so a batch costs one round trip for its writes whatever its size; SQLite
// runs in process, where a statement costs no round trip, and writes table by table.
func (s *Store) WriteGiftBatch(ctx context.Context, w app.GiftBatchWrites) (bool, error) {
	if s.dialect == migrations.Postgres {
		return s.writeGiftBatchPG(ctx, w)
	}
	ok := true
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.createPaymentEvents(ctx, w.Events); err != nil {
			return err
		}
		if err := s.PostLedgers(ctx, w.Ledger); err != nil {
			return err
		}
		if err := s.SaveCampaignDonors(ctx, w.Donors); err != nil {
			return err
		}
		if err := s.updateCampaignTotals(ctx, w.Campaigns, w.Now); err != nil {
			return err
		}
		if err := s.markContributionsPaid(ctx, w.Paid, w.Now); err != nil {
			return err
		}
		for _, id := range sortedIDs(mapKeys(w.PoolTakes)) {
			reserved, err := s.ReservePool(ctx, id, w.PoolTakes[id])
			if err != nil {
				return err
			}
			if !reserved {
				ok = false
				return nil
			}
		}
		return nil
	})
	return ok && err == nil, err
}

func mapKeys(m map[int64]int64) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// giftBatchPG is WriteGiftBatch as one PostgreSQL statement: each table's writes are a
// data-modifying CTE (they all run, in one snapshot, touching different tables), the ledger
// entries find their transactions' ids by key from the transactions' RETURNING, and the final
// SELECT counts what each conditional write touched. Every row comes in arrays, one per
// column, so the text never changes: pgx prepares it once per connection and PostgreSQL
// parses it once, however many gifts a batch holds. The pools' update comes last.
var giftBatchPG = "WITH ev AS (INSERT INTO payment_events (provider, event_id, event_type, contribution_id, outcome, received_at) " +
	"SELECT * FROM " + unnest("TEXT", "TEXT", "TEXT", "BIGINT", "TEXT", "TIMESTAMPTZ") + " RETURNING 1), " +
	"tx AS (INSERT INTO ledger_transactions (fund_id, kind, ref, tx_key, memo, actor_id, created_at) " +
	"SELECT * FROM " + unnest("BIGINT", "TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "TIMESTAMPTZ") + " RETURNING id, tx_key), " +
	"en AS (INSERT INTO ledger_entries (transaction_id, fund_id, account, account_kind, pool_id, campaign_id, source, channel, side, amount, currency) " +
	"SELECT tx.id, v.fund_id, v.account, v.account_kind, v.pool_id, v.campaign_id, v.source, v.channel, v.side, v.amount, v.currency FROM " +
	unnest("TEXT", "BIGINT", "TEXT", "TEXT", "BIGINT", "BIGINT", "TEXT", "TEXT", "TEXT", "BIGINT", "TEXT") +
	" AS v (tx_key, fund_id, account, account_kind, pool_id, campaign_id, source, channel, side, amount, currency) JOIN tx ON tx.tx_key = v.tx_key RETURNING 1), " +
	"cd AS (INSERT INTO campaign_donors (campaign_id, donor_key, gifts, counted, eligible) " +
	"SELECT * FROM " + unnest("BIGINT", "TEXT", "INTEGER", "BIGINT", "BIGINT") +
	" ON CONFLICT (campaign_id, donor_key) DO UPDATE SET gifts = EXCLUDED.gifts, counted = EXCLUDED.counted, eligible = EXCLUDED.eligible RETURNING 1), " +
	"cu AS (UPDATE campaigns SET raised = v.raised, donors = v.donors, matched = v.matched, counted = v.counted, pending_counted = v.pending_counted, " +
	"eligible_raised = v.eligible_raised, eligible_donors = v.eligible_donors, unlocked = v.unlocked, updated_at = ? FROM " +
	unnest("BIGINT", "BIGINT", "INTEGER", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "INTEGER", "BOOLEAN") +
	" AS v (id, raised, donors, matched, counted, pending_counted, eligible_raised, eligible_donors, unlocked) WHERE campaigns.id = v.id RETURNING 1), " +
	"co AS (UPDATE contributions SET status = 'succeeded', eligible = v.eligible, payment_intent_id = v.payment_intent_id, receipt_code = v.receipt_code, " +
	"succeeded_at = ?, updated_at = ? FROM " + unnest("BIGINT", "BOOLEAN", "TEXT", "TEXT") +
	" AS v (id, eligible, payment_intent_id, receipt_code) WHERE contributions.id = v.id RETURNING 1), " +
	"po AS (UPDATE fund_pools SET available = fund_pools.available - v.take FROM " + unnest("BIGINT", "BIGINT") +
	" AS v (id, take) WHERE fund_pools.id = v.id AND fund_pools.available >= v.take RETURNING 1) " +
	"SELECT (SELECT count(*) FROM ev), (SELECT count(*) FROM tx), (SELECT count(*) FROM en), (SELECT count(*) FROM cd), " +
	"(SELECT count(*) FROM cu), (SELECT count(*) FROM co), (SELECT count(*) FROM po)"

// writeGiftBatchPG runs giftBatchPG.
func (s *Store) writeGiftBatchPG(ctx context.Context, w app.GiftBatchWrites) (bool, error) {
	type entry struct {
		key    string
		fundID int64
		e      *app.LedgerEntry
	}
	var entries []entry
	for _, t := range w.Ledger {
		for i := range t.Entries {
			entries = append(entries, entry{t.TxKey, t.FundID, &t.Entries[i]})
		}
	}
	ev, tx, en, cd, cu, co := w.Events, w.Ledger, entries, w.Donors, w.Campaigns, w.Paid
	pools := sortedIDs(mapKeys(w.PoolTakes))
	args := []any{
		column(len(ev), func(i int) string { return ev[i].Provider }),
		column(len(ev), func(i int) string { return ev[i].EventID }),
		column(len(ev), func(i int) string { return ev[i].EventType }),
		column(len(ev), func(i int) *int64 { return ev[i].ContributionID }),
		column(len(ev), func(i int) string { return ev[i].Outcome }),
		column(len(ev), func(i int) time.Time { return ev[i].ReceivedAt }),

		column(len(tx), func(i int) int64 { return tx[i].FundID }),
		column(len(tx), func(i int) string { return tx[i].Kind }),
		column(len(tx), func(i int) string { return tx[i].Ref }),
		column(len(tx), func(i int) string { return tx[i].TxKey }),
		column(len(tx), func(i int) string { return tx[i].Memo }),
		column(len(tx), func(i int) *int64 { return tx[i].ActorID }),
		column(len(tx), func(i int) time.Time { return tx[i].CreatedAt }),

		column(len(en), func(i int) string { return en[i].key }),
		column(len(en), func(i int) int64 { return en[i].fundID }),
		column(len(en), func(i int) string { return en[i].e.Account }),
		column(len(en), func(i int) string { return en[i].e.AccountKind }),
		column(len(en), func(i int) *int64 { return en[i].e.PoolID }),
		column(len(en), func(i int) *int64 { return en[i].e.CampaignID }),
		column(len(en), func(i int) string { return en[i].e.Source }),
		column(len(en), func(i int) string { return en[i].e.Channel }),
		column(len(en), func(i int) string { return en[i].e.Side }),
		column(len(en), func(i int) int64 { return en[i].e.Amount }),
		column(len(en), func(i int) string { return en[i].e.Currency }),

		column(len(cd), func(i int) int64 { return cd[i].CampaignID }),
		column(len(cd), func(i int) string { return cd[i].DonorKey }),
		column(len(cd), func(i int) int { return cd[i].Gifts }),
		column(len(cd), func(i int) int64 { return cd[i].Counted }),
		column(len(cd), func(i int) int64 { return cd[i].Eligible }),

		w.Now,
		column(len(cu), func(i int) int64 { return cu[i].ID }),
		column(len(cu), func(i int) int64 { return cu[i].Raised }),
		column(len(cu), func(i int) int { return cu[i].Donors }),
		column(len(cu), func(i int) int64 { return cu[i].Matched }),
		column(len(cu), func(i int) int64 { return cu[i].Counted }),
		column(len(cu), func(i int) int64 { return cu[i].PendingCounted }),
		column(len(cu), func(i int) int64 { return cu[i].EligibleRaised }),
		column(len(cu), func(i int) int { return cu[i].EligibleDonors }),
		column(len(cu), func(i int) bool { return cu[i].Unlocked }),

		w.Now, w.Now,
		column(len(co), func(i int) int64 { return co[i].ID }),
		column(len(co), func(i int) bool { return co[i].Eligible }),
		column(len(co), func(i int) *string { return co[i].PaymentIntentID }),
		column(len(co), func(i int) *string { return co[i].ReceiptCode }),

		pgArray(pools),
		column(len(pools), func(i int) int64 { return w.PoolTakes[pools[i]] }),
	}
	wants := []int{len(ev), len(tx), len(en), len(cd), len(cu), len(co), len(pools)}
	row := make([]int64, len(wants))
	dest := make([]any, len(row))
	for i := range row {
		dest[i] = &row[i]
	}
	err := s.InTx(ctx, func(ctx context.Context) error {
		r := s.db(ctx).Raw(giftBatchPG, args...).Row()
		if err := r.Err(); err != nil {
			return err
		}
		return r.Scan(dest...)
	})
	if err != nil {
		return false, translate(err, "gift batch")
	}
	// Fewer pools updated than named means a pool held less than the batch takes (another
	// process took it); any other shortfall is a bug.
	names := []string{"events", "ledger transactions", "ledger entries", "donors", "campaigns", "contributions", "pools"}
	for i, n := range wants {
		if row[i] == int64(n) {
			continue
		}
		if i == len(wants)-1 {
			return false, nil
		}
		return false, fmt.Errorf("write gift batch: %s: wrote %d of %d rows", names[i], row[i], n)
	}
	return true, nil
}
