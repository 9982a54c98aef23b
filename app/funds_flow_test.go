package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

func TestMatchUnlockAndRuleVersions(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1", UnlockShareBP: 5000, UnlockDonors: 3}, 1000000)
	camp := fw.campaign(10000, "keep_what_you_raise", true)
	ctx := context.Background()
	var cs []*app.Contribution
	for i := 0; i < 3; i++ {
		c := fw.pending(camp, fmt.Sprintf("user:%d", 500+i), 2000)
		if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_%d", c.ID))); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
		m, err := fw.s.FindMatchByContribution(ctx, c.ID)
		fw.must(err)
		if i < 2 && (m.Status != "pending" || m.Amount != 0) {
			t.Errorf("gift %d before unlock: match %s %d, want pending 0", i, m.Status, m.Amount)
		}
	}
	for _, c := range cs {
		m, _ := fw.s.FindMatchByContribution(ctx, c.ID)
		if m.Status != "reserved" || m.Amount != 2000 || m.RuleVersion != 1 {
			t.Errorf("after unlock: match %s %d v%d, want reserved 2000 v1", m.Status, m.Amount, m.RuleVersion)
		}
	}
	// A new rule version applies to later gifts only, and each match records its version.
	if _, err := fw.a.ChangePoolRule(fw.w.As(t, fw.a, "civil_affairs_officer"), fw.pool.ID, app.RuleInput{Ratio: "1:0.5"}); err != nil {
		t.Fatal(err)
	}
	c := fw.pending(camp, "user:900", 3001)
	if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, "evt_v2")); err != nil {
		t.Fatal(err)
	}
	m, _ := fw.s.FindMatchByContribution(ctx, c.ID)
	if m.RuleVersion != 2 || m.Amount != 1500 {
		t.Errorf("v2 match: v%d %d, want v2 1500", m.RuleVersion, m.Amount)
	}
	pv, err := fw.a.MatchPreview(ctx, camp.ID, 5000)
	fw.must(err)
	if pv.Match.Amount != 2500 || pv.Text("zh") == "" {
		t.Errorf("preview %+v", pv)
	}
	fw.checkInvariants()
}

func TestOfflineAndAllOrNothingClose(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 100000)
	camp := fw.campaign(50000, "all_or_nothing", true)
	worker := fw.w.As(t, fw.a, "community_worker")
	c, err := fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 10000, Method: "cash", ReceiptNo: "DH-2026-001", ReceivedOn: fundsNow.Add(-time.Hour), DonorName: "王阿姨"})
	fw.must(err)
	if _, err := fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 10000, Method: "cash", ReceiptNo: "DH-2026-001", ReceivedOn: fundsNow, DonorName: "李"}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("duplicate receipt: %v, want invalid", err)
	}
	if _, err := fw.a.ConfirmOffline(worker, c.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("self-confirmation: %v, want forbidden", err)
	}
	if _, err := fw.a.ConfirmOffline(fw.w.As(t, fw.a, "resident"), c.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("resident confirmation: %v, want forbidden", err)
	}
	if _, err := fw.a.ConfirmOffline(fw.w.As(t, fw.a, "admin"), c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := fw.a.ConfirmOffline(fw.w.As(t, fw.a, "admin"), c.ID); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("second confirmation: %v, want conflict", err)
	}
	pool, _ := fw.s.FindPool(context.Background(), fw.pool.ID)
	if pool.Available != 90000 {
		t.Errorf("pool after match %d, want 90000", pool.Available)
	}
	// Not yet past the deadline: nothing closes.
	if n, _, err := fw.a.CloseCampaigns(context.Background()); err != nil || n != 0 {
		t.Fatalf("close before deadline: %d %v", n, err)
	}
	fw.clock.Advance(31 * 24 * time.Hour)
	n, refunded, err := fw.a.CloseCampaigns(context.Background())
	if err != nil || n != 1 || refunded != 1 {
		t.Fatalf("close: %d settled %d refunded %v", n, refunded, err)
	}
	got, _ := fw.s.FindCampaign(context.Background(), camp.ID)
	cc, _ := fw.s.FindContribution(context.Background(), c.ID)
	m, _ := fw.s.FindMatchByContribution(context.Background(), c.ID)
	pool, _ = fw.s.FindPool(context.Background(), fw.pool.ID)
	if got.Status != "failed" || cc.Status != "refunded" || m.Status != "released" || pool.Available != 100000 {
		t.Errorf("after close: campaign %s, gift %s, match %s, pool %d", got.Status, cc.Status, m.Status, pool.Available)
	}
	flags, _ := fw.s.FindDonorFlags(context.Background(), fw.fund.ID)
	if len(flags) != 0 {
		t.Errorf("campaign failure flagged %d donors", len(flags))
	}
	// Running again changes nothing.
	if n, r, err := fw.a.CloseCampaigns(context.Background()); err != nil || n != 0 || r != 0 {
		t.Errorf("second close: %d %d %v", n, r, err)
	}
	fw.checkInvariants()
}

