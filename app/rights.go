package app

// Data rights under PIPL (个人信息保护法): consent to a versioned privacy notice (art. 13–14),
// access and copy of what Wushe holds about a person (art. 45), and erasure (art. 47) that
// keeps what the law and the money trail need, attributed to "已注销用户 #N".

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PrivacyNoticeVersion is the current privacy notice. Raising it asks every user to consent
// again (ConsentNeeded).
const PrivacyNoticeVersion = 1

// PrivacyConsent records that a user agreed to a version of the privacy notice.
type PrivacyConsent struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	UserID      int64     `json:"user_id"`
	Version     int       `json:"version"`
	ConsentedAt time.Time `json:"consented_at"`
}

// AccountErasure marks a user whose personal data was erased.
type AccountErasure struct {
	UserID   int64     `json:"user_id" gorm:"primaryKey;autoIncrement:false"`
	ErasedAt time.Time `json:"erased_at"`
}

// MyData is everything Wushe holds about a person: section name → rows (column → value).
type MyData struct {
	GeneratedAt time.Time                   `json:"generated_at"`
	UserID      int64                       `json:"user_id"`
	Sections    map[string][]map[string]any `json:"sections"`
}

// RightsStore reads a person's data and erases it.
type RightsStore interface {
	RecordConsent(ctx context.Context, c *PrivacyConsent) error
	LatestConsent(ctx context.Context, userID int64) (int, error)
	// PersonalData reads every row that is about the user, by section.
	PersonalData(ctx context.Context, userID int64) (map[string][]map[string]any, error)
	// ErasePersonalData replaces the user's personal fields with the pseudonym everywhere,
	// removes sessions, tokens and memberships, and records the erasure.
	ErasePersonalData(ctx context.Context, userID int64, pseudonym string, at time.Time) error
}

// ErasedName is how an erased account is shown wherever its records remain.
func ErasedName(userID int64) string { return fmt.Sprintf("已注销用户 #%d", userID) }

// ConsentNeeded reports whether the signed-in user has not yet agreed to the current notice.
func (a *App) ConsentNeeded(ctx context.Context) (bool, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return false, nil
	}
	v, err := a.store.LatestConsent(ctx, p.User.ID)
	return v < PrivacyNoticeVersion, err
}

// Consent records the signed-in user's agreement to the current privacy notice.
func (a *App) Consent(ctx context.Context) error {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActDataRights, Target{}); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(ctx context.Context) error {
		v, err := a.store.LatestConsent(ctx, p.User.ID)
		if err != nil || v >= PrivacyNoticeVersion {
			return err
		}
		if err := a.store.RecordConsent(ctx, &PrivacyConsent{UserID: p.User.ID, Version: PrivacyNoticeVersion, ConsentedAt: a.Now()}); err != nil {
			return err
		}
		return a.audit(ctx, "privacy.consented", "user", p.User.ID, 0, map[string]any{"version": PrivacyNoticeVersion})
	})
}

// MyPersonalData returns everything Wushe holds about the signed-in user.
func (a *App) MyPersonalData(ctx context.Context) (*MyData, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActDataRights, Target{}); err != nil {
		return nil, err
	}
	secs, err := a.store.PersonalData(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, "privacy.exported", "user", p.User.ID, 0, nil); err != nil {
		return nil, err
	}
	return &MyData{GeneratedAt: a.Now(), UserID: p.User.ID, Sections: secs}, nil
}

// EraseInput confirms an erasure with the account's password and the word the page asks for.
type EraseInput struct {
	Password string `json:"password" form:"password" validate:"required"`
	Confirm  string `json:"confirm" form:"confirm" validate:"required"`
}

// EraseConfirmWords are accepted as the confirmation ("注销" or "DELETE").
var EraseConfirmWords = []string{"注销", "DELETE"}

// EraseMyAccount erases the signed-in user's personal data. Gifts in the public ledger,
// votes, signed approvals, hours and points stay, attributed to ErasedName; totals do not
// change. The account can no longer sign in.
func (a *App) EraseMyAccount(ctx context.Context, in EraseInput) error {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActDataRights, Target{}); err != nil {
		return err
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	ok := false
	for _, w := range EraseConfirmWords {
		ok = ok || strings.TrimSpace(in.Confirm) == w
	}
	if !ok {
		fe.Add("confirm", "rights.error.confirm")
	}
	if in.Password != "" {
		if ok, err := a.hasher.Verify(p.User.PasswordHash, in.Password); err != nil || !ok {
			fe.Add("password", "rights.error.password")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.audit(ctx, "account.erased", "user", p.User.ID, 0, nil); err != nil {
			return err
		}
		return a.store.ErasePersonalData(ctx, p.User.ID, ErasedName(p.User.ID), a.Now())
	})
}
