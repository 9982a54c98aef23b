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

// CreatePaymentEvents stores several event ids in one statement.
func (s *Store) CreatePaymentEvents(ctx context.Context, es []*app.PaymentEvent) error {
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

// UpdateCampaignTotals writes the counters a batch of gifts changed on each campaign (raised,
// donors and the match counters) in one statement. The campaigns stay open, so their search
// documents do not change.
func (s *Store) UpdateCampaignTotals(ctx context.Context, cs []*app.Campaign, now time.Time) error {
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
	set.column("unlocked", s.boolType(), ids, func(i int) any { return cs[i].Unlocked })
	args := append(set.args, now, ids)
	res := s.db(ctx).Exec("UPDATE campaigns SET "+set.b.String()+", updated_at = ? WHERE id IN ?", args...)
	if res.Error != nil {
		return translate(res.Error, "campaign")
	}
	if res.RowsAffected != int64(len(cs)) {
		return fmt.Errorf("update campaign totals: %d of %d rows", res.RowsAffected, len(cs))
	}
	return nil
}

// MarkContributionsPaid records that a batch of pending card gifts succeeded at `at`: their
// status, whether each was eligible for a match, and the payment intent each event named.
func (s *Store) MarkContributionsPaid(ctx context.Context, cs []*app.Contribution, at time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	var set caseSet
	set.column("eligible", s.boolType(), ids, func(i int) any { return cs[i].Eligible })
	set.column("payment_intent_id", "TEXT", ids, func(i int) any { return cs[i].PaymentIntentID })
	args := append(set.args, at, at, ids)
	res := s.db(ctx).Exec("UPDATE contributions SET status = 'succeeded', "+set.b.String()+", succeeded_at = ?, updated_at = ? WHERE id IN ?", args...)
	if res.Error != nil {
		return translate(res.Error, "contribution")
	}
	if res.RowsAffected != int64(len(cs)) {
		return fmt.Errorf("mark contributions paid: %d of %d rows", res.RowsAffected, len(cs))
	}
	return nil
}
