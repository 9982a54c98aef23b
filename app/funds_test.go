package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/funds"
)

// fundsWorld is a fund in community A with one government pool and helpers to make campaigns.
type fundsWorld struct {
	t     testing.TB
	a     *app.App
	s     *store.Store
	w     *apptest.World
	clock *apptest.Clock
	fund  *app.Fund
	pool  *app.FundPool
}

var fundsNow = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

func newFundsWorld(t testing.TB, rule app.RuleInput, budget int64) *fundsWorld {
	t.Helper()
	clock := apptest.NewClock(fundsNow)
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	fw := &fundsWorld{t: t, a: a, s: s, w: w, clock: clock}
	ctx := w.As(t, a, "civil_affairs_officer")
	f, err := a.CreateFund(ctx, app.FundInput{CommunityID: w.A.Community.ID, Name: "东湖友邻基金"})
	fw.must(err)
	p, err := a.CreatePool(ctx, f.ID, app.PoolInput{Name: "区民政配捐池", Source: "government", Rule: &rule})
	fw.must(err)
	if budget > 0 {
		_, err = a.DepositToPool(ctx, p.ID, app.DepositInput{Amount: budget, Note: "财政拨款"})
		fw.must(err)
	}
	fw.fund, fw.pool = f, p
	return fw
}

func (fw *fundsWorld) must(err error) {
	fw.t.Helper()
	if err != nil {
		fw.t.Fatal(err)
	}
}

// campaign opens a campaign for a fresh approved project in A.
func (fw *fundsWorld) campaign(goal int64, mode string, pool bool) *app.Campaign {
	fw.t.Helper()
	ctx := context.Background()
	pr := &app.Project{CommunityID: fw.w.A.Community.ID, ProposerID: fw.w.Users["resident"].ID, Title: fmt.Sprintf("楼道微更新 %d", time.Now().UnixNano()),
		Description: "说明", Category: "environment", Budget: goal, Currency: "CNY", Status: app.ProjectApproved}
	fw.must(fw.s.CreateProject(ctx, pr))
	in := app.CampaignInput{FundID: fw.fund.ID, ProjectID: pr.ID, Goal: goal, Deadline: fundsNow.Add(30 * 24 * time.Hour), Mode: mode}
	if pool {
		in.PoolID = &fw.pool.ID
	}
	c, err := fw.a.CreateCampaign(fw.w.As(fw.t, fw.a, "community_worker"), in)
	fw.must(err)
	return c
}

// pending writes a pending card contribution from a distinct donor key.
func (fw *fundsWorld) pending(camp *app.Campaign, donor string, amount int64) *app.Contribution {
	fw.t.Helper()
	c := &app.Contribution{CampaignID: camp.ID, FundID: camp.FundID, DonorKey: donor, DonorName: donor, Source: "resident",
		Amount: amount, Currency: "CNY", Channel: "stripe", Status: "pending", CreatedAt: fundsNow, UpdatedAt: fundsNow}
	fw.must(fw.s.CreateContribution(context.Background(), c))
	pi := fmt.Sprintf("pi_%d", c.ID)
	c.PaymentIntentID = &pi
	fw.must(fw.s.UpdateContribution(context.Background(), c))
	return c
}

func paid(c *app.Contribution, id string) funds.PaymentEvent {
	return funds.PaymentEvent{ID: id, Type: funds.EventCheckoutCompleted, ProviderType: "checkout.session.completed", ContributionID: c.ID,
		CampaignID: c.CampaignID, PaymentIntentID: *c.PaymentIntentID, Amount: funds.Fen(c.Amount), Paid: true}
}

func refunded(c *app.Contribution, id string, cumulative int64) funds.PaymentEvent {
	return funds.PaymentEvent{ID: id, Type: funds.EventRefunded, ProviderType: "charge.refunded", PaymentIntentID: *c.PaymentIntentID,
		Refunded: funds.Fen(cumulative)}
}

