package store

import (
	"context"

	"github.com/wushe/wushe/app"
)

// Bulk inserts for generators and load tests (scripts/loadgen, `wushe demo --scale`): many
// rows in few statements. They write exactly what the single-row methods write, but queue no
// search documents: the generators reindex afterwards.

// CreateUsersBulk inserts users, filling their ids.
func (s *Store) CreateUsersBulk(ctx context.Context, us []*app.User) error {
	if len(us) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(us, batchChunk).Error, "user")
}

// CreateContributionsBulk inserts contributions, filling their ids.
func (s *Store) CreateContributionsBulk(ctx context.Context, cs []*app.Contribution) error {
	if len(cs) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(cs, 200).Error, "contribution")
}
