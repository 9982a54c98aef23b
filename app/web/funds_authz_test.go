package web_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, fundsAuthCases) }

// fundFix is a side's fund with a pool and an open campaign, made once per harness.
type fundFix struct {
	fund     *app.Fund
	pool     *app.FundPool
	campaign *app.Campaign
	paid     *app.Campaign // a second campaign that succeeded, for disbursements
}

func (h *harness) funds(s side) *fundFix {
	h.t.Helper()
	if f, ok := h.fundFixes[s.name]; ok {
		return f
	}
	if h.fundFixes == nil {
		h.fundFixes = map[string]*fundFix{}
	}
	ctx := context.Background()
	now := h.clock.Now()
	f := &app.Fund{CommunityID: s.place.Community.ID, Name: "友邻基金" + s.name, Currency: "CNY", ApprovalThreshold: 500000,
		HandlerApprovals: 2, CommitteeSize: 3, CreatedAt: now, UpdatedAt: now}
	h.must(h.store.CreateFund(ctx, f))
	p := &app.FundPool{FundID: f.ID, Name: "政府配捐池", Source: "government", Kind: "match", Currency: "CNY", CreatedAt: now, UpdatedAt: now}
	h.must(h.store.CreatePool(ctx, p))
	h.must(h.store.CreatePoolRule(ctx, &app.FundPoolRule{PoolID: p.ID, Version: 1, RatioNum: 1, RatioDen: 1, CategoryMultipliers: "{}", KindMultipliers: "{}", CreatedAt: now}))
	p.RuleVersion = 1
	h.must(h.store.UpdatePool(ctx, p))
	pr := h.project(s, app.ProjectApproved)
	c := &app.Campaign{FundID: f.ID, ProjectID: pr.ID, PoolID: &p.ID, Title: "楼道微更新众筹", Goal: 1000000, Currency: "CNY",
		Deadline: now.Add(30 * 24 * time.Hour), Mode: "keep_what_you_raise", Status: "open", Excluded: "[]", CreatedAt: now, UpdatedAt: now}
	h.must(h.store.CreateCampaign(ctx, c))
	fx := &fundFix{fund: f, pool: p, campaign: c}
	h.fundFixes[s.name] = fx
	return fx
}

// offlineGift writes a pending offline gift recorded by the side's resident (so no worker in
// the table recorded it and any of them may confirm it).
func (h *harness) offlineGift(s side) *app.Contribution {
	return h.offlineGiftTo(s, h.funds(s).campaign)
}

func (h *harness) offlineGiftTo(s side, camp *app.Campaign) *app.Contribution {
	fx := h.funds(s)
	now := h.clock.Now()
	rec := h.ownerID(s)
	c := &app.Contribution{CampaignID: camp.ID, FundID: fx.fund.ID, DonorKey: fmt.Sprintf("offline:%d", next()), DonorName: "王阿姨",
		Source: "resident", Amount: 10000, Currency: "CNY", Channel: "offline", Status: "pending", OfflineMethod: ptrTo("cash"),
		ReceiptNo: ptrTo(fmt.Sprintf("R-%d", next())), ReceivedOn: &now, RecordedBy: &rec, CreatedAt: now, UpdatedAt: now}
	h.must(h.store.CreateContribution(context.Background(), c))
	return c
}

// succeededGift is an offline gift confirmed by an administrator.
func (h *harness) succeededGift(s side) *app.Contribution {
	c := h.offlineGift(s)
	_, err := h.app.ConfirmOffline(h.world.As(h.t, h.app, "admin"), c.ID)
	h.must(err)
	return c
}

func ptrTo[T any](v T) *T { return &v }

