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

// loadCandidatePool reads the candidates for ranking work in a community: the community's
// active volunteers (with their load over the coming week, show-up record and evaluations),
// every organization (with approved projects as load) and every donor.
func (a *App) loadCandidatePool(ctx context.Context, communityID int64) (*candidatePool, error) {
	now := a.Now()
	vs, err := a.store.MatchVolunteers(ctx, communityID)
	if err != nil {
		return nil, err
	}
	loads, err := a.store.VolunteerLoads(ctx, now, now.Add(loadHorizon))
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
	os, _, err := a.store.FindOrganizations(ctx, OrganizationFilter{})
	if err != nil {
		return nil, err
	}
	oLoads, err := a.store.OrganizationLoads(ctx)
	if err != nil {
		return nil, err
	}
	oEval, err := a.organizationStats(ctx, nil)
	if err != nil {
		return nil, err
	}
	ds, _, err := a.store.FindDonors(ctx, DonorFilter{})
	if err != nil {
		return nil, err
	}
	home, err := a.volunteerPlaces(ctx, communityID)
	if err != nil {
		return nil, err
	}
	p := &candidatePool{vols: map[int64]*Volunteer{}}
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
