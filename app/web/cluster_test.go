package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/web"
)

// twoProcesses starts two web servers, each with its own App (its own memory, as two
// `wushe serve` processes have), over one database.
func twoProcesses(t *testing.T, h *harness, perMinute int) (*httptest.Server, *httptest.Server) {
	t.Helper()
	var out []*httptest.Server
	for _, a := range []*app.App{h.app, app.New(app.Deps{Store: h.store, Clock: h.clock, Hasher: apptest.Hasher()})} {
		ws, err := web.New(web.Config{Version: "test", LoginPerMinute: perMinute, Logger: discard()},
			web.Deps{App: a, Sessions: h.store.Sessions(), Ready: h.store.Ping, Registry: prometheus.NewRegistry()})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, newServer(t, ws))
	}
	return out[0], out[1]
}

// TestSessionsAndCSRFAcrossProcesses: the CSRF token one process hands out is accepted by
// another, a session signed in on one is signed in on the other, and signing out on either
// ends it on both — sessions live in the database, the CSRF token in the browser.
func TestSessionsAndCSRFAcrossProcesses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, b := twoProcesses(t, h, 100)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(req *http.Request) (int, string) {
		t.Helper()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		return resp.StatusCode, body.String()
	}
	get := func(srv *httptest.Server, path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		return do(req)
	}
	post := func(srv *httptest.Server, path string, form url.Values) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		st, _ := do(req)
		return st
	}
	get(a, "/login")
	u, _ := url.Parse(a.URL)
	csrf := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "wushe_csrf" {
			csrf = ck.Value
		}
	}
	if csrf == "" {
		t.Fatal("no CSRF cookie from the first process")
	}
	if st := post(b, "/login", url.Values{"_csrf": {"forged"}, "login": {*h.world.Users["resident"].Email}, "password": {h.world.Password}}); st != http.StatusForbidden {
		t.Errorf("forged CSRF token on the second process: %d, want 403", st)
	}
	if st := post(b, "/login", url.Values{"_csrf": {csrf}, "login": {*h.world.Users["resident"].Email}, "password": {h.world.Password}}); st != http.StatusSeeOther {
		t.Fatalf("sign in on the second process with the first's CSRF token: %d, want 303", st)
	}
	for _, srv := range []*httptest.Server{a, b} {
		if st, body := get(srv, "/disbursements"); st != http.StatusOK || !strings.Contains(body, h.world.Users["resident"].Name) {
			t.Errorf("signed-in page on %s: %d (signed in: %v)", srv.URL, st, strings.Contains(body, h.world.Users["resident"].Name))
		}
	}
	if st := post(a, "/logout", url.Values{"_csrf": {csrf}}); st != http.StatusSeeOther {
		t.Fatalf("sign out on the first process: %d", st)
	}
	if st, _ := get(b, "/disbursements"); st == http.StatusOK {
		t.Error("still signed in on the second process after signing out on the first")
	}
}

// TestLoginLimitAcrossProcesses: failed logins for one account alternate between two
// processes; the limit counts them together, so the sixth is refused on either.
func TestLoginLimitAcrossProcesses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, b := twoProcesses(t, h, 5)
	try := func(srv *httptest.Server) int {
		body, _ := json.Marshal(map[string]any{"email": *h.world.Users["resident"].Email, "password": "wrong password"})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/auth/tokens", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 5 {
		srv := []*httptest.Server{a, b}[i%2]
		if st := try(srv); st != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, st)
		}
	}
	for _, srv := range []*httptest.Server{a, b} {
		if st := try(srv); st != http.StatusTooManyRequests {
			t.Errorf("attempt past the limit on %s: %d, want 429", srv.URL, st)
		}
	}
}

// TestReadyzPerDependency: /readyz reports each dependency; a failing optional one (search)
// is reported down but the instance stays ready, a failing required one (the database) makes
// it 503 without leaking the error, and after Drain it is 503 "draining" whatever the checks say.
func TestReadyzPerDependency(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var dbDown atomic.Bool
	ws, err := web.New(web.Config{Version: "test", LoginPerMinute: 100, Logger: discard()}, web.Deps{
		App: h.app, Sessions: h.store.Sessions(), Ready: h.store.Ping, Registry: prometheus.NewRegistry(),
		Checks: []web.ReadyCheck{
			{Name: "database", Required: true, Detail: "test", Check: func(ctx context.Context) error {
				if dbDown.Load() {
					return errors.New("dial tcp: secret host refused")
				}
				return h.store.Ping(ctx)
			}},
			{Name: "search", Detail: "meilisearch", Check: func(context.Context) error { return errors.New("meilisearch: 503") }},
			{Name: "payments", Detail: "stripe"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, ws)
	type check struct {
		Status   string `json:"status"`
		Required bool   `json:"required"`
		Detail   string `json:"detail"`
		Error    string `json:"error"`
	}
	var body struct {
		Status string           `json:"status"`
		Checks map[string]check `json:"checks"`
	}
	get := func() (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var raw bytes.Buffer
		_, _ = raw.ReadFrom(resp.Body)
		body.Checks = nil
		if err := json.Unmarshal(raw.Bytes(), &body); err != nil {
			t.Fatalf("readyz body %q: %v", raw.String(), err)
		}
		return resp.StatusCode, raw.String()
	}
	if st, raw := get(); st != http.StatusOK || body.Status != "ready" {
		t.Fatalf("with search down: %d %s, want 200 ready", st, raw)
	}
	want := map[string]check{
		"database": {Status: "up", Required: true, Detail: "test"},
		"search":   {Status: "down", Detail: "meilisearch", Error: "meilisearch: 503"},
		"payments": {Status: "configured", Detail: "stripe"},
	}
	for name, w := range want {
		if got := body.Checks[name]; got != w {
			t.Errorf("check %s = %+v, want %+v", name, got, w)
		}
	}
	dbDown.Store(true)
	st, raw := get()
	if st != http.StatusServiceUnavailable || body.Status != "unavailable" || body.Checks["database"].Status != "down" {
		t.Errorf("with the database down: %d %s, want 503 unavailable", st, raw)
	}
	if strings.Contains(raw, "secret host") {
		t.Errorf("readyz leaks the database error: %s", raw)
	}
	dbDown.Store(false)
	ws.Drain()
	if st, raw := get(); st != http.StatusServiceUnavailable || body.Status != "draining" {
		t.Errorf("after Drain: %d %s, want 503 draining", st, raw)
	}
}
