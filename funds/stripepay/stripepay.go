// Package stripepay implements funds.Payments with Stripe through stripe-go v76, which speaks
// API version 2023-10-16. It turns contributions into Checkout Sessions, refunds them, lists
// sessions for reconciliation and verifies webhooks, mapping everything to the small
// provider-neutral types of package funds so the app never imports stripe-go.
package stripepay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/wushe/wushe/funds"
)

// APIVersion is the Stripe API version this adapter understands; webhook endpoints must be
// pinned to it, because events of other versions are rejected.
const APIVersion = stripe.APIVersion

// MaxWebhookBytes is the largest webhook body accepted. Stripe's events for the objects we use
// are a few kilobytes; the limit stops a flood of large bodies before any JSON is parsed.
const MaxWebhookBytes = 256 << 10

// MaxAmount is Stripe's largest charge: eight digits of minor units (¥999,999.99).
const MaxAmount = 99_999_999

// Metadata keys written on sessions and payment intents, read back from events.
const (
	MetaContribution = "contribution_id"
	MetaCampaign     = "campaign_id"
	MetaReason       = "wushe_reason"
)

// Config configures the adapter.
type Config struct {
	SecretKey string // STRIPE_SECRET_KEY
	// WebhookSecret is STRIPE_WEBHOOK_SECRET (whsec_…) of the endpoint pinned to APIVersion.
	// Commands that only call Stripe (reconcile) may leave it empty; ParseWebhook then rejects
	// every event rather than accept one it cannot verify.
	WebhookSecret string
	// BackendURL points the client elsewhere, e.g. stripe-mock in tests; empty means Stripe.
	BackendURL string
	HTTPClient *http.Client // nil: a client with a 30-second timeout
	// Tolerance is how old a webhook's signed timestamp may be; 0 means five minutes.
	Tolerance time.Duration
	// MaxWebhookBytes overrides the package limit when positive.
	MaxWebhookBytes int
	// PaymentMethodTypes restricts the checkout page (e.g. "card", "alipay", "wechat_pay");
	// empty lets the Stripe dashboard's payment-method settings decide.
	PaymentMethodTypes []string
	// MaxNetworkRetries is how often stripe-go retries a failed request (with the same
	// idempotency key); nil means stripe-go's default.
	MaxNetworkRetries *int64
	Logger            *slog.Logger // nil: discard stripe-go's own logging
}

// Provider is the Stripe implementation of funds.Payments.
type Provider struct {
	api *client.API
	cfg Config
}

var _ funds.Payments = (*Provider)(nil)

