package app

import (
	"context"
	"fmt"

	"github.com/wushe/wushe/matching"
)

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
