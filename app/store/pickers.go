package store

import (
	"context"

	"github.com/wushe/wushe/app"
)

// FindCommunityStaff lists users holding one of the roles in the community or one of its
// grids, by name.
func (s *Store) FindCommunityStaff(ctx context.Context, communityID int64, roles []app.Role, limit int) ([]*app.User, error) {
	out := []*app.User{}
	err := s.rdb(ctx).Where(`id IN (SELECT m.user_id FROM memberships m LEFT JOIN grids g ON g.id = m.grid_id
		WHERE m.role IN ? AND (m.community_id = ? OR g.community_id = ?))`, roles, communityID, communityID).
		Where("disabled = ?", false).Order("name, id").Limit(limit).Find(&out).Error
	return out, translate(err, "user")
}
