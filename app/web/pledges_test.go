package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPledgesAPI walks a pledge through the JSON API as the journey does, with the
// status of each wrong step: 401 for the anonymous, 403 out of scope, 404, 409 for a second
// confirmation or a cancelled pledge, 422 naming the field.
func TestPledgesAPI(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	fx := h.funds(a)
	camp := "/api/v1/campaigns/" + id(fx.campaign.ID) + "/pledges"
	if st, body := h.api(http.MethodPost, "/api/v1/pools/"+id(fx.pool.ID)+"/deposits", "civil_affairs_officer", map[string]any{"amount": 1000000}); st != http.StatusCreated {
		t.Fatalf("deposit: %d %v", st, body)
	}

	if st, _ := h.api(http.MethodPost, camp, "anonymous", map[string]any{"amount": -1}); st != http.StatusUnauthorized {
		t.Errorf("anonymous pledge: %d, want 401 before validation", st)
	}
	if st, _ := h.api(http.MethodGet, "/api/v1/me/gifts", "anonymous", nil); st != http.StatusUnauthorized {
		t.Errorf("anonymous my gifts: %d, want 401", st)
	}
	if st, _ := h.api(http.MethodPost, "/api/v1/campaigns/999999/pledges", "resident", map[string]any{"amount": 100, "method": "cash"}); st != http.StatusNotFound {
		t.Errorf("pledge to no campaign: %d, want 404", st)
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"amount": 0, "method": "cash"}, "amount"},
		{map[string]any{"amount": -100, "method": "cash"}, "amount"},
		{map[string]any{"amount": 100, "method": "card"}, "method"},
		{map[string]any{"amount": 100}, "method"},
	} {
		st, body := h.api(http.MethodPost, camp, "resident", c.body)
		fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
		if st != http.StatusUnprocessableEntity || fields[c.field] == nil {
			t.Errorf("pledge %v: %d %v, want 422 on %s", c.body, st, body, c.field)
		}
	}
	if st, body := h.api(http.MethodPost, camp, "resident", `{"amount": 12.5, "method": "cash"}`); st != http.StatusBadRequest {
		t.Errorf("fractional fen: %d %v, want 400", st, body)
	}

	st, body := h.api(http.MethodPost, camp, "resident", map[string]any{"amount": 30000, "method": "bank_transfer", "reference": "ICBC 8812"})
	if st != http.StatusCreated || body["status"] != "pledged" || body["amount"] != float64(30000) {
		t.Fatalf("pledge: %d %v", st, body)
	}
	pid := id(int64(body["id"].(float64)))
	pledge := "/api/v1/pledges/" + pid
	if st, _ := h.api(http.MethodGet, pledge, "resident_b", nil); st != http.StatusForbidden {
		t.Errorf("someone else's pledge: %d, want 403", st)
	}
	if st, _ := h.api(http.MethodGet, "/api/v1/pledges/999999", "resident", nil); st != http.StatusNotFound {
		t.Errorf("no pledge: %d, want 404", st)
	}
	st, body = h.api(http.MethodGet, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/pledges", "community_worker", nil)
	if items, _ := body["items"].([]any); st != http.StatusOK || len(items) != 1 {
		t.Fatalf("worker's list: %d %v", st, body)
	}
	if st, _ := h.api(http.MethodPost, pledge+"/confirmation", "worker_b", map[string]any{"receipt_no": "X"}); st != http.StatusForbidden {
		t.Errorf("other community's worker: %d, want 403", st)
	}
	st, body = h.api(http.MethodPost, pledge+"/confirmation", "community_worker", map[string]any{})
	if fields, _ := body["error"].(map[string]any)["fields"].(map[string]any); st != http.StatusUnprocessableEntity || fields["receipt_no"] == nil {
		t.Errorf("receipt without its number: %d %v, want 422 on receipt_no", st, body)
	}
	st, body = h.api(http.MethodPost, pledge+"/confirmation", "community_worker", map[string]any{"receipt_no": "DH-RJ-7", "received_on": h.clock.Now()})
	if st != http.StatusOK || body["status"] != "received" || body["contribution_id"] == nil {
		t.Fatalf("received: %d %v", st, body)
	}
	if st, _ := h.api(http.MethodPost, pledge+"/cancellation", "resident", nil); st != http.StatusConflict {
		t.Errorf("cancel after receipt: %d, want 409", st)
	}
	if st, _ := h.api(http.MethodPost, pledge+"/confirmation", "community_worker", nil); st != http.StatusForbidden {
		t.Errorf("the same worker twice: %d, want 403", st)
	}
	st, body = h.api(http.MethodPost, pledge+"/confirmation", "civil_affairs_officer", nil)
	if st != http.StatusOK || body["status"] != "confirmed" {
		t.Fatalf("second confirmation: %d %v", st, body)
	}
	if st, _ := h.api(http.MethodPost, pledge+"/confirmation", "admin", nil); st != http.StatusConflict {
		t.Errorf("confirming twice: %d, want 409", st)
	}

	st, body = h.api(http.MethodGet, "/api/v1/me/gifts", "resident", nil)
	gifts, _ := body["gifts"].([]any)
	if st != http.StatusOK || body["confirmed"] != float64(30000) || body["matched"] != float64(30000) || len(gifts) != 1 {
		t.Fatalf("my gifts: %d %v", st, body)
	}
	g := gifts[0].(map[string]any)
	cid := id(int64(g["contribution_id"].(float64)))
	code, _ := g["receipt_code"].(string)
	st, body = h.api(http.MethodGet, "/api/v1/contributions/"+cid+"/receipt", "resident", nil)
	if st != http.StatusOK || body["code"] != code || body["fund_name"] != fx.fund.Name || body["matched"] != float64(30000) {
		t.Fatalf("receipt: %d %v", st, body)
	}
	if st, _ := h.api(http.MethodGet, "/api/v1/contributions/"+cid+"/receipt", "resident_b", nil); st != http.StatusForbidden {
		t.Errorf("someone else's receipt: %d, want 403", st)
	}
	st, body = h.api(http.MethodGet, "/api/v1/receipts/verify?code="+url.QueryEscape(code), "anonymous", nil)
	if st != http.StatusOK || body["amount"] != float64(30000) || body["receipt_no"] != nil {
		t.Errorf("verify: %d %v", st, body)
	}
	if st, _ := h.api(http.MethodGet, "/api/v1/receipts/verify?code=0000-0000-0000-0000-0000-0000", "anonymous", nil); st != http.StatusNotFound {
		t.Errorf("wrong code: %d, want 404", st)
	}

	// A cancelled pledge cannot be received.
	_, body = h.api(http.MethodPost, camp, "resident", map[string]any{"amount": 500, "method": "cash"})
	p2 := "/api/v1/pledges/" + id(int64(body["id"].(float64)))
	if st, _ := h.api(http.MethodPost, p2+"/cancellation", "community_worker", nil); st != http.StatusForbidden {
		t.Errorf("worker cancelling: %d, want 403", st)
	}
	if st, body := h.api(http.MethodPost, p2+"/cancellation", "resident", nil); st != http.StatusOK || body["status"] != "cancelled" {
		t.Errorf("cancel: %d %v", st, body)
	}
	if st, _ := h.api(http.MethodPost, p2+"/confirmation", "community_worker", map[string]any{"receipt_no": "DH-RJ-8"}); st != http.StatusConflict {
		t.Errorf("receiving a cancelled pledge: %d, want 409", st)
	}
	if st, _ := h.api(http.MethodPost, p2+"/rejection", "community_worker", map[string]any{"reason": "x"}); st != http.StatusConflict {
		t.Errorf("rejecting a cancelled pledge: %d, want 409", st)
	}
	_, body = h.api(http.MethodPost, camp, "resident", map[string]any{"amount": 700, "method": "cash"})
	p3 := "/api/v1/pledges/" + id(int64(body["id"].(float64)))
	st, body = h.api(http.MethodPost, p3+"/rejection", "community_worker", map[string]any{})
	if fields, _ := body["error"].(map[string]any)["fields"].(map[string]any); st != http.StatusUnprocessableEntity || fields["reason"] == nil {
		t.Errorf("reject without reason: %d %v, want 422 on reason", st, body)
	}
}

