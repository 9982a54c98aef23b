package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// scriptTag matches an opening <script> tag.
var scriptTag = regexp.MustCompile(`<script\b[^>]*>`)

// inlineScript reports whether a page has a script that is not loaded from /static (the CSP
// allows no other): the layout's type-ahead script is fine, an inline one is not.
func inlineScript(page string) bool {
	for _, tag := range scriptTag.FindAllString(page, -1) {
		if !strings.Contains(tag, ` src="/static/`) {
			return true
		}
	}
	return false
}

// TestGridFormPicksItsWorker: the grid form picks its worker from the community's workers
// (no typed user id), marks the picker for the type-ahead, whose script comes from /static
// (the CSP allows no inline script), and refuses a resident sent by hand on worker_id.
func TestGridFormPicksItsWorker(t *testing.T) {
	h := newHarness(t)
	a := h.world.A
	worker := h.browser("community_worker")
	status, page, _ := worker.get(fmt.Sprintf("/grids/new?community_id=%d", a.Community.ID))
	gw := h.world.Users["grid_worker"]
	for _, want := range []string{`<select id="f-worker_id" name="worker_id"`, ` data-filter `, fmt.Sprintf(`<optgroup label="%s">`, a.Community.Name),
		fmt.Sprintf(`<option value="%d">%s</option>`, gw.ID, gw.Name), `<script src="/static/picker.js?v=`} {
		if status != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("GET /grids/new = %d, lacks %s", status, want)
		}
	}
	if resident := h.world.Users["resident"]; strings.Contains(page, fmt.Sprintf(`<option value="%d">`, resident.ID)) {
		t.Error("the worker picker offers a resident")
	}
	if inlineScript(page) {
		t.Error("the page has an inline script")
	}
	status, body, _ := h.browser("").get("/static/picker.js")
	if status != http.StatusOK || !strings.Contains(body, "select[data-filter]") {
		t.Errorf("GET /static/picker.js = %d", status)
	}
	form := url.Values{"community_id": {id(a.Community.ID)}, "name": {"第9网格"}, "level": {"routine"}, "worker_id": {id(h.world.Users["resident"].ID)}}
	status, page, _ = worker.post("/grids", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-worker_id"`) {
		t.Errorf("a resident as the grid's worker = %d, want 422 on worker_id", status)
	}
	form.Set("worker_id", id(gw.ID))
	if status, _, loc := worker.post("/grids", form); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/grids/") {
		t.Errorf("the grid worker as the grid's worker = %d %s", status, loc)
	}
}
