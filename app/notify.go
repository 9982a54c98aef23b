package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Notifications (issue 13, docs/notifications.md).
//
// A notification is written in the same transaction as its cause: every audit event passes
// through notifyAudit, which looks its action up in notifyRules, finds the recipients and
// writes one row per recipient and kind under the unique key (cause, user, kind). A second
// write of the same key is a no-op, so a job that runs in several processes or restarts
// mid-way tells nobody twice. Reminders and digests (notify_jobs.go) use the same path with
// causes of their own. The row also decides the e-mail: queued in email_outbox (sent by a
// worker, notify_mail.go), held for the daily digest, or none.

// Notification kinds that are not named after the audit event that causes them.
const (
	KindNeedFiled             = "need.filed"
	KindNeedAssigned          = "need.assigned"
	KindNeedEscalated         = "need.escalated"
	KindNeedDueSoon           = "need.due_soon"
	KindNeedResolved          = "need.resolved"
	KindTaskInvited           = "task.invited"
	KindShiftTomorrow         = "shift.tomorrow"
	KindDisbursementVote      = "disbursement.vote_needed"
	KindContributionConfirmed = "contribution.confirmed"
	KindWorkerDigest          = "needs.daily_digest"
)

// Where a notification's e-mail is.
const (
	EmailNone     = "none"     // e-mail off for the kind, or the user has no address
	EmailQueued   = "queued"   // a row in email_outbox
	EmailDigest   = "digest"   // waiting for the user's daily digest
	EmailDigested = "digested" // in a digest e-mail
)

// Notification is one message to one user in the in-app inbox.
type Notification struct {
	ID          int64      `json:"id" gorm:"primaryKey"`
	UserID      int64      `json:"user_id"`
	Kind        string     `json:"kind"`
	Cause       string     `json:"cause"`
	Params      string     `json:"params"`
	Link        string     `json:"link"`
	CommunityID *int64     `json:"community_id"`
	EmailState  string     `json:"email_state"`
	CreatedAt   time.Time  `json:"created_at"`
	ReadAt      *time.Time `json:"read_at"`
}

// Title is the notification's title as a message of the catalogs (notify.<kind>.title).
func (n *Notification) Title() Message { return Msg("notify."+n.Kind+".title", n.args()...) }

// Body is the notification's text as a message of the catalogs (notify.<kind>.body).
func (n *Notification) Body() Message { return Msg("notify."+n.Kind+".body", n.args()...) }

func (n *Notification) args() []any {
	var m map[string]any
	_ = json.Unmarshal([]byte(n.Params), &m)
	kv := make([]any, 0, 2*len(m))
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}

// NotificationPref is a user's choice for one kind: e-mail on or off, each e-mail or a daily
// digest. The in-app inbox is always on.
type NotificationPref struct {
	UserID int64  `json:"-" gorm:"primaryKey"`
	Kind   string `json:"kind" gorm:"primaryKey"`
	Email  bool   `json:"email"`
	Digest bool   `json:"digest"`
}

// NotificationSettings are a user's quiet hours: minutes after local midnight; no e-mail goes
// out from start to end (which may wrap past midnight).
type NotificationSettings struct {
	UserID     int64     `json:"-" gorm:"primaryKey"`
	QuietStart *int      `json:"quiet_start"`
	QuietEnd   *int      `json:"quiet_end"`
	UpdatedAt  time.Time `json:"-"`
}

// NotifyTarget is what writing a notification needs to know of a recipient, in one query.
type NotifyTarget struct {
	UserID     int64
	Email      *string
	Locale     string
	Disabled   bool
	PrefEmail  *bool // nil: no preference row (e-mail on)
	PrefDigest *bool
	QuietStart *int
	QuietEnd   *int
}

// MemberScope selects members holding one of Roles in exactly one place (a grid, a
// community, a street) or in one of some organizations. Global memberships (admins) are not
// members of a place and never match.
type MemberScope struct {
	Roles           []Role
	GridID          int64
	CommunityID     int64
	StreetID        int64
	OrganizationIDs []int64
}

