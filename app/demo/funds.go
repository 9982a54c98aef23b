package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/app"
)

// funds opens 东湖友邻基金 with a government pool matching 1:1 and two campaigns with gifts,
// all through the application's use cases so the ledger is posted exactly as in production.
func (l *loader) funds(ctx context.Context, p *place) error {
	// The fund's history starts 40 days ago, so one campaign has already succeeded and paid
	// its organization: the ledger shows a whole money trail.
	clock := l.now.Add(-40 * 24 * time.Hour)
	a := app.New(app.Deps{Store: l.st, Clock: app.ClockFunc(func() time.Time { return clock })})
	as := func(email string) (context.Context, error) {
		u, ok := l.users[email]
		if !ok {
			return nil, fmt.Errorf("demo funds: no user %s", email)
		}
		pr, err := a.Principal(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		return app.WithPrincipal(ctx, pr), nil
	}
	officer, err := as("officer@wushe.local")
	if err != nil {
		return err
	}
	worker, err := as("worker@wushe.local")
	if err != nil {
		return err
	}
	f, err := a.CreateFund(officer, app.FundInput{CommunityID: p.community.ID, Name: "东湖友邻基金",
		Description: "居民和商户先众筹，达到门槛后由市民政局配捐池按 1:1 配捐；账目全部公开。"})
	if err != nil {
		return fmt.Errorf("demo fund: %w", err)
	}
	pool, err := a.CreatePool(officer, f.ID, app.PoolInput{Name: "平湖市民政局配捐池", Source: "government",
		Rule: &app.RuleInput{Ratio: "1:1", UnlockShareBP: 2000, UnlockDonors: 3, DonorCap: 100000, Note: "2026 年度社区微项目配捐"}})
	if err != nil {
		return fmt.Errorf("demo pool: %w", err)
	}
	if _, err := a.DepositToPool(officer, pool.ID, app.DepositInput{Amount: 5000000, Note: "2026 年度财政拨款"}); err != nil {
		return fmt.Errorf("demo deposit: %w", err)
	}
	prs, _, err := l.st.FindProjects(ctx, app.ProjectFilter{CommunityID: &p.community.ID, Statuses: []string{app.ProjectApproved}, Page: app.Page{Page: 1, PerPage: 3}})
	if err != nil {
		return err
	}
	donors, _, err := l.st.FindDonors(ctx, app.DonorFilter{CommunityID: &p.community.ID, Page: app.Page{Page: 1, PerPage: 12}})
	if err != nil {
		return err
	}
	receipt := 0
	give := func(camp *app.Campaign, skip func(int) bool) error {
		for j, d := range donors {
			if skip(j) {
				continue
			}
			receipt++
			amount := int64(5000 + 2500*l.r.IntN(20))
			c, err := a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: amount, Method: "cash", ReceiptNo: fmt.Sprintf("DH-2026-%04d", receipt),
				ReceivedOn: clock.Add(-time.Duration(1+j) * time.Hour), DonorID: &d.ID, Anonymous: d.AnonymousDefault})
			if err != nil {
				return fmt.Errorf("demo gift: %w", err)
			}
			if _, err := a.ConfirmOffline(officer, c.ID); err != nil {
				return fmt.Errorf("demo confirmation: %w", err)
			}
		}
		return nil
	}
	if len(prs) == 3 && len(p.orgs) > 0 {
		if err := l.paidCampaign(ctx, a, &clock, f, pool, prs[2], p.orgs[0], give); err != nil {
			return err
		}
		prs = prs[:2]
	}
	clock = l.now
	specs := []struct {
		goal int64
		days int
		mode string
	}{{800000, 20, "all_or_nothing"}, {500000, 10, "keep_what_you_raise"}}
	var open []*app.Campaign
	for i, pr := range prs {
		sp := specs[i]
		camp, err := a.CreateCampaign(worker, app.CampaignInput{FundID: f.ID, ProjectID: pr.ID, PoolID: &pool.ID, Goal: sp.goal,
			Deadline: l.now.Add(time.Duration(sp.days) * 24 * time.Hour), Mode: sp.mode})
		if err != nil {
			return fmt.Errorf("demo campaign: %w", err)
		}
		if err := give(camp, func(j int) bool { return (j+i)%2 == 1 }); err != nil {
			return err
		}
		open = append(open, camp)
	}
	if len(open) == 0 {
		return nil
	}
	resident, err := as("resident@wushe.local")
	if err != nil {
		return err
	}
	return l.pledges(resident, worker, officer, a, open)
}

