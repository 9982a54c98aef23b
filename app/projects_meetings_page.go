package app

import (
	"context"
	"fmt"
)

// MeetingCommunity is the community whose 议事会 meetings the signed-in user may schedule
// from the meeting list (their first community membership), or 0 when they may not, so the
// list offers "schedule a meeting" only to people the form would accept.
func (a *App) MeetingCommunity(ctx context.Context) (int64, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return 0, nil
	}
	for _, m := range p.Memberships {
		if m.CommunityID == nil {
			continue
		}
		c, err := a.store.FindCommunity(ctx, *m.CommunityID)
		if err != nil {
			return 0, fmt.Errorf("meeting community %d: %w", *m.CommunityID, err)
		}
		if Can(p, ActProjectMeeting, Target{StreetID: c.StreetID, CommunityID: c.ID}) {
			return c.ID, nil
		}
		return 0, nil // the form uses the first community membership only
	}
	return 0, nil
}