// NotificationStore keeps notifications, preferences and the e-mail outbox.
type NotificationStore interface {
	// CreateNotification inserts n unless a notification with its cause, user and kind
	// exists; it reports whether it inserted (and then sets n.ID).
	CreateNotification(ctx context.Context, n *Notification) (bool, error)
	// FindNotifications lists a user's notifications, newest first, with the total and the
	// number unread.
	FindNotifications(ctx context.Context, userID int64, unreadOnly bool, p Page) ([]*Notification, int, int, error)
	// FindNotificationsByID loads notifications by id.
	FindNotificationsByID(ctx context.Context, ids []int64) ([]*Notification, error)
	// CountUnread counts a user's unread notifications.
	CountUnread(ctx context.Context, userID int64) (int, error)
	// MarkNotificationsRead marks the user's notifications read (all of them when ids is
	// empty) and returns how many changed.
	MarkNotificationsRead(ctx context.Context, userID int64, ids []int64, at time.Time) (int, error)
	// FindNotifyTargets loads recipients with their preference for kind and quiet hours.
	FindNotifyTargets(ctx context.Context, userIDs []int64, kind string) ([]*NotifyTarget, error)
	// FindNotificationPrefs lists a user's preference rows.
	FindNotificationPrefs(ctx context.Context, userID int64) ([]*NotificationPref, error)
	// SaveNotificationPrefs upserts the user's preference rows.
	SaveNotificationPrefs(ctx context.Context, prefs []*NotificationPref) error
	// FindNotificationSettings returns a user's settings (zero values when none).
	FindNotificationSettings(ctx context.Context, userID int64) (*NotificationSettings, error)
	// SaveNotificationSettings upserts a user's settings.
	SaveNotificationSettings(ctx context.Context, s *NotificationSettings) error
	// FindMemberIDs lists the users holding a membership of the scope, not disabled.
	FindMemberIDs(ctx context.Context, s MemberScope) ([]int64, error)
	// FindProjectSupporterIDs lists the users who support a project.
	FindProjectSupporterIDs(ctx context.Context, projectID int64) ([]int64, error)
	// AppSecret returns the named secret, storing value first if there is none yet, so
	// every process ends up with the first value written.
	AppSecret(ctx context.Context, name, value string) (string, error)
	EmailOutboxStore
	ReminderStore
}

// notice is what a rule found for an event: who hears of it, where the link goes and the
// values its messages show.
type notice struct {
	to     []int64
	link   string
	params map[string]any
}

// recipients finds a notice for an audit event whose data is decoded in d.
type recipients func(ctx context.Context, a *App, e *AuditEvent, d map[string]any) (notice, error)

// notifyRule says which kind of notification an audit event makes and for whom.
type notifyRule struct {
	kind string
	to   recipients
}

// notifyRules is the event list, keyed by audit action: adding an event is one line. Rules
// for events another branch adds (six-steps-b: project.linked, project.update_posted,
// project.completed, project.rated, project.evaluated, need.rated, need.reopened) are here
// already and fire once those events are written.
var notifyRules = map[string]notifyRule{
	"need.created":              {KindNeedFiled, needGridWorkers},
	"need.assigned":             {KindNeedAssigned, needAssignee},
	"need.escalated":            {KindNeedEscalated, needNextLevel},
	"need.resolve":              {KindNeedResolved, needRequester},
	"need.reopened":             {"need.reopened", needAssigneeOrGrid},
	"need.rated":                {"need.rated", needAssigneeOrGrid},
	"task.invited":              {KindTaskInvited, taskInvitees},
	"hours.approved":            {"hours.approved", hoursVolunteer},
	"hours.rejected":            {"hours.rejected", hoursVolunteer},
	"disbursement.requested":    {KindDisbursementVote, disbursementDeciders},
	"disbursement.approved":     {"disbursement.approved", disbursementRequester},
	"disbursement.rejected":     {"disbursement.rejected", disbursementRequester},
	"disbursement.paid":         {"disbursement.paid", disbursementRequester},
	"contribution.confirmed":    {KindContributionConfirmed, contributionDonor},
	"pledge.received":           {"pledge.received", pledgeDonor},
	"pledge.rejected":           {"pledge.rejected", pledgeDonor},
	"campaign.unlocked":         {"campaign.unlocked", campaignPeople},
	"campaign.succeeded":        {"campaign.succeeded", campaignPeople},
	"tender.awarded":            {"tender.awarded", tenderWinners},
	"project.threshold_reached": {"project.threshold_reached", projectProposer},
	"project.vote_opened":       {"project.vote_opened", projectFollowers},
	"project.decided":           {"project.decided", projectFollowers},
	"project.lapsed":            {"project.lapsed", projectFollowers},
	"project.linked":            {"project.linked", projectFollowers},
	"project.update_posted":     {"project.update_posted", projectFollowers},
	"project.completed":         {"project.completed", projectFollowers},
	"project.rated":             {"project.rated", projectProposer},
	"project.evaluated":         {"project.evaluated", projectFollowers},
	// Issue 14's 爱心超市: points a worker awarded, goods handed over, a reservation a worker
	// cancelled (a volunteer who cancels themselves is not told: they did it).
	"points.awarded":                {"points.awarded", pointsVolunteer},
	"points.redemption_handed_over": {"points.handed_over", redemptionVolunteer},
	"points.redemption_cancelled":   {"points.redemption_cancelled", redemptionVolunteer},
}

