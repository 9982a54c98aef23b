package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/matching"
)

// OrganizationCapacity is how many approved projects an organization is taken to handle at
// once when its load is discounted; the registry records no capacity of its own.
const OrganizationCapacity = 5

// loadHorizon is the period whose shifts count as a volunteer's current load: the coming week,
// in the same unit as the volunteer's weekly hours cap.
const loadHorizon = 7 * 24 * time.Hour

// candidatePool is the candidates loaded from the database for one community, ready to rank.
type candidatePool struct {
	ix    *matching.Index
	cands matching.Candidates
	names [3]map[int64]string
	vols  map[int64]*Volunteer
	// counts are the candidates of each kind the ranking considered: the community's
	// volunteers and the city's organizations and donors, loaded or not (see poolScope).
	counts [3]int
}

// volunteerPlaces says where ranking puts a volunteer of the community: the centre of their
// home grid, or the community's when the grid has none — never their home. Rankings and their
// distances are shown to workers who may not see a volunteer's address, and ranking a few
// tasks at chosen points would otherwise pin an exact home down. A grid is a few hundred
// households, so distances lose little.
func (a *App) volunteerPlaces(ctx context.Context, communityID int64) (func(*Volunteer) *matching.LatLng, error) {
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	gs, _, err := a.store.FindGrids(ctx, GridFilter{CommunityID: &communityID}) // unpaged: no count
	if err != nil {
		return nil, err
	}
	grids := make(map[int64]*matching.LatLng, len(gs))
	for _, g := range gs {
		grids[g.ID] = latLng(g.Lat, g.Lng)
	}
	centre := latLng(c.Lat, c.Lng)
	return func(v *Volunteer) *matching.LatLng {
		if v.GridID != nil && grids[*v.GridID] != nil {
			return grids[*v.GridID]
		}
		return centre
	}, nil
}

// VolunteerHold is a shift a volunteer is invited to or signed up for.
type VolunteerHold struct {
	VolunteerID      int64
	ShiftID          int64
	StartsAt, EndsAt time.Time
}

// RankingStore reads the candidates of a ranking lean: only the columns the ranker scores and
// only the candidates that can reach a ranked list (see poolScope).
type RankingStore interface {
	// MatchOrganizations loads the organizations registered for a category (all when it is
	// empty) with their categories and service areas.
	MatchOrganizations(ctx context.Context, category string) ([]*Organization, error)
	// MatchDonors loads the donors of a community or interested in a category, with their
	// interests, and the first `others` donors by id of all the rest.
	MatchDonors(ctx context.Context, communityID int64, category string, others int) ([]*Donor, error)
	// CandidateCounts counts every organization and donor.
	CandidateCounts(ctx context.Context) (organizations, donors int, err error)
	// VolunteerHolds lists the shifts starting in [from, to) that the community's active
	// volunteers are invited to or signed up for, wherever the shifts are.
	VolunteerHolds(ctx context.Context, communityID int64, from, to time.Time) ([]VolunteerHold, error)
}

// poolScope says which candidates a pool loads. The community's active volunteers always (a
// volunteer ranks only in their own community's work). Of the city's organizations and donors
// only those that can reach a list of limit for the target, which the ranker's rules decide
// without scoring anyone:
//
//   - organizations: for a target with a category, every organization registered for it ranks
//     before every one that is not (the ranker's tiers), so when the registered ones fill the
//     list the others cannot enter it; when they do not, rankPool loads them all (allOrgs);
//   - donors: a donor scores on caring about the category and about the community, on past
//     gifts and on distance; the application records neither gifts nor donors' places yet, so
//     every donor of another community who does not care about the category has the same
//     facts and so the same score, and among equal scores the lower id ranks first — the
//     first limit of them by id are all that can enter the list.
//
// full loads everything the way ranking did before it filtered: the weights preview and the
// test that proves the filtered pool ranks exactly as the full one use it.
type poolScope struct {
	full     bool
	allOrgs  bool
	kinds    [3]bool // organizations and donors of unwanted kinds are not loaded
	category string
	limit    int
}

// scopeFor is the narrowest scope that ranks q for t exactly.
func scopeFor(t matching.Target, q matching.Query) poolScope {
	sc := poolScope{category: t.Category, limit: q.Limit}
	if sc.limit == 0 {
		sc.limit = matching.DefaultLimit
	}
	if len(q.Kinds) == 0 {
		sc.kinds = [3]bool{true, true, true}
	}
	for _, k := range q.Kinds {
		if int(k) < len(sc.kinds) {
			sc.kinds[k] = true
		}
	}
	sc.allOrgs = t.Category == ""
	return sc
}