// New checks the configuration and builds a provider.
func New(cfg Config) (*Provider, error) {
	var es funds.FieldErrors
	if cfg.SecretKey == "" {
		es = append(es, &funds.FieldError{Field: "secret_key", Err: errors.New("required")})
	}
	if cfg.WebhookSecret != "" && !strings.HasPrefix(cfg.WebhookSecret, "whsec_") {
		es = append(es, &funds.FieldError{Field: "webhook_secret", Err: errors.New("must be the endpoint's whsec_… signing secret")})
	}
	if cfg.Tolerance < 0 {
		es = append(es, &funds.FieldError{Field: "tolerance", Err: errors.New("must not be negative")})
	}
	if len(es) > 0 {
		return nil, fmt.Errorf("stripe config: %w", es)
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = webhook.DefaultTolerance
	}
	if cfg.MaxWebhookBytes <= 0 {
		cfg.MaxWebhookBytes = MaxWebhookBytes
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	var logger stripe.LeveledLoggerInterface = &stripe.LeveledLogger{Level: stripe.LevelNull}
	if cfg.Logger != nil {
		logger = slogAdapter{cfg.Logger}
	}
	// Each backend gets its own config: GetBackendWithConfig fills defaults (its URL) in place.
	backend := func(t stripe.SupportedBackend) stripe.Backend {
		bc := &stripe.BackendConfig{HTTPClient: cfg.HTTPClient, LeveledLogger: logger, MaxNetworkRetries: cfg.MaxNetworkRetries}
		if cfg.BackendURL != "" {
			bc.URL = stripe.String(cfg.BackendURL)
		}
		return stripe.GetBackendWithConfig(t, bc)
	}
	backends := &stripe.Backends{
		API:     backend(stripe.APIBackend),
		Connect: backend(stripe.ConnectBackend),
		Uploads: backend(stripe.UploadsBackend),
	}
	return &Provider{api: client.New(cfg.SecretKey, backends), cfg: cfg}, nil
}

// CreateCheckout creates a Checkout Session for one contribution. The idempotency key is
// derived from the contribution, so a retry after a timeout returns the first session instead
// of opening a second payment.
func (p *Provider) CreateCheckout(ctx context.Context, req funds.CheckoutRequest) (funds.CheckoutSession, error) {
	if err := req.Validate(); err != nil {
		return funds.CheckoutSession{}, err
	}
	if req.Amount.Amount > MaxAmount {
		return funds.CheckoutSession{}, &funds.FieldError{Field: "amount", Err: fmt.Errorf("%w: Stripe takes at most %s", funds.ErrAmountOverflow, funds.Money{Amount: MaxAmount, Currency: req.Amount.Currency})}
	}
	meta := map[string]string{
		MetaContribution: strconv.FormatInt(req.ContributionID, 10),
		MetaCampaign:     strconv.FormatInt(req.CampaignID, 10),
	}
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String("contribution-" + meta[MetaContribution]),
		SuccessURL:        stripe.String(req.SuccessURL),
		CancelURL:         stripe.String(req.CancelURL),
		Metadata:          meta,
		LineItems: []*stripe.CheckoutSessionLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(string(req.Amount.Currency))),
				UnitAmount:  stripe.Int64(req.Amount.Amount),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(req.Description)},
			},
		}},
		// The payment intent carries the ids too, so payment_intent.* events name the contribution.
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{
			Description: stripe.String(req.Description),
			Metadata:    meta,
		},
	}
	if req.Locale != "" {
		params.Locale = stripe.String(req.Locale)
	}
	if req.Email != "" {
		params.CustomerEmail = stripe.String(req.Email)
	}
	if len(p.cfg.PaymentMethodTypes) > 0 {
		params.PaymentMethodTypes = stripe.StringSlice(p.cfg.PaymentMethodTypes)
	}
	params.Context = ctx
	params.SetIdempotencyKey(funds.CheckoutKey(req.ContributionID))
	s, err := p.api.CheckoutSessions.New(params)
	if err != nil {
		return funds.CheckoutSession{}, fmt.Errorf("stripe: checkout for contribution %d: %w", req.ContributionID, classify(err))
	}
	return session(s), nil
}

// Refund refunds part or all of a contribution's payment, keyed by contribution and sequence
// so a retried refund is not paid twice.
func (p *Provider) Refund(ctx context.Context, req funds.RefundRequest) (funds.RefundResult, error) {
	if err := req.Validate(); err != nil {
		return funds.RefundResult{}, err
	}
	params := &stripe.RefundParams{
		PaymentIntent: stripe.String(req.PaymentIntentID),
		Amount:        stripe.Int64(req.Amount.Amount),
		Metadata: map[string]string{
			MetaContribution: strconv.FormatInt(req.ContributionID, 10),
			MetaReason:       string(req.Reason),
		},
	}
	if req.Reason == funds.RefundRequested {
		params.Reason = stripe.String(string(stripe.RefundReasonRequestedByCustomer))
	}
	params.Context = ctx
	params.SetIdempotencyKey(funds.RefundKey(req.ContributionID, req.Seq))
	r, err := p.api.Refunds.New(params)
	if err != nil {
		return funds.RefundResult{}, fmt.Errorf("stripe: refund %d of contribution %d: %w", req.Seq, req.ContributionID, classify(err))
	}
	return funds.RefundResult{ID: r.ID, Status: string(r.Status), Amount: money(r.Amount, r.Currency)}, nil
}

