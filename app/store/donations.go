package store

import (
	"context"

	"github.com/wushe/wushe/app"
)

// FindOrgGifts lists the gifts given through the organization's donor records, newest first.
func (s *Store) FindOrgGifts(ctx context.Context, orgID int64, limit int) ([]*app.OrgGift, error) {
	out := []*app.OrgGift{}
	err := s.rdb(ctx).Raw(`SELECT c.id, c.campaign_id, cp.title AS campaign, c.amount, c.refunded, c.currency, c.status, c.created_at
		FROM contributions c JOIN donors d ON d.id = c.donor_id JOIN campaigns cp ON cp.id = c.campaign_id
		WHERE d.organization_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, orgID, limit).Scan(&out).Error
	return out, translate(err, "contribution")
}
