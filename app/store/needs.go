package store

import (
	"context"
	"slices"
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

// needListOrder is the needs list's order: the unresolved ones by due time (so the overdue
// ones, due before now, come first), then the rest by due time. It names no clock: due_at is
// never NULL, so "overdue, then the other unresolved, each by due time" is the same order as
// "unresolved by due time". That lets migration 00023's needs_list_order_idx, built on the same
// expression, serve it: the list reads one page from the index instead of sorting every
// matching row. Both databases match an expression index only to the same text, literals
// included, so this string must stay exactly the index's (needs_list_order_test.go checks it).
const needListOrder = needActive + `, due_at, id DESC`

// needResolvedOrder is the order of the most recently resolved needs first; migration
// 00023's needs_resolved_order_idx is built on the same text (the home page read 300,000 rows
// to show six).
const needResolvedOrder = `CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END, resolved_at DESC, id DESC`

// needActive is 0 for an unresolved need (open or in progress), 1 for the others.
const needActive = `CASE WHEN status IN ('` + app.NeedOpen + `', '` + app.NeedInProgress + `') THEN 0 ELSE 1 END`

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
		switch {
		case len(f.Statuses) == 0:
		case sameSet(f.Statuses, activeNeedStatuses):
			// The unresolved ones (the needs page's default) are one range of the list's
			// index; "status IN" is not, and the planner then reads the whole table to count.
			db = db.Where(needActive + " = 0")
		default:
			db = db.Where("status IN ?", f.Statuses)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(title) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		if f.Overdue {
			// needActive is the index's leading key: the overdue ones are one range of it.
			db = db.Where(needActive+" = 0 AND due_at < ?", now)
		}
		if sf := f.Sensitive; sf != nil {
			// A literal, not a parameter: both databases use the partial index needs_public_idx
			// (00023) only when the query's condition is its predicate, also in a prepared plan.
			cond := db.Session(&gorm.Session{NewDB: true}).Where("NOT sensitive")
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
	order := gorm.Expr(needListOrder)
	if f.ResolvedFirst {
		order = gorm.Expr(needResolvedOrder)
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

// sameSet reports whether a and b hold the same strings, in any order and counting repeats
// once.
func sameSet(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}
