package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserProjectDeliberation walks the demo's 东湖社区 projects through steps 2 and 3 in
// headless Chromium at phone width: the demo resident (registered in a grid) supports
// 3号楼加装楼道扶手 and votes on the 楼道灯 project; the community worker opens the vote on
// the project that reached its threshold and closes the 楼道灯 vote, which the resident's vote
// brought to its quorum. Every page is audited with axe-core.
func TestBrowserProjectDeliberation(t *testing.T) {
	axeJS, err := os.ReadFile(requireEnv(t, "WUSHE_TEST_AXE"))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	ctx := browserCtx(t)
	w := startWushe(t, func(c *Config) { c.Demo = true })
	u := w.url
	find := func(title string) int64 {
		return apiFirst(t, u+"/api/v1/projects?community_id=1&per_page=100&q="+url.QueryEscape(title), func(it map[string]any) bool { return true })
	}
	rail, lamp, kiosk := find("楼道扶手"), find("楼道灯更换"), find("垃圾分类亭")
	visit := func(path, sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(u+path), chromedp.WaitVisible(sel)); err != nil {
			t.Fatalf("visit %s: %v", path, err)
		}
		audit(t, ctx, axe, path)
	}
	// click submits a one-button form and waits for the flash of the page it leads to.
	click := func(sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(sel), chromedp.WaitVisible(".flash")); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	visit(fmt.Sprintf("/projects/%d", rail), "main h1")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "7 / 10 人支持") || !strings.Contains(text, "议事") {
		t.Errorf("the deliberating project does not show 7 of 10 supports: %s", text)
	}
	visit("/meetings", "main h1")

	signIn(t, ctx, u, "resident@wushe.local")
	visit(fmt.Sprintf("/projects/%d", rail), "#support")
	click("#support")
	visit(fmt.Sprintf("/projects/%d", rail), "main h1")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "8 / 10 人支持") || !strings.Contains(text, "你已支持") {
		t.Errorf("after supporting: %s", text)
	}
	visit(fmt.Sprintf("/projects/%d", lamp), "#cast-vote")
	if err := chromedp.Do(ctx, chromedp.Click("#vote-yes"), chromedp.Click("#cast-vote"), chromedp.WaitVisible(".flash")); err != nil {
		t.Fatalf("vote: %v", err)
	}
	visit(fmt.Sprintf("/projects/%d", lamp), "main h1")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "你已投票:赞成") || !strings.Contains(text, "已投 10 票") {
		t.Errorf("after voting: %s", text)
	}
	signOut(t, ctx)

	signIn(t, ctx, u, "worker@wushe.local")
	visit(fmt.Sprintf("/projects/%d", kiosk), "#open-vote")
	click("#open-vote")
	visit(fmt.Sprintf("/projects/%d", kiosk), "#h-vote")
	visit(fmt.Sprintf("/projects/%d", lamp), "#close-vote")
	click("#close-vote")
	visit(fmt.Sprintf("/projects/%d", lamp), "main h1")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "已立项") || !strings.Contains(text, "居民表决通过") {
		t.Errorf("the closed vote did not approve the project: %s", text)
	}
	visit("/communities/1/project-settings", "#f-quorum")
	visit("/meetings/new?community_id=1", "#f-title")
}
