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

// CreateVolunteersBulk inserts volunteers and their skills, filling their ids.
func (s *Store) CreateVolunteersBulk(ctx context.Context, vs []*app.Volunteer) error {
	if len(vs) == 0 {
		return nil
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.db(ctx).CreateInBatches(vs, batchChunk).Error; err != nil {
			return translate(err, "volunteer")
		}
		type skillRow struct {
			VolunteerID int64
			Skill       string
		}
		var rows []skillRow
		for _, v := range vs {
			for _, sk := range v.Skills {
				rows = append(rows, skillRow{v.ID, sk})
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return translate(s.db(ctx).Table(volunteerSkills.table).CreateInBatches(rows, batchChunk).Error, "volunteer skill")
	})
}

// CreateNeedsBulk inserts needs, filling their ids.
func (s *Store) CreateNeedsBulk(ctx context.Context, ns []*app.Need) error {
	if len(ns) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(ns, batchChunk/2).Error, "need")
}

// AppendAuditBulk appends audit events.
func (s *Store) AppendAuditBulk(ctx context.Context, es []*app.AuditEvent) error {
	if len(es) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(es, batchChunk).Error, "audit event")
}

// CreateMembershipsBulk inserts memberships, filling their ids.
func (s *Store) CreateMembershipsBulk(ctx context.Context, ms []*app.Membership) error {
	if len(ms) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(ms, batchChunk).Error, "membership")
}

// CreateTasksBulk inserts tasks and their skills, filling their ids.
func (s *Store) CreateTasksBulk(ctx context.Context, ts []*app.Task) error {
	if len(ts) == 0 {
		return nil
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.db(ctx).CreateInBatches(ts, batchChunk).Error; err != nil {
			return translate(err, "task")
		}
		type skillRow struct {
			TaskID int64
			Skill  string
		}
		var rows []skillRow
		for _, t := range ts {
			for _, sk := range t.Skills {
				rows = append(rows, skillRow{t.ID, sk})
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return translate(s.db(ctx).Table(taskSkills.table).CreateInBatches(rows, batchChunk).Error, "task skill")
	})
}

// CreateShiftsBulk inserts shifts, filling their ids.
func (s *Store) CreateShiftsBulk(ctx context.Context, ss []*app.Shift) error {
	if len(ss) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(ss, batchChunk).Error, "shift")
}

// CreateSignupsBulk inserts sign-ups, filling their ids.
func (s *Store) CreateSignupsBulk(ctx context.Context, sus []*app.Signup) error {
	if len(sus) == 0 {
		return nil
	}
	return translate(s.db(ctx).CreateInBatches(sus, batchChunk).Error, "signup")
}
