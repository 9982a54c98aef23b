package app

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Limits on wrong check-in codes. A shift's code has six digits; without a limit a volunteer
// signed up for a shift could try codes until one fits and collect hours for a shift they never
// attended. Per volunteer (over all shifts) a handful of typos is plenty; per shift (over all
// its volunteers) the limit is higher, so one volunteer's wrong guesses cannot lock the rest of
// the shift out, yet several accounts working together still get few guesses.
const (
	CheckinAttemptWindow       = 15 * time.Minute
	CheckinMaxWrongByVolunteer = 5
	CheckinMaxWrongByShift     = 20
	// checkinAttemptRetention is how long rows are kept; older ones are deleted as wrong codes are written.
	checkinAttemptRetention = 24 * time.Hour
)

// CheckinAttempt is one wrong check-in or check-out code typed by a volunteer for a shift
// (or, briefly, a try whose code is being checked).
type CheckinAttempt struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	ShiftID     int64     `json:"shift_id"`
	VolunteerID int64     `json:"volunteer_id"`
	AttemptedAt time.Time `json:"attempted_at"`
}

// CheckinAttemptStore persists tries of check-in codes, so the limit holds across restarts
// and across several server instances.
type CheckinAttemptStore interface {
	// RecordCheckinAttempt stores a try, at once (outside any transaction of the caller's).
	RecordCheckinAttempt(ctx context.Context, at *CheckinAttempt) error
	// DeleteCheckinAttempt removes a try that turned out not to be a wrong code.
	DeleteCheckinAttempt(ctx context.Context, id int64) error
	// PruneCheckinAttempts deletes tries older than before.
	PruneCheckinAttempts(ctx context.Context, before time.Time) error
	// CountCheckinAttempts counts tries since a time: the volunteer's on any shift and the
	// shift's by any volunteer.
	CountCheckinAttempts(ctx context.Context, volunteerID, shiftID int64, since time.Time) (byVolunteer, byShift int, err error)
}

// guardCode checks a check-in or check-out code against guessing, before the transaction
// that uses it. The try is written first and the tries are counted after, so concurrent
// requests cannot all slip under the limit: each sees at least the tries written before it.
// A try refused for the limit, or with the right code, is deleted again; a wrong code stays
// and counts for the window. Over the limit every code is refused (429), the right one too.
func (a *App) guardCode(ctx context.Context, shiftID int64, code string) error {
	if err := a.validate.Struct(CheckInput{Code: code}); err != nil {
		return err
	}
	c, err := a.findMySignup(ctx, shiftID)
	if err != nil {
		return err
	}
	now := a.Now()
	at := &CheckinAttempt{ShiftID: c.sh.ID, VolunteerID: c.v.ID, AttemptedAt: now}
	if err := a.store.RecordCheckinAttempt(ctx, at); err != nil {
		return fmt.Errorf("record check-in attempt: %w", err)
	}
	byV, byS, err := a.store.CountCheckinAttempts(ctx, c.v.ID, c.sh.ID, now.Add(-CheckinAttemptWindow))
	if err != nil {
		return fmt.Errorf("count check-in attempts: %w", err)
	}
	limited := byV > CheckinMaxWrongByVolunteer || byS > CheckinMaxWrongByShift
	right := strings.TrimSpace(code) == c.sh.CheckinCode
	if limited || right {
		if err := a.store.DeleteCheckinAttempt(ctx, at.ID); err != nil {
			return fmt.Errorf("delete check-in attempt: %w", err)
		}
	}
	switch {
	case limited:
		e := Errorf(ERATELIMITED, "task.error.too_many_codes", "minutes", int(CheckinAttemptWindow/time.Minute))
		e.RetryAfter = CheckinAttemptWindow
		return e
	case !right:
		if err := a.store.PruneCheckinAttempts(ctx, now.Add(-checkinAttemptRetention)); err != nil {
			return fmt.Errorf("prune check-in attempts: %w", err)
		}
		return FieldErrors{"code": Msg("task.error.wrong_code")}.Err()
	}
	return nil
}
