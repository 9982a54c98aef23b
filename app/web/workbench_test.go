package web_test

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The workbench lists, per role, exactly the staff pages that role may use, each of which
// answers 200 for it; the header and /me link it only for staff.
func TestWorkbenchPerRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, b := id(h.world.A.Community.ID), id(h.world.B.Community.ID)
	community := func(cid string) []string {
		return []string{"/communities/" + cid + "/assignment", "/communities/" + cid + "/weights", "/imports/new?community_id=" + cid,
			"/shop?community_id=" + cid, "/communities/" + cid + "/project-settings"}
	}
	manager := append([]string{"/queue", "/disbursements", "/meetings", "/dashboards", "/audit", "/exports"}, community(a)...)
	want := map[string][]string{
		"grid_worker":           {"/queue", "/dashboards"},
		"community_worker":      manager,
		"committee_member":      {"/disbursements", "/meetings", "/dashboards", "/audit", "/exports"},
		"civil_affairs_officer": manager,
		"admin":                 append(slices.Clone(manager), community(b)...),
	}
	href := regexp.MustCompile(`<li><a href="([^"]+)">`)
	for role, links := range want {
		br := h.browser(role)
		status, body, _ := br.get("/workbench")
		if status != http.StatusOK {
			t.Fatalf("%s: /workbench %d", role, status)
		}
		main := body[strings.Index(body, "<main"):]
		var got []string
		for _, m := range href.FindAllStringSubmatch(main, -1) {
			got = append(got, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
		slices.Sort(got)
		exp := slices.Clone(links)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("%s: workbench links\n got %v\nwant %v", role, got, exp)
		}
		for _, l := range got {
			if st, _, _ := br.get(l); st != http.StatusOK {
				t.Errorf("%s: listed %s answers %d", role, l, st)
			}
		}
		if strings.Contains(body, "style=") || inlineScript(body) {
			t.Errorf("%s: inline style or script", role)
		}
		_, me, _ := br.get("/me")
		if !strings.Contains(me, `href="/workbench"`) {
			t.Errorf("%s: /me does not link the workbench", role)
		}
	}
	for _, role := range []string{"resident", "volunteer", "donor", "org_member"} {
		br := h.browser(role)
		if st, _, _ := br.get("/workbench"); st != http.StatusForbidden {
			t.Errorf("%s: /workbench %d, want 403", role, st)
		}
		_, home, _ := br.get("/")
		_, me, _ := br.get("/me")
		if strings.Contains(home+me, `href="/workbench"`) {
			t.Errorf("%s: the navigation links the workbench", role)
		}
	}
	if st, _, _ := h.browser("").get("/workbench"); st != http.StatusSeeOther && st != http.StatusUnauthorized {
		t.Errorf("anonymous: /workbench %d, want a sign-in", st)
	}
	en := h.browser("community_worker")
	en.lang = "en"
	if _, body, _ := en.get("/workbench"); !strings.Contains(body, "Batch assignment") || !strings.Contains(body, "Workbench") {
		t.Error("the English workbench is not in English")
	}
}

// The committee and the civil-affairs officers read the audit log without naming a
// community, and see only their scope's entries.
func TestAuditLogOfScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct {
		user string
		grid int64
	}{{"resident", h.world.A.Grids[0].ID}, {"resident_b", h.world.B.Grids[0].ID}} {
		if st, out := h.api(http.MethodPost, "/api/v1/needs", c.user, map[string]any{"grid_id": c.grid, "category": "meal_delivery", "tier": "minor", "title": "送餐"}); st != http.StatusCreated {
			t.Fatalf("file need: %d %v", st, out)
		}
	}
	a, b := float64(h.world.A.Community.ID), float64(h.world.B.Community.ID)
	for user, want := range map[string][]float64{"committee_member": {a}, "civil_affairs_officer": {a}, "community_worker": {a}, "worker_b": {b}, "admin": {a, b}} {
		if st, _, _ := h.browser(user).get("/audit"); st != http.StatusOK {
			t.Errorf("%s: /audit %d, want 200", user, st)
		}
		st, out := h.api(http.MethodGet, "/api/v1/audit-events?per_page=100", user, nil)
		if st != http.StatusOK {
			t.Fatalf("%s: audit events %d %v", user, st, out)
		}
		seen := map[float64]bool{}
		for _, it := range out["items"].([]any) {
			cid, _ := it.(map[string]any)["community_id"].(float64)
			if user != "admin" && !slices.Contains(want, cid) {
				t.Errorf("%s sees an audit entry of community %v", user, it.(map[string]any)["community_id"])
			}
			seen[cid] = true
		}
		for _, c := range want {
			if !seen[c] {
				t.Errorf("%s does not see the entries of community %v", user, c)
			}
		}
	}
	for _, user := range []string{"resident", "grid_worker", "org_member"} {
		if st, _, _ := h.browser(user).get("/audit"); st != http.StatusForbidden {
			t.Errorf("%s: /audit %d, want 403", user, st)
		}
	}
}

