package app

import (
	"context"
	"fmt"
	"time"
)

// DefaultNeedRetention is how long a resolved need keeps its private details when the
// deployment does not say (WUSHE_NEED_RETENTION_DAYS): a year, long enough for a resident to
// come back about the same problem and for the year's 台账.
const DefaultNeedRetention = 365 * 24 * time.Hour

// PurgeResolvedNeeds erases the private details of needs resolved more than retention ago
// (PIPL art. 19 and 47: kept no longer than the purpose needs): the address and whom the need
// was filed for always; the description and the photos too when the need is sensitive or its
// description was never public. The title, category, place and times stay, so every count and
// rate the dashboards show is unchanged. Each need is purged once, in its own transaction with
// its audit event, so a run cut short leaves the rest still due. It reports how many it purged.
func (a *App) PurgeResolvedNeeds(ctx context.Context, retention time.Duration) (int, error) {
	if retention <= 0 {
		return 0, nil // kept for good: the deployment turned retention off
	}
	now := a.Now()
	count := 0
	for {
		ns, err := a.store.NeedsToPurge(ctx, now.Add(-retention), 200)
		if err != nil {
			return count, fmt.Errorf("find needs to purge: %w", err)
		}
		if len(ns) == 0 {
			return count, nil
		}
		progressed := false
		for _, n := range ns {
			private := n.Sensitive || n.Privacy != NeedPublic
			err := a.store.InTx(ctx, func(ctx context.Context) error {
				done, err := a.store.PurgeNeedDetails(ctx, n.ID, private, now)
				if err != nil || !done {
					return err
				}
				progressed = true
				count++
				if private {
					if err := a.store.DeleteAttachmentsOf(ctx, AttachNeed, n.ID); err != nil {
						return err
					}
				}
				return a.audit(ctx, "need.purged", "need", n.ID, n.CommunityID, map[string]any{
					"resolved_at": n.ResolvedAt, "description": private, "retention_days": int(retention / (24 * time.Hour)),
				})
			})
			if err != nil {
				return count, fmt.Errorf("purge need %d: %w", n.ID, err)
			}
		}
		if !progressed {
			return count, nil // another process purged this page; the next run takes the rest
		}
	}
}
