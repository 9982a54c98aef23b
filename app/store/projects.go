package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// CreateProject inserts a project.
func (s *Store) CreateProject(ctx context.Context, p *app.Project) error {
	return s.withSearch(ctx, search.TypeProject, func(ctx context.Context) error { return translate(s.db(ctx).Create(p).Error, "project") }, func() int64 { return p.ID })
}

// UpdateProject writes every field of a project but its counters, which only
// IncrementProjectCounter changes, so an edit never writes back a stale count.
func (s *Store) UpdateProject(ctx context.Context, p *app.Project) error {
	return s.withSearch(ctx, search.TypeProject, func(ctx context.Context) error {
		res := s.db(ctx).Model(p).Select("*").Omit(projectCounters...).Omit("id", "created_at").Updates(p)
		if res.Error != nil {
			return translate(res.Error, "project")
		}
		if res.RowsAffected == 0 {
			return app.NotFound("project")
		}
		return nil
	}, func() int64 { return p.ID })
}

// FindProject loads a project by id.
func (s *Store) FindProject(ctx context.Context, id int64) (*app.Project, error) {
	var p app.Project
	if err := s.rdb(ctx).First(&p, id).Error; err != nil {
		return nil, translate(err, "project")
	}
	return &p, nil
}

// FindProjects lists projects, newest first.
func (s *Store) FindProjects(ctx context.Context, f app.ProjectFilter) ([]*app.Project, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.IDs != nil {
			db = db.Where("id IN ?", f.IDs)
		}
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.Category != nil {
			db = db.Where("category = ?", *f.Category)
		}
		if f.ProposerID != nil {
			db = db.Where("proposer_id = ?", *f.ProposerID)
		}
		if len(f.Statuses) > 0 {
			db = db.Where("status IN ?", f.Statuses)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(title) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		return db
	}
	order := "created_at DESC, id DESC"
	if f.RecentFirst {
		order = "updated_at DESC, id DESC"
	}
	return findPage[app.Project](ctx, s.rdb, scope, order, f.Page, "project")
}
