package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/migrations"
	"github.com/wushe/wushe/search"
)

// forUpdate locks the selected rows until the transaction ends on PostgreSQL. SQLite has no
// row locks; its transactions begin IMMEDIATE on the single write connection, which already
// serializes writers.
func (s *Store) forUpdate(db *gorm.DB) *gorm.DB {
	if s.dialect == migrations.Postgres {
		return db.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return db
}

// CreateFund inserts a fund.
func (s *Store) CreateFund(ctx context.Context, f *app.Fund) error {
	return translate(s.db(ctx).Create(f).Error, "fund")
}

// UpdateFund writes every field of a fund.
func (s *Store) UpdateFund(ctx context.Context, f *app.Fund) error {
	return updateAll(s.db(ctx), f, "fund")
}

// FindFund loads a fund.
func (s *Store) FindFund(ctx context.Context, id int64) (*app.Fund, error) {
	var f app.Fund
	if err := s.rdb(ctx).First(&f, id).Error; err != nil {
		return nil, translate(err, "fund")
	}
	return &f, nil
}

// LockFund loads a fund and locks its row (PostgreSQL; SQLite's single writer serializes).
func (s *Store) LockFund(ctx context.Context, id int64) (*app.Fund, error) {
	var f app.Fund
	if err := s.forUpdate(s.db(ctx)).First(&f, id).Error; err != nil {
		return nil, translate(err, "fund")
	}
	return &f, nil
}

// FindFunds lists funds, optionally of one community.
func (s *Store) FindFunds(ctx context.Context, communityID *int64) ([]*app.Fund, error) {
	out := []*app.Fund{}
	q := s.rdb(ctx).Order("id")
	if communityID != nil {
		q = q.Where("community_id = ?", *communityID)
	}
	return out, translate(q.Find(&out).Error, "fund")
}

// CreatePool inserts a pool.
func (s *Store) CreatePool(ctx context.Context, p *app.FundPool) error {
	return translate(s.db(ctx).Create(p).Error, "pool")
}

// UpdatePool writes a pool's descriptive fields and rule version; money columns change only
// through ReservePool and ReleaseToPool.
func (s *Store) UpdatePool(ctx context.Context, p *app.FundPool) error {
	res := s.db(ctx).Model(p).Select("name", "rule_version", "updated_at").Updates(p)
	if res.Error != nil {
		return translate(res.Error, "pool")
	}
	if res.RowsAffected == 0 {
		return app.NotFound("pool")
	}
	return nil
}

// poolColumns selects a pool's columns. Before migration 00008 an overflowing deposit made
// SQLite store a pool's budget and available money as floats, which no int64 can scan: CAST
// reads such a value as the nearest int64 (saturating), so the pool still loads and the app
// sees an amount outside funds.MaxTotal and reports it instead of failing the page.
func (s *Store) poolColumns(db *gorm.DB) *gorm.DB {
	if s.dialect != migrations.SQLite {
		return db
	}
	return db.Select("id, fund_id, name, source, kind, currency, CAST(budget AS INTEGER) AS budget, " +
		"CAST(available AS INTEGER) AS available, rule_version, finalized_at, created_by, created_at, updated_at")
}

// FindPool loads a pool.
func (s *Store) FindPool(ctx context.Context, id int64) (*app.FundPool, error) {
	var p app.FundPool
	if err := s.poolColumns(s.rdb(ctx)).First(&p, id).Error; err != nil {
		return nil, translate(err, "pool")
	}
	return &p, nil
}

// FindPools lists a fund's pools.
func (s *Store) FindPools(ctx context.Context, fundID int64) ([]*app.FundPool, error) {
	out := []*app.FundPool{}
	return out, translate(s.poolColumns(s.rdb(ctx)).Where("fund_id = ?", fundID).Order("id").Find(&out).Error, "pool")
}

// ReservePool takes amount from the pool if that much is available, in one statement.
func (s *Store) ReservePool(ctx context.Context, poolID, amount int64) (bool, error) {
	res := s.db(ctx).Exec("UPDATE fund_pools SET available = available - ? WHERE id = ? AND available >= ?", amount, poolID, amount)
	if res.Error != nil {
		return false, translate(res.Error, "pool")
	}
	return res.RowsAffected == 1, nil
}

// ReleaseToPool gives amount back to the pool's available money and adds budget to its budget.
func (s *Store) ReleaseToPool(ctx context.Context, poolID, amount, budget int64) error {
	res := s.db(ctx).Exec("UPDATE fund_pools SET available = available + ?, budget = budget + ? WHERE id = ?", amount, budget, poolID)
	if res.Error != nil {
		return translate(res.Error, "pool")
	}
	if res.RowsAffected == 0 {
		return app.NotFound("pool")
	}
	return nil
}

// CreatePoolRule inserts a rule version.
func (s *Store) CreatePoolRule(ctx context.Context, r *app.FundPoolRule) error {
	return translate(s.db(ctx).Create(r).Error, "rule")
}

// FindPoolRule loads one version of a pool's rule.
func (s *Store) FindPoolRule(ctx context.Context, poolID int64, version int) (*app.FundPoolRule, error) {
	var r app.FundPoolRule
	if err := s.rdb(ctx).Where("pool_id = ? AND version = ?", poolID, version).First(&r).Error; err != nil {
		return nil, translate(err, "rule")
	}
	return &r, nil
}

// FindPoolRules lists a pool's rule versions, newest first.
func (s *Store) FindPoolRules(ctx context.Context, poolID int64) ([]*app.FundPoolRule, error) {
	out := []*app.FundPoolRule{}
	return out, translate(s.rdb(ctx).Where("pool_id = ?", poolID).Order("version DESC").Find(&out).Error, "rule")
}

// CreatePoolDeposit inserts a deposit record.
func (s *Store) CreatePoolDeposit(ctx context.Context, d *app.FundPoolDeposit) error {
	return translate(s.db(ctx).Create(d).Error, "deposit")
}

// CreateCampaign inserts a campaign.
func (s *Store) CreateCampaign(ctx context.Context, c *app.Campaign) error {
	return s.withSearch(ctx, search.TypeCampaign, func(ctx context.Context) error {
		return translate(s.db(ctx).Create(c).Error, "campaign")
	}, func() int64 { return c.ID })
}

// UpdateCampaign writes every field of a campaign. Its search document changes only with its
// status, so only a campaign no longer open is queued for the index: every gift updates an
// open campaign's totals, and an outbox row each would be wasted work.
func (s *Store) UpdateCampaign(ctx context.Context, c *app.Campaign) error {
	if c.Status == string(funds.CampaignOpen) {
		return updateAll(s.db(ctx), c, "campaign")
	}
	return s.withSearch(ctx, search.TypeCampaign, func(ctx context.Context) error { return updateAll(s.db(ctx), c, "campaign") }, func() int64 { return c.ID })
}

// FindCampaign loads a campaign.
func (s *Store) FindCampaign(ctx context.Context, id int64) (*app.Campaign, error) {
	var c app.Campaign
	if err := s.rdb(ctx).First(&c, id).Error; err != nil {
		return nil, translate(err, "campaign")
	}
	return &c, nil
}

// LockCampaign loads a campaign and locks its row for the rest of the transaction.
func (s *Store) LockCampaign(ctx context.Context, id int64) (*app.Campaign, error) {
	var c app.Campaign
	if err := s.forUpdate(s.db(ctx)).First(&c, id).Error; err != nil {
		return nil, translate(err, "campaign")
	}
	return &c, nil
}

// FindCampaigns lists campaigns, newest first.
func (s *Store) FindCampaigns(ctx context.Context, f app.CampaignFilter) ([]*app.Campaign, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.FundID != nil {
			db = db.Where("fund_id = ?", *f.FundID)
		}
		if f.ProjectID != nil {
			db = db.Where("project_id = ?", *f.ProjectID)
		}
		if f.PoolID != nil {
			db = db.Where("pool_id = ?", *f.PoolID)
		}
		if len(f.Statuses) > 0 {
			db = db.Where("status IN ?", f.Statuses)
		}
		return db
	}
	return findPage[app.Campaign](ctx, s.rdb, scope, "created_at DESC, id DESC", f.Page, "campaign")
}

