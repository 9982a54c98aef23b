package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPersonNamesAreLabelled姓名: a person's name is labelled 姓名 on every form and table that
// names people (issue 12 found 名称, the word for an organization's or a place's name), in
// the error summary too; organizations keep 名称.
func TestPersonNamesAreLabelled姓名(t *testing.T) {
	h := newHarness(t)
	label := `<label for="f-name">姓名 <span class="req"`
	pages := []struct{ user, path, want string }{
		{"", "/register", label},
		{"resident", "/volunteers/new", label},
		{"resident", "/social-workers/new", label},
		{"admin", "/admin/users", `<th scope="col">姓名</th>`},
		{"", "/social-workers", `<label for="q-q">姓名</label>`},
		{"resident", "/donors/new", `<label for="f-name">姓名或名称 <span class="req"`},
		{"admin", "/organizations/new", `<label for="f-name">名称 <span class="req"`},
	}
	for _, p := range pages {
		status, page, _ := h.browser(p.user).get(p.path)
		if status != http.StatusOK || !strings.Contains(page, p.want) {
			t.Errorf("GET %s as %q = %d, lacks %s", p.path, p.user, status, p.want)
		}
	}
	status, page, _ := h.browser("").post("/register", url.Values{"email": {"nameless@test.wushe"}, "password": {"Ginkgo-lantern-47"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `<a href="#f-name">姓名:`) {
		t.Errorf("registration without a name = %d; the error summary does not say 姓名", status)
	}
}