func fundsAuthCases() map[string]authCase {
	fundPath := func(suffix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) { return "/funds/" + id(h.funds(s).fund.ID) + suffix, nil }
	}
	campaignPath := func(prefix, suffix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) { return prefix + id(h.funds(s).campaign.ID) + suffix, nil }
	}
	officers := []string{"civil_affairs_officer", "admin"}
	return map[string]authCase{
		// --- public: funds, pools, campaigns and the ledger are open to everyone
		"GET /funds":                 {allow: anyone, build: fixed("/funds")},
		"GET /funds/:id":             {allow: anyone, build: fundPath("")},
		"GET /funds/:id/ledger":      {allow: anyone, build: fundPath("/ledger")},
		"GET /funds/:id/ledger.csv":  {allow: anyone, build: fundPath("/ledger.csv")},
		"GET /funds/:id/ledger.xlsx": {allow: anyone, build: fundPath("/ledger.xlsx")},
		"GET /pools/:id":             {allow: anyone, build: func(h *harness, s side) (string, any) { return "/pools/" + id(h.funds(s).pool.ID), nil }},
		"GET /campaigns/:id":         {allow: anyone, build: campaignPath("/campaigns/", "")},
		"GET /api/v1/funds":          {allow: anyone, build: fixed("/api/v1/funds")},
		"GET /api/v1/funds/:id":      {allow: anyone, build: fundPath("")},
		"GET /api/v1/funds/:id/ledger": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/funds/" + id(h.funds(s).fund.ID) + "/ledger", nil
		}},
		"GET /api/v1/pools/:id":                   {allow: anyone, build: func(h *harness, s side) (string, any) { return "/api/v1/pools/" + id(h.funds(s).pool.ID), nil }},
		"GET /api/v1/campaigns/:id":               {allow: anyone, build: campaignPath("/api/v1/campaigns/", "")},
		"GET /api/v1/campaigns/:id/contributions": {allow: anyone, build: campaignPath("/api/v1/campaigns/", "/contributions")},
		"GET /api/v1/campaigns/:id/preview":       {allow: anyone, build: campaignPath("/api/v1/campaigns/", "/preview?amount=5000")},

		// --- civil-affairs officers and administrators: funds, pools, rules, deposits
		"POST /api/v1/funds": {allow: officers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/funds", map[string]any{"community_id": s.place.Community.ID, "name": fmt.Sprintf("新基金%d", next())}
		}},
		"POST /api/v1/funds/:id/pools": {allow: officers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/funds/" + id(h.funds(s).fund.ID) + "/pools", map[string]any{"name": fmt.Sprintf("池%d", next()), "source": "foundation", "rule": map[string]any{"ratio": "1:0.5"}}
		}},
		"POST /api/v1/pools/:id/rules": {allow: officers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/pools/" + id(h.funds(s).pool.ID) + "/rules", map[string]any{"ratio": "1:1", "donor_cap": 50000}
		}},
		"POST /api/v1/pools/:id/deposits": {allow: officers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/pools/" + id(h.funds(s).pool.ID) + "/deposits", map[string]any{"amount": 100000, "note": "拨款"}
		}},

		// --- community managers: campaigns, offline gifts, refunds, donor flags
		"GET /api/v1/funds/:id/donor-flags": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/funds/" + id(h.funds(s).fund.ID) + "/donor-flags", nil
		}},
		"POST /api/v1/campaigns": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/campaigns", map[string]any{"fund_id": h.funds(s).fund.ID, "project_id": h.project(s, app.ProjectApproved).ID, "goal": 500000,
				"deadline": h.clock.Now().Add(20 * 24 * time.Hour), "mode": "all_or_nothing"}
		}},
		"POST /api/v1/campaigns/:id/cancellation": {allow: managers, build: func(h *harness, s side) (string, any) {
			fx := h.funds(s)
			now := h.clock.Now()
			c := &app.Campaign{FundID: fx.fund.ID, ProjectID: fx.campaign.ProjectID, Title: "待取消", Goal: 1000, Currency: "CNY",
				Deadline: now.Add(time.Hour), Mode: "all_or_nothing", Status: "open", Excluded: "[]", CreatedAt: now, UpdatedAt: now}
			h.must(h.store.CreateCampaign(context.Background(), c))
			return "/api/v1/campaigns/" + id(c.ID) + "/cancellation", map[string]any{"reason": "项目取消"}
		}},
		"POST /campaigns/:id/offline": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/campaigns/" + id(h.funds(s).campaign.ID) + "/offline", url.Values{"offline_amount": {"100"}, "method": {"cash"},
				"receipt_no": {fmt.Sprintf("P-%d", next())}, "donor_name": {"李大爷"}}
		}},
		"POST /api/v1/campaigns/:id/offline-contributions": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/campaigns/" + id(h.funds(s).campaign.ID) + "/offline-contributions", map[string]any{"amount": 10000, "method": "bank_transfer",
				"receipt_no": fmt.Sprintf("B-%d", next()), "received_on": h.clock.Now().Add(-time.Hour), "donor_name": "李大爷"}
		}},
		"POST /contributions/:id/confirm": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/contributions/" + id(h.offlineGift(s).ID) + "/confirm", url.Values{}
		}},
		"POST /api/v1/contributions/:id/confirmation": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/contributions/" + id(h.offlineGift(s).ID) + "/confirmation", nil
		}},
		"POST /contributions/:id/refund": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/contributions/" + id(h.succeededGift(s).ID) + "/refund", url.Values{"reason": {"requested_by_donor"}}
		}},
		"POST /api/v1/contributions/:id/refunds": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/contributions/" + id(h.succeededGift(s).ID) + "/refunds", map[string]any{"reason": "administrative", "amount": 5000}
		}},
	}
}

