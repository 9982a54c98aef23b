package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
)

// FindPointsSettings loads a community's points rules; ENOTFOUND when it has set none.
func (s *Store) FindPointsSettings(ctx context.Context, communityID int64) (*app.PointsSettings, error) {
	var ps app.PointsSettings
	if err := s.db(ctx).First(&ps, "community_id = ?", communityID).Error; err != nil {
		return nil, translate(err, "points_settings")
	}
	return &ps, nil
}

// SavePointsSettings inserts or replaces a community's points rules.
func (s *Store) SavePointsSettings(ctx context.Context, ps *app.PointsSettings) error {
	return translate(s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "community_id"}}, UpdateAll: true}).Create(ps).Error, "points_settings")
}

// PostPoints writes a balanced transaction; false when its source key was posted before.
func (s *Store) PostPoints(ctx context.Context, t *app.PointsTransaction, entries []app.PointsEntry) (bool, error) {
	var sum int64
	for _, e := range entries {
		sum += e.Points
	}
	if sum != 0 {
		return false, fmt.Errorf("points transaction %s does not balance: %d", t.SourceKey, sum)
	}
	res := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "source_key"}}, DoNothing: true}).Create(t)
	if res.Error != nil {
		return false, translate(res.Error, "points")
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	for i := range entries {
		entries[i].TransactionID = t.ID
	}
	return true, translate(s.db(ctx).Create(&entries).Error, "points")
}

// PointsBalance sums a holder's entries.
func (s *Store) PointsBalance(ctx context.Context, volunteerID int64) (int64, error) {
	var b int64
	err := s.db(ctx).Model(&app.PointsEntry{}).Select("COALESCE(SUM(points), 0)").
		Where("account = ? AND volunteer_id = ?", app.PointsHolder, volunteerID).Scan(&b).Error
	return b, translate(err, "points")
}

// PointsHistory lists a holder's transactions, newest first, with the holder's change.
func (s *Store) PointsHistory(ctx context.Context, volunteerID int64, limit int) ([]*app.PointsTransaction, error) {
	out := []*app.PointsTransaction{}
	if err := s.db(ctx).Where("volunteer_id = ?", volunteerID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, translate(err, "points")
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, t := range out {
		ids[i] = t.ID
	}
	var rows []struct {
		TransactionID int64
		Points        int64
	}
	if err := s.db(ctx).Model(&app.PointsEntry{}).Select("transaction_id, points").
		Where("transaction_id IN ? AND account = ?", ids, app.PointsHolder).Scan(&rows).Error; err != nil {
		return nil, translate(err, "points")
	}
	by := map[int64]int64{}
	for _, r := range rows {
		by[r.TransactionID] += r.Points
	}
	for _, t := range out {
		t.Points = by[t.ID]
	}
	return out, nil
}

// PointsSums sums a holder's entries by transaction kind; with expiringBy, only transactions
// that expire at or before it.
func (s *Store) PointsSums(ctx context.Context, volunteerID int64, expiringBy *time.Time) (map[string]int64, error) {
	q := s.db(ctx).Table("points_entries e").Joins("JOIN points_transactions t ON t.id = e.transaction_id").
		Select("t.kind AS kind, COALESCE(SUM(e.points), 0) AS points").
		Where("e.account = ? AND e.volunteer_id = ?", app.PointsHolder, volunteerID).Group("t.kind")
	if expiringBy != nil {
		q = q.Where("t.expires_at IS NOT NULL AND t.expires_at <= ?", *expiringBy)
	}
	var rows []struct {
		Kind   string
		Points int64
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate(err, "points")
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Kind] = r.Points
	}
	return out, nil
}

// UncreditedHours lists a volunteer's approved hours that have no earn_hours transaction.
func (s *Store) UncreditedHours(ctx context.Context, volunteerID int64) ([]*app.HoursEntry, error) {
	out := []*app.HoursEntry{}
	key := "'hours:' || CAST(hours_entries.id AS TEXT)"
	err := s.db(ctx).Where("volunteer_id = ? AND status = ?", volunteerID, app.HoursApproved).
		Where("NOT EXISTS (SELECT 1 FROM points_transactions t WHERE t.source_key = " + key + ")").
		Order("id").Find(&out).Error
	return out, translate(err, "hours")
}

