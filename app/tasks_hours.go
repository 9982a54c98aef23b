package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Hours kinds record where an hours entry came from, as volunteer-record rules require.
const (
	HoursCheckin     = "checkin"     // automatic, from check-in and check-out with the shift code
	HoursCoordinator = "coordinator" // added by a coordinator, with a reason
	HoursSelfReport  = "self_report" // reported by the volunteer, pending approval
)

// HoursKinds lists the kinds of hours entry.
var HoursKinds = []string{HoursCheckin, HoursCoordinator, HoursSelfReport}

// Hours entry statuses.
const (
	HoursPending  = "pending"
	HoursApproved = "approved"
	HoursRejected = "rejected"
)

// HoursStatuses lists every hours status.
var HoursStatuses = []string{HoursPending, HoursApproved, HoursRejected}

// HoursEntry is one line of a volunteer's hours ledger. Minutes are whole minutes.
type HoursEntry struct {
	ID           int64      `json:"id" gorm:"primaryKey"`
	VolunteerID  int64      `json:"volunteer_id"`
	TaskID       *int64     `json:"task_id"`
	ShiftID      *int64     `json:"shift_id"`
	SignupID     *int64     `json:"signup_id"`
	Kind         string     `json:"kind"`
	Status       string     `json:"status"`
	WorkDate     time.Time  `json:"work_date"`
	Minutes      int        `json:"minutes"`
	Activity     string     `json:"activity"`
	Reason       string     `json:"reason"`
	RecordedBy   int64      `json:"recorded_by"`
	DecidedBy    *int64     `json:"decided_by"`
	DecidedAt    *time.Time `json:"decided_at"`
	DecisionNote string     `json:"decision_note"`
	CreatedAt    time.Time  `json:"created_at"`
}

// HoursFilter selects hours entries.
type HoursFilter struct {
	VolunteerID *int64
	TaskIDs     []int64
	Status      *string
}

// HoursInput adds hours by hand: a coordinator's entry (Reason required) or a volunteer's self-report.
type HoursInput struct {
	VolunteerID int64  `json:"volunteer_id" form:"volunteer_id"`
	TaskID      int64  `json:"task_id" form:"task_id" validate:"required"`
	Date        string `json:"date" form:"date" validate:"required"`
	Minutes     int    `json:"minutes" form:"minutes" validate:"gte=1,lte=1440"`
	Activity    string `json:"activity" form:"activity" validate:"max=200"`
	Reason      string `json:"reason" form:"reason" validate:"max=500"`
}

func (a *App) checkHours(ctx context.Context, in *HoursInput, fe FieldErrors) (*Task, time.Time) {
	a.validate.Into(fe, in)
	var day time.Time
	if in.Date != "" {
		d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.Date), a.loc)
		if err != nil {
			fe.Add("date", "error.invalid_value")
		} else if d.After(a.Now()) {
			fe.Add("date", "task.error.future_date")
		}
		day = d
	}
	var t *Task
	if in.TaskID != 0 {
		var err error
		if t, err = a.store.FindTask(ctx, in.TaskID); err != nil {
			fe.Add("task_id", "error.unknown_ref")
		}
	}
	return t, day
}

