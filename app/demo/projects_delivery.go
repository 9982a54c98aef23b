package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/app"
)

// delivery shows steps 4–6 in 东湖社区, through the use cases so the audit trail and ledger are
// as in production: a 助餐点 project (长者食堂) in progress with a campaign, two tasks, a plan and two
// updates; and a 口袋公园 project completed 10 days ago with its whole money trail (gifts from
// residents, merchants and a unit, a 1:1 pool match, a paid disbursement with its receipt)
// and residents' ratings.
func (l *loader) delivery(ctx context.Context, p *place) error {
	if len(p.orgs) == 0 {
		return nil
	}
	org := p.orgs[0] // 东湖社区志愿者协会: org@wushe.local is its member
	clock := l.now.Add(-60 * 24 * time.Hour)
	a := app.New(app.Deps{Store: l.st, Clock: app.ClockFunc(func() time.Time { return clock })})
	as := func(email string) (context.Context, error) {
		u, ok := l.users[email]
		if !ok {
			return nil, fmt.Errorf("demo delivery: no user %s", email)
		}
		pr, err := a.Principal(ctx, u.ID)
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
	member, err := as("org@wushe.local")
	if err != nil {
		return err
	}
	fs, err := l.st.FindFunds(ctx, &p.community.ID)
	if err != nil || len(fs) == 0 {
		return fmt.Errorf("demo delivery: the community's fund: %v", err)
	}
	f := fs[0]
	pools, err := l.st.FindPools(ctx, f.ID)
	if err != nil || len(pools) == 0 {
		return fmt.Errorf("demo delivery: the fund's pool: %v", err)
	}
	pool := pools[0]
	project := func(title, desc, category string, budgetYuan int64, beneficiaries int) (*app.Project, error) {
		decided := clock.Add(-24 * time.Hour)
		pr := &app.Project{CommunityID: p.community.ID, ProposerID: l.users["resident@wushe.local"].ID, OrganizationID: &org.ID,
			Title: title, Description: desc, Category: category, Budget: budgetYuan * 100, Currency: "CNY", Beneficiaries: beneficiaries,
			Status: app.ProjectApproved, SubmittedAt: &decided, DecidedAt: &decided, DecidedBy: &l.users["worker@wushe.local"].ID,
			DecisionNote: "居民议事会表决通过", CreatedAt: decided, UpdatedAt: decided}
		if err := l.st.CreateProject(ctx, pr); err != nil {
			return nil, fmt.Errorf("demo project %s: %w", title, err)
		}
		l.sum.Projects++
		return pr, nil
	}
	receipt := 0
	gift := func(camp *app.Campaign, name, source string, amount int64) error {
		receipt++
		c, err := a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: amount, Method: "bank_transfer", ReceiptNo: fmt.Sprintf("DH-XM-%04d", receipt),
			ReceivedOn: clock.Add(-time.Hour), DonorName: name, Source: source})
		if err != nil {
			return fmt.Errorf("demo gift: %w", err)
		}
		_, err = a.ConfirmOffline(officer, c.ID)
		return err
	}

	// 口袋公园: proposed, funded and built two months ago; completed ten days ago.
	park, err := project("口袋公园改造", "把3号楼与5号楼之间的闲置角落改成口袋公园:步道、座椅、儿童沙池和绿植,由志愿者协会组织施工与养护。",
		"environment", 12000, 800)
	if err != nil {
		return err
	}
	camp, err := a.CreateCampaign(worker, app.CampaignInput{FundID: f.ID, ProjectID: park.ID, PoolID: &pool.ID, Goal: 600000,
		Deadline: clock.Add(14 * 24 * time.Hour), Mode: "keep_what_you_raise", Title: "口袋公园众筹"})
	if err != nil {
		return fmt.Errorf("demo park campaign: %w", err)
	}
	for _, g := range []struct {
		name, source string
		amount       int64
	}{{"王阿姨", "resident", 50000}, {"李师傅", "resident", 30000}, {"张老师", "resident", 20000}, {"东湖便利店", "merchant", 80000},
		{"湖畔茶楼", "merchant", 60000}, {"平湖农商银行东湖支行", "unit", 100000}} {
		if err := gift(camp, g.name, g.source, g.amount); err != nil {
			return err
		}
	}
	parkPlan := []struct {
		title string
		days  int
	}{{"场地清理与设计公示", 7}, {"步道与座椅施工", 21}, {"绿植与沙池完工验收", 35}}
	var ms []*app.ProjectMilestone
	for _, m := range parkPlan {
		x, err := a.AddMilestone(member, park.ID, app.MilestoneInput{Title: m.title, DueOn: clock.Add(time.Duration(m.days) * 24 * time.Hour).Format(time.RFC3339)})
		if err != nil {
			return fmt.Errorf("demo milestone: %w", err)
		}
		ms = append(ms, x)
	}
	clock = clock.Add(15 * 24 * time.Hour)
	if _, _, err := a.CloseCampaigns(ctx); err != nil {
		return fmt.Errorf("demo close park campaign: %w", err)
	}
	parkUpdates := []struct {
		text    string
		percent int
	}{{"场地已清理,设计方案在公告栏公示一周,收到居民意见12条并已采纳座椅位置调整。", 20},
		{"步道铺设完成,6张座椅安装到位,周末有32名志愿者参与。", 70}}
	for i, u := range parkUpdates {
		clock = clock.Add(7 * 24 * time.Hour)
		if _, err := a.PostProjectUpdate(member, park.ID, app.ProjectUpdateInput{Text: u.text, MilestoneID: &ms[i].ID, PercentDone: ptrTo(u.percent)}); err != nil {
			return fmt.Errorf("demo park update: %w", err)
		}
	}
	d, err := a.RequestDisbursement(member, f.ID, app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: org.ID, Amount: 420000, Purpose: "口袋公园步道、座椅与绿植材料"})
	if err != nil {
		return fmt.Errorf("demo park disbursement: %w", err)
	}
	for _, who := range []context.Context{worker, officer} {
		if _, err := a.VoteDisbursement(who, d.ID, app.VoteInput{Approve: true}); err != nil {
			return fmt.Errorf("demo park approval: %w", err)
		}
	}
	if _, err := a.AddEvidence(member, d.ID, app.EvidenceInput{FileName: "材料发票.png", Data: demoReceiptPNG}); err != nil {
		return fmt.Errorf("demo park evidence: %w", err)
	}
	if _, err := a.PayDisbursement(worker, d.ID); err != nil {
		return fmt.Errorf("demo park payment: %w", err)
	}
	clock = l.now.Add(-10 * 24 * time.Hour)
	if _, err := a.CompleteProject(member, park.ID, app.CompletionInput{Report: "口袋公园已完工:步道 120 米、座椅 6 张、沙池 1 处、绿植 300 株;社区、居民代表与志愿者协会共同验收通过,养护由志愿者认领。",
		Evidence: []string{"https://wushe.local/demo/park-acceptance.pdf"}}); err != nil {
		return fmt.Errorf("demo park completion: %w", err)
	}
	scores := [][3]int{{5, 4, 5}, {5, 5, 4}, {4, 4, 4}, {5, 3, 4}, {4, 5, 5}}
	for i, s := range scores {
		email := fmt.Sprintf("rater%d@wushe.local", i+1)
		u, err := l.user(ctx, email, "东湖社区居民")
		if err != nil {
			return err
		}
		if err := l.grant(ctx, app.Membership{UserID: u.ID, Role: app.RoleResident, CommunityID: &p.community.ID}); err != nil {
			return err
		}
		rctx, err := as(email)
		if err != nil {
			return err
		}
		clock = clock.Add(time.Duration(1+i) * 24 * time.Hour)
		if _, _, err := a.RateProject(rctx, park.ID, app.ProjectRatingInput{Outcome: s[0], Timeliness: s[1], Value: s[2], Comment: []string{"孩子们有地方玩了", "施工很快", "", "晚了一周,但效果好", "钱花得明白"}[i]}); err != nil {
			return fmt.Errorf("demo park rating: %w", err)
		}
	}

	// 长者食堂 (a 助餐点): approved three weeks ago, now under way with its campaign, tasks and two updates.
	clock = l.now.Add(-21 * 24 * time.Hour)
	meals, err := project("东湖长者食堂", "在邻里中心开设长者食堂(老年助餐点),每天供应午餐并为行动不便的老人送餐上门。", "meal_delivery", 8000, 260)
	if err != nil {
		return err
	}
	mealsCamp, err := a.CreateCampaign(worker, app.CampaignInput{FundID: f.ID, ProjectID: meals.ID, PoolID: &pool.ID, Goal: 400000,
		Deadline: l.now.Add(20 * 24 * time.Hour), Mode: "keep_what_you_raise", Title: "东湖长者食堂众筹"})
	if err != nil {
		return fmt.Errorf("demo meals campaign: %w", err)
	}
	for _, g := range []struct {
		name, source string
		amount       int64
	}{{"赵大爷", "resident", 20000}, {"东湖面馆", "merchant", 50000}, {"孙女士", "resident", 10000}, {"东湖社区社工站", "social_org", 30000}} {
		if err := gift(mealsCamp, g.name, g.source, g.amount); err != nil {
			return err
		}
	}
	for _, title := range []string{"长者食堂午餐分餐", "长者食堂送餐上门"} {
		if _, err := a.CreateTask(worker, app.TaskInput{ProjectID: &meals.ID, Title: title, Category: "meal_delivery", Headcount: 4}); err != nil {
			return fmt.Errorf("demo meals task: %w", err)
		}
	}
	for _, m := range []struct {
		title string
		days  int
	}{{"厨房改造与设备采购", 10}, {"试运营", 25}, {"正式开餐", 40}} {
		if _, err := a.AddMilestone(member, meals.ID, app.MilestoneInput{Title: m.title, DueOn: clock.Add(time.Duration(m.days) * 24 * time.Hour).Format(time.RFC3339)}); err != nil {
			return fmt.Errorf("demo meals milestone: %w", err)
		}
	}
	for _, u := range []struct {
		text    string
		percent int
		days    int
	}{{"厨房改造完成,消毒柜和保温送餐箱已到位。", 30, 9}, {"试运营第一周每天供餐约40份,送餐志愿者排班已满。", 55, 18}} {
		clock = l.now.Add(time.Duration(u.days-21) * 24 * time.Hour)
		if _, err := a.PostProjectUpdate(member, meals.ID, app.ProjectUpdateInput{Text: u.text, PercentDone: ptrTo(u.percent)}); err != nil {
			return fmt.Errorf("demo meals update: %w", err)
		}
	}
	return nil
}
