package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/matching"
)

// What candidates can be ranked for.
const (
	SubjectNeed    = "need"
	SubjectProject = "project"
	SubjectTask    = "task"
)

// CandidateKinds lists the kinds of candidate, as the API names them.
var CandidateKinds = []string{"volunteer", "organization", "donor"}

// Candidate is one ranked volunteer, organization or donor with the ranker's explanation.
type Candidate struct {
	Kind        string               `json:"kind"`
	ID          int64                `json:"id"`
	Name        string               `json:"name"`
	Score       float64              `json:"score"`
	Explanation matching.Explanation `json:"explanation"`
	// UserID is a volunteer's account, so a worker can assign a need to them; nil for
	// volunteers kept by workers, organizations and donors.
	UserID *int64 `json:"user_id,omitempty"`
}

// CandidateRanking is the ranked candidates of each kind for a need, a project or a task.
type CandidateRanking struct {
	Subject     string           `json:"subject"`
	SubjectID   int64            `json:"subject_id"`
	Title       string           `json:"title"`
	CommunityID int64            `json:"community_id"`
	Profile     matching.Profile `json:"profile"`
	// Custom says the community tuned its weights (otherwise its kind's default applies).
	Custom        bool        `json:"custom_profile"`
	Volunteers    []Candidate `json:"volunteers"`
	Organizations []Candidate `json:"organizations"`
	Donors        []Candidate `json:"donors"`
	// Pool counts the candidates considered of each kind.
	Pool map[string]int `json:"pool"`
}

// weekOf marks the local weekly hours touched by [start, end); a span of a week or more is
// every hour.
func weekOf(start, end time.Time, loc *time.Location) matching.Week {
	var w matching.Week
	if !end.After(start) {
		return w
	}
	t := start.In(loc).Truncate(time.Hour)
	for i := 0; t.Before(end) && i < matching.HoursPerWeek; i++ {
		d := (int(t.Weekday()) + 6) % 7 // Monday = 0
		w.Set(d, t.Hour())
		t = t.Add(time.Hour)
	}
	return w
}

func latLng(lat, lng *float64) *matching.LatLng {
	if lat == nil || lng == nil {
		return nil
	}
	return &matching.LatLng{Lat: *lat, Lng: *lng}
}