// ListSessionsSince lists every Checkout Session created at or after since, oldest first,
// following Stripe's pagination.
func (p *Provider) ListSessionsSince(ctx context.Context, since time.Time) ([]funds.CheckoutSession, error) {
	params := &stripe.CheckoutSessionListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: since.Unix()}}
	params.Context = ctx
	params.Limit = stripe.Int64(100)
	it := p.api.CheckoutSessions.List(params)
	var out []funds.CheckoutSession
	for it.Next() {
		out = append(out, session(it.CheckoutSession()))
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("stripe: list sessions since %s: %w", since.Format(time.RFC3339), classify(err))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// ReadWebhookBody reads a webhook request body, refusing more than limit bytes (use
// MaxWebhookBytes) before anything is parsed: the HTTP handler's first step.
func ReadWebhookBody(r io.Reader, limit int) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("read webhook: %w", err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%w: %w (over %d bytes)", funds.ErrWebhookRejected, funds.ErrWebhookTooLarge, limit)
	}
	return b, nil
}

// ParseWebhook verifies the Stripe-Signature header against the raw body and returns the
// event in funds' terms. Forged, stale, oversized, malformed and wrong-version events are
// rejected with errors wrapping funds.ErrWebhookRejected.
//
// The signature and its timestamp are checked by stripe-go (webhook.ValidatePayloadWithTolerance);
// the body is then decoded into the small wire types below rather than through
// webhook.ConstructEventWithOptions, which decodes data.object into a map[string]interface{}
// that nothing here reads, after which the object had to be decoded a second time into
// stripe-go's full resource structs (hundreds of fields). On the giving day ParseWebhook was
// about 12% of the server's CPU, most of it that double decode.
func (p *Provider) ParseWebhook(payload []byte, signature string) (funds.PaymentEvent, error) {
	reject := func(why error, detail string) (funds.PaymentEvent, error) {
		if detail != "" {
			return funds.PaymentEvent{}, fmt.Errorf("%w: %w: %s", funds.ErrWebhookRejected, why, detail)
		}
		return funds.PaymentEvent{}, fmt.Errorf("%w: %w", funds.ErrWebhookRejected, why)
	}
	if p.cfg.WebhookSecret == "" {
		return reject(funds.ErrWebhookSignature, "no webhook secret configured")
	}
	if len(payload) > p.cfg.MaxWebhookBytes {
		return reject(funds.ErrWebhookTooLarge, fmt.Sprintf("%d bytes", len(payload)))
	}
	tolerance := p.cfg.Tolerance
	if tolerance == 0 {
		// ConstructEventWithOptions, used before, read a zero tolerance as the default one;
		// ValidatePayloadWithTolerance would read it as "already stale".
		tolerance = webhook.DefaultTolerance
	}
	err := webhook.ValidatePayloadWithTolerance(payload, signature, p.cfg.WebhookSecret, tolerance)
	switch {
	case errors.Is(err, webhook.ErrTooOld):
		return reject(funds.ErrWebhookStale, "")
	case errors.Is(err, webhook.ErrNotSigned), errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNoValidSignature):
		return reject(funds.ErrWebhookSignature, err.Error())
	case err != nil:
		return reject(funds.ErrWebhookMalformed, err.Error())
	}
	var ev wireEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return reject(funds.ErrWebhookMalformed, "parse webhook body: "+err.Error())
	}
	if ev.Data != nil && !jsonObjectOrNull(ev.Data.Object) {
		// stripe-go's Event decoding fails here (data.object into a map) before the version
		// check; keep that order so an event is refused for the same reason as before.
		return reject(funds.ErrWebhookMalformed, "parse webhook body: data.object is not a JSON object")
	}
	if ev.APIVersion != stripe.APIVersion {
		return reject(funds.ErrWebhookVersion, fmt.Sprintf("event %s has API version %q, this endpoint needs %q", ev.ID, ev.APIVersion, stripe.APIVersion))
	}
	if ev.ID == "" || ev.Data == nil || len(ev.Data.Object) == 0 {
		return reject(funds.ErrWebhookMalformed, "event without id or object")
	}
	typ := stripe.EventType(ev.Type)
	out := funds.PaymentEvent{ID: ev.ID, Type: funds.EventIgnored, ProviderType: ev.Type, Created: time.Unix(ev.Created, 0).UTC()}
	decode := func(v any) error {
		if err := json.Unmarshal(ev.Data.Object, v); err != nil {
			return fmt.Errorf("%w: %w: %s object: %v", funds.ErrWebhookRejected, funds.ErrWebhookMalformed, typ, err)
		}
		return nil
	}
	switch typ {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded,
		stripe.EventTypeCheckoutSessionAsyncPaymentFailed, stripe.EventTypeCheckoutSessionExpired:
		var s wireSession
		if err := decode(&s); err != nil {
			return funds.PaymentEvent{}, err
		}
		out.ContributionID, out.CampaignID = contributionID(s.Metadata), campaignID(s.Metadata)
		out.SessionID, out.PaymentIntentID = s.ID, string(s.PaymentIntent)
		out.Amount = money(s.AmountTotal, s.Currency)
		out.Paid = s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid
		switch typ {
		case stripe.EventTypeCheckoutSessionAsyncPaymentFailed:
			out.Type, out.Paid = funds.EventPaymentFailed, false
		case stripe.EventTypeCheckoutSessionExpired:
			out.Type, out.Paid = funds.EventCheckoutExpired, false
		default:
			out.Type = funds.EventCheckoutCompleted
		}
	case stripe.EventTypePaymentIntentSucceeded, stripe.EventTypePaymentIntentPaymentFailed:
		var pi wirePaymentIntent
		if err := decode(&pi); err != nil {
			return funds.PaymentEvent{}, err
		}
		out.ContributionID, out.CampaignID = contributionID(pi.Metadata), campaignID(pi.Metadata)
		out.PaymentIntentID = pi.ID
		if typ == stripe.EventTypePaymentIntentSucceeded {
			out.Type, out.Amount = funds.EventPaymentSucceeded, money(pi.AmountReceived, pi.Currency)
		} else {
			out.Type, out.Amount = funds.EventPaymentFailed, money(pi.Amount, pi.Currency)
			if pi.LastPaymentError != nil {
				out.FailureMessage = pi.LastPaymentError.Message
			}
		}
	case stripe.EventTypeChargeRefunded:
		var ch wireCharge
		if err := decode(&ch); err != nil {
			return funds.PaymentEvent{}, err
		}
		out.Type = funds.EventRefunded
		out.ContributionID = contributionID(ch.Metadata)
		out.ChargeID, out.PaymentIntentID = ch.ID, string(ch.PaymentIntent)
		out.Amount = money(ch.Amount, ch.Currency)
		out.Refunded = money(ch.AmountRefunded, ch.Currency)
	}
	return out, nil
}

