package store

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
)

// CreateStreet inserts a street.
func (s *Store) CreateStreet(ctx context.Context, st *app.Street) error {
	return translate(s.db(ctx).Create(st).Error, "street")
}

// UpdateStreet writes every field of a street.
func (s *Store) UpdateStreet(ctx context.Context, st *app.Street) error {
	return updateAll(s.db(ctx), st, "street")
}

// FindStreet loads a street by id.
func (s *Store) FindStreet(ctx context.Context, id int64) (*app.Street, error) {
	var st app.Street
	if err := s.rdb(ctx).First(&st, id).Error; err != nil {
		return nil, translate(err, "street")
	}
	return &st, nil
}

// ListStreets lists every street by name.
func (s *Store) ListStreets(ctx context.Context) ([]*app.Street, error) {
	out := []*app.Street{}
	return out, translate(s.rdb(ctx).Order("city, district, name, id").Find(&out).Error, "street")
}

// CreateCommunity inserts a community.
func (s *Store) CreateCommunity(ctx context.Context, c *app.Community) error {
	return translate(s.db(ctx).Create(c).Error, "community")
}

// UpdateCommunity writes every field of a community.
func (s *Store) UpdateCommunity(ctx context.Context, c *app.Community) error {
	return s.withDependents(ctx, "community_id", c.ID, func(ctx context.Context) error { return updateAll(s.db(ctx), c, "community") })
}

// FindCommunity loads a community by id.
func (s *Store) FindCommunity(ctx context.Context, id int64) (*app.Community, error) {
	var c app.Community
	if err := s.rdb(ctx).First(&c, id).Error; err != nil {
		return nil, translate(err, "community")
	}
	return &c, nil
}

// FindCommunities lists communities by name.
func (s *Store) FindCommunities(ctx context.Context, f app.CommunityFilter) ([]*app.Community, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.StreetID != nil {
			db = db.Where("street_id = ?", *f.StreetID)
		}
		if f.Kind != nil {
			db = db.Where("kind = ?", *f.Kind)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(name) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		if f.IDs != nil {
			db = db.Where("id IN ?", f.IDs)
		}
		return db
	}
	return findPage[app.Community](ctx, s.rdb, scope, "name, id", f.Page, "community")
}

// CreateGrid inserts a grid.
func (s *Store) CreateGrid(ctx context.Context, g *app.Grid) error {
	return translate(s.db(ctx).Create(g).Error, "grid")
}

// UpdateGrid writes every field of a grid.
func (s *Store) UpdateGrid(ctx context.Context, g *app.Grid) error {
	return s.withDependents(ctx, "grid_id", g.ID, func(ctx context.Context) error { return updateAll(s.db(ctx), g, "grid") })
}

// FindGrid loads a grid by id.
func (s *Store) FindGrid(ctx context.Context, id int64) (*app.Grid, error) {
	var g app.Grid
	if err := s.rdb(ctx).First(&g, id).Error; err != nil {
		return nil, translate(err, "grid")
	}
	return &g, nil
}

// FindGrids lists grids by community and name.
func (s *Store) FindGrids(ctx context.Context, f app.GridFilter) ([]*app.Grid, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.WorkerID != nil {
			db = db.Where("worker_id = ?", *f.WorkerID)
		}
		if f.Level != nil {
			db = db.Where("level = ?", *f.Level)
		}
		if f.IDs != nil {
			db = db.Where("id IN ?", f.IDs)
		}
		return db
	}
	return findPage[app.Grid](ctx, s.rdb, scope, "community_id, code, name, id", f.Page, "grid")
}

// ListCategories lists the service categories. They only change by migration, so they are
// read once and kept.
func (s *Store) ListCategories(ctx context.Context) ([]*app.Category, error) {
	s.taxMu.Lock()
	defer s.taxMu.Unlock()
	if s.categories == nil {
		var cs []*app.Category
		if err := s.rdb(ctx).Order("sort_order, code").Find(&cs).Error; err != nil {
			return nil, translate(err, "category")
		}
		s.categories = cs
	}
	return slices.Clone(s.categories), nil
}

// ListSkills lists the volunteer skills, read once and kept like categories.
func (s *Store) ListSkills(ctx context.Context) ([]*app.Skill, error) {
	s.taxMu.Lock()
	defer s.taxMu.Unlock()
	if s.skills == nil {
		var ss []*app.Skill
		if err := s.rdb(ctx).Order("sort_order, code").Find(&ss).Error; err != nil {
			return nil, translate(err, "skill")
		}
		s.skills = ss
	}
	return slices.Clone(s.skills), nil
}
