package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// requireEnv returns an environment variable a test needs, skipping (or, in CI, failing)
// when it is absent.
func requireEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is not set but WUSHE_TEST_REQUIRE_SERVICES=1", name)
		}
		t.Skipf("%s not set; run ./scripts/test.sh for browser tests", name)
	}
	return v
}

// browserCtx starts headless Chromium with the flags that keep it off the network.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	chromium := requireEnv(t, "WUSHE_TEST_CHROMIUM")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844), // a phone: the pages are mobile-first
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// Every wait below polls for its condition (an element visible, a page loaded) until the
	// test's own deadline, not for a span sized for a quiet machine.
	ctx, cancel3 := context.WithDeadline(ctx, waitDeadline(t))
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// axeViolation is what axe-core reports for one rule.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// audit injects axe-core into the current page and fails on serious or critical violations.
func audit(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("inject axe on %s: %v", page, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, strings.Join(n.Target, " "))
			}
			t.Errorf("axe on %s: %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, where)
		}
	}
}

// TestBrowserJourney drives real headless Chromium through a resident's and a grid worker's
// day: register, sign in, file a need, see it in the grid worker's queue, switch language,
// with an accessibility audit of every page on the way.
func TestBrowserJourney(t *testing.T) {
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
	email := fmt.Sprintf("li.hua.%d@example.com", time.Now().UnixNano())
	var text string
	visit := func(path string, sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(u+path), chromedp.WaitVisible(sel)); err != nil {
			t.Fatalf("visit %s: %v", path, err)
		}
		audit(t, ctx, axe, path)
	}

	// Public pages first.
	visit("/", "main h1")
	visit("/needs", "main h1")
	visit("/communities/1", "main h1")
	for _, p := range []string{"/funds", "/funds/1", "/funds/1/ledger", "/pools/1", "/campaigns/1", "/disbursements/1"} { // funds (demo 东湖友邻基金)
		visit(p, "main h1")
	}

	// Register as a resident of 东湖社区.
	visit("/register", "#f-name")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-name", "李华"),
		chromedp.SendKeys("#f-email", email),
		chromedp.SendKeys("#f-password", "a long secret"),
		chromedp.SetValue("#f-community_id", "1"),
		chromedp.Submit("#f-name"),
		chromedp.WaitVisible(`form[action="/logout"]`),
	); err != nil {
		t.Fatalf("register: %v", err)
	}
	text = textOf(t, ctx, "main h1")
	if text != "李华" {
		t.Fatalf("after registering the page says %q: %s", text, textOf(t, ctx, "main"))
	}
	audit(t, ctx, axe, "/me")

	// Sign out and back in through the login form.
	if err := chromedp.Do(ctx, chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`a[href="/login"]`)); err != nil {
		t.Fatalf("logout: %v", err)
	}
	visit("/login", "#f-login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-login", email),
		chromedp.SendKeys("#f-password", "a long secret"),
		chromedp.Submit("#f-login"),
		chromedp.WaitVisible(".flash"),
	); err != nil {
		t.Fatalf("login: %v", err)
	}
	text = textOf(t, ctx, ".flash")
	if !strings.Contains(text, "李华") {
		t.Errorf("welcome message = %q", text)
	}

	// File a need in the first grid; a missing title is explained first.
	visit("/needs/new", "#f-grid_id")
	gridValue, err := chromedp.Run(ctx, chromedp.Value(`#f-grid_id option:nth-child(2)`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue("#f-grid_id", gridValue),
		chromedp.SetValue("#f-category", "meal_delivery"),
		chromedp.Click(`input[name="tier"][value="minor"]`),
		chromedp.Submit("#f-grid_id"),
		chromedp.WaitVisible("#error-summary"),
	); err != nil {
		t.Fatalf("submit without a title: %v", err)
	}
	text = textOf(t, ctx, "#e-title")
	if text != "必填" {
		t.Errorf("missing-title message = %q", text)
	}
	audit(t, ctx, axe, "/needs (errors)")
	title := fmt.Sprintf("三号楼独居老人需要送午餐 %d", time.Now().UnixNano()%10000)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-title", title),
		chromedp.SendKeys("#f-description", "王奶奶行动不便,每天中午需要送餐。"),
		chromedp.Submit("#f-title"),
		chromedp.WaitVisible(".flash"),
	); err != nil {
		t.Fatalf("file a need: %v", err)
	}
	text = textOf(t, ctx, "main h1")
	if text != title {
		t.Fatalf("need page title = %q, want %q", text, title)
	}
	audit(t, ctx, axe, "/needs/:id")

	// The grid worker of that grid finds it in the queue.
	if err := chromedp.Do(ctx, chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`a[href="/login"]`)); err != nil {
		t.Fatal(err)
	}
	visit("/login", "#f-login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-login", "grid@wushe.local"),
		chromedp.SendKeys("#f-password", "demo-password-1"),
		chromedp.Submit("#f-login"),
		chromedp.WaitVisible(".flash"),
	); err != nil {
		t.Fatalf("grid worker login: %v", err)
	}
	visit("/queue", "main h1")
	text = textOf(t, ctx, "main")
	if !strings.Contains(text, title) {
		t.Errorf("the grid worker's queue does not list the new need")
	}
	// …and in the inbox, counted in the header (issue 13).
	visit("/notifications", "main h1")
	if text = textOf(t, ctx, "main"); !strings.Contains(text, title) {
		t.Errorf("the grid worker's inbox does not show the new need: %s", text)
	}
	if text = textOf(t, ctx, `a[href="/notifications"] .badge`); text == "" || text == "0" {
		t.Errorf("the header shows no unread count")
	}
	visit("/notifications/settings", "main h1")
	visit("/queue", "main h1")

	// Switch to English with the header link; the choice sticks.
	if err := chromedp.Do(ctx,
		chromedp.Click(`nav.lang a`),
		chromedp.WaitVisible(`html[lang="en"] main h1`),
	); err != nil {
		t.Fatalf("switch language: %v", err)
	}
	text = textOf(t, ctx, "main h1")
	if text != "My queue" {
		t.Errorf("English queue title = %q", text)
	}
	audit(t, ctx, axe, "/queue (en)")
	visit("/needs/new", "#f-grid_id")
	lang, err := chromedp.Run(ctx, chromedp.AttributeValue("html", "lang"))
	if err != nil {
		t.Fatal(err)
	}
	if lang.Value != "en" {
		t.Errorf("language after navigating = %q", lang.Value)
	}
}

// textOf reads the text of the first element matching sel.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}
