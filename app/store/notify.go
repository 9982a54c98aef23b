package store

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/migrations"
)

// CreateNotification inserts n unless (cause, user, kind) exists; the conflict is not an
// error, so a job repeating itself inside a PostgreSQL transaction does not abort it.
func (s *Store) CreateNotification(ctx context.Context, n *app.Notification) (bool, error) {
	res := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "cause"}, {Name: "user_id"}, {Name: "kind"}}, DoNothing: true}).Create(n)
	if res.Error != nil {
		return false, translate(res.Error, "notification")
	}
	return res.RowsAffected == 1 && n.ID != 0, nil
}

// FindNotifications lists a user's notifications, newest first.
func (s *Store) FindNotifications(ctx context.Context, userID int64, unreadOnly bool, p app.Page) ([]*app.Notification, int, int, error) {
	var counts struct{ Total, Unread int64 }
	err := s.rdb(ctx).Model(&app.Notification{}).Where("user_id = ?", userID).
		Select("COUNT(*) AS total, COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) AS unread").Scan(&counts).Error
	if err != nil {
		return nil, 0, 0, translate(err, "notification")
	}
	q := s.rdb(ctx).Where("user_id = ?", userID)
	total := counts.Total
	if unreadOnly {
		q, total = q.Where("read_at IS NULL"), counts.Unread
	}
	var out []*app.Notification
	err = q.Order("id DESC").Offset((p.Page - 1) * p.PerPage).Limit(p.PerPage).Find(&out).Error
	return out, int(total), int(counts.Unread), translate(err, "notification")
}

// FindNotificationsByID loads notifications by id, in id order.
func (s *Store) FindNotificationsByID(ctx context.Context, ids []int64) ([]*app.Notification, error) {
	var out []*app.Notification
	if len(ids) == 0 {
		return out, nil
	}
	err := s.rdb(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error
	return out, translate(err, "notification")
}

// CountUnread counts a user's unread notifications (a partial index serves it).
func (s *Store) CountUnread(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := s.rdb(ctx).Model(&app.Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return int(n), translate(err, "notification")
}

// MarkNotificationsRead marks a user's unread notifications read: those in ids, or all.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64, at time.Time) (int, error) {
	q := s.db(ctx).Model(&app.Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	res := q.Update("read_at", at.UTC())
	return int(res.RowsAffected), translate(res.Error, "notification")
}

// FindNotifyTargets loads recipients with their preference for kind and quiet hours, in one query.
func (s *Store) FindNotifyTargets(ctx context.Context, userIDs []int64, kind string) ([]*app.NotifyTarget, error) {
	var out []*app.NotifyTarget
	err := s.db(ctx).Raw(`SELECT u.id AS user_id, u.email, u.locale, u.disabled, p.email AS pref_email, p.digest AS pref_digest,`+
		` st.quiet_start, st.quiet_end FROM users u`+
		` LEFT JOIN notification_prefs p ON p.user_id = u.id AND p.kind = ?`+
		` LEFT JOIN notification_settings st ON st.user_id = u.id`+
		` WHERE u.id IN ? ORDER BY u.id`, kind, userIDs).Scan(&out).Error
	return out, translate(err, "user")
}

// FindNotificationPrefs lists a user's preference rows.
func (s *Store) FindNotificationPrefs(ctx context.Context, userID int64) ([]*app.NotificationPref, error) {
	var out []*app.NotificationPref
	err := s.rdb(ctx).Where("user_id = ?", userID).Order("kind").Find(&out).Error
	return out, translate(err, "notification_pref")
}

// SaveNotificationPrefs upserts preference rows.
func (s *Store) SaveNotificationPrefs(ctx context.Context, prefs []*app.NotificationPref) error {
	if len(prefs) == 0 {
		return nil
	}
	err := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}, {Name: "kind"}},
		DoUpdates: clause.AssignmentColumns([]string{"email", "digest"})}).Create(prefs).Error
	return translate(err, "notification_pref")
}

// FindNotificationSettings returns a user's settings, or empty ones.
func (s *Store) FindNotificationSettings(ctx context.Context, userID int64) (*app.NotificationSettings, error) {
	var out []*app.NotificationSettings
	if err := s.rdb(ctx).Where("user_id = ?", userID).Limit(1).Find(&out).Error; err != nil {
		return nil, translate(err, "notification_settings")
	}
	if len(out) == 0 {
		return &app.NotificationSettings{UserID: userID}, nil
	}
	return out[0], nil
}

// SaveNotificationSettings upserts a user's settings.
func (s *Store) SaveNotificationSettings(ctx context.Context, st *app.NotificationSettings) error {
	err := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"quiet_start", "quiet_end", "updated_at"})}).Create(st).Error
	return translate(err, "notification_settings")
}

