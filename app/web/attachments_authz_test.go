package web_test

import (
	"context"
	"net/url"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, attachmentAuthCases) }

// needPhoto writes a photo on a fresh private need of the side's resident.
func (h *harness) needPhoto(s side) *app.Attachment {
	n := h.need(s)
	data := testPNG()
	at := &app.Attachment{OwnerType: app.AttachNeed, OwnerID: n.ID, StoredFile: app.NewStoredFile("扶手.png", "image/png", data, h.ownerID(s), h.clock.Now())}
	h.must(h.store.CreateAttachment(context.Background(), at))
	return at
}

// openBid writes a bid of the side's organization on a tender of the side still open for
// bids: on side A the world org_member's organization, on side B one it does not belong to.
func (h *harness) openBid(s side) *app.TenderBid {
	t := h.tender(s, "published")
	o := h.org(s)
	now := h.clock.Now()
	b := &app.TenderBid{TenderID: t.ID, OrganizationID: o.ID, SubmittedBy: h.world.Users["admin"].ID, Price: 15000000, Currency: "CNY",
		Plan: "每周上门两次", Capacity: 1, Team: []int64{h.certifiedWorker(o.ID)}, CreatedAt: now, UpdatedAt: now}
	h.must(h.store.SaveTenderBid(context.Background(), b))
	return b
}

// bidFile writes a PDF on a fresh open bid of the side.
func (h *harness) bidFile(s side) *app.Attachment {
	b := h.openBid(s)
	data := []byte("%PDF-1.4\n%测试\n")
	at := &app.Attachment{OwnerType: app.AttachBid, OwnerID: b.ID, StoredFile: app.NewStoredFile("资质.pdf", "application/pdf", data, h.world.Users["org_member"].ID, h.clock.Now())}
	h.must(h.store.CreateAttachment(context.Background(), at))
	return at
}

// attachmentAuthCases: a need's photos are added and removed by its resident (and its
// assignee, none here) and read by those who see its details; a bid is edited, withdrawn and
// given files by members of its organization only (the org_member on side A; nobody on B,
// whose organization has no member), before its deadline.
func attachmentAuthCases() map[string]authCase {
	bidders := []string{"org_member"}
	bidPath := func(suffix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) { return "/bids/" + id(h.openBid(s).ID) + suffix, url.Values{} }
	}
	return map[string]authCase{
		"GET /attachments/:id": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return h.needPhoto(s).URL(), nil
		}},
		"GET /api/v1/needs/:id/photos": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/needs/" + id(h.needPhoto(s).OwnerID) + "/photos", nil
		}},
		"POST /api/v1/needs/:id/photos": {allow: []string{"owner"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/needs/" + id(h.need(s).ID) + "/photos", map[string]any{"file_name": "扶手.png", "content": testPNG()}
		}},
		"POST /needs/:id/photos": {allow: []string{"owner"}, build: func(h *harness, s side) (string, any) {
			return "/needs/" + id(h.need(s).ID) + "/photos", url.Values{}
		}},
		"DELETE /api/v1/needs/:id/photos/:photo_id": {allow: []string{"owner"}, build: func(h *harness, s side) (string, any) {
			at := h.needPhoto(s)
			return "/api/v1/needs/" + id(at.OwnerID) + "/photos/" + id(at.ID), nil
		}},
		"POST /needs/:id/photos/:photo_id/delete": {allow: []string{"owner"}, build: func(h *harness, s side) (string, any) {
			at := h.needPhoto(s)
			return "/needs/" + id(at.OwnerID) + "/photos/" + id(at.ID) + "/delete", url.Values{}
		}},
		"GET /bids/:id/edit": {allow: bidders, build: func(h *harness, s side) (string, any) {
			return "/bids/" + id(h.openBid(s).ID) + "/edit", nil
		}},
		"POST /bids/:id": {allow: bidders, build: bidPath("")},
		"PUT /api/v1/bids/:id": {allow: bidders, build: func(h *harness, s side) (string, any) {
			b := h.openBid(s)
			return "/api/v1/bids/" + id(b.ID), map[string]any{"price": 14000000, "plan": "每周上门三次", "team": b.Team, "capacity": 1}
		}},
		"POST /bids/:id/withdraw": {allow: bidders, build: bidPath("/withdraw")},
		"POST /api/v1/bids/:id/withdraw": {allow: bidders, build: func(h *harness, s side) (string, any) {
			return "/api/v1/bids/" + id(h.openBid(s).ID) + "/withdraw", nil
		}},
		"POST /bids/:id/files": {allow: bidders, build: bidPath("/files")},
		"POST /api/v1/bids/:id/files": {allow: bidders, build: func(h *harness, s side) (string, any) {
			return "/api/v1/bids/" + id(h.openBid(s).ID) + "/files", map[string]any{"file_name": "资质.pdf", "content": []byte("%PDF-1.4\n")}
		}},
		"DELETE /api/v1/bids/:id/files/:file_id": {allow: bidders, build: func(h *harness, s side) (string, any) {
			at := h.bidFile(s)
			return "/api/v1/bids/" + id(at.OwnerID) + "/files/" + id(at.ID), nil
		}},
		"POST /bids/:id/files/:file_id/delete": {allow: bidders, build: func(h *harness, s side) (string, any) {
			at := h.bidFile(s)
			return "/bids/" + id(at.OwnerID) + "/files/" + id(at.ID) + "/delete", url.Values{}
		}},
	}
}
