package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wushe/wushe/funds"
)

// A disbursement request with bad input re-renders the fund page's form with 422, the error
// next to the field in the user's language and what was typed kept.
func TestDisbursementFormBadInputRerenders(t *testing.T) {
	h := newHarness(t)
	s := h.sides()[0]
	camp := h.paidCampaign(s)
	for _, tc := range []struct {
		name, lang, amount, want string
	}{
		{"zero amount, English", "en", "0", "must be more than zero"},
		{"too many decimals, Chinese", "zh-CN", "1.234", "f-amount"},
		{"amount missing, English", "en", "", "f-amount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := h.browser("community_worker")
			b.lang = tc.lang
			form := url.Values{"campaign_id": {id(camp.ID)}, "payee_organization_id": {id(h.org(s).ID)}, "amount": {tc.amount}, "purpose": {"购买油漆和刷子"}}
			st, page, _ := b.post("/funds/"+id(camp.FundID)+"/disbursements", form)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", st)
			}
			if !strings.Contains(page, `id="e-amount"`) || !strings.Contains(page, tc.want) {
				t.Errorf("no error at the amount field (%q)", tc.want)
			}
			if !strings.Contains(page, "购买油漆和刷子") {
				t.Errorf("the purpose typed was lost")
			}
			if tc.lang == "en" && !strings.Contains(page, `lang="en"`) {
				t.Errorf("page not in English")
			}
		})
	}
}

// A rejection without a reason and a payment without evidence re-render the disbursement page
// with 422 and the error in the user's language, instead of a redirect that drops the status.
func TestDisbursementPageBadInputRerenders(t *testing.T) {
	h := newHarness(t)
	s := h.sides()[0]
	for _, tc := range []struct {
		name, user, path string
		form             url.Values
		approved         bool
		want             string
	}{
		{"rejection without a reason", "civil_affairs_officer", "/vote", url.Values{"approve": {"false"}}, false, "Give a reason when rejecting"},
		{"payment without evidence", "community_worker", "/pay", nil, true, "evidence is required before payment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status := "requested"
			if tc.approved {
				status = "approved"
			}
			d := h.disbursement(s, status, tc.approved, false)
			b := h.browser(tc.user)
			b.lang = "en"
			st, page, _ := b.post("/disbursements/"+id(d.ID)+tc.path, tc.form)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", st)
			}
			if !strings.Contains(page, tc.want) || !strings.Contains(page, "购买油漆") {
				t.Errorf("page without the error %q or the disbursement", tc.want)
			}
		})
	}
}

// Finalizing a quadratic-funding round is irreversible: settings that do not parse are refused
// with 422 naming the field, not read as "no cap" or the default.
func TestQFFinalizeBadSettingsRefused(t *testing.T) {
	h := newHarness(t)
	s := h.sides()[0]
	for _, tc := range []struct {
		name, field, value string
	}{
		{"fractional cap", "cap_percent", "12.5"},
		{"cap not a number", "cap_percent", "ten"},
		{"min contributors not a number", "min_contributors", "two"},
		{"min amount negative", "min_amount", "-5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := h.qfPool(s)
			b := h.browser("civil_affairs_officer")
			b.lang = "en"
			st, page, _ := b.post("/pools/"+id(p.ID)+"/finalize", url.Values{tc.field: {tc.value}, "mode": {"standard"}})
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", st)
			}
			if !strings.Contains(page, `href="#f-`+tc.field+`"`) {
				t.Errorf("the error does not name %s", tc.field)
			}
			if got, _ := h.store.FindPool(context.Background(), p.ID); got.FinalizedAt != nil {
				t.Errorf("round finalized with %s=%q", tc.field, tc.value)
			}
		})
	}
}

// The XLSX export writes amounts as exact decimals (numeric cells), never through float64,
// which rounds amounts beyond 2^53 fen. Since the money bounds (issue 9) no stored amount
// gets near 2^53 fen (funds.MaxTotal is 10^14); the largest single movement is tested.
func TestLedgerXLSXAmountsExact(t *testing.T) {
	h := newHarness(t)
	fx := h.funds(h.sides()[0])
	for _, tc := range []struct {
		fen  int64
		want string
	}{
		{1230050, "12300.50"},
		{funds.MaxAmount - 1, "99999999.99"},
	} {
		if st, body := h.api(http.MethodPost, "/api/v1/pools/"+id(fx.pool.ID)+"/deposits", "admin", map[string]any{"amount": tc.fen}); st != http.StatusCreated {
			t.Fatalf("deposit: %d %v", st, body)
		}
		resp, err := http.Get(h.srv.URL + "/funds/" + id(fx.fund.ID) + "/ledger.xlsx")
		h.must(err)
		x, err := excelize.OpenReader(resp.Body)
		resp.Body.Close()
		h.must(err)
		rows, err := x.GetRows("Ledger", excelize.Options{RawCellValue: true})
		h.must(err)
		found := false
		for _, r := range rows[1:] {
			for _, v := range r {
				if v == tc.want {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no cell %s for a deposit of %d fen: %v", tc.want, tc.fen, rows[len(rows)-1])
		}
		typ, _ := x.GetCellType("Ledger", "H2")
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("amount cell is text (%v), want a number", typ)
		}
	}
}

// A refund with bad input re-renders the campaign page with 422 and the error in the user's
// language, like the page's other forms.
func TestRefundFormBadInputRerenders(t *testing.T) {
	h := newHarness(t)
	s := h.sides()[0]
	for _, tc := range []struct {
		name string
		form url.Values
	}{
		{"unknown reason", url.Values{"reason": {"because"}}},
		{"amount not a number", url.Values{"reason": {"administrative"}, "amount": {"abc"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := h.succeededGift(s)
			b := h.browser("community_worker")
			b.lang = "en"
			st, page, _ := b.post("/contributions/"+id(g.ID)+"/refund", tc.form)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", st)
			}
			if !strings.Contains(page, `id="error-summary"`) || !strings.Contains(page, "/campaigns/"+id(g.CampaignID)+"/donate") && !strings.Contains(page, "/campaigns/"+id(g.CampaignID)+"/offline") {
				t.Errorf("not the campaign page with its errors")
			}
			if got, _ := h.store.FindContribution(context.Background(), g.ID); got.Refunded != 0 {
				t.Errorf("refunded %d", got.Refunded)
			}
		})
	}
}
