package store

import (
	"context"

	"github.com/wushe/wushe/app"
)

// CreateProjectPhoto stores a photo with its bytes.
func (s *Store) CreateProjectPhoto(ctx context.Context, ph *app.ProjectPhoto) error {
	return translate(s.db(ctx).Create(ph).Error, "project_photo")
}

// CountProjectPhotos counts a project's photos on the write connection, so a count taken
// with the project's row locked sees the transaction's own inserts.
func (s *Store) CountProjectPhotos(ctx context.Context, projectID int64) (int, error) {
	var n int64
	err := s.db(ctx).Model(&app.ProjectPhoto{}).Where("project_id = ?", projectID).Count(&n).Error
	return int(n), translate(err, "project_photo")
}

// FindProjectPhotos lists the photos of projects, oldest first, without their bytes.
func (s *Store) FindProjectPhotos(ctx context.Context, projectIDs []int64) (map[int64][]*app.ProjectPhoto, error) {
	out := map[int64][]*app.ProjectPhoto{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	var rows []*app.ProjectPhoto
	err := s.rdb(ctx).Omit("data").Where("project_id IN ?", projectIDs).Order("project_id, id").Find(&rows).Error
	if err != nil {
		return nil, translate(err, "project_photo")
	}
	for _, r := range rows {
		out[r.ProjectID] = append(out[r.ProjectID], r)
	}
	return out, nil
}

// FindProjectPhoto loads one photo with its bytes.
func (s *Store) FindProjectPhoto(ctx context.Context, id int64) (*app.ProjectPhoto, error) {
	var ph app.ProjectPhoto
	if err := s.rdb(ctx).First(&ph, id).Error; err != nil {
		return nil, translate(err, "project_photo")
	}
	return &ph, nil
}

// DeleteProjectPhoto removes a photo and its bytes.
func (s *Store) DeleteProjectPhoto(ctx context.Context, id int64) error {
	return deleteOne(s.db(ctx), &app.ProjectPhoto{}, id, "project_photo")
}