// CampaignsToClose lists campaigns the closing job must look at.
func (s *Store) CampaignsToClose(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.rdb(ctx).Model(&app.Campaign{}).
		Where("(status = ? AND deadline <= ?) OR (status IN ? AND EXISTS "+
			"(SELECT 1 FROM contributions c WHERE c.campaign_id = campaigns.id AND c.status = ?))",
			string(funds.CampaignOpen), now, []string{string(funds.CampaignFailed), string(funds.CampaignCancelled)},
			string(funds.ContributionStatusSucceeded)).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, translate(err, "campaign")
}

// FindCampaignDonor loads a donor's totals in a campaign; a zero row when there are none.
func (s *Store) FindCampaignDonor(ctx context.Context, campaignID int64, key string) (*app.CampaignDonor, error) {
	d := app.CampaignDonor{CampaignID: campaignID, DonorKey: key}
	err := s.rdb(ctx).Where("campaign_id = ? AND donor_key = ?", campaignID, key).Limit(1).Find(&d).Error
	return &d, translate(err, "donor")
}

// SaveCampaignDonor inserts or updates a donor's totals.
func (s *Store) SaveCampaignDonor(ctx context.Context, d *app.CampaignDonor) error {
	err := s.db(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "campaign_id"}, {Name: "donor_key"}},
		DoUpdates: clause.AssignmentColumns([]string{"gifts", "counted", "eligible"}),
	}).Create(d).Error
	return translate(err, "donor")
}

