package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

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
		Where("campaigns.id IN ?", sortedIDs(ids)).Order("campaigns.id")
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
	if err := s.forUpdate(s.db(ctx)).Where("id IN ?", sortedIDs(ids)).Order("id").Find(&rows).Error; err != nil {
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
	var found []string
	if err := s.db(ctx).Model(&app.PaymentEvent{}).Where("event_id IN ?", ids).Pluck("event_id", &found).Error; err != nil {
		return nil, translate(err, "payment event")
	}
	out := make(map[string]bool, len(found))
	for _, id := range found {
		out[id] = true
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
	q := s.db(ctx).Model(&app.CampaignDonor{})
	var conds []string
	var args []any
	for id, ds := range byCampaign {
		conds = append(conds, "(campaign_id = ? AND donor_key IN ?)")
		args = append(args, id, ds)
	}
	var rows []*app.CampaignDonor
	if err := q.Where(strings.Join(conds, " OR "), args...).Find(&rows).Error; err != nil {
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
	return translate(s.db(ctx).CreateInBatches(ms, batchChunk).Error, "match")
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
// update. The cast tells PostgreSQL the parameters' type (a CASE of untyped parameters would
// be text).
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

// boolType is the type a boolean parameter is cast to.
func (s *Store) boolType() string {
	if s.dialect == migrations.SQLite {
		return "INTEGER"
	}
	return "BOOLEAN"
}

// updateCampaignTotals writes the counters a batch of gifts changed on each campaign (raised,
// donors and the match counters) in one statement. The campaigns stay open, so their search
// documents do not change.
func (s *Store) updateCampaignTotals(ctx context.Context, cs []*app.Campaign, now time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	sql, args := campaignTotalsSQL(cs, s.boolType(), now)
	res := s.db(ctx).Exec(sql, args...)
	if res.Error != nil {
		return translate(res.Error, "campaign")
	}
	if res.RowsAffected != int64(len(cs)) {
		return fmt.Errorf("update campaign totals: %d of %d rows", res.RowsAffected, len(cs))
	}
	return nil
}

// campaignTotalsSQL is the one UPDATE of the counters a batch changed on its campaigns, with
// its arguments; both dialects' batch writes run it.
func campaignTotalsSQL(cs []*app.Campaign, boolType string, now time.Time) (string, []any) {
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
	set.column("unlocked", boolType, ids, func(i int) any { return cs[i].Unlocked })
	return "UPDATE campaigns SET " + set.b.String() + ", updated_at = ? WHERE id IN ?", append(set.args, now, ids)
}

// markContributionsPaid records that a batch of pending card gifts succeeded at `at`: their
// status, whether each was eligible for a match, the payment intent each event named, and
// its receipt code.
func (s *Store) markContributionsPaid(ctx context.Context, cs []*app.Contribution, at time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	sql, args := contributionsPaidSQL(cs, s.boolType(), at)
	res := s.db(ctx).Exec(sql, args...)
	if res.Error != nil {
		return translate(res.Error, "contribution")
	}
	if res.RowsAffected != int64(len(cs)) {
		return fmt.Errorf("mark contributions paid: %d of %d rows", res.RowsAffected, len(cs))
	}
	return nil
}

// contributionsPaidSQL is the one UPDATE that marks a batch's gifts succeeded, with its
// arguments; both dialects' batch writes run it.
func contributionsPaidSQL(cs []*app.Contribution, boolType string, at time.Time) (string, []any) {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	var set caseSet
	set.column("eligible", boolType, ids, func(i int) any { return cs[i].Eligible })
	set.column("payment_intent_id", "TEXT", ids, func(i int) any { return cs[i].PaymentIntentID })
	set.column("receipt_code", "TEXT", ids, func(i int) any { return cs[i].ReceiptCode })
	return "UPDATE contributions SET status = 'succeeded', " + set.b.String() + ", succeeded_at = ?, updated_at = ? WHERE id IN ?", append(set.args, at, at, ids)
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

// sqlParts builds one SQL statement from pieces and their arguments.
type sqlParts struct {
	b    strings.Builder
	args []any
}

func (p *sqlParts) add(sql string, args ...any) {
	p.b.WriteString(sql)
	p.args = append(p.args, args...)
}

// values adds n rows of "(?, ?, …)" with cols placeholders each, taking each row's
// arguments from row(i); casts, when given, type each placeholder (a VALUES list read by a
// SELECT has no target column to take its types from).
func (p *sqlParts) values(n int, casts []string, row func(i int) []any) {
	for i := range n {
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.b.WriteString("(")
		for j, c := range casts {
			if j > 0 {
				p.b.WriteString(", ")
			}
			if c == "" {
				p.b.WriteString("?")
			} else {
				p.b.WriteString("CAST(? AS " + c + ")")
			}
		}
		p.b.WriteString(")")
		p.args = append(p.args, row(i)...)
	}
}

// writeGiftBatchPG is WriteGiftBatch as one PostgreSQL statement: each table's writes are a
// data-modifying CTE (they all run, in one snapshot, touching different tables), the ledger
// entries find their transactions' ids by key from the transactions' RETURNING, and the final
// SELECT counts what each conditional write touched.
func (s *Store) writeGiftBatchPG(ctx context.Context, w app.GiftBatchWrites) (bool, error) {
	var p sqlParts
	var counts []string // what each CTE touched, counted in the final SELECT
	var wants []int     // how many rows each must have touched
	count := func(name string, want int) {
		counts = append(counts, "(SELECT count(*) FROM "+name+")")
		wants = append(wants, want)
	}
	cte := func(name string) {
		if p.b.Len() == 0 {
			p.b.WriteString("WITH ")
		} else {
			p.b.WriteString(", ")
		}
		p.b.WriteString(name + " AS (")
	}
	plain := func(n int) []string { return make([]string, n) }
	if len(w.Events) > 0 {
		cte("ev")
		p.add("INSERT INTO payment_events (provider, event_id, event_type, contribution_id, outcome, received_at) VALUES ")
		p.values(len(w.Events), plain(6), func(i int) []any {
			e := w.Events[i]
			return []any{e.Provider, e.EventID, e.EventType, e.ContributionID, e.Outcome, e.ReceivedAt}
		})
		p.add(" RETURNING 1)")
		count("ev", len(w.Events))
	}
	var entries int
	for _, t := range w.Ledger {
		entries += len(t.Entries)
	}
	if len(w.Ledger) > 0 {
		cte("tx")
		p.add("INSERT INTO ledger_transactions (fund_id, kind, ref, tx_key, memo, actor_id, created_at) VALUES ")
		p.values(len(w.Ledger), plain(7), func(i int) []any {
			t := w.Ledger[i]
			return []any{t.FundID, t.Kind, t.Ref, t.TxKey, t.Memo, t.ActorID, t.CreatedAt}
		})
		p.add(" RETURNING id, tx_key)")
		count("tx", len(w.Ledger))
		if entries > 0 {
			type entry struct {
				key    string
				fundID int64
				e      *app.LedgerEntry
			}
			all := make([]entry, 0, entries)
			for _, t := range w.Ledger {
				for i := range t.Entries {
					all = append(all, entry{t.TxKey, t.FundID, &t.Entries[i]})
				}
			}
			cte("en")
			p.add("INSERT INTO ledger_entries (transaction_id, fund_id, account, account_kind, pool_id, campaign_id, source, channel, side, amount, currency) " +
				"SELECT tx.id, v.fund_id, v.account, v.account_kind, v.pool_id, v.campaign_id, v.source, v.channel, v.side, v.amount, v.currency FROM (VALUES ")
			p.values(len(all), []string{"TEXT", "BIGINT", "TEXT", "TEXT", "BIGINT", "BIGINT", "TEXT", "TEXT", "TEXT", "BIGINT", "TEXT"}, func(i int) []any {
				e := all[i].e
				return []any{all[i].key, all[i].fundID, e.Account, e.AccountKind, e.PoolID, e.CampaignID, e.Source, e.Channel, e.Side, e.Amount, e.Currency}
			})
			p.add(") AS v (tx_key, fund_id, account, account_kind, pool_id, campaign_id, source, channel, side, amount, currency) JOIN tx ON tx.tx_key = v.tx_key RETURNING 1)")
			count("en", entries)
		}
	}
	if len(w.Donors) > 0 {
		cte("cd")
		p.add("INSERT INTO campaign_donors (campaign_id, donor_key, gifts, counted, eligible) VALUES ")
		p.values(len(w.Donors), plain(5), func(i int) []any {
			d := w.Donors[i]
			return []any{d.CampaignID, d.DonorKey, d.Gifts, d.Counted, d.Eligible}
		})
		p.add(" ON CONFLICT (campaign_id, donor_key) DO UPDATE SET gifts = EXCLUDED.gifts, counted = EXCLUDED.counted, eligible = EXCLUDED.eligible RETURNING 1)")
		count("cd", len(w.Donors))
	}
	if len(w.Campaigns) > 0 {
		sql, args := campaignTotalsSQL(w.Campaigns, "BOOLEAN", w.Now)
		cte("cu")
		p.add(sql+" RETURNING 1)", args...)
		count("cu", len(w.Campaigns))
	}
	if len(w.Paid) > 0 {
		sql, args := contributionsPaidSQL(w.Paid, "BOOLEAN", w.Now)
		cte("co")
		p.add(sql+" RETURNING 1)", args...)
		count("co", len(w.Paid))
	}
	pools := sortedIDs(mapKeys(w.PoolTakes))
	if len(pools) > 0 {
		cte("po")
		p.add("UPDATE fund_pools SET available = fund_pools.available - v.take FROM (VALUES ")
		p.values(len(pools), []string{"BIGINT", "BIGINT"}, func(i int) []any { return []any{pools[i], w.PoolTakes[pools[i]]} })
		p.add(") AS v (id, take) WHERE fund_pools.id = v.id AND fund_pools.available >= v.take RETURNING 1)")
		count("po", len(pools))
	}
	if len(counts) == 0 {
		return true, nil
	}
	p.add(" SELECT " + strings.Join(counts, ", "))
	row := make([]int64, len(counts))
	dest := make([]any, len(row))
	for i := range row {
		dest[i] = &row[i]
	}
	err := s.InTx(ctx, func(ctx context.Context) error {
		r := s.db(ctx).Raw(p.b.String(), p.args...).Row()
		if err := r.Err(); err != nil {
			return err
		}
		return r.Scan(dest...)
	})
	if err != nil {
		return false, translate(err, "gift batch")
	}
	// The pools' update comes last: fewer rows than pools means a pool held less than the
	// batch takes (another process took it); any other shortfall is a bug.
	for i, n := range wants {
		if row[i] == int64(n) {
			continue
		}
		if len(pools) > 0 && i == len(wants)-1 {
			return false, nil
		}
		return false, fmt.Errorf("write gift batch: %s wrote %d of %d rows", counts[i], row[i], n)
	}
	return true, nil
}