// rankPool ranks t over the candidates of a community, loading only those that can reach the
// lists (poolScope); if too few organizations are registered for the category to fill the
// organizations' list, it loads them all and ranks again. full ranks over every candidate.
func (a *App) rankPool(ctx context.Context, communityID int64, t matching.Target, q matching.Query, full bool) (*candidatePool, matching.Ranking, error) {
	sc := scopeFor(t, q)
	sc.full = full
	p, err := a.loadCandidatePool(ctx, communityID, sc)
	if err != nil {
		return nil, matching.Ranking{}, err
	}
	r, err := p.ix.Rank(t, q)
	if err != nil || sc.full || sc.allOrgs || !sc.kinds[matching.KindOrganization] || len(r.Organizations) >= sc.limit {
		return p, r, err
	}
	os, err := a.store.MatchOrganizations(ctx, "")
	if err != nil {
		return nil, matching.Ranking{}, err
	}
	if err := a.setOrganizations(ctx, p, os, true); err != nil {
		return nil, matching.Ranking{}, err
	}
	if p.ix, err = matching.NewIndex(p.cands); err != nil {
		return nil, matching.Ranking{}, fmt.Errorf("index candidates of community %d: %w", communityID, err)
	}
	r, err = p.ix.Rank(t, q)
	return p, r, err
}

// setOrganizations puts organizations in the pool (replacing any), with their approved
// projects as load and their evaluations; all says os is every organization of the city.
func (a *App) setOrganizations(ctx context.Context, p *candidatePool, os []*Organization, all bool) error {
	p.cands.Organizations = nil
	p.names[matching.KindOrganization] = map[int64]string{}
	if len(os) == 0 {
		return nil
	}
	oLoads, err := a.store.OrganizationLoads(ctx)
	if err != nil {
		return err
	}
	var oids []int64 // nil: every organization's
	if !all {
		oids = make([]int64, len(os))
		for i, o := range os {
			oids[i] = o.ID
		}
	}
	oEval, err := a.organizationStats(ctx, oids)
	if err != nil {
		return err
	}
	for _, o := range os {
		area := slices.Clone(o.AreaCommunityIDs)
		if o.CommunityID != nil {
			area = append(area, *o.CommunityID)
		}
		p.cands.Organizations = append(p.cands.Organizations, matching.Organization{ID: o.ID, Categories: o.Categories, ServiceArea: area,
			Location: latLng(o.Lat, o.Lng), Verified: o.Verified, Load: float64(oLoads[o.ID]), Capacity: OrganizationCapacity,
			Evaluations: matching.Evaluations{Count: oEval[o.ID].Count, Mean: oEval[o.ID].Mean}})
		p.names[matching.KindOrganization][o.ID] = o.Name
	}
	return nil
}

