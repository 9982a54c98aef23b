package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPickerFilter types into the type-ahead of a long picker (the project form's
// organizations, hundreds in the demo) at phone width: the search box appears above the
// <select> (static/picker.js), typing keeps only the matching choices, clearing brings all
// back, and nothing logs an error (the script comes from /static under the CSP).
func TestBrowserPickerFilter(t *testing.T) {
	w := startDemo(t, false, nil)
	ctx := browserCtx(t)
	signIn(t, ctx, w.url, "resident@wushe.local")
	if err := chromedp.Do(ctx, chromedp.Navigate(w.url+"/projects/new"), chromedp.WaitVisible("#f-organization_id")); err != nil {
		t.Fatalf("project form: %v", err)
	}
	type state struct {
		Filter  bool     `json:"filter"`
		Label   string   `json:"label"`
		Options []string `json:"options"`
		// Selected is the current choice, which stays whatever is typed (picker.js).
		Selected string `json:"selected"`
	}
	read := func() state {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(() => {
			const sel = document.querySelector("#f-organization_id");
			const box = sel.previousElementSibling;
			return {filter: !!box && box.classList.contains("picker-filter"), label: box ? box.getAttribute("aria-label") || "" : "",
				options: Array.from(sel.querySelectorAll("option")).filter(o => o.value !== "").map(o => o.textContent),
				selected: sel.value === "" ? "" : sel.options[sel.selectedIndex].textContent};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := read()
	if !before.Filter || before.Label == "" || len(before.Options) <= 20 {
		t.Fatalf("no labelled type-ahead above a picker of %d choices: %+v", len(before.Options), before.Filter)
	}
	// Type the second half of a choice's name: a part of a word, as people do.
	name := []rune(before.Options[len(before.Options)/2])
	q := string(name[len(name)/2:])
	if err := chromedp.Do(ctx, chromedp.SendKeys("#f-organization_id-filter", q)); err != nil {
		t.Fatal(err)
	}
	after := read()
	if len(after.Options) == 0 || len(after.Options) >= len(before.Options) {
		t.Errorf("typing %q left %d of %d choices", q, len(after.Options), len(before.Options))
	}
	for _, o := range after.Options {
		if o == after.Selected {
			continue // the current choice stays (the demo resident's own organization is preselected)
		}
		if !strings.Contains(strings.ToLower(strings.Join(strings.Fields(o), "")), strings.ToLower(strings.Join(strings.Fields(q), ""))) {
			// A choice may stay because its community's name matches; the demo's do not.
			t.Errorf("typing %q kept %q", q, o)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { const box = document.querySelector("#f-organization_id-filter"); box.value = ""; box.dispatchEvent(new Event("input")); })()`)); err != nil {
		t.Fatal(err)
	}
	if again := read(); len(again.Options) != len(before.Options) {
		t.Errorf("clearing the filter shows %d of %d choices", len(again.Options), len(before.Options))
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the form scrolls sideways with the filter (%v)", err)
	}
}
