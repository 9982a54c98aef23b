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
	a := app.New(app.Deps{Store: l.st, Clock: app.ClockFunc(func() time.Time { return l.now })})
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
	prs, _, err := l.st.FindProjects(ctx, app.ProjectFilter{CommunityID: &p.community.ID, Statuses: []string{app.ProjectApproved}, Page: app.Page{Page: 1, PerPage: 2}})
	if err != nil {
		return err
	}
	specs := []struct {
		goal int64
		days int
		mode string
	}{{800000, 20, "all_or_nothing"}, {500000, 10, "keep_what_you_raise"}}
	donors, _, err := l.st.FindDonors(ctx, app.DonorFilter{CommunityID: &p.community.ID, Page: app.Page{Page: 1, PerPage: 12}})
	if err != nil {
		return err
	}
	receipt := 0
	for i, pr := range prs {
		sp := specs[i]
		camp, err := a.CreateCampaign(worker, app.CampaignInput{FundID: f.ID, ProjectID: pr.ID, PoolID: &pool.ID, Goal: sp.goal,
			Deadline: l.now.Add(time.Duration(sp.days) * 24 * time.Hour), Mode: sp.mode})
		if err != nil {
			return fmt.Errorf("demo campaign: %w", err)
		}
		for j, d := range donors {
			if (j+i)%2 == 1 {
				continue
			}
			receipt++
			amount := int64(5000 + 2500*l.r.IntN(20))
			c, err := a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: amount, Method: "cash", ReceiptNo: fmt.Sprintf("DH-2026-%04d", receipt),
				ReceivedOn: l.now.Add(-time.Duration(1+j) * time.Hour), DonorID: &d.ID, Anonymous: d.AnonymousDefault})
			if err != nil {
				return fmt.Errorf("demo gift: %w", err)
			}
			if _, err := a.ConfirmOffline(officer, c.ID); err != nil {
				return fmt.Errorf("demo confirmation: %w", err)
			}
		}
	}
	return nil
}
