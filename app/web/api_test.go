package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/web"
)

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	status, raw := h.api(http.MethodGet, "/api/v1/openapi.json", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET openapi.json = %d", status)
	}
	doc, err := h.web.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	if raw["openapi"] != "3.0.3" {
		t.Errorf("served document version = %v", raw["openapi"])
	}
	// Every API route is documented, and nothing else is.
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for _, r := range h.web.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/api/v1/") || path == "/api/v1/openapi.json" {
			continue
		}
		key := method + " " + web.OpenAPIPath(path)
		if !documented[key] {
			t.Errorf("route %s is not in the OpenAPI document", r)
		}
		delete(documented, key)
	}
	for op := range documented {
		t.Errorf("the OpenAPI document lists %s, which is not a route", op)
	}
	// Field names in the document are the snake_case JSON names.
	need := doc.Paths.Find("/api/v1/needs").Post.RequestBody.Value.Content.Get("application/json").Schema.Value
	for _, f := range []string{"community_id", "grid_id", "category", "tier", "title", "description", "window_start", "window_end", "privacy"} {
		if need.Properties[f] == nil {
			t.Errorf("need request schema lacks %q (has %v)", f, keys(need.Properties))
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAPIFlowAndErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ga := h.world.A.Grids[0].ID

	// A token for a registered user, then a need filed with it.
	status, out := h.api(http.MethodPost, "/api/v1/auth/tokens", "", map[string]any{"email": "resident@test.wushe", "password": h.world.Password})
	if status != http.StatusCreated || !strings.HasPrefix(fmt.Sprint(out["token"]), "wst_") {
		t.Fatalf("create token = %d %v", status, out)
	}
	status, out = h.api(http.MethodPost, "/api/v1/needs", "resident", map[string]any{
		"community_id": h.world.A.Community.ID, "grid_id": ga, "category": "meal_delivery", "tier": "minor",
		"title": "独居老人午餐送餐", "description": "3号楼王奶奶", "window_start": "2026-11-25T11:00:00+08:00", "window_end": "2026-11-25T12:00:00+08:00", "privacy": "private"})
	if status != http.StatusCreated {
		t.Fatalf("create need = %d %v", status, out)
	}
	needID := int64(out["id"].(float64))
	if out["status"] != "open" || out["escalation_level"] != "grid" || out["due_at"] != "2026-11-24T15:59:59Z" {
		t.Errorf("created need = %v", out)
	}
	// The grid worker's queue has it; the public sees no details.
	status, out = h.api(http.MethodGet, "/api/v1/queue", "grid_worker", nil)
	if status != http.StatusOK || out["total"].(float64) != 1 {
		t.Errorf("grid worker queue = %d %v", status, out)
	}
	status, out = h.api(http.MethodGet, fmt.Sprintf("/api/v1/needs/%d", needID), "", nil)
	if status != http.StatusOK || out["description"] != "" || out["private_visible"] != false || out["requester_id"] != nil {
		t.Errorf("public need = %d %v", status, out)
	}
	// Lists have the documented shape.
	status, out = h.api(http.MethodGet, "/api/v1/needs?per_page=5&page=1", "", nil)
	if status != http.StatusOK || out["per_page"].(float64) != 5 || out["page"].(float64) != 1 || out["items"] == nil {
		t.Errorf("list shape = %v", out)
	}
	status, out = h.api(http.MethodGet, "/api/v1/categories", "", nil)
	items, _ := out["items"].([]any)
	if status != http.StatusOK || len(items) < 15 || items[0].(map[string]any)["code"] == "" {
		t.Errorf("categories = %d %v", status, out)
	}

	errorCases := []struct {
		name         string
		method, path string
		user         string
		body         any
		status       int
		field        string
	}{
		{"missing fields name each", "POST", "/api/v1/needs", "resident", map[string]any{"grid_id": ga}, 422, "title"},
		{"bad enum", "POST", "/api/v1/needs", "resident", map[string]any{"grid_id": ga, "category": "health", "tier": "urgent", "title": "x"}, 422, "tier"},
		{"unknown grid", "POST", "/api/v1/needs", "resident", map[string]any{"grid_id": 99999, "category": "health", "tier": "minor", "title": "x"}, 422, "grid_id"},
		{"wrong type", "POST", "/api/v1/needs", "resident", `{"grid_id": "three"}`, 400, "grid_id"},
		{"unknown field", "POST", "/api/v1/needs", "resident", `{"grid_id": 1, "status": "closed"}`, 400, "status"},
		{"malformed json", "POST", "/api/v1/needs", "resident", `{"grid_id": `, 400, "_body"},
		{"bad time", "POST", "/api/v1/needs", "resident", `{"grid_id": 1, "window_start": "tomorrow"}`, 400, "_body"},
		{"page too big", "GET", "/api/v1/needs?per_page=101", "", nil, 400, "per_page"},
		{"bad filter", "GET", "/api/v1/needs?community_id=abc", "", nil, 400, "community_id"},
		{"bad status filter", "GET", "/api/v1/needs?status=lost", "", nil, 400, "status"},
		{"unknown id", "GET", "/api/v1/needs/987654", "", nil, 404, ""},
		{"non-numeric id", "GET", "/api/v1/needs/abc", "", nil, 404, ""},
		{"anonymous write", "POST", "/api/v1/needs", "", map[string]any{"grid_id": ga}, 401, ""},
		{"other scope", "PUT", fmt.Sprintf("/api/v1/communities/%d", h.world.B.Community.ID), "community_worker",
			map[string]any{"street_id": h.world.B.Street.ID, "name": "改名", "kind": "urban"}, 403, ""},
		{"bad transition", "POST", fmt.Sprintf("/api/v1/needs/%d/transitions", needID), "grid_worker", map[string]any{"action": "fly"}, 422, "action"},
		{"bad login", "POST", "/api/v1/auth/tokens", "", map[string]any{"email": "resident@test.wushe", "password": "wrong"}, 401, ""},
		{"no password", "POST", "/api/v1/auth/tokens", "", map[string]any{"email": "resident@test.wushe"}, 422, "password"},
		{"unknown route", "GET", "/api/v1/nothing", "", nil, 404, ""},
		{"wrong method", "DELETE", "/api/v1/needs", "", nil, 405, ""},
	}
	for _, tc := range errorCases {
		status, out := h.api(tc.method, tc.path, tc.user, tc.body)
		e, _ := out["error"].(map[string]any)
		if status != tc.status || e == nil || e["code"] == "" || e["message"] == "" {
			t.Errorf("%s: %d %v, want %d with an error body", tc.name, status, out, tc.status)
			continue
		}
		if tc.field != "" {
			fields, _ := e["fields"].(map[string]any)
			if fields[tc.field] == nil || fields[tc.field] == "" {
				t.Errorf("%s: fields %v do not name %q", tc.name, fields, tc.field)
			}
		}
	}
	// A rejected request wrote nothing: still exactly one need.
	_, out = h.api(http.MethodGet, "/api/v1/needs", "", nil)
	if out["total"].(float64) != 1 {
		t.Errorf("needs after rejected requests = %v", out["total"])
	}
	// Wrong content type and oversized bodies.
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/api/v1/needs", strings.NewReader("grid_id=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+h.token("resident"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form body to the API = %v %v, want 415", resp.StatusCode, err)
	}
	big := `{"grid_id": 1, "title": "` + strings.Repeat("长", 1<<20) + `"}`
	if status, out := h.api(http.MethodPost, "/api/v1/needs", "resident", big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body = %d %v, want 413", status, out)
	}
	// Errors speak the caller's language.
	req, _ = http.NewRequest(http.MethodGet, h.srv.URL+"/api/v1/needs/987654", nil)
	req.Header.Set("Accept-Language", "en")
	resp, _ := http.DefaultClient.Do(req)
	var b strings.Builder
	buf := make([]byte, 512)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	resp.Body.Close()
	if !strings.Contains(b.String(), "was not found") {
		t.Errorf("English error = %s", b.String())
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(apptest.NewClock(fixedNow).Now())
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ws, err := web.New(web.Config{Version: "test", LoginPerMinute: 3, Logger: discard()}, web.Deps{App: a, Sessions: s.Sessions(), Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: newServer(t, ws), web: ws, app: a, store: s, world: w, clock: clock, tokens: map[string]string{}}
	for i := 1; i <= 4; i++ {
		status, _ := h.api(http.MethodPost, "/api/v1/auth/tokens", "", map[string]any{"email": "resident@test.wushe", "password": "wrong password"})
		want := http.StatusUnauthorized
		if i == 4 {
			want = http.StatusTooManyRequests
		}
		if status != want {
			t.Errorf("attempt %d = %d, want %d", i, status, want)
		}
	}
	// Even the right password waits now.
	if status, _ := h.api(http.MethodPost, "/api/v1/auth/tokens", "", map[string]any{"email": "resident@test.wushe", "password": w.Password}); status != http.StatusTooManyRequests {
		t.Errorf("right password while limited = %d", status)
	}
	_ = context.Background()
}
