package store

import (
	"context"
	"time"

	"github.com/wushe/wushe/app"
)

// doneNeedStatuses are the statuses whose details retention may erase.
var doneNeedStatuses = []string{app.NeedResolved, app.NeedClosed}

// NeedsToPurge lists done needs resolved before cutoff whose details are kept; the partial
// index needs_retention_idx (00020) serves it.
func (s *Store) NeedsToPurge(ctx context.Context, cutoff time.Time, limit int) ([]*app.Need, error) {
	var out []*app.Need
	err := s.rdb(ctx).Where("private_purged_at IS NULL AND resolved_at IS NOT NULL AND resolved_at < ? AND status IN ?", cutoff.UTC(), doneNeedStatuses).
		Order("resolved_at, id").Limit(limit).Find(&out).Error
	return out, translate(err, "need")
}

// PurgeNeedDetails erases a need's private details with a conditional update, so of several
// concurrent runs exactly one does it.
func (s *Store) PurgeNeedDetails(ctx context.Context, id int64, withDescription bool, at time.Time) (bool, error) {
	set := map[string]any{"address": "", "on_behalf_name": "", "on_behalf_phone": "", "private_purged_at": at.UTC()}
	if withDescription {
		set["description"] = ""
	}
	res := s.db(ctx).Model(&app.Need{}).Where("id = ? AND private_purged_at IS NULL AND status IN ?", id, doneNeedStatuses).Updates(set)
	if res.Error != nil {
		return false, translate(res.Error, "need")
	}
	return res.RowsAffected == 1, nil
}