// FindMemberIDs lists enabled users with a membership of one of the roles in exactly the
// scope's place (or organizations).
func (s *Store) FindMemberIDs(ctx context.Context, sc app.MemberScope) ([]int64, error) {
	q := s.db(ctx).Table("memberships m").Joins("JOIN users u ON u.id = m.user_id").
		Where("u.disabled = ? AND m.role IN ?", false, sc.Roles)
	switch {
	case len(sc.OrganizationIDs) > 0:
		q = q.Where("m.organization_id IN ?", sc.OrganizationIDs)
	case sc.GridID != 0:
		q = q.Where("m.grid_id = ?", sc.GridID)
	case sc.CommunityID != 0:
		q = q.Where("m.community_id = ?", sc.CommunityID)
	case sc.StreetID != 0:
		q = q.Where("m.street_id = ?", sc.StreetID)
	default:
		return nil, nil
	}
	var ids []int64
	err := q.Distinct("m.user_id").Order("m.user_id").Pluck("m.user_id", &ids).Error
	return ids, translate(err, "membership")
}

// FindProjectSupporterIDs lists the users who support a project.
func (s *Store) FindProjectSupporterIDs(ctx context.Context, projectID int64) ([]int64, error) {
	var ids []int64
	err := s.db(ctx).Table("project_supports").Where("project_id = ?", projectID).Order("user_id").Pluck("user_id", &ids).Error
	return ids, translate(err, "project_support")
}