func init() {
	authCaseSets = append(authCaseSets, func() map[string]authCase {
		return map[string]authCase{
			"POST /pools/:id/finalize": {allow: []string{"civil_affairs_officer", "admin"}, build: func(h *harness, s side) (string, any) {
				return "/pools/" + id(h.qfPool(s).ID) + "/finalize", url.Values{"mode": {"standard"}}
			}},
			"POST /api/v1/pools/:id/qf-finalization": {allow: []string{"civil_affairs_officer", "admin"}, build: func(h *harness, s side) (string, any) {
				return "/api/v1/pools/" + id(h.qfPool(s).ID) + "/qf-finalization", map[string]any{"cap_percent": 25}
			}},
			"GET /api/v1/pools/:id/rule-simulation": {allow: anyone, build: func(h *harness, s side) (string, any) {
				return "/api/v1/pools/" + id(h.funds(s).pool.ID) + "/rule-simulation?ratio=1:0.5&donor_cap=50000", nil
			}},
			"GET /api/v1/pools/:id/qf-simulation": {allow: anyone, build: func(h *harness, s side) (string, any) {
				return "/api/v1/pools/" + id(h.qfPool(s).ID) + "/qf-simulation?cap_percent=50", nil
			}},
		}
	})
}

// qfPool is a quadratic-funding round pool in the side's fund.
func (h *harness) qfPool(s side) *app.FundPool {
	fx := h.funds(s)
	now := h.clock.Now()
	p := &app.FundPool{FundID: fx.fund.ID, Name: fmt.Sprintf("二次方轮%d", next()), Source: "foundation", Kind: "qf", Currency: "CNY", CreatedAt: now, UpdatedAt: now}
	h.must(h.store.CreatePool(context.Background(), p))
	return p
}

func init() {
	authCaseSets = append(authCaseSets, func() map[string]authCase {
		officers := []string{"civil_affairs_officer", "admin"}
		return map[string]authCase{
			"POST /funds": {allow: officers, build: func(h *harness, s side) (string, any) {
				return "/funds", url.Values{"community_id": {id(s.place.Community.ID)}, "name": {fmt.Sprintf("新基金%d", next())}}
			}},
			"POST /pools/:id/rules": {allow: officers, build: func(h *harness, s side) (string, any) {
				return "/pools/" + id(h.funds(s).pool.ID) + "/rules", url.Values{"ratio": {"1:0.5"}, "unlock_share_percent": {"20"}, "donor_cap": {"1,000"}}
			}},
			"POST /pools/:id/deposits": {allow: officers, build: func(h *harness, s side) (string, any) {
				return "/pools/" + id(h.funds(s).pool.ID) + "/deposits", url.Values{"deposit_amount": {"10,000"}}
			}},
			"POST /funds/:id/campaigns": {allow: managers, build: func(h *harness, s side) (string, any) {
				return "/funds/" + id(h.funds(s).fund.ID) + "/campaigns", url.Values{"project_id": {id(h.project(s, app.ProjectApproved).ID)},
					"goal": {"5,000"}, "deadline": {h.clock.Now().Add(15 * 24 * time.Hour).Format("2006-01-02T15:04")}, "mode": {"all_or_nothing"}}
			}},
			"POST /campaigns/:id/cancel": {allow: managers, build: func(h *harness, s side) (string, any) {
				fx := h.funds(s)
				now := h.clock.Now()
				c := &app.Campaign{FundID: fx.fund.ID, ProjectID: fx.campaign.ProjectID, Title: "待取消", Goal: 1000, Currency: "CNY",
					Deadline: now.Add(time.Hour), Mode: "all_or_nothing", Status: "open", Excluded: "[]", CreatedAt: now, UpdatedAt: now}
				h.must(h.store.CreateCampaign(context.Background(), c))
				return "/campaigns/" + id(c.ID) + "/cancel", url.Values{"reason": {"项目取消"}}
			}},
		}
	})
}