// NotificationKinds lists every kind a user may set preferences for, sorted.
func NotificationKinds() []string {
	seen := map[string]bool{KindNeedDueSoon: true, KindShiftTomorrow: true, KindWorkerDigest: true}
	for _, r := range notifyRules {
		seen[r.kind] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// notifyAudit writes the notifications an audit event causes, in the event's transaction.
func (a *App) notifyAudit(ctx context.Context, e *AuditEvent) error {
	r, ok := notifyRules[e.Action]
	if !ok {
		return nil
	}
	var d map[string]any
	_ = json.Unmarshal([]byte(e.Data), &d)
	nt, err := r.to(ctx, a, e, d)
	if err != nil {
		return fmt.Errorf("notify %s: %w", e.Action, err)
	}
	if e.ActorID != nil { // nobody is told of what they did themselves
		nt.to = slices.DeleteFunc(nt.to, func(id int64) bool { return id == *e.ActorID })
	}
	return a.notify(ctx, r.kind, fmt.Sprintf("audit:%d", e.ID), e.CommunityID, nt)
}

// notify writes a notification of kind for each recipient under cause and queues or holds
// its e-mail as the recipient prefers.
func (a *App) notify(ctx context.Context, kind, cause string, communityID *int64, nt notice) error {
	slices.Sort(nt.to)
	nt.to = slices.Compact(slices.DeleteFunc(nt.to, func(id int64) bool { return id == 0 }))
	if len(nt.to) == 0 {
		return nil
	}
	params := "{}"
	if len(nt.params) > 0 {
		b, err := json.Marshal(nt.params)
		if err != nil {
			return fmt.Errorf("notify %s: %w", kind, err)
		}
		params = string(b)
	}
	targets, err := a.store.FindNotifyTargets(ctx, nt.to, kind)
	if err != nil {
		return fmt.Errorf("notify %s: recipients: %w", kind, err)
	}
	now := a.Now()
	for _, t := range targets {
		if t.Disabled {
			continue
		}
		n := &Notification{UserID: t.UserID, Kind: kind, Cause: cause, Params: params, Link: nt.link,
			CommunityID: communityID, EmailState: EmailNone, CreatedAt: now}
		wantsEmail := t.Email != nil && *t.Email != "" && (t.PrefEmail == nil || *t.PrefEmail)
		if wantsEmail {
			n.EmailState = EmailQueued
			if t.PrefDigest != nil && *t.PrefDigest {
				n.EmailState = EmailDigest
			}
		}
		created, err := a.store.CreateNotification(ctx, n)
		if err != nil {
			return fmt.Errorf("notify %s user %d: %w", kind, t.UserID, err)
		}
		if !created || n.EmailState != EmailQueued {
			continue
		}
		at := a.afterQuietHours(now, t.QuietStart, t.QuietEnd)
		if err := a.store.EnqueueEmail(ctx, &EmailOutboxItem{Key: fmt.Sprintf("n:%d", n.ID), UserID: t.UserID,
			NotificationID: &n.ID, Status: EmailPending, NextAttemptAt: at, CreatedAt: now}); err != nil {
			return fmt.Errorf("notify %s user %d: queue e-mail: %w", kind, t.UserID, err)
		}
	}
	return nil
}

// afterQuietHours returns now, or the end of the recipient's quiet hours when now falls in them.
func (a *App) afterQuietHours(now time.Time, start, end *int) time.Time {
	if start == nil || end == nil || *start == *end {
		return now
	}
	local := now.In(a.loc)
	mins := local.Hour()*60 + local.Minute()
	quiet := false
	if *start < *end {
		quiet = mins >= *start && mins < *end
	} else { // wraps past midnight, e.g. 22:00–07:00
		quiet = mins >= *start || mins < *end
	}
	if !quiet {
		return now
	}
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, a.loc)
	endAt := midnight.Add(time.Duration(*end) * time.Minute)
	if !endAt.After(local) {
		endAt = endAt.AddDate(0, 0, 1)
	}
	return endAt.UTC()
}

// dataID reads an id from an audit event's data.
func dataID(d map[string]any, key string) int64 {
	switch v := d[key].(type) {
	case float64:
		return int64(v)
	case json.Number:
		n, _ := v.Int64()
		return n
	}
	return 0
}

// dataIDs reads a list of ids from an audit event's data.
func dataIDs(d map[string]any, key string) []int64 {
	list, _ := d[key].([]any)
	out := make([]int64, 0, len(list))
	for _, v := range list {
		if f, ok := v.(float64); ok {
			out = append(out, int64(f))
		}
	}
	return out
}