// CreateContribution inserts a contribution.
func (s *Store) CreateContribution(ctx context.Context, c *app.Contribution) error {
	return translate(s.db(ctx).Create(c).Error, "contribution")
}

// UpdateContribution writes every field of a contribution.
func (s *Store) UpdateContribution(ctx context.Context, c *app.Contribution) error {
	return updateAll(s.db(ctx), c, "contribution")
}

// FindContribution loads a contribution.
func (s *Store) FindContribution(ctx context.Context, id int64) (*app.Contribution, error) {
	var c app.Contribution
	if err := s.rdb(ctx).First(&c, id).Error; err != nil {
		return nil, translate(err, "contribution")
	}
	return &c, nil
}

// LockContribution loads a contribution and locks its row.
func (s *Store) LockContribution(ctx context.Context, id int64) (*app.Contribution, error) {
	var c app.Contribution
	if err := s.forUpdate(s.db(ctx)).First(&c, id).Error; err != nil {
		return nil, translate(err, "contribution")
	}
	return &c, nil
}

// FindContributionByPayment finds a contribution by its payment intent or checkout session.
func (s *Store) FindContributionByPayment(ctx context.Context, paymentIntentID, sessionID string) (*app.Contribution, error) {
	var c app.Contribution
	q := s.rdb(ctx)
	switch {
	case paymentIntentID != "" && sessionID != "":
		q = q.Where("payment_intent_id = ? OR session_id = ?", paymentIntentID, sessionID)
	case paymentIntentID != "":
		q = q.Where("payment_intent_id = ?", paymentIntentID)
	case sessionID != "":
		q = q.Where("session_id = ?", sessionID)
	default:
		return nil, app.NotFound("contribution")
	}
	if err := q.Order("id").First(&c).Error; err != nil {
		return nil, translate(err, "contribution")
	}
	return &c, nil
}

