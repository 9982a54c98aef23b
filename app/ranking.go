package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
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

// OrganizationCapacity is how many approved projects an organization is taken to handle at
// once when its load is discounted; the registry records no capacity of its own.
const OrganizationCapacity = 5

// loadHorizon is the period whose shifts count as a volunteer's current load: the coming week,
// in the same unit as the volunteer's weekly hours cap.
const loadHorizon = 7 * 24 * time.Hour

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

// pool is the candidates loaded from the database for one community, ready to rank.
type pool struct {
	ix    *matching.Index
	cands matching.Candidates
	names [3]map[int64]string
	vols  map[int64]*Volunteer
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

// loadPool reads the candidates for ranking work in a community: the community's active
// volunteers (with their load over the coming week, show-up record and evaluations), every
// organization (with approved projects as load) and every donor.
func (a *App) loadPool(ctx context.Context, communityID int64) (*pool, error) {
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
	oEval, err := a.store.EvaluationStats(ctx, "organization", nil)
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
	p := &pool{vols: map[int64]*Volunteer{}}
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

// profileFor returns the community's tuned profile, or its kind's default.
func (a *App) profileFor(ctx context.Context, c *Community) (matching.Profile, bool, error) {
	cp, err := a.store.FindCommunityProfile(ctx, c.ID)
	if IsCode(err, ENOTFOUND) {
		return matching.DefaultProfile(matching.CommunityKind(c.Kind)), false, nil
	}
	if err != nil {
		return matching.Profile{}, false, err
	}
	var p matching.Profile
	if err := json.Unmarshal([]byte(cp.Profile), &p); err != nil {
		return matching.Profile{}, false, fmt.Errorf("profile of community %d: %w", c.ID, err)
	}
	return p, true, nil
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

// maskVolunteers masks the names of the volunteers the principal may not see privately (a
// grid worker's view of the community's other grids), as their public profiles do.
func (p *pool) maskVolunteers(pr *Principal, community Target) {
	for id, v := range p.vols {
		if !Can(pr, ActVolunteerViewPrivate, volunteerTarget(v, community)) {
			p.names[matching.KindVolunteer][id] = MaskName(v.Name)
		}
	}
}

func (p *pool) candidates(k matching.CandidateKind, ms []matching.Match) []Candidate {
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
	ks, err := parseKinds(kinds)
	if err != nil {
		return nil, err
	}
	if limit < 0 || limit > 100 {
		return nil, FieldErrors{"limit": Msg("error.between", "min", 0, "max", 100)}.Err()
	}
	s, err := a.subject(ctx, subject, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActMatchView, s.auth); err != nil {
		return nil, err
	}
	prof, custom, err := a.profileFor(ctx, s.community)
	if err != nil {
		return nil, err
	}
	p, err := a.loadPool(ctx, s.community.ID)
	if err != nil {
		return nil, err
	}
	r, err := p.ix.Rank(s.target, matching.Query{Profile: &prof, Limit: limit, Kinds: ks})
	if err != nil {
		return nil, fmt.Errorf("rank %s %d: %w", subject, id, err)
	}
	p.maskVolunteers(PrincipalFrom(ctx), Target{StreetID: s.community.StreetID, CommunityID: s.community.ID})
	return &CandidateRanking{Subject: subject, SubjectID: id, Title: s.title, CommunityID: s.community.ID, Profile: prof, Custom: custom,
		Volunteers:    p.candidates(matching.KindVolunteer, r.Volunteers),
		Organizations: p.candidates(matching.KindOrganization, r.Organizations),
		Donors:        p.candidates(matching.KindDonor, r.Donors),
		Pool: map[string]int{"volunteer": len(p.cands.Volunteers), "organization": len(p.cands.Organizations),
			"donor": len(p.cands.Donors)}}, nil
}

// ProfileView is a community's ranking profile and whether it was tuned.
type ProfileView struct {
	CommunityID int64            `json:"community_id"`
	Kind        string           `json:"community_kind"`
	Profile     matching.Profile `json:"profile"`
	Default     matching.Profile `json:"default"`
	Custom      bool             `json:"custom"`
}

func (a *App) tunable(ctx context.Context, communityID int64) (*Community, error) {
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActMatchTune, Target{StreetID: c.StreetID, CommunityID: c.ID}); err != nil {
		return nil, err
	}
	return c, nil
}

// CommunityProfile returns the ranking profile a community uses (its managers).
func (a *App) CommunityProfile(ctx context.Context, communityID int64) (*ProfileView, error) {
	c, err := a.tunable(ctx, communityID)
	if err != nil {
		return nil, err
	}
	p, custom, err := a.profileFor(ctx, c)
	if err != nil {
		return nil, err
	}
	return &ProfileView{CommunityID: c.ID, Kind: c.Kind, Profile: p, Default: matching.DefaultProfile(matching.CommunityKind(c.Kind)), Custom: custom}, nil
}

// profileErr turns the ranker's complaint about a profile into a field error.
func profileErr(err error) error {
	var fe *matching.FieldError
	if errors.As(err, &fe) {
		return FieldErrors{fe.Field: Msg("match.error.profile", "detail", fe.Message)}.Err()
	}
	return err
}

// SaveCommunityProfile stores a community's tuned ranking weights (its managers). Invalid
// weights — negative, not finite, all zero — are refused field by field.
func (a *App) SaveCommunityProfile(ctx context.Context, communityID int64, p matching.Profile) (*ProfileView, error) {
	c, err := a.tunable(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if p.Name == "" {
		p.Name = "custom"
	}
	if err := p.Validate(); err != nil {
		return nil, profileErr(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		cp := &CommunityProfile{CommunityID: c.ID, Profile: string(b), UpdatedBy: PrincipalFrom(ctx).User.ID, UpdatedAt: a.Now()}
		if err := a.store.SaveCommunityProfile(ctx, cp); err != nil {
			return err
		}
		return a.audit(ctx, "community.profile_saved", "community", c.ID, c.ID, map[string]any{"weights": p.Weights})
	})
	if err != nil {
		return nil, err
	}
	return a.CommunityProfile(ctx, communityID)
}

// PreviewMove is one candidate's position before and after a profile change.
type PreviewMove struct {
	matching.Move
	Name string `json:"name"`
}

// ProfilePreview shows how a need's ranking changes from the current profile to a proposed one.
type ProfilePreview struct {
	NeedID int64         `json:"need_id"`
	Title  string        `json:"title"`
	Moves  []PreviewMove `json:"moves"`
}

// PreviewProfile ranks one of the community's needs with its current profile and with a
// proposed one, and lists how each candidate moves (its managers), before anything is saved.
func (a *App) PreviewProfile(ctx context.Context, communityID, needID int64, after matching.Profile, limit int) (*ProfilePreview, error) {
	c, err := a.tunable(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := after.Validate(); err != nil {
		return nil, profileErr(err)
	}
	s, err := a.subject(ctx, SubjectNeed, needID)
	if IsCode(err, ENOTFOUND) || (err == nil && s.community.ID != c.ID) {
		return nil, FieldErrors{"need_id": Msg("error.unknown_ref")}.Err()
	} else if err != nil {
		return nil, err
	}
	before, _, err := a.profileFor(ctx, c)
	if err != nil {
		return nil, err
	}
	p, err := a.loadPool(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	pv, err := p.ix.Preview(s.target, before, after, limit)
	if err != nil {
		return nil, profileErr(err)
	}
	out := &ProfilePreview{NeedID: needID, Title: s.title, Moves: []PreviewMove{}}
	for _, m := range pv.Moves {
		out.Moves = append(out.Moves, PreviewMove{Move: m, Name: p.names[m.Kind][m.ID]})
	}
	return out, nil
}

// TaskMatch is an open task ranked for a volunteer.
type TaskMatch struct {
	Task        *Task                `json:"task"`
	Next        *Shift               `json:"next_shift"`
	Score       float64              `json:"score"`
	Explanation matching.Explanation `json:"explanation"`
}

// TasksForMe ranks the open tasks of the volunteer's community with shifts in the next four weeks for the
// signed-in volunteer, with the volunteer's community profile.
func (a *App) TasksForMe(ctx context.Context, limit int) ([]TaskMatch, error) {
	me, err := a.MyVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	vc, err := a.store.FindCommunity(ctx, me.CommunityID)
	if err != nil {
		return nil, err
	}
	prof, _, err := a.profileFor(ctx, vc)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	shifts, err := a.store.FindShifts(ctx, ShiftFilter{CommunityID: &me.CommunityID, OpenTasks: true, From: &now, To: ptr(now.Add(4 * loadHorizon))})
	if err != nil {
		return nil, err
	}
	next := map[int64]*Shift{}
	var taskIDs []int64
	for _, sh := range shifts {
		if _, ok := next[sh.TaskID]; !ok {
			next[sh.TaskID] = sh
			taskIDs = append(taskIDs, sh.TaskID)
		}
	}
	if len(taskIDs) == 0 {
		return []TaskMatch{}, nil
	}
	tasks, _, err := a.store.FindTasks(ctx, TaskFilter{IDs: taskIDs})
	if err != nil {
		return nil, err
	}
	var targets []matching.Target
	for _, t := range tasks {
		s, err := a.subject(ctx, SubjectTask, t.ID)
		if err != nil {
			return nil, err
		}
		targets = append(targets, s.target)
	}
	loads, err := a.store.VolunteerLoads(ctx, now, now.Add(loadHorizon))
	if err != nil {
		return nil, err
	}
	shows, err := a.store.ShowStats(ctx, []int64{me.ID})
	if err != nil {
		return nil, err
	}
	ev, err := a.store.EvaluationStats(ctx, "volunteer", []int64{me.ID})
	if err != nil {
		return nil, err
	}
	mv := matching.Volunteer{ID: me.ID, Skills: me.Skills, Availability: matching.Week(me.Availability), Home: latLng(me.Lat, me.Lng),
		CommunityID: me.CommunityID, Load: loads[me.ID], Shows: shows[me.ID].Shows, NoShows: shows[me.ID].NoShows,
		Evaluations: matching.Evaluations{Count: ev[me.ID].Count, Mean: ev[me.ID].Mean}}
	// The cap is left off: a volunteer browsing for work should see it even in a busy week.
	if me.GridID != nil {
		mv.GridID = *me.GridID
	}
	ms, err := matching.RankTargets(mv, targets, &prof, limit)
	if err != nil {
		return nil, fmt.Errorf("rank tasks for volunteer %d: %w", me.ID, err)
	}
	out := make([]TaskMatch, 0, len(ms))
	for _, m := range ms {
		t := tasks[m.Index]
		out = append(out, TaskMatch{Task: t, Next: next[t.ID], Score: m.Score, Explanation: m.Explanation})
	}
	return out, nil
}

// ProposedAssignment is one volunteer placed on one shift by batch assignment.
type ProposedAssignment struct {
	ShiftID       int64     `json:"shift_id"`
	TaskID        int64     `json:"task_id"`
	TaskTitle     string    `json:"task_title"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
	VolunteerID   int64     `json:"volunteer_id"`
	VolunteerName string    `json:"volunteer_name"`
	Score         float64   `json:"score"`
}

// AssignmentProposal is the optimal assignment of a community's volunteers to its open shifts.
type AssignmentProposal struct {
	CommunityID int64                `json:"community_id"`
	From        time.Time            `json:"from"`
	To          time.Time            `json:"to"`
	Shifts      int                  `json:"shifts"`
	OpenPlaces  int                  `json:"open_places"`
	Volunteers  int                  `json:"volunteers"`
	Edges       int                  `json:"edges"`
	Assigned    int                  `json:"assigned"`
	TotalScore  float64              `json:"total_score"`
	Optimal     bool                 `json:"optimal"`
	Pairs       []ProposedAssignment `json:"assignments"`
}

// AssignmentRequest asks for a proposal over the shifts starting in [From, From+Days).
type AssignmentRequest struct {
	From time.Time `json:"from"`
	Days int       `json:"days" validate:"gte=1,lte=28"`
}

// edgesPerShift bounds how many ranked volunteers each shift offers the solver.
const edgesPerShift = 60

// ProposeAssignment assigns volunteers to the community's open shifts optimally: as many
// places filled as possible, then the highest total ranking score, with each volunteer's weekly
// hours, each shift's free places and time conflicts (a volunteer never gets two overlapping
// shifts, nor one overlapping a shift they already hold) respected exactly. Nothing is saved.
func (a *App) ProposeAssignment(ctx context.Context, communityID int64, req AssignmentRequest) (*AssignmentProposal, error) {
	if req.Days == 0 {
		req.Days = 7
	}
	if err := a.validate.Struct(req); err != nil {
		return nil, err
	}
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActMatchTune, Target{StreetID: c.StreetID, CommunityID: c.ID}); err != nil {
		return nil, err
	}
	now := a.Now()
	from := req.From.UTC()
	if from.Before(now) {
		from = now
	}
	to := from.Add(time.Duration(req.Days) * 24 * time.Hour)
	out := &AssignmentProposal{CommunityID: c.ID, From: from, To: to, Optimal: true, Pairs: []ProposedAssignment{}}
	shifts, err := a.store.FindShifts(ctx, ShiftFilter{CommunityID: &c.ID, OpenTasks: true, From: &from, To: &to})
	if err != nil {
		return nil, err
	}
	sids := make([]int64, len(shifts))
	for i, sh := range shifts {
		sids[i] = sh.ID
	}
	counts, err := a.store.ActiveSignupCounts(ctx, sids)
	if err != nil {
		return nil, err
	}
	prof, _, err := a.profileFor(ctx, c)
	if err != nil {
		return nil, err
	}
	p, err := a.loadPool(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out.Volunteers = len(p.cands.Volunteers)
	// What each volunteer already holds in the period, for conflicts and hours.
	held := map[int64][]*Shift{}
	heldHours := map[int64]float64{}
	if len(p.vols) > 0 {
		all, err := a.store.FindShifts(ctx, ShiftFilter{From: ptr(from.Add(-24 * time.Hour)), To: &to})
		if err != nil {
			return nil, err
		}
		byID := map[int64]*Shift{}
		var ids []int64
		for _, sh := range all {
			byID[sh.ID] = sh
			ids = append(ids, sh.ID)
		}
		if len(ids) > 0 {
			sus, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: ids, Statuses: []string{SignupInvited, SignupSignedUp}})
			if err != nil {
				return nil, err
			}
			for _, su := range sus {
				sh := byID[su.ShiftID]
				held[su.VolunteerID] = append(held[su.VolunteerID], sh)
				if !sh.StartsAt.Before(from) {
					heldHours[su.VolunteerID] += sh.Hours()
				}
			}
		}
	}
	tasks := map[int64]*rankSubject{}
	titles := map[int64]string{}
	var problem matching.ShiftProblem
	problem.Objective = matching.MaxCoverage
	shiftByKey := map[string]*Shift{}
	maxHours := 0.0
	for _, sh := range shifts {
		free := sh.Capacity - counts[sh.ID]
		if free <= 0 || !sh.StartsAt.After(now) {
			continue
		}
		maxHours = math.Max(maxHours, sh.Hours())
		s, ok := tasks[sh.TaskID]
		if !ok {
			if s, err = a.subject(ctx, SubjectTask, sh.TaskID); err != nil {
				return nil, err
			}
			tasks[sh.TaskID], titles[sh.TaskID] = s, s.title
		}
		tg := s.target
		tg.Window = weekOf(sh.StartsAt, sh.EndsAt, a.loc)
		r, err := p.ix.Rank(tg, matching.Query{Profile: &prof, Limit: edgesPerShift, Kinds: []matching.CandidateKind{matching.KindVolunteer}})
		if err != nil {
			return nil, fmt.Errorf("rank shift %d: %w", sh.ID, err)
		}
		key := "s" + strconv.FormatInt(sh.ID, 10)
		shiftByKey[key] = sh
		out.Shifts++
		out.OpenPlaces += free
		problem.Shifts = append(problem.Shifts, matching.Shift{ID: key, Capacity: free, Start: sh.StartsAt.Unix(), End: sh.EndsAt.Unix()})
	edges:
		for _, m := range r.Volunteers {
			for _, h := range held[m.ID] {
				if h.ID == sh.ID || overlaps(h.StartsAt, h.EndsAt, sh.StartsAt, sh.EndsAt) {
					continue edges
				}
			}
			problem.Edges = append(problem.Edges, matching.Edge{Worker: "v" + strconv.FormatInt(m.ID, 10), Task: key, Score: m.Score})
		}
	}
	out.Edges = len(problem.Edges)
	if len(problem.Edges) == 0 {
		return out, nil
	}
	weeks := float64(req.Days) / 7
	for _, mv := range p.cands.Volunteers {
		capacity := len(problem.Shifts)
		if mv.MaxLoad > 0 && maxHours > 0 {
			capacity = int(math.Floor((mv.MaxLoad*weeks - heldHours[mv.ID]) / maxHours))
		}
		if capacity > 0 {
			problem.Workers = append(problem.Workers, matching.Worker{ID: "v" + strconv.FormatInt(mv.ID, 10), Capacity: capacity})
		}
	}
	workers := map[string]bool{}
	for _, w := range problem.Workers {
		workers[w.ID] = true
	}
	problem.Edges = slices.DeleteFunc(problem.Edges, func(e matching.Edge) bool { return !workers[e.Worker] })
	sol, err := matching.AssignShifts(problem)
	if err != nil && !errors.Is(err, matching.ErrSearchLimit) {
		return nil, fmt.Errorf("assign shifts of community %d: %w", c.ID, err)
	}
	out.Optimal = sol.Optimal
	for _, as := range sol.Assignments {
		sh := shiftByKey[as.Task]
		vid, _ := strconv.ParseInt(as.Worker[1:], 10, 64)
		out.Pairs = append(out.Pairs, ProposedAssignment{ShiftID: sh.ID, TaskID: sh.TaskID, TaskTitle: titles[sh.TaskID], StartsAt: sh.StartsAt,
			EndsAt: sh.EndsAt, VolunteerID: vid, VolunteerName: p.names[matching.KindVolunteer][vid], Score: as.Score})
		out.TotalScore += as.Score
	}
	slices.SortFunc(out.Pairs, func(x, y ProposedAssignment) int {
		if c := x.StartsAt.Compare(y.StartsAt); c != 0 {
			return c
		}
		if x.ShiftID != y.ShiftID {
			return int(x.ShiftID - y.ShiftID)
		}
		return int(x.VolunteerID - y.VolunteerID)
	})
	out.Assigned = len(out.Pairs)
	return out, nil
}

// AssignmentPair names one volunteer for one shift in a confirmed assignment.
type AssignmentPair struct {
	ShiftID     int64 `json:"shift_id"`
	VolunteerID int64 `json:"volunteer_id"`
}

// ConfirmAssignment signs the volunteers up for the shifts of a proposal the worker accepted.
// Everything is checked again (the shift is the community's, open and in the future, has a
// place; the volunteer is not on it and holds nothing overlapping), all or nothing.
func (a *App) ConfirmAssignment(ctx context.Context, communityID int64, pairs []AssignmentPair) ([]*Signup, error) {
	if len(pairs) == 0 || len(pairs) > 2000 {
		return nil, FieldErrors{"assignments": Msg("error.between", "min", 1, "max", 2000)}.Err()
	}
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActMatchTune, Target{StreetID: c.StreetID, CommunityID: c.ID}); err != nil {
		return nil, err
	}
	var out []*Signup
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		now := a.Now()
		taken := map[int64]int{}
		mine := map[int64][]*Shift{}
		for i, pr := range pairs {
			field := fmt.Sprintf("assignments[%d]", i)
			sh, err := a.store.FindShift(ctx, pr.ShiftID)
			if IsCode(err, ENOTFOUND) {
				return FieldErrors{field: Msg("error.unknown_ref")}.Err()
			} else if err != nil {
				return err
			}
			t, err := a.store.FindTask(ctx, sh.TaskID)
			if err != nil {
				return err
			}
			if t.CommunityID != c.ID {
				return FieldErrors{field: Msg("error.unknown_ref")}.Err()
			}
			if t.Status != TaskOpen || !sh.StartsAt.After(now) {
				return Errorf(ECONFLICT, "task.error.shift_closed")
			}
			v, err := a.store.FindVolunteer(ctx, pr.VolunteerID)
			if IsCode(err, ENOTFOUND) || (err == nil && v.CommunityID != c.ID) {
				// Only the community's own volunteers are proposed; another community's are
				// not the worker's to sign up (nor to learn of).
				return FieldErrors{field: Msg("error.unknown_ref")}.Err()
			} else if err != nil {
				return err
			}
			if _, ok := taken[sh.ID]; !ok {
				cs, err := a.store.ActiveSignupCounts(ctx, []int64{sh.ID})
				if err != nil {
					return err
				}
				taken[sh.ID] = cs[sh.ID]
			}
			if taken[sh.ID] >= sh.Capacity {
				return Errorf(ECONFLICT, "task.error.shift_full")
			}
			if _, ok := mine[v.ID]; !ok {
				sus, err := a.store.FindSignups(ctx, SignupFilter{VolunteerID: &v.ID, Statuses: []string{SignupInvited, SignupSignedUp}})
				if err != nil {
					return err
				}
				var ids []int64
				for _, su := range sus {
					ids = append(ids, su.ShiftID)
				}
				mine[v.ID] = []*Shift{}
				if len(ids) > 0 {
					if mine[v.ID], err = a.store.FindShifts(ctx, ShiftFilter{IDs: ids}); err != nil {
						return err
					}
				}
			}
			for _, h := range mine[v.ID] {
				if h.ID == sh.ID || overlaps(h.StartsAt, h.EndsAt, sh.StartsAt, sh.EndsAt) {
					return Errorf(ECONFLICT, "task.error.time_conflict")
				}
			}
			prev, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: []int64{sh.ID}, VolunteerID: &v.ID})
			if err != nil {
				return err
			}
			var su *Signup
			if len(prev) > 0 {
				su = prev[0]
				su.Status, su.Source, su.InvitedBy, su.UpdatedAt = SignupSignedUp, SourceAssigned, ptr(p.User.ID), now
				err = a.store.UpdateSignup(ctx, su)
			} else {
				su = &Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: v.ID, Status: SignupSignedUp, Source: SourceAssigned,
					InvitedBy: ptr(p.User.ID), CreatedAt: now, UpdatedAt: now}
				err = a.store.CreateSignup(ctx, su)
			}
			if err != nil {
				return err
			}
			taken[sh.ID]++
			mine[v.ID] = append(mine[v.ID], sh)
			out = append(out, su)
		}
		return a.audit(ctx, "community.assignment_confirmed", "community", c.ID, c.ID, map[string]any{"signups": len(out)})
	})
	return out, err
}
