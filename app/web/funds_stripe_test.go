package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/web"
	"github.com/wushe/wushe/funds/stripepay"
)

const testWebhookSecret = "whsec_wushe_test_secret"

func stripeMockURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("WUSHE_TEST_STRIPE_MOCK_URL")
	if u == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("WUSHE_TEST_STRIPE_MOCK_URL is not set (stripe-mock is required)")
		}
		t.Skip("WUSHE_TEST_STRIPE_MOCK_URL is not set; run scripts/test.sh to start stripe-mock")
	}
	return u
}

// newStripeHarness is the harness with card payments through the real stripe-mock.
func newStripeHarness(t *testing.T) *harness {
	t.Helper()
	p, err := stripepay.New(stripepay.Config{SecretKey: "sk_test_123", WebhookSecret: testWebhookSecret, BackendURL: stripeMockURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	clock := apptest.NewClock(fixedNow)
	s := apptest.OpenStore(t)
	a := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher(), Payments: p})
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ws, err := web.New(web.Config{Version: "test", LoginPerMinute: 1000, Logger: discard()}, web.Deps{App: a, Sessions: s.Sessions(), Ready: s.Ping, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, srv: newServer(t, ws), web: ws, app: a, store: s, world: w, clock: clock, tokens: map[string]string{}, orgs: map[string]*app.Organization{}}
}

// stripeEvent builds a signed Stripe event of API version 2023-10-16.
func stripeEvent(t *testing.T, id, typ string, object map[string]any, at time.Time, version string) ([]byte, string) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": version, "type": typ, "created": at.Unix(),
		"data": map[string]any{"object": object}})
	if err != nil {
		t.Fatal(err)
	}
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: b, Secret: testWebhookSecret, Timestamp: at}).Header
	return b, sig
}

