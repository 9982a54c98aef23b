package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
)

// E-mail outbox statuses.
const (
	EmailPending = "pending"
	EmailSent    = "sent"
	EmailFailed  = "failed"
	EmailSkipped = "skipped" // nothing left to send: no address any more, read in the app, unsubscribed
)

// EmailMaxAttempts is how often an e-mail is tried before it is marked failed.
const EmailMaxAttempts = 8

// EmailLease is how long a worker holds a claimed e-mail; an SMTP exchange times out well
// before it, so another worker takes the row over only when the holder died.
const EmailLease = 2 * time.Minute

// EmailOutboxItem is one e-mail to send: a notification's, or a user's digest of a day.
type EmailOutboxItem struct {
	ID             int64      `gorm:"primaryKey"`
	Key            string     // n:<notification id> or digest:<user id>:<local date>
	UserID         int64      //
	NotificationID *int64     //
	DigestIDs      string     // a digest's notification ids, as a JSON array
	Status         string     //
	Attempts       int        //
	NextAttemptAt  time.Time  //
	LockedUntil    *time.Time //
	SentAt         *time.Time //
	LastError      string     //
	CreatedAt      time.Time  //
}

// TableName is the outbox table.
func (EmailOutboxItem) TableName() string { return "email_outbox" }

// EmailOutboxStore queues, claims and finishes e-mails.
type EmailOutboxStore interface {
	// EnqueueEmail adds e unless an e-mail with its key exists.
	EnqueueEmail(ctx context.Context, e *EmailOutboxItem) error
	// ClaimEmails leases up to limit pending e-mails due by now that no worker holds.
	ClaimEmails(ctx context.Context, now, lease time.Time, limit int) ([]*EmailOutboxItem, error)
	// FinishEmail sets a claimed e-mail's status (sent, failed, skipped).
	FinishEmail(ctx context.Context, id int64, status string, at time.Time, lastErr string) error
	// RetryEmail counts a failed attempt and sets the next one.
	RetryEmail(ctx context.Context, id int64, next time.Time, lastErr string) error
	// FindDigestUserIDs lists users with notifications waiting for a digest.
	FindDigestUserIDs(ctx context.Context) ([]int64, error)
	// TakeDigest moves a user's waiting notifications into one e-mail under key; it reports
	// false when there were none or the key was taken.
	TakeDigest(ctx context.Context, userID int64, key string, now time.Time) (bool, error)
}

// Email is a message ready for a mail transport.
type Email struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// MessageID is derived from the outbox key, so a resend after a crash carries the same id
	// and mail systems that deduplicate on it show it once.
	MessageID string
	// Unsubscribe is the link of the List-Unsubscribe header.
	Unsubscribe string
}

// Mailer delivers e-mail (SMTP in production: app/smtpmail).
type Mailer interface {
	Send(ctx context.Context, e *Email) error
}

// TextChannel delivers a short text to a user's mobile (SMS) or messaging account (WeChat).
// No provider is built in: LogChannel records what would be sent, and a deployment plugs a
// provider's adapter in here (docs/notifications.md, "Channels").
type TextChannel interface {
	Name() string
	SendText(ctx context.Context, to *User, text string) error
}

// LogChannel is a TextChannel that only logs; it stands in until a provider is configured.
type LogChannel struct {
	Channel string
	Log     *slog.Logger
}

// Name is the channel's name (sms, wechat).
func (c LogChannel) Name() string { return c.Channel }

// SendText logs the message with the user's id instead of sending it.
func (c LogChannel) SendText(_ context.Context, to *User, text string) error {
	c.Log.Info("text message (no provider configured)", "channel", c.Channel, "user", to.ID, "chars", len([]rune(text)))
	return nil
}

// Translator renders catalog messages in a language (the web layer's catalogs).
type Translator interface {
	Msg(lang string, m Message) string
}

