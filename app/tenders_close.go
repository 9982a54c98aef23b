package app

import (
	"context"
	"fmt"
)

// CloseDueTenders records the close of every published tender whose bid deadline has passed,
// so that its stored status, its audit trail and its search document agree with what pages
// already show (pages read a tender past its deadline as closed). It returns how many it closed.
func (a *App) CloseDueTenders(ctx context.Context) (int, error) {
	closed := 0
	for {
		ids, err := a.store.DueTenders(ctx, a.Now(), 100)
		if err != nil {
			return closed, fmt.Errorf("due tenders: %w", err)
		}
		if len(ids) == 0 {
			return closed, nil
		}
		for _, id := range ids {
			err := a.store.InTx(ctx, func(ctx context.Context) error {
				t, err := a.store.FindTender(ctx, id)
				if err != nil {
					return err
				}
				return a.closeIfDue(ctx, t)
			})
			if err != nil {
				return closed, fmt.Errorf("close tender %d: %w", id, err)
			}
			closed++
		}
	}
}

// closeIfDue records that a published tender's deadline has passed.
func (a *App) closeIfDue(ctx context.Context, t *Tender) error {
	if t.effectiveStatus(a.Now()) != TenderClosed || t.Status == TenderClosed {
		return nil
	}
	closed := t.BidDeadline
	t.Status, t.ClosedAt, t.UpdatedAt = TenderClosed, &closed, a.Now()
	if err := a.store.UpdateTender(ctx, t); err != nil {
		return err
	}
	return a.audit(ctx, "tender.closed", "tender", t.ID, tenderAuditCommunity(t), nil)
}
