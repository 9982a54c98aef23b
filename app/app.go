// Package app holds Wushe's domain: entities, errors, authorization, and the use cases that
// web handlers and commands call. It knows nothing of HTTP or SQL; stores and the web layer
// are plugged in through the interfaces declared here.
package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wushe/wushe/funds"
)

// PasswordHasher hashes and checks passwords (argon2id in production).
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches hash; an error means the hash is unreadable.
	Verify(hash, password string) (bool, error)
}

// Deps are what the application needs from the outside.
type Deps struct {
	Store  Store
	Clock  Clock
	Hasher PasswordHasher
	// Passwords judges new passwords; nil takes the Hasher's policy when it has one
	// (passwd.Hasher does), else only a minimum length.
	Passwords PasswordPolicy
	Location  *time.Location // local time for response promises ("end of the same day")
	Logger    *slog.Logger
	// Search is the full-text engine; nil answers searches from the database.
	Search SearchIndex
	// SearchTimeout bounds one engine search, past which the database answers; 0 means 2 s.
	SearchTimeout time.Duration
	// Payments is the card payment provider (Stripe); nil means offline gifts only.
	Payments funds.Payments
	// Mailer sends notification e-mail (SMTP); nil leaves e-mails queued.
	Mailer Mailer
	// Texts renders catalog messages for e-mail; nil renders message ids.
	Texts Translator
	// BaseURL is the public address links in e-mail start with.
	BaseURL string
	// GiftQueues is how many paid-gift batches one process runs side by side (group commit,
	// funds_batch.go); 0 means one.
	GiftQueues int
}

// App is the application's use cases. It is safe for concurrent use.
type App struct {
	store     Store
	clock     Clock
	hasher    PasswordHasher
	passwords PasswordPolicy
	loc       *time.Location
	log       *slog.Logger
	validate  *Validator
	search    SearchIndex
	// searchTimeout bounds one engine search (Deps.SearchTimeout).
	searchTimeout time.Duration
	// searchDown is when the engine last failed (unix ns): searches skip it for a while.
	searchDown atomic.Int64
	payments   funds.Payments
	// gifts queues paid gifts for group commit (funds_batch.go).
	gifts *giftQueues
	// notifications: e-mail transport, message catalogs, public address
	mailer  Mailer
	texts   Translator
	baseURL string

	dummyOnce sync.Once
	dummy     string
}

// New builds an App. Missing optional dependencies get defaults.
func New(d Deps) *App {
	if d.Clock == nil {
		d.Clock = SystemClock{}
	}
	if d.Location == nil {
		d.Location = time.FixedZone("CST", 8*3600)
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Passwords == nil {
		d.Passwords, _ = d.Hasher.(PasswordPolicy)
	}
	if d.Passwords == nil {
		d.Passwords = minLength{}
	}
	return &App{store: d.Store, clock: d.Clock, hasher: d.Hasher, passwords: d.Passwords, loc: d.Location, log: d.Logger, validate: NewValidator(), search: d.Search, payments: d.Payments,
		mailer: d.Mailer, texts: d.Texts, baseURL: strings.TrimRight(d.BaseURL, "/"), searchTimeout: cmp.Or(d.SearchTimeout, defaultSearchTimeout),
		gifts: newGiftQueues(d.GiftQueues)}
}

// Now is the application clock's reading, in UTC.
func (a *App) Now() time.Time { return a.clock.Now().UTC() }

// Location is the local time zone of the deployment.
func (a *App) Location() *time.Location { return a.loc }

// Validator exposes the input validator so other layers report the same field errors.
func (a *App) Validator() *Validator { return a.validate }

type metaKey struct{}

// RequestMeta is what the audit trail records about where a request came from.
type RequestMeta struct{ IP string }

// WithRequestMeta returns a context carrying request metadata.
func WithRequestMeta(ctx context.Context, m RequestMeta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// audit appends an audit event in the caller's transaction.
func (a *App) audit(ctx context.Context, action, subjectType string, subjectID int64, communityID int64, data map[string]any) error {
	p := PrincipalFrom(ctx)
	e := &AuditEvent{
		OccurredAt:  a.Now(),
		Action:      action,
		SubjectType: subjectType,
		SubjectID:   subjectID,
		Data:        "{}",
	}
	if p.Authenticated() {
		id := p.User.ID
		e.ActorID = &id
	}
	if communityID != 0 {
		e.CommunityID = &communityID
	}
	if m, ok := ctx.Value(metaKey{}).(RequestMeta); ok {
		e.IP = m.IP
	}
	if len(data) > 0 {
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
		e.Data = string(b)
	}
	if err := a.store.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	// The people the event concerns are told in the same transaction (app/notify.go).
	return a.notifyAudit(ctx, e)
}

// AuditEvents lists audit events for a subject or community the principal may see.
func (a *App) AuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, int, error) {
	p := PrincipalFrom(ctx)
	if f.CommunityID != nil {
		t, err := a.communityTarget(ctx, *f.CommunityID)
		if err != nil {
			return nil, 0, err
		}
		if err := Authorize(p, ActAuditView, t); err != nil {
			return nil, 0, err
		}
	} else {
		if !p.Authenticated() {
			return nil, 0, Unauthorized()
		}
		if err := a.auditScope(ctx, p, &f); err != nil {
			return nil, 0, err
		}
	}
	f.Page = f.Page.Normalize()
	return a.store.FindAuditEvents(ctx, f)
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
