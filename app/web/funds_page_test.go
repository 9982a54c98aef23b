package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
)

// The fund page's disbursement form names only payees the viewer may ask to pay: any
// organization of the community for its workers, their own for an organization's members,
// and no form at all for others.
func TestFundPageOffersOnlyAllowedPayees(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := h.sides()[0]
	camp := h.paidCampaign(s)
	own := h.org(s)
	cid := s.place.Community.ID
	other := &app.Organization{Name: "东湖商户联盟", Kind: "merchant", CommunityID: &cid, StreetID: &s.place.Street.ID, Categories: []string{"elderly_care"}}
	h.must(h.store.CreateOrganization(context.Background(), other))
	for _, tc := range []struct {
		user      string
		own, rest bool
	}{{"community_worker", true, true}, {"org_member", true, false}, {"resident", false, false}, {"worker_b", false, false}} {
		st, page, _ := h.browser(tc.user).get("/funds/" + id(camp.FundID))
		if st != http.StatusOK {
			t.Fatalf("fund page as %s: %d", tc.user, st)
		}
		form := page
		if i := strings.Index(page, `name="payee_organization_id"`); i >= 0 {
			form = page[i:]
		} else {
			form = ""
		}
		if got := strings.Contains(form, `value="`+id(own.ID)+`"`); got != tc.own {
			t.Errorf("%s offered their community's organization: %v, want %v", tc.user, got, tc.own)
		}
		if got := strings.Contains(form, `value="`+id(other.ID)+`"`); got != tc.rest {
			t.Errorf("%s offered another organization: %v, want %v", tc.user, got, tc.rest)
		}
	}
}