func postWebhook(t *testing.T, h *harness, body []byte, sig string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/api/v1/stripe/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestStripeCheckoutAndWebhooks(t *testing.T) {
	h := newStripeHarness(t)
	a := h.sides()[0]
	fx := h.funds(a)
	ctx := context.Background()
	if _, err := h.app.DepositToPool(h.world.As(t, h.app, "admin"), fx.pool.ID, app.DepositInput{Amount: 1000000}); err != nil {
		t.Fatal(err)
	}
	// Authorization: anonymous donors must sign in; any signed-in user may give.
	if st, _ := h.api(http.MethodPost, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/checkout", "anonymous", map[string]any{"amount": 5000}); st != http.StatusUnauthorized {
		t.Errorf("anonymous checkout: %d", st)
	}
	if st, _, loc := h.browser("anonymous").post("/campaigns/"+id(fx.campaign.ID)+"/donate", url.Values{"amount": {"50"}}); st != http.StatusUnauthorized && !(st == http.StatusSeeOther && strings.HasPrefix(loc, "/login")) {
		t.Errorf("anonymous donate form: %d %s", st, loc)
	}
	for _, bad := range []map[string]any{{"amount": 0}, {"amount": -100}, {"amount": 1000000000}} {
		if st, _ := h.api(http.MethodPost, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/checkout", "outsider", bad); st != http.StatusUnprocessableEntity {
			t.Errorf("checkout %v: %d", bad, st)
		}
	}
	st, body := h.api(http.MethodPost, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/checkout", "resident", map[string]any{"amount": 5000, "anonymous": true})
	if st != http.StatusCreated || body["checkout_url"] == "" || body["status"] != "pending" {
		t.Fatalf("checkout: %d %v", st, body)
	}
	cid := int64(body["id"].(float64))
	// The HTML form redirects to the payment page.
	if st, _, loc := h.browser("volunteer").post("/campaigns/"+id(fx.campaign.ID)+"/donate", url.Values{"amount": {"88.80"}}); st != http.StatusSeeOther || !strings.HasPrefix(loc, "http") {
		t.Errorf("donate form: %d %q", st, loc)
	}

	now := time.Now()
	meta := map[string]string{"contribution_id": id(cid), "campaign_id": id(fx.campaign.ID)}
	pi := fmt.Sprintf("pi_test_%d", cid)
	// The session is the one the checkout created (an event about another is held for review).
	sess := "cs_x"
	if got, err := h.store.FindContribution(ctx, cid); err == nil && got.SessionID != nil {
		sess = *got.SessionID
	}
	completed, sigC := stripeEvent(t, "evt_completed_"+id(cid), "checkout.session.completed", map[string]any{"id": sess, "object": "checkout.session",
		"payment_intent": pi, "payment_status": "paid", "status": "complete", "amount_total": 5000, "currency": "cny", "metadata": meta}, now, "2023-10-16")
	succeeded, sigS := stripeEvent(t, "evt_pi_"+id(cid), "payment_intent.succeeded", map[string]any{"id": pi, "object": "payment_intent",
		"amount": 5000, "amount_received": 5000, "currency": "cny", "metadata": meta}, now, "2023-10-16")
	refunded, sigR := stripeEvent(t, "evt_refund_"+id(cid), "charge.refunded", map[string]any{"id": "ch_1", "object": "charge", "payment_intent": pi,
		"amount": 5000, "amount_refunded": 5000, "currency": "cny", "refunded": true}, now, "2023-10-16")
	failed, sigF := stripeEvent(t, "evt_failed_"+id(cid), "payment_intent.payment_failed", map[string]any{"id": pi, "object": "payment_intent",
		"amount": 5000, "currency": "cny", "metadata": meta, "last_payment_error": map[string]any{"message": "declined"}}, now, "2023-10-16")

	// Forged, stale and wrong-version events are refused and store nothing.
	forged, _ := stripeEvent(t, "evt_forged", "checkout.session.completed", map[string]any{"id": "cs_y", "object": "checkout.session",
		"payment_intent": pi, "payment_status": "paid", "status": "complete", "amount_total": 5000, "currency": "cny", "metadata": meta}, now, "2023-10-16")
	stale, sigStale := stripeEvent(t, "evt_stale", "payment_intent.succeeded", map[string]any{"id": pi, "object": "payment_intent", "amount_received": 5000, "currency": "cny", "metadata": meta}, now.Add(-time.Hour), "2023-10-16")
	old, sigOld := stripeEvent(t, "evt_old", "payment_intent.succeeded", map[string]any{"id": pi, "object": "payment_intent", "amount_received": 5000, "currency": "cny", "metadata": meta}, now, "2020-08-27")
	for name, c := range map[string]struct {
		body []byte
		sig  string
	}{"forged": {forged, "t=1,v1=deadbeef"}, "unsigned": {forged, ""}, "tampered": {bytes.Replace(completed, []byte("5000"), []byte("9000"), 1), sigC},
		"stale": {stale, sigStale}, "version": {old, sigOld}, "oversized": {bytes.Repeat([]byte(" "), stripepay.MaxWebhookBytes+10), sigC}} {
		if st, _ := postWebhook(t, h, c.body, c.sig); st != http.StatusBadRequest && st != http.StatusRequestEntityTooLarge {
			t.Errorf("%s webhook: %d", name, st)
		}
	}
	if got, _ := h.store.FindContribution(ctx, cid); got.Status != "pending" {
		t.Fatalf("refused events changed the contribution: %s", got.Status)
	}

	// Out of order and twice each: the refund overtakes the success, a late failure and a late
	// success change nothing. One success and one full refund are posted.
	// The refund names only the payment intent, not yet known: refused for a retry.
	if st, _ := postWebhook(t, h, refunded, sigR); st != http.StatusConflict {
		t.Errorf("refund before the intent is known: %d, want 409", st)
	}
	for _, ev := range []struct {
		body []byte
		sig  string
	}{{completed, sigC}, {refunded, sigR}, {succeeded, sigS}, {failed, sigF}, {completed, sigC}, {succeeded, sigS}} {
		if st, body := postWebhook(t, h, ev.body, ev.sig); st != http.StatusOK {
			t.Fatalf("webhook: %d %v", st, body)
		}
	}
	// The success was applied in a batch (group commit), which /metrics counts.
	if res, err := http.Get(h.srv.URL + "/metrics"); err != nil {
		t.Error(err)
	} else {
		m, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !regexp.MustCompile(`(?m)^wushe_gift_batches_total [1-9]`).Match(m) || !regexp.MustCompile(`(?m)^wushe_gift_batch_gifts_total [1-9]`).Match(m) {
			t.Errorf("/metrics counts no gift batch:\n%s", regexp.MustCompile(`(?m)^wushe_gift.*$`).FindAll(m, -1))
		}
	}
	got, _ := h.store.FindContribution(ctx, cid)
	if got.Status != "refunded" || got.Refunded != 5000 {
		t.Errorf("after events: %s refunded %d", got.Status, got.Refunded)
	}
	txs, _, _ := h.store.FindLedger(ctx, app.LedgerFilter{FundID: fx.fund.ID})
	kinds := map[string]int{}
	for _, tx := range txs {
		kinds[tx.Kind]++
	}
	if kinds["contribution_succeeded"] != 1 || kinds["contribution_refunded"] != 1 || kinds["match_reserved"] != 1 || kinds["match_released"] != 1 {
		t.Errorf("ledger kinds %v", kinds)
	}
	flags, _ := h.store.FindDonorFlags(ctx, fx.fund.ID)
	if len(flags) != 1 {
		t.Errorf("refund after match flagged %d donors, want 1", len(flags))
	}
	pool, _ := h.store.FindPool(ctx, fx.pool.ID)
	if pool.Available != 1000000 {
		t.Errorf("pool after refund %d", pool.Available)
	}
	// A worker refunds a second, paid card gift through Stripe (stripe-mock); the charge.refunded
	// event that follows changes nothing.
	st, body = h.api(http.MethodPost, "/api/v1/campaigns/"+id(fx.campaign.ID)+"/checkout", "donor", map[string]any{"amount": 3000})
	if st != http.StatusCreated {
		t.Fatalf("second checkout: %d %v", st, body)
	}
	cid2 := int64(body["id"].(float64))
	pi2 := fmt.Sprintf("pi_test_%d", cid2)
	meta2 := map[string]string{"contribution_id": id(cid2), "campaign_id": id(fx.campaign.ID)}
	sess2 := "cs_z"
	if got, err := h.store.FindContribution(ctx, cid2); err == nil && got.SessionID != nil {
		sess2 = *got.SessionID
	}
	paid2, sigP2 := stripeEvent(t, "evt_completed_"+id(cid2), "checkout.session.completed", map[string]any{"id": sess2, "object": "checkout.session",
		"payment_intent": pi2, "payment_status": "paid", "status": "complete", "amount_total": 3000, "currency": "cny", "metadata": meta2}, now, "2023-10-16")
	if st, body := postWebhook(t, h, paid2, sigP2); st != http.StatusOK {
		t.Fatalf("paid2: %d %v", st, body)
	}
	if st, body := h.api(http.MethodPost, "/api/v1/contributions/"+id(cid2)+"/refunds", "community_worker", map[string]any{"reason": "administrative"}); st != http.StatusOK || body["status"] != "refunded" {
		t.Fatalf("refund through Stripe: %d %v", st, body)
	}
	ref2, sigR2 := stripeEvent(t, "evt_refund_"+id(cid2), "charge.refunded", map[string]any{"id": "ch_2", "object": "charge", "payment_intent": pi2,
		"amount": 3000, "amount_refunded": 3000, "currency": "cny", "refunded": true}, now, "2023-10-16")
	if st, body := postWebhook(t, h, ref2, sigR2); st != http.StatusOK || body["outcome"] != "refund already recorded" {
		t.Errorf("refund event after the refund: %d %v", st, body)
	}
	if got, _ := h.store.FindContribution(ctx, cid2); got.Refunded != 3000 || got.Refunds != 1 {
		t.Errorf("second gift refunded %d in %d refunds", got.Refunded, got.Refunds)
	}
	if flags, _ := h.store.FindDonorFlags(ctx, fx.fund.ID); len(flags) != 1 {
		t.Errorf("an administrative refund flagged the donor: %d flags", len(flags))
	}
	// Back from the payment page, the donor (and only the donor) sees what happened.
	if ct, _ := h.store.FindContribution(ctx, cid); ct.SessionID != nil {
		_, page, _ := h.browser("resident").get("/campaigns/" + id(fx.campaign.ID) + "?thanks=" + url.QueryEscape(*ct.SessionID))
		if !strings.Contains(page, "感谢您捐赠 ¥50.00") {
			t.Errorf("thank-you message missing")
		}
		if _, page, _ := h.browser("volunteer").get("/campaigns/" + id(fx.campaign.ID) + "?thanks=" + url.QueryEscape(*ct.SessionID)); strings.Contains(page, "感谢您捐赠 ¥50.00") {
			t.Errorf("another user sees the donor's thank-you")
		}
	} else {
		t.Errorf("contribution has no checkout session")
	}
	// Reconciliation asks stripe-mock for sessions; its fixtures name no contribution of ours.
	if _, _, err := h.app.Reconcile(ctx, now.Add(-time.Hour)); err != nil {
		t.Errorf("reconcile: %v", err)
	}
}
