package web_test

import (
	"fmt"
	"net/http"
	"testing"
)

// The ranking preview checks its input in the use case: the need is required and the limit
// lies in 0–100, and callers who may not tune the weights are refused before either check.
func TestProfilePreviewInputChecked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	n := h.need(a)
	profile := map[string]any{"name": "custom", "weights": map[string]float64{"fit": 2, "distance": 1, "availability": 1, "reputation": 1, "reliability": 1, "locality": 1, "interest": 1, "giving": 1},
		"kinds": map[string]float64{"volunteer": 1, "organization": 1, "donor": 1}, "load_penalty": 1, "distance_half_meters": 2000,
		"reputation_prior": map[string]float64{"mean": 4, "weight": 10}, "reliability_prior": map[string]float64{"mean": 0.9, "weight": 5}}
	path := fmt.Sprintf("/api/v1/communities/%d/profile/preview", a.place.Community.ID)
	for _, tc := range []struct {
		name, user string
		body       map[string]any
		status     int
		field      string
	}{
		{"limit over 100", "community_worker", map[string]any{"need_id": n.ID, "profile": profile, "limit": 101}, http.StatusUnprocessableEntity, "limit"},
		{"negative limit", "community_worker", map[string]any{"need_id": n.ID, "profile": profile, "limit": -1}, http.StatusUnprocessableEntity, "limit"},
		{"no need", "community_worker", map[string]any{"profile": profile}, http.StatusUnprocessableEntity, "need_id"},
		{"a resident with a bad limit", "resident", map[string]any{"need_id": n.ID, "profile": profile, "limit": 101}, http.StatusForbidden, ""},
		{"limit 100", "community_worker", map[string]any{"need_id": n.ID, "profile": profile, "limit": 100}, http.StatusOK, ""},
	} {
		status, body := h.api(http.MethodPost, path, tc.user, tc.body)
		if status != tc.status || (tc.field != "" && fieldOf(body, tc.field) == nil) {
			t.Errorf("%s: %d %v, want %d naming %q", tc.name, status, body, tc.status, tc.field)
		}
	}
}
