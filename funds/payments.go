package funds

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Payments is a card/wallet payment provider as the app uses it. funds/stripepay implements it
// with Stripe; without Stripe keys the app takes offline gifts instead (see OfflineReceipt).
type Payments interface {
	// CreateCheckout starts a hosted payment page for one contribution. It is idempotent per
	// contribution: retrying returns the same session instead of charging twice.
	CreateCheckout(ctx context.Context, req CheckoutRequest) (CheckoutSession, error)
	// Refund gives money back. Retrying the same request (same ContributionID and Seq) refunds
	// once.
	Refund(ctx context.Context, req RefundRequest) (RefundResult, error)
	// ListSessionsSince lists checkout sessions created at or after since, for reconciliation
	// of webhooks that never arrived.
	ListSessionsSince(ctx context.Context, since time.Time) ([]CheckoutSession, error)
	// ParseWebhook verifies a webhook's signature on the raw body and returns its event. Errors
	// wrap ErrWebhookRejected (forged, stale, oversized, malformed or wrong API version).
	ParseWebhook(payload []byte, signature string) (PaymentEvent, error)
}

// CheckoutRequest asks for a payment page for one contribution.
type CheckoutRequest struct {
	ContributionID int64
	CampaignID     int64
	Amount         Money
	Description    string // shown on the payment page, e.g. the campaign title
	SuccessURL     string // absolute http(s) URLs the donor returns to
	CancelURL      string
	Locale         string // "zh" or "en"; empty lets the provider choose
	Email          string // optional, prefills the payment page
}

// Validate checks the request before anything is sent to a provider.
func (r CheckoutRequest) Validate() error {
	var es FieldErrors
	if r.ContributionID <= 0 {
		es.addf("contribution_id", "must be a contribution id")
	}
	if !r.Amount.Currency.Valid() {
		es.add("amount", fmt.Errorf("%w %q", ErrUnknownCurrency, r.Amount.Currency))
	} else if r.Amount.Amount <= 0 {
		es.add("amount", ErrZeroAmount)
	}
	if r.Description == "" {
		es.addf("description", "required")
	}
	for _, f := range [...]struct{ field, url string }{{"success_url", r.SuccessURL}, {"cancel_url", r.CancelURL}} {
		if p, err := url.Parse(f.url); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			es.addf(f.field, "must be an absolute http(s) URL")
		}
	}
	if r.Locale != "" && r.Locale != "zh" && r.Locale != "en" {
		es.addf("locale", "must be zh or en")
	}
	return es.err()
}

// CheckoutKey is the idempotency key for a contribution's checkout: the same contribution
// always gets the same key, so a retried request cannot open a second payment.
func CheckoutKey(contributionID int64) string {
	return "contribution-" + strconv.FormatInt(contributionID, 10) + "-checkout"
}

// RefundKey is the idempotency key for the seq-th refund of a contribution.
func RefundKey(contributionID int64, seq int) string {
	return "contribution-" + strconv.FormatInt(contributionID, 10) + "-refund-" + strconv.Itoa(seq)
}

// SessionStatus is a checkout session's state at the provider.
type SessionStatus string

// Session states.
const (
	SessionOpen     SessionStatus = "open"
	SessionComplete SessionStatus = "complete"
	SessionExpired  SessionStatus = "expired"
)

// CheckoutSession is a provider's payment page for a contribution.
type CheckoutSession struct {
	ID              string
	URL             string // where to send the donor
	ContributionID  int64  // from the session's metadata; 0 if it was not created by Wushe
	PaymentIntentID string
	Status          SessionStatus
	Paid            bool
	Amount          Money
	Created         time.Time
}

// RefundRequest asks the provider to give back part or all of a payment.
type RefundRequest struct {
	ContributionID  int64
	Seq             int // 1 for a contribution's first refund, 2 for the next…
	PaymentIntentID string
	Amount          Money
	Reason          RefundReason
}