func TestFundsBadInput(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 0)
	officer := fw.w.As(t, fw.a, "civil_affairs_officer")
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"zero ratio", func() error {
			_, err := fw.a.ChangePoolRule(officer, fw.pool.ID, app.RuleInput{Ratio: "1:0"})
			return err
		}(), "ratio"},
		{"negative cap", func() error {
			_, err := fw.a.ChangePoolRule(officer, fw.pool.ID, app.RuleInput{Ratio: "1:1", DonorCap: -1})
			return err
		}(), "donor_cap"},
		{"negative deposit", func() error {
			_, err := fw.a.DepositToPool(officer, fw.pool.ID, app.DepositInput{Amount: -5})
			return err
		}(), "amount"},
		{"bad mode", func() error {
			_, err := fw.a.CreateCampaign(officer, app.CampaignInput{FundID: fw.fund.ID, ProjectID: 999999, Goal: 0, Mode: "x"})
			return err
		}(), "mode"},
	}
	for _, c := range cases {
		var ae *app.Error
		if !app.IsCode(c.err, app.EINVALID) {
			t.Errorf("%s: %v, want invalid", c.name, c.err)
			continue
		}
		ae = c.err.(*app.Error)
		if _, ok := ae.Fields[c.field]; !ok {
			t.Errorf("%s: fields %v, want %s", c.name, ae.Fields, c.field)
		}
	}
	if v, _ := fw.s.FindPoolRules(context.Background(), fw.pool.ID); len(v) != 1 {
		t.Errorf("bad rules wrote versions: %d", len(v))
	}
	camp := fw.campaign(1000, "keep_what_you_raise", true)
	worker := fw.w.As(t, fw.a, "community_worker")
	if _, err := fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 0, Method: "cash", ReceiptNo: "R-1", ReceivedOn: fundsNow, DonorName: "x"}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("zero amount: %v", err)
	}
	if _, err := fw.a.RecordOffline(fw.w.As(t, fw.a, "worker_b"), camp.ID, app.OfflineInput{Amount: 100, Method: "cash", ReceiptNo: "R-2", ReceivedOn: fundsNow, DonorName: "x"}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("worker of another community: %v", err)
	}
	fw.clock.Advance(40 * 24 * time.Hour)
	if _, err := fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 100, Method: "cash", ReceiptNo: "R-3", ReceivedOn: fw.clock.Now(), DonorName: "x"}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("closed campaign: %v, want conflict", err)
	}
	if cs, _, _ := fw.s.FindContributions(context.Background(), app.ContributionFilter{CampaignID: &camp.ID}); len(cs) != 0 {
		t.Errorf("bad gifts wrote %d contributions", len(cs))
	}
}

// TestPreviewNeverPromisesMore checks the donate form's promise against what the gift then
// reserves, across unlock, donor caps, the campaign cap and a nearly empty pool.
func TestPreviewNeverPromisesMore(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:0.5", UnlockShareBP: 1000, UnlockDonors: 2, DonorCap: 3000, CampaignCap: 9000}, 12000)
	camp := fw.campaign(20000, "keep_what_you_raise", true)
	other := fw.campaign(20000, "keep_what_you_raise", true)
	ctx := context.Background()
	gifts := []struct {
		camp  *app.Campaign
		donor string
		amt   int64
	}{{camp, "user:1", 1000}, {camp, "user:2", 5001}, {camp, "user:1", 4000}, {other, "user:9", 7000}, {other, "user:8", 7000},
		{camp, "user:3", 3333}, {camp, "user:4", 2999}, {camp, "user:5", 100}, {camp, "user:6", 9000}, {other, "user:7", 20000}}
	for i, g := range gifts {
		// The signed-in outsider's preview; odd gifts are then paid by the outsider (the
		// promise must hold exactly), even ones by other donors, which change the state.
		u := fw.w.Users["outsider"]
		pv, err := fw.a.MatchPreview(fw.w.As(t, fw.a, "outsider"), g.camp.ID, g.amt)
		fw.must(err)
		c := fw.pending(g.camp, "user:"+fmt.Sprint(u.ID), g.amt)
		if i%2 == 0 {
			c.DonorKey = g.donor // some gifts come from other donors: preview is for a new one
			fw.must(fw.s.UpdateContribution(ctx, c))
		}
		if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_pv_%d", i))); err != nil {
			t.Fatal(err)
		}
		var reserved int64
		if m, err := fw.s.FindMatchByContribution(ctx, c.ID); err == nil {
			reserved = m.Amount
		}
		if i%2 == 1 && pv.Match.Amount != reserved {
			t.Errorf("gift %d: preview %d, reserved %d", i, pv.Match.Amount, reserved)
		}
	}
	fw.checkInvariants()
}

