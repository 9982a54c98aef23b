package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// publicAPIWrites are the JSON operations that change state and take anonymous callers: a
// deliberate, short list (sign-in, registration, Stripe's signed webhook).
var publicAPIWrites = map[string]bool{
	"POST /api/v1/auth/tokens":    true,
	"POST /api/v1/users":          true,
	"POST /api/v1/stripe/webhook": true,
}

// publicPageWrites are the page forms anonymous visitors may post.
var publicPageWrites = map[string]bool{"POST /login": true, "POST /logout": true, "POST /register": true}

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