// categorySkills lists the skills filed under a category: what a need or project of that
// category asks of volunteers.
func (a *App) categorySkills(ctx context.Context, category string) ([]string, error) {
	ss, err := a.store.ListSkills(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range ss {
		if s.CategoryCode != nil && *s.CategoryCode == category {
			out = append(out, s.Code)
		}
	}
	return out, nil
}

// placeOf returns the best known position of work: its own, its grid's or its community's.
func (a *App) placeOf(ctx context.Context, lat, lng *float64, gridID *int64, c *Community) (*matching.LatLng, error) {
	if p := latLng(lat, lng); p != nil {
		return p, nil
	}
	if gridID != nil {
		g, err := a.store.FindGrid(ctx, *gridID)
		if err != nil {
			return nil, err
		}
		if p := latLng(g.Lat, g.Lng); p != nil {
			return p, nil
		}
	}
	return latLng(c.Lat, c.Lng), nil
}

// rankSubject is what a need, project or task turns into for the ranker.
type rankSubject struct {
	title     string
	community *Community
	target    matching.Target
	auth      Target
}

func (a *App) subject(ctx context.Context, kind string, id int64) (*rankSubject, error) {
	s := &rankSubject{}
	var communityID int64
	var gridID *int64
	var lat, lng *float64
	switch kind {
	case SubjectNeed:
		n, err := a.store.FindNeed(ctx, id)
		if err != nil {
			return nil, err
		}
		communityID, gridID, s.title = n.CommunityID, &n.GridID, n.Title
		s.target.Category = n.Category
		if s.target.Skills, err = a.categorySkills(ctx, n.Category); err != nil {
			return nil, err
		}
		if n.WindowStart != nil && n.WindowEnd != nil {
			s.target.Window = weekOf(*n.WindowStart, *n.WindowEnd, a.loc)
		}
	case SubjectProject:
		p, err := a.store.FindProject(ctx, id)
		if err != nil {
			return nil, err
		}
		if p.Status == ProjectDraft {
			return nil, NotFound("project")
		}
		communityID, gridID, s.title = p.CommunityID, p.GridID, p.Title
		s.target.Category = p.Category
		if s.target.Skills, err = a.categorySkills(ctx, p.Category); err != nil {
			return nil, err
		}
	case SubjectTask:
		t, err := a.store.FindTask(ctx, id)
		if err != nil {
			return nil, err
		}
		communityID, gridID, lat, lng, s.title = t.CommunityID, t.GridID, t.Lat, t.Lng, t.Title
		s.target.Category, s.target.Skills = t.Category, t.Skills
		if len(t.Skills) > 0 {
			s.target.MinSkills = 1 // a task's skills are required: at least one of them
		}
		now := a.Now()
		shifts, err := a.store.FindShifts(ctx, ShiftFilter{TaskIDs: []int64{t.ID}, From: &now, To: ptr(now.Add(4 * loadHorizon))})
		if err != nil {
			return nil, err
		}
		for _, sh := range shifts {
			w := weekOf(sh.StartsAt, sh.EndsAt, a.loc)
			for i := range w {
				s.target.Window[i] |= w[i]
			}
		}
	default:
		return nil, Errorf(EINVALID, "error.invalid_value")
	}
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	s.community = c
	s.target.CommunityID, s.target.CommunityKind = c.ID, matching.CommunityKind(c.Kind)
	if !matching.ValidCommunityKind(s.target.CommunityKind) {
		s.target.CommunityKind = ""
	}
	if gridID != nil {
		s.target.GridID = *gridID
	}
	if s.target.Location, err = a.placeOf(ctx, lat, lng, gridID, c); err != nil {
		return nil, err
	}
	s.auth = Target{StreetID: c.StreetID, CommunityID: c.ID, GridID: s.target.GridID}
	return s, nil
}

// parseKinds turns API kind names into the ranker's kinds; empty means all.
func parseKinds(kinds []string) ([]matching.CandidateKind, error) {
	var out []matching.CandidateKind
	for _, k := range kinds {
		i := slices.Index(CandidateKinds, k)
		if i < 0 {
			return nil, FieldErrors{"kind": Msg("error.one_of", "values", "volunteer, organization, donor")}.Err()
		}
		out = append(out, matching.CandidateKind(i))
	}
	return out, nil
}

// RankCandidates ranks volunteers, organizations and donors for a need, a project or a task
// with the community's profile (front-desk workers of its place). kinds restricts the kinds
// ranked (empty: all); limit 0 means matching.DefaultLimit.
func (a *App) RankCandidates(ctx context.Context, subject string, id int64, kinds []string, limit int) (*CandidateRanking, error) {
	r, _, err := a.rankCandidates(ctx, subject, id, kinds, limit, false)
	return r, err
}

// rankCandidates is RankCandidates over the candidates that can reach the lists (poolScope),
// or with full over every candidate of the city, as it ranked before it filtered; it also
// returns how many candidates of each kind it loaded.
func (a *App) rankCandidates(ctx context.Context, subject string, id int64, kinds []string, limit int, full bool) (*CandidateRanking, [3]int, error) {
	var loaded [3]int
	ks, err := parseKinds(kinds)
	if err != nil {
		return nil, loaded, err
	}
	if limit < 0 || limit > 100 {
		return nil, loaded, FieldErrors{"limit": Msg("error.between", "min", 0, "max", 100)}.Err()
	}
	s, err := a.subject(ctx, subject, id)
	if err != nil {
		return nil, loaded, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActMatchView, s.auth); err != nil {
		return nil, loaded, err
	}
	prof, custom, err := a.profileFor(ctx, s.community)
	if err != nil {
		return nil, loaded, err
	}
	p, r, err := a.rankPool(ctx, s.community.ID, s.target, matching.Query{Profile: &prof, Limit: limit, Kinds: ks}, full)
	if err != nil {
		return nil, loaded, fmt.Errorf("rank %s %d: %w", subject, id, err)
	}
	loaded = [3]int{len(p.cands.Volunteers), len(p.cands.Organizations), len(p.cands.Donors)}
	p.maskVolunteers(PrincipalFrom(ctx), Target{StreetID: s.community.StreetID, CommunityID: s.community.ID})
	return &CandidateRanking{Subject: subject, SubjectID: id, Title: s.title, CommunityID: s.community.ID, Profile: prof, Custom: custom,
		Volunteers:    p.candidates(matching.KindVolunteer, r.Volunteers),
		Organizations: p.candidates(matching.KindOrganization, r.Organizations),
		Donors:        p.candidates(matching.KindDonor, r.Donors),
		Pool: map[string]int{"volunteer": p.counts[matching.KindVolunteer], "organization": p.counts[matching.KindOrganization],
			"donor": p.counts[matching.KindDonor]}}, loaded, nil
}
