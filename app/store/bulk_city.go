package store

import (
	"context"

	"github.com/wushe/wushe/app"
)

// CreateHoursBulk inserts hours entries, many rows a statement, filling their ids (the city
// generator's year of volunteer hours). Like the other bulk inserts it queues nothing.
func (s *Store) CreateHoursBulk(ctx context.Context, hs []*app.HoursEntry) error {
	if len(hs) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(hs, batchChunk).Error, "hours entry")
}
