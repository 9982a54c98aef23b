package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// CreateNeed inserts a need.
func (s *Store) CreateNeed(ctx context.Context, n *app.Need) error {
	return s.withSearch(ctx, search.TypeNeed, func(ctx context.Context) error { return translate(s.db(ctx).Create(n).Error, "need") }, func() int64 { return n.ID })
}

// UpdateNeed writes every field of a need.
func (s *Store) UpdateNeed(ctx context.Context, n *app.Need) error {
	return s.withSearch(ctx, search.TypeNeed, func(ctx context.Context) error { return updateAll(s.db(ctx), n, "need") }, func() int64 { return n.ID })
}

// FindNeed loads a need by id.
func (s *Store) FindNeed(ctx context.Context, id int64) (*app.Need, error) {
	var n app.Need
	if err := s.rdb(ctx).First(&n, id).Error; err != nil {
		return nil, translate(err, "need")
	}
	return &n, nil
}

var activeNeedStatuses = []string{app.NeedOpen, app.NeedInProgress}

// FindNeeds lists needs: overdue first, then the rest of the unresolved by due time, then
// resolved and closed ones.
func (s *Store) FindNeeds(ctx context.Context, f app.NeedFilter) ([]*app.Need, int, error) {
	now := f.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	scope := func(db *gorm.DB) *gorm.DB {
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.GridID != nil {
			db = db.Where("grid_id = ?", *f.GridID)
		}
		if f.Category != nil {
			db = db.Where("category = ?", *f.Category)
		}
		if f.Tier != nil {
			db = db.Where("tier = ?", *f.Tier)
		}
		if f.EscalationLevel != nil {
			db = db.Where("escalation_level = ?", *f.EscalationLevel)
		}
		if f.RequesterID != nil {
			db = db.Where("requester_id = ?", *f.RequesterID)
		}
		if f.AssigneeID != nil {
			db = db.Where("assignee_id = ?", *f.AssigneeID)
		}
		if len(f.Statuses) > 0 {
			db = db.Where("status IN ?", f.Statuses)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(title) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		if f.Overdue {
			db = db.Where("status IN ? AND due_at < ?", activeNeedStatuses, now)
		}
		if sf := f.Sensitive; sf != nil {
			cond := db.Session(&gorm.Session{NewDB: true}).Where("sensitive = ?", false)
			if sf.UserID != 0 {
				cond = cond.Or("requester_id = ? OR assignee_id = ?", sf.UserID, sf.UserID)
			}
			if sf.Places != nil {
				cond = cond.Or(scopeCondition(db, sf.Places))
			}
			db = db.Where(cond)
		}
		if f.Scope != nil {
			db = db.Where(scopeCondition(db, f.Scope))
		}
		return db
	}
	order := gorm.Expr(`CASE WHEN status IN ? AND due_at < ? THEN 0 WHEN status IN ? THEN 1 ELSE 2 END, due_at, id DESC`,
		activeNeedStatuses, now, activeNeedStatuses)
	if f.ResolvedFirst {
		order = gorm.Expr(`CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END, resolved_at DESC, id DESC`)
	}
	return findPage[app.Need](ctx, s.rdb, scope, clause.OrderBy{Expression: order}, f.Page, "need")
}

// scopeCondition ORs the places of a scope filter. With Levels, a community only sees needs
// escalated to it (or beyond) and a street only needs escalated to the street.
func scopeCondition(db *gorm.DB, sf *app.ScopeFilter) *gorm.DB {
	cond := db.Session(&gorm.Session{NewDB: true}).Where("1 = 0")
	if len(sf.GridIDs) > 0 {
		cond = cond.Or("grid_id IN ?", sf.GridIDs)
	}
	if len(sf.CommunityIDs) > 0 {
		if sf.Levels {
			cond = cond.Or("community_id IN ? AND escalation_level IN ?", sf.CommunityIDs, []string{app.LevelCommunity, app.LevelStreet})
		} else {
			cond = cond.Or("community_id IN ?", sf.CommunityIDs)
		}
	}
	if len(sf.StreetIDs) > 0 {
		sub := db.Session(&gorm.Session{NewDB: true}).Model(&app.Community{}).Select("id").Where("street_id IN ?", sf.StreetIDs)
		if sf.Levels {
			cond = cond.Or("community_id IN (?) AND escalation_level = ?", sub, app.LevelStreet)
		} else {
			cond = cond.Or("community_id IN (?)", sub)
		}
	}
	return cond
}

// NeedsToEscalate lists unresolved needs whose escalation time has passed, oldest first.
func (s *Store) NeedsToEscalate(ctx context.Context, now time.Time, limit int) ([]*app.Need, error) {
	var out []*app.Need
	err := s.rdb(ctx).Where("status IN ? AND escalate_at IS NOT NULL AND escalate_at < ?", activeNeedStatuses, now.UTC()).
		Order("escalate_at, id").Limit(limit).Find(&out).Error
	return out, translate(err, "need")
}

// EscalateNeed moves a need up one level with a conditional update, so that of several
// concurrent workers exactly one succeeds.
func (s *Store) EscalateNeed(ctx context.Context, id int64, from, to string, now time.Time, next *time.Time) (bool, error) {
	var nextAt any
	if next != nil {
		nextAt = next.UTC()
	}
	res := s.db(ctx).Model(&app.Need{}).
		Where("id = ? AND escalation_level = ? AND status IN ? AND escalate_at < ?", id, from, activeNeedStatuses, now.UTC()).
		Updates(map[string]any{"escalation_level": to, "escalated_at": now.UTC(), "escalate_at": nextAt, "updated_at": now.UTC()})
	if res.Error != nil {
		return false, translate(res.Error, "need")
	}
	return res.RowsAffected == 1, nil
}