// The wire types hold only what ParseWebhook reads of a Stripe event, with stripe-go's JSON
// names and Go types, so a field that decodes (or fails to) in stripe-go's structs does the
// same here. Fields ParseWebhook does not read are skipped rather than type-checked: Stripe
// signs what it sends, so only a holder of the signing secret could send a mistyped one.

// wireEvent is the envelope of a Stripe event.
type wireEvent struct {
	ID         string    `json:"id"`
	APIVersion string    `json:"api_version"`
	Created    int64     `json:"created"`
	Type       string    `json:"type"`
	Data       *wireData `json:"data"`
}

// wireData keeps data.object undecoded: Stripe puts "type" after "data", so which struct the
// object needs is only known once the envelope is read.
type wireData struct {
	Object json.RawMessage `json:"object"`
}

// wireSession is a checkout.session object.
type wireSession struct {
	ID            string                              `json:"id"`
	Metadata      map[string]string                   `json:"metadata"`
	PaymentIntent expandableID                        `json:"payment_intent"`
	PaymentStatus stripe.CheckoutSessionPaymentStatus `json:"payment_status"`
	AmountTotal   int64                               `json:"amount_total"`
	Currency      stripe.Currency                     `json:"currency"`
}

// wirePaymentIntent is a payment_intent object.
type wirePaymentIntent struct {
	ID               string            `json:"id"`
	Metadata         map[string]string `json:"metadata"`
	Amount           int64             `json:"amount"`
	AmountReceived   int64             `json:"amount_received"`
	Currency         stripe.Currency   `json:"currency"`
	LastPaymentError *struct {
		Message string `json:"message"`
	} `json:"last_payment_error"`
}

