package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestFundsPagesAndAPI walks a fund through the API and checks the pages and exports.
func TestFundsPagesAndAPI(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	fx := h.funds(a)
	// Deposit, then see budget and available on the pool.
	st, body := h.api(http.MethodPost, "/api/v1/pools/"+id(fx.pool.ID)+"/deposits", "civil_affairs_officer", map[string]any{"amount": 1230000})
	if st != http.StatusCreated || body["budget"] != float64(1230000) || body["available"] != float64(1230000) {
		t.Fatalf("deposit: %d %v", st, body)
	}
	// Bad input writes nothing and names the field.
	for _, c := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/api/v1/pools/" + id(fx.pool.ID) + "/deposits", map[string]any{"amount": 0}, "amount"},
		{"/api/v1/pools/" + id(fx.pool.ID) + "/rules", map[string]any{"ratio": "0:1"}, "ratio"},
		{"/api/v1/pools/" + id(fx.pool.ID) + "/rules", map[string]any{"ratio": "1:1", "campaign_cap": -1}, "campaign_cap"},
		{"/api/v1/campaigns/" + id(fx.campaign.ID) + "/offline-contributions", map[string]any{"amount": -5, "method": "cash", "receipt_no": "X-1", "donor_name": "王"}, "amount"},
		{"/api/v1/campaigns/" + id(fx.campaign.ID) + "/offline-contributions", map[string]any{"amount": 500, "currency": "USD", "method": "cash", "receipt_no": "X-2", "received_on": h.clock.Now(), "donor_name": "王"}, "amount"},
	} {
		st, body := h.api(http.MethodPost, c.path, "admin", c.body)
		fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
		if st != http.StatusUnprocessableEntity || fields[c.field] == nil {
			t.Errorf("%s %v: %d %v, want 422 on %s", c.path, c.body, st, body, c.field)
		}
	}
	if st, body := h.api(http.MethodPost, "/api/v1/pools/"+id(fx.pool.ID)+"/deposits", "admin", `{"amount": 1.5}`); st != http.StatusBadRequest {
		t.Errorf("non-integer amount: %d %v", st, body)
	}
	// An offline gift recorded by one worker and confirmed by another earns its 1:1 match.
	st, body = h.api(http.MethodPost, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/offline-contributions", "community_worker",
		map[string]any{"amount": 5000, "method": "cash", "receipt_no": "DH-001", "received_on": h.clock.Now(), "donor_name": "王阿姨", "anonymous": true})
	if st != http.StatusCreated {
		t.Fatalf("record: %d %v", st, body)
	}
	cid := int64(body["id"].(float64))
	if st, _ := h.api(http.MethodPost, "/api/v1/contributions/"+id(cid)+"/confirmation", "community_worker", nil); st != http.StatusForbidden {
		t.Errorf("self-confirmation: %d", st)
	}
	if st, body := h.api(http.MethodPost, "/api/v1/contributions/"+id(cid)+"/confirmation", "admin", nil); st != http.StatusOK || body["status"] != "succeeded" {
		t.Fatalf("confirm: %d %v", st, body)
	}
	st, body = h.api(http.MethodGet, "/api/v1/pools/"+id(fx.pool.ID), "", nil)
	if body["available"] != float64(1225000) || body["reserved"] != float64(5000) || body["budget"] != float64(1230000) {
		t.Errorf("pool after match: %v", body)
	}
	st, body = h.api(http.MethodGet, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/preview?amount=5000", "", nil)
	if body["match"] != float64(5000) || body["text"] != "您捐 ¥50 → 项目获得 ¥50 + 配捐 ¥50;资金池剩余 ¥12,200" {
		t.Errorf("preview: %v", body)
	}
	// The campaign page shows progress, the preview, and the anonymous donor as anonymous.
	b := h.browser("resident")
	st, page, _ := b.get("/campaigns/" + id(fx.campaign.ID) + "?amount=50")
	page = html.UnescapeString(page)
	if st != 200 || !strings.Contains(page, "您捐 ¥50 → 项目获得 ¥50 + 配捐 ¥50;资金池剩余 ¥12,200") || strings.Contains(page, "王阿姨") || !strings.Contains(page, "匿名捐赠者") {
		t.Errorf("campaign page: %d preview/anonymity wrong", st)
	}
	// The worker's form re-renders with messages on bad input.
	w := h.browser("community_worker")
	st, page, _ = w.post("/campaigns/"+id(fx.campaign.ID)+"/offline", url.Values{"offline_amount": {"12.345"}, "method": {"cash"}, "receipt_no": {"x"}, "donor_name": {"李"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(page, "金额最多两位小数") {
		t.Errorf("offline form errors: %d", st)
	}
	// The public ledger: JSON with balanced summary, CSV with BOM, XLSX.
	st, body = h.api(http.MethodGet, "/api/v1/funds/"+id(fx.fund.ID)+"/ledger", "", nil)
	sum := body["summary"].(map[string]any)
	if st != 200 || sum["balanced"] != true || body["total"] != float64(3) {
		t.Errorf("ledger JSON: %d %v", st, body)
	}
	resp, err := http.Get(h.srv.URL + "/api/v1/funds/" + id(fx.fund.ID) + "/ledger?format=csv")
	h.must(err)
	csvBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.HasPrefix(csvBody, []byte("\xEF\xBB\xBF")) || !strings.Contains(string(csvBody), "捐赠到账") || !strings.Contains(string(csvBody), "pool:"+id(fx.pool.ID)+":available") {
		t.Errorf("ledger CSV: %q", csvBody[:min(len(csvBody), 300)])
	}
	resp, err = http.Get(h.srv.URL + "/funds/" + id(fx.fund.ID) + "/ledger.xlsx")
	h.must(err)
	x, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, _ := x.GetRows("Ledger")
	if len(rows) != 7 { // header + 3 transactions × 2 entries
		t.Errorf("xlsx rows %d", len(rows))
	}
	st, page, _ = b.get("/funds/" + id(fx.fund.ID) + "/ledger")
	if st != 200 || !strings.Contains(page, "账目平衡") {
		t.Errorf("ledger page %d", st)
	}
	st, page, _ = b.get("/funds/" + id(fx.fund.ID))
	if st != 200 || !strings.Contains(page, "¥12,300.00") {
		t.Errorf("fund page %d", st)
	}
	_ = context.Background()
}

func TestQFRoundPage(t *testing.T) {
	h := newHarness(t)
	p := h.qfPool(h.sides()[0])
	b := h.browser("anonymous")
	st, page, _ := b.get("/pools/" + id(p.ID))
	if st != 200 || !strings.Contains(page, "二次方配捐轮次") {
		t.Errorf("round page: %d", st)
	}
	st, page, _ = b.get("/pools/" + id(p.ID) + "?cap_percent=500")
	if st != 200 || !strings.Contains(page, `role="alert"`) {
		t.Errorf("round page with a bad cap: %d", st)
	}
	if st, body := h.api(http.MethodGet, "/api/v1/pools/"+id(p.ID)+"/qf-simulation?cap_percent=500", "", nil); st != http.StatusUnprocessableEntity {
		t.Errorf("API bad cap: %d %v", st, body)
	}
	if st, _ := h.api(http.MethodGet, "/api/v1/pools/"+id(h.funds(h.sides()[0]).pool.ID)+"/qf-simulation", "", nil); st != http.StatusConflict {
		t.Errorf("simulating a ratio pool: %d", st)
	}
}

func TestFundsManagerForms(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	fx := h.funds(a)
	pr := h.project(a, "approved")
	w := h.browser("community_worker")
	st, page, _ := w.get("/funds/" + id(fx.fund.ID))
	if st != 200 || !strings.Contains(page, pr.Title) {
		t.Errorf("fund page lacks the campaign form for %s: %d", pr.Title, st)
	}
	st, page, _ = w.post("/funds/"+id(fx.fund.ID)+"/campaigns", url.Values{"project_id": {id(pr.ID)}, "goal": {"0"}, "deadline": {"2020-01-01T00:00"}, "mode": {"all_or_nothing"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(page, "金额须大于零") {
		t.Errorf("bad campaign: %d", st)
	}
	st, _, loc := w.post("/funds/"+id(fx.fund.ID)+"/campaigns", url.Values{"project_id": {id(pr.ID)}, "pool_id": {id(fx.pool.ID)}, "goal": {"8,000"},
		"deadline": {h.clock.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")}, "mode": {"all_or_nothing"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/campaigns/") {
		t.Fatalf("campaign form: %d %s", st, loc)
	}
	o := h.browser("civil_affairs_officer")
	st, page, _ = o.post("/pools/"+id(fx.pool.ID)+"/rules", url.Values{"ratio": {"0:1"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(page, "比例须为正数") {
		t.Errorf("bad rule: %d", st)
	}
	if st, _, _ := o.post("/pools/"+id(fx.pool.ID)+"/rules", url.Values{"ratio": {"1:0.5"}, "unlock_share_percent": {"25"}, "unlock_donors": {"3"}, "donor_cap": {"500"}}); st != http.StatusSeeOther {
		t.Errorf("rule form: %d", st)
	}
	st, page, _ = o.get("/pools/" + id(fx.pool.ID) + "?sim_ratio=1:2&sim_donor_cap=100")
	if st != 200 || !strings.Contains(page, "模拟合计") {
		t.Errorf("rule simulation on the pool page: %d", st)
	}
	_, body := h.api(http.MethodGet, "/api/v1/pools/"+id(fx.pool.ID), "", nil)
	rules := body["rules"].([]any)
	r := rules[0].(map[string]any)
	if len(rules) != 2 || r["ratio"] != "1:0.5" || r["unlock_share_bp"] != float64(2500) || r["donor_cap"] != float64(50000) || r["version"] != float64(2) {
		t.Errorf("rules %v", rules)
	}
}

// TestFundsPagesTranslated renders every funds page in both languages, as the public and as a
// worker, and fails on a message id shown raw (a missing translation of a dynamic key).
func TestFundsPagesTranslated(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	fx := h.funds(a)
	d := h.disbursement(a, "approved", true, true)
	q := h.qfPool(a)
	h.succeededGift(a)
	pages := []string{"/funds", "/funds/" + id(fx.fund.ID), "/funds/" + id(fx.fund.ID) + "/ledger", "/pools/" + id(fx.pool.ID) + "?sim_ratio=1:1",
		"/pools/" + id(q.ID), "/campaigns/" + id(fx.campaign.ID), "/campaigns/" + id(h.paidCampaign(a).ID), "/disbursements/" + id(d.ID)}
	raw := regexp.MustCompile(`\b(funds|ledger|field|kind|audit)\.[a-z_]+(\.[a-z_]+)?\b`)
	tags := regexp.MustCompile(`<[^>]*>`)
	for _, user := range []string{"anonymous", "community_worker", "civil_affairs_officer"} {
		for _, l := range []string{"zh-CN", "en"} {
			b := h.browser(user)
			b.lang = l
			for _, p := range pages {
				st, page, _ := b.get(p)
				if st != 200 {
					t.Errorf("%s %s as %s: %d", l, p, user, st)
					continue
				}
				text := tags.ReplaceAllString(page[strings.Index(page, "<main"):], " ")
				if m := raw.FindString(text); m != "" {
					t.Errorf("%s %s as %s shows the raw id %q", l, p, user, m)
				}
			}
		}
	}
}
