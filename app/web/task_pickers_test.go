package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
)

// TestTaskFormsUsePickers: the task form picks its grid and coordinator, the hours
// self-report its task, a project and a social worker their organization, a volunteer their
// grid, all from lists, with no number to type.
func TestTaskFormsUsePickers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.world.A
	worker := h.browser("community_worker")
	status, page, _ := worker.get("/tasks/new")
	if status != http.StatusOK {
		t.Fatalf("GET /tasks/new = %d", status)
	}
	for _, want := range []string{`<select id="f-grid_id" name="grid_id"`, `<select id="f-coordinator_id" name="coordinator_id"`,
		fmt.Sprintf(`<optgroup label="%s">`, a.Community.Name), fmt.Sprintf(`<option value="%d">%s</option>`, a.Grids[0].ID, a.Grids[0].Name),
		fmt.Sprintf(`<option value="%d">%s</option>`, h.world.Users["grid_worker"].ID, h.world.Users["grid_worker"].Name)} {
		if !strings.Contains(page, want) {
			t.Errorf("the task form lacks %s", want)
		}
	}
	// Who the coordinator picker leaves out, and CreateTask refusing them, is app's TestTaskPickersListOnlyWhatMayBeChosen.

	vid := h.world.Users["volunteer"].ID
	h.must(h.store.CreateVolunteer(context.Background(), &app.Volunteer{UserID: &vid, Name: "王志愿", CommunityID: a.Community.ID, Active: true, Skills: []string{"delivery"}}))
	status, page, _ = h.browser("volunteer").get("/me/tasks")
	if status != http.StatusOK || !strings.Contains(page, `<select id="f-task_id" name="task_id"`) || strings.Contains(page, `<input id="f-task_id"`) {
		t.Errorf("GET /me/tasks = %d; the hours form does not pick its task from a list", status)
	}

	for path, sel := range map[string]string{"/projects/new": "organization_id", "/volunteers/new": "grid_id", "/social-workers/new": "organization_id", "/donors/new": "organization_id"} {
		status, page, _ := worker.get(path)
		if status != http.StatusOK || !strings.Contains(page, fmt.Sprintf(`<select id="f-%s" name="%s"`, sel, sel)) {
			t.Errorf("GET %s = %d; %s is not a picker", path, status, sel)
		}
	}
	status, page, _ = h.browser("admin").get(fmt.Sprintf("/admin/users/%d", h.world.Users["resident"].ID))
	for _, sel := range []string{"grid_id", "organization_id"} {
		if status != http.StatusOK || !strings.Contains(page, fmt.Sprintf(`<select id="f-%s" name="%s"`, sel, sel)) {
			t.Errorf("the admin's user page = %d; the membership's %s is not a picker", status, sel)
		}
	}
}