// loadCandidatePool reads the candidates for ranking work in a community: the community's
// active volunteers (with their load over the coming week, show-up record and evaluations),
// and the organizations (with approved projects as load) and donors the scope asks for.
func (a *App) loadCandidatePool(ctx context.Context, communityID int64, sc poolScope) (*candidatePool, error) {
	now := a.Now()
	vs, err := a.store.MatchVolunteers(ctx, communityID)
	if err != nil {
		return nil, err
	}
	var loads map[int64]float64
	if sc.full {
		loads, err = a.store.VolunteerLoads(ctx, now, now.Add(loadHorizon))
	} else {
		loads, err = a.volunteerLoads(ctx, communityID, now)
	}
	if err != nil {
		return nil, err
	}
	vids := make([]int64, len(vs))
	for i, v := range vs {
		vids[i] = v.ID
	}
	shows, err := a.store.ShowStats(ctx, vids)
	if err != nil {
		return nil, err
	}
	vEval, err := a.store.EvaluationStats(ctx, "volunteer", vids)
	if err != nil {
		return nil, err
	}
	os, ds, err := a.poolParties(ctx, communityID, sc)
	if err != nil {
		return nil, err
	}
	home, err := a.volunteerPlaces(ctx, communityID)
	if err != nil {
		return nil, err
	}
	p := &candidatePool{vols: map[int64]*Volunteer{}, counts: [3]int{len(vs), len(os), len(ds)}}
	if !sc.full {
		if p.counts[matching.KindOrganization], p.counts[matching.KindDonor], err = a.store.CandidateCounts(ctx); err != nil {
			return nil, err
		}
	}
	for i := range p.names {
		p.names[i] = map[int64]string{}
	}
	for _, v := range vs {
		mv := matching.Volunteer{ID: v.ID, Skills: v.Skills, Availability: matching.Week(v.Availability), Home: home(v),
			CommunityID: v.CommunityID, Load: loads[v.ID], MaxLoad: float64(v.MaxHoursPerWeek),
			Shows: shows[v.ID].Shows, NoShows: shows[v.ID].NoShows,
			Evaluations: matching.Evaluations{Count: vEval[v.ID].Count, Mean: vEval[v.ID].Mean}}
		if v.GridID != nil {
			mv.GridID = *v.GridID
		}
		p.cands.Volunteers = append(p.cands.Volunteers, mv)
		p.names[matching.KindVolunteer][v.ID] = v.Name
		p.vols[v.ID] = v
	}
	if err := a.setOrganizations(ctx, p, os, sc.full || sc.allOrgs); err != nil {
		return nil, err
	}
	for _, d := range ds {
		md := matching.Donor{ID: d.ID, Kind: matching.DonorKind(d.Kind), Categories: d.Interests}
		if d.CommunityID != nil {
			md.Communities = []int64{*d.CommunityID}
		}
		p.cands.Donors = append(p.cands.Donors, md)
		name := d.Name
		if d.AnonymousDefault || d.Kind == "resident" {
			name = MaskName(name) // residents' names stay private; units and foundations are public
		}
		p.names[matching.KindDonor][d.ID] = name
	}
	if p.ix, err = matching.NewIndex(p.cands); err != nil {
		return nil, fmt.Errorf("index candidates of community %d: %w", communityID, err)
	}
	return p, nil
}

// poolParties loads the organizations and donors of a pool's scope.
func (a *App) poolParties(ctx context.Context, communityID int64, sc poolScope) ([]*Organization, []*Donor, error) {
	if sc.full {
		os, _, err := a.store.FindOrganizations(ctx, OrganizationFilter{})
		if err != nil {
			return nil, nil, err
		}
		ds, _, err := a.store.FindDonors(ctx, DonorFilter{})
		return os, ds, err
	}
	var os []*Organization
	var ds []*Donor
	var err error
	if sc.kinds[matching.KindOrganization] {
		category := sc.category
		if sc.allOrgs {
			category = ""
		}
		if os, err = a.store.MatchOrganizations(ctx, category); err != nil {
			return nil, nil, err
		}
	}
	if sc.kinds[matching.KindDonor] {
		if ds, err = a.store.MatchDonors(ctx, communityID, sc.category, sc.limit); err != nil {
			return nil, nil, err
		}
	}
	return os, ds, nil
}

// volunteerLoads sums, per active volunteer of the community, the hours of the shifts they
// hold over the coming week (wherever the shifts are).
func (a *App) volunteerLoads(ctx context.Context, communityID int64, now time.Time) (map[int64]float64, error) {
	hs, err := a.store.VolunteerHolds(ctx, communityID, now, now.Add(loadHorizon))
	if err != nil {
		return nil, err
	}
	out := map[int64]float64{}
	for _, h := range hs {
		out[h.VolunteerID] += h.EndsAt.Sub(h.StartsAt).Hours()
	}
	return out, nil
}

// maskVolunteers masks the names of the volunteers the principal may not see privately (a
// grid worker's view of the community's other grids), as their public profiles do.
func (p *candidatePool) maskVolunteers(pr *Principal, community Target) {
	for id, v := range p.vols {
		if !Can(pr, ActVolunteerViewPrivate, volunteerTarget(v, community)) {
			p.names[matching.KindVolunteer][id] = MaskName(v.Name)
		}
	}
}

func (p *candidatePool) candidates(k matching.CandidateKind, ms []matching.Match) []Candidate {
	out := make([]Candidate, 0, len(ms))
	for _, m := range ms {
		c := Candidate{Kind: k.String(), ID: m.ID, Name: p.names[k][m.ID], Score: m.Score, Explanation: m.Explanation}
		if v := p.vols[m.ID]; k == matching.KindVolunteer && v != nil {
			c.UserID = v.UserID
		}
		out = append(out, c)
	}
	return out
}