// checkInvariants verifies the ledger balances, the pool cache equals the ledger, the pool is
// never over-committed and every contribution has at most one match.
func (fw *fundsWorld) checkInvariants() {
	fw.t.Helper()
	ctx := context.Background()
	txs, _, err := fw.s.FindLedger(ctx, app.LedgerFilter{FundID: fw.fund.ID})
	fw.must(err)
	var ft []funds.Transaction
	for _, t := range txs {
		tx := funds.Transaction{Kind: funds.TxKind(t.Kind), Ref: t.Ref}
		for _, e := range t.Entries {
			acc, err := funds.ParseAccount(e.Account)
			fw.must(err)
			tx.Entries = append(tx.Entries, funds.Entry{Account: acc, Side: funds.Side(e.Side), Amount: funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}})
		}
		if tx.Key() != t.TxKey {
			fw.t.Errorf("transaction %d key %q, rebuilt %q", t.ID, t.TxKey, tx.Key())
		}
		ft = append(ft, tx)
	}
	bal, err := funds.ComputeBalances(ft)
	if err != nil {
		fw.t.Fatalf("ledger: %v", err)
	}
	if err := bal.Check(); err != nil {
		fw.t.Errorf("ledger does not balance: %v", err)
	}
	sql, err := fw.s.LedgerBalances(ctx, fw.fund.ID)
	fw.must(err)
	for _, b := range sql {
		acc, _ := funds.ParseAccount(b.Account)
		want := b.Credits - b.Debits
		if acc.DebitNormal() {
			want = -want
		}
		if got := bal.Get(acc, funds.Currency(b.Currency)); got != want {
			fw.t.Errorf("account %s: SQL %d, engine %d", b.Account, want, got)
		}
	}
	pool, err := fw.s.FindPool(ctx, fw.pool.ID)
	fw.must(err)
	if pool.Available < 0 {
		fw.t.Errorf("pool over-committed: available %d", pool.Available)
	}
	if got := bal.Get(funds.PoolAvailableAccount(pool.ID), funds.CNY); got != pool.Available {
		fw.t.Errorf("pool cache %d, ledger %d", pool.Available, got)
	}
	camps, _, err := fw.s.FindCampaigns(ctx, app.CampaignFilter{PoolID: &pool.ID})
	fw.must(err)
	var live int64
	for _, c := range camps {
		ms, err := fw.s.FindMatches(ctx, c.ID, []string{"reserved", "committed"})
		fw.must(err)
		var sum int64
		for _, m := range ms {
			sum += m.Amount
		}
		if sum != c.Matched {
			fw.t.Errorf("campaign %d: matches sum %d, counter %d", c.ID, sum, c.Matched)
		}
		live += sum
	}
	if live+pool.Available != pool.Budget {
		fw.t.Errorf("pool %d: matched %d + available %d ≠ budget %d", pool.ID, live, pool.Available, pool.Budget)
	}
}

// TestContributionsConcurrent pays many contributions at once, each event delivered twice,
// across campaigns that compete for a pool too small for all of them.
func TestContributionsConcurrent(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1", DonorCap: 30000}, 250000)
	camps := []*app.Campaign{fw.campaign(500000, "keep_what_you_raise", true), fw.campaign(500000, "keep_what_you_raise", true), fw.campaign(300000, "all_or_nothing", true)}
	var cs []*app.Contribution
	for i := 0; i < 60; i++ {
		cs = append(cs, fw.pending(camps[i%3], fmt.Sprintf("user:%d", 1000+i%20), int64(5000+i*137)))
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(cs))
	for round := 0; round < 2; round++ {
		for _, c := range cs {
			wg.Add(1)
			go func(c *app.Contribution) {
				defer wg.Done()
				if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_paid_%d", c.ID))); err != nil {
					errs <- err
				}
			}(c)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("apply: %v", err)
	}
	var raised int64
	for _, c := range cs {
		got, err := fw.s.FindContribution(ctx, c.ID)
		fw.must(err)
		if got.Status != "succeeded" {
			t.Errorf("contribution %d: %s", c.ID, got.Status)
		}
		raised += c.Amount
	}
	var total int64
	for _, camp := range camps {
		got, err := fw.s.FindCampaign(ctx, camp.ID)
		fw.must(err)
		total += got.Raised
	}
	if total != raised {
		t.Errorf("raised %d, want %d (a gift counted twice or lost)", total, raised)
	}
	pool, _ := fw.s.FindPool(ctx, fw.pool.ID)
	if pool.Available != 0 {
		t.Errorf("pool should be drained by demand above its budget, %d left", pool.Available)
	}
	fw.checkInvariants()

	// Refund after match (套捐), concurrently, each refund event delivered twice and out of order
	// with a second paid event: matches go back to the pool and donors are flagged.
	var matched []*app.Contribution
	for _, c := range cs {
		if m, err := fw.s.FindMatchByContribution(ctx, c.ID); err == nil && m.Amount > 0 {
			matched = append(matched, c)
		}
	}
	if len(matched) < 5 {
		t.Fatalf("only %d matched contributions", len(matched))
	}
	before, _ := fw.s.FindPool(ctx, fw.pool.ID)
	var released int64
	for _, c := range matched[:5] {
		m, _ := fw.s.FindMatchByContribution(ctx, c.ID)
		released += m.Amount
	}
	for round := 0; round < 2; round++ {
		for _, c := range matched[:5] {
			wg.Add(1)
			go func(c *app.Contribution) {
				defer wg.Done()
				if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", refunded(c, fmt.Sprintf("evt_ref_%d", c.ID), c.Amount)); err != nil {
					t.Errorf("refund %d: %v", c.ID, err)
				}
				if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_paid_%d_late", c.ID))); err != nil {
					t.Errorf("late paid %d: %v", c.ID, err)
				}
			}(c)
		}
	}
	wg.Wait()
	after, _ := fw.s.FindPool(ctx, fw.pool.ID)
	if after.Available != before.Available+released {
		t.Errorf("pool after refunds %d, want %d + %d", after.Available, before.Available, released)
	}
	flags, err := fw.s.FindDonorFlags(ctx, fw.fund.ID)
	fw.must(err)
	if len(flags) != 5 {
		t.Errorf("%d donor flags, want 5", len(flags))
	}
	for _, c := range matched[:5] {
		got, _ := fw.s.FindContribution(ctx, c.ID)
		m, _ := fw.s.FindMatchByContribution(ctx, c.ID)
		if got.Status != "refunded" || m.Status != "released" || m.Amount != 0 {
			t.Errorf("contribution %d: %s, match %s %d", c.ID, got.Status, m.Status, m.Amount)
		}
	}
	fw.checkInvariants()
}

