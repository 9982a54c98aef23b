package web_test

import (
	"encoding/csv"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestLedgerSpeaksWords: the public ledger page names every account and transaction in
// words with links to the pool, campaign and project, shows no account code, and the
// exports still carry the codes next to the words for auditors.
func TestLedgerSpeaksWords(t *testing.T) {
	h := newHarness(t)
	fx := h.funds(h.sides()[0])
	if st, body := h.api(http.MethodPost, "/api/v1/pools/"+id(fx.pool.ID)+"/deposits", "civil_affairs_officer", map[string]any{"amount": 1230000}); st != http.StatusCreated {
		t.Fatalf("deposit: %d %v", st, body)
	}
	st, body := h.api(http.MethodPost, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/offline-contributions", "community_worker",
		map[string]any{"amount": 5000, "method": "cash", "receipt_no": "DH-W1", "received_on": h.clock.Now(), "donor_name": "王阿姨"})
	if st != http.StatusCreated {
		t.Fatalf("record: %d %v", st, body)
	}
	if st, body := h.api(http.MethodPost, "/api/v1/contributions/"+id(int64(body["id"].(float64)))+"/confirmation", "admin", nil); st != http.StatusOK {
		t.Fatalf("confirm: %d %v", st, body)
	}
	pool, camp := id(fx.pool.ID), id(fx.campaign.ID)

	st, page, _ := h.browser("anonymous").get("/funds/" + id(fx.fund.ID) + "/ledger")
	text := html.UnescapeString(page)
	if st != http.StatusOK {
		t.Fatalf("ledger page: %d", st)
	}
	for _, want := range []string{
		fx.fund.Name + " · 银行存款",
		fx.fund.Name + " · <a href=\"/pools/" + pool + "\">政府配捐池</a> · 可用于配捐",
		fx.fund.Name + " · <a href=\"/pools/" + pool + "\">政府配捐池</a> · <a href=\"/campaigns/" + camp + "\">已预留给 楼道微更新众筹</a>",
		fx.fund.Name + " · <a href=\"/campaigns/" + camp + "\">楼道微更新众筹</a> · 居民捐款",
		fx.fund.Name + " · 线下收款",
		"预留配捐 · <a href=\"/campaigns/" + camp + "\">楼道微更新众筹</a> · <a href=\"/projects/" + id(fx.campaign.ProjectID) + "\">项目：",
		"资金池拨入 · <a href=\"/pools/" + pool + "\">政府配捐池</a>",
		"¥12,300.00",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ledger page lacks %q", want)
		}
	}
	for _, code := range []string{"pool:", "campaign:", "cash:", "match:", "contribution:", "deposit:"} {
		if strings.Contains(text, code) {
			t.Errorf("ledger page shows the code %q", code)
		}
	}
	// English names the same lines in English.
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/funds/"+id(fx.fund.ID)+"/ledger", nil)
	req.Header.Set("Accept-Language", "en")
	resp, err := http.DefaultClient.Do(req)
	h.must(err)
	en, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if s := html.UnescapeString(string(en)); !strings.Contains(s, "reserved for 楼道微更新众筹") || !strings.Contains(s, "gifts from residents") {
		t.Errorf("English ledger page is not in English words")
	}

	// The CSV keeps the code and adds the words beside it.
	resp, err = http.Get(h.srv.URL + "/funds/" + id(fx.fund.ID) + "/ledger.csv")
	h.must(err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\uFEFF"))).ReadAll()
	h.must(err)
	if rows[0][4] != "科目代码" || rows[0][5] != "科目名称" {
		t.Errorf("CSV header %v", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[4] == "pool:"+pool+":reserved:"+camp && r[5] == fx.fund.Name+" · 政府配捐池 · 已预留给 楼道微更新众筹" {
			found = true
		}
	}
	if !found {
		t.Errorf("CSV has no reserved line with code and words: %v", rows)
	}
	// So does the XLSX.
	resp, err = http.Get(h.srv.URL + "/funds/" + id(fx.fund.ID) + "/ledger.xlsx")
	h.must(err)
	x, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	h.must(err)
	xr, _ := x.GetRows("Ledger")
	found = false
	for _, r := range xr[1:] {
		if len(r) > 5 && r[4] == "campaign:"+camp+":donations:resident" && r[5] == fx.fund.Name+" · 楼道微更新众筹 · 居民捐款" {
			found = true
		}
	}
	if !found {
		t.Errorf("XLSX has no donations line with code and words: %v", xr)
	}
	// The API keeps its fields and adds the words.
	_, body = h.api(http.MethodGet, "/api/v1/funds/"+id(fx.fund.ID)+"/ledger", "", nil)
	e := body["items"].([]any)[0].(map[string]any)["entries"].([]any)[0].(map[string]any)
	if e["account"] == nil || e["account_name"] == nil || strings.Contains(e["account_name"].(string), ":") {
		t.Errorf("API entry %v", e)
	}
}

// TestPoolRuleWords: the rule history says the unlock share as a percentage, not basis
// points, and shows the multipliers column only when a rule has multipliers.
func TestPoolRuleWords(t *testing.T) {
	h := newHarness(t)
	fx := h.funds(h.sides()[0])
	if st, body := h.api(http.MethodPost, "/api/v1/pools/"+id(fx.pool.ID)+"/rules", "admin", map[string]any{"ratio": "1:1", "unlock_share_bp": 2000, "unlock_donors": 3}); st != http.StatusCreated && st != http.StatusOK {
		t.Fatalf("rule: %d %v", st, body)
	}
	_, page, _ := h.browser("anonymous").get("/pools/" + id(fx.pool.ID))
	page = html.UnescapeString(page)
	if !strings.Contains(page, "目标的 20%，3 位捐赠者") || strings.Contains(page, "/10000") {
		t.Errorf("unlock share not in percent")
	}
	if strings.Contains(page, ">倍率<") {
		t.Errorf("empty multipliers column shown")
	}
	if st, body := h.api(http.MethodPost, "/api/v1/pools/"+id(fx.pool.ID)+"/rules", "admin", map[string]any{"ratio": "1:1", "kind_multipliers": map[string]string{"urban": "2"}}); st != http.StatusCreated && st != http.StatusOK {
		t.Fatalf("rule with multipliers: %d %v", st, body)
	}
	if _, page, _ = h.browser("anonymous").get("/pools/" + id(fx.pool.ID)); !strings.Contains(page, ">倍率<") || !strings.Contains(page, "×2") {
		t.Errorf("multipliers column missing when a rule has them")
	}
}
