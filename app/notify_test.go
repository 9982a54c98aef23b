package app_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
)

// recordingMailer keeps what it was asked to send; fail makes the next n sends fail.
type recordingMailer struct {
	mu   sync.Mutex
	sent []*app.Email
	fail int
}

func (m *recordingMailer) Send(_ context.Context, e *app.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail > 0 {
		m.fail--
		return errors.New("smtp: 451 try again later")
	}
	m.sent = append(m.sent, e)
	return nil
}

func (m *recordingMailer) count() int { m.mu.Lock(); defer m.mu.Unlock(); return len(m.sent) }

type notifyWorld struct {
	a     *app.App
	s     *store.Store
	w     *apptest.World
	clock *apptest.Clock
	mail  *recordingMailer
}

func newNotifyWorld(t *testing.T, start time.Time) *notifyWorld {
	t.Helper()
	clock := apptest.NewClock(start)
	s := apptest.OpenStore(t)
	mail := &recordingMailer{}
	a := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher(), Location: cst, Mailer: mail, BaseURL: "https://wushe.example"})
	return &notifyWorld{a: a, s: s, w: apptest.NewWorld(t, s, apptest.Hasher()), clock: clock, mail: mail}
}

// inbox returns the named user's notifications, newest first, and the unread count.
func (nw *notifyWorld) inbox(t *testing.T, user string) ([]*app.Notification, int) {
	t.Helper()
	l, err := nw.a.MyNotifications(nw.w.As(t, nw.a, user), app.NotificationFilter{Page: app.Page{PerPage: 100}})
	if err != nil {
		t.Fatalf("inbox of %s: %v", user, err)
	}
	return l.Items, l.Unread
}

func kinds(ns []*app.Notification) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Kind
	}
	return out
}

