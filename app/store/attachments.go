package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
)

// deleteOne removes the row of model with the given id, or answers the kind's not-found.
func deleteOne(db *gorm.DB, model any, id int64, kind string) error {
	res := db.Delete(model, id)
	if res.Error != nil {
		return translate(res.Error, kind)
	}
	if res.RowsAffected == 0 {
		return app.NotFound(kind)
	}
	return nil
}

// CreateAttachment stores a file with its bytes.
func (s *Store) CreateAttachment(ctx context.Context, at *app.Attachment) error {
	return translate(s.db(ctx).Create(at).Error, "attachment")
}

// CountAttachments counts a record's files on the write connection, so a count taken inside
// the transaction that adds one sees the transaction's own inserts.
func (s *Store) CountAttachments(ctx context.Context, ownerType string, ownerID int64) (int, error) {
	var n int64
	err := s.db(ctx).Model(&app.Attachment{}).Where("owner_type = ? AND owner_id = ?", ownerType, ownerID).Count(&n).Error
	return int(n), translate(err, "attachment")
}

// FindAttachments lists the files of records of one type, oldest first, without their bytes.
func (s *Store) FindAttachments(ctx context.Context, ownerType string, ownerIDs []int64) (map[int64][]*app.Attachment, error) {
	out := map[int64][]*app.Attachment{}
	if len(ownerIDs) == 0 {
		return out, nil
	}
	var rows []*app.Attachment
	err := s.rdb(ctx).Omit("data").Where("owner_type = ? AND owner_id IN ?", ownerType, ownerIDs).Order("owner_id, id").Find(&rows).Error
	for _, r := range rows {
		out[r.OwnerID] = append(out[r.OwnerID], r)
	}
	return out, translate(err, "attachment")
}

// FindAttachment loads one file with its bytes.
func (s *Store) FindAttachment(ctx context.Context, id int64) (*app.Attachment, error) {
	var at app.Attachment
	if err := s.rdb(ctx).First(&at, id).Error; err != nil {
		return nil, translate(err, "attachment")
	}
	return &at, nil
}

// DeleteAttachment removes a file and its bytes.
func (s *Store) DeleteAttachment(ctx context.Context, id int64) error {
	return deleteOne(s.db(ctx), &app.Attachment{}, id, "attachment")
}

// DeleteAttachmentsOf removes every file of a record.
func (s *Store) DeleteAttachmentsOf(ctx context.Context, ownerType string, ownerID int64) error {
	err := s.db(ctx).Where("owner_type = ? AND owner_id = ?", ownerType, ownerID).Delete(&app.Attachment{}).Error
	return translate(err, "attachment")
}