// FindContributions lists contributions, newest first.
func (s *Store) FindContributions(ctx context.Context, f app.ContributionFilter) ([]*app.Contribution, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.CampaignID != nil {
			db = db.Where("campaign_id = ?", *f.CampaignID)
		}
		if f.FundID != nil {
			db = db.Where("fund_id = ?", *f.FundID)
		}
		if f.UserID != nil {
			db = db.Where("user_id = ?", *f.UserID)
		}
		if f.Channel != nil {
			db = db.Where("channel = ?", *f.Channel)
		}
		if len(f.Statuses) > 0 {
			db = db.Where("status IN ?", f.Statuses)
		}
		return db
	}
	return findPage[app.Contribution](ctx, s.rdb, scope, "id DESC", f.Page, "contribution")
}

// CreateMatch inserts a match; a second match for one contribution fails with ECONFLICT.
func (s *Store) CreateMatch(ctx context.Context, m *app.FundMatch) error {
	return translate(s.db(ctx).Create(m).Error, "match")
}

// UpdateMatch writes every field of a match.
func (s *Store) UpdateMatch(ctx context.Context, m *app.FundMatch) error {
	return updateAll(s.db(ctx), m, "match")
}

// FindMatchByContribution loads a contribution's match; ENOTFOUND when it has none.
func (s *Store) FindMatchByContribution(ctx context.Context, contributionID int64) (*app.FundMatch, error) {
	var m app.FundMatch
	if err := s.rdb(ctx).Where("contribution_id = ?", contributionID).First(&m).Error; err != nil {
		return nil, translate(err, "match")
	}
	return &m, nil
}

// FindMatchesByContributions loads the matches of several contributions, by contribution id.
func (s *Store) FindMatchesByContributions(ctx context.Context, ids []int64) (map[int64]*app.FundMatch, error) {
	out := map[int64]*app.FundMatch{}
	if len(ids) == 0 {
		return out, nil
	}
	var ms []*app.FundMatch
	if err := s.rdb(ctx).Where("contribution_id IN ?", ids).Find(&ms).Error; err != nil {
		return nil, translate(err, "match")
	}
	for _, m := range ms {
		out[m.ContributionID] = m
	}
	return out, nil
}

// FindMatches lists a campaign's matches in the given statuses, oldest first.
func (s *Store) FindMatches(ctx context.Context, campaignID int64, statuses []string) ([]*app.FundMatch, error) {
	out := []*app.FundMatch{}
	q := s.rdb(ctx).Where("campaign_id = ?", campaignID)
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	return out, translate(q.Order("id").Find(&out).Error, "match")
}

// PostLedger stores a transaction and its entries.
func (s *Store) PostLedger(ctx context.Context, t *app.LedgerTransaction) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.db(ctx).Create(t).Error; err != nil {
			return translate(err, "ledger transaction")
		}
		for i := range t.Entries {
			t.Entries[i].TransactionID, t.Entries[i].FundID = t.ID, t.FundID
		}
		return translate(s.db(ctx).Create(&t.Entries).Error, "ledger entry")
	})
}

// FindLedger lists a fund's transactions with their entries, newest first; PerPage 0 lists all
// oldest first (for exports and balance checks).
func (s *Store) FindLedger(ctx context.Context, f app.LedgerFilter) ([]*app.LedgerTransaction, int, error) {
	scope := func(db *gorm.DB) *gorm.DB { return db.Where("fund_id = ?", f.FundID) }
	order := "id DESC"
	if f.PerPage <= 0 {
		order = "id"
	}
	txs, total, err := findPage[app.LedgerTransaction](ctx, s.rdb, scope, order, f.Page, "ledger transaction")
	if err != nil || len(txs) == 0 {
		return txs, total, err
	}
	ids := make([]int64, len(txs))
	byID := make(map[int64]*app.LedgerTransaction, len(txs))
	for i, t := range txs {
		ids[i], byID[t.ID] = t.ID, t
	}
	var entries []app.LedgerEntry
	q := s.rdb(ctx).Order("id")
	if f.PerPage <= 0 {
		q = q.Where("fund_id = ?", f.FundID)
	} else {
		q = q.Where("transaction_id IN ?", ids)
	}
	if err := q.Find(&entries).Error; err != nil {
		return nil, 0, translate(err, "ledger entry")
	}
	for _, e := range entries {
		if t := byID[e.TransactionID]; t != nil {
			t.Entries = append(t.Entries, e)
		}
	}
	return txs, total, nil
}

