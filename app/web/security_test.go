package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/web"
)

// publicAPIWrites are the JSON operations that change state and take anonymous callers: a
// deliberate, short list (sign-in, registration, Stripe's signed webhook, an e-mail's signed
// unsubscribe link).
var publicAPIWrites = map[string]bool{
	"POST /api/v1/auth/tokens":    true,
	"POST /api/v1/users":          true,
	"POST /api/v1/stripe/webhook": true,
	"POST /api/v1/unsubscribe":    true,
}

// publicPageWrites are the page forms anonymous visitors may post.
var publicPageWrites = map[string]bool{"POST /login": true, "POST /logout": true, "POST /register": true, "POST /unsubscribe": true}

var routeParam = regexp.MustCompile(`:[a-z_]+`)

// TestAnonymousWritesNeedSignInFirst walks the whole route table: an anonymous POST, PUT,
// PATCH or DELETE to any route that is not public answers 401 before any validation (a
// malformed body, an unknown id or a field error would otherwise answer 400, 404 or 422).
func TestAnonymousWritesNeedSignInFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	anon := h.browser("")
	checked := 0
	for _, r := range h.web.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if method == http.MethodGet || method == http.MethodHead || strings.Contains(path, "*") {
			continue
		}
		// An id that exists nowhere and a body that is not even valid: only sign-in comes first.
		concrete := routeParam.ReplaceAllString(path, "987654")
		if strings.HasPrefix(path, "/api/") {
			status, out := h.api(method, concrete, "", `{"bogus": [`)
			if publicAPIWrites[r] {
				if status == http.StatusUnauthorized {
					t.Errorf("%s is public but answered 401 to a malformed body", r)
				}
				continue
			}
			checked++
			if code, _ := out["error"].(map[string]any); status != http.StatusUnauthorized || code["code"] != "unauthorized" {
				t.Errorf("anonymous %s = %d %v, want 401 unauthorized", r, status, out)
			}
			continue
		}
		if publicPageWrites[r] {
			continue
		}
		checked++
		status, body, loc := anon.post(concrete, url.Values{"bogus": {"x"}})
		if status != http.StatusUnauthorized || !strings.Contains(body, `href="/login`) {
			t.Errorf("anonymous %s = %d %s, want the 401 page with a sign-in link", r, status, loc)
		}
	}
	if checked < 100 {
		t.Errorf("only %d state-changing routes checked; is the route table empty?", checked)
	}
	// The defects of issue 9, with bodies that would otherwise be validated.
	for _, tc := range []struct {
		path string
		body any
	}{
		{"/api/v1/grids", map[string]any{"name": ""}},
		{"/api/v1/shifts/1/checkin", map[string]any{"code": "000000"}},
		{"/api/v1/campaigns/1/offline-contributions", map[string]any{"amount": "x"}},
	} {
		if status, out := h.api(http.MethodPost, tc.path, "", tc.body); status != http.StatusUnauthorized {
			t.Errorf("anonymous POST %s = %d %v, want 401", tc.path, status, out)
		}
	}
}