// LockVolunteer loads a volunteer and locks the row (PostgreSQL; SQLite's single writer
// serialises writers anyway).
func (s *Store) LockVolunteer(ctx context.Context, id int64) (*app.Volunteer, error) {
	var v app.Volunteer
	if err := s.forUpdate(s.db(ctx)).First(&v, id).Error; err != nil {
		return nil, translate(err, "volunteer")
	}
	return &v, nil
}

// CommunityPoints sums a community's points entries by account.
func (s *Store) CommunityPoints(ctx context.Context, communityID int64) (map[string]int64, error) {
	var rows []struct {
		Account string
		Points  int64
	}
	if err := s.rdb(ctx).Model(&app.PointsEntry{}).Select("account, COALESCE(SUM(points), 0) AS points").
		Where("community_id = ?", communityID).Group("account").Scan(&rows).Error; err != nil {
		return nil, translate(err, "points")
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Account] = r.Points
	}
	return out, nil
}

// CreateShopItem stores a shelf item.
func (s *Store) CreateShopItem(ctx context.Context, it *app.ShopItem) error {
	return translate(s.db(ctx).Create(it).Error, "shop_item")
}

// FindShopItem loads a shelf item.
func (s *Store) FindShopItem(ctx context.Context, id int64) (*app.ShopItem, error) {
	var it app.ShopItem
	if err := s.db(ctx).First(&it, id).Error; err != nil {
		return nil, translate(err, "shop_item")
	}
	return &it, nil
}

// FindShopItems lists active items of a community or a merchant, by name.
func (s *Store) FindShopItems(ctx context.Context, communityID, organizationID *int64) ([]*app.ShopItem, error) {
	out := []*app.ShopItem{}
	q := s.rdb(ctx).Where("active = ?", true)
	if communityID != nil {
		q = q.Where("community_id = ?", *communityID)
	}
	if organizationID != nil {
		q = q.Where("organization_id = ?", *organizationID)
	}
	return out, translate(q.Order("name, id").Limit(500).Find(&out).Error, "shop_item")
}

// TakeStock decrements stock only if enough is left, in one statement, so concurrent
// redemptions can never drive it below zero.
func (s *Store) TakeStock(ctx context.Context, itemID int64, qty int) (bool, error) {
	res := s.db(ctx).Exec("UPDATE shop_items SET stock = stock - ? WHERE id = ? AND stock >= ?", qty, itemID, qty)
	return res.RowsAffected == 1, translate(res.Error, "shop_item")
}

// ReturnStock puts cancelled items back on the shelf.
func (s *Store) ReturnStock(ctx context.Context, itemID int64, qty int) error {
	return translate(s.db(ctx).Exec("UPDATE shop_items SET stock = stock + ? WHERE id = ?", qty, itemID).Error, "shop_item")
}

// CreateRedemption stores a redemption.
func (s *Store) CreateRedemption(ctx context.Context, r *app.Redemption) error {
	return translate(s.db(ctx).Create(r).Error, "redemption")
}

// UpdateRedemption writes a redemption's status.
func (s *Store) UpdateRedemption(ctx context.Context, r *app.Redemption) error {
	return updateAll(s.db(ctx), r, "redemption")
}

// FindRedemption loads a redemption.
func (s *Store) FindRedemption(ctx context.Context, id int64) (*app.Redemption, error) {
	var r app.Redemption
	if err := s.db(ctx).First(&r, id).Error; err != nil {
		return nil, translate(err, "redemption")
	}
	return &r, nil
}

// LockRedemption loads a redemption and locks its row.
func (s *Store) LockRedemption(ctx context.Context, id int64) (*app.Redemption, error) {
	var r app.Redemption
	if err := s.forUpdate(s.db(ctx)).First(&r, id).Error; err != nil {
		return nil, translate(err, "redemption")
	}
	return &r, nil
}

// FindRedemptions lists redemptions of a holder or a community, newest first.
func (s *Store) FindRedemptions(ctx context.Context, volunteerID, communityID *int64, status string) ([]*app.Redemption, error) {
	out := []*app.Redemption{}
	q := s.db(ctx)
	if volunteerID != nil {
		q = q.Where("volunteer_id = ?", *volunteerID)
	}
	if communityID != nil {
		q = q.Where("community_id = ?", *communityID)
	}
	if status != "" {
		q = q.Where("status = ?", status)
	}
	return out, translate(q.Order("created_at DESC, id DESC").Limit(500).Find(&out).Error, "redemption")
}
