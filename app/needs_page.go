package app

import (
	"context"
	"fmt"
)

// NeedPage is what a need's page shows.
type NeedPage struct {
	Need      *NeedView
	Community *Community
	Grid      *Grid
	// Assignee is the assignee's name, for those who see the need's private details.
	Assignee string
	// Events is the need's audit trail, for those who may read audit events (ActAuditView).
	Events []*AuditEvent
	// Candidates is set for those who may see rankings (ActMatchView).
	Candidates *CandidatePreview
	// Rating is the requester's satisfaction rating section (满意度回访, issue 11).
	Rating *NeedRatingPage
	// AssigneeChoices lists the community's staff, for those who may assign the need.
	AssigneeChoices []Choice
	// Photos are the need's photos as the viewer may see them (needs_photos.go).
	Photos *NeedPhotos
}

// needEventsShown bounds the audit trail on a need's page; the audit page has the rest.
const needEventsShown = 50

// NeedDetail returns a need with its place, its assignee and audit trail for those allowed,
// and its top candidates for workers who rank.
func (a *App) NeedDetail(ctx context.Context, id int64) (*NeedPage, error) {
	n, err := a.Need(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &NeedPage{Need: n}
	if out.Community, err = a.Community(ctx, n.CommunityID); err != nil {
		return nil, err
	}
	if out.Grid, err = a.Grid(ctx, n.GridID); err != nil {
		return nil, err
	}
	place := Target{StreetID: out.Community.StreetID, CommunityID: n.CommunityID, GridID: n.GridID}
	p := PrincipalFrom(ctx)
	if n.Private && n.AssigneeID != nil {
		u, err := a.store.FindUser(ctx, *n.AssigneeID)
		if err != nil && !IsCode(err, ENOTFOUND) {
			return nil, fmt.Errorf("need %d assignee: %w", n.ID, err)
		}
		if u != nil {
			out.Assignee = u.Name
		}
	}
	if Can(p, ActAuditView, place) {
		typ := "need"
		evs, _, err := a.store.FindAuditEvents(ctx, AuditFilter{SubjectType: &typ, SubjectID: &n.ID, Page: Page{Page: 1, PerPage: needEventsShown}})
		if err != nil {
			return nil, fmt.Errorf("need %d events: %w", n.ID, err)
		}
		out.Events = evs
	}
	if out.Photos, err = a.needPhotos(ctx, n); err != nil {
		return nil, err
	}
	out.Candidates = a.previewCandidates(ctx, SubjectNeed, n.ID, place)
	if out.Rating, err = a.needRatingSection(ctx, n.ID); err != nil {
		return nil, err
	}
	if Can(p, ActNeedManage, place) {
		if out.AssigneeChoices, err = a.staffChoices(ctx, n.CommunityID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
