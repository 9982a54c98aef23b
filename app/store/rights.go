package store

import (
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/app"
)

// RecordConsent stores a consent to a privacy notice version.
func (s *Store) RecordConsent(ctx context.Context, c *app.PrivacyConsent) error {
	return translate(s.db(ctx).Create(c).Error, "privacy_consent")
}

// LatestConsent returns the highest notice version the user agreed to (0: none).
func (s *Store) LatestConsent(ctx context.Context, userID int64) (int, error) {
	var v int
	err := s.db(ctx).Model(&app.PrivacyConsent{}).Select("COALESCE(MAX(version), 0)").Where("user_id = ?", userID).Scan(&v).Error
	return v, translate(err, "privacy_consent")
}

// personalSections lists where a person's rows are: section, table, and the condition
// (with ? for the user id, or for the ids of their volunteer / donor profiles).
var personalSections = []struct{ name, table, where string }{
	{"account", "users", "id = @u"},
	{"privacy_consents", "privacy_consents", "user_id = @u"},
	{"memberships", "memberships", "user_id = @u"},
	{"api_tokens", "api_tokens", "user_id = @u"},
	{"volunteer_profiles", "volunteers", "user_id = @u"},
	{"volunteer_skills", "volunteer_skills", "volunteer_id IN (SELECT id FROM volunteers WHERE user_id = @u)"},
	{"donor_profiles", "donors", "user_id = @u"},
	{"social_worker_profiles", "social_workers", "user_id = @u"},
	{"needs", "needs", "requester_id = @u OR filed_by_id = @u"},
	{"projects", "projects", "proposer_id = @u"},
	{"project_supports", "project_supports", "user_id = @u"},
	{"project_comments", "project_comments", "author_id = @u"},
	{"project_votes", "project_votes", "user_id = @u"},
	{"ratings", "evaluations", "author_id = @u"},
	{"signups", "signups", "volunteer_id IN (SELECT id FROM volunteers WHERE user_id = @u)"},
	{"hours", "hours_entries", "volunteer_id IN (SELECT id FROM volunteers WHERE user_id = @u)"},
	{"gifts", "contributions", "user_id = @u OR donor_id IN (SELECT id FROM donors WHERE user_id = @u)"},
	{"pledges", "pledges", "user_id = @u"},
	{"disbursement_votes", "disbursement_votes", "approver_id = @u"},
	{"points", "points_transactions", "volunteer_id IN (SELECT id FROM volunteers WHERE user_id = @u)"},
	{"redemptions", "redemptions", "volunteer_id IN (SELECT id FROM volunteers WHERE user_id = @u)"},
	{"notifications", "notifications", "user_id = @u"},
	{"audit_events", "audit_events", "actor_id = @u OR (subject_type = 'user' AND subject_id = @u)"},
}

// secretColumns are never exported, even to their owner: they would let a copy sign in.
var secretColumns = []string{"password_hash", "token_hash"}

// PersonalData reads every row about the user, section by section.
func (s *Store) PersonalData(ctx context.Context, userID int64) (map[string][]map[string]any, error) {
	out := map[string][]map[string]any{}
	for _, sec := range personalSections {
		rows := []map[string]any{}
		err := s.db(ctx).Table(sec.table).Where(sec.where, map[string]any{"u": userID}).Order("1").Find(&rows).Error
		if err != nil {
			return nil, translate(fmt.Errorf("read %s: %w", sec.table, err), sec.name)
		}
		for _, r := range rows {
			for _, c := range secretColumns {
				delete(r, c)
			}
			for k, v := range r {
				if b, ok := v.([]byte); ok {
					r[k] = string(b)
				}
			}
		}
		out[sec.name] = rows
	}
	return out, nil
}

// ErasePersonalData pseudonymises the user's personal fields everywhere they appear and
// removes what only served the account (sessions are dropped by the caller's sign-out;
// tokens and memberships here). Rows needed for the ledger, votes and approvals stay.
func (s *Store) ErasePersonalData(ctx context.Context, userID int64, pseudonym string, at time.Time) error {
	db := s.db(ctx)
	u := map[string]any{"u": userID, "name": pseudonym, "email": fmt.Sprintf("erased-%d@erased.invalid", userID)}
	stmts := []string{
		"UPDATE users SET name = @name, email = @email, mobile = NULL, password_hash = '', disabled = TRUE WHERE id = @u",
		"UPDATE volunteers SET name = @name, mobile = '', bio = '', lat = NULL, lng = NULL, availability = '', birth_date = NULL, active = FALSE WHERE user_id = @u",
		"UPDATE donors SET name = @name, mobile = '' WHERE user_id = @u",
		"UPDATE social_workers SET name = @name, mobile = '', certificate_number = '' WHERE user_id = @u",
		"UPDATE needs SET on_behalf_name = '', on_behalf_phone = '', address = '' WHERE requester_id = @u",
		"UPDATE contributions SET donor_name = @name WHERE user_id = @u OR donor_id IN (SELECT id FROM donors WHERE user_id = @u)",
		"UPDATE pledges SET note = '', reference = '' WHERE user_id = @u",
		"DELETE FROM api_tokens WHERE user_id = @u",
		"DELETE FROM memberships WHERE user_id = @u",
	}
	for _, q := range stmts {
		if err := db.Exec(q, u).Error; err != nil {
			return translate(fmt.Errorf("erase: %s: %w", q[:30], err), "user")
		}
	}
	return translate(db.Create(&app.AccountErasure{UserID: userID, ErasedAt: at}).Error, "user")
}
