package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// A sign-up action returns to the form's "next" only when it is a path on this site: browsers
// read /\evil.example as //evil.example, so it must fall back to the task page.
func TestSignupNextStaysOnSite(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	h.volunteer(a)
	for _, next := range []string{`/\evil.example`, "//evil.example", "https://evil.example/"} {
		tk, sh := h.task(a, time.Duration(1000+2*next0())*time.Hour)
		b := h.browser("resident")
		status, _, loc := b.post(fmt.Sprintf("/shifts/%d/signup", sh.ID), url.Values{"next": {next}})
		if want := fmt.Sprintf("/tasks/%d", tk.ID); status != http.StatusSeeOther || loc != want {
			t.Errorf("sign up with next=%q = %d %q, want %d %q", next, status, loc, http.StatusSeeOther, want)
		}
	}
	// A local path is kept.
	_, sh := h.task(a, time.Duration(1000+2*next0())*time.Hour)
	if status, _, loc := h.browser("resident").post(fmt.Sprintf("/shifts/%d/signup", sh.ID), url.Values{"next": {"/me/tasks"}}); status != http.StatusSeeOther || loc != "/me/tasks" {
		t.Errorf("sign up with next=/me/tasks = %d %q", status, loc)
	}
}

func next0() int { return int(next()) }
