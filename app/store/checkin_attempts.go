package store

import (
	"context"
	"time"

	"github.com/wushe/wushe/app"
)

// RecordCheckinAttempt stores a wrong check-in code and deletes attempts older than before.
func (s *Store) RecordCheckinAttempt(ctx context.Context, at *app.CheckinAttempt, before time.Time) error {
	db := s.db(ctx)
	if err := db.Where("attempted_at < ?", before).Delete(&app.CheckinAttempt{}).Error; err != nil {
		return translate(err, "checkin_attempt")
	}
	return translate(db.Create(at).Error, "checkin_attempt")
}

// CountCheckinAttempts counts wrong codes since a time: the volunteer's on any shift and the
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
