package stripepay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/wushe/wushe/funds"
)

const testSecret = "whsec_test_wushe"

// stripeMockURL returns the stripe-mock server started by scripts/test.sh, or skips (fails
// in CI, where WUSHE_TEST_REQUIRE_SERVICES=1) when there is none.
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

// recorded is one request that went to stripe-mock.
type recorded struct {
	method, path, idempotencyKey, version string
	form                                  url.Values
}

// recorder passes requests through to the real server and remembers what was sent, so tests
// can check idempotency keys and parameters that stripe-mock accepts but does not echo.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := recorded{method: req.Method, path: req.URL.Path, idempotencyKey: req.Header.Get("Idempotency-Key"), version: req.Header.Get("Stripe-Version")}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec.form, _ = url.ParseQuery(string(body))
	}
	if req.Method == http.MethodGet {
		rec.form = req.URL.Query()
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func newMockProvider(t *testing.T) (*Provider, *recorder) {
	t.Helper()
	rec := &recorder{}
	retries := int64(0)
	p, err := New(Config{
		SecretKey: "sk_test_wushe", WebhookSecret: testSecret,
		BackendURL: stripeMockURL(t), HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second},
		MaxNetworkRetries: &retries,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, rec
}

func checkoutRequest() funds.CheckoutRequest {
	return funds.CheckoutRequest{
		ContributionID: 42, CampaignID: 3, Amount: funds.Yuan(50), Description: "东湖长者食堂送餐",
		SuccessURL: "https://wushe.example/campaigns/3/thanks?session={CHECKOUT_SESSION_ID}",
		CancelURL:  "https://wushe.example/campaigns/3", Locale: "zh",
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	_, err := New(Config{WebhookSecret: "secret", Tolerance: -1})
	var fes funds.FieldErrors
	if !errors.As(err, &fes) || len(fes) != 3 {
		t.Fatalf("error %v, want secret_key, webhook_secret and tolerance", err)
	}
	// Without a webhook secret the provider can still call Stripe, but accepts no webhook.
	p, err := New(Config{SecretKey: "sk_test_x"})
	if err != nil {
		t.Fatal(err)
	}
	body := event(t, "evt_1", "payment_intent.succeeded", APIVersion, map[string]any{"id": "pi_1"})
	if _, err := p.ParseWebhook(body, sign(body, "", time.Now())); !errors.Is(err, funds.ErrWebhookSignature) {
		t.Errorf("webhook accepted without a secret: %v", err)
	}
}

func TestCreateCheckout(t *testing.T) {
	t.Parallel()
	p, rec := newMockProvider(t)
	ctx := context.Background()
	s, err := p.CreateCheckout(ctx, checkoutRequest())
	if err != nil {
		t.Fatal(err)
	}
	if s.ID == "" || s.URL == "" {
		t.Errorf("session %+v lacks an id or URL", s)
	}
	// A retry (e.g. after a timeout) must carry the same key, so Stripe returns the same session.
	if _, err := p.CreateCheckout(ctx, checkoutRequest()); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("%d requests sent, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.method != http.MethodPost || r.path != "/v1/checkout/sessions" {
			t.Errorf("sent %s %s", r.method, r.path)
		}
		if r.idempotencyKey != "contribution-42-checkout" {
			t.Errorf("idempotency key %q", r.idempotencyKey)
		}
		if r.version != APIVersion {
			t.Errorf("Stripe-Version %q, want %q", r.version, APIVersion)
		}
	}
	want := map[string]string{
		"mode":                                           "payment",
		"client_reference_id":                            "contribution-42",
		"metadata[contribution_id]":                      "42",
		"metadata[campaign_id]":                          "3",
		"line_items[0][quantity]":                        "1",
		"line_items[0][price_data][currency]":            "cny",
		"line_items[0][price_data][unit_amount]":         "5000",
		"line_items[0][price_data][product_data][name]":  "东湖长者食堂送餐",
		"payment_intent_data[metadata][contribution_id]": "42",
		"locale":      "zh",
		"success_url": "https://wushe.example/campaigns/3/thanks?session={CHECKOUT_SESSION_ID}",
	}
	for k, v := range want {
		if got := reqs[0].form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestCreateCheckoutRefusesBadRequestsWithoutCallingStripe(t *testing.T) {
	t.Parallel()
	p, rec := newMockProvider(t)
	bad := checkoutRequest()
	bad.Amount = funds.Fen(0)
	if _, err := p.CreateCheckout(context.Background(), bad); !errors.Is(err, funds.ErrZeroAmount) {
		t.Errorf("zero amount: %v", err)
	}
	bad = checkoutRequest()
	bad.Amount = funds.Fen(MaxAmount + 1)
	var fe *funds.FieldError
	if _, err := p.CreateCheckout(context.Background(), bad); !errors.As(err, &fe) || fe.Field != "amount" {
		t.Errorf("amount over Stripe's limit: %v", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests reached Stripe", n)
	}
}

func TestRefund(t *testing.T) {
	t.Parallel()
	p, rec := newMockProvider(t)
	r, err := p.Refund(context.Background(), funds.RefundRequest{ContributionID: 42, Seq: 2, PaymentIntentID: "pi_123", Amount: funds.Yuan(20), Reason: funds.RefundRequested})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID == "" {
		t.Errorf("refund %+v has no id", r)
	}
	reqs := rec.all()
	if len(reqs) != 1 || reqs[0].path != "/v1/refunds" || reqs[0].idempotencyKey != "contribution-42-refund-2" {
		t.Fatalf("requests %+v", reqs)
	}
	for k, v := range map[string]string{"payment_intent": "pi_123", "amount": "2000", "reason": "requested_by_customer",
		"metadata[contribution_id]": "42", "metadata[wushe_reason]": "requested_by_donor"} {
		if got := reqs[0].form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, err := p.Refund(context.Background(), funds.RefundRequest{ContributionID: 42, Seq: 0}); err == nil {
		t.Error("invalid refund request accepted")
	}
}

func TestListSessionsSince(t *testing.T) {
	t.Parallel()
	p, rec := newMockProvider(t)
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	sessions, err := p.ListSessionsSince(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) == 0 || sessions[0].ID == "" {
		t.Fatalf("sessions %+v", sessions)
	}
	reqs := rec.all()
	if reqs[0].method != http.MethodGet || reqs[0].form.Get("created[gte]") != fmt.Sprint(since.Unix()) {
		t.Errorf("first request %+v", reqs[0])
	}
}

func TestProviderErrors(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: Stripe unreachable, which the app may retry.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	retries := int64(0)
	p, err := New(Config{SecretKey: "sk_test_x", WebhookSecret: testSecret, BackendURL: "http://" + addr, MaxNetworkRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateCheckout(context.Background(), checkoutRequest()); !errors.Is(err, funds.ErrProviderUnavailable) {
		t.Errorf("unreachable: %v", err)
	}
	// stripe-mock refuses a request without a valid key, as Stripe does.
	p, err = New(Config{SecretKey: "not-a-key", WebhookSecret: testSecret, BackendURL: stripeMockURL(t), MaxNetworkRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateCheckout(context.Background(), checkoutRequest()); !errors.Is(err, funds.ErrProviderRejected) {
		t.Errorf("bad key: %v", err)
	}
}

// event wraps an object in a Stripe event envelope.
func event(t testing.TB, id, typ, version string, object any) []byte {
	t.Helper()
	raw, ok := object.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(object); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "api_version": version, "type": typ, "created": 1735689600,
		"data": map[string]any{"object": raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

func webhookProvider(t *testing.T) *Provider {
	t.Helper()
	p, err := New(Config{SecretKey: "sk_test_x", WebhookSecret: testSecret, BackendURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseWebhookEvents(t *testing.T) {
	t.Parallel()
	p := webhookProvider(t)
	meta := map[string]string{"contribution_id": "42", "campaign_id": "3"}
	tests := []struct {
		name   string
		typ    string
		object any
		want   funds.PaymentEvent
	}{
		{"checkout completed and paid", "checkout.session.completed",
			map[string]any{"id": "cs_1", "object": "checkout.session", "payment_intent": "pi_1", "payment_status": "paid", "status": "complete", "amount_total": 5000, "currency": "cny", "metadata": meta},
			funds.PaymentEvent{Type: funds.EventCheckoutCompleted, ContributionID: 42, CampaignID: 3, SessionID: "cs_1", PaymentIntentID: "pi_1", Amount: funds.Yuan(50), Paid: true}},
		{"checkout completed, payment pending", "checkout.session.completed",
			map[string]any{"id": "cs_2", "object": "checkout.session", "payment_intent": "pi_2", "payment_status": "unpaid", "status": "complete", "amount_total": 5000, "currency": "cny", "metadata": meta},
			funds.PaymentEvent{Type: funds.EventCheckoutCompleted, ContributionID: 42, CampaignID: 3, SessionID: "cs_2", PaymentIntentID: "pi_2", Amount: funds.Yuan(50)}},
		{"async payment succeeded", "checkout.session.async_payment_succeeded",
			map[string]any{"id": "cs_2", "object": "checkout.session", "payment_intent": "pi_2", "payment_status": "paid", "status": "complete", "amount_total": 5000, "currency": "cny", "metadata": meta},
			funds.PaymentEvent{Type: funds.EventCheckoutCompleted, ContributionID: 42, CampaignID: 3, SessionID: "cs_2", PaymentIntentID: "pi_2", Amount: funds.Yuan(50), Paid: true}},
		{"session expired", "checkout.session.expired",
			map[string]any{"id": "cs_3", "object": "checkout.session", "payment_status": "unpaid", "status": "expired", "amount_total": 5000, "currency": "cny", "metadata": meta},
			funds.PaymentEvent{Type: funds.EventCheckoutExpired, ContributionID: 42, CampaignID: 3, SessionID: "cs_3", Amount: funds.Yuan(50)}},
		{"payment intent succeeded", "payment_intent.succeeded",
			map[string]any{"id": "pi_1", "object": "payment_intent", "amount": 5000, "amount_received": 5000, "currency": "cny", "metadata": meta},
			funds.PaymentEvent{Type: funds.EventPaymentSucceeded, ContributionID: 42, CampaignID: 3, PaymentIntentID: "pi_1", Amount: funds.Yuan(50)}},
		{"payment failed", "payment_intent.payment_failed",
			map[string]any{"id": "pi_1", "object": "payment_intent", "amount": 5000, "currency": "cny", "metadata": meta, "last_payment_error": map[string]any{"message": "Your card was declined."}},
			funds.PaymentEvent{Type: funds.EventPaymentFailed, ContributionID: 42, CampaignID: 3, PaymentIntentID: "pi_1", Amount: funds.Yuan(50), FailureMessage: "Your card was declined."}},
		{"charge refunded", "charge.refunded",
			map[string]any{"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount": 5000, "amount_refunded": 2000, "currency": "cny", "refunded": false},
			funds.PaymentEvent{Type: funds.EventRefunded, PaymentIntentID: "pi_1", ChargeID: "ch_1", Amount: funds.Yuan(50), Refunded: funds.Yuan(20)}},
		{"unused event type", "customer.created",
			map[string]any{"id": "cus_1", "object": "customer"},
			funds.PaymentEvent{Type: funds.EventIgnored}},
		{"foreign metadata", "payment_intent.succeeded",
			map[string]any{"id": "pi_9", "object": "payment_intent", "amount_received": 100, "currency": "cny", "metadata": map[string]string{"contribution_id": "abc"}},
			funds.PaymentEvent{Type: funds.EventPaymentSucceeded, PaymentIntentID: "pi_9", Amount: funds.Fen(100)}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := fmt.Sprintf("evt_%d", i)
			body := event(t, id, tt.typ, APIVersion, tt.object)
			got, err := p.ParseWebhook(body, sign(body, testSecret, time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.ID, tt.want.ProviderType, tt.want.Created = id, tt.typ, time.Unix(1735689600, 0).UTC()
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseWebhookRejects(t *testing.T) {
	t.Parallel()
	p := webhookProvider(t)
	obj := map[string]any{"id": "pi_1", "object": "payment_intent", "amount_received": 5000, "currency": "cny"}
	body := event(t, "evt_1", "payment_intent.succeeded", APIVersion, obj)
	now := time.Now()
	tampered := bytes.Replace(body, []byte("5000"), []byte("9000"), 1)
	oldVersion := event(t, "evt_2", "payment_intent.succeeded", "2022-11-15", obj)
	huge := event(t, "evt_3", "payment_intent.succeeded", APIVersion, map[string]any{"id": "pi_1", "description": strings.Repeat("x", MaxWebhookBytes)})
	notJSON := []byte(`{"id": "evt_4", "api_version": "` + APIVersion + `", "data": {"object": `)
	noObject := []byte(`{"id": "evt_5", "object": "event", "api_version": "` + APIVersion + `", "type": "charge.refunded"}`)
	badObject := event(t, "evt_6", "charge.refunded", APIVersion, json.RawMessage(`{"amount": "lots"}`))
	tests := []struct {
		name    string
		payload []byte
		header  string
		want    error
	}{
		{"no signature", body, "", funds.ErrWebhookSignature},
		{"garbage header", body, "nonsense", funds.ErrWebhookSignature},
		{"signed with another secret", body, sign(body, "whsec_attacker", now), funds.ErrWebhookSignature},
		{"body changed after signing", tampered, sign(body, testSecret, now), funds.ErrWebhookSignature},
		{"stale timestamp (replay)", body, sign(body, testSecret, now.Add(-6*time.Minute)), funds.ErrWebhookStale},
		{"wrong API version", oldVersion, sign(oldVersion, testSecret, now), funds.ErrWebhookVersion},
		{"oversized body", huge, sign(huge, testSecret, now), funds.ErrWebhookTooLarge},
		{"signed but not JSON", notJSON, sign(notJSON, testSecret, now), funds.ErrWebhookMalformed},
		{"signed event without object", noObject, sign(noObject, testSecret, now), funds.ErrWebhookMalformed},
		{"signed event with a bad object", badObject, sign(badObject, testSecret, now), funds.ErrWebhookMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := p.ParseWebhook(tt.payload, tt.header)
			if !errors.Is(err, funds.ErrWebhookRejected) || !errors.Is(err, tt.want) {
				t.Fatalf("got %+v, %v; want %v", ev, err, tt.want)
			}
		})
	}
	if _, err := p.ParseWebhook(body, sign(body, testSecret, now)); err != nil {
		t.Errorf("the untouched event is fine: %v", err)
	}
}

func TestReadWebhookBody(t *testing.T) {
	t.Parallel()
	b, err := ReadWebhookBody(strings.NewReader("abc"), 3)
	if err != nil || string(b) != "abc" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	if _, err := ReadWebhookBody(strings.NewReader("abcd"), 3); !errors.Is(err, funds.ErrWebhookTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}

// TestParseWebhookWithStripeMockObjects wraps objects exactly as stripe-mock (Stripe's own
// OpenAPI fixtures) returns them in signed events, so the parser is checked against real
// shapes and not only hand-written JSON.
func TestParseWebhookWithStripeMockObjects(t *testing.T) {
	t.Parallel()
	p, _ := newMockProvider(t)
	ctx := context.Background()
	s, err := p.api.CheckoutSessions.Get("cs_test_wushe", nil)
	if err != nil {
		t.Fatal(err)
	}
	pi, err := p.api.PaymentIntents.Get("pi_test_wushe", nil)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := p.api.Charges.Get("ch_test_wushe", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = ctx
	for _, tt := range []struct {
		typ  string
		raw  []byte
		want funds.EventType
		id   func(funds.PaymentEvent) string
		is   string
	}{
		{"checkout.session.completed", s.LastResponse.RawJSON, funds.EventCheckoutCompleted, func(e funds.PaymentEvent) string { return e.SessionID }, s.ID},
		{"payment_intent.succeeded", pi.LastResponse.RawJSON, funds.EventPaymentSucceeded, func(e funds.PaymentEvent) string { return e.PaymentIntentID }, pi.ID},
		{"payment_intent.payment_failed", pi.LastResponse.RawJSON, funds.EventPaymentFailed, func(e funds.PaymentEvent) string { return e.PaymentIntentID }, pi.ID},
		{"charge.refunded", ch.LastResponse.RawJSON, funds.EventRefunded, func(e funds.PaymentEvent) string { return e.ChargeID }, ch.ID},
	} {
		body := event(t, "evt_mock", tt.typ, APIVersion, json.RawMessage(tt.raw))
		ev, err := p.ParseWebhook(body, sign(body, testSecret, time.Now()))
		if err != nil {
			t.Fatalf("%s: %v", tt.typ, err)
		}
		if ev.Type != tt.want || tt.id(ev) != tt.is || tt.is == "" {
			t.Errorf("%s: parsed %+v", tt.typ, ev)
		}
		// Stripe's full objects, with every field typed, must decode exactly as stripe-go does.
		if compareWithOracle(t, p, body, sign(body, testSecret, time.Now())) {
			t.Errorf("%s: stripe-go refuses stripe-mock's own object", tt.typ)
		}
	}
}

// BenchmarkParseWebhook measures what a webhook costs before the database: a genuine event
// (signature checked, then decoded) against the forgeries a flood would send, which must be
// refused at the signature, before any JSON is decoded (docs/perf.md, "Giving day").
func BenchmarkParseWebhook(b *testing.B) {
	p, err := New(Config{SecretKey: "sk_test_x", WebhookSecret: testSecret, BackendURL: "http://127.0.0.1:1"})
	if err != nil {
		b.Fatal(err)
	}
	meta := map[string]string{"contribution_id": "42", "campaign_id": "3"}
	body := event(b, "evt_bench", "payment_intent.succeeded", APIVersion,
		map[string]any{"id": "pi_1", "object": "payment_intent", "amount": 5000, "amount_received": 5000, "currency": "cny", "metadata": meta})
	now := time.Now()
	cases := []struct {
		name, sig string
		ok        bool
	}{
		{"valid", sign(body, testSecret, now), true},
		{"forged signature", sign(body, "whsec_someone_else", now), false},
		{"no signature", "", false},
		{"stale", sign(body, testSecret, now.Add(-time.Hour)), false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := p.ParseWebhook(body, c.sig)
				if (err == nil) != c.ok {
					b.Fatalf("err = %v", err)
				}
			}
		})
	}
}
