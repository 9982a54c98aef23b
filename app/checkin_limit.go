package app

import (
	"context"
	"errors"
	"fmt"
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
	// checkinAttemptRetention is how long rows are kept; older ones are deleted as new ones are written.
	checkinAttemptRetention = 24 * time.Hour
)

// CheckinAttempt is one wrong check-in or check-out code typed by a volunteer for a shift.
type CheckinAttempt struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	ShiftID     int64     `json:"shift_id"`
	VolunteerID int64     `json:"volunteer_id"`
	AttemptedAt time.Time `json:"attempted_at"`
}

// CheckinAttemptStore persists wrong check-in codes, so the limit holds across restarts and
// across several server instances.
type CheckinAttemptStore interface {
	// RecordCheckinAttempt stores a wrong code and deletes attempts older than before.
	RecordCheckinAttempt(ctx context.Context, at *CheckinAttempt, before time.Time) error
	// CountCheckinAttempts counts wrong codes since a time: the volunteer's on any shift and
	// the shift's by any volunteer.
	CountCheckinAttempts(ctx context.Context, volunteerID, shiftID int64, since time.Time) (byVolunteer, byShift int, err error)
}

// wrongCode is the error for a wrong code; the attempt is recorded after the transaction that
// found it has rolled back, so it is kept.
type wrongCode struct {
	err                  error
	volunteerID, shiftID int64
}

func (w *wrongCode) Error() string { return w.err.Error() }
func (w *wrongCode) Unwrap() error { return w.err }

// checkCodeAllowed refuses a code (even the right one) while the volunteer or the shift has
// too many wrong codes in the window.
func (a *App) checkCodeAllowed(ctx context.Context, volunteerID, shiftID int64) error {
	byV, byS, err := a.store.CountCheckinAttempts(ctx, volunteerID, shiftID, a.Now().Add(-CheckinAttemptWindow))
	if err != nil {
		return fmt.Errorf("count check-in attempts: %w", err)
	}
	if byV >= CheckinMaxWrongByVolunteer || byS >= CheckinMaxWrongByShift {
		return Errorf(ERATELIMITED, "task.error.too_many_codes", "minutes", int(CheckinAttemptWindow/time.Minute))
	}
	return nil
}

// recordWrongCode keeps a wrong code found by a check-in or check-out that has failed, outside
// its transaction. It returns err, or the failure to record it.
func (a *App) recordWrongCode(ctx context.Context, err error) error {
	var w *wrongCode
	if !errors.As(err, &w) {
		return err
	}
	now := a.Now()
	if rerr := a.store.RecordCheckinAttempt(ctx, &CheckinAttempt{ShiftID: w.shiftID, VolunteerID: w.volunteerID, AttemptedAt: now},
		now.Add(-checkinAttemptRetention)); rerr != nil {
		return fmt.Errorf("record wrong check-in code: %w", rerr)
	}
	return w.err
}
