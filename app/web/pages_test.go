package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/templates"
)

func TestFormErrorsInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		lang, required, page string
	}{
		{"zh-CN", "必填", "请修改以下内容"},
		{"en", "Required", "Please correct the following"},
	} {
		b := h.browser("resident")
		b.lang = tc.lang
		status, body, _ := b.post("/needs", url.Values{"grid_id": {fmt.Sprint(h.world.A.Grids[0].ID)}, "category": {"health"}, "tier": {"minor"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: invalid form = %d", tc.lang, status)
		}
		if !strings.Contains(body, tc.page) || !regexp.MustCompile(`id="e-title">`+tc.required).MatchString(body) {
			t.Errorf("%s: the form does not explain the missing title", tc.lang)
		}
		if !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("%s: the invalid field is not marked for screen readers", tc.lang)
		}
		// What the user typed is kept.
		if !strings.Contains(body, `value="health" selected`) {
			t.Errorf("%s: the chosen category was lost", tc.lang)
		}
	}
	ns, total, err := h.app.Needs(context.Background(), app.NeedFilter{})
	if err != nil || total != 0 {
		t.Fatalf("rejected forms wrote %d needs (%v)", len(ns), err)
	}
	// A valid form files the need and redirects to it.
	b := h.browser("resident")
	status, _, loc := b.post("/needs", url.Values{"grid_id": {fmt.Sprint(h.world.A.Grids[0].ID)}, "category": {"health"}, "tier": {"minor"}, "title": {"想测血压"},
		"window_start": {"2026-11-25T09:00"}, "window_end": {"2026-11-25T08:00"}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("window ending before it starts = %d %s", status, loc)
	}
	status, _, loc = b.post("/needs", url.Values{"grid_id": {fmt.Sprint(h.world.A.Grids[0].ID)}, "category": {"health"}, "tier": {"minor"}, "title": {"想测血压"},
		"window_start": {"2026-11-25T09:00"}, "window_end": {"2026-11-25T10:00"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/needs/") {
		t.Fatalf("valid form = %d %s", status, loc)
	}
	_, body, _ := b.get(loc)
	if !strings.Contains(body, "想测血压") || !strings.Contains(body, "2026-11-25 09:00") {
		t.Errorf("the need page lacks the title or the local window time")
	}
	// Forms without the CSRF token are refused.
	status, _, _ = b.post("/needs", url.Values{"_csrf": {"forged"}, "title": {"x"}})
	if status != http.StatusForbidden {
		t.Errorf("forged CSRF token = %d, want 403", status)
	}
}

func TestLanguageSwitchAndMasking(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	cid := h.world.A.Community.ID
	v := &app.Volunteer{Name: "欧阳娜娜", Mobile: "13812341234", CommunityID: cid, Active: true, Skills: []string{"delivery"}}
	h.must(h.store.CreateVolunteer(ctx, v))
	o := &app.Organization{Name: "公开组织", Kind: "social_org", CommunityID: &cid, ContactName: "张三", ContactPhone: "13912345678", Categories: []string{}}
	h.must(h.store.CreateOrganization(ctx, o))
	anon := h.browser("")
	for _, path := range []string{"/volunteers", fmt.Sprintf("/volunteers/%d", v.ID), fmt.Sprintf("/organizations/%d", o.ID)} {
		_, body, _ := anon.get(path)
		for _, secret := range []string{"13812341234", "欧阳娜娜", "13912345678", "张三"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %q to the public", path, secret)
			}
		}
	}
	_, body, _ := anon.get(fmt.Sprintf("/volunteers/%d", v.ID))
	if !strings.Contains(body, "欧***") {
		t.Errorf("the volunteer's masked name is missing")
	}
	_, body, _ = anon.get(fmt.Sprintf("/organizations/%d", o.ID))
	if !strings.Contains(body, "139****5678") || !strings.Contains(body, "张*") {
		t.Errorf("the organization's contact is not shown masked")
	}
	// The worker of the community sees the number.
	_, body, _ = h.browser("community_worker").get(fmt.Sprintf("/volunteers/%d", v.ID))
	if !strings.Contains(body, "13812341234") {
		t.Errorf("the community worker does not see the volunteer's number")
	}
	// Chinese by default; ?lang=en switches and is remembered.
	_, body, _ = anon.get("/")
	if !strings.Contains(body, `<html lang="zh-CN">`) || !strings.Contains(body, "居民需求") {
		t.Errorf("default page is not Chinese")
	}
	_, body, _ = anon.get("/?lang=en")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Needs") {
		t.Errorf("?lang=en did not switch")
	}
	_, body, _ = anon.get("/needs")
	if !strings.Contains(body, `<html lang="en">`) {
		t.Errorf("the language choice was not remembered")
	}
}

func TestListPagesDoNotQueryPerRow(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	cid := h.world.A.Community.ID
	for i := 0; i < 30; i++ {
		h.need(h.sides()[i%2])
		h.must(h.store.CreateVolunteer(ctx, &app.Volunteer{Name: "志愿者", CommunityID: cid, Active: true, Skills: []string{"delivery", "cooking"}}))
		h.must(h.store.CreateOrganization(ctx, &app.Organization{Name: fmt.Sprintf("组织%d", i), Kind: "social_org", CommunityID: &cid, Categories: []string{"health"}}))
		h.voting(h.sides()[i%2]) // projects in a vote: supports, tallies
		h.project(h.sides()[i%2], app.ProjectDraft)
	}
	counts := map[string]int{}
	h.token("community_worker")
	for _, path := range []string{"/api/v1/needs?per_page=10", "/api/v1/needs?per_page=60", "/api/v1/volunteers?per_page=10", "/api/v1/volunteers?per_page=40",
		"/api/v1/organizations?per_page=10", "/api/v1/organizations?per_page=40", "/api/v1/projects?per_page=10", "/api/v1/projects?per_page=40",
		"/api/v1/projects?mine=true&per_page=10", "/api/v1/projects?mine=true&per_page=40"} {
		n := h.store.CountQueries(func() {
			if status, _ := h.api(http.MethodGet, path, "community_worker", nil); status != http.StatusOK {
				t.Fatalf("%s = %d", path, status)
			}
		})
		counts[path] = n
	}
	for _, pair := range [][2]string{{"/api/v1/needs?per_page=10", "/api/v1/needs?per_page=60"},
		{"/api/v1/volunteers?per_page=10", "/api/v1/volunteers?per_page=40"}, {"/api/v1/organizations?per_page=10", "/api/v1/organizations?per_page=40"},
		{"/api/v1/projects?per_page=10", "/api/v1/projects?per_page=40"}, {"/api/v1/projects?mine=true&per_page=10", "/api/v1/projects?mine=true&per_page=40"}} {
		if counts[pair[0]] != counts[pair[1]] {
			t.Errorf("queries grow with the page size: %s → %d, %s → %d", pair[0], counts[pair[0]], pair[1], counts[pair[1]])
		}
	}
}

// TestCatalogs checks that both languages have the same messages and that every message id
// the code and templates use exists.
func TestCatalogs(t *testing.T) {
	t.Parallel()
	cats := map[string]map[string]string{}
	for _, l := range []string{"zh-CN", "en"} {
		files, _ := fs.Glob(templates.FS(), "locales/*"+l+".json")
		cats[l] = map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(templates.FS(), f)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for k, v := range m {
				if _, dup := cats[l][k]; dup {
					t.Errorf("%s: %q is defined twice", f, k)
				}
				cats[l][k] = v
			}
		}
	}
	for k := range cats["zh-CN"] {
		if _, ok := cats["en"][k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range cats["en"] {
		if _, ok := cats["zh-CN"][k]; !ok {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
	used := map[string]bool{}
	tmplID := regexp.MustCompile(`\.T "([a-z_.]+)"|"(?:Label|Hint)" "([a-z_.]+)"`)
	_ = fs.WalkDir(templates.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, _ := fs.ReadFile(templates.FS(), path)
		for _, m := range tmplID.FindAllStringSubmatch(string(b), -1) {
			used[m[1]+m[2]] = true
		}
		return nil
	})
	goID := regexp.MustCompile(`(?:Msg|Errorf|Add|\.T|done)\((?:[^()"]*, )?"([a-z_]+\.[a-z_.]+)"`)
	for _, dir := range []string{"..", "."} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			for _, m := range goID.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = true
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d message ids in use; the scan is broken", len(used))
	}
	for id := range used {
		if _, ok := cats["zh-CN"][id]; !ok {
			t.Errorf("message %q is used but not in the catalogs", id)
		}
	}
	// Enumerations shown through .Enum need every value.
	for group, values := range map[string][]string{"status": app.NeedStatuses, "tier": app.NeedTiers, "kind": app.CommunityKinds,
		"level_grid": app.GridLevels, "org_kind": app.OrganizationKinds, "cert": app.CertificationLevels, "donor_kind": app.DonorKinds,
		"project_status": app.ProjectStatuses, "day": app.DayCodes} {
		for _, v := range values {
			if _, ok := cats["en"][group+"."+v]; !ok {
				t.Errorf("catalogs lack %s.%s", group, v)
			}
		}
	}
	for _, r := range app.Roles {
		if _, ok := cats["en"]["role."+string(r)]; !ok {
			t.Errorf("catalogs lack role.%s", r)
		}
	}
}
