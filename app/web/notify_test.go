package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The inbox API is the contract: a need filed by a resident reaches the grid worker as
// need.filed linking the need's page, with the unread count; marking by ids and {} for all.
func TestNotificationsAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	status, need := h.api(http.MethodPost, "/api/v1/needs", "resident",
		map[string]any{"grid_id": h.world.A.Grids[0].ID, "category": "meal_delivery", "tier": "minor", "title": "需要送餐"})
	if status != http.StatusCreated {
		t.Fatalf("file need: %d %v", status, need)
	}
	link := fmt.Sprintf("/needs/%v", need["id"])
	status, out := h.api(http.MethodGet, "/api/v1/me/notifications", "grid_worker", nil)
	if status != http.StatusOK {
		t.Fatalf("inbox: %d %v", status, out)
	}
	items, _ := out["items"].([]any)
	if len(items) != 1 || out["unread"] != float64(1) {
		t.Fatalf("inbox = %v, want one unread item", out)
	}
	it := items[0].(map[string]any)
	for _, k := range []string{"id", "kind", "title", "body", "link", "read_at", "created_at"} {
		if _, ok := it[k]; !ok {
			t.Errorf("item lacks %q: %v", k, it)
		}
	}
	if it["kind"] != "need.filed" || it["link"] != link || it["read_at"] != nil || !strings.Contains(it["body"].(string), "需要送餐") {
		t.Errorf("item = %v, want need.filed linking %s with the need's title", it, link)
	}
	if _, out := h.api(http.MethodGet, "/api/v1/me/notifications", "resident", nil); out["unread"] != float64(0) {
		t.Errorf("the resident who filed it was told: %v", out)
	}

	if status, out := h.api(http.MethodPost, "/api/v1/me/notifications/read", "grid_worker", map[string]any{"ids": []any{it["id"]}}); status != http.StatusOK || out["marked"] != float64(1) || out["unread"] != float64(0) {
		t.Errorf("mark read: %d %v", status, out)
	}
	h.api(http.MethodPost, "/api/v1/needs", "resident", map[string]any{"grid_id": h.world.A.Grids[0].ID, "category": "meal_delivery", "tier": "minor", "title": "第二件"})
	if status, out := h.api(http.MethodPost, "/api/v1/me/notifications/read", "grid_worker", map[string]any{}); status != http.StatusOK || out["marked"] != float64(1) {
		t.Errorf("mark all read: %d %v", status, out)
	}
	if status, _ := h.api(http.MethodGet, "/api/v1/me/notifications", "anonymous", nil); status != http.StatusUnauthorized {
		t.Errorf("anonymous inbox: %d, want 401", status)
	}
	if status, _ := h.api(http.MethodPost, "/api/v1/me/notifications/read", "grid_worker", `{"ids": "x"}`); status != http.StatusBadRequest {
		t.Errorf("malformed ids: %d, want 400", status)
	}
	if status, _ := h.api(http.MethodPost, "/api/v1/me/notifications/read", "grid_worker", map[string]any{"ids": []int{0}}); status != http.StatusUnprocessableEntity {
		t.Errorf("id 0: %d, want 422", status)
	}
	if status, _ := h.api(http.MethodGet, "/api/v1/me/notifications?unread=maybe", "grid_worker", nil); status != http.StatusBadRequest {
		t.Errorf("unread=maybe: %d, want 400", status)
	}
	status, out = h.api(http.MethodPut, "/api/v1/me/notification-preferences", "grid_worker", map[string]any{
		"kinds": []any{map[string]any{"kind": "need.filed", "email": false}}, "quiet_start": "22:00", "quiet_end": "nope"})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("bad quiet hours: %d %v, want 422", status, out)
	}
}

// The pages: the header counts unread notifications, the inbox lists them in the user's
// language, opening one marks it read and follows its link, and preferences save.
func TestNotificationPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.api(http.MethodPost, "/api/v1/needs", "resident", map[string]any{"grid_id": h.world.A.Grids[0].ID, "category": "meal_delivery", "tier": "minor", "title": "需要送餐"})
	b := h.browser("grid_worker")
	status, body, _ := b.get("/notifications")
	if status != http.StatusOK || !strings.Contains(body, "网格新需求") || !strings.Contains(body, `href="/notifications" aria-current="page">通知 <span class="badge warn"`) {
		t.Fatalf("inbox page: %d\n%s", status, body)
	}
	_, out := h.api(http.MethodGet, "/api/v1/me/notifications", "grid_worker", nil)
	it := out["items"].([]any)[0].(map[string]any)
	status, _, loc := b.post("/notifications/read", url.Values{"id": {fmt.Sprint(it["id"])}, "open": {it["link"].(string)}})
	if status != http.StatusSeeOther || loc != it["link"] {
		t.Errorf("open: %d → %q, want %s", status, loc, it["link"])
	}
	if _, out := h.api(http.MethodGet, "/api/v1/me/notifications", "grid_worker", nil); out["unread"] != float64(0) {
		t.Errorf("opening did not mark read: %v", out)
	}
	if _, _, loc := b.post("/notifications/read", url.Values{"open": {"//evil.example/x"}}); loc != "/notifications" {
		t.Errorf("open redirect to %q", loc)
	}
	b.lang = "en"
	if status, body, _ := b.get("/notifications/settings"); status != http.StatusOK || !strings.Contains(body, "New need filed") {
		t.Errorf("settings page: %d", status)
	}
	form := url.Values{"quiet_start": {"22:00"}, "quiet_end": {"07:00"}, "email.need.filed": {"on"}, "digest.need.filed": {"on"}}
	if status, _, loc := b.post("/notifications/settings", form); status != http.StatusSeeOther || loc != "/notifications/settings" {
		t.Errorf("save settings: %d → %q", status, loc)
	}
	_, prefs := h.api(http.MethodGet, "/api/v1/me/notification-preferences", "grid_worker", nil)
	if prefs["quiet_start"] != "22:00" || prefs["quiet_end"] != "07:00" {
		t.Errorf("prefs after saving = %v", prefs)
	}
	if status, body, _ := b.post("/notifications/settings", url.Values{"quiet_start": {"25:99"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "error-summary") {
		t.Errorf("bad settings: %d", status)
	}
	if status, _, _ := h.browser("").get("/unsubscribe?token=bogus"); status != http.StatusNotFound {
		t.Errorf("bogus unsubscribe token: %d, want 404", status)
	}
}
