package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
)

// Pledges (认捐) and what my gifts and receipts read (app/pledges.go).

// CreatePledge inserts a pledge.
func (s *Store) CreatePledge(ctx context.Context, p *app.Pledge) error {
	return translate(s.db(ctx).Create(p).Error, "pledge")
}

// UpdatePledge writes every field of a pledge.
func (s *Store) UpdatePledge(ctx context.Context, p *app.Pledge) error {
	return updateAll(s.db(ctx), p, "pledge")
}

// FindPledge loads a pledge.
func (s *Store) FindPledge(ctx context.Context, id int64) (*app.Pledge, error) {
	var p app.Pledge
	if err := s.rdb(ctx).First(&p, id).Error; err != nil {
		return nil, translate(err, "pledge")
	}
	return &p, nil
}

// LockPledge loads a pledge and locks its row, so two workers cannot receive it twice.
func (s *Store) LockPledge(ctx context.Context, id int64) (*app.Pledge, error) {
	var p app.Pledge
	if err := s.forUpdate(s.db(ctx)).First(&p, id).Error; err != nil {
		return nil, translate(err, "pledge")
	}
	return &p, nil
}

// FindPledges lists pledges, newest first.
func (s *Store) FindPledges(ctx context.Context, f app.PledgeFilter) ([]*app.Pledge, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.CampaignID != nil {
			db = db.Where("campaign_id = ?", *f.CampaignID)
		}
		if f.UserID != nil {
			db = db.Where("user_id = ?", *f.UserID)
		}
		if len(f.Statuses) > 0 {
			db = db.Where("status IN ?", f.Statuses)
		}
		return db
	}
	return findPage[app.Pledge](ctx, s.rdb, scope, "id DESC", f.Page, "pledge")
}

// ConfirmPledgeOf marks the received pledge of a confirmed gift confirmed.
func (s *Store) ConfirmPledgeOf(ctx context.Context, contributionID int64, at time.Time) error {
	err := s.db(ctx).Model(&app.Pledge{}).Where("contribution_id = ? AND status = ?", contributionID, app.PledgeReceived).
		Updates(map[string]any{"status": app.PledgeConfirmed, "updated_at": at, "closed_at": at}).Error
	return translate(err, "pledge")
}

// FindContributionByReceipt finds a gift by its receipt code.
func (s *Store) FindContributionByReceipt(ctx context.Context, code string) (*app.Contribution, error) {
	var c app.Contribution
	if err := s.rdb(ctx).Where("receipt_code = ?", code).First(&c).Error; err != nil {
		return nil, translate(err, "receipt")
	}
	return &c, nil
}

// FindCampaignsByIDs loads campaigns by id.
func (s *Store) FindCampaignsByIDs(ctx context.Context, ids []int64) (map[int64]*app.Campaign, error) {
	return byIDs[app.Campaign](ctx, s, ids, "campaign", func(c *app.Campaign) int64 { return c.ID })
}

// FindFundsByIDs loads funds by id.
func (s *Store) FindFundsByIDs(ctx context.Context, ids []int64) (map[int64]*app.Fund, error) {
	return byIDs[app.Fund](ctx, s, ids, "fund", func(f *app.Fund) int64 { return f.ID })
}

func byIDs[T any](ctx context.Context, s *Store, ids []int64, kind string, id func(*T) int64) (map[int64]*T, error) {
	out := map[int64]*T{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []*T
	if err := s.rdb(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err, kind)
	}
	for _, r := range rows {
		out[id(r)] = r
	}
	return out, nil
}