// AddHours records hours for a volunteer by hand (the task's coordinators): approved at once,
// kind "coordinator", with a reason kept beside the automatic entries.
func (a *App) AddHours(ctx context.Context, in HoursInput) (*HoursEntry, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	t, day := a.checkHours(ctx, &in, fe)
	if strings.TrimSpace(in.Reason) == "" {
		fe.Add("reason", "error.reason_required")
	}
	var v *Volunteer
	if in.VolunteerID == 0 {
		fe.Add("volunteer_id", "error.required")
	} else if found, err := a.store.FindVolunteer(ctx, in.VolunteerID); IsCode(err, ENOTFOUND) {
		fe.Add("volunteer_id", "error.unknown_ref")
	} else if err != nil {
		return nil, err
	} else {
		v = found
	}
	if t != nil {
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return nil, err
		}
		if err := Authorize(p, ActTaskManage, tg); err != nil {
			return nil, err
		}
		// The task's coordinators credit their community's volunteers, or a volunteer from
		// elsewhere who was put on the task; never the ledger of just any volunteer.
		if v != nil && v.CommunityID != t.CommunityID {
			on, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID, VolunteerID: &v.ID})
			if err != nil {
				return nil, err
			}
			if len(on) == 0 {
				fe.Add("volunteer_id", "error.unknown_ref")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	activity := in.Activity
	if activity == "" {
		activity = t.Title
	}
	now := a.Now()
	h := &HoursEntry{VolunteerID: in.VolunteerID, TaskID: &t.ID, Kind: HoursCoordinator, Status: HoursApproved, WorkDate: day.UTC(),
		Minutes: in.Minutes, Activity: activity, Reason: strings.TrimSpace(in.Reason), RecordedBy: p.User.ID, DecidedBy: ptr(p.User.ID), DecidedAt: &now, CreatedAt: now}
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateHours(ctx, h); err != nil {
			return err
		}
		return a.audit(ctx, "hours.added", "hours", h.ID, t.CommunityID, map[string]any{"volunteer_id": in.VolunteerID, "minutes": in.Minutes, "reason": h.Reason})
	})
	return h, err
}

// ReportHours records hours the signed-in volunteer reports themselves, pending the task
// coordinators' approval.
func (a *App) ReportHours(ctx context.Context, in HoursInput) (*HoursEntry, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	me, err := a.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	if me == nil {
		return nil, Errorf(EFORBIDDEN, "task.error.not_volunteer")
	}
	in.VolunteerID = me.ID
	fe := FieldErrors{}
	t, day := a.checkHours(ctx, &in, fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	// Only a volunteer who was on the task (signed up, attended, even marked absent by
	// mistake) may report hours for it.
	on, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID, VolunteerID: &me.ID, Statuses: []string{SignupSignedUp, SignupAttended, SignupNoShow}})
	if err != nil {
		return nil, err
	}
	if len(on) == 0 {
		return nil, Errorf(EFORBIDDEN, "task.error.not_signed_up")
	}
	activity := in.Activity
	if activity == "" {
		activity = t.Title
	}
	now := a.Now()
	h := &HoursEntry{VolunteerID: me.ID, TaskID: &t.ID, Kind: HoursSelfReport, Status: HoursPending, WorkDate: day.UTC(),
		Minutes: in.Minutes, Activity: activity, Reason: strings.TrimSpace(in.Reason), RecordedBy: p.User.ID, CreatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateHours(ctx, h); err != nil {
			return err
		}
		return a.audit(ctx, "hours.reported", "hours", h.ID, t.CommunityID, map[string]any{"minutes": in.Minutes})
	})
	return h, err
}

// HoursDecision approves or rejects self-reported hours; a rejection must say why.
type HoursDecision struct {
	Approve bool   `json:"approve" form:"approve"`
	Note    string `json:"note" form:"note" validate:"max=500"`
}

// DecideHours approves or rejects a pending self-report (the task's coordinators, never the
// volunteer themselves).
func (a *App) DecideHours(ctx context.Context, id int64, d HoursDecision) (*HoursEntry, error) {
	p := PrincipalFrom(ctx)
	fe := FieldErrors{}
	a.validate.Into(fe, d)
	if !d.Approve && strings.TrimSpace(d.Note) == "" {
		fe.Add("note", "error.reason_required")
	}
	var h *HoursEntry
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if h, err = a.store.FindHours(ctx, id); err != nil {
			return err
		}
		if h.TaskID == nil {
			return Forbidden()
		}
		t, err := a.store.FindTask(ctx, *h.TaskID)
		if err != nil {
			return err
		}
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskManage, tg); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if h.RecordedBy == p.User.ID {
			return Errorf(EFORBIDDEN, "error.own_request")
		}
		if h.Status != HoursPending {
			return Errorf(ECONFLICT, "error.bad_transition", "from", h.Status, "action", "decide")
		}
		now := a.Now()
		h.Status = HoursRejected
		if d.Approve {
			h.Status = HoursApproved
		}
		h.DecidedBy, h.DecidedAt, h.DecisionNote = ptr(p.User.ID), &now, strings.TrimSpace(d.Note)
		if err := a.store.UpdateHours(ctx, h); err != nil {
			return err
		}
		return a.audit(ctx, "hours."+h.Status, "hours", h.ID, t.CommunityID, map[string]any{"note": h.DecisionNote})
	})
	return h, err
}

