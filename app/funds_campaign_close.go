package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/wushe/wushe/funds"
)

// CloseCampaigns settles campaigns past their deadline: successful ones commit their
// reserved matches; all-or-nothing campaigns below their goal fail, release every match and
// refund every gift. Refunds that fail (provider down) are retried on the next run. It
// returns how many campaigns it settled and gifts it refunded.
func (a *App) CloseCampaigns(ctx context.Context) (settled, refunded int, err error) {
	ids, err := a.store.CampaignsToClose(ctx, a.Now(), 500)
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, id := range ids {
		did, err := a.settleCampaign(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("settle campaign %d: %w", id, err))
			continue
		}
		if did {
			settled++
		}
		n, err := a.refundFailedCampaign(ctx, id)
		refunded += n
		if err != nil {
			errs = append(errs, fmt.Errorf("refund campaign %d: %w", id, err))
		}
	}
	return settled, refunded, errors.Join(errs...)
}

// settleCampaign closes one open campaign whose deadline passed; it reports whether it did.
func (a *App) settleCampaign(ctx context.Context, id int64) (bool, error) {
	did := false
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		camp, err := a.store.LockCampaign(ctx, id)
		if err != nil {
			return err
		}
		if camp.Status != string(funds.CampaignOpen) {
			return nil
		}
		fc := funds.Campaign{Goal: funds.Money{Amount: camp.Goal, Currency: funds.Currency(camp.Currency)}, Deadline: camp.Deadline,
			Mode: funds.Mode(camp.Mode), Status: funds.CampaignOpen, Raised: camp.Raised}
		out, err := fc.Settle(a.Now())
		if errors.Is(err, funds.ErrCampaignOpen) {
			return nil
		} else if err != nil {
			return err
		}
		if err := a.finishMatches(ctx, camp, out); err != nil {
			return err
		}
		now := a.Now()
		camp.Status, camp.ClosedAt, camp.UpdatedAt = string(out.Status), &now, now
		if err := a.store.UpdateCampaign(ctx, camp); err != nil {
			return err
		}
		did = true
		return a.audit(ctx, "campaign."+string(out.Status), "campaign", camp.ID, 0, map[string]any{"raised": camp.Raised, "goal": camp.Goal})
	})
	return did, err
}

// finishMatches commits or releases a closing campaign's matches as the outcome says.
func (a *App) finishMatches(ctx context.Context, camp *Campaign, out funds.Outcome) error {
	ms, err := a.store.FindMatches(ctx, camp.ID, []string{string(funds.MatchStatusPending), string(funds.MatchStatusReserved)})
	if err != nil {
		return err
	}
	now := a.Now()
	for _, m := range ms {
		switch {
		case m.Status == string(funds.MatchStatusReserved) && out.CommitMatches:
			if m.Amount > 0 {
				t, err := funds.MatchCommitted(a.matchPosting(m, m.Amount, camp.Currency, 0))
				if err != nil {
					return err
				}
				if err := a.postLedger(ctx, camp.FundID, t); err != nil {
					return err
				}
			}
			m.Status = string(funds.MatchStatusCommitted)
		case out.ReleaseMatches:
			if m.Status == string(funds.MatchStatusReserved) && m.Amount > 0 {
				t, err := funds.MatchReleased(a.matchPosting(m, m.Amount, camp.Currency, 0), funds.MatchStatusReserved)
				if err != nil {
					return err
				}
				if err := a.postLedger(ctx, camp.FundID, t); err != nil {
					return err
				}
				if err := a.store.ReleaseToPool(ctx, m.PoolID, m.Amount, 0); err != nil {
					return err
				}
				camp.Matched -= m.Amount
			}
			m.Status = string(funds.MatchStatusReleased)
		default:
			continue
		}
		m.UpdatedAt = now
		if err := a.store.UpdateMatch(ctx, m); err != nil {
			return err
		}
	}
	if out.ReleaseMatches && !out.CommitMatches {
		camp.PendingCounted = 0
	}
	return nil
}

// refundFailedCampaign refunds every succeeded gift of a failed or cancelled campaign.
func (a *App) refundFailedCampaign(ctx context.Context, id int64) (int, error) {
	camp, err := a.store.FindCampaign(ctx, id)
	if err != nil {
		return 0, err
	}
	if camp.Status != string(funds.CampaignFailed) && camp.Status != string(funds.CampaignCancelled) {
		return 0, nil
	}
	n := 0
	var errs []error
	for {
		cs, _, err := a.store.FindContributions(ctx, ContributionFilter{CampaignID: &id, Statuses: []string{string(funds.ContributionStatusSucceeded)}, Page: Page{Page: 1, PerPage: 100}})
		if err != nil {
			return n, err
		}
		progress := false
		for _, c := range cs {
			if _, err := a.refundOne(ctx, c, c.Amount-c.Refunded, funds.RefundCampaignFailed, false); err != nil {
				errs = append(errs, fmt.Errorf("contribution %d: %w", c.ID, err))
				continue
			}
			n++
			progress = true
		}
		if len(cs) < 100 || !progress {
			break
		}
	}
	return n, errors.Join(errs...)
}

// CancelCampaign stops an open campaign early: gifts go back and matches return to the pool.
func (a *App) CancelCampaign(ctx context.Context, id int64, reason string) (*Campaign, error) {
	p := PrincipalFrom(ctx)
	var camp *Campaign
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if camp, err = a.store.LockCampaign(ctx, id); err != nil {
			return err
		}
		t, _, err := a.campaignTarget(ctx, camp)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActCampaignManage, t); err != nil {
			return err
		}
		// The reason is checked after the permission, so someone without it learns nothing.
		if reason == "" {
			fe := FieldErrors{}
			fe.Add("reason", "error.reason_required")
			return fe.Err()
		}
		fc := funds.Campaign{Status: funds.CampaignStatus(camp.Status)}
		out, err := fc.Cancel()
		if err != nil {
			return Errorf(ECONFLICT, "error.bad_transition", "from", camp.Status, "action", "cancel")
		}
		if err := a.finishMatches(ctx, camp, out); err != nil {
			return err
		}
		now := a.Now()
		camp.Status, camp.ClosedAt, camp.UpdatedAt = string(out.Status), &now, now
		if err := a.store.UpdateCampaign(ctx, camp); err != nil {
			return err
		}
		return a.audit(ctx, "campaign.cancelled", "campaign", camp.ID, t.CommunityID, map[string]any{"reason": reason})
	})
	if err != nil {
		return nil, err
	}
	if _, err := a.refundFailedCampaign(ctx, id); err != nil {
		a.log.Warn("refunds after cancel incomplete; close-campaigns will retry", "campaign", id, "err", err)
	}
	return a.store.FindCampaign(ctx, id)
}
