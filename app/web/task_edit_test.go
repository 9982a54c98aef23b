package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestEditTaskThroughPageAndAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	task, sh := h.task(a, 24*time.Hour) // headcount 3, one shift tomorrow with capacity 3
	w := h.browser("community_worker")
	path := fmt.Sprintf("/tasks/%d", task.ID)
	status, body, _ := w.get(path)
	if status != http.StatusOK || !strings.Contains(body, `href="`+path+`/edit"`) {
		t.Errorf("task page for its coordinator = %d, lacks the edit link", status)
	}
	status, body, _ = w.get(path + "/edit")
	if status != http.StatusOK || !strings.Contains(body, task.Title) || !strings.Contains(body, `name="headcount"`) {
		t.Fatalf("edit form = %d", status)
	}
	// A missing title re-renders the form with the field error; a valid edit saves.
	status, body, _ = w.post(path, url.Values{"title": {""}, "headcount": {"3"}, "grid_id": {id(a.place.Grids[0].ID)}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-title"`) {
		t.Errorf("edit without a title = %d, want 422 with the field error", status)
	}
	status, _, loc := w.post(path, url.Values{"title": {"周末助餐"}, "description": {"送到家"}, "headcount": {"5"}, "skills": {"delivery", "cooking"},
		"grid_id": {id(a.place.Grids[0].ID)}, "lat": {"30.70"}, "lng": {"121.01"}})
	if status != http.StatusSeeOther || loc != path {
		t.Fatalf("edit = %d %s", status, loc)
	}
	status, out := h.api(http.MethodGet, "/api/v1/tasks/"+id(task.ID), "", nil)
	if status != http.StatusOK || out["title"] != "周末助餐" || out["headcount"] != float64(5) || fmt.Sprint(out["skills"]) != "[cooking delivery]" {
		t.Errorf("task after the edit = %d %v", status, out)
	}
	if got := fmt.Sprint(out["shifts"]); !strings.Contains(got, "capacity:5") {
		t.Errorf("shift %d not resized to the new headcount: %s", sh.ID, got)
	}
	// The API: PUT replaces the fields, validated as on creation.
	status, out = h.api(http.MethodPut, "/api/v1/tasks/"+id(task.ID), "community_worker", map[string]any{"title": "助餐", "headcount": 2, "lat": 30.7})
	if status != http.StatusUnprocessableEntity || apiFields(out)["lng"] == nil {
		t.Errorf("PUT with a latitude alone = %d %v, want 422 on lng", status, out)
	}
	status, out = h.api(http.MethodPut, "/api/v1/tasks/"+id(task.ID), "community_worker", map[string]any{"title": "助餐", "headcount": 2, "skills": []string{"delivery"}})
	if status != http.StatusOK || out["title"] != "助餐" || out["headcount"] != float64(2) || out["grid_id"] != nil {
		t.Errorf("PUT = %d %v", status, out)
	}
	if status, _ := h.api(http.MethodPut, "/api/v1/tasks/999999", "community_worker", map[string]any{"title": "助餐", "headcount": 2}); status != http.StatusNotFound {
		t.Errorf("PUT of an unknown task = %d, want 404", status)
	}
	if status, _, _ := h.browser("resident").get(path + "/edit"); status != http.StatusForbidden {
		t.Errorf("edit form for a resident = %d, want 403", status)
	}
}