// LedgerBalances sums the fund's entries per account and currency. The sums are read as text
// and parsed, so a sum that does not fit an int64 (entries written before the bounds of
// migration 00008) is reported as app.ErrMoneyData instead of wrapping or failing the scan:
// PostgreSQL's SUM of bigint is a numeric of any size, SQLite's SUM fails with "integer
// overflow" (and a float entry makes it a float).
func (s *Store) LedgerBalances(ctx context.Context, fundID int64) ([]app.AccountBalance, error) {
	var rows []struct {
		Account, Currency, Debits, Credits string
	}
	err := s.rdb(ctx).Model(&app.LedgerEntry{}).
		Select("account, currency, CAST(SUM(CASE WHEN side = 'debit' THEN amount ELSE 0 END) AS TEXT) AS debits, "+
			"CAST(SUM(CASE WHEN side = 'credit' THEN amount ELSE 0 END) AS TEXT) AS credits").
		Where("fund_id = ?", fundID).Group("account, currency").Order("account").Scan(&rows).Error
	if err != nil {
		if strings.Contains(err.Error(), "integer overflow") {
			return nil, app.MoneyDataError(fmt.Errorf("fund %d ledger sums: %w", fundID, err))
		}
		return nil, translate(err, "ledger entry")
	}
	out := make([]app.AccountBalance, 0, len(rows))
	for _, r := range rows {
		b := app.AccountBalance{Account: r.Account, Currency: r.Currency}
		var errD, errC error
		b.Debits, errD = strconv.ParseInt(r.Debits, 10, 64)
		b.Credits, errC = strconv.ParseInt(r.Credits, 10, 64)
		if err := errors.Join(errD, errC); err != nil {
			return nil, app.MoneyDataError(fmt.Errorf("fund %d account %s: sums %s/%s: %w", fundID, r.Account, r.Debits, r.Credits, err))
		}
		out = append(out, b)
	}
	return out, nil
}

// CreateDonorFlag inserts a donor flag.
func (s *Store) CreateDonorFlag(ctx context.Context, f *app.DonorFlag) error {
	return translate(s.db(ctx).Create(f).Error, "donor flag")
}

// FindDonorFlags lists a fund's donor flags, newest first.
func (s *Store) FindDonorFlags(ctx context.Context, fundID int64) ([]*app.DonorFlag, error) {
	out := []*app.DonorFlag{}
	return out, translate(s.rdb(ctx).Where("fund_id = ?", fundID).Order("id DESC").Find(&out).Error, "donor flag")
}

// CreatePaymentEvent stores an event id under its unique index.
func (s *Store) CreatePaymentEvent(ctx context.Context, e *app.PaymentEvent) error {
	return translate(s.db(ctx).Create(e).Error, "payment event")
}

// UpdatePaymentEvent records an event's outcome.
func (s *Store) UpdatePaymentEvent(ctx context.Context, e *app.PaymentEvent) error {
	return translate(s.db(ctx).Model(e).Select("contribution_id", "outcome").Updates(e).Error, "payment event")
}

// CreateDisbursement inserts a disbursement.
func (s *Store) CreateDisbursement(ctx context.Context, d *app.Disbursement) error {
	return translate(s.db(ctx).Create(d).Error, "disbursement")
}

// UpdateDisbursement writes every field of a disbursement.
func (s *Store) UpdateDisbursement(ctx context.Context, d *app.Disbursement) error {
	return updateAll(s.db(ctx), d, "disbursement")
}

// FindDisbursement loads a disbursement.
func (s *Store) FindDisbursement(ctx context.Context, id int64) (*app.Disbursement, error) {
	var d app.Disbursement
	if err := s.rdb(ctx).First(&d, id).Error; err != nil {
		return nil, translate(err, "disbursement")
	}
	return &d, nil
}

