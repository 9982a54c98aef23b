package app

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// The in-app inbox and preferences: every signed-in user reads and manages only their own.

// NotificationFilter selects the signed-in user's notifications.
type NotificationFilter struct {
	Unread bool
	Page
}

// NotificationList is a page of the inbox with the number unread.
type NotificationList struct {
	Items  []*Notification
	Total  int
	Unread int
}

// MarkReadInput names the notifications to mark read; no ids means all of them.
type MarkReadInput struct {
	IDs []int64 `json:"ids" form:"ids" validate:"max=500"`
}

// MyNotifications lists the signed-in user's notifications, newest first.
func (a *App) MyNotifications(ctx context.Context, f NotificationFilter) (*NotificationList, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActNotificationsOwn, Target{OwnerID: p.UserID()}); err != nil {
		return nil, err
	}
	items, total, unread, err := a.store.FindNotifications(ctx, p.User.ID, f.Unread, f.Page.Normalize())
	if err != nil {
		return nil, fmt.Errorf("notifications of user %d: %w", p.User.ID, err)
	}
	return &NotificationList{Items: items, Total: total, Unread: unread}, nil
}

// UnreadNotifications counts the signed-in user's unread notifications (0 for anonymous
// visitors), for the header.
func (a *App) UnreadNotifications(ctx context.Context) (int, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return 0, nil
	}
	return a.store.CountUnread(ctx, p.User.ID)
}

// MarkNotificationsRead marks the signed-in user's notifications read: those named, or all.
// Ids of other users' notifications are ignored. It returns how many changed.
func (a *App) MarkNotificationsRead(ctx context.Context, in MarkReadInput) (int, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActNotificationsOwn, Target{OwnerID: p.UserID()}); err != nil {
		return 0, err
	}
	if err := a.validate.Struct(in); err != nil {
		return 0, err
	}
	if slices.ContainsFunc(in.IDs, func(id int64) bool { return id <= 0 }) {
		return 0, FieldErrors{"ids": Msg("error.invalid")}.Err()
	}
	return a.store.MarkNotificationsRead(ctx, p.User.ID, in.IDs, a.Now())
}

// NotificationPrefLine is one kind on the preferences page.
type NotificationPrefLine struct {
	Kind   string `json:"kind"`
	Email  bool   `json:"email"`
	Digest bool   `json:"digest"`
}

// NotificationPrefs is a user's preferences: one line per kind and the quiet hours
// ("22:00"; empty when none).
type NotificationPrefs struct {
	Kinds      []NotificationPrefLine `json:"kinds"`
	QuietStart string                 `json:"quiet_start"`
	QuietEnd   string                 `json:"quiet_end"`
	HasEmail   bool                   `json:"has_email"`
}

// NotificationPrefsInput replaces the signed-in user's preferences. Kinds not listed keep
// theirs; QuietStart and QuietEnd are both "HH:MM" or both empty (no quiet hours).
type NotificationPrefsInput struct {
	Kinds      []NotificationPrefLine `json:"kinds" validate:"max=100"`
	QuietStart string                 `json:"quiet_start" form:"quiet_start"`
	QuietEnd   string                 `json:"quiet_end" form:"quiet_end"`
}

// MyNotificationPrefs returns the signed-in user's preferences with every kind listed.
func (a *App) MyNotificationPrefs(ctx context.Context) (*NotificationPrefs, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActNotificationsOwn, Target{OwnerID: p.UserID()}); err != nil {
		return nil, err
	}
	rows, err := a.store.FindNotificationPrefs(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	set, err := a.store.FindNotificationSettings(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	byKind := map[string]*NotificationPref{}
	for _, r := range rows {
		byKind[r.Kind] = r
	}
	out := &NotificationPrefs{HasEmail: p.User.Email != nil && *p.User.Email != ""}
	for _, k := range NotificationKinds() {
		line := NotificationPrefLine{Kind: k, Email: true}
		if r := byKind[k]; r != nil {
			line.Email, line.Digest = r.Email, r.Digest
		}
		out.Kinds = append(out.Kinds, line)
	}
	if set.QuietStart != nil && set.QuietEnd != nil {
		out.QuietStart, out.QuietEnd = clockText(*set.QuietStart), clockText(*set.QuietEnd)
	}
	return out, nil
}

// SaveMyNotificationPrefs stores the signed-in user's preferences.
func (a *App) SaveMyNotificationPrefs(ctx context.Context, in NotificationPrefsInput) (*NotificationPrefs, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActNotificationsOwn, Target{OwnerID: p.UserID()}); err != nil {
		return nil, err
	}
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	known := NotificationKinds()
	prefs := make([]*NotificationPref, 0, len(in.Kinds))
	for _, k := range in.Kinds {
		if !slices.Contains(known, k.Kind) {
			fe.Add("kinds", "notify.error.unknown_kind", "value", k.Kind)
			continue
		}
		prefs = append(prefs, &NotificationPref{UserID: p.User.ID, Kind: k.Kind, Email: k.Email, Digest: k.Digest && k.Email})
	}
	start, okStart := parseQuietClock(in.QuietStart)
	end, okEnd := parseQuietClock(in.QuietEnd)
	if !okStart {
		fe.Add("quiet_start", "notify.error.clock")
	}
	if !okEnd {
		fe.Add("quiet_end", "notify.error.clock")
	}
	if okStart && okEnd && (start == nil) != (end == nil) {
		fe.Add("quiet_end", "notify.error.quiet_pair")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveNotificationPrefs(ctx, prefs); err != nil {
			return err
		}
		return a.store.SaveNotificationSettings(ctx, &NotificationSettings{UserID: p.User.ID, QuietStart: start, QuietEnd: end, UpdatedAt: a.Now()})
	})
	if err != nil {
		return nil, fmt.Errorf("save preferences of user %d: %w", p.User.ID, err)
	}
	return a.MyNotificationPrefs(ctx)
}

// parseQuietClock reads "HH:MM" into minutes after midnight; "" is none. ok is false when malformed.
func parseQuietClock(s string) (*int, bool) {
	if s == "" {
		return nil, true
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return nil, false
	}
	m := t.Hour()*60 + t.Minute()
	return &m, true
}

func clockText(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
