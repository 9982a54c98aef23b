package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/wushe/wushe/matching"
)

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
	// Only volunteers are ranked for shifts: the community's, with what they hold.
	p, err := a.loadCandidatePool(ctx, c.ID, poolScope{kinds: [3]bool{matching.KindVolunteer: true}, limit: edgesPerShift})
	if err != nil {
		return nil, err
	}
	out.Volunteers = len(p.cands.Volunteers)
	// What each volunteer already holds in the period, for conflicts and hours: the shifts of
	// the community's volunteers only (a volunteer may hold another community's shift by
	// invitation), not every shift of the city.
	held := map[int64][]*Shift{}
	heldHours := map[int64]float64{}
	if len(p.vols) > 0 {
		hs, err := a.store.VolunteerHolds(ctx, c.ID, from.Add(-24*time.Hour), to)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			sh := &Shift{ID: h.ShiftID, StartsAt: h.StartsAt, EndsAt: h.EndsAt}
			held[h.VolunteerID] = append(held[h.VolunteerID], sh)
			if !sh.StartsAt.Before(from) {
				heldHours[h.VolunteerID] += sh.Hours()
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