// Validate checks the refund request.
func (r RefundRequest) Validate() error {
	var es FieldErrors
	if r.ContributionID <= 0 {
		es.addf("contribution_id", "must be a contribution id")
	}
	if r.Seq < 1 {
		es.addf("seq", "must be at least 1")
	}
	if r.PaymentIntentID == "" {
		es.addf("payment_intent_id", "required")
	}
	if !r.Amount.Currency.Valid() {
		es.add("amount", fmt.Errorf("%w %q", ErrUnknownCurrency, r.Amount.Currency))
	} else if r.Amount.Amount <= 0 {
		es.add("amount", ErrZeroAmount)
	}
	return es.err()
}

// RefundResult is the provider's answer to a refund.
type RefundResult struct {
	ID     string
	Status string // provider's status, e.g. "succeeded" or "pending"
	Amount Money
}

// EventType is a provider event reduced to what the app acts on.
type EventType string

// Event types.
const (
	EventCheckoutCompleted EventType = "checkout_completed"
	EventCheckoutExpired   EventType = "checkout_expired"
	EventPaymentSucceeded  EventType = "payment_succeeded"
	EventPaymentFailed     EventType = "payment_failed"
	EventRefunded          EventType = "refunded"
	EventIgnored           EventType = "ignored" // verified but of a type Wushe does not use
)

// PaymentEvent is a verified webhook event.
type PaymentEvent struct {
	// ID is the provider's event id; the app stores it under a unique index in the same
	// database transaction as the event's effect, so a redelivered event does nothing.
	ID           string
	Type         EventType
	ProviderType string // e.g. "checkout.session.completed"
	Created      time.Time
	// ContributionID comes from metadata; 0 when the object carries none (refund events on
	// charges), in which case the app finds the contribution by PaymentIntentID.
	ContributionID int64
	// CampaignID is the campaign the metadata names: a hint for routing the event (which
	// batch queue), never trusted for money — the stored contribution says its campaign.
	CampaignID      int64
	SessionID       string
	PaymentIntentID string
	ChargeID        string
	Amount          Money // paid or attempted
	Refunded        Money // cumulative amount refunded so far (refund events)
	Paid            bool  // checkout completed with the money received
	FailureMessage  string
}

// Webhook errors. Every rejection wraps ErrWebhookRejected and one of the reasons.
var (
	ErrWebhookRejected  = errors.New("webhook rejected")
	ErrWebhookSignature = errors.New("signature missing or invalid")
	ErrWebhookStale     = errors.New("timestamp outside the tolerance")
	ErrWebhookVersion   = errors.New("unexpected API version")
	ErrWebhookTooLarge  = errors.New("body too large")
	ErrWebhookMalformed = errors.New("malformed event")
)

// Provider errors, so the app can tell a request it must fix from an outage it may retry
// (with the same idempotency key) without importing the provider's SDK.
var (
	ErrProviderRejected    = errors.New("payment provider rejected the request")
	ErrProviderUnavailable = errors.New("payment provider unavailable")
)

// PaymentState is a contribution's payment as the app has recorded it.
type PaymentState struct {
	Status   ContributionStatus
	Amount   Money
	Refunded int64 // refunded so far
}

// PaymentEffect is what an event does to a contribution. Events may arrive twice or out of
// order; the effect is computed from the recorded state so that replaying any event is a
// no-op and a late event never undoes a later one.
type PaymentEffect struct {
	Status ContributionStatus // the status after the event
	// Succeed: post the contribution to the ledger and decide its match now.
	Succeed bool
	// Fail: mark the contribution failed; nothing was posted.
	Fail bool
	// Refund is the newly refunded amount to post (ContributionRefunded, RefundMatch).
	Refund int64
	// Refunded is the cumulative refunded amount after the event.
	Refunded int64
	Noop     bool
	Why      string
}

// ErrPaymentMismatch is returned when an event's amount or currency differs from the
// contribution's: the app must hold it for review rather than guess.
var ErrPaymentMismatch = errors.New("event does not match the contribution")

