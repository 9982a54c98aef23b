package web_test

import (
	"context"
	"net/url"
	"time"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, pledgesAuthCases) }

// pledge writes a pledge of the side's resident (the owner) to the side's open campaign.
func (h *harness) pledge(s side) *app.Pledge {
	h.t.Helper()
	fx := h.funds(s)
	now := h.clock.Now()
	p := &app.Pledge{CampaignID: fx.campaign.ID, FundID: fx.fund.ID, UserID: h.ownerID(s), Amount: 20000, Currency: "CNY",
		Method: "cash", Status: app.PledgePledged, CreatedAt: now, UpdatedAt: now}
	h.must(h.store.CreatePledge(context.Background(), p))
	return p
}

// ownGift is a succeeded offline gift of the side's resident, with its receipt code.
func (h *harness) ownGift(s side) *app.Contribution {
	h.t.Helper()
	c := h.offlineGift(s)
	uid := h.ownerID(s)
	c.UserID, c.DonorKey = &uid, "user:"+id(uid)
	h.must(h.store.UpdateContribution(context.Background(), c))
	_, err := h.app.ConfirmOffline(h.world.As(h.t, h.app, "admin"), c.ID)
	h.must(err)
	got, err := h.store.FindContribution(context.Background(), c.ID)
	h.must(err)
	return got
}

func pledgesAuthCases() map[string]authCase {
	owner := []string{"owner"}
	ownerOrManagers := plus(managers, "owner")
	users := []string{"user"}
	return map[string]authCase{
		// Any signed-in user pledges to an open campaign (a resident or a merchant of anywhere).
		"POST /campaigns/:id/pledges": {allow: users, anyPlace: true, build: func(h *harness, s side) (string, any) {
			return "/campaigns/" + id(h.funds(s).campaign.ID) + "/pledges", url.Values{"pledge_amount": {"100"}, "pledge_method": {"cash"}}
		}},
		"POST /api/v1/campaigns/:id/pledges": {allow: users, anyPlace: true, build: func(h *harness, s side) (string, any) {
			return "/api/v1/campaigns/" + id(h.funds(s).campaign.ID) + "/pledges", map[string]any{"amount": 10000, "method": "bank_transfer", "reference": "ICBC-1"}
		}},
		"GET /me/gifts":        {allow: users, anyPlace: true, build: fixed("/me/gifts")},
		"GET /api/v1/me/gifts": {allow: users, anyPlace: true, build: fixed("/api/v1/me/gifts")},
		// Only the donor withdraws; workers of the campaign's place receive, confirm, reject.
		"POST /pledges/:id/cancel": {allow: owner, build: func(h *harness, s side) (string, any) {
			return "/pledges/" + id(h.pledge(s).ID) + "/cancel", url.Values{}
		}},
		"POST /api/v1/pledges/:id/cancellation": {allow: owner, build: func(h *harness, s side) (string, any) {
			return "/api/v1/pledges/" + id(h.pledge(s).ID) + "/cancellation", nil
		}},
		"GET /api/v1/pledges/:id": {allow: ownerOrManagers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/pledges/" + id(h.pledge(s).ID), nil
		}},
		"GET /api/v1/campaigns/:id/pledges": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/campaigns/" + id(h.funds(s).campaign.ID) + "/pledges", nil
		}},
		"POST /pledges/:id/confirm": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/pledges/" + id(h.pledge(s).ID) + "/confirm", url.Values{"receipt_no": {"RJ-" + id(next())}}
		}},
		"POST /api/v1/pledges/:id/confirmation": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/pledges/" + id(h.pledge(s).ID) + "/confirmation", map[string]any{"receipt_no": "RJ-" + id(next()),
				"received_on": h.clock.Now().Add(-time.Hour)}
		}},
		"POST /pledges/:id/reject": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/pledges/" + id(h.pledge(s).ID) + "/reject", url.Values{"reason": {"未到账"}}
		}},
		"POST /api/v1/pledges/:id/rejection": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/pledges/" + id(h.pledge(s).ID) + "/rejection", map[string]any{"reason": "未到账"}
		}},
		// A receipt: its donor and workers of the place; its code checks for anyone.
		"GET /contributions/:id/receipt": {allow: ownerOrManagers, build: func(h *harness, s side) (string, any) {
			return "/contributions/" + id(h.ownGift(s).ID) + "/receipt", nil
		}},
		"GET /api/v1/contributions/:id/receipt": {allow: ownerOrManagers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/contributions/" + id(h.ownGift(s).ID) + "/receipt", nil
		}},
		"GET /receipts/verify": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/receipts/verify?code=" + url.QueryEscape(*h.ownGift(s).ReceiptCode), nil
		}},
		"GET /api/v1/receipts/verify": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/receipts/verify?code=" + url.QueryEscape(app.FormatReceiptCode(*h.ownGift(s).ReceiptCode)), nil
		}},
	}
}
