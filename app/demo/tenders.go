package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/app"
)

// TenderAccounts are the demo sign-ins of the tender data set (same password as Accounts).
var TenderAccounts = []Account{
	{"zhongdai@wushe.local", "civil_affairs_officer", "钟埭街道民政干部(发布居家养老购买服务项目)"},
	{"zhongdai-review@wushe.local", "civil_affairs_officer", "钟埭街道民政评审"},
}

// demoBidders is how many organizations bid on the demo tender; each has a bidderN@ sign-in.
const demoBidders = 3

// tenders writes the government purchase-of-services data: 钟埭街道 bought 居家养老 for
// 西林寺社区 and 钟埭社区 — three verified organizations bid, two evaluators declared and scored,
// and the award ran — and 当湖街道 has a 助餐送餐 tender for 东湖社区 open for bids. It goes
// through the application's use cases on a clock set back in time, so every rule (deadline,
// ceiling, verified bidders, certified teams, declarations) holds in the demo too.
func (l *loader) tenders(ctx context.Context, places []*place) error {
	clock := l.now
	a := app.New(app.Deps{Store: l.st, Clock: app.ClockFunc(func() time.Time { return clock }), Location: l.loc})
	as := func(u *app.User) (context.Context, error) {
		p, err := a.Principal(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		return app.WithPrincipal(ctx, p), nil
	}
	var street *app.Street
	var served []*place
	for _, p := range places {
		if p.spec.street == "钟埭街道" {
			street, served = l.streets[p.spec.street], append(served, p)
		}
	}
	if street == nil || len(served) < 2 {
		return fmt.Errorf("demo tenders: 钟埭街道 needs two communities")
	}
	var officers []*app.User
	for _, acc := range TenderAccounts {
		u, err := l.user(ctx, acc.Email, acc.Note)
		if err != nil {
			return err
		}
		if err := l.grant(ctx, app.Membership{UserID: u.ID, Role: app.RoleCivilAffairs, StreetID: &street.ID}); err != nil {
			return err
		}
		officers = append(officers, u)
	}

	// Forty days ago the street published the tender, open for two weeks; service began a
	// month ago and runs for a year.
	day := 24 * time.Hour
	clock = l.now.Add(-40 * day)
	officer, err := as(officers[0])
	if err != nil {
		return err
	}
	start := time.Date(clock.Year(), clock.Month(), clock.Day(), 0, 0, 0, 0, l.loc).Add(10 * day)
	in := app.TenderInput{StreetID: street.ID, Title: "钟埭街道2026年度居家养老上门服务项目",
		Description: "为西林寺社区、钟埭社区80岁以上独居、空巢及失能老人提供每周两次上门探访、生活照料、助浴助洁和紧急呼叫响应;建立一人一档,按月报送服务台账,接受居民满意度评价。",
		Category:    "elderly_care", CommunityIDs: []int64{served[0].community.ID, served[1].community.ID},
		BudgetCeiling: 48000000, PeriodStart: start.UTC(), PeriodEnd: start.AddDate(1, 0, 0).UTC(),
		BidDeadline: start.Add(-4 * day).Add(17 * time.Hour).UTC(), MaxAwards: 1, MinScore: 60,
		Criteria: []app.CriterionInput{
			{Name: "服务方案", Weight: 40, Description: "需求评估、服务内容与频次、应急预案"},
			{Name: "团队与资质", Weight: 30, Description: "持证社工人数、督导安排、同类项目经验"},
			{Name: "报价合理性", Weight: 20, Description: "成本测算是否清楚、与服务量匹配"},
			{Name: "居民满意度承诺", Weight: 10, Description: "回访机制与整改措施"},
		}}
	t, err := a.CreateTender(officer, in)
	if err != nil {
		return fmt.Errorf("demo tender: %w", err)
	}
	if _, err := a.PublishTender(officer, t.ID); err != nil {
		return fmt.Errorf("demo tender: %w", err)
	}

	// Three verified social organizations of the two communities bid.
	type bidder struct {
		org   *app.Organization
		price int64
		plan  string
	}
	plans := []string{
		"组建2名持证社工+8名助老员的服务队,按网格分片包户,每周两次上门,季度开展健康评估;24小时呼叫响应。",
		"依托社区邻里中心设服务站,社工督导带领志愿者结对,每周上门两次,配套助浴车每月一次。",
		"以家庭照护者培训为特色,上门服务外每月开展一次照护技能课堂,建立紧急联系人网络。",
	}
	var bidders []bidder
	var pools [][]*app.Organization
	for _, p := range served {
		var pool []*app.Organization
		for _, o := range p.orgs {
			if o.Kind == "social_org" && o.Verified {
				pool = append(pool, o)
			}
		}
		pools = append(pools, pool)
	}
	for k := 0; len(bidders) < demoBidders && k < 20; k++ { // alternate between the two communities
		if pool := pools[k%len(pools)]; k/len(pools) < len(pool) {
			bidders = append(bidders, bidder{org: pool[k/len(pools)]})
		}
	}
	clock = l.now.Add(-35 * day)
	var bids []*app.TenderBid
	for i, b := range bidders {
		ws, _, err := l.st.FindSocialWorkers(ctx, app.SocialWorkerFilter{OrganizationID: &b.org.ID, Page: app.Page{Page: 1, PerPage: app.MaxPerPage}})
		if err != nil {
			return err
		}
		var team []int64
		for _, w := range ws {
			if w.CertificateNumber != "" && len(team) < 3 {
				team = append(team, w.ID)
			}
		}
		if len(team) == 0 { // a bid needs a certified team: register the organization's lead social worker
			w := &app.SocialWorker{OrganizationID: &b.org.ID, Name: personName(l.r), CertificationLevel: "social_worker",
				CertificateNumber: fmt.Sprintf("ZJ%04d%06d", 2018+i, l.r.IntN(1000000)), CommunityID: b.org.CommunityID,
				Mobile: mobile(l.r), YearsExperience: 3 + i, Categories: []string{"elderly_care"}, CreatedAt: l.now, UpdatedAt: l.now}
			if err := l.st.CreateSocialWorker(ctx, w); err != nil {
				return err
			}
			l.sum.SocialWorkers++
			team = []int64{w.ID}
		}
		u, err := l.user(ctx, fmt.Sprintf("bidder%d@wushe.local", i+1), b.org.Name+"项目负责人")
		if err != nil {
			return err
		}
		if err := l.grant(ctx, app.Membership{UserID: u.ID, Role: app.RoleOrgMember, OrganizationID: &b.org.ID, CommunityID: b.org.CommunityID}); err != nil {
			return err
		}
		member, err := as(u)
		if err != nil {
			return err
		}
		bid, err := a.SubmitBid(member, t.ID, app.BidInput{OrganizationID: b.org.ID, Price: []int64{45800000, 43600000, 47200000}[i],
			Plan: plans[i], Team: team, Capacity: 1 + i%2})
		if err != nil {
			return fmt.Errorf("demo bid of %s: %w", b.org.Name, err)
		}
		bids = append(bids, bid)
		if i == 0 { // the first bidder attaches its qualifications, readable by all once awarded
			if err := bidFiles(member, a, bid, b.org); err != nil {
				return err
			}
		}
	}
	if len(bids) < 2 {
		return fmt.Errorf("demo tenders: only %d verified organizations to bid", len(bids))
	}

	// After the deadline both officers declare (the reviewer has a conflict with the third
	// bidder: she used to work there) and score; the publisher runs the award.
	clock = t.BidDeadline.Add(2 * day)
	sheets := [][][]int{ // evaluator × bid × criterion
		{{88, 85, 80, 90}, {82, 78, 92, 85}, {75, 80, 70, 80}},
		{{90, 88, 78, 85}, {80, 82, 90, 80}, {0, 0, 0, 0}},
	}
	for e, u := range officers {
		ctx, err := as(u)
		if err != nil {
			return err
		}
		decl := app.DeclarationInput{Affirm: true}
		if e == 1 && len(bids) > 2 {
			decl.ConflictOrganizationIDs = []int64{bids[2].OrganizationID}
			decl.Statement = "本人2023年前曾在该机构任职,申请回避。"
		}
		if _, err := a.Declare(ctx, t.ID, decl); err != nil {
			return fmt.Errorf("demo declaration: %w", err)
		}
		tt, err := a.Tender(ctx, t.ID)
		if err != nil {
			return err
		}
		for i, b := range bids {
			if slices.Contains(decl.ConflictOrganizationIDs, b.OrganizationID) {
				continue
			}
			sc := app.ScoreInput{BidID: b.ID}
			for k, c := range tt.Criteria {
				sc.Scores = append(sc.Scores, app.CriterionScore{CriterionID: c.ID, Score: sheets[e][i][k]})
			}
			if _, err := a.ScoreBid(ctx, t.ID, sc); err != nil {
				return fmt.Errorf("demo score: %w", err)
			}
		}
	}
	if _, err := a.AwardTender(officer, t.ID); err != nil {
		return fmt.Errorf("demo award: %w", err)
	}

	// 当湖街道's meal-delivery tender for 东湖社区, published five weeks ago, is open for bids
	// now: the demo organization can bid.
	clock = l.now.Add(-35 * day)
	dh := places[0]
	if off := l.users["officer@wushe.local"]; off != nil {
		ctx, err := as(off)
		if err != nil {
			return err
		}
		start := time.Date(l.now.In(l.loc).Year(), l.now.In(l.loc).Month(), l.now.In(l.loc).Day(), 0, 0, 0, 0, l.loc).AddDate(0, 1, 0)
		open, err := a.CreateTender(ctx, app.TenderInput{StreetID: dh.community.StreetID, Title: "东湖社区老年人送餐上门服务项目",
			Description: "为东湖社区37位居家失能、独居老人提供工作日午餐配送,11:00–12:00送达,并记录老人身体状况异常及时报告网格员。",
			Category:    "meal_delivery", CommunityIDs: []int64{dh.community.ID}, BudgetCeiling: 18600000,
			PeriodStart: start.UTC(), PeriodEnd: start.AddDate(1, 0, 0).UTC(), BidDeadline: start.Add(-10 * day).Add(17 * time.Hour).UTC(), MaxAwards: 1,
			Criteria: []app.CriterionInput{{Name: "配送方案", Weight: 50}, {Name: "团队与资质", Weight: 25}, {Name: "报价合理性", Weight: 25}}})
		if err != nil {
			return fmt.Errorf("demo open tender: %w", err)
		}
		if _, err := a.PublishTender(ctx, open.ID); err != nil {
			return fmt.Errorf("demo open tender: %w", err)
		}
		// Two days ago the demo organization bid, with its documents; it may still edit or
		// withdraw the bid (issue 12).
		if err := l.openBid(ctx, a, as, dh, open, &clock); err != nil {
			return err
		}
	}
	return nil
}
