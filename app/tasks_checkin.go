package app

import (
	"context"
	"strings"
	"time"
)

// Check-in windows: a volunteer may check in from an hour before the shift until it ends, and
// check out until four hours after it ends; later, a coordinator adds the hours by hand.
const (
	checkinEarly = time.Hour
	checkoutLate = 4 * time.Hour
)

// CheckInput carries the shift's code for check-in or check-out.
type CheckInput struct {
	Code string `json:"code" form:"code" validate:"required,len=6,numeric"`
}

// mySignupOn loads the principal's sign-up on a shift and checks the shift's code.
func (a *App) mySignupOn(ctx context.Context, shiftID int64, code string) (*signupContext, error) {
	if err := a.validate.Struct(CheckInput{Code: code}); err != nil {
		return nil, err
	}
	c, err := a.findMySignup(ctx, shiftID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(code) != c.sh.CheckinCode {
		return nil, FieldErrors{"code": Msg("task.error.wrong_code")}.Err()
	}
	return c, nil
}

// findMySignup loads the principal's sign-up on a shift, if they may act on it.
func (a *App) findMySignup(ctx context.Context, shiftID int64) (*signupContext, error) {
	me, err := a.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	if me == nil {
		return nil, Errorf(EFORBIDDEN, "task.error.not_volunteer")
	}
	ss, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: []int64{shiftID}, VolunteerID: &me.ID})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		if _, err := a.store.FindShift(ctx, shiftID); err != nil {
			return nil, err
		}
		return nil, Errorf(EFORBIDDEN, "task.error.not_signed_up")
	}
	c, err := a.loadSignup(ctx, ss[0].ID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActTaskSignup, c.vtg); err != nil {
		return nil, err
	}
	return c, nil
}

// CheckIn records the signed-in volunteer's arrival with the shift's code.
func (a *App) CheckIn(ctx context.Context, shiftID int64, code string) (*Signup, error) {
	if err := a.guardCode(ctx, shiftID, code); err != nil {
		return nil, err
	}
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.mySignupOn(ctx, shiftID, code)
		if err != nil {
			return err
		}
		now := a.Now()
		if c.s.Status != SignupSignedUp && c.s.Status != SignupInvited {
			return Errorf(ECONFLICT, "error.bad_transition", "from", c.s.Status, "action", "check_in")
		}
		if now.Before(c.sh.StartsAt.Add(-checkinEarly)) || !now.Before(c.sh.EndsAt) {
			return Errorf(ECONFLICT, "task.error.outside_checkin")
		}
		if c.s.CheckedInAt != nil {
			out = c.s
			return nil
		}
		c.s.Status, c.s.CheckedInAt, c.s.UpdatedAt = SignupSignedUp, &now, now
		out = c.s
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		return a.audit(ctx, "signup.checked_in", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}

// CheckoutMinutes is the time credited for a check-in/check-out pair: the time between them
// that falls inside the shift, so arriving early or leaving late does not add hours.
func CheckoutMinutes(sh *Shift, in, out time.Time) int {
	from, to := in, out
	if from.Before(sh.StartsAt) {
		from = sh.StartsAt
	}
	if to.After(sh.EndsAt) {
		to = sh.EndsAt
	}
	if !to.After(from) {
		return 0
	}
	return int(to.Sub(from) / time.Minute)
}

// CheckOut records the volunteer's departure with the shift's code, marks them attended and
// writes the automatic hours entry.
func (a *App) CheckOut(ctx context.Context, shiftID int64, code string) (*HoursEntry, error) {
	if err := a.guardCode(ctx, shiftID, code); err != nil {
		return nil, err
	}
	var out *HoursEntry
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.mySignupOn(ctx, shiftID, code)
		if err != nil {
			return err
		}
		now := a.Now()
		if c.s.CheckedInAt == nil || c.s.CheckedOutAt != nil {
			return Errorf(ECONFLICT, "task.error.not_checked_in")
		}
		if now.After(c.sh.EndsAt.Add(checkoutLate)) {
			return Errorf(ECONFLICT, "task.error.outside_checkin")
		}
		c.s.Status, c.s.CheckedOutAt, c.s.UpdatedAt = SignupAttended, &now, now
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		if m := CheckoutMinutes(c.sh, *c.s.CheckedInAt, now); m > 0 {
			out = &HoursEntry{VolunteerID: c.v.ID, TaskID: &c.t.ID, ShiftID: &c.sh.ID, SignupID: &c.s.ID, Kind: HoursCheckin,
				Status: HoursApproved, WorkDate: c.sh.StartsAt, Minutes: m, Activity: c.t.Title, RecordedBy: PrincipalFrom(ctx).User.ID, CreatedAt: now}
			if err := a.store.CreateHours(ctx, out); err != nil {
				return err
			}
		}
		return a.audit(ctx, "signup.checked_out", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}

// MarkNoShow records that a volunteer missed a shift without cancelling (the task's
// coordinators, once the shift has started). No-shows lower the volunteer's reliability.
func (a *App) MarkNoShow(ctx context.Context, signupID int64) (*Signup, error) {
	p := PrincipalFrom(ctx)
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.loadSignup(ctx, signupID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskManage, c.tg); err != nil {
			return err
		}
		// Only an accepted sign-up can be missed: an invitation nobody accepted is no
		// commitment, and marking it would lower the reliability of whoever was invited.
		if c.s.Status != SignupSignedUp || c.s.CheckedInAt != nil {
			return Errorf(ECONFLICT, "error.bad_transition", "from", c.s.Status, "action", "no_show")
		}
		if c.sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_not_started")
		}
		c.s.Status, c.s.UpdatedAt = SignupNoShow, a.Now()
		out = c.s
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		return a.audit(ctx, "signup.no_show", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}
