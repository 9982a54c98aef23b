package app

import "context"

// places memoises communities and organizations while one call resolves authorization targets,
// so list pages load each place once (in one batch) instead of once per row.
type places struct {
	a           *App
	communities map[int64]*Community
	orgs        map[int64]*Organization
}

func (a *App) places() *places {
	return &places{a: a, communities: map[int64]*Community{}, orgs: map[int64]*Organization{}}
}

// preloadCommunities loads the given communities in one query.
func (pl *places) preloadCommunities(ctx context.Context, ids []int64) error {
	ids = pl.missing(ids, func(id int64) bool { _, ok := pl.communities[id]; return ok })
	if len(ids) == 0 {
		return nil
	}
	cs, _, err := pl.a.store.FindCommunities(ctx, CommunityFilter{IDs: ids}) // unpaged: no count
	if err != nil {
		return err
	}
	for _, c := range cs {
		pl.communities[c.ID] = c
	}
	return nil
}

// preloadOrgs loads the given organizations in one query.
func (pl *places) preloadOrgs(ctx context.Context, ids []int64) error {
	ids = pl.missing(ids, func(id int64) bool { _, ok := pl.orgs[id]; return ok })
	if len(ids) == 0 {
		return nil
	}
	os, _, err := pl.a.store.FindOrganizations(ctx, OrganizationFilter{IDs: ids}) // unpaged: no count
	if err != nil {
		return err
	}
	var cids []int64
	for _, o := range os {
		pl.orgs[o.ID] = o
		if o.CommunityID != nil {
			cids = append(cids, *o.CommunityID)
		}
	}
	return pl.preloadCommunities(ctx, cids)
}

func (pl *places) missing(ids []int64, have func(int64) bool) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if id != 0 && !have(id) && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (pl *places) community(ctx context.Context, id int64) (*Community, error) {
	if c, ok := pl.communities[id]; ok {
		return c, nil
	}
	c, err := pl.a.store.FindCommunity(ctx, id)
	if err != nil {
		return nil, err
	}
	pl.communities[id] = c
	return c, nil
}

func (pl *places) org(ctx context.Context, id int64) (*Organization, error) {
	if o, ok := pl.orgs[id]; ok {
		return o, nil
	}
	o, err := pl.a.store.FindOrganization(ctx, id)
	if err != nil {
		return nil, err
	}
	pl.orgs[id] = o
	return o, nil
}

// communityTarget resolves a community's place chain for authorization.
func (pl *places) communityTarget(ctx context.Context, communityID int64) (Target, error) {
	c, err := pl.community(ctx, communityID)
	if err != nil {
		return Target{}, err
	}
	return Target{StreetID: c.StreetID, CommunityID: c.ID}, nil
}

// communityTarget resolves a community's place chain for authorization.
func (a *App) communityTarget(ctx context.Context, communityID int64) (Target, error) {
	return a.places().communityTarget(ctx, communityID)
}

// gridTarget resolves a grid's place chain for authorization.
func (a *App) gridTarget(ctx context.Context, gridID int64) (Target, *Grid, *Community, error) {
	g, err := a.store.FindGrid(ctx, gridID)
	if err != nil {
		return Target{}, nil, nil, err
	}
	c, err := a.store.FindCommunity(ctx, g.CommunityID)
	if err != nil {
		return Target{}, nil, nil, err
	}
	return Target{StreetID: c.StreetID, CommunityID: c.ID, GridID: g.ID}, g, c, nil
}

// placeRefs are the places an input names by id; nil means it names none.
type placeRefs struct {
	Community    *int64
	Grid         *int64
	Organization *int64
	// ActsForOrg puts the organization in the target: the record acts for it (a merchant's
	// donor record), so the organization's members are in scope. An affiliation (a
	// volunteer's or a project's organization) is checked but widens nothing.
	ActsForOrg bool
}

// resolve checks the places an input names and builds the authorization target from the
// records found, never from the ids as given: the community's street and id, the grid, and
// with ActsForOrg the organization. An id that names no record is a field error
// (error.unknown_ref on community_id, grid_id or organization_id), and so is a grid outside
// the named community (error.grid_not_in_community on grid_id; any grid when no community is
// named). Only a failing store returns an error.
func (pl *places) resolve(ctx context.Context, fe FieldErrors, r placeRefs) (Target, error) {
	var t Target
	if r.Community != nil {
		ct, err := pl.communityTarget(ctx, *r.Community)
		switch {
		case IsCode(err, ENOTFOUND):
			fe.Add("community_id", "error.unknown_ref")
		case err != nil:
			return Target{}, err
		default:
			t = ct
		}
	}
	if r.Grid != nil {
		g, err := pl.a.store.FindGrid(ctx, *r.Grid)
		switch {
		case IsCode(err, ENOTFOUND):
			fe.Add("grid_id", "error.unknown_ref")
		case err != nil:
			return Target{}, err
		case g.CommunityID != deref(r.Community):
			fe.Add("grid_id", "error.grid_not_in_community")
		default:
			t.GridID = g.ID
		}
	}
	if r.Organization != nil {
		o, err := pl.org(ctx, *r.Organization)
		switch {
		case IsCode(err, ENOTFOUND):
			fe.Add("organization_id", "error.unknown_ref")
		case err != nil:
			return Target{}, err
		case r.ActsForOrg:
			t.OrganizationID = o.ID
		}
	}
	return t, nil
}

// optionalID is an input's id where 0 means none, as placeRefs takes it.
func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
