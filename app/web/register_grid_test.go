package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestRegisterGridStep: the registration form offers the grid from the start (grouped by
// community, with "I don't know"), a grid alone is enough to register, a grid of another
// community is refused on grid_id, and the new resident's need form preselects their grid.
func TestRegisterGridStep(t *testing.T) {
	h := newHarness(t)
	a, b := h.world.A, h.world.B
	grid := a.Grids[0]

	anon := h.browser("")
	status, page, _ := anon.get("/register")
	if status != http.StatusOK {
		t.Fatalf("GET /register = %d", status)
	}
	for _, want := range []string{`name="grid_id"`, fmt.Sprintf(`<optgroup label="%s">`, a.Community.Name), fmt.Sprintf(`<option value="%d">%s</option>`, grid.ID, grid.Name), "不清楚,请社区工作人员分配"} {
		if !strings.Contains(page, want) {
			t.Errorf("the registration form before any submit lacks %s", want)
		}
	}

	form := func(email string, kv ...string) url.Values {
		v := url.Values{"name": {"新居民"}, "email": {email}, "password": {"Ginkgo-lantern-47"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	// Another community's grid: refused, naming the grid, nothing written.
	email := fmt.Sprintf("mixed%d@test.wushe", next())
	status, page, _ = h.browser("").post("/register", form(email, "community_id", id(b.Community.ID), "grid_id", id(grid.ID)))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-grid_id"`) {
		t.Errorf("a grid of another community = %d, want 422 on grid_id", status)
	}
	if st, _, _ := h.browser("").post("/login", url.Values{"login": {email}, "password": {"Ginkgo-lantern-47"}}); st == http.StatusSeeOther {
		t.Errorf("the refused registration created an account")
	}
	// Neither community nor grid: the community is required.
	status, page, _ = h.browser("").post("/register", form(fmt.Sprintf("none%d@test.wushe", next())))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-community_id"`) {
		t.Errorf("no community and no grid = %d, want 422 on community_id", status)
	}

	// The grid alone names the community.
	email = fmt.Sprintf("grid%d@test.wushe", next())
	me := h.browser("")
	status, _, loc := me.post("/register", form(email, "grid_id", id(grid.ID)))
	if status != http.StatusSeeOther || loc != "/me" {
		t.Fatalf("register with a grid only = %d %s", status, loc)
	}
	status, page, _ = me.get("/needs/new")
	if status != http.StatusOK {
		t.Fatalf("GET /needs/new = %d", status)
	}
	selected := regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(page)
	if selected == nil || selected[1] != id(grid.ID) {
		t.Errorf("the need form preselects %v, want the resident's grid %d", selected, grid.ID)
	}

	// "I don't know my grid": a community resident, and the need form does not guess among
	// several grids (the world's community has more than one, or the only one is chosen).
	me = h.browser("")
	status, _, _ = me.post("/register", form(fmt.Sprintf("nogrid%d@test.wushe", next()), "community_id", id(a.Community.ID)))
	if status != http.StatusSeeOther {
		t.Fatalf("register without a grid = %d", status)
	}
	_, page, _ = me.get("/needs/new")
	selected = regexp.MustCompile(`<option value="(\d+)" selected>`).FindStringSubmatch(page)
	if len(a.Grids) > 1 && selected != nil {
		t.Errorf("the need form guessed grid %s for a resident without a grid", selected[1])
	}
	if len(a.Grids) == 1 && (selected == nil || selected[1] != id(grid.ID)) {
		t.Errorf("the need form does not preselect the community's only grid")
	}
}
