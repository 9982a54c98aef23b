package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"
)

// summaryItem matches one line of the error summary: the field it links to and its text.
var summaryItem = regexp.MustCompile(`<li><a href="#f-([a-z_]+)">([^<:]*):`)

// TestErrorSummaryFollowsTheForm: the error summary lists errors in the order the form shows
// its fields (not by field name), each named by the label the form shows. Registration with
// no name, a short password and no community errs on name, password and community_id, which
// sort as community_id, name, password.
func TestErrorSummaryFollowsTheForm(t *testing.T) {
	h := newHarness(t)
	status, page, _ := h.browser("").post("/register", url.Values{"email": {fmt.Sprintf("order%d@test.wushe", next())}, "password": {"x"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("POST /register = %d, want 422", status)
	}
	var fields, labels []string
	for _, m := range summaryItem.FindAllStringSubmatch(page, -1) {
		fields, labels = append(fields, m[1]), append(labels, m[2])
	}
	if want := []string{"name", "password", "community_id"}; !slices.Equal(fields, want) {
		t.Errorf("summary lists %v, want the form's order %v", fields, want)
	}
	// The labels are the form's own (without the required marker).
	for i, f := range fields {
		label := regexp.MustCompile(`<label for="f-` + f + `">([^<]*)`).FindStringSubmatch(page)
		if label == nil || i >= len(labels) || labels[i] != regexp.MustCompile(`\s+$`).ReplaceAllString(label[1], "") {
			t.Errorf("summary names %s %q, the form labels it %v", f, labels[i], label)
		}
	}
}