// TestContributionsMixedConcurrent runs gifts, duplicate deliveries, refunds and offline
// confirmations at once on campaigns that unlock at a threshold and compete for a small pool.
func TestContributionsMixedConcurrent(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:0.5", UnlockShareBP: 3000, UnlockDonors: 4, DonorCap: 8000, CampaignCap: 30000}, 60000)
	camps := []*app.Campaign{fw.campaign(40000, "keep_what_you_raise", true), fw.campaign(60000, "keep_what_you_raise", true),
		fw.campaign(50000, "all_or_nothing", true), fw.campaign(30000, "keep_what_you_raise", true)}
	ctx := context.Background()
	var card []*app.Contribution
	for i := 0; i < 80; i++ {
		card = append(card, fw.pending(camps[i%4], fmt.Sprintf("user:%d", 3000+i%23), int64(1500+i*61)))
	}
	worker := fw.w.As(t, fw.a, "community_worker")
	var offline []*app.Contribution
	for i := 0; i < 12; i++ {
		c, err := fw.a.RecordOffline(worker, camps[i%4].ID, app.OfflineInput{Amount: int64(2000 + i*100), Method: "cash",
			ReceiptNo: fmt.Sprintf("MIX-%03d", i), ReceivedOn: fundsNow, DonorName: "现金捐赠"})
		fw.must(err)
		offline = append(offline, c)
	}
	officer := fw.w.As(t, fw.a, "civil_affairs_officer")
	var wg sync.WaitGroup
	run := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	for round := 0; round < 2; round++ {
		for i, c := range card {
			c, i := c, i
			run(func() {
				if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_mix_%d", c.ID))); err != nil {
					t.Errorf("paid %d: %v", c.ID, err)
				}
				if i%5 == 0 { // every fifth donor takes a part back, delivered twice
					if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", refunded(c, fmt.Sprintf("evt_mixref_%d", c.ID), c.Amount/2)); err != nil && !app.IsCode(err, app.ECONFLICT) {
						t.Errorf("refund %d: %v", c.ID, err)
					}
				}
			})
		}
	}
	for _, c := range offline {
		c := c
		run(func() {
			if _, err := fw.a.ConfirmOffline(officer, c.ID); err != nil && !app.IsCode(err, app.ECONFLICT) {
				t.Errorf("confirm %d: %v", c.ID, err)
			}
		})
	}
	wg.Wait()
	// Deliver any refund that arrived before its payment once more, as Stripe would.
	for i, c := range card {
		if i%5 == 0 {
			if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", refunded(c, fmt.Sprintf("evt_mixref_%d", c.ID), c.Amount/2)); err != nil {
				t.Errorf("refund retry %d: %v", c.ID, err)
			}
		}
	}
	for i, c := range card {
		got, _ := fw.s.FindContribution(ctx, c.ID)
		want := int64(0)
		if i%5 == 0 {
			want = c.Amount / 2
		}
		if got.Status != "succeeded" || got.Refunded != want {
			t.Errorf("card gift %d: %s refunded %d, want %d", c.ID, got.Status, got.Refunded, want)
		}
	}
	for _, c := range offline {
		if got, _ := fw.s.FindContribution(ctx, c.ID); got.Status != "succeeded" {
			t.Errorf("offline gift %d: %s", c.ID, got.Status)
		}
	}
	fw.checkInvariants()
}
