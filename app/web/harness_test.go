package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/app/web"
)

// harness is a real Wushe web server over a fresh database with the test world in it.
type harness struct {
	t      testing.TB
	srv    *httptest.Server
	web    *web.Server
	app    *app.App
	store  *store.Store
	world  *apptest.World
	clock  *apptest.Clock
	tokens map[string]string
	orgs   map[string]*app.Organization
	// fundFixes holds each side's fund fixture, made on first use (funds_authz_test.go).
	fundFixes map[string]*fundFix
}

// fixedNow is the harness clock's start: 09:00 on 24 November 2026 in 平湖.
var fixedNow = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newServer(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func newHarness(t *testing.T) *harness { return newHarnessB(t) }

// newHarnessB builds a harness for a test or a benchmark.
func newHarnessB(t testing.TB) *harness {
	t.Helper()
	clock := apptest.NewClock(fixedNow)
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ws, err := web.New(web.Config{Version: "test", LoginPerMinute: 1000, Logger: discard()}, web.Deps{App: a, Sessions: s.Sessions(), Ready: s.Ping, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	srv := newServer(t, ws)
	return &harness{t: t, srv: srv, web: ws, app: a, store: s, world: w, clock: clock, tokens: map[string]string{}, orgs: map[string]*app.Organization{}}
}

// token returns a bearer token for a world user ("" for anonymous).
func (h *harness) token(user string) string {
	h.t.Helper()
	if user == "" || user == "anonymous" {
		return ""
	}
	if tok, ok := h.tokens[user]; ok {
		return tok
	}
	tok, _, err := h.app.CreateAPIToken(context.Background(), *h.world.Users[user].Email, h.world.Password, "test")
	if err != nil {
		h.t.Fatalf("token for %s: %v", user, err)
	}
	h.tokens[user] = tok
	return tok
}

// api sends a JSON request and decodes a JSON answer (if any).
func (h *harness) api(method, path, user string, body any) (int, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	contentType := "application/json"
	if mp, ok := body.(multipartBody); ok { // an upload (imports)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range mp.fields {
			h.must(mw.WriteField(k, v))
		}
		fw, err := mw.CreateFormFile("file", "upload.csv")
		h.must(err)
		_, err = fw.Write(mp.file)
		h.must(err)
		h.must(mw.Close())
		body, contentType = buf.String(), mw.FormDataContentType()
	}
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				h.t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := h.token(user); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			h.t.Fatalf("%s %s: not JSON (%d): %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, out
}

// browser is a cookie-keeping client that signs in through the login form.
type browser struct {
	h    *harness
	c    *http.Client
	csrf string
	lang string
}

func (h *harness) browser(user string) *browser {
	h.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{h: h, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.get("/login")
	u, _ := url.Parse(h.srv.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "wushe_csrf" {
			b.csrf = ck.Value
		}
	}
	if b.csrf == "" {
		h.t.Fatal("no CSRF cookie after GET /login")
	}
	if user != "" && user != "anonymous" {
		status, _, loc := b.post("/login", url.Values{"login": {*h.world.Users[user].Email}, "password": {h.world.Password}})
		if status != http.StatusSeeOther || loc != "/" {
			h.t.Fatalf("login as %s: %d → %q", user, status, loc)
		}
	}
	return b
}

func (b *browser) do(req *http.Request) (int, string, string) {
	b.h.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}

func (b *browser) get(path string) (int, string, string) {
	req, _ := http.NewRequest(http.MethodGet, b.h.srv.URL+path, nil)
	return b.do(req)
}

// post submits a form with the CSRF token.
func (b *browser) post(path string, form url.Values) (int, string, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}