// wireCharge is a charge object.
type wireCharge struct {
	ID             string            `json:"id"`
	Metadata       map[string]string `json:"metadata"`
	PaymentIntent  expandableID      `json:"payment_intent"`
	Amount         int64             `json:"amount"`
	AmountRefunded int64             `json:"amount_refunded"`
	Currency       stripe.Currency   `json:"currency"`
}

// expandableID is the id of a related object, which Stripe sends as a bare id string or, when
// expanded, as the whole object. A string is read with stripe.ParseID, as stripe-go's own
// types read it (the text between the quotes, not unescaped); an object gives its "id"; null
// gives "".
type expandableID string

// UnmarshalJSON implements json.Unmarshaler.
func (e *expandableID) UnmarshalJSON(b []byte) error {
	if id, ok := stripe.ParseID(b); ok {
		*e = expandableID(id)
		return nil
	}
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = expandableID(v.ID)
	return nil
}

// jsonObjectOrNull reports whether raw, a value encoding/json has already validated, is an
// object or null: what stripe-go's decoding of data.object into a map accepts.
func jsonObjectOrNull(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '{' || raw[0] == 'n')
}

// session converts a Stripe session to funds' view of it.
func session(s *stripe.CheckoutSession) funds.CheckoutSession {
	out := funds.CheckoutSession{
		ID:             s.ID,
		URL:            s.URL,
		ContributionID: contributionID(s.Metadata),
		Status:         funds.SessionStatus(s.Status),
		Paid:           s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid,
		Amount:         money(s.AmountTotal, s.Currency),
		Created:        time.Unix(s.Created, 0).UTC(),
	}
	if s.PaymentIntent != nil {
		out.PaymentIntentID = s.PaymentIntent.ID
	}
	return out
}

// contributionID reads the contribution id Wushe put in metadata; 0 when absent or foreign.
func contributionID(meta map[string]string) int64 { return metaID(meta, MetaContribution) }

// campaignID reads the campaign id Wushe put in metadata; 0 when absent or foreign.
func campaignID(meta map[string]string) int64 { return metaID(meta, MetaCampaign) }

func metaID(meta map[string]string, key string) int64 {
	n, err := strconv.ParseInt(meta[key], 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func money(amount int64, c stripe.Currency) funds.Money {
	return funds.Money{Amount: amount, Currency: funds.Currency(strings.ToUpper(string(c)))}
}

// classify maps Stripe failures onto funds' two provider errors: a request Stripe refused
// (fix it, do not retry) or Stripe being unreachable (retry later with the same key).
func classify(err error) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		if se.HTTPStatusCode >= 500 || se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode == 0 {
			return fmt.Errorf("%w: %v", funds.ErrProviderUnavailable, se)
		}
		return fmt.Errorf("%w: %s (%s %s)", funds.ErrProviderRejected, se.Msg, se.Type, se.Code)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %v", funds.ErrProviderUnavailable, err)
}

// slogAdapter sends stripe-go's log lines to slog.
type slogAdapter struct{ l *slog.Logger }

// Debugf logs at slog's Debug level.
func (a slogAdapter) Debugf(format string, v ...any) {
	a.l.Debug(fmt.Sprintf(format, v...), "component", "stripe")
}

// Infof logs at slog's Info level.
func (a slogAdapter) Infof(format string, v ...any) {
	a.l.Info(fmt.Sprintf(format, v...), "component", "stripe")
}

// Warnf logs at slog's Warn level.
func (a slogAdapter) Warnf(format string, v ...any) {
	a.l.Warn(fmt.Sprintf(format, v...), "component", "stripe")
}

// Errorf logs at slog's Error level.
func (a slogAdapter) Errorf(format string, v ...any) {
	a.l.Error(fmt.Sprintf(format, v...), "component", "stripe")
}
