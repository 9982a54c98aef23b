package app

import (
	"context"
	"slices"
)

// NeedView is a need as one principal may see it, with what they may do next.
type NeedView struct {
	*Need
	// Private reports whether the viewer sees the private details.
	Private bool
	Overdue bool
	// Can lists the transitions the viewer may take now, plus "edit" and "assign".
	Can []string
}

// redactNeed hides what only the requester, assignees and responsible workers may see.
func redactNeed(n *Need) *Need {
	c := *n
	if c.Privacy != "public" {
		c.Description = ""
	}
	c.Address = ""
	c.OnBehalfName = MaskName(c.OnBehalfName)
	c.OnBehalfPhone = MaskMobile(c.OnBehalfPhone)
	c.RequesterID = nil
	c.FiledByID = 0
	return &c
}

// viewNeed decides what p sees of n and which actions the page should offer.
func (a *App) viewNeed(ctx context.Context, pl *places, p *Principal, n *Need) (*NeedView, error) {
	t, err := pl.needTarget(ctx, n)
	if err != nil {
		return nil, err
	}
	v := &NeedView{Need: n, Overdue: n.Overdue(a.Now())}
	v.Private = Can(p, ActNeedViewPrivate, t)
	if n.Sensitive && !v.Private {
		// PIPL art. 28: a sensitive need exists only for its resident and those answering for it.
		return nil, NotFound("need")
	}
	if !v.Private {
		v.Need = redactNeed(n)
	}
	for _, tr := range NeedTransitions {
		if a.canTransition(p, t, n, tr) == nil {
			v.Can = append(v.Can, string(tr))
		}
	}
	if n.Status == NeedOpen || n.Status == NeedInProgress {
		if Can(p, ActNeedManage, t) || (t.OwnerID != 0 && t.OwnerID == p.UserID() && n.Status == NeedOpen) {
			v.Can = append(v.Can, "edit")
		}
		if Can(p, ActNeedManage, t) {
			v.Can = append(v.Can, "assign")
		}
	}
	return v, nil
}

// Need returns one need as the principal may see it.
func (a *App) Need(ctx context.Context, id int64) (*NeedView, error) {
	n, err := a.store.FindNeed(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewNeed(ctx, a.places(), PrincipalFrom(ctx), n)
}

// Needs lists needs, overdue first, each redacted for the principal.
func (a *App) Needs(ctx context.Context, f NeedFilter) ([]*NeedView, int, error) {
	f.Page = f.Page.Normalize()
	f.Now = a.Now()
	f.Sensitive = sensitiveFilter(PrincipalFrom(ctx))
	ns, total, err := a.store.FindNeeds(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return a.viewNeeds(ctx, ns, total, f.Page)
}

// sensitiveFilter is which sensitive needs p may list (PIPL art. 28), decided in the query so
// that totals and pages never count what p may not see: the front desk's places (all of them
// for a global front-desk membership, nil filter), and otherwise only p's own needs. viewNeed
// still checks each need exactly.
func sensitiveFilter(p *Principal) *SensitiveFilter {
	f := &SensitiveFilter{UserID: p.UserID(), Places: &ScopeFilter{}}
	for _, m := range p.Memberships {
		if !slices.Contains(frontDesk, m.Role) {
			continue
		}
		switch {
		case m.GridID != nil:
			f.Places.GridIDs = append(f.Places.GridIDs, *m.GridID)
		case m.CommunityID != nil:
			f.Places.CommunityIDs = append(f.Places.CommunityIDs, *m.CommunityID)
		case m.StreetID != nil:
			f.Places.StreetIDs = append(f.Places.StreetIDs, *m.StreetID)
		default:
			return nil // a global front desk (civil affairs, admin) may see every one
		}
	}
	return f
}

func (a *App) viewNeeds(ctx context.Context, ns []*Need, total int, pg Page) ([]*NeedView, int, error) {
	p := PrincipalFrom(ctx)
	// A total that only says "more than" stays as it is: subtracting would make it look exact.
	exact := !pg.TotalIsLowerBound(total)
	pl := a.places()
	cids := make([]int64, len(ns))
	for i, n := range ns {
		cids[i] = n.CommunityID
	}
	if err := pl.preloadCommunities(ctx, cids); err != nil {
		return nil, 0, err
	}
	out := make([]*NeedView, 0, len(ns))
	for _, n := range ns {
		v, err := a.viewNeed(ctx, pl, p, n)
		if IsCode(err, ENOTFOUND) && n.Sensitive {
			if exact {
				total-- // a sensitive need the principal may not see is left out of the list
			}
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, nil
}

// NeedQueue lists the needs the principal answers for: a grid worker's grids, needs escalated
// to a community worker's community, needs escalated to a street officer's street; admins see all.
func (a *App) NeedQueue(ctx context.Context, f NeedFilter) ([]*NeedView, int, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActNeedQueue, Target{}); err != nil {
		return nil, 0, err
	}
	if len(f.Statuses) == 0 {
		f.Statuses = []string{NeedOpen, NeedInProgress}
	}
	if !p.HasRole(RoleAdmin) {
		sf := &ScopeFilter{Levels: true}
		for _, m := range p.Memberships {
			if !slices.Contains(frontDesk, m.Role) {
				continue
			}
			switch {
			case m.GridID != nil:
				sf.GridIDs = append(sf.GridIDs, *m.GridID)
			case m.CommunityID != nil && m.Role == RoleGridWorker:
				// A grid worker attached to a whole community answers for all its grids.
				sf.CommunityIDs = append(sf.CommunityIDs, *m.CommunityID)
				sf.Levels = false
			case m.CommunityID != nil:
				sf.CommunityIDs = append(sf.CommunityIDs, *m.CommunityID)
			case m.StreetID != nil:
				sf.StreetIDs = append(sf.StreetIDs, *m.StreetID)
			}
		}
		f.Scope = sf
	}
	return a.Needs(ctx, f)
}
