package web_test

import (
	"context"
	"fmt"
	"html"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/web"
	"github.com/wushe/wushe/funds"
)

// fieldOf returns error.fields[name] of a JSON error answer, or nil.
func fieldOf(body map[string]any, name string) any {
	e, _ := body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f[name]
}

// TestMoneyBoundsOverHTTP is issue 9's defect 2 over HTTP: amounts past the bounds are
// refused with 422 naming the field before anything is written, and the fund stays readable
// and balanced afterwards.
func TestMoneyBoundsOverHTTP(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	fx := h.funds(a)
	pool := "/api/v1/pools/" + id(fx.pool.ID)
	if st, body := h.api(http.MethodPost, pool+"/deposits", "civil_affairs_officer", map[string]any{"amount": 1230000}); st != http.StatusCreated {
		t.Fatalf("deposit: %d %v", st, body)
	}
	pr := h.project(a, app.ProjectApproved)
	deadline := h.clock.Now().Add(72 * 3600e9)
	for _, c := range []struct {
		name, path, user string
		body             any
		field            string
	}{
		{"deposit of 2^63-1 on a pool holding money", pool + "/deposits", "civil_affairs_officer", `{"amount": 9223372036854775807}`, "amount"},
		{"deposit a fen past ¥100,000,000", pool + "/deposits", "admin", map[string]any{"amount": funds.MaxAmount + 1}, "amount"},
		{"offline gift of 9223372036854775802", "/api/v1/campaigns/" + id(fx.campaign.ID) + "/offline-contributions", "community_worker",
			`{"amount": 9223372036854775802, "method": "cash", "receipt_no": "DH-9", "received_on": "2026-11-23T01:00:00Z", "donor_name": "王"}`, "amount"},
		{"campaign goal of 2^63-1", "/api/v1/campaigns", "community_worker",
			map[string]any{"fund_id": fx.fund.ID, "project_id": pr.ID, "goal": int64(math.MaxInt64), "deadline": deadline, "mode": "all_or_nothing"}, "goal"},
		{"donor cap of 2^63-1", pool + "/rules", "admin", map[string]any{"ratio": "1:1", "donor_cap": int64(math.MaxInt64)}, "donor_cap"},
		{"fund threshold of 2^63-1", "/api/v1/funds", "admin",
			map[string]any{"community_id": a.place.Community.ID, "name": "大额基金", "approval_threshold": int64(math.MaxInt64)}, "approval_threshold"},
		{"committee of 3,000,000,000 (a 32-bit column)", "/api/v1/funds", "admin",
			map[string]any{"community_id": a.place.Community.ID, "name": "大委员会基金", "committee_size": 3000000000}, "committee_size"},
		{"handler approvals of 3,000,000,000", "/api/v1/funds", "admin",
			map[string]any{"community_id": a.place.Community.ID, "name": "多人审批基金", "handler_approvals": 3000000000}, "handler_approvals"},
		{"unlock donors of 3,000,000,000", pool + "/rules", "admin", map[string]any{"ratio": "1:1", "unlock_donors": 3000000000}, "unlock_donors"},
		{"disbursement of 2^63-1", "/api/v1/funds/" + id(fx.fund.ID) + "/disbursements", "community_worker",
			map[string]any{"campaign_id": fx.campaign.ID, "payee_organization_id": h.org(a).ID, "amount": int64(math.MaxInt64), "purpose": "采购"}, "amount"},
	} {
		st, body := h.api(http.MethodPost, c.path, c.user, c.body)
		if st != http.StatusUnprocessableEntity || fieldOf(body, c.field) == nil {
			t.Errorf("%s: %d %v, want 422 naming %s", c.name, st, body, c.field)
		}
	}
	if st, body := h.api(http.MethodGet, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/preview?amount=9223372036854775807", "", nil); st != http.StatusUnprocessableEntity || fieldOf(body, "amount") == nil {
		t.Errorf("preview of 2^63-1: %d %v", st, body)
	}
	// The largest allowed deposit still goes in.
	if st, body := h.api(http.MethodPost, pool+"/deposits", "admin", map[string]any{"amount": funds.MaxAmount}); st != http.StatusCreated || body["budget"] != float64(1230000+funds.MaxAmount) {
		t.Errorf("deposit of exactly ¥100,000,000: %d %v", st, body)
	}
	// Nothing half-written: the pool, the ledger and every page read back, balanced.
	st, body := h.api(http.MethodGet, pool, "", nil)
	if st != http.StatusOK || body["available"] != float64(1230000+funds.MaxAmount) || body["data_error"] != false {
		t.Errorf("pool after refused deposits: %d %v", st, body)
	}
	st, body = h.api(http.MethodGet, "/api/v1/funds/"+id(fx.fund.ID)+"/ledger", "", nil)
	if sum, _ := body["summary"].(map[string]any); st != http.StatusOK || body["total"] != float64(2) || sum["balanced"] != true {
		t.Errorf("ledger after refused movements: %d %v", st, body)
	}
	if n, _, _ := h.app.Campaigns(context.Background(), app.CampaignFilter{FundID: &fx.fund.ID, Page: app.Page{Page: 1, PerPage: 10}}); len(n) != 1 {
		t.Errorf("%d campaigns, want the fixture's only", len(n))
	}
	b := h.browser("resident")
	for _, p := range []string{"/funds/" + id(fx.fund.ID), "/funds/" + id(fx.fund.ID) + "/ledger", "/pools/" + id(fx.pool.ID), "/campaigns/" + id(fx.campaign.ID)} {
		if st, _, _ := b.get(p); st != http.StatusOK {
			t.Errorf("GET %s: %d", p, st)
		}
	}
	if probs, err := h.app.CheckLedgers(context.Background()); err != nil || len(probs) != 0 {
		t.Errorf("funds check: %v %v", probs, err)
	}
	// The form path says the range in the user's language.
	w := h.browser("community_worker")
	st, page, _ := w.post("/campaigns/"+id(fx.campaign.ID)+"/offline", map[string][]string{"offline_amount": {"100,000,000.01"}, "method": {"cash"}, "receipt_no": {"DH-10"}, "donor_name": {"李"}})
	if page = html.UnescapeString(page); st != http.StatusUnprocessableEntity || !strings.Contains(page, "¥100,000,000.00") {
		t.Errorf("offline form over the bound: %d", st)
	}
}

