package main

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSearch types a query into the search box of every page in headless Chromium (a
// phone-sized window), lands on the results page with highlights and facets, narrows by a
// facet, and audits both pages with axe-core.
func TestBrowserSearch(t *testing.T) {
	t.Parallel()
	axeJS, err := os.ReadFile(requireEnv(t, "WUSHE_TEST_AXE"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := browserCtx(t)
	w := startDemo(t, true, nil)
	// Wait until the worker has built the index (the page would otherwise show the fallback).
	if !poll(t, func() bool {
		var res struct {
			Total    int  `json:"total"`
			Fallback bool `json:"fallback"`
		}
		getJSON(t, w.url+"/api/v1/search?q="+url.QueryEscape("养老"), &res)
		return res.Total > 0 && !res.Fallback
	}) {
		t.Fatal("index not built")
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(w.url+"/needs"),
		chromedp.WaitVisible("#site-q"),
		chromedp.SendKeys("#site-q", "养老"),
		chromedp.Submit("#site-q"),
		chromedp.WaitVisible("ol.search-hits mark"),
	); err != nil {
		t.Fatalf("search from the box: %v", err)
	}
	if first := textOf(t, ctx, "ol.search-hits li h3"); !strings.Contains(first, "养老") {
		t.Errorf("first hit %q", first)
	}
	audit(t, ctx, string(axeJS), "/search?q=养老")
	if err := chromedp.Do(ctx,
		chromedp.Click(`aside.facets a[href*="type=need"]`),
		chromedp.WaitVisible(`aside.facets a.selected`),
	); err != nil {
		t.Fatalf("facet: %v", err)
	}
	if got := textOf(t, ctx, "ol.search-hits li .badge"); got != "居民需求" {
		t.Errorf("after the need facet the first hit is a %q", got)
	}
	audit(t, ctx, string(axeJS), "/search?q=养老&type=need")
}
