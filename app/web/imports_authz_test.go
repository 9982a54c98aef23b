package web_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, importAuthCases) }

// multipartBody is a request body the harness sends as multipart/form-data.
type multipartBody struct {
	fields map[string]string
	file   []byte
}

func (h *harness) importJob(s side) *app.ImportJob {
	j := &app.ImportJob{Kind: app.ImportVolunteers, CommunityID: s.place.Community.ID, CreatedBy: h.ownerID(s), Status: app.ImportPreviewed,
		Report: `{"header_row":1}`, Payload: "[]"}
	h.must(h.store.CreateImportJob(context.Background(), j))
	return j
}

// pointsFixture gives the place's volunteer 100 points and stocks an item.
func (h *harness) pointsFixture(s side) (*app.Volunteer, *app.ShopItem) {
	ctx := context.Background()
	v := h.volunteer(s)
	tx := &app.PointsTransaction{CommunityID: v.CommunityID, VolunteerID: v.ID, Kind: app.PointsAward, SourceKey: fmt.Sprintf("test:%d", next()), Reason: "test"}
	_, err := h.store.PostPoints(ctx, tx, []app.PointsEntry{{CommunityID: v.CommunityID, Account: app.PointsHolder, VolunteerID: &v.ID, Points: 100},
		{CommunityID: v.CommunityID, Account: app.PointsIssued, Points: -100}})
	h.must(err)
	it := &app.ShopItem{CommunityID: v.CommunityID, Name: "大米", Points: 10, Stock: 100, Currency: "CNY", Active: true, CreatedBy: h.ownerID(s)}
	h.must(h.store.CreateShopItem(ctx, it))
	return v, it
}

func (h *harness) redemption(s side) *app.Redemption {
	ctx := context.Background()
	v, it := h.pointsFixture(s)
	tx := &app.PointsTransaction{CommunityID: v.CommunityID, VolunteerID: v.ID, Kind: app.PointsRedeem, SourceKey: fmt.Sprintf("test:%d", next()), Reason: "test"}
	_, err := h.store.PostPoints(ctx, tx, []app.PointsEntry{{CommunityID: v.CommunityID, Account: app.PointsHolder, VolunteerID: &v.ID, Points: -10},
		{CommunityID: v.CommunityID, Account: app.PointsRedeemed, Points: 10}})
	h.must(err)
	r := &app.Redemption{ItemID: it.ID, CommunityID: v.CommunityID, VolunteerID: v.ID, Quantity: 1, Points: 10, Status: app.RedemptionReserved,
		TransactionID: tx.ID, CreatedBy: h.ownerID(s)}
	h.must(h.store.CreateRedemption(ctx, r))
	return r
}

// importAuthCases covers imports (the community's managers), points (holders see and redeem
// their own; front-desk workers award and hand over, and over a whole community (not a grid)
// set the rates and stock the shelf, with the donating merchant's members; managers and the committee see
// the liability) and data rights (every signed-in user, about themselves).
func importAuthCases() map[string]authCase {
	comm := func(suffix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + suffix, nil
		}
	}
	return map[string]authCase{
		"POST /api/v1/imports": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/imports", multipartBody{fields: map[string]string{"kind": "volunteers", "community_id": id(s.place.Community.ID)},
				file: []byte("姓名,手机号\n张三,13800138000\n")}
		}},
		"GET /api/v1/imports/:id": {allow: managers, build: func(h *harness, s side) (string, any) { return "/api/v1/imports/" + id(h.importJob(s).ID), nil }},
		"POST /api/v1/imports/:id/commit": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/imports/" + id(h.importJob(s).ID) + "/commit", map[string]any{"mode": "valid_only", "duplicates": "skip"}
		}},
		"GET /api/v1/me/points": {allow: []string{"user"}, build: fixed("/api/v1/me/points")},
		"GET /api/v1/volunteers/:id/points": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/volunteers/" + id(h.volunteer(s).ID) + "/points", nil
		}},
		"POST /api/v1/volunteers/:id/points": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/volunteers/" + id(h.volunteer(s).ID) + "/points", map[string]any{"points": 5, "reason": "值班"}
		}},
		"GET /api/v1/communities/:id/points":       {allow: plus(managers, "committee_member"), build: comm("/points")},
		"GET /api/v1/communities/:id/points-rules": {allow: anyone, build: comm("/points-rules")},
		"PUT /api/v1/communities/:id/points-rules": {allow: managers, build: func(h *harness, s side) (string, any) {
			p, _ := comm("/points-rules")(h, s)
			return p, map[string]any{"checkin_per_hour": 10, "coordinator_per_hour": 10, "self_report_per_hour": 5, "expiry_months": 12}
		}},
		"GET /api/v1/shop-items": {allow: anyone, build: fixed("/api/v1/shop-items")},
		"POST /api/v1/shop-items": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/shop-items", map[string]any{"community_id": s.place.Community.ID, "organization_id": h.org(s).ID, "name": "食用油", "points": 30, "stock": 5, "value_fen": 5990}
		}},
		"POST /api/v1/redemptions": {allow: []string{"owner"}, build: func(h *harness, s side) (string, any) {
			v, it := h.pointsFixture(s)
			return "/api/v1/redemptions", map[string]any{"item_id": it.ID, "volunteer_id": v.ID}
		}},
		"POST /api/v1/redemptions/:id/hand-over": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/redemptions/" + id(h.redemption(s).ID) + "/hand-over", nil
		}},
		"POST /api/v1/redemptions/:id/cancel": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/redemptions/" + id(h.redemption(s).ID) + "/cancel", nil
		}},
		"GET /api/v1/me/data":     {allow: []string{"user"}, build: fixed("/api/v1/me/data")},
		"POST /api/v1/me/consent": {allow: []string{"user"}, build: func(h *harness, s side) (string, any) { return "/api/v1/me/consent", url.Values{} }},
		"POST /api/v1/me/erase": {allow: []string{"user"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/me/erase", map[string]any{"password": "wrong", "confirm": "注销"}
		}},
	}
}
