package app

import (
	"context"

	"github.com/wushe/wushe/funds"
)

// ApplyGiftBatchForTest applies events as one batch, as if their requests had queued
// together, then applies the ones the batch answered slow alone, as those requests would. It
// returns each event's outcome and error and how many went the one-gift way.
func (a *App) ApplyGiftBatchForTest(ctx context.Context, provider string, evs []funds.PaymentEvent) ([]string, []error, int) {
	reqs := make([]*giftRequest, len(evs))
	for i, ev := range evs {
		campaignID := ev.CampaignID
		if campaignID == 0 {
			c0, err := a.store.FindContribution(ctx, ev.ContributionID)
			if err != nil {
				panic(err)
			}
			campaignID = c0.CampaignID
		}
		reqs[i] = &giftRequest{provider: provider, ev: ev, campaignID: campaignID}
	}
	answers := a.applyGiftBatch(ctx, &giftQueue{}, reqs)
	outs, errs, slow := make([]string, len(evs)), make([]error, len(evs)), 0
	for i, ans := range answers {
		if ans.slow {
			slow++
			outs[i], errs[i] = a.applyPaymentEventOne(ctx, provider, evs[i])
			continue
		}
		outs[i], errs[i] = ans.outcome, ans.err
	}
	return outs, errs, slow
}

// ApplyPaymentEventAloneForTest applies one event through the one-gift path.
func (a *App) ApplyPaymentEventAloneForTest(ctx context.Context, provider string, ev funds.PaymentEvent) (string, error) {
	return a.applyPaymentEventOne(ctx, provider, ev)
}
