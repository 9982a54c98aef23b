package stripepay

import (
	"errors"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/wushe/wushe/funds"
)

// FuzzParseWebhook feeds arbitrary bodies to the webhook parser, signed with the endpoint's
// secret (so the JSON decoding behind the signature is reached) or not. It must never panic;
// an unsigned, forged or malformed body is rejected with ErrWebhookRejected; an accepted event
// has an id and a known type; and whatever it carries — negative, huge or foreign amounts —
// the funds engine's ApplyPaymentEvent never refunds more than the contribution or a negative
// amount. It must also agree with stripe-go's own decoding (oracleParseWebhook), except where
// stripe-go refuses a mistyped field ParseWebhook does not read. Seeds are in
// testdata/fuzz/FuzzParseWebhook; run long with scripts/fuzz.sh.
func FuzzParseWebhook(f *testing.F) {
	meta := map[string]string{"contribution_id": "42", "campaign_id": "3"}
	seeds := [][]byte{
		event(f, "evt_1", "checkout.session.completed", stripe.APIVersion, map[string]any{"id": "cs_1", "object": "checkout.session",
			"payment_status": "paid", "status": "complete", "amount_total": 5000, "currency": "cny", "payment_intent": "pi_1", "metadata": meta}),
		event(f, "evt_2", "charge.refunded", stripe.APIVersion, map[string]any{"id": "ch_1", "object": "charge", "amount": 5000,
			"amount_refunded": -7, "currency": "cny", "payment_intent": map[string]any{"id": "pi_1"}, "metadata": meta}),
		event(f, "evt_3", "payment_intent.succeeded", stripe.APIVersion, map[string]any{"id": "pi_1", "object": "payment_intent",
			"amount_received": 9223372036854775807, "currency": "CNY", "metadata": map[string]string{"contribution_id": "-1"}}),
		event(f, "evt_4", "payment_intent.payment_failed", "2020-08-27", map[string]any{"id": "pi_1"}),
		[]byte(`{"id":"evt_5","type":"checkout.session.expired","api_version":"` + stripe.APIVersion + `","data":{"object":[]}}`),
		event(f, "evt_6", "charge.refunded", stripe.APIVersion, map[string]any{"id": "ch_1", "payment_intent": map[string]any{"id": "pi_1", "amount": "x"},
			"amount": 5000, "amount_refunded": 5000, "currency": "cny", "metadata": map[string]any{"contribution_id": "42", "Contribution_ID": "43"}}),
		[]byte(`{"id":"evt_7","type":"checkout.session.completed","api_version":"` + stripe.APIVersion + `","data":{"object":{"payment_intent":"pi_\u0031","payment_intent":null}}}`),
		[]byte(`{}`), []byte(`not json`),
	}
	for _, s := range seeds {
		f.Add(s, true)
	}
	f.Add(seeds[0], false)
	p, err := New(Config{SecretKey: "sk_test_x", WebhookSecret: testSecret, BackendURL: "http://127.0.0.1:1"})
	if err != nil {
		f.Fatal(err)
	}
	known := map[funds.EventType]bool{funds.EventIgnored: true, funds.EventCheckoutCompleted: true, funds.EventPaymentSucceeded: true,
		funds.EventPaymentFailed: true, funds.EventCheckoutExpired: true, funds.EventRefunded: true}
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		sig := "t=1,v1=" + string(body)
		if signed {
			sig = sign(body, testSecret, time.Now())
		}
		compareWithOracle(t, p, body, sig)
		ev, err := p.ParseWebhook(body, sig)
		if err != nil {
			if !errors.Is(err, funds.ErrWebhookRejected) {
				t.Fatalf("rejection %v does not wrap ErrWebhookRejected", err)
			}
			return
		}
		if !signed {
			t.Fatalf("unsigned body accepted: %q", body)
		}
		if ev.ID == "" || !known[ev.Type] || ev.ContributionID < 0 {
			t.Fatalf("accepted event %+v", ev)
		}
		for _, st := range []funds.ContributionStatus{funds.ContributionStatusPending, funds.ContributionStatusSucceeded, funds.ContributionStatusRefunded, funds.ContributionStatusFailed} {
			state := funds.PaymentState{Status: st, Amount: funds.Money{Amount: 5000, Currency: funds.CNY}, Refunded: 1000}
			eff, err := funds.ApplyPaymentEvent(state, ev)
			if err != nil {
				if !errors.Is(err, funds.ErrPaymentMismatch) {
					t.Fatalf("ApplyPaymentEvent(%v): %v", ev, err)
				}
				continue
			}
			if eff.Refund < 0 || eff.Refunded > state.Amount.Amount || eff.Refunded < state.Refunded || (eff.Succeed && eff.Fail) {
				t.Fatalf("event %+v on %+v gave %+v", ev, state, eff)
			}
		}
	})
}