// A community's public summary opens without signing in, is linked from the community page,
// and shows this year's figures equal to the dashboard API's, with no by-grid table.
func TestCommunitySummaryPublic(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i, title := range []string{"送餐", "修水管", "陪诊"} {
		if st, out := h.api(http.MethodPost, "/api/v1/needs", "resident",
			map[string]any{"grid_id": h.world.A.Grids[i%2].ID, "category": "meal_delivery", "tier": "minor", "title": title}); st != http.StatusCreated {
			t.Fatalf("file need: %d %v", st, out)
		}
	}
	year := fixedNow.In(h.app.Location()).Format("2006")
	path := "/communities/" + id(h.world.A.Community.ID)
	st, api := h.api(http.MethodGet, "/api/v1/dashboards"+path+"?from="+year+"-01-01&to="+year+"-12-31", "community_worker", nil)
	if st != http.StatusOK {
		t.Fatalf("api: %d %v", st, api)
	}
	anon := h.browser("")
	st, body, _ := anon.get(path + "/summary")
	if st != http.StatusOK {
		t.Fatalf("anonymous summary: %d", st)
	}
	needs := api["needs"].(map[string]any)
	dd := regexp.MustCompile(`<dd>([^<]*)</dd>`).FindAllStringSubmatch(body, -1)
	if len(dd) < 3 || dd[0][1] != fmtNum(needs["filed"]) || dd[1][1] != fmtNum(needs["resolved"]) || dd[0][1] != "3" {
		t.Errorf("summary figures %v, API needs %v", dd, needs)
	}
	if li := fmtNum(api["linkage_index"]) + " / 100"; !strings.Contains(body, "<dd>"+li+"</dd>") {
		t.Errorf("summary lacks the linkage index %q", li)
	}
	if strings.Contains(body, "/grids/") || strings.Contains(body, "style=") || strings.Contains(body, "测试resident") {
		t.Error("the summary carries grid rows, inline style or a person's name")
	}
	if n := strings.Count(body, `<svg class="chart"`); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	if _, show, _ := anon.get(path); !strings.Contains(show, `href="`+path+`/summary"`) {
		t.Error("the community page does not link the summary")
	}
	if st, _, _ := anon.get("/communities/999999/summary"); st != http.StatusNotFound {
		t.Errorf("unknown community: %d, want 404", st)
	}
}

func fmtNum(v any) string { return strconv.FormatFloat(v.(float64), 'f', -1, 64) }

// The public summary as JSON answers without signing in with exactly the public subset of
// the community dashboard API for this calendar year, and nothing else.
func TestCommunitySummaryAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i, title := range []string{"送餐", "修水管"} {
		if st, out := h.api(http.MethodPost, "/api/v1/needs", "resident",
			map[string]any{"grid_id": h.world.A.Grids[i%2].ID, "category": "meal_delivery", "tier": "minor", "title": title}); st != http.StatusCreated {
			t.Fatalf("file need: %d %v", st, out)
		}
	}
	year := fixedNow.In(h.app.Location()).Format("2006")
	path := "/communities/" + id(h.world.A.Community.ID)
	st, dash := h.api(http.MethodGet, "/api/v1/dashboards"+path+"?from="+year+"-01-01&to="+year+"-12-31", "community_worker", nil)
	if st != http.StatusOK {
		t.Fatalf("dashboard: %d %v", st, dash)
	}
	st, sum := h.api(http.MethodGet, "/api/v1"+path+"/summary", "", nil)
	if st != http.StatusOK {
		t.Fatalf("anonymous summary: %d %v", st, sum)
	}
	dn := dash["needs"].(map[string]any)
	want := map[string]any{
		"id": dash["id"], "name": dash["name"], "period": dash["period"],
		"needs": map[string]any{"filed": dn["filed"], "resolved": dn["resolved"], "on_time": dn["on_time"]},
		"funds": dash["funds"], "volunteers": dash["volunteers"],
		"linkage_index": dash["linkage_index"], "linkage_parts": dash["linkage_parts"],
	}
	if !reflect.DeepEqual(sum, want) {
		t.Errorf("summary\n%v\nwant the dashboard's public subset\n%v", sum, want)
	}
	if dn["filed"] != float64(2) {
		t.Errorf("dashboard filed %v, want the 2 needs just filed", dn["filed"])
	}
	if st, _ := h.api(http.MethodGet, "/api/v1/communities/999999/summary", "", nil); st != http.StatusNotFound {
		t.Errorf("unknown community: %d, want 404", st)
	}
}