func (nw *notifyWorld) outbox(t *testing.T) []*app.EmailOutboxItem {
	t.Helper()
	var rows []*app.EmailOutboxItem
	if err := nw.s.DB(context.Background()).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func (nw *notifyWorld) fileNeed(t *testing.T, tier string) *app.Need {
	t.Helper()
	n, err := nw.a.CreateNeed(nw.w.As(t, nw.a, "resident"), app.NeedInput{GridID: nw.w.A.Grids[0].ID, Category: "elderly_care",
		Tier: tier, Title: "楼道灯坏了"})
	if err != nil {
		t.Fatalf("file need: %v", err)
	}
	return n
}

// A need's life tells the grid worker it was filed, the assignee it was assigned, and the
// resident it was resolved, each once, with the need's page as the link; the actor is never
// told of their own action.
func TestNeedLifeNotifiesPeople(t *testing.T) {
	t.Parallel()
	nw := newNotifyWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	n := nw.fileNeed(t, app.TierMajor)
	link := fmt.Sprintf("/needs/%d", n.ID)

	got, unread := nw.inbox(t, "grid_worker")
	if !slices.Equal(kinds(got), []string{app.KindNeedFiled}) || unread != 1 || got[0].Link != link {
		t.Fatalf("grid worker's inbox = %v (unread %d), want one need.filed linking %s", kinds(got), unread, link)
	}
	if got, _ := nw.inbox(t, "resident"); len(got) != 0 {
		t.Errorf("the resident was told of their own filing: %v", kinds(got))
	}
	if got, _ := nw.inbox(t, "worker_b"); len(got) != 0 {
		t.Errorf("a worker of another community was told: %v", kinds(got))
	}

	worker := nw.w.As(t, nw.a, "grid_worker")
	cw := nw.w.Users["community_worker"].ID
	if _, err := nw.a.AssignNeed(worker, n.ID, cw); err != nil {
		t.Fatal(err)
	}
	if got, _ := nw.inbox(t, "community_worker"); !slices.Equal(kinds(got), []string{app.KindNeedAssigned}) {
		t.Errorf("assignee's inbox = %v, want need.assigned", kinds(got))
	}
	if _, err := nw.a.TransitionNeed(worker, n.ID, app.NeedResolve, "换了灯泡"); err != nil {
		t.Fatal(err)
	}
	got, unread = nw.inbox(t, "resident")
	if !slices.Equal(kinds(got), []string{app.KindNeedResolved}) || unread != 1 || got[0].Link != link {
		t.Fatalf("resident's inbox = %v (unread %d), want need.resolved linking %s", kinds(got), unread, link)
	}
	if got[0].Title().ID != "notify.need.resolved.title" || got[0].Body().Args["title"] != "楼道灯坏了" {
		t.Errorf("message = %v / %v, want the kind's catalog entries with the need's title", got[0].Title(), got[0].Body())
	}
	// Every one of them has an e-mail address and no preferences: three e-mails queued.
	if rows := nw.outbox(t); len(rows) != 3 {
		t.Errorf("outbox has %d rows, want 3", len(rows))
	}
}

// An escalated need tells the community's workers (the next level); reminders warn the
// assignee two hours before the due time once, however often and however many processes run
// the job.
func TestEscalationAndDueSoonReminders(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, cst)
	nw := newNotifyWorld(t, start)
	n := nw.fileNeed(t, app.TierMajor) // due in 24 h
	if _, err := nw.a.AssignNeed(nw.w.As(t, nw.a, "grid_worker"), n.ID, nw.w.Users["grid_worker"].ID); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	nw.clock.Set(start.Add(21 * time.Hour)) // three hours left: nothing yet
	if _, err := nw.a.SendReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := nw.inbox(t, "grid_worker"); slices.Contains(kinds(got), app.KindNeedDueSoon) {
		t.Fatalf("warned three hours ahead: %v", kinds(got))
	}
	nw.clock.Set(start.Add(22*time.Hour + 30*time.Minute))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := nw.a.SendReminders(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _ := nw.inbox(t, "grid_worker")
	if c := countKind(got, app.KindNeedDueSoon); c != 1 {
		t.Errorf("need.due_soon %d times after four concurrent runs, want 1 (%v)", c, kinds(got))
	}

	nw.clock.Set(start.Add(25 * time.Hour))
	if _, err := nw.a.EscalateOverdue(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := nw.inbox(t, "community_worker"); countKind(got, app.KindNeedEscalated) != 1 {
		t.Errorf("community worker's inbox = %v, want need.escalated", kinds(got))
	}
	if got, _ := nw.inbox(t, "grid_worker"); countKind(got, app.KindNeedEscalated) != 1 {
		t.Errorf("the assignee was not warned of the escalation: %v", kinds(got))
	}
}

func countKind(ns []*app.Notification, kind string) int {
	c := 0
	for _, n := range ns {
		if n.Kind == kind {
			c++
		}
	}
	return c
}

// Marking read: named ids (other users' ids are ignored), or every one with no ids.
func TestMarkNotificationsRead(t *testing.T) {
	t.Parallel()
	nw := newNotifyWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	for range 3 {
		nw.fileNeed(t, app.TierMinor)
	}
	got, unread := nw.inbox(t, "grid_worker")
	if unread != 3 {
		t.Fatalf("unread = %d, want 3", unread)
	}
	ctx := nw.w.As(t, nw.a, "grid_worker")
	n, err := nw.a.MarkNotificationsRead(ctx, app.MarkReadInput{IDs: []int64{got[0].ID}})
	if err != nil || n != 1 {
		t.Fatalf("mark one read = %d, %v", n, err)
	}
	if n, err := nw.a.MarkNotificationsRead(nw.w.As(t, nw.a, "resident"), app.MarkReadInput{IDs: []int64{got[1].ID}}); err != nil || n != 0 {
		t.Errorf("another user marked the worker's notification read: %d, %v", n, err)
	}
	if c, _ := nw.a.UnreadNotifications(ctx); c != 2 {
		t.Errorf("unread = %d, want 2", c)
	}
	if n, err := nw.a.MarkNotificationsRead(ctx, app.MarkReadInput{}); err != nil || n != 2 {
		t.Errorf("mark all read = %d, %v; want 2", n, err)
	}
	if _, err := nw.a.MarkNotificationsRead(ctx, app.MarkReadInput{IDs: []int64{-1}}); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("negative id: %v, want EINVALID", err)
	}
	if _, err := nw.a.MyNotifications(context.Background(), app.NotificationFilter{}); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Errorf("anonymous inbox: %v, want EUNAUTHORIZED", err)
	}
}