func TestCancelCampaign(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 50000)
	camp := fw.campaign(100000, "keep_what_you_raise", true)
	worker := fw.w.As(t, fw.a, "community_worker")
	c, err := fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 20000, Method: "bank_transfer", ReceiptNo: "BT/2026/77", ReceivedOn: fundsNow, DonorName: "张先生"})
	fw.must(err)
	_, err = fw.a.ConfirmOffline(fw.w.As(t, fw.a, "civil_affairs_officer"), c.ID)
	fw.must(err)
	if _, err := fw.a.CancelCampaign(worker, camp.ID, ""); !app.IsCode(err, app.EINVALID) {
		t.Errorf("cancel without a reason: %v", err)
	}
	if _, err := fw.a.CancelCampaign(fw.w.As(t, fw.a, "worker_b"), camp.ID, "不做了"); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("cancel by another community's worker: %v", err)
	}
	got, err := fw.a.CancelCampaign(worker, camp.ID, "场地无法落实")
	fw.must(err)
	ctx := context.Background()
	cc, _ := fw.s.FindContribution(ctx, c.ID)
	pool, _ := fw.s.FindPool(ctx, fw.pool.ID)
	if got.Status != "cancelled" || cc.Status != "refunded" || pool.Available != 50000 {
		t.Errorf("after cancel: campaign %s, gift %s, pool %d", got.Status, cc.Status, pool.Available)
	}
	if _, err := fw.a.CancelCampaign(worker, camp.ID, "again"); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("cancel twice: %v", err)
	}
	fw.checkInvariants()
}

// TestExclusionsAndMultipliers: the project's own organization cannot trigger a match, and the
// community-kind multiplier scales the ratio.
func TestExclusionsAndMultipliers(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:0.5", KindMultipliers: map[string]string{"urban": "2"}}, 100000)
	ctx := context.Background()
	orgs, _, _ := fw.s.FindOrganizations(ctx, app.OrganizationFilter{Page: app.Page{Page: 1, PerPage: 1}})
	org := orgs[0]
	pr := &app.Project{CommunityID: fw.w.A.Community.ID, ProposerID: fw.w.Users["resident"].ID, OrganizationID: &org.ID, Title: "助老食堂",
		Description: "说明", Category: "elderly_care", Budget: 100000, Currency: "CNY", Status: app.ProjectApproved}
	fw.must(fw.s.CreateProject(ctx, pr))
	camp, err := fw.a.CreateCampaign(fw.w.As(t, fw.a, "community_worker"), app.CampaignInput{FundID: fw.fund.ID, ProjectID: pr.ID, PoolID: &fw.pool.ID,
		Goal: 50000, Deadline: fundsNow.Add(10 * 24 * time.Hour), Mode: "keep_what_you_raise"})
	fw.must(err)
	own := &app.Donor{Kind: "unit", Name: org.Name, OrganizationID: &org.ID, CommunityID: &fw.w.A.Community.ID}
	fw.must(fw.s.CreateDonor(ctx, own))
	worker, officer := fw.w.As(t, fw.a, "community_worker"), fw.w.As(t, fw.a, "civil_affairs_officer")
	c1, err := fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 20000, Method: "bank_transfer", ReceiptNo: "ORG-1", ReceivedOn: fundsNow, DonorID: &own.ID})
	fw.must(err)
	_, err = fw.a.ConfirmOffline(officer, c1.ID)
	fw.must(err)
	if _, err := fw.s.FindMatchByContribution(ctx, c1.ID); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("the project's own organization triggered a match: %v", err)
	}
	c2, err := fw.a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: 3000, Method: "cash", ReceiptNo: "RES-1", ReceivedOn: fundsNow, DonorName: "陈奶奶"})
	fw.must(err)
	_, err = fw.a.ConfirmOffline(officer, c2.ID)
	fw.must(err)
	m, err := fw.s.FindMatchByContribution(ctx, c2.ID)
	fw.must(err)
	if m.Amount != 3000 { // 1:0.5 × 2 for an urban community = 1:1
		t.Errorf("urban multiplier: match %d, want 3000", m.Amount)
	}
	got, _ := fw.s.FindCampaign(ctx, camp.ID)
	if got.Raised != 23000 || got.EligibleRaised != 3000 {
		t.Errorf("raised %d (eligible %d): the organization's gift counts toward the goal only", got.Raised, got.EligibleRaised)
	}
	fw.checkInvariants()
}
