package store

import (
	"context"
	"time"

	"github.com/wushe/wushe/app"
)

// RecordCheckinAttempt stores a try of a check-in code.
func (s *Store) RecordCheckinAttempt(ctx context.Context, at *app.CheckinAttempt) error {
	return translate(s.db(ctx).Create(at).Error, "checkin_attempt")
}

// DeleteCheckinAttempt removes a try that was not a wrong code.
func (s *Store) DeleteCheckinAttempt(ctx context.Context, id int64) error {
	return translate(s.db(ctx).Delete(&app.CheckinAttempt{}, id).Error, "checkin_attempt")
}

// PruneCheckinAttempts deletes tries older than before.
func (s *Store) PruneCheckinAttempts(ctx context.Context, before time.Time) error {
	return translate(s.db(ctx).Where("attempted_at < ?", before).Delete(&app.CheckinAttempt{}).Error, "checkin_attempt")
}

// CountCheckinAttempts counts tries since a time: the volunteer's on any shift and the
// shift's by any volunteer, in one query.
func (s *Store) CountCheckinAttempts(ctx context.Context, volunteerID, shiftID int64, since time.Time) (int, int, error) {
	var row struct{ ByVolunteer, ByShift int }
	err := s.db(ctx).Model(&app.CheckinAttempt{}).
		Select("COALESCE(SUM(CASE WHEN volunteer_id = ? THEN 1 ELSE 0 END), 0) AS by_volunteer, "+
			"COALESCE(SUM(CASE WHEN shift_id = ? THEN 1 ELSE 0 END), 0) AS by_shift", volunteerID, shiftID).
		Where("attempted_at >= ? AND (volunteer_id = ? OR shift_id = ?)", since, volunteerID, shiftID).
		Scan(&row).Error
	return row.ByVolunteer, row.ByShift, translate(err, "checkin_attempt")
}
