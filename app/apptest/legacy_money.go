package apptest

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/migrations"
)

// LegacyMoney is a fund holding what issue 9's defect 2 wrote before migration 00008 bounded
// money: healthy movements plus an offline gift of 9,223,372,036,854,775,802 fen whose ledger
// sums overflow an int64 and, on SQLite, a pool whose budget and available money an
// overflowing deposit turned into floats. (On PostgreSQL that deposit failed with "bigint out
// of range" and wrote nothing, so only the gift is there.)
type LegacyMoney struct {
	FundID, PoolID    int64
	CampaignID        int64 // healthy, with a confirmed ¥50 gift
	BadCampaignID     int64 // holds the huge gift
	BadGiftID         int64
	BadGiftTxID       int64 // the ledger transaction posting the huge gift
	BadDepositTxID    int64 // SQLite only: the deposit of math.MaxInt64; 0 on PostgreSQL
	BadGiftAmount     int64
	HealthyGiftAmount int64
}

// WriteLegacyMoney writes LegacyMoney into a store migrated to version 7 (before the bounds)
// with the world w, the way the code of that time did: rows through the store, the pool's
// totals with the same UPDATE that overflowed.
func WriteLegacyMoney(t testing.TB, s *store.Store, w *World) *LegacyMoney {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("legacy money: %v", err)
		}
	}
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	lm := &LegacyMoney{BadGiftAmount: math.MaxInt64 - 5, HealthyGiftAmount: 5000}
	f := &app.Fund{CommunityID: w.A.Community.ID, Name: "旧账基金", Currency: "CNY", ApprovalThreshold: 500000,
		HandlerApprovals: 2, CommitteeSize: 3, CreatedAt: now, UpdatedAt: now}
	must(s.CreateFund(ctx, f))
	lm.FundID = f.ID
	p := &app.FundPool{FundID: f.ID, Name: "政府配捐池", Source: "government", Kind: "match", Currency: "CNY", CreatedAt: now, UpdatedAt: now}
	must(s.CreatePool(ctx, p))
	lm.PoolID = p.ID
	must(s.CreatePoolRule(ctx, &app.FundPoolRule{PoolID: p.ID, Version: 1, RatioNum: 1, RatioDen: 1, CategoryMultipliers: "{}", KindMultipliers: "{}", CreatedAt: now}))
	p.RuleVersion = 1
	must(s.UpdatePool(ctx, p))
	post := func(kind, ref string, entries ...app.LedgerEntry) int64 {
		t.Helper()
		lt := &app.LedgerTransaction{FundID: f.ID, Kind: kind, Ref: ref, TxKey: kind + ":" + ref, CreatedAt: now, Entries: entries}
		must(s.PostLedger(ctx, lt))
		return lt.ID
	}
	entry := func(account, kind, side string, amount int64, pool, campaign *int64, source, channel string) app.LedgerEntry {
		return app.LedgerEntry{Account: account, AccountKind: kind, Side: side, Amount: amount, Currency: "CNY", PoolID: pool, CampaignID: campaign, Source: source, Channel: channel}
	}
	deposit := func(amount int64) int64 {
		t.Helper()
		d := &app.FundPoolDeposit{PoolID: p.ID, Amount: amount, Currency: "CNY", CreatedAt: now}
		must(s.CreatePoolDeposit(ctx, d))
		id := post("pool_deposit", fmt.Sprintf("deposit:%d", d.ID),
			entry(fmt.Sprintf("cash:%d:bank", f.ID), "cash", "debit", amount, nil, nil, "", "bank"),
			entry(fmt.Sprintf("pool:%d:available", p.ID), "pool_available", "credit", amount, &p.ID, nil, "", ""))
		must(s.DB(ctx).Exec("UPDATE fund_pools SET available = available + ?, budget = budget + ? WHERE id = ?", amount, amount, p.ID).Error)
		return id
	}
	deposit(1230000)
	if s.Dialect() == migrations.SQLite {
		lm.BadDepositTxID = deposit(math.MaxInt64) // SQLite stores the overflowing sums as floats
	}
	campaign := func(title string) *app.Campaign {
		t.Helper()
		pr := &app.Project{CommunityID: w.A.Community.ID, ProposerID: w.Users["resident"].ID, Title: title, Description: "说明",
			Category: "environment", Budget: 100000, Currency: "CNY", Status: app.ProjectApproved, CreatedAt: now, UpdatedAt: now}
		// Only the columns of the schema before 00011: the project model has grown since.
		must(s.DB(ctx).Select("community_id", "proposer_id", "title", "description", "category", "budget", "currency", "status",
			"created_at", "updated_at").Create(pr).Error)
		c := &app.Campaign{FundID: f.ID, ProjectID: pr.ID, Title: title, Goal: 1000000, Currency: "CNY",
			Deadline: now.Add(60 * 24 * time.Hour), Mode: string(funds.ModeKeepWhatYouRaise), Status: string(funds.CampaignOpen), Excluded: "[]", CreatedAt: now, UpdatedAt: now}
		must(s.CreateCampaign(ctx, c))
		return c
	}
	gift := func(c *app.Campaign, amount int64, receipt string) (int64, int64) {
		t.Helper()
		rec, conf := w.Users["community_worker"].ID, w.Users["admin"].ID
		method := "cash"
		g := &app.Contribution{CampaignID: c.ID, FundID: f.ID, DonorKey: "offline:" + receipt, DonorName: "王阿姨", Source: "resident",
			Amount: amount, Currency: "CNY", Channel: string(funds.ChannelOffline), Status: string(funds.ContributionStatusSucceeded),
			OfflineMethod: &method, ReceiptNo: &receipt, ReceivedOn: &now, RecordedBy: &rec, ConfirmedBy: &conf, CreatedAt: now, UpdatedAt: now, SucceededAt: &now}
		// Only the columns of the schema before 00018: receipt codes came later (and the
		// migration gives this succeeded gift one).
		must(s.DB(ctx).Omit("receipt_code").Create(g).Error)
		txID := post("contribution_succeeded", fmt.Sprintf("contribution:%d", g.ID),
			entry(fmt.Sprintf("cash:%d:offline", f.ID), "cash", "debit", amount, nil, nil, "", "offline"),
			entry(fmt.Sprintf("campaign:%d:donations:resident", c.ID), "donations", "credit", amount, nil, &c.ID, "resident", ""))
		c.Raised += amount
		c.Donors++
		c.UpdatedAt = now
		must(s.UpdateCampaign(ctx, c))
		return g.ID, txID
	}
	healthy := campaign("楼道微更新")
	lm.CampaignID = healthy.ID
	gift(healthy, lm.HealthyGiftAmount, "DH-001")
	bad := campaign("超大捐赠")
	lm.BadCampaignID = bad.ID
	lm.BadGiftID, lm.BadGiftTxID = gift(bad, lm.BadGiftAmount, "DH-002")
	return lm
}