// AppSecret returns the named secret, writing value first when there is none; of two
// processes writing at once, the first insert wins and both read it.
func (s *Store) AppSecret(ctx context.Context, name, value string) (string, error) {
	var got []string
	if err := s.db(ctx).Table("app_secrets").Where("name = ?", name).Pluck("value", &got).Error; err != nil {
		return "", translate(err, "secret")
	}
	if len(got) == 1 {
		return got[0], nil
	}
	err := s.db(ctx).Exec(`INSERT INTO app_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		name, value, time.Now().UTC()).Error
	if err != nil {
		return "", translate(err, "secret")
	}
	err = s.db(ctx).Table("app_secrets").Where("name = ?", name).Pluck("value", &got).Error
	if err != nil || len(got) != 1 {
		return "", translate(cmp.Or(err, gorm.ErrRecordNotFound), "secret")
	}
	return got[0], nil
}

// EnqueueEmail adds an e-mail unless one with its key exists.
func (s *Store) EnqueueEmail(ctx context.Context, e *app.EmailOutboxItem) error {
	err := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(e).Error
	return translate(err, "email")
}

// ClaimEmails leases due pending e-mails nobody holds. PostgreSQL skips rows another
// transaction is claiming; SQLite has one writer, so the update is atomic anyway.
func (s *Store) ClaimEmails(ctx context.Context, now, lease time.Time, limit int) ([]*app.EmailOutboxItem, error) {
	var due []int64
	err := s.rdb(ctx).Model(&app.EmailOutboxItem{}).Where("status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)",
		app.EmailPending, now.UTC(), now.UTC()).Limit(1).Pluck("id", &due).Error
	if err != nil || len(due) == 0 {
		return nil, translate(err, "email")
	}
	skip := ""
	if s.dialect == migrations.Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	var out []*app.EmailOutboxItem
	err = s.db(ctx).Raw(`UPDATE email_outbox SET locked_until = ? WHERE id IN (SELECT id FROM email_outbox`+
		` WHERE status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?) ORDER BY id LIMIT ?`+skip+`)`+
		` RETURNING *`, lease.UTC(), app.EmailPending, now.UTC(), now.UTC(), limit).Scan(&out).Error
	if err != nil {
		return nil, translate(err, "email")
	}
	slices.SortFunc(out, func(a, b *app.EmailOutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// FinishEmail records a claimed e-mail's outcome.
func (s *Store) FinishEmail(ctx context.Context, id int64, status string, at time.Time, lastErr string) error {
	up := map[string]any{"status": status, "locked_until": nil, "last_error": lastErr}
	if status == app.EmailSent {
		up["sent_at"] = at.UTC()
	}
	if status != app.EmailSkipped {
		up["attempts"] = gorm.Expr("attempts + 1")
	}
	err := s.db(ctx).Model(&app.EmailOutboxItem{}).Where("id = ? AND status = ?", id, app.EmailPending).Updates(up).Error
	return translate(err, "email")
}

// RetryEmail counts a failed attempt and sets the next one.
func (s *Store) RetryEmail(ctx context.Context, id int64, next time.Time, lastErr string) error {
	err := s.db(ctx).Model(&app.EmailOutboxItem{}).Where("id = ? AND status = ?", id, app.EmailPending).
		Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "next_attempt_at": next.UTC(), "last_error": lastErr, "locked_until": nil}).Error
	return translate(err, "email")
}

// FindDigestUserIDs lists users with notifications waiting for a digest.
func (s *Store) FindDigestUserIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.rdb(ctx).Model(&app.Notification{}).Where("email_state = ?", app.EmailDigest).Distinct("user_id").Order("user_id").Pluck("user_id", &ids).Error
	return ids, translate(err, "notification")
}

// TakeDigest moves a user's waiting notifications into one e-mail under key, in one
// transaction: the outbox row and the notifications' new state commit together.
func (s *Store) TakeDigest(ctx context.Context, userID int64, key string, now time.Time) (bool, error) {
	taken := false
	err := s.InTx(ctx, func(ctx context.Context) error {
		var ids []int64
		if err := s.db(ctx).Model(&app.Notification{}).Where("user_id = ? AND email_state = ?", userID, app.EmailDigest).
			Order("id").Limit(200).Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		b, _ := json.Marshal(ids)
		e := &app.EmailOutboxItem{Key: key, UserID: userID, DigestIDs: string(b), Status: app.EmailPending, NextAttemptAt: now.UTC(), CreatedAt: now.UTC()}
		res := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(e)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		taken = true
		return s.db(ctx).Model(&app.Notification{}).Where("id IN ? AND email_state = ?", ids, app.EmailDigest).
			Update("email_state", app.EmailDigested).Error
	})
	return taken, translate(err, "email")
}

// FindNeedsDueBetween lists unresolved needs due in (from, to].
func (s *Store) FindNeedsDueBetween(ctx context.Context, from, to time.Time, afterID int64, limit int) ([]*app.Need, error) {
	var out []*app.Need
	err := s.rdb(ctx).Where("status IN ? AND due_at > ? AND due_at <= ? AND id > ?", []string{app.NeedOpen, app.NeedInProgress},
		from.UTC(), to.UTC(), afterID).Order("id").Limit(limit).Find(&out).Error
	return out, translate(err, "need")
}

// FindShiftReminders lists volunteers with an account signed up or invited to shifts of open
// tasks starting in [from, to).
func (s *Store) FindShiftReminders(ctx context.Context, from, to time.Time) ([]*app.ShiftReminder, error) {
	var out []*app.ShiftReminder
	err := s.rdb(ctx).Raw(`SELECT su.id AS signup_id, v.user_id, t.id AS task_id, t.title AS task_title, sh.starts_at`+
		` FROM signups su JOIN shifts sh ON sh.id = su.shift_id JOIN tasks t ON t.id = sh.task_id`+
		` JOIN volunteers v ON v.id = su.volunteer_id`+
		` WHERE su.status IN ? AND v.user_id IS NOT NULL AND t.status = ? AND sh.starts_at >= ? AND sh.starts_at < ?`+
		` ORDER BY su.id`, []string{app.SignupSignedUp, app.SignupInvited}, app.TaskOpen, from.UTC(), to.UTC()).Scan(&out).Error
	return out, translate(err, "signup")
}

// FindNeedDigestRows counts, per grid worker (the grid's own worker and grid_worker members)
// and community worker, the needs of their grids or communities that are overdue, due
// before dayEnd and created since, in one aggregate query.
func (s *Store) FindNeedDigestRows(ctx context.Context, now, dayEnd, since time.Time) ([]*app.NeedDigestRow, error) {
	var out []*app.NeedDigestRow
	open := []string{app.NeedOpen, app.NeedInProgress}
	err := s.rdb(ctx).Raw(`WITH links AS (`+
		` SELECT worker_id AS user_id, id AS grid_id FROM grids WHERE worker_id IS NOT NULL`+
		` UNION SELECT user_id, grid_id FROM memberships WHERE role = ? AND grid_id IS NOT NULL),`+
		` per AS (`+
		` SELECT l.user_id, n.id, n.status, n.due_at, n.created_at FROM links l JOIN needs n ON n.grid_id = l.grid_id`+
		` UNION SELECT m.user_id, n.id, n.status, n.due_at, n.created_at FROM memberships m JOIN needs n ON n.community_id = m.community_id`+
		` WHERE m.role = ?)`+
		` SELECT per.user_id,`+
		` SUM(CASE WHEN per.status IN ? AND per.due_at < ? THEN 1 ELSE 0 END) AS overdue,`+
		` SUM(CASE WHEN per.status IN ? AND per.due_at >= ? AND per.due_at < ? THEN 1 ELSE 0 END) AS due_today,`+
		` SUM(CASE WHEN per.created_at >= ? THEN 1 ELSE 0 END) AS new`+
		` FROM per JOIN users u ON u.id = per.user_id WHERE u.disabled = ? GROUP BY per.user_id ORDER BY per.user_id`,
		app.RoleGridWorker, app.RoleCommunityWorker, open, now.UTC(), open, now.UTC(), dayEnd.UTC(), since.UTC(), false).Scan(&out).Error
	return out, translate(err, "need")
}
