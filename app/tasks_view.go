package app

import (
	"context"
)

// ShiftView is a shift with how many places are taken and, for coordinators, its code.
type ShiftView struct {
	*Shift
	Taken int `json:"taken"`
	// Code is the check-in code, shown only to those who manage the task.
	Code string `json:"checkin_code,omitempty"`
	// Mine is the principal's own sign-up on this shift, if any.
	Mine *Signup `json:"mine,omitempty"`
}

// SignupView is a sign-up with the volunteer's name (masked unless the viewer manages the task).
type SignupView struct {
	*Signup
	VolunteerName string `json:"volunteer_name"`
}

// TaskView is a task as a principal may see it.
type TaskView struct {
	*Task
	Shifts    []*ShiftView  `json:"shifts"`
	Signups   []*SignupView `json:"signups,omitempty"`
	Pending   []*HoursEntry `json:"pending_hours,omitempty"`
	CanManage bool          `json:"can_manage"`
	CanRank   bool          `json:"can_rank"`
	// Meeting is where to go and whom to call: set for the task's managers and for volunteers
	// holding a place on one of its shifts (signed up or attended), nil for everyone else.
	Meeting *TaskMeeting `json:"meeting,omitempty"`
	// Volunteer is the principal's own volunteer profile id, 0 if none.
	Volunteer int64 `json:"-"`
}

// TaskMeeting is a task's meeting point and its coordinator's contact. A volunteer who signed
// up needs both to find the place and to call if late; the public and other volunteers see
// neither (residents' addresses and workers' phones are not for everyone).
type TaskMeeting struct {
	Address           string `json:"address"`
	CoordinatorName   string `json:"coordinator_name"`
	CoordinatorMobile string `json:"coordinator_mobile,omitempty"`
	CoordinatorEmail  string `json:"coordinator_email,omitempty"`
}

// holdsPlace reports whether one of the sign-ups holds a confirmed place: signed up (not
// merely invited, nor cancelled) or already attended.
func holdsPlace(ss map[int64]*Signup) bool {
	for _, s := range ss {
		if s.Status == SignupSignedUp || s.Status == SignupAttended {
			return true
		}
	}
	return false
}

// taskMeeting reads the task's meeting point and its coordinator's contact.
func (a *App) taskMeeting(ctx context.Context, t *Task) (*TaskMeeting, error) {
	m := &TaskMeeting{Address: t.Address}
	u, err := a.store.FindUser(ctx, t.CoordinatorID)
	if err != nil {
		return nil, err
	}
	m.CoordinatorName = u.Name
	if u.Mobile != nil {
		m.CoordinatorMobile = *u.Mobile
	}
	if u.Email != nil {
		m.CoordinatorEmail = *u.Email
	}
	return m, nil
}

// myVolunteer returns the principal's volunteer profile, or nil.
func (a *App) myVolunteer(ctx context.Context) (*Volunteer, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil
	}
	vs, _, err := a.store.FindVolunteers(ctx, VolunteerFilter{UserID: ptr(p.User.ID), Page: Page{Page: 1, PerPage: 1}})
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return vs[0], nil
}

// TaskDetail returns a task with its upcoming and past shifts; coordinators also see the
// sign-ups, check-in codes and pending self-reported hours.
func (a *App) TaskDetail(ctx context.Context, id int64) (*TaskView, error) {
	t, err := a.store.FindTask(ctx, id)
	if err != nil {
		return nil, err
	}
	tg, err := a.taskTarget(ctx, t)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	v := &TaskView{Task: t, CanManage: Can(p, ActTaskManage, tg), CanRank: Can(p, ActMatchView, tg), Shifts: []*ShiftView{}}
	shifts, err := a.store.FindShifts(ctx, ShiftFilter{TaskIDs: []int64{t.ID}})
	if err != nil {
		return nil, err
	}
	sids := make([]int64, len(shifts))
	for i, s := range shifts {
		sids[i] = s.ID
	}
	counts, err := a.store.ActiveSignupCounts(ctx, sids)
	if err != nil {
		return nil, err
	}
	me, err := a.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	mine := map[int64]*Signup{}
	if me != nil {
		v.Volunteer = me.ID
		ss, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID, VolunteerID: &me.ID})
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			mine[s.ShiftID] = s
		}
	}
	if v.CanManage || holdsPlace(mine) {
		if v.Meeting, err = a.taskMeeting(ctx, t); err != nil {
			return nil, err
		}
	}
	for _, s := range shifts {
		sv := &ShiftView{Shift: s, Taken: counts[s.ID], Mine: mine[s.ID]}
		if v.CanManage {
			sv.Code = s.CheckinCode
		}
		v.Shifts = append(v.Shifts, sv)
	}
	if v.CanManage {
		ss, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID})
		if err != nil {
			return nil, err
		}
		names, err := a.volunteerNames(ctx, signupVolunteers(ss))
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			name := names[s.VolunteerID]
			if s.Status == SignupInvited || s.Status == SignupCancelled {
				// Inviting a volunteer of another community by id must not tell who that is:
				// until they accept, their name shows as their public profile shows it.
				if hide, err := a.hiddenOutsider(ctx, p, t, s.VolunteerID); err != nil {
					return nil, err
				} else if hide {
					name = MaskName(name)
				}
			}
			v.Signups = append(v.Signups, &SignupView{Signup: s, VolunteerName: name})
		}
		if v.Pending, err = a.store.FindHoursEntries(ctx, HoursFilter{TaskIDs: []int64{t.ID}, Status: ptr(HoursPending)}); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// hiddenOutsider reports whether a volunteer belongs to another community than the task's and
// the principal may not see their private profile.
func (a *App) hiddenOutsider(ctx context.Context, p *Principal, t *Task, volunteerID int64) (bool, error) {
	vol, err := a.store.FindVolunteer(ctx, volunteerID)
	if err != nil {
		return false, err
	}
	if vol.CommunityID == t.CommunityID {
		return false, nil
	}
	vt, err := a.communityTarget(ctx, vol.CommunityID)
	if err != nil {
		return false, err
	}
	return !Can(p, ActVolunteerViewPrivate, volunteerTarget(vol, vt)), nil
}

func signupVolunteers(ss []*Signup) []int64 {
	out := make([]int64, len(ss))
	for i, s := range ss {
		out[i] = s.VolunteerID
	}
	return out
}

// volunteerNames loads volunteers' names by id in one query.
func (a *App) volunteerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return a.store.VolunteerNames(ctx, dedupe(ids))
}
