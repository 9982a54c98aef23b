package web_test

import (
	"context"
	"encoding/base64"
	"net/url"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, disbursementAuthCases) }

var pngHeader = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

// paidCampaign is a side's campaign that succeeded holding a confirmed ¥1,000 gift.
func (h *harness) paidCampaign(s side) *app.Campaign {
	fx := h.funds(s)
	if fx.paid == nil {
		ctx := context.Background()
		camp := *fx.campaign
		camp.ID, camp.Title, camp.Raised, camp.Donors = 0, "已成功的众筹", 0, 0
		h.must(h.store.CreateCampaign(ctx, &camp))
		c := h.offlineGiftTo(s, &camp)
		c.Amount = 100000
		h.must(h.store.UpdateContribution(ctx, c))
		_, err := h.app.ConfirmOffline(h.world.As(h.t, h.app, "admin"), c.ID)
		h.must(err)
		paid, err := h.store.FindCampaign(ctx, camp.ID)
		h.must(err)
		paid.Status = "succeeded"
		h.must(h.store.UpdateCampaign(ctx, paid))
		fx.paid = paid
	}
	return fx.paid
}

// disbursement writes a requested ¥100 disbursement from the side's paid campaign to its
// organization, requested by the side's resident (the owner in the table).
func (h *harness) disbursement(s side, status string, votes, evidence bool) *app.Disbursement {
	camp := h.paidCampaign(s)
	now := h.clock.Now()
	d := &app.Disbursement{FundID: camp.FundID, CampaignID: camp.ID, PayeeOrganizationID: h.org(s).ID, Amount: 10000, Currency: "CNY",
		Purpose: "购买油漆", Status: status, RequestedBy: h.ownerID(s), CreatedAt: now, UpdatedAt: now}
	ctx := context.Background()
	h.must(h.store.CreateDisbursement(ctx, d))
	if votes {
		for _, u := range []string{"civil_affairs_officer", "admin"} {
			h.must(h.store.CreateDisbursementVote(ctx, &app.DisbursementVote{DisbursementID: d.ID, ApproverID: h.world.Users[u].ID, Roles: `["treasurer"]`, Approve: true, CreatedAt: now}))
		}
	}
	if evidence {
		h.must(h.store.CreateDisbursementEvidence(ctx, &app.DisbursementEvidence{DisbursementID: d.ID, FileName: "发票.png", ContentType: "image/png",
			Size: int64(len(pngHeader)), SHA256: "x", Data: pngHeader, UploadedBy: h.ownerID(s), CreatedAt: now}))
	}
	return d
}

func disbursementAuthCases() map[string]authCase {
	approvers := []string{"community_worker", "civil_affairs_officer", "admin"}
	dpath := func(prefix, suffix, status string, votes, evidence bool) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return prefix + id(h.disbursement(s, status, votes, evidence).ID) + suffix, nil
		}
	}
	return map[string]authCase{
		"GET /disbursements":             {allow: []string{"user"}, build: fixed("/disbursements")},
		"GET /api/v1/disbursement-queue": {allow: []string{"user"}, build: fixed("/api/v1/disbursement-queue")},
		"GET /disbursements/:id":         {allow: anyone, build: dpath("/disbursements/", "", "requested", false, false)},
		"GET /api/v1/disbursements/:id":  {allow: anyone, build: dpath("/api/v1/disbursements/", "", "requested", false, false)},
		"GET /api/v1/funds/:id/disbursements": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/funds/" + id(h.funds(s).fund.ID) + "/disbursements", nil
		}},
		"GET /evidence/:id": {allow: plus(deciders, "owner"), build: func(h *harness, s side) (string, any) {
			d := h.disbursement(s, "requested", false, true)
			ev, err := h.store.FindDisbursementEvidence(context.Background(), d.ID)
			h.must(err)
			return "/evidence/" + id(ev[0].ID), nil
		}},
		"POST /funds/:id/disbursements": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			camp := h.paidCampaign(s)
			return "/funds/" + id(camp.FundID) + "/disbursements", url.Values{"campaign_id": {id(camp.ID)}, "payee_organization_id": {id(h.org(s).ID)},
				"amount": {"100"}, "purpose": {"购买油漆"}}
		}},
		"POST /api/v1/funds/:id/disbursements": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			camp := h.paidCampaign(s)
			return "/api/v1/funds/" + id(camp.FundID) + "/disbursements", map[string]any{"campaign_id": camp.ID, "payee_organization_id": h.org(s).ID,
				"amount": 10000, "purpose": "购买油漆"}
		}},
		"POST /disbursements/:id/vote": {allow: approvers, build: func(h *harness, s side) (string, any) {
			return "/disbursements/" + id(h.disbursement(s, "requested", false, false).ID) + "/vote", url.Values{"approve": {"true"}}
		}},
		"POST /api/v1/disbursements/:id/votes": {allow: approvers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/disbursements/" + id(h.disbursement(s, "requested", false, false).ID) + "/votes", map[string]any{"approve": false, "reason": "预算不清"}
		}},
		"POST /disbursements/:id/evidence": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/disbursements/" + id(h.disbursement(s, "requested", false, false).ID) + "/evidence", url.Values{}
		}},
		"POST /api/v1/disbursements/:id/evidence": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/disbursements/" + id(h.disbursement(s, "requested", false, false).ID) + "/evidence",
				map[string]any{"file_name": "发票.png", "content": base64.StdEncoding.EncodeToString(pngHeader)}
		}},
		"POST /disbursements/:id/pay": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/disbursements/" + id(h.disbursement(s, "approved", true, true).ID) + "/pay", url.Values{}
		}},
		"POST /api/v1/disbursements/:id/payment": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/disbursements/" + id(h.disbursement(s, "approved", true, true).ID) + "/payment", nil
		}},
	}
}