// TestEveryAPIRouteIsInTheTable: the apiRoute table (and its Auth flag) is the single source
// for the API, so no /api/ route may be registered beside it.
func TestEveryAPIRouteIsInTheTable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	resp, err := http.Get(h.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	brace := regexp.MustCompile(`\{([a-z_]+)\}`)
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+brace.ReplaceAllString(p, ":$1")] = true
		}
	}
	for _, r := range h.web.Routes() {
		if strings.Contains(r, " /api/") && r != "GET /api/v1/openapi.json" && !documented[r] {
			t.Errorf("%s is registered outside the apiRoute table", r)
		}
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestErrorPagesNeedNoMiddlewareState requests errors under /static, /api and pages, some
// raised before the session, language or CSRF middlewares ran (a missing static file, a body
// over the limit): each gets a whole, well-formed answer of the right kind, and nothing
// panics (issue 9, defect 3: a missing static file dropped the connection).
func TestErrorPagesNeedNoMiddlewareState(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	logs := &syncBuffer{}
	srv := h.serverWith(web.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	big := strings.Repeat("x", 2<<20)
	for _, tc := range []struct {
		method, path, lang, body string
		status                   int
		kind                     string // json, text or html
		want                     string
	}{
		{"GET", "/static/nonexistent.css", "", "", 404, "text", "页面不存在"},
		{"GET", "/static/nonexistent.css", "en", "", 404, "text", "not found"},
		{"GET", "/static/", "", "", 404, "text", "页面不存在"},
		{"GET", "/static/../go.mod", "", "", 404, "text", ""},
		{"GET", "/api/v1/nonexistent", "", "", 404, "json", `"code":"not_found"`},
		{"GET", "/api/v1/needs/987654", "en", "", 404, "json", `"code":"not_found"`},
		{"GET", "/nonexistent", "", "", 404, "html", "页面不存在"},
		{"GET", "/nonexistent", "en", "", 404, "html", "not found"},
		{"GET", "/needs/987654", "", "", 404, "html", "</html>"},
		{"GET", "/logout", "", "", 405, "html", "</html>"},
		{"POST", "/login", "", big, 413, "html", "</html>"},
		{"POST", "/static/wushe.css", "", "", 405, "text", ""},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.lang != "" {
			req.Header.Set("Accept-Language", tc.lang)
		}
		if tc.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s %s: no answer: %v", tc.method, tc.path, err)
			continue
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Errorf("%s %s: body cut: %v", tc.method, tc.path, err)
		}
		ct := resp.Header.Get("Content-Type")
		wantCT := map[string]string{"json": "application/json", "text": "text/plain", "html": "text/html"}[tc.kind]
		if resp.StatusCode != tc.status || !strings.HasPrefix(ct, wantCT) || len(b) == 0 || !strings.Contains(strings.ToLower(string(b)), strings.ToLower(tc.want)) {
			t.Errorf("%s %s (%s) = %d %s %q, want %d %s containing %q", tc.method, tc.path, tc.lang, resp.StatusCode, ct, trim(b), tc.status, wantCT, tc.want)
		}
		if tc.kind == "json" && !json.Valid(b) {
			t.Errorf("%s %s: invalid JSON %q", tc.method, tc.path, b)
		}
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("the server panicked:\n%s", logs.String())
	}
}

func trim(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// TestFormWithoutCSRFTokenGetsTheCSRFMessage: a form posted without a token, with a wrong
// one, or from another site gets 403 and the CSRF message in the user's language (issue 9,
// defect 7: it got a generic 400 once Echo reworded its error).
func TestFormWithoutCSRFTokenGetsTheCSRFMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		name, lang, want string
		form             url.Values
		header           map[string]string
	}{
		{"no token", "zh-CN", "页面已过期", url.Values{"login": {"a@b.c"}}, nil},
		{"no token", "en", "This page has expired", url.Values{"login": {"a@b.c"}}, nil},
		{"wrong token", "en", "This page has expired", url.Values{"_csrf": {"not-the-token"}}, nil},
		{"cross-site", "zh-CN", "页面已过期", url.Values{}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
	} {
		for _, user := range []string{"", "resident"} {
			b := h.browser(user)
			path := "/needs" // anonymous visitors meet sign-in first, so they post a public form
			if user == "" {
				path = "/login"
			}
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", tc.lang)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			status, body, _ := b.do(req)
			if status != http.StatusForbidden || !strings.Contains(body, tc.want) {
				t.Errorf("%s (%s, user %q) = %d, want 403 with %q", tc.name, tc.lang, user, status, tc.want)
			}
		}
	}
}

// serverWith starts another web server over the harness's app and database.
func (h *harness) serverWith(cfg web.Config) *httptest.Server {
	h.t.Helper()
	cfg.Version = "test"
	if cfg.Logger == nil {
		cfg.Logger = discard()
	}
	ws, err := web.New(cfg, web.Deps{App: h.app, Sessions: h.store.Sessions(), Ready: h.store.Ping, Registry: prometheus.NewRegistry()})
	if err != nil {
		h.t.Fatal(err)
	}
	return newServer(h.t, ws)
}

// TestClientAddressBehindProxies: the login rate limit and the audit log's address come from
// the socket unless WUSHE_TRUSTED_PROXIES names the proxy; a rotating X-Forwarded-For from an
// untrusted peer changes nothing (issue 9, defect 4: 40 sprayed logins went unthrottled).
func TestClientAddressBehindProxies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	post := func(srv *httptest.Server, path, xff string, body any) int {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// Failed logins, each for another account (so only the per-address limit can apply),
	// each with another forwarded address.
	spray := func(srv *httptest.Server, n int) (limited int) {
		for i := range n {
			login := map[string]any{"email": fmt.Sprintf("nobody%d-%d@test.wushe", i, next()), "password": "wrong password"}
			if post(srv, "/api/v1/auth/tokens", fmt.Sprintf("203.0.113.%d", i+1), login) == http.StatusTooManyRequests {
				limited++
			}
		}
		return limited
	}
	direct := h.serverWith(web.Config{LoginPerMinute: 5})
	if limited := spray(direct, 12); limited != 7 {
		t.Errorf("without trusted proxies: %d of 12 sprayed logins limited, want 7 (the header is ignored)", limited)
	}
	proxied := h.serverWith(web.Config{LoginPerMinute: 5, TrustedProxies: []*net.IPNet{loopback}})
	if limited := spray(proxied, 12); limited != 0 {
		t.Errorf("behind a trusted proxy: %d of 12 logins from 12 clients limited, want 0", limited)
	}

	// The audit log's address: registering writes an audit event.
	register := func(srv *httptest.Server, xff string) string {
		email := fmt.Sprintf("ip%d@test.wushe", next())
		body := map[string]any{"name": "新居民", "email": email, "password": "Ginkgo-lantern-47", "community_id": h.world.A.Community.ID}
		if status := post(srv, "/api/v1/users", xff, body); status != http.StatusCreated {
			t.Fatalf("register = %d", status)
		}
		u, err := h.store.FindUserByLogin(context.Background(), email)
		h.must(err)
		typ := "user"
		evs, _, err := h.store.FindAuditEvents(context.Background(), app.AuditFilter{SubjectType: &typ, SubjectID: &u.ID, Page: app.Page{Page: 1, PerPage: 5}})
		h.must(err)
		if len(evs) == 0 {
			t.Fatal("no audit event for the registration")
		}
		return evs[0].IP
	}
	if ip := register(direct, "<script>"); ip != "127.0.0.1" {
		t.Errorf("audit address without trusted proxies = %q, want the socket's 127.0.0.1", ip)
	}
	if ip := register(proxied, "198.51.100.7"); ip != "198.51.100.7" {
		t.Errorf("audit address behind a trusted proxy = %q, want the forwarded 198.51.100.7", ip)
	}
	// A client cannot prepend its own entries: the nearest untrusted address counts.
	if ip := register(proxied, "10.1.2.3, 198.51.100.8"); ip != "198.51.100.8" {
		t.Errorf("audit address with a forged prefix = %q, want 198.51.100.8", ip)
	}
	if ip := register(proxied, "not an address"); ip != "127.0.0.1" {
		t.Errorf("audit address with a malformed header = %q, want the proxy's 127.0.0.1", ip)
	}
}

// TestWeakPasswordsRefused: registration and password change refuse the probe's weak
// passwords with a message in the user's language (issue 9, defect 5); a changed password
// signs out other sessions and revokes API tokens.
func TestWeakPasswordsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cid := h.world.A.Community.ID
	for _, pw := range []string{"12345678", "password", "aaaaaaaa"} {
		for _, tc := range []struct{ lang, want string }{{"zh-CN", "太常见"}, {"en", "too common"}} {
			body := map[string]any{"name": "新居民", "email": fmt.Sprintf("weak%d@test.wushe", next()), "password": pw, "community_id": cid}
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/api/v1/users", strings.NewReader(mustJSON(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Language", tc.lang)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"password"`) || !strings.Contains(string(b), tc.want) {
				t.Errorf("API registration with %q (%s) = %d %s", pw, tc.lang, resp.StatusCode, b)
			}
			br := h.browser("")
			br.lang = tc.lang
			status, page, _ := br.post("/register", url.Values{"name": {"新居民"}, "email": {fmt.Sprintf("weak%d@test.wushe", next())}, "password": {pw}, "community_id": {id(cid)}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) {
				t.Errorf("form registration with %q (%s) = %d", pw, tc.lang, status)
			}
		}
	}

	// Changing a password: through the form, with the API token and another browser of the
	// same user signed out afterwards.
	other := h.browser("resident")
	tok := h.token("resident")
	me := h.browser("resident")
	status, page, _ := me.post("/me/password", url.Values{"current_password": {h.world.Password}, "new_password": {"aaaaaaaa"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "太常见") {
		t.Errorf("form change to a weak password = %d", status)
	}
	if status, out := h.api(http.MethodPut, "/api/v1/me/password", "resident", map[string]any{"current_password": "wrong", "new_password": "Ginkgo-lantern-47"}); status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "current_password") {
		t.Errorf("API change with a wrong current password = %d %v", status, out)
	}
	status, _, loc := me.post("/me/password", url.Values{"current_password": {h.world.Password}, "new_password": {"Ginkgo-lantern-47"}})
	if status != http.StatusSeeOther || loc != "/me" {
		t.Fatalf("form change = %d %s", status, loc)
	}
	if status, _, _ := me.get("/me"); status != http.StatusOK {
		t.Errorf("the browser that changed the password was signed out: %d", status)
	}
	if status, _, loc := other.get("/me"); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("another browser after the change = %d %s, want signed out", status, loc)
	}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a token from before the change: %v %v, want 401", resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