// ApplyPaymentEvent decides what an event does to a contribution in state s.
func ApplyPaymentEvent(s PaymentState, ev PaymentEvent) (PaymentEffect, error) {
	out := PaymentEffect{Status: s.Status, Refunded: s.Refunded}
	noop := func(why string) (PaymentEffect, error) {
		out.Noop, out.Why = true, why
		return out, nil
	}
	checkAmount := func(m Money, what string) error {
		if m.Currency == "" && m.Amount == 0 {
			return nil // the event did not carry one
		}
		if m.Currency != s.Amount.Currency || m.Amount != s.Amount.Amount {
			return fmt.Errorf("%w: %s %s, contribution %s", ErrPaymentMismatch, what, m.English(), s.Amount.English())
		}
		return nil
	}
	unpaid := s.Status == ContributionStatusPending || s.Status == ContributionStatusFailed
	switch ev.Type {
	case EventCheckoutCompleted, EventPaymentSucceeded:
		if ev.Type == EventCheckoutCompleted && !ev.Paid {
			return noop("checkout completed; the payment itself is still on its way")
		}
		if err := checkAmount(ev.Amount, "paid"); err != nil {
			return PaymentEffect{}, err
		}
		if !unpaid {
			return noop("already " + string(s.Status))
		}
		out.Status, out.Succeed, out.Why = ContributionStatusSucceeded, true, "payment received"
		return out, nil
	case EventPaymentFailed, EventCheckoutExpired:
		if s.Status != ContributionStatusPending {
			return noop("a failed attempt does not undo a " + string(s.Status) + " contribution")
		}
		out.Status, out.Fail, out.Why = ContributionStatusFailed, true, "payment failed"
		if ev.FailureMessage != "" {
			out.Why += ": " + ev.FailureMessage
		}
		return out, nil
	case EventRefunded:
		if ev.Refunded.Currency != s.Amount.Currency || ev.Refunded.Amount <= 0 || ev.Refunded.Amount > s.Amount.Amount {
			return PaymentEffect{}, fmt.Errorf("%w: refunded %s of %s", ErrPaymentMismatch, ev.Refunded.English(), s.Amount.English())
		}
		if ev.Refunded.Amount <= s.Refunded {
			return noop("refund already recorded")
		}
		if unpaid {
			// The refund event overtook the success event: a refund proves the payment.
			out.Succeed = true
		}
		out.Refund = ev.Refunded.Amount - s.Refunded
		out.Refunded = ev.Refunded.Amount
		out.Status = ContributionStatusSucceeded
		if out.Refunded == s.Amount.Amount {
			out.Status = ContributionStatusRefunded
		}
		out.Why = "refunded " + Money{out.Refund, s.Amount.Currency}.String()
		return out, nil
	}
	return noop("event type not used")
}

// ReconcileEvent turns a session listed by ListSessionsSince into the event its missed
// webhook would have carried, so reconciliation goes through ApplyPaymentEvent like everything
// else. Its ID is "reconcile:<session id>"; applying it after the real event, or twice, is a
// no-op because the effect is computed from the recorded state. ok is false for sessions that
// are still open or were not created by Wushe. A complete session whose payment has not arrived
// yet gets the ID "reconcile:<session id>:unpaid", so reconciling it again once paid is applied.
func ReconcileEvent(s CheckoutSession) (ev PaymentEvent, ok bool) {
	if s.ContributionID == 0 {
		return PaymentEvent{}, false
	}
	ev = PaymentEvent{ID: "reconcile:" + s.ID, ContributionID: s.ContributionID, SessionID: s.ID,
		PaymentIntentID: s.PaymentIntentID, Amount: s.Amount, Paid: s.Paid, Created: s.Created}
	switch s.Status {
	case SessionComplete:
		ev.Type, ev.ProviderType = EventCheckoutCompleted, "checkout.session.completed"
		if !s.Paid {
			// A session complete before its (asynchronous) payment arrived is reconciled again
			// once paid: that later event must not share this one's id.
			ev.ID += ":unpaid"
		}
	case SessionExpired:
		ev.Type, ev.ProviderType = EventCheckoutExpired, "checkout.session.expired"
	default:
		return PaymentEvent{}, false
	}
	return ev, true
}