// Preferences: e-mail off queues nothing; digest holds e-mails until the day's digest, which
// is made once per day and carries them all.
func TestPreferencesAndDigest(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 24, 6, 0, 0, 0, cst)
	nw := newNotifyWorld(t, start)
	gw := nw.w.As(t, nw.a, "grid_worker")
	_, err := nw.a.SaveMyNotificationPrefs(gw, app.NotificationPrefsInput{Kinds: []app.NotificationPrefLine{
		{Kind: app.KindNeedFiled, Email: true, Digest: true}}})
	if err != nil {
		t.Fatal(err)
	}
	rc := nw.w.As(t, nw.a, "resident")
	if _, err := nw.a.SaveMyNotificationPrefs(rc, app.NotificationPrefsInput{Kinds: []app.NotificationPrefLine{
		{Kind: app.KindNeedResolved, Email: false}}}); err != nil {
		t.Fatal(err)
	}
	_, err = nw.a.SaveMyNotificationPrefs(gw, app.NotificationPrefsInput{Kinds: []app.NotificationPrefLine{{Kind: "no.such"}}, QuietStart: "25:00"})
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Fields["kinds"].ID == "" || ae.Fields["quiet_start"].ID == "" {
		t.Errorf("bad preferences: %v, want field errors on kinds and quiet_start", err)
	}

	n1 := nw.fileNeed(t, app.TierMinor)
	nw.fileNeed(t, app.TierMinor)
	if rows := nw.outbox(t); len(rows) != 0 {
		t.Fatalf("digest preference still queued %d e-mails", len(rows))
	}
	if _, err := nw.a.TransitionNeed(gw, n1.ID, app.NeedResolve, ""); err != nil {
		t.Fatal(err)
	}
	if rows := nw.outbox(t); len(rows) != 0 {
		t.Fatalf("e-mail off for need.resolved still queued %d e-mails", len(rows))
	}
	ctx := context.Background()
	if n, err := nw.a.SendDigests(ctx); err != nil || n != 0 {
		t.Fatalf("digest before %d:00 = %d, %v", app.DigestHour, n, err)
	}
	nw.clock.Set(start.Add(3 * time.Hour)) // 09:00
	for range 3 {
		if _, err := nw.a.SendDigests(ctx); err != nil {
			t.Fatal(err)
		}
	}
	rows := nw.outbox(t)
	digests := 0
	for _, r := range rows {
		if r.NotificationID == nil && r.UserID == nw.w.Users["grid_worker"].ID && r.Key != "" && r.DigestIDs != "" {
			digests++
			if r.DigestIDs == "[]" {
				t.Errorf("empty digest %s", r.Key)
			}
		}
	}
	if digests != 1 {
		t.Errorf("grid worker's digests = %d after three runs, want 1 (%d rows)", digests, len(rows))
	}
	if got, _ := nw.inbox(t, "grid_worker"); countKind(got, app.KindWorkerDigest) != 1 {
		t.Errorf("worker digest notifications = %v, want one needs.daily_digest", kinds(got))
	}
	if _, err := nw.a.SendEmails(ctx); err != nil {
		t.Fatal(err)
	}
	var digestMail *app.Email
	for _, e := range nw.mail.sent {
		if e.Subject == "notify.email.digest_subject" {
			digestMail = e
		}
	}
	if digestMail == nil {
		t.Fatalf("no digest e-mail among %d sent", nw.mail.count())
	}
	if c := countSubstr(digestMail.Text, "notify.need.filed.title"); c != 2 {
		t.Errorf("digest lists %d filed needs, want 2:\n%s", c, digestMail.Text)
	}
}

func countSubstr(s, sub string) int {
	c := 0
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			c++
		}
	}
	return c
}

// Quiet hours hold an e-mail until they end; the in-app notification is there at once.
func TestQuietHours(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 24, 23, 0, 0, 0, cst)
	nw := newNotifyWorld(t, start)
	gw := nw.w.As(t, nw.a, "grid_worker")
	if _, err := nw.a.SaveMyNotificationPrefs(gw, app.NotificationPrefsInput{QuietStart: "22:00", QuietEnd: "07:30"}); err != nil {
		t.Fatal(err)
	}
	nw.fileNeed(t, app.TierMinor)
	rows := nw.outbox(t)
	if len(rows) != 1 {
		t.Fatalf("outbox has %d rows, want 1", len(rows))
	}
	want := time.Date(2026, 11, 25, 7, 30, 0, 0, cst)
	if !rows[0].NextAttemptAt.Equal(want) {
		t.Errorf("e-mail due at %v, want %v", rows[0].NextAttemptAt.In(cst), want)
	}
	if n, _ := nw.a.SendEmails(context.Background()); n != 0 {
		t.Errorf("sent %d e-mails in quiet hours", n)
	}
	nw.clock.Set(want)
	if n, _ := nw.a.SendEmails(context.Background()); n != 1 {
		t.Errorf("sent %d e-mails after quiet hours, want 1", n)
	}
	prefs, err := nw.a.MyNotificationPrefs(gw)
	if err != nil || prefs.QuietStart != "22:00" || prefs.QuietEnd != "07:30" {
		t.Errorf("prefs = %+v, %v", prefs, err)
	}
}