// TestPledgePages goes through the pages: the campaign's pledge form, my gifts, the worker's
// buttons, the receipt and the public check.
func TestPledgePages(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	fx := h.funds(a)
	campPath := "/campaigns/" + id(fx.campaign.ID)
	res := h.browser("resident")

	st, page, _ := res.get(campPath)
	if st != http.StatusOK || !strings.Contains(page, `action="`+campPath+`/pledges"`) {
		t.Fatalf("campaign page offers no pledge form: %d", st)
	}
	if st, page, _ := h.browser("anonymous").get(campPath); st != http.StatusOK || strings.Contains(page, `/pledges"`) || !strings.Contains(page, "/login?next="+campPath) {
		t.Errorf("anonymous campaign page: %d", st)
	}
	st, page, _ = res.post(campPath+"/pledges", url.Values{"pledge_amount": {"abc"}, "pledge_method": {"cash"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-pledge_amount"`) {
		t.Errorf("bad amount: %d, want 422 with the field's error", st)
	}
	st, page, _ = res.post(campPath+"/pledges", url.Values{"pledge_amount": {"100"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-pledge_method"`) || !strings.Contains(page, `href="#f-pledge_method"`) {
		t.Errorf("no method: %d, want 422 naming pledge_method", st)
	}
	st, _, loc := res.post(campPath+"/pledges", url.Values{"pledge_amount": {"1,200.50"}, "pledge_method": {"cash"}, "pledge_note": {"周六送来"}})
	if st != http.StatusSeeOther || loc != "/me/gifts" {
		t.Fatalf("pledge: %d %s", st, loc)
	}
	st, page, _ = res.get("/me/gifts")
	if st != http.StatusOK || !strings.Contains(page, "¥1,200.50") || !strings.Contains(page, "/cancel") {
		t.Fatalf("my gifts: %d\n%s", st, page)
	}
	if _, me, _ := res.get("/me"); !strings.Contains(me, `href="/me/gifts"`) {
		t.Error("/me does not link my gifts")
	}

	// The worker receives it on the campaign page; another person confirms.
	worker := h.browser("community_worker")
	_, page, _ = worker.get(campPath)
	pid := between(page, `action="/pledges/`, `/confirm"`)
	if pid == "" {
		t.Fatalf("worker's campaign page lists no pledge to receive")
	}
	if st, _, _ := worker.post("/pledges/"+pid+"/confirm", url.Values{"receipt_no": {"DH-W-1"}}); st != http.StatusSeeOther {
		t.Fatalf("receive: %d", st)
	}
	officer := h.browser("civil_affairs_officer")
	if st, _, _ := officer.post("/pledges/"+pid+"/confirm", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("confirm: %d", st)
	}
	_, page, _ = res.get("/me/gifts")
	rid := between(page, `href="/contributions/`, `/receipt"`)
	if rid == "" {
		t.Fatalf("my gifts has no receipt link:\n%s", page)
	}
	st, receipt, _ := res.get("/contributions/" + rid + "/receipt")
	if st != http.StatusOK || !strings.Contains(receipt, fx.fund.Name) || !strings.Contains(receipt, "¥1,200.50") {
		t.Fatalf("receipt page: %d", st)
	}
	code := between(receipt, `<dd class="receipt-code">`, `</dd>`)
	pub := h.browser("anonymous")
	st, page, _ = pub.get("/receipts/verify?code=" + url.QueryEscape(code))
	if st != http.StatusOK || !strings.Contains(page, "¥1,200.50") || strings.Contains(page, "DH-W-1") {
		t.Errorf("verify page: %d", st)
	}
	st, page, _ = pub.get("/receipts/verify?code=ABCD")
	if st != http.StatusOK || !strings.Contains(page, `role="alert"`) || strings.Contains(page, "¥1,200.50") {
		t.Errorf("wrong code: %d", st)
	}
	if _, ledger, _ := pub.get("/funds/" + id(fx.fund.ID) + "/ledger"); !strings.Contains(ledger, `action="/receipts/verify"`) {
		t.Error("the ledger has no verify form")
	}
}

// between is the text of s after the first start and before the next end, unescaped.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return html.UnescapeString(v)
}
