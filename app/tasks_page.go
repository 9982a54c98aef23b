package app

import (
	"context"
	"slices"
)

// TaskPage is what a task's page shows: the task, and for each shift and sign-up what the
// principal may do with it, so the page only formats.
type TaskPage struct {
	Task      *TaskView
	Community *Community
	Shifts    []*ShiftChoice
	Signups   []*SignupChoice // coordinators only
	// Volunteers names the volunteers signed up, for the coordinators' hours form.
	Volunteers map[int64]string
	// CanEdit: the principal manages the task and it is not cancelled.
	CanEdit bool
	// Candidates is set for those who may see rankings.
	Candidates *CandidatePreview
}

// ShiftChoice is a shift with the principal's options on it.
type ShiftChoice struct {
	*ShiftView
	// CanSignUp: a volunteer without a sign-up here, before the start, with places left, on
	// an open task.
	CanSignUp bool
	// Holding: the principal is signed up or invited, so may check in and out.
	Holding bool
	// CanAccept: the principal is invited.
	CanAccept bool
	// CanCancel: the principal holds a place and the shift has not started.
	CanCancel bool
}

// SignupChoice is a sign-up as coordinators see it, with their options on it.
type SignupChoice struct {
	*SignupView
	// CanMarkNoShow: signed up and never checked in.
	CanMarkNoShow bool
}

// TaskDetailPage returns a task with what the principal may do on each shift and sign-up.
func (a *App) TaskDetailPage(ctx context.Context, id int64) (*TaskPage, error) {
	t, err := a.TaskDetail(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &TaskPage{Task: t, CanEdit: t.CanManage && t.Status != TaskCancelled, Volunteers: map[int64]string{}}
	if out.Community, err = a.Community(ctx, t.CommunityID); err != nil {
		return nil, err
	}
	now := a.Now()
	for _, sh := range t.Shifts {
		c := &ShiftChoice{ShiftView: sh}
		if m := sh.Mine; m != nil {
			c.Holding = m.Status == SignupSignedUp || m.Status == SignupInvited
			c.CanAccept = m.Status == SignupInvited
			c.CanCancel = c.Holding && sh.StartsAt.After(now)
		} else {
			c.CanSignUp = t.Volunteer != 0 && t.Status == TaskOpen && sh.StartsAt.After(now) && sh.Taken < sh.Capacity
		}
		out.Shifts = append(out.Shifts, c)
	}
	for _, su := range t.Signups {
		out.Signups = append(out.Signups, &SignupChoice{SignupView: su, CanMarkNoShow: su.Status == SignupSignedUp && su.CheckedInAt == nil})
		out.Volunteers[su.VolunteerID] = su.VolunteerName
	}
	place := Target{StreetID: out.Community.StreetID, CommunityID: t.CommunityID}
	if t.GridID != nil {
		place.GridID = *t.GridID
	}
	out.Candidates = a.previewCandidates(ctx, SubjectTask, t.ID, place)
	return out, nil
}

// TaskOfShift is the task a shift belongs to, for sending a volunteer back to its page.
func (a *App) TaskOfShift(ctx context.Context, shiftID int64) (int64, error) {
	sh, err := a.store.FindShift(ctx, shiftID)
	if err != nil {
		return 0, err
	}
	return sh.TaskID, nil
}

// TaskOfSignup is the task a sign-up belongs to, for sending the user back to its page.
func (a *App) TaskOfSignup(ctx context.Context, signupID int64) (int64, error) {
	su, err := a.store.FindSignup(ctx, signupID)
	if err != nil {
		return 0, err
	}
	return su.TaskID, nil
}

// TaskOfHours is the task an hours entry was worked on, 0 for hours reported without one.
func (a *App) TaskOfHours(ctx context.Context, hoursID int64) (int64, error) {
	h, err := a.store.FindHours(ctx, hoursID)
	if err != nil || h.TaskID == nil {
		return 0, err
	}
	return *h.TaskID, nil
}

// Commitment is a shift the volunteer holds or is invited to, with its task.
type Commitment struct {
	Signup *Signup
	Shift  *Shift
	Task   *Task
}

// MyCommitments lists the shifts the signed-in volunteer is signed up or invited for, soonest
// first, in three queries whatever their number. A shift drops off once its check-out window
// (checkoutLate after its end) has passed. ENOTFOUND: the user has no volunteer profile.
func (a *App) MyCommitments(ctx context.Context) ([]*Commitment, error) {
	me, err := a.MyVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	sus, err := a.store.FindSignups(ctx, SignupFilter{VolunteerID: &me.ID, Statuses: []string{SignupInvited, SignupSignedUp}})
	if err != nil || len(sus) == 0 {
		return nil, err
	}
	shiftIDs, taskIDs := make([]int64, len(sus)), make([]int64, len(sus))
	for i, su := range sus {
		shiftIDs[i], taskIDs[i] = su.ShiftID, su.TaskID
	}
	shifts, err := a.store.FindShifts(ctx, ShiftFilter{IDs: shiftIDs})
	if err != nil {
		return nil, err
	}
	tasks, _, err := a.store.FindTasks(ctx, TaskFilter{IDs: taskIDs}) // unpaged: by id
	if err != nil {
		return nil, err
	}
	shiftByID := make(map[int64]*Shift, len(shifts))
	for _, sh := range shifts {
		shiftByID[sh.ID] = sh
	}
	taskByID := make(map[int64]*Task, len(tasks))
	for _, t := range tasks {
		taskByID[t.ID] = t
	}
	gone := a.Now().Add(-checkoutLate)
	var out []*Commitment
	for _, su := range sus {
		sh, t := shiftByID[su.ShiftID], taskByID[su.TaskID]
		if sh == nil || t == nil || sh.EndsAt.Before(gone) {
			continue
		}
		out = append(out, &Commitment{Signup: su, Shift: sh, Task: t})
	}
	slices.SortFunc(out, func(x, y *Commitment) int { return x.Shift.StartsAt.Compare(y.Shift.StartsAt) })
	return out, nil
}