// HoursLine is an hours entry with its task's title.
type HoursLine struct {
	*HoursEntry
	TaskTitle string `json:"task_title"`
}

// HoursSheet is a volunteer's hours: every entry with its provenance, and the approved total.
type HoursSheet struct {
	Volunteer       *Volunteer     `json:"volunteer"`
	Organization    string         `json:"organization"`
	Lines           []*HoursLine   `json:"entries"`
	ApprovedMinutes int            `json:"approved_minutes"`
	PendingMinutes  int            `json:"pending_minutes"`
	MinutesByKind   map[string]int `json:"approved_minutes_by_kind"`
	Shows, NoShows  int            `json:"-"`
}

// HoursLedger returns a volunteer's hours ledger (the volunteer and front-desk workers of
// their community).
func (a *App) HoursLedger(ctx context.Context, volunteerID int64) (*HoursSheet, error) {
	v, err := a.store.FindVolunteer(ctx, volunteerID)
	if err != nil {
		return nil, err
	}
	t, err := a.communityTarget(ctx, v.CommunityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActVolunteerViewPrivate, volunteerTarget(v, t)); err != nil {
		return nil, err
	}
	hs, err := a.store.FindHoursEntries(ctx, HoursFilter{VolunteerID: &v.ID})
	if err != nil {
		return nil, err
	}
	l := &HoursSheet{Volunteer: v, Lines: []*HoursLine{}, MinutesByKind: map[string]int{}}
	if v.OrganizationID != nil {
		if o, err := a.store.FindOrganization(ctx, *v.OrganizationID); err == nil {
			l.Organization = o.Name
		}
	}
	var tids []int64
	for _, h := range hs {
		if h.TaskID != nil {
			tids = append(tids, *h.TaskID)
		}
	}
	titles := map[int64]string{}
	if len(tids) > 0 {
		ts, _, err := a.store.FindTasks(ctx, TaskFilter{IDs: dedupe(tids)}) // unpaged: one query
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			titles[t.ID] = t.Title
		}
	}
	for _, h := range hs {
		line := &HoursLine{HoursEntry: h}
		if h.TaskID != nil {
			line.TaskTitle = titles[*h.TaskID]
		}
		switch h.Status {
		case HoursApproved:
			l.ApprovedMinutes += h.Minutes
			l.MinutesByKind[h.Kind] += h.Minutes
		case HoursPending:
			l.PendingMinutes += h.Minutes
		}
		l.Lines = append(l.Lines, line)
	}
	st, err := a.store.ShowStats(ctx, []int64{v.ID})
	if err != nil {
		return nil, err
	}
	l.Shows, l.NoShows = st[v.ID].Shows, st[v.ID].NoShows
	return l, nil
}

// HoursTaskChoices lists the tasks the signed-in volunteer may report hours for (those they
// were on: signed up, attended or marked absent), newest first, for the self-report form's
// picker; ReportHours refuses any other task.
func (a *App) HoursTaskChoices(ctx context.Context) ([]Choice, error) {
	me, err := a.myVolunteer(ctx)
	if err != nil || me == nil {
		return nil, err
	}
	sus, err := a.store.FindSignups(ctx, SignupFilter{VolunteerID: &me.ID, Statuses: []string{SignupSignedUp, SignupAttended, SignupNoShow}})
	if err != nil {
		return nil, fmt.Errorf("sign-ups of volunteer %d: %w", me.ID, err)
	}
	var ids []int64
	for _, su := range sus {
		if !slices.Contains(ids, su.TaskID) {
			ids = append(ids, su.TaskID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	tasks, _, err := a.store.FindTasks(ctx, TaskFilter{IDs: ids}) // unpaged: by id
	if err != nil {
		return nil, fmt.Errorf("tasks of volunteer %d: %w", me.ID, err)
	}
	slices.SortFunc(tasks, func(x, y *Task) int { return y.CreatedAt.Compare(x.CreatedAt) })
	out := make([]Choice, len(tasks))
	for i, t := range tasks {
		out[i] = Choice{Value: strconv.FormatInt(t.ID, 10), Label: t.Title}
	}
	return out, nil
}