// pledges has the demo resident pledge twice (认捐): once in cash, received by the worker and
// confirmed by the officer (a gift with a receipt under 我的捐赠), and once by bank transfer,
// still waiting on the worker's campaign page.
func (l *loader) pledges(resident, worker, officer context.Context, a *app.App, camps []*app.Campaign) error {
	pl, err := a.CreatePledge(resident, camps[0].ID, app.PledgeInput{Amount: 20000, Method: "cash", Note: "周六上午送到社区办公室"})
	if err != nil {
		return fmt.Errorf("demo pledge: %w", err)
	}
	if _, err := a.ConfirmPledge(worker, pl.ID, app.PledgeConfirmInput{ReceiptNo: "DH-RJ-0001"}); err != nil {
		return fmt.Errorf("demo pledge received: %w", err)
	}
	if _, err := a.ConfirmPledge(officer, pl.ID, app.PledgeConfirmInput{}); err != nil {
		return fmt.Errorf("demo pledge confirmed: %w", err)
	}
	if _, err := a.CreatePledge(resident, camps[len(camps)-1].ID, app.PledgeInput{Amount: 10000, Method: "bank_transfer", Reference: "ICBC 6222-0212"}); err != nil {
		return fmt.Errorf("demo pledge: %w", err)
	}
	return nil
}

// paidCampaign runs a small campaign to success 40 days ago and pays its organization after
// two handlers approved, with a receipt attached.
func (l *loader) paidCampaign(ctx context.Context, a *app.App, clock *time.Time, f *app.Fund, pool *app.FundPool, pr *app.Project,
	payee *app.Organization, give func(*app.Campaign, func(int) bool) error) error {
	as := func(email string) (context.Context, error) {
		pr, err := a.Principal(ctx, l.users[email].ID)
		if err != nil {
			return nil, err
		}
		return app.WithPrincipal(ctx, pr), nil
	}
	worker, err := as("worker@wushe.local")
	if err != nil {
		return err
	}
	officer, err := as("officer@wushe.local")
	if err != nil {
		return err
	}
	org, err := as("org@wushe.local")
	if err != nil {
		return err
	}
	camp, err := a.CreateCampaign(worker, app.CampaignInput{FundID: f.ID, ProjectID: pr.ID, PoolID: &pool.ID, Goal: 300000,
		Deadline: clock.Add(20 * 24 * time.Hour), Mode: "keep_what_you_raise"})
	if err != nil {
		return fmt.Errorf("demo past campaign: %w", err)
	}
	if err := give(camp, func(j int) bool { return j >= 8 }); err != nil {
		return err
	}
	*clock = l.now.Add(-15 * 24 * time.Hour)
	if _, _, err := a.CloseCampaigns(ctx); err != nil {
		return fmt.Errorf("demo close: %w", err)
	}
	cv, err := a.Campaign(ctx, camp.ID)
	if err != nil {
		return err
	}
	d, err := a.RequestDisbursement(org, f.ID, app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: payee.ID,
		Amount: min(cv.Raised, 450000), Purpose: "活动物资采购与志愿者餐补"})
	if err != nil {
		return fmt.Errorf("demo disbursement: %w", err)
	}
	for _, who := range []context.Context{worker, officer} {
		if _, err := a.VoteDisbursement(who, d.ID, app.VoteInput{Approve: true}); err != nil {
			return fmt.Errorf("demo approval: %w", err)
		}
	}
	if _, err := a.AddEvidence(org, d.ID, app.EvidenceInput{FileName: "发票.png", Data: demoReceiptPNG}); err != nil {
		return fmt.Errorf("demo evidence: %w", err)
	}
	if _, err := a.PayDisbursement(worker, d.ID); err != nil {
		return fmt.Errorf("demo payment: %w", err)
	}
	return nil
}

// demoReceiptPNG is a 1×1 PNG standing in for a scanned receipt.
var demoReceiptPNG = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8, 0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0xd1,
	0x6b, 0x3e, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82}
