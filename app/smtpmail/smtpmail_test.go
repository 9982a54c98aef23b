package smtpmail_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/smtpmail"
)

// mailpit returns the test Mailpit's SMTP address and API URL, or skips (fails in CI).
func mailpit(t *testing.T) (string, string) {
	t.Helper()
	smtp, api := os.Getenv("WUSHE_TEST_MAILPIT_SMTP"), os.Getenv("WUSHE_TEST_MAILPIT_API")
	if smtp == "" || api == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("WUSHE_TEST_MAILPIT_SMTP and WUSHE_TEST_MAILPIT_API are not set")
		}
		t.Skip("WUSHE_TEST_MAILPIT_SMTP and WUSHE_TEST_MAILPIT_API are not set")
	}
	return smtp, api
}

type mailpitMessage struct {
	ID        string `json:"ID"`
	MessageID string `json:"MessageID"`
	Subject   string `json:"Subject"`
	To        []struct {
		Address string `json:"Address"`
	} `json:"To"`
}

// search asks Mailpit's API for the messages to an address.
func search(t *testing.T, api, to string) []mailpitMessage {
	t.Helper()
	res, err := http.Get(api + "/api/v1/search?query=" + url.QueryEscape("to:"+to))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Messages []mailpitMessage `json:"messages"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Messages
}

// message reads one message's text, HTML and headers.
func message(t *testing.T, api, id string) (text, html string, headers map[string][]string) {
	t.Helper()
	var m struct{ Text, HTML string }
	get := func(path string, v any) {
		res, err := http.Get(api + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	get("/api/v1/message/"+id, &m)
	get("/api/v1/message/"+id+"/headers", &headers)
	return m.Text, m.HTML, headers
}

// Notifications reach a real SMTP server: each queued e-mail arrives once, even with three
// workers sending at once, with its text and HTML parts, a stable Message-ID and an
// unsubscribe link.
func TestSendThroughMailpit(t *testing.T) {
	t.Parallel()
	smtp, api := mailpit(t)
	mailer, err := smtpmail.New("smtp://" + smtp + "?from=wushe@localhost&tls=none")
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	clock := apptest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, cst))
	s := apptest.OpenStore(t)
	a := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher(), Location: cst, Mailer: mailer, BaseURL: "https://wushe.example"})
	w := apptest.NewWorld(t, s, apptest.Hasher())
	var b [6]byte
	_, _ = rand.Read(b[:])
	addr := "gw-" + hex.EncodeToString(b[:]) + "@example.org"
	ctx := context.Background()
	if err := s.DB(ctx).Exec("UPDATE users SET email = ? WHERE id = ?", addr, w.Users["grid_worker"].ID).Error; err != nil {
		t.Fatal(err)
	}
	const needs = 5
	for i := range needs {
		if _, err := a.CreateNeed(w.As(t, a, "resident"), app.NeedInput{GridID: w.A.Grids[0].ID, Category: "elderly_care",
			Tier: app.TierMinor, Title: fmt.Sprintf("楼道灯坏了 %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := a.SendEmails(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var got []mailpitMessage
	for range 50 { // Mailpit stores a message a moment after accepting it
		if got = search(t, api, addr); len(got) >= needs {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) != needs {
		t.Fatalf("Mailpit has %d messages to %s, want %d", len(got), addr, needs)
	}
	ids := map[string]bool{}
	for _, m := range got {
		if ids[m.MessageID] {
			t.Errorf("message %s arrived twice", m.MessageID)
		}
		ids[m.MessageID] = true
	}
	text, html, headers := message(t, api, got[0].ID)
	if !strings.Contains(text, "https://wushe.example/needs/") || !strings.Contains(html, `href="https://wushe.example/needs/`) {
		t.Errorf("the e-mail does not link the need:\n%s\n%s", text, html)
	}
	unsub := headers["List-Unsubscribe"]
	if len(unsub) != 1 || !strings.Contains(unsub[0], "https://wushe.example/unsubscribe?token=") || !strings.Contains(text, "/unsubscribe?token=") {
		t.Errorf("List-Unsubscribe = %v; text:\n%s", unsub, text)
	}
	if n, _ := a.SendEmails(ctx); n != 0 {
		t.Errorf("a second run sent %d more", n)
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"http://x?from=a@b", "smtp://?from=a@b", "smtp://host", "smtp://host:x?from=a@b", "smtp://host?from=a@b&tls=maybe"} {
		if _, err := smtpmail.New(raw); err == nil {
			t.Errorf("New(%q) accepted", raw)
		}
	}
	if _, err := smtpmail.New("smtps://u:p@mail.example.org?from=noreply@example.org"); err != nil {
		t.Errorf("smtps URL: %v", err)
	}
}
