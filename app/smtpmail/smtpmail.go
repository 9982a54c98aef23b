// Package smtpmail sends the application's e-mail over SMTP (github.com/wneessen/go-mail).
//
// It is configured by one URL, WUSHE_SMTP_URL:
//
//	smtp://user:password@host:587?from=noreply@example.org&tls=starttls
//	smtps://user:password@host:465?from=…          (implicit TLS)
//	smtp://127.0.0.1:1025?from=wushe@localhost&tls=none   (a local relay or Mailpit)
//
// tls is starttls (required, the default for smtp://), opportunistic, or none. The
// Message-ID comes from the outbox key, so a resend after a crash carries the same id.
package smtpmail

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/wushe/wushe/app"
)

// Mailer sends e-mail through one SMTP server.
type Mailer struct {
	host string
	from string
	opts []mail.Option
}

var _ app.Mailer = (*Mailer)(nil)

// New parses an smtp:// or smtps:// URL.
func New(raw string) (*Mailer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("WUSHE_SMTP_URL: %w", err)
	}
	q := u.Query()
	m := &Mailer{host: u.Hostname(), from: q.Get("from")}
	if m.host == "" || m.from == "" {
		return nil, fmt.Errorf("WUSHE_SMTP_URL: want smtp://[user:password@]host[:port]?from=address")
	}
	// The send timeout stays well under the outbox lease (app.EmailLease), so a stuck server
	// cannot make two workers send one e-mail.
	opts := []mail.Option{mail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		if u.Port() == "" && q.Get("tls") == "none" {
			port = 25
		}
	case "smtps":
		port = 465
		opts = append(opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("WUSHE_SMTP_URL: scheme %q, want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("WUSHE_SMTP_URL: port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.Scheme == "smtp" {
		switch q.Get("tls") {
		case "", "starttls":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		case "opportunistic":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		case "none":
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		default:
			return nil, fmt.Errorf("WUSHE_SMTP_URL: tls=%q, want starttls, opportunistic or none", q.Get("tls"))
		}
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(u.User.Username()), mail.WithPassword(pw))
	}
	m.opts = opts
	return m, nil
}

// Send delivers one e-mail with a plain-text and an HTML part.
func (m *Mailer) Send(ctx context.Context, e *app.Email) error {
	msg := mail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return fmt.Errorf("from %q: %w", m.from, err)
	}
	if err := msg.To(e.To); err != nil {
		return fmt.Errorf("to %q: %w", e.To, err)
	}
	msg.Subject(e.Subject)
	msg.SetMessageIDWithValue(e.MessageID)
	if e.Unsubscribe != "" {
		msg.SetGenHeader(mail.Header("List-Unsubscribe"), "<"+e.Unsubscribe+">")
	}
	msg.SetBodyString(mail.TypeTextPlain, e.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, e.HTML)
	c, err := mail.NewClient(m.host, m.opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp send to %s: %w", m.host, err)
	}
	return nil
}
