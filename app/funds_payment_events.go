package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wushe/wushe/funds"
)

// ErrDuplicateEvent marks a payment event that was already applied.
var errDuplicateEvent = errors.New("duplicate event")

// errUnknownContribution marks an event for no contribution Wushe knows (yet).
var errUnknownContribution = errors.New("event names no known contribution")

// applyPaymentEventOne applies one verified provider event alone, in its own transaction
// (ApplyPaymentEvent batches the common case).
func (a *App) applyPaymentEventOne(ctx context.Context, provider string, ev funds.PaymentEvent) (string, error) {
	rec := &PaymentEvent{Provider: provider, EventID: ev.ID, EventType: ev.ProviderType, ReceivedAt: a.Now()}
	if rec.EventType == "" {
		rec.EventType = string(ev.Type)
	}
	var c0 *Contribution
	var err error
	if ev.Type != funds.EventIgnored {
		if ev.ContributionID != 0 {
			c0, err = a.store.FindContribution(ctx, ev.ContributionID)
		} else {
			c0, err = a.store.FindContributionByPayment(ctx, ev.PaymentIntentID, ev.SessionID)
		}
		if err != nil && !IsCode(err, ENOTFOUND) {
			return "", err
		}
	}
	outcome := ""
	err = a.inMatchTx(ctx, func(ctx context.Context) error {
		record := func() error {
			rec.ID, rec.Outcome = 0, outcome
			if err := a.store.CreatePaymentEvent(ctx, rec); err != nil {
				if IsCode(err, ECONFLICT) {
					return errDuplicateEvent
				}
				return err
			}
			return nil
		}
		if c0 == nil {
			if ev.Type != funds.EventIgnored {
				// Not recorded: a refund event can overtake the one that tells us the payment
				// intent, so the provider must deliver it again later.
				return errUnknownContribution
			}
			outcome = "ignored"
			return record()
		}
		// Lock first: deliveries of one contribution's events queue here, and the event id's
		// unique index then refuses a duplicate in the same transaction as the effect.
		camp, err := a.store.LockCampaign(ctx, c0.CampaignID)
		if err != nil {
			return err
		}
		c, err := a.store.LockContribution(ctx, c0.ID)
		if err != nil {
			return err
		}
		rec.ContributionID = ptr(c.ID)
		if c.Channel != string(funds.ChannelStripe) {
			outcome = "not a card contribution"
			return record()
		}
		// The contribution id comes from metadata; an event about another checkout session or
		// payment intent than the one the contribution records is not its payment.
		if (ev.SessionID != "" && c.SessionID != nil && *c.SessionID != ev.SessionID) ||
			(ev.PaymentIntentID != "" && c.PaymentIntentID != nil && *c.PaymentIntentID != ev.PaymentIntentID) {
			outcome = "held for review: the event names another payment"
			if err := record(); err != nil {
				return err
			}
			a.log.Warn("payment event held for review", "event", ev.ID, "contribution", c.ID, "session", ev.SessionID, "payment_intent", ev.PaymentIntentID)
			return a.audit(ctx, "contribution.payment_mismatch", "contribution", c.ID, 0, map[string]any{"event": ev.ID, "error": outcome})
		}
		state := funds.PaymentState{Status: funds.ContributionStatus(c.Status),
			Amount: funds.Money{Amount: c.Amount, Currency: funds.Currency(c.Currency)}, Refunded: c.Refunded}
		eff, err := funds.ApplyPaymentEvent(state, ev)
		if err != nil {
			outcome = "held for review: " + err.Error()
			if err := record(); err != nil {
				return err
			}
			a.log.Warn("payment event held for review", "event", ev.ID, "contribution", c.ID, "err", err)
			return a.audit(ctx, "contribution.payment_mismatch", "contribution", c.ID, 0, map[string]any{"event": ev.ID, "error": err.Error()})
		}
		outcome = eff.Why
		if err := record(); err != nil {
			return err
		}
		if ev.PaymentIntentID != "" && c.PaymentIntentID == nil {
			c.PaymentIntentID = ptr(ev.PaymentIntentID)
			if eff.Noop || eff.Fail {
				if err := a.store.UpdateContribution(ctx, c); err != nil {
					return err
				}
			}
		}
		switch {
		case eff.Noop:
		case eff.Fail:
			c.Status, c.Failure, c.UpdatedAt = string(funds.ContributionStatusFailed), ev.FailureMessage, a.Now()
			return a.store.UpdateContribution(ctx, c)
		default:
			if eff.Succeed {
				// A payment that arrives after the campaign closed still posts: the money is
				// in the fund's Stripe balance, and the closing job refunds it.
				if err := a.giftSucceeded(ctx, camp, c); err != nil {
					return err
				}
			}
			if eff.Refund > 0 {
				if err := a.refund(ctx, camp, c, eff.Refund, funds.RefundRequested); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if errors.Is(err, errDuplicateEvent) {
		return "duplicate", nil
	}
	if errors.Is(err, errUnknownContribution) {
		return "", &Error{Code: ECONFLICT, Message: Msg("funds.error.event_unknown"), Err: err}
	}
	return outcome, err
}

// ParseWebhook verifies a provider webhook on its raw body.
func (a *App) ParseWebhook(body []byte, signature string) (funds.PaymentEvent, error) {
	if a.payments == nil {
		return funds.PaymentEvent{}, Errorf(EUNAVAILABLE, "funds.error.payments_offline")
	}
	return a.payments.ParseWebhook(body, signature)
}

// Reconcile asks the provider for checkout sessions created since `since` and applies the
// event each complete or expired session's webhook would have carried; where the webhook did
// arrive this changes nothing. It returns how many sessions it looked at and how many changed
// a contribution.
func (a *App) Reconcile(ctx context.Context, since time.Time) (seen, repaired int, err error) {
	if a.payments == nil {
		return 0, 0, Errorf(EUNAVAILABLE, "funds.error.payments_offline")
	}
	sessions, err := a.payments.ListSessionsSince(ctx, since)
	if err != nil {
		return 0, 0, fmt.Errorf("list sessions: %w", err)
	}
	var errs []error
	for _, s := range sessions {
		seen++
		ev, ok := funds.ReconcileEvent(s)
		if !ok {
			continue
		}
		if _, err := a.store.FindContribution(ctx, ev.ContributionID); IsCode(err, ENOTFOUND) {
			continue // a session another system created
		}
		before, err := a.store.FindContribution(ctx, ev.ContributionID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, err := a.ApplyPaymentEvent(ctx, "stripe-reconcile", ev); err != nil {
			errs = append(errs, fmt.Errorf("session %s: %w", s.ID, err))
			continue
		}
		after, err := a.store.FindContribution(ctx, ev.ContributionID)
		if err == nil && after.Status != before.Status {
			repaired++
		}
	}
	return seen, repaired, errors.Join(errs...)
}
