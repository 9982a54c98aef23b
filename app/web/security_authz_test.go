package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
)

// TestOrgMembershipStaysInItsCommunity replays the probe of issue 9 (defect 1) over HTTP: a
// community worker of B makes a resident of B a member of A's organization, naming B in the
// body. The grant must be refused; and a membership row of that shape (as the old grant path
// wrote, before migration 00009 revoked them) must give nothing in A: no organization edit,
// no disbursement request against A's fund, no unmasked social worker, no sealed bid.
func TestOrgMembershipStaysInItsCommunity(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, b := h.sides()[0], h.sides()[1]
	orgA := h.org(a)
	resident := h.world.Users["resident_b"]
	grant := func(body map[string]any) (int, map[string]any) {
		return h.api(http.MethodPost, "/api/v1/memberships", "worker_b", body)
	}
	// Naming B in the body: refused as a field error, nothing written.
	status, out := grant(map[string]any{"user_id": resident.ID, "role": "org_member", "organization_id": orgA.ID, "community_id": b.place.Community.ID})
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "community_id") {
		t.Errorf("grant of A's organization naming B = %d %v, want 422 on community_id", status, out)
	}
	// Without a scope: decided against A, the organization's community, which B's worker does not hold.
	if status, out := grant(map[string]any{"user_id": resident.ID, "role": "org_member", "organization_id": orgA.ID}); status != http.StatusForbidden {
		t.Errorf("grant of A's organization by B's worker = %d %v, want 403", status, out)
	}
	// A worker of A may, and the membership carries A whatever scope is left out.
	status, out = h.api(http.MethodPost, "/api/v1/memberships", "community_worker", map[string]any{"user_id": h.world.Users["volunteer"].ID, "role": "org_member", "organization_id": orgA.ID})
	if status != http.StatusCreated || out["community_id"] != float64(a.place.Community.ID) {
		t.Errorf("grant by A's worker = %d %v, want 201 scoped to community %d", status, out, a.place.Community.ID)
	}
	ms, err := h.store.UserMemberships(context.Background(), resident.ID)
	h.must(err)
	for _, m := range ms {
		if m.Role == app.RoleOrgMember {
			t.Fatalf("a refused grant wrote %+v", m)
		}
	}

	// The shape the old grant path stored: A's organization, B's community.
	h.must(h.store.CreateMembership(context.Background(), &app.Membership{UserID: resident.ID, Role: app.RoleOrgMember,
		OrganizationID: &orgA.ID, CommunityID: &b.place.Community.ID}))
	o := h.org(a)
	if status, _ := h.api(http.MethodPut, "/api/v1/organizations/"+id(orgA.ID), "resident_b",
		map[string]any{"name": "改名", "kind": o.Kind, "community_id": o.CommunityID, "contact_phone": "13900000000"}); status != http.StatusForbidden {
		t.Errorf("edit of A's organization = %d, want 403", status)
	}
	fx := h.funds(a)
	if status, _ := h.api(http.MethodPost, "/api/v1/funds/"+id(fx.fund.ID)+"/disbursements", "resident_b",
		map[string]any{"campaign_id": fx.campaign.ID, "payee_organization_id": orgA.ID, "amount": 100, "purpose": "购买物资"}); status != http.StatusForbidden {
		t.Errorf("disbursement request against A's fund = %d, want 403", status)
	}
	sw := h.socialWorker(a)
	sw.Mobile = "13812341234"
	h.must(h.store.UpdateSocialWorker(context.Background(), sw))
	if status, out := h.api(http.MethodGet, "/api/v1/social-workers/"+id(sw.ID), "resident_b", nil); status != http.StatusOK || out["mobile"] != "138****1234" {
		t.Errorf("A's social worker read by B's resident = %d mobile %v, want masked", status, out["mobile"])
	}
	// A published tender with a bid by A's organization: sealed to B's resident.
	tender := h.tender(a, "published")
	orgA, team := h.memberOrg()
	now := h.clock.Now()
	h.must(h.store.SaveTenderBid(context.Background(), &app.TenderBid{TenderID: tender.ID, OrganizationID: orgA.ID, SubmittedBy: h.world.Users["org_member"].ID,
		Price: 100000, Currency: "CNY", Plan: "密封的方案", Capacity: 1, Team: team, CreatedAt: now, UpdatedAt: now}))
	if status, out := h.api(http.MethodGet, "/api/v1/tenders/"+id(tender.ID)+"/bids", "resident_b", nil); status != http.StatusOK || out["total"] != float64(0) || strings.Contains(fmt.Sprint(out), "密封的方案") {
		t.Errorf("sealed bids read by B's resident = %d %v, want none", status, out)
	}
	// The real member still sees its own bid, and may still bid.
	if status, out := h.api(http.MethodGet, "/api/v1/tenders/"+id(tender.ID)+"/bids", "org_member", nil); status != http.StatusOK || out["total"] != float64(1) {
		t.Errorf("own sealed bid = %d %v, want it", status, out)
	}
}

// TestOrganizationMoveMovesItsMembers: moving an organization needs rights at the new
// place, and its members' scope moves with it.
func TestOrganizationMoveMovesItsMembers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, b := h.sides()[0], h.sides()[1]
	o := h.org(a)
	body := func(c int64) map[string]any {
		return map[string]any{"name": o.Name, "kind": o.Kind, "community_id": c, "categories": []string{"counseling"}}
	}
	// The member cannot move it to B: they hold nothing there.
	if status, out := h.api(http.MethodPut, "/api/v1/organizations/"+id(o.ID), "org_member", body(b.place.Community.ID)); status != http.StatusForbidden {
		t.Errorf("member moves the organization to B = %d %v, want 403", status, out)
	}
	// An administrator can; the member's scope follows.
	if status, out := h.api(http.MethodPut, "/api/v1/organizations/"+id(o.ID), "admin", body(b.place.Community.ID)); status != http.StatusOK {
		t.Fatalf("admin moves the organization = %d %v", status, out)
	}
	ms, err := h.store.UserMemberships(context.Background(), h.world.Users["org_member"].ID)
	h.must(err)
	if len(ms) != 1 || ms[0].CommunityID == nil || *ms[0].CommunityID != b.place.Community.ID {
		t.Errorf("member's scope after the move: %+v, want community %d", ms, b.place.Community.ID)
	}
	if status, out := h.api(http.MethodPut, "/api/v1/organizations/"+id(o.ID), "org_member", body(b.place.Community.ID)); status != http.StatusOK {
		t.Errorf("member edits the moved organization = %d %v", status, out)
	}
}

func init() { authCaseSets = append(authCaseSets, securityAuthCases) }

// securityAuthCases covers the password change routes. The bodies name a wrong current
// password, so the walk never changes a world user's password (422 counts as allowed).
func securityAuthCases() map[string]authCase {
	wrong := map[string]any{"current_password": "not the password", "new_password": "Ginkgo-lantern-47"}
	return map[string]authCase{
		"GET /me/password": {allow: []string{"user"}, build: fixed("/me/password")},
		"POST /me/password": {allow: []string{"user"}, build: func(h *harness, s side) (string, any) {
			return "/me/password", url.Values{"current_password": {"not the password"}, "new_password": {"Ginkgo-lantern-47"}}
		}},
		"PUT /api/v1/me/password": {allow: []string{"user"}, build: func(h *harness, s side) (string, any) { return "/api/v1/me/password", wrong }},
	}
}