// SendEmails claims due e-mails and sends them; each is sent at most once per claim and marked
// sent right after, failures wait with exponential backoff. It returns how many were sent.
func (a *App) SendEmails(ctx context.Context) (int, error) {
	if a.mailer == nil {
		return 0, nil
	}
	sent := 0
	for {
		now := a.Now()
		items, err := a.store.ClaimEmails(ctx, now, now.Add(EmailLease), 20)
		if err != nil || len(items) == 0 {
			return sent, err
		}
		for _, it := range items {
			if ctx.Err() != nil {
				return sent, ctx.Err()
			}
			ok, err := a.sendEmail(ctx, it)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
}

// sendEmail renders and sends one claimed e-mail and records the outcome.
func (a *App) sendEmail(ctx context.Context, it *EmailOutboxItem) (bool, error) {
	msg, skip, err := a.renderEmail(ctx, it)
	if err != nil {
		return false, fmt.Errorf("render e-mail %s: %w", it.Key, err)
	}
	if skip != "" {
		return false, a.store.FinishEmail(ctx, it.ID, EmailSkipped, a.Now(), skip)
	}
	if err := a.mailer.Send(ctx, msg); err != nil {
		a.log.Warn("send e-mail", "key", it.Key, "attempt", it.Attempts+1, "err", err)
		if it.Attempts+1 >= EmailMaxAttempts {
			return false, a.store.FinishEmail(ctx, it.ID, EmailFailed, a.Now(), err.Error())
		}
		return false, a.store.RetryEmail(ctx, it.ID, a.Now().Add(emailBackoff(it.Attempts)), err.Error())
	}
	// The mark does not take the request's context: once sent, it must be recorded.
	return true, a.store.FinishEmail(context.WithoutCancel(ctx), it.ID, EmailSent, a.Now(), "")
}

// emailBackoff is the wait after the attempts-th failure: a minute, doubling, at most six hours.
func emailBackoff(attempts int) time.Duration {
	d := time.Minute << min(attempts, 9)
	return min(d, 6*time.Hour)
}

// renderEmail builds an outbox row's e-mail in the recipient's language; a non-empty skip says
// why there is nothing to send.
func (a *App) renderEmail(ctx context.Context, it *EmailOutboxItem) (*Email, string, error) {
	u, err := a.store.FindUser(ctx, it.UserID)
	if err != nil {
		return nil, "", err
	}
	if u.Email == nil || *u.Email == "" || u.Disabled {
		return nil, "no address", nil
	}
	var ids []int64
	if it.NotificationID != nil {
		ids = []int64{*it.NotificationID}
	} else if err := json.Unmarshal([]byte(it.DigestIDs), &ids); err != nil {
		return nil, "", fmt.Errorf("digest ids: %w", err)
	}
	ns, err := a.store.FindNotificationsByID(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	if it.NotificationID != nil && (len(ns) == 0 || ns[0].ReadAt != nil) {
		return nil, "read in the app", nil
	}
	if len(ns) == 0 {
		return nil, "nothing in the digest", nil
	}
	lang := u.Locale
	if lang == "" {
		lang = "zh-CN"
	}
	kind := ns[0].Kind
	if it.NotificationID == nil {
		kind = "*"
	}
	tok, err := a.UnsubscribeToken(ctx, u.ID, kind)
	if err != nil {
		return nil, "", err
	}
	unsub := a.baseURL + "/unsubscribe?token=" + tok
	tr := a.texts
	if tr == nil {
		tr = idTranslator{}
	}
	view := emailView{Lang: lang, Unsubscribe: unsub, UnsubscribeText: tr.Msg(lang, Msg("notify.email.unsubscribe")),
		Footer: tr.Msg(lang, Msg("notify.email.footer"))}
	for _, n := range ns {
		view.Items = append(view.Items, emailItem{Title: tr.Msg(lang, n.Title()), Body: tr.Msg(lang, n.Body()), Link: a.baseURL + n.Link})
	}
	subject := view.Items[0].Title
	if it.NotificationID == nil {
		subject = tr.Msg(lang, Msg("notify.email.digest_subject", "count", len(ns)))
		view.Heading = subject
	}
	var text, html bytes.Buffer
	if err := emailText.Execute(&text, view); err != nil {
		return nil, "", err
	}
	if err := emailHTML.Execute(&html, view); err != nil {
		return nil, "", err
	}
	return &Email{To: *u.Email, Subject: subject, Text: text.String(), HTML: html.String(),
		MessageID: strings.ReplaceAll(it.Key, ":", ".") + "@wushe", Unsubscribe: unsub}, "", nil
}

type emailItem struct{ Title, Body, Link string }

type emailView struct {
	Lang, Heading                        string
	Items                                []emailItem
	Unsubscribe, UnsubscribeText, Footer string
}

var emailText = texttemplate.Must(texttemplate.New("text").Parse(`{{if .Heading}}{{.Heading}}

{{end}}{{range .Items}}{{.Title}}
{{.Body}}
{{.Link}}

{{end}}--
{{.Footer}}
{{.UnsubscribeText}}: {{.Unsubscribe}}
`))

var emailHTML = template.Must(template.New("html").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{if .Heading}}{{.Heading}}{{else}}{{(index .Items 0).Title}}{{end}}</title></head>
<body>
{{if .Heading}}<h1>{{.Heading}}</h1>{{end}}
{{range .Items}}<h2><a href="{{.Link}}">{{.Title}}</a></h2>
<p>{{.Body}}</p>
{{end}}<hr>
<p>{{.Footer}}</p>
<p><a href="{{.Unsubscribe}}">{{.UnsubscribeText}}</a></p>
</body></html>
`))

// idTranslator renders a message as its id, for deployments without catalogs (tests of the
// app package).
type idTranslator struct{}

func (idTranslator) Msg(_ string, m Message) string { return m.ID }

// unsubscribeKey is the key that signs unsubscribe links, made once and shared by every
// process through the database.
func (a *App) unsubscribeKey(ctx context.Context) ([]byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	v, err := a.store.AppSecret(ctx, "unsubscribe", hex.EncodeToString(b[:]))
	if err != nil {
		return nil, fmt.Errorf("unsubscribe key: %w", err)
	}
	return hex.DecodeString(v)
}

// UnsubscribeToken signs "stop e-mailing user about kind" ("*": every kind) for a link that
// works without signing in.
func (a *App) UnsubscribeToken(ctx context.Context, userID int64, kind string) (string, error) {
	key, err := a.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	payload := fmt.Sprintf("%d.%s", userID, kind)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(payload))
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(mac.Sum(nil)), nil
}

// Unsubscription is what an unsubscribe link turned off.
type Unsubscription struct {
	UserID int64  `json:"-"`
	Kind   string `json:"kind"`
}

// checkUnsubscribeToken verifies a token and returns what it names.
func (a *App) checkUnsubscribeToken(ctx context.Context, token string) (*Unsubscription, error) {
	bad := Errorf(ENOTFOUND, "notify.error.bad_token")
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return nil, bad
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p)
	got, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return nil, bad
	}
	key, err := a.unsubscribeKey(ctx)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil, bad
	}
	uid, kind, ok := strings.Cut(string(payload), ".")
	id, err := strconv.ParseInt(uid, 10, 64)
	if !ok || err != nil {
		return nil, bad
	}
	return &Unsubscription{UserID: id, Kind: kind}, nil
}

// UnsubscribeInfo checks a token and says what it would turn off (the confirmation page).
func (a *App) UnsubscribeInfo(ctx context.Context, token string) (*Unsubscription, error) {
	return a.checkUnsubscribeToken(ctx, token)
}

// Unsubscribe turns e-mail off for the token's user and kind (every kind for "*"), without
// signing in: the token's signature is the authority.
func (a *App) Unsubscribe(ctx context.Context, token string) (*Unsubscription, error) {
	u, err := a.checkUnsubscribeToken(ctx, token)
	if err != nil {
		return nil, err
	}
	kinds := []string{u.Kind}
	if u.Kind == "*" {
		kinds = NotificationKinds()
	}
	prefs := make([]*NotificationPref, len(kinds))
	for i, k := range kinds {
		prefs[i] = &NotificationPref{UserID: u.UserID, Kind: k, Email: false, Digest: false}
	}
	if err := a.store.SaveNotificationPrefs(ctx, prefs); err != nil {
		return nil, fmt.Errorf("unsubscribe user %d: %w", u.UserID, err)
	}
	return u, nil
}
