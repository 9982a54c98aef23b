package app

import (
	"context"
	"fmt"
)

// GridPage is what a grid's page shows.
type GridPage struct {
	Grid      *Grid
	Community *Community
	// Needs are the grid's unresolved needs, overdue first; NeedsTotal counts them all.
	Needs      []*NeedView
	NeedsTotal int
	// Worker is the grid worker's name, masked: the page is public.
	Worker  string
	CanEdit bool
}

// gridNeedsShown bounds the needs listed on a grid's page; the needs list has the rest.
const gridNeedsShown = 20

// GridDetail returns a grid with its community, its open needs and its worker's masked name.
func (a *App) GridDetail(ctx context.Context, id int64) (*GridPage, error) {
	g, err := a.Grid(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &GridPage{Grid: g}
	if out.Community, err = a.Community(ctx, g.CommunityID); err != nil {
		return nil, err
	}
	open := []string{NeedOpen, NeedInProgress}
	if out.Needs, out.NeedsTotal, err = a.Needs(ctx, NeedFilter{GridID: &id, Statuses: open, Page: Page{Page: 1, PerPage: gridNeedsShown, Exact: true}}); err != nil {
		return nil, err
	}
	if g.WorkerID != nil {
		u, err := a.store.FindUser(ctx, *g.WorkerID)
		if err != nil && !IsCode(err, ENOTFOUND) {
			return nil, fmt.Errorf("grid %d worker: %w", g.ID, err)
		}
		if u != nil {
			out.Worker = MaskName(u.Name)
		}
	}
	out.CanEdit = Can(PrincipalFrom(ctx), ActGridManage, Target{StreetID: out.Community.StreetID, CommunityID: g.CommunityID, GridID: g.ID})
	return out, nil
}

// CanCreateCommunities reports whether the principal may create a community in some street,
// so the communities page offers the form only to them.
func (a *App) CanCreateCommunities(ctx context.Context) (bool, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return false, nil
	}
	if Can(p, ActCommunityCreate, Target{}) {
		return true, nil // a global role: even before the first street exists
	}
	streets, err := a.Streets(ctx)
	if err != nil {
		return false, err
	}
	for _, st := range streets {
		if Can(p, ActCommunityCreate, Target{StreetID: st.ID}) {
			return true, nil
		}
	}
	return false, nil
}
