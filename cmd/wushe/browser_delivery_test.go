package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDeliveryJourney walks steps 4–6 of the demo on a phone-sized screen with an
// accessibility audit of every page: the public reads the completed 口袋公园, its money trail
// and the community's roll-up; the community worker posts an update on the 助餐点 and
// completes it; the resident rates it.
func TestBrowserDeliveryJourney(t *testing.T) {
	axePath := requireEnv(t, "WUSHE_TEST_AXE")
	axeJS, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	w := startWushe(t, func(c *Config) { c.Demo = true })
	ctx := browserCtx(t) // after the demo loads: the browser's deadline covers the walk only
	u := w.url
	visit := func(path string, sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(u+path), chromedp.WaitVisible(sel)); err != nil {
			t.Fatalf("visit %s: %v", path, err)
		}
		audit(t, ctx, axe, path)
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wide {
			t.Errorf("%s scrolls sideways at 390px (%v)", path, err)
		}
	}
	project := func(title string) int64 {
		return apiFirst(t, u+"/api/v1/projects?q="+url.QueryEscape(title), func(it map[string]any) bool { return it["title"] == title })
	}
	park, meals := project("口袋公园改造"), project("东湖长者食堂")

	// The public: the completed project, its accountability view and the roll-up.
	visit(fmt.Sprintf("/projects/%d", park), "#rating")
	if text := textOf(t, ctx, "#rating"); !strings.Contains(text, "5 人评价") {
		t.Errorf("the park's ratings are not shown: %s", text)
	}
	visit(fmt.Sprintf("/projects/%d/accountability", park), "main h1")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "商户") || !strings.Contains(text, "材料发票.png") {
		t.Errorf("the money trail lacks sources or evidence: %s", text)
	}
	visit("/communities/1/project-ratings", "main h1")

	// The community worker posts an update and completes the 助餐点.
	signIn(t, ctx, u, "worker@wushe.local")
	visit(fmt.Sprintf("/projects/%d", meals), "#f-text")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-text", "正式开餐,每天供应午餐 60 份。"),
		chromedp.SendKeys("#f-percent_done", "90"),
		chromedp.Submit("#f-text"),
		chromedp.WaitVisible(".flash"),
	); err != nil {
		t.Fatalf("post an update: %v", err)
	}
	if text := textOf(t, ctx, "#timeline"); !strings.Contains(text, "正式开餐") {
		t.Errorf("the timeline lacks the update: %s", text)
	}
	audit(t, ctx, axe, "/projects/:id (after update)")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-report", "助餐点已正式运营,验收通过。"),
		chromedp.Submit("#f-report"),
		chromedp.WaitVisible("#rating"), // shown once the project is completed
	); err != nil {
		t.Fatalf("complete: %v", err)
	}
	if text := textOf(t, ctx, ".flash"); !strings.Contains(text, "已完工") {
		t.Errorf("completion flash = %q", text)
	}
	signOut(t, ctx)

	// The resident rates it.
	signIn(t, ctx, u, "resident@wushe.local")
	visit(fmt.Sprintf("/projects/%d", meals), `form[action$="/ratings"]`)
	if err := chromedp.Do(ctx,
		chromedp.Click(`input[name="outcome"][value="5"]`),
		chromedp.Click(`input[name="timeliness"][value="4"]`),
		chromedp.Click(`input[name="value"][value="5"]`),
		chromedp.SendKeys(`#f-comment`, "老人吃得很满意"),
		chromedp.Submit(`form[action$="/ratings"] button`),
		chromedp.WaitVisible(".flash"),
	); err != nil {
		t.Fatalf("rate: %v", err)
	}
	if text := textOf(t, ctx, ".flash"); !strings.Contains(text, "感谢评价") {
		t.Errorf("rating flash = %q", text)
	}
	if text := textOf(t, ctx, "#rating"); !strings.Contains(text, "1 人评价") || !strings.Contains(text, "修改我的评价") {
		t.Errorf("after rating: %s", text)
	}
	audit(t, ctx, axe, "/projects/:id (rated)")
}