// A failed send waits with backoff and is tried again; two workers at once send each e-mail
// once; an e-mail already read in the app is skipped.
func TestEmailRetriesAndExactlyOnce(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, cst)
	nw := newNotifyWorld(t, start)
	nw.fileNeed(t, app.TierMinor)
	ctx := context.Background()
	nw.mail.fail = 2
	if n, err := nw.a.SendEmails(ctx); err != nil || n != 0 {
		t.Fatalf("first attempt = %d, %v", n, err)
	}
	rows := nw.outbox(t)
	if rows[0].Attempts != 1 || rows[0].LastError == "" || !rows[0].NextAttemptAt.After(nw.clock.Now()) {
		t.Fatalf("after a failure: %+v", rows[0])
	}
	if n, _ := nw.a.SendEmails(ctx); n != 0 {
		t.Errorf("retried before the backoff ended")
	}
	nw.clock.Advance(time.Minute)
	nw.a.SendEmails(ctx) // fails again: backoff doubles
	nw.clock.Advance(time.Minute)
	if n, _ := nw.a.SendEmails(ctx); n != 0 {
		t.Errorf("retried a minute after the second failure; backoff should be two")
	}
	nw.clock.Advance(time.Minute)
	if n, _ := nw.a.SendEmails(ctx); n != 1 {
		t.Errorf("third attempt sent %d", n)
	}
	if n, _ := nw.a.SendEmails(ctx); n != 0 {
		t.Errorf("a sent e-mail was sent again")
	}

	for range 10 {
		nw.fileNeed(t, app.TierMinor)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = nw.a.SendEmails(ctx) }()
	}
	wg.Wait()
	if c := nw.mail.count(); c != 11 {
		t.Errorf("sent %d e-mails in all, want 11 (each once)", c)
	}
	seen := map[string]bool{}
	for _, e := range nw.mail.sent {
		if seen[e.MessageID] {
			t.Errorf("message %s sent twice", e.MessageID)
		}
		seen[e.MessageID] = true
		if e.Unsubscribe == "" || e.To == "" {
			t.Errorf("e-mail without recipient or unsubscribe link: %+v", e)
		}
	}

	nw.fileNeed(t, app.TierMinor)
	if _, err := nw.a.MarkNotificationsRead(nw.w.As(t, nw.a, "grid_worker"), app.MarkReadInput{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := nw.a.SendEmails(ctx); n != 0 {
		t.Errorf("sent an e-mail already read in the app")
	}
}

// The unsubscribe link works without signing in, for its user and kind only; a changed
// token is refused.
func TestUnsubscribe(t *testing.T) {
	t.Parallel()
	nw := newNotifyWorld(t, time.Date(2026, 11, 24, 10, 0, 0, 0, cst))
	ctx := context.Background()
	uid := nw.w.Users["grid_worker"].ID
	tok, err := nw.a.UnsubscribeToken(ctx, uid, app.KindNeedFiled)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nw.a.Unsubscribe(ctx, tok+"x"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("tampered token: %v, want ENOTFOUND", err)
	}
	other, _ := nw.a.UnsubscribeToken(ctx, uid+1, app.KindNeedFiled)
	if _, err := nw.a.Unsubscribe(ctx, tok[:len(tok)/2]+other[len(other)/2:]); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("spliced token: %v, want ENOTFOUND", err)
	}
	u, err := nw.a.Unsubscribe(ctx, tok)
	if err != nil || u.Kind != app.KindNeedFiled {
		t.Fatalf("unsubscribe = %+v, %v", u, err)
	}
	nw.fileNeed(t, app.TierMinor)
	if rows := nw.outbox(t); len(rows) != 0 {
		t.Errorf("e-mail queued after unsubscribing: %d", len(rows))
	}
	if got, _ := nw.inbox(t, "grid_worker"); len(got) != 1 {
		t.Errorf("in-app notification must stay on: %v", kinds(got))
	}
}
