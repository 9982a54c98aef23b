package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wushe/wushe/funds"
)

// TestBrowserPledge is issue 12's journey "pledge to a campaign and see it matched", in
// headless Chromium at phone width on the demo (no card payments): the resident pledges cash
// on a campaign's page, the community worker receives it from the campaign's list, the
// officer confirms it, and the resident finds it under 我的捐赠 with its match and a printable
// receipt whose code an outsider checks on the ledger page's form. Every page is audited with
// axe-core and checked for sideways scrolling; no id is typed anywhere.
func TestBrowserPledge(t *testing.T) {
	axeJS, err := os.ReadFile(requireEnv(t, "WUSHE_TEST_AXE"))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	ctx := browserCtx(t)
	w := startDemo(t, false, nil)
	u := w.url
	db := w.Store.DB(context.Background())
	var campaign, fund, resident int64
	if err := db.Raw(`SELECT id FROM campaigns WHERE status = 'open' ORDER BY id LIMIT 1`).Scan(&campaign).Error; err != nil || campaign == 0 {
		t.Fatalf("the demo has no open campaign (%v)", err)
	}
	if err := db.Raw(`SELECT fund_id FROM campaigns WHERE id = ?`, campaign).Scan(&fund).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(`SELECT id FROM users WHERE email = 'resident@wushe.local'`).Scan(&resident).Error; err != nil {
		t.Fatal(err)
	}
	campPath := fmt.Sprintf("/campaigns/%d", campaign)
	visit := func(path, sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(u+path), chromedp.WaitVisible(sel)); err != nil {
			t.Fatalf("visit %s: %v", path, err)
		}
		audit(t, ctx, axe, path)
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wide {
			t.Errorf("%s scrolls sideways at 390 px (%v)", path, err)
		}
	}
	submit := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, append(actions, chromedp.WaitVisible(".flash"))...); err != nil {
			t.Fatalf("submit: %v", err)
		}
	}

	signIn(t, ctx, u, "resident@wushe.local")
	visit(campPath, "#f-pledge_amount")
	submit(chromedp.SetValue("#f-pledge_amount", "300"), chromedp.SetValue("#f-pledge_method", "cash"),
		chromedp.Click(`form[action="`+campPath+`/pledges"] button[type="submit"]`))
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "¥300.00") || !strings.Contains(text, "待付款") {
		t.Fatalf("my gifts after pledging: %s", text)
	}
	audit(t, ctx, axe, "/me/gifts")
	signOut(t, ctx)

	// The newest pledge heads the worker's list.
	first := `.pledge-list > li:first-child `
	signIn(t, ctx, u, "worker@wushe.local")
	visit(campPath, first+`input[name="receipt_no"]`)
	if text := textOf(t, ctx, ".pledge-list > li:first-child h3"); !strings.Contains(text, "¥300.00") {
		t.Fatalf("the worker's first pledge is not the new one: %s", text)
	}
	submit(chromedp.SetValue(first+`input[name="receipt_no"]`, "DH-RJ-BROWSER"), chromedp.Click(first+`form[action$="/confirm"] button`))
	signOut(t, ctx)

	signIn(t, ctx, u, "officer@wushe.local")
	visit(campPath, first+`form.inline[action$="/confirm"] button`)
	submit(chromedp.Click(first + `form.inline[action$="/confirm"] button`))
	signOut(t, ctx)

	// What the page shows matched is what the pool reserved for the resident's gifts.
	var matched, confirmed int64
	if err := db.Raw(`SELECT COALESCE(SUM(m.amount), 0) FROM fund_matches m JOIN contributions c ON c.id = m.contribution_id
		WHERE c.user_id = ? AND m.status IN ('reserved', 'committed')`, resident).Scan(&matched).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(`SELECT COALESCE(SUM(amount - refunded), 0) FROM contributions WHERE user_id = ? AND status IN ('succeeded', 'refunded')`,
		resident).Scan(&confirmed).Error; err != nil || confirmed < 30000 {
		t.Fatalf("the resident's confirmed gifts: %d (%v)", confirmed, err)
	}
	signIn(t, ctx, u, "resident@wushe.local")
	visit("/me", `a[href="/me/gifts"]`)
	visit("/me/gifts", `a[href$="/receipt"]`)
	totals := textOf(t, ctx, ".gift-totals")
	if !strings.Contains(totals, funds.Fen(matched).String()) || !strings.Contains(totals, funds.Fen(confirmed).String()) {
		t.Errorf("totals %q, want %s confirmed and %s matched", totals, funds.Fen(confirmed).String(), funds.Fen(matched).String())
	}
	if err := chromedp.Do(ctx, chromedp.Click(`a[href$="/receipt"]`), chromedp.WaitVisible(".receipt-code")); err != nil {
		t.Fatalf("open the receipt: %v", err)
	}
	audit(t, ctx, axe, "receipt")
	receipt := textOf(t, ctx, "main")
	code := strings.TrimSpace(textOf(t, ctx, ".receipt-code"))
	if !strings.Contains(receipt, "东湖友邻基金") || !strings.Contains(receipt, "¥300.00") || len(code) != 29 {
		t.Errorf("receipt: %s (code %q)", receipt, code)
	}
	signOut(t, ctx)

	// An outsider checks the printed code on the ledger's form.
	visit(fmt.Sprintf("/funds/%d/ledger", fund), "#f-verify-code")
	if err := chromedp.Do(ctx, chromedp.SetValue("#f-verify-code", strings.ToLower(code)),
		chromedp.Submit("#f-verify-code"), chromedp.WaitVisible("#verified-h")); err != nil {
		t.Fatalf("verify: %v", err)
	}
	audit(t, ctx, axe, "/receipts/verify")
	if text := textOf(t, ctx, "main"); !strings.Contains(text, "¥300.00") || strings.Contains(text, "DH-RJ-BROWSER") {
		t.Errorf("verified receipt: %s", text)
	}
	visit("/receipts/verify?code=0000-0000-0000-0000-0000-0000", `.errors[role="alert"]`)
}