// legacyHarness is a harness over a database that holds issue 9's out-of-range money from
// before migration 00008, migrated afterwards.
func legacyHarness(t *testing.T) (*harness, *apptest.LegacyMoney) {
	t.Helper()
	ctx := context.Background()
	clock := apptest.NewClock(fixedNow)
	s := apptest.OpenUnmigrated(t)
	if err := s.MigrateTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	w := apptest.NewWorld(t, s, apptest.Hasher())
	lm := apptest.WriteLegacyMoney(t, s, w)
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatalf("migrate over legacy money: %v", err)
	}
	a := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher()})
	ws, err := web.New(web.Config{Version: "test", LoginPerMinute: 1000, Logger: discard()}, web.Deps{App: a, Sessions: s.Sessions(), Ready: s.Ping, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: newServer(t, ws), web: ws, app: a, store: s, world: w, clock: clock, tokens: map[string]string{}, orgs: map[string]*app.Organization{}}
	return h, lm
}

// TestLegacyBadMoneyStillRenders: a fund whose stored amounts broke before the bounds existed
// (sums past int64, on SQLite floats in the pool) still answers every page and API read with
// a warning instead of 500, refuses further movements with 409, and `funds check` names the
// transaction.
func TestLegacyBadMoneyStillRenders(t *testing.T) {
	h, lm := legacyHarness(t)
	fund, pool := id(lm.FundID), id(lm.PoolID)
	b := h.browser("resident")
	b.lang = "zh-CN"
	for _, p := range []string{"/funds", "/funds/" + fund, "/funds/" + fund + "/ledger", "/pools/" + pool, "/campaigns/" + id(lm.BadCampaignID), "/campaigns/" + id(lm.CampaignID)} {
		st, page, _ := b.get(p)
		if st != http.StatusOK {
			t.Errorf("GET %s: %d, want 200", p, st)
			continue
		}
		if p != "/funds" && p != "/campaigns/"+id(lm.CampaignID) && !strings.Contains(page, "wushe funds check") {
			t.Errorf("GET %s: no warning banner", p)
		}
	}
	for _, p := range []string{"/funds/" + fund + "/ledger.csv", "/funds/" + fund + "/ledger.xlsx"} {
		if st, _, _ := b.get(p); st != http.StatusOK {
			t.Errorf("GET %s: %d", p, st)
		}
	}
	st, body := h.api(http.MethodGet, "/api/v1/funds/"+fund+"/ledger", "", nil)
	if sum, _ := body["summary"].(map[string]any); st != http.StatusOK || sum["data_error"] != true || sum["balanced"] != false {
		t.Errorf("ledger API: %d %v", st, body)
	}
	st, body = h.api(http.MethodGet, "/api/v1/campaigns/"+id(lm.BadCampaignID), "", nil)
	if st != http.StatusOK || body["data_error"] != true {
		t.Errorf("campaign API: %d %v", st, body)
	}
	st, body = h.api(http.MethodGet, "/api/v1/pools/"+pool, "", nil)
	if st != http.StatusOK || body["data_error"] != true {
		t.Errorf("pool API: %d %v", st, body)
	}
	for _, p := range []string{"/api/v1/funds", "/api/v1/funds/" + fund, "/api/v1/campaigns/" + id(lm.CampaignID) + "/contributions", "/api/v1/campaigns/" + id(lm.BadCampaignID) + "/preview?amount=100"} {
		if st, body := h.api(http.MethodGet, p, "", nil); st != http.StatusOK {
			t.Errorf("GET %s: %d %v", p, st, body)
		}
	}
	// Money does not move through the broken parts: 409 with the reason, never 500.
	st, body = h.api(http.MethodPost, "/api/v1/pools/"+pool+"/deposits", "civil_affairs_officer", map[string]any{"amount": 100})
	if st != http.StatusConflict && !(apptest.Dialect() == "postgres" && st == http.StatusCreated) {
		t.Errorf("deposit into the broken pool: %d %v", st, body)
	}
	if st, body := h.api(http.MethodPost, "/api/v1/funds/"+fund+"/disbursements", "community_worker",
		map[string]any{"campaign_id": lm.CampaignID, "payee_organization_id": h.org(h.sides()[0]).ID, "amount": 100, "purpose": "采购"}); st >= 500 {
		t.Errorf("disbursement on the broken fund: %d %v", st, body)
	}
	// funds check names the transaction that broke the fund.
	probs, err := h.app.CheckLedgers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("transaction %d (contribution_succeeded:contribution:%d)", lm.BadGiftTxID, lm.BadGiftID)
	found := false
	for _, p := range probs {
		found = found || (p.FundID == lm.FundID && strings.Contains(p.Problem, want))
	}
	if !found {
		t.Errorf("funds check problems %v do not name %q", probs, want)
	}
}
