package app

import (
	"context"
	"time"
)

// Sign-up statuses: invited → signed_up → attended | no_show | cancelled.
const (
	SignupInvited   = "invited"
	SignupSignedUp  = "signed_up"
	SignupAttended  = "attended"
	SignupNoShow    = "no_show"
	SignupCancelled = "cancelled"
)

// SignupStatuses lists every sign-up status.
var SignupStatuses = []string{SignupInvited, SignupSignedUp, SignupAttended, SignupNoShow, SignupCancelled}

// activeSignup lists the statuses that hold a place in a shift.
var activeSignup = []string{SignupInvited, SignupSignedUp, SignupAttended}

// Sign-up sources: who put the volunteer on the shift.
const (
	SourceSelf     = "self"
	SourceInvited  = "invited"
	SourceAssigned = "assigned"
)

// Signup puts a volunteer on a shift.
type Signup struct {
	ID           int64      `json:"id" gorm:"primaryKey"`
	ShiftID      int64      `json:"shift_id"`
	TaskID       int64      `json:"task_id"`
	VolunteerID  int64      `json:"volunteer_id"`
	Status       string     `json:"status"`
	Source       string     `json:"source"`
	InvitedBy    *int64     `json:"invited_by"`
	CheckedInAt  *time.Time `json:"checked_in_at"`
	CheckedOutAt *time.Time `json:"checked_out_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// SignupFilter selects sign-ups.
type SignupFilter struct {
	ShiftIDs    []int64
	TaskID      *int64
	VolunteerID *int64
	Statuses    []string
}

// ShowStat counts a volunteer's attended and missed shifts.
type ShowStat struct{ Shows, NoShows int }

// overlaps reports whether two intervals share time (touching is not overlapping).
func overlaps(a1, a2, b1, b2 time.Time) bool { return a1.Before(b2) && b1.Before(a2) }

// SignUp puts the signed-in volunteer on a shift (or accepts an invitation). The shift must be
// in the future with a place left, and must not overlap another shift the volunteer holds.
func (a *App) SignUp(ctx context.Context, shiftID int64) (*Signup, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		me, err := a.myVolunteer(ctx)
		if err != nil {
			return err
		}
		if me == nil {
			return Errorf(EFORBIDDEN, "task.error.not_volunteer")
		}
		vt, err := a.communityTarget(ctx, me.CommunityID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskSignup, volunteerTarget(me, vt)); err != nil {
			return err
		}
		sh, err := a.store.FindShift(ctx, shiftID)
		if err != nil {
			return err
		}
		t, err := a.store.FindTask(ctx, sh.TaskID)
		if err != nil {
			return err
		}
		if t.CommunityID != me.CommunityID {
			// Volunteers serve their own community; a coordinator may invite from elsewhere.
			return Errorf(EFORBIDDEN, "task.error.other_community")
		}
		if t.Status != TaskOpen || !sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_closed")
		}
		held, err := a.store.FindSignups(ctx, SignupFilter{VolunteerID: &me.ID, Statuses: []string{SignupInvited, SignupSignedUp}})
		if err != nil {
			return err
		}
		var existing *Signup
		var heldIDs []int64
		for _, s := range held {
			if s.ShiftID == sh.ID {
				existing = s
				continue
			}
			heldIDs = append(heldIDs, s.ShiftID)
		}
		if len(heldIDs) > 0 {
			others, err := a.store.FindShifts(ctx, ShiftFilter{IDs: heldIDs})
			if err != nil {
				return err
			}
			for _, o := range others {
				if overlaps(o.StartsAt, o.EndsAt, sh.StartsAt, sh.EndsAt) {
					return Errorf(ECONFLICT, "task.error.time_conflict")
				}
			}
		}
		now := a.Now()
		if existing != nil {
			if existing.Status == SignupSignedUp {
				out = existing
				return nil
			}
			existing.Status, existing.UpdatedAt = SignupSignedUp, now // accept the invitation
			out = existing
			if err := a.store.UpdateSignup(ctx, existing); err != nil {
				return err
			}
			return a.audit(ctx, "signup.accepted", "signup", existing.ID, t.CommunityID, nil)
		}
		counts, err := a.store.ActiveSignupCounts(ctx, []int64{sh.ID})
		if err != nil {
			return err
		}
		if counts[sh.ID] >= sh.Capacity {
			return Errorf(ECONFLICT, "task.error.shift_full")
		}
		prev, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: []int64{sh.ID}, VolunteerID: &me.ID})
		if err != nil {
			return err
		}
		if len(prev) > 0 { // signing up again after cancelling (or a no-show on record stays)
			s := prev[0]
			if s.Status != SignupCancelled {
				return Errorf(ECONFLICT, "task.error.already_signed_up")
			}
			s.Status, s.Source, s.UpdatedAt = SignupSignedUp, SourceSelf, now
			out = s
			if err := a.store.UpdateSignup(ctx, s); err != nil {
				return err
			}
		} else {
			out = &Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: me.ID, Status: SignupSignedUp, Source: SourceSelf, CreatedAt: now, UpdatedAt: now}
			if err := a.store.CreateSignup(ctx, out); err != nil {
				return err
			}
		}
		return a.audit(ctx, "signup.created", "signup", out.ID, t.CommunityID, nil)
	})
	return out, err
}

// signupContext loads a sign-up with its shift, task and volunteer and their targets.
type signupContext struct {
	s   *Signup
	sh  *Shift
	t   *Task
	v   *Volunteer
	tg  Target // the task's target
	vtg Target // the volunteer's target
}

func (a *App) loadSignup(ctx context.Context, id int64) (*signupContext, error) {
	c := &signupContext{}
	var err error
	if c.s, err = a.store.FindSignup(ctx, id); err != nil {
		return nil, err
	}
	if c.sh, err = a.store.FindShift(ctx, c.s.ShiftID); err != nil {
		return nil, err
	}
	if c.t, err = a.store.FindTask(ctx, c.s.TaskID); err != nil {
		return nil, err
	}
	if c.v, err = a.store.FindVolunteer(ctx, c.s.VolunteerID); err != nil {
		return nil, err
	}
	if c.tg, err = a.taskTarget(ctx, c.t); err != nil {
		return nil, err
	}
	vt, err := a.communityTarget(ctx, c.v.CommunityID)
	if err != nil {
		return nil, err
	}
	c.vtg = volunteerTarget(c.v, vt)
	return c, nil
}

// CancelSignup withdraws a volunteer from a shift before it starts (the volunteer, or the
// task's coordinators).
func (a *App) CancelSignup(ctx context.Context, id int64) (*Signup, error) {
	p := PrincipalFrom(ctx)
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.loadSignup(ctx, id)
		if err != nil {
			return err
		}
		if Authorize(p, ActTaskSignup, c.vtg) != nil {
			if err := Authorize(p, ActTaskManage, c.tg); err != nil {
				return err
			}
		}
		if c.s.Status != SignupInvited && c.s.Status != SignupSignedUp {
			return Errorf(ECONFLICT, "error.bad_transition", "from", c.s.Status, "action", "cancel")
		}
		if !c.sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_started")
		}
		c.s.Status, c.s.UpdatedAt = SignupCancelled, a.Now()
		out = c.s
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		return a.audit(ctx, "signup.cancelled", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}

// InviteInput invites volunteers to a shift.
type InviteInput struct {
	ShiftID      int64   `json:"shift_id" form:"shift_id" validate:"required"`
	VolunteerIDs []int64 `json:"volunteer_ids" form:"volunteer_ids" validate:"required,min=1,max=100"`
}

// Invite puts volunteers on a shift as invited (the task's coordinators); each may accept by
// signing up or decline by cancelling. Volunteers already on the shift are skipped.
func (a *App) Invite(ctx context.Context, taskID int64, in InviteInput) ([]*Signup, error) {
	p := PrincipalFrom(ctx)
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var out []*Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		t, err := a.store.FindTask(ctx, taskID)
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
		sh, err := a.store.FindShift(ctx, in.ShiftID)
		if IsCode(err, ENOTFOUND) || (err == nil && sh.TaskID != t.ID) {
			return FieldErrors{"shift_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return err
		}
		if t.Status != TaskOpen || !sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_closed")
		}
		counts, err := a.store.ActiveSignupCounts(ctx, []int64{sh.ID})
		if err != nil {
			return err
		}
		existing, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: []int64{sh.ID}})
		if err != nil {
			return err
		}
		on := map[int64]*Signup{}
		for _, s := range existing {
			on[s.VolunteerID] = s
		}
		taken, now := counts[sh.ID], a.Now()
		for _, vid := range dedupe(in.VolunteerIDs) {
			// Only the task's community's volunteers: they alone may accept (SignUp), and an
			// invitation counts against a volunteer's weekly load, so inviting another
			// community's volunteers would only push them down their own community's rankings.
			v, err := a.store.FindVolunteer(ctx, vid)
			if IsCode(err, ENOTFOUND) || (err == nil && v.CommunityID != t.CommunityID) {
				return FieldErrors{"volunteer_ids": Msg("error.unknown_ref")}.Err()
			} else if err != nil {
				return err
			}
			if s := on[vid]; s != nil && s.Status != SignupCancelled {
				continue
			}
			if taken >= sh.Capacity {
				return Errorf(ECONFLICT, "task.error.shift_full")
			}
			s := on[vid]
			if s != nil {
				s.Status, s.Source, s.InvitedBy, s.UpdatedAt = SignupInvited, SourceInvited, ptr(p.User.ID), now
				err = a.store.UpdateSignup(ctx, s)
			} else {
				s = &Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: vid, Status: SignupInvited, Source: SourceInvited,
					InvitedBy: ptr(p.User.ID), CreatedAt: now, UpdatedAt: now}
				err = a.store.CreateSignup(ctx, s)
			}
			if err != nil {
				return err
			}
			taken++
			out = append(out, s)
		}
		vids := make([]int64, len(out))
		for i, s := range out {
			vids[i] = s.VolunteerID
		}
		// The volunteers' ids let the notification rule tell exactly those invited now.
		return a.audit(ctx, "task.invited", "task", t.ID, t.CommunityID, map[string]any{"shift_id": sh.ID, "invited": len(out), "volunteer_ids": vids})
	})
	return out, err
}
