package web_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestProjectDeliberationAPI drives steps 1–3 through the JSON API as a client would and
// checks each status code of "Bad input and rules" and the project's new fields.
func TestProjectDeliberationAPI(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	pr := h.deliberating(a, 0, 1)
	if st, _ := h.api(http.MethodPost, fmt.Sprintf("/api/v1/projects/%d/vote-opening", h.deliberating(a, 0, 1).ID), "community_worker", nil); st != http.StatusConflict {
		t.Errorf("vote-opening below the threshold = %d, want 409", st)
	}
	path := fmt.Sprintf("/api/v1/projects/%d", pr.ID)
	st, body := h.api(http.MethodGet, path, "anonymous", nil)
	if st != http.StatusOK || body["status"] != "deliberating" || body["supports_count"] != 0.0 || body["support_threshold"] != 1.0 ||
		body["deliberation_ends_at"] == nil || body["vote"] != nil || body["decision_reason"] != "" {
		t.Fatalf("GET project = %d %v", st, body)
	}
	steps := []struct {
		method, suffix, user string
		body                 any
		want                 int
	}{
		{"POST", "/supports", "anonymous", nil, http.StatusUnauthorized},
		{"POST", "/supports", "resident_b", nil, http.StatusForbidden},
		{"POST", "/supports", "resident", nil, http.StatusCreated},
		{"POST", "/supports", "resident", nil, http.StatusConflict},
		{"POST", "/votes", "resident", map[string]any{"choice": "yes"}, http.StatusConflict}, // no vote yet
		{"POST", "/comments", "resident", map[string]any{"body": ""}, http.StatusUnprocessableEntity},
		{"POST", "/comments", "resident", map[string]any{"body": "好"}, http.StatusCreated},
		{"POST", "/vote-opening", "resident", nil, http.StatusForbidden},
		{"POST", "/vote-opening", "community_worker", map[string]any{"days": 3}, http.StatusOK},
		{"POST", "/votes", "resident", map[string]any{"choice": "maybe"}, http.StatusUnprocessableEntity},
		{"POST", "/votes", "resident", map[string]any{"choice": "yes"}, http.StatusCreated},
		{"POST", "/votes", "resident", map[string]any{"choice": "no"}, http.StatusConflict},
		{"POST", "/votes", "resident_b", map[string]any{"choice": "no"}, http.StatusForbidden},
		{"POST", "/decision", "community_worker", map[string]any{"note": "结束"}, http.StatusOK},
		{"POST", "/votes", "resident", map[string]any{"choice": "yes"}, http.StatusConflict}, // outside the window
		{"POST", "/supports", "resident", nil, http.StatusConflict},
	}
	for i, s := range steps {
		if got, b := h.api(s.method, path+s.suffix, s.user, s.body); got != s.want {
			t.Errorf("step %d: %s %s as %s = %d %v, want %d", i, s.method, s.suffix, s.user, got, b, s.want)
		}
	}
	_, body = h.api(http.MethodGet, path, "anonymous", nil)
	vote, _ := body["vote"].(map[string]any)
	if body["status"] != "rejected" || body["decision_reason"] != "quorum_not_met" || vote == nil || vote["yes"] != 1.0 || vote["quorum"] != 10.0 || vote["ends_at"] == nil {
		t.Errorf("after the decision: %v", body)
	}
	_, comments := h.api(http.MethodGet, path+"/comments", "anonymous", nil)
	if items, _ := comments["items"].([]any); len(items) != 1 {
		t.Errorf("comments: %v", comments)
	}
}
