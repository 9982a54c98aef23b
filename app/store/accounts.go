package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
)

// CreateUser inserts a user; a taken email or mobile is ECONFLICT.
func (s *Store) CreateUser(ctx context.Context, u *app.User) error {
	return translate(s.db(ctx).Create(u).Error, "user")
}

// UpdateUser writes every field of a user.
func (s *Store) UpdateUser(ctx context.Context, u *app.User) error {
	return updateAll(s.db(ctx), u, "user")
}

// FindUser loads a user by id.
func (s *Store) FindUser(ctx context.Context, id int64) (*app.User, error) {
	var u app.User
	if err := s.rdb(ctx).First(&u, id).Error; err != nil {
		return nil, translate(err, "user")
	}
	return &u, nil
}

// FindUserByLogin finds a user by normalised email or mobile.
func (s *Store) FindUserByLogin(ctx context.Context, login string) (*app.User, error) {
	var u app.User
	col := "mobile"
	if strings.Contains(login, "@") {
		col = "email"
	}
	if login == "" {
		return nil, app.NotFound("user")
	}
	if err := s.rdb(ctx).Where(col+" = ?", login).First(&u).Error; err != nil {
		return nil, translate(err, "user")
	}
	return &u, nil
}

// FindUsers lists users, newest first.
func (s *Store) FindUsers(ctx context.Context, f app.UserFilter) ([]*app.User, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.IDs != nil {
			db = db.Where("id IN ?", f.IDs)
		}
		if f.Q != "" {
			q := like(f.Q)
			db = db.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\' OR mobile LIKE ? ESCAPE '\')`, q, q, q)
		}
		return db
	}
	return findPage[app.User](ctx, s.rdb, scope, "id DESC", f.Page, "user")
}

// CountUsers counts all accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int64
	err := s.rdb(ctx).Model(&app.User{}).Count(&n).Error
	return int(n), translate(err, "user")
}

// CreateMembership inserts a membership; a duplicate is ECONFLICT.
func (s *Store) CreateMembership(ctx context.Context, m *app.Membership) error {
	return translate(s.db(ctx).Create(m).Error, "membership")
}

// DeleteMembership removes a membership.
func (s *Store) DeleteMembership(ctx context.Context, id int64) error {
	res := s.db(ctx).Delete(&app.Membership{}, id)
	if res.Error != nil {
		return translate(res.Error, "membership")
	}
	if res.RowsAffected == 0 {
		return app.NotFound("membership")
	}
	return nil
}

// FindMembership loads a membership by id.
func (s *Store) FindMembership(ctx context.Context, id int64) (*app.Membership, error) {
	var m app.Membership
	if err := s.rdb(ctx).First(&m, id).Error; err != nil {
		return nil, translate(err, "membership")
	}
	return &m, nil
}

// FindMemberships lists memberships.
func (s *Store) FindMemberships(ctx context.Context, f app.MembershipFilter) ([]*app.Membership, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.UserID != nil {
			db = db.Where("user_id = ?", *f.UserID)
		}
		if f.CommunityID != nil {
			db = db.Where("(community_id = ? OR grid_id IN (SELECT id FROM grids WHERE community_id = ?))", *f.CommunityID, *f.CommunityID)
		}
		if f.Role != nil {
			db = db.Where("role = ?", *f.Role)
		}
		return db
	}
	return findPage[app.Membership](ctx, s.rdb, scope, "user_id, role, id", f.Page, "membership")
}

// UserMemberships lists all of a user's memberships.
func (s *Store) UserMemberships(ctx context.Context, userID int64) ([]app.Membership, error) {
	var out []app.Membership
	err := s.rdb(ctx).Where("user_id = ?", userID).Order("id").Find(&out).Error
	return out, translate(err, "membership")
}

// MoveOrgMemberships sets the place of an organization's org_member memberships.
func (s *Store) MoveOrgMemberships(ctx context.Context, orgID int64, streetID, communityID *int64) error {
	err := s.db(ctx).Model(&app.Membership{}).Where("role = ? AND organization_id = ?", app.RoleOrgMember, orgID).
		Updates(map[string]any{"street_id": streetID, "community_id": communityID, "grid_id": nil}).Error
	return translate(err, "membership")
}

// CreateAPIToken inserts an API token record.
func (s *Store) CreateAPIToken(ctx context.Context, t *app.APIToken) error {
	return translate(s.db(ctx).Create(t).Error, "api_token")
}

// FindAPIToken finds an unexpired token by the hash of its secret.
func (s *Store) FindAPIToken(ctx context.Context, hash string, now time.Time) (*app.APIToken, error) {
	var t app.APIToken
	if err := s.rdb(ctx).Where("token_hash = ? AND expires_at > ?", hash, now.UTC()).First(&t).Error; err != nil {
		return nil, translate(err, "api_token")
	}
	return &t, nil
}

// TouchAPIToken records when a token was last used.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	return translate(s.db(ctx).Model(&app.APIToken{}).Where("id = ?", id).Update("last_used_at", at.UTC()).Error, "api_token")
}

// AppendAudit inserts an audit event.
func (s *Store) AppendAudit(ctx context.Context, e *app.AuditEvent) error {
	return translate(s.db(ctx).Create(e).Error, "audit_event")
}

// FindAuditEvents lists audit events, newest first.
func (s *Store) FindAuditEvents(ctx context.Context, f app.AuditFilter) ([]*app.AuditEvent, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.SubjectType != nil {
			db = db.Where("subject_type = ?", *f.SubjectType)
		}
		if f.SubjectID != nil {
			db = db.Where("subject_id = ?", *f.SubjectID)
		}
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.InCommunities != nil {
			db = db.Where("community_id IN ?", f.InCommunities)
		}
		return db
	}
	return findPage[app.AuditEvent](ctx, s.rdb, scope, "id DESC", f.Page, "audit_event")
}

// DeleteUserAPITokens revokes every API token of a user.
func (s *Store) DeleteUserAPITokens(ctx context.Context, userID int64) (int64, error) {
	res := s.db(ctx).Where("user_id = ?", userID).Delete(&app.APIToken{})
	return res.RowsAffected, translate(res.Error, "api_token")
}