// LockDisbursement loads a disbursement and locks its row.
func (s *Store) LockDisbursement(ctx context.Context, id int64) (*app.Disbursement, error) {
	var d app.Disbursement
	if err := s.forUpdate(s.db(ctx)).First(&d, id).Error; err != nil {
		return nil, translate(err, "disbursement")
	}
	return &d, nil
}

// FindDisbursements lists a fund's disbursements, newest first.
func (s *Store) FindDisbursements(ctx context.Context, fundID int64, statuses []string) ([]*app.Disbursement, error) {
	out := []*app.Disbursement{}
	q := s.rdb(ctx).Where("fund_id = ?", fundID)
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	return out, translate(q.Order("id DESC").Find(&out).Error, "disbursement")
}

// CreateDisbursementVote stores a vote; a second vote by one approver fails with ECONFLICT.
func (s *Store) CreateDisbursementVote(ctx context.Context, v *app.DisbursementVote) error {
	return translate(s.db(ctx).Create(v).Error, "vote")
}

// FindDisbursementVotes lists a disbursement's votes in order.
func (s *Store) FindDisbursementVotes(ctx context.Context, disbursementID int64) ([]*app.DisbursementVote, error) {
	out := []*app.DisbursementVote{}
	return out, translate(s.rdb(ctx).Where("disbursement_id = ?", disbursementID).Order("id").Find(&out).Error, "vote")
}

// CreateDisbursementEvidence stores an evidence file.
func (s *Store) CreateDisbursementEvidence(ctx context.Context, e *app.DisbursementEvidence) error {
	return translate(s.db(ctx).Create(e).Error, "evidence")
}

// FindDisbursementEvidence lists a disbursement's evidence without the file bytes.
func (s *Store) FindDisbursementEvidence(ctx context.Context, disbursementID int64) ([]*app.DisbursementEvidence, error) {
	out := []*app.DisbursementEvidence{}
	err := s.rdb(ctx).Omit("data").Where("disbursement_id = ?", disbursementID).Order("id").Find(&out).Error
	return out, translate(err, "evidence")
}

// FindEvidence loads one evidence file with its bytes.
func (s *Store) FindEvidence(ctx context.Context, id int64) (*app.DisbursementEvidence, error) {
	var e app.DisbursementEvidence
	if err := s.rdb(ctx).First(&e, id).Error; err != nil {
		return nil, translate(err, "evidence")
	}
	return &e, nil
}

// FinalizePool marks a pool final once.
func (s *Store) FinalizePool(ctx context.Context, poolID int64, at time.Time) (bool, error) {
	res := s.db(ctx).Exec("UPDATE fund_pools SET finalized_at = ? WHERE id = ? AND finalized_at IS NULL", at, poolID)
	if res.Error != nil {
		return false, translate(res.Error, "pool")
	}
	return res.RowsAffected == 1, nil
}

// CreateQFAward stores a round's award to a campaign.
func (s *Store) CreateQFAward(ctx context.Context, a *app.QFAward) error {
	return translate(s.db(ctx).Create(a).Error, "qf_award")
}

// FindQFAwards lists a round's awards by campaign.
func (s *Store) FindQFAwards(ctx context.Context, poolID int64) ([]*app.QFAward, error) {
	out := []*app.QFAward{}
	return out, translate(s.rdb(ctx).Where("pool_id = ?", poolID).Order("campaign_id").Find(&out).Error, "qf_award")
}

// CampaignNames loads campaigns' titles with their projects' titles in one query.
func (s *Store) CampaignNames(ctx context.Context, ids []int64) (map[int64]app.CampaignName, error) {
	out := map[int64]app.CampaignName{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []app.CampaignName
	err := s.rdb(ctx).Table("campaigns").
		Select("campaigns.id AS id, campaigns.title AS title, campaigns.project_id AS project_id, COALESCE(projects.title, '') AS project_title").
		Joins("LEFT JOIN projects ON projects.id = campaigns.project_id").
		Where("campaigns.id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "campaign")
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}
