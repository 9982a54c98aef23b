package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// apiFirst reads a list from the JSON API and returns the id of the first item for which keep
// says yes.
func apiFirst(t *testing.T, url string, keep func(map[string]any) bool) int64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode %s: %v", url, err)
	}
	for _, it := range out.Items {
		if keep(it) {
			id, _ := it["id"].(float64)
			return int64(id)
		}
	}
	t.Fatalf("%s: no item fits", url)
	return 0
}

// awardWinner reads an award from the API and returns the organization of a winning bid.
func awardWinner(t *testing.T, url string) int64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Bids []struct {
			OrganizationID int64 `json:"organization_id"`
			Won            *bool `json:"won"`
		} `json:"bids"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode %s: %v", url, err)
	}
	for _, b := range out.Bids {
		if b.Won != nil && *b.Won {
			return b.OrganizationID
		}
	}
	t.Fatalf("%s: no winning bid", url)
	return 0
}

// signIn signs in with a demo account through the login form.
func signIn(t *testing.T, ctx context.Context, base, login string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible("#f-login")); err != nil {
		t.Fatalf("login page: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-login", login),
		chromedp.SendKeys("#f-password", "demo-password-1"),
		chromedp.Submit("#f-login"),
		chromedp.WaitVisible(`form[action="/logout"]`),
	); err != nil {
		t.Fatalf("sign in as %s: %v", login, err)
	}
}

// signOut signs out through the header button.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`a[href="/login"]`)); err != nil {
		t.Fatalf("logout: %v", err)
	}
}

// TestBrowserMatchingJourney visits the tasks and tenders pages of the demo as the public, a
// volunteer and a community worker, with an accessibility audit of every page: the task
// list and a task, "tasks for me", the hours ledger, the tender list, an awarded tender and its award page,
// an organization with its record, the task edit form, the ranking weights page and batch
// assignment.
func TestBrowserMatchingJourney(t *testing.T) {
	t.Parallel()
	axePath := requireEnv(t, "WUSHE_TEST_AXE")
	axeJS, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	ctx := browserCtx(t)
	w := startDemo(t, true, nil)
	u := w.url
	visit := func(path string, sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(u+path), chromedp.WaitVisible(sel)); err != nil {
			t.Fatalf("visit %s: %v", path, err)
		}
		audit(t, ctx, axe, path)
	}
	taskID := apiFirst(t, u+"/api/v1/tasks?community_id=1&status=open", func(it map[string]any) bool { return true })
	tenderID := apiFirst(t, u+"/api/v1/tenders", func(it map[string]any) bool { return it["status"] == "awarded" })

	// The public: tasks and tenders.
	visit("/tasks", "main h1")
	visit(fmt.Sprintf("/tasks/%d", taskID), "main h1")
	visit("/tenders", "main h1")
	visit(fmt.Sprintf("/tenders/%d", tenderID), "main h1")
	text := textOf(t, ctx, "main")
	if !strings.Contains(text, "过往评价") || !strings.Contains(text, "中标记录") {
		t.Errorf("the awarded tender's bids do not show past evaluations: %s", text)
	}
	visit(fmt.Sprintf("/tenders/%d/award", tenderID), "main table")
	// The winner's page lists the contract among its awards.
	winner := awardWinner(t, fmt.Sprintf("%s/api/v1/tenders/%d/award", u, tenderID))
	visit(fmt.Sprintf("/organizations/%d", winner), "main h1")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "中标记录") || !strings.Contains(text, "得分") {
		t.Errorf("the winner's page does not list its award: %s", text)
	}

	// The demo volunteer: tasks ranked for them.
	signIn(t, ctx, u, "volunteer@wushe.local")
	visit("/me/tasks", "main h1")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "助餐送餐") {
		t.Errorf("tasks for the demo volunteer lack 助餐送餐: %s", text)
	}
	visit(fmt.Sprintf("/tasks/%d", taskID), "main h1")
	ledger, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main a[href$="/hours"]') || {getAttribute: () => ""}).getAttribute("href") || ""`))
	if err != nil || ledger == "" {
		t.Fatalf("the task page has no link to the volunteer's hours ledger (%v)", err)
	}
	visit(ledger, "main h1")
	signOut(t, ctx)

	// The community worker: edit a task, tune the weights.
	signIn(t, ctx, u, "worker@wushe.local")
	visit(fmt.Sprintf("/tasks/%d", taskID), "main h1")
	visit(fmt.Sprintf("/tasks/%d/edit", taskID), "#f-title")
	visit("/communities/1/weights", "main h1")
	visit("/communities/1/assignment", "main h1")
	signOut(t, ctx)
}
