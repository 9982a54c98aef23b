package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wushe/wushe/templates"
)

// pageRoles are the people the every-page test walks as: the public (in Chinese and in
// English) and each demo role. Each gets its own browser context, so cookies never mix.
var pageRoles = []struct{ name, login, lang string }{
	{"public", "", "zh-CN"},
	{"public-en", "", "en"},
	{"resident", "resident@wushe.local", "zh-CN"},
	{"volunteer", "volunteer@wushe.local", "zh-CN"},
	{"grid-worker", "grid@wushe.local", "zh-CN"},
	{"community-worker", "worker@wushe.local", "zh-CN"},
	{"committee", "committee@wushe.local", "zh-CN"},
	{"officer", "officer@wushe.local", "zh-CN"},
	{"organization", "org@wushe.local", "zh-CN"},
	{"bidder", "bidder1@wushe.local", "zh-CN"},
	{"admin", "admin@wushe.local", "zh-CN"},
}

// pageWidths are a phone's and a desktop's viewport widths.
var pageWidths = []int64{390, 1280}

// unreachablePages are templates no GET link in the demo leads to, each with the URL that
// shows it, so the test still covers them.
var extraPages = map[string][]string{
	// error.html (a 404 the test expects); the certificate check's empty form (a printed
	// certificate links it with a code).
	"public": {"/no-such-page", "/certificates/verify"},
	// No page links to a community's ranking weights, batch assignment or project settings
	// (settings only from a project in a deciding state). The exports page is linked from
	// the workbench, a certificate from the volunteer's page: seeded so the sweep need not
	// find them.
	"community-worker": {"/communities/1/weights", "/communities/1/assignment", "/communities/1/project-settings", "/exports", "/volunteers/1/certificate"},
}

// notInDemo are page templates the demo's data never shows, with the reason; the coverage
// check skips them (and says so) rather than pass silently.
var notInDemo = map[string]string{
	"tender_evaluate": "the demo has no tender in its evaluation stage (closed, not yet awarded)",
}

// screenshotPatterns are the main pages whose phone-width screenshots a reviewer looks at.
var screenshotPatterns = map[string]bool{
	"/": true, "/needs": true, "/needs/:id": true, "/projects": true, "/projects/:id": true,
	"/tasks": true, "/tasks/:id": true, "/tenders": true, "/tenders/:id": true, "/funds": true,
	"/funds/:id": true, "/funds/:id/ledger": true, "/pools/:id": true, "/campaigns/:id": true,
	"/register": true, "/needs/new": true, "/me": true, "/queue": true, "/search": true,
	"/dashboards/communities/:id": true, "/dashboards/city": true, "/workbench": true,
}

// pageProblem is one failure on one page.
type pageProblem struct{ role, url, what string }

// pageTabs is how many tabs each role's crawl opens at once (WUSHE_TEST_PAGE_TABS, default 2).
// Roles run as parallel subtests (as many as -parallel allows), so the browser has roles × tabs
// pages loading at a time: while one tab waits for the server, another renders or runs axe.
func pageTabs(t *testing.T) int {
	if v := os.Getenv("WUSHE_TEST_PAGE_TABS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("WUSHE_TEST_PAGE_TABS=%q: want a positive number", v)
		}
		return n
	}
	return 2
}

// walkStats counts the work of the whole walk, for the log and docs/ux.md.
type walkStats struct {
	visits, axeRuns, axeSkipped, linkChecks atomic.Int64
	// Time spent, summed over tabs, in nanoseconds.
	navigate, measure, axe, links, shots atomic.Int64
}

// add records how long a phase took.
func (s *walkStats) add(phase *atomic.Int64, began time.Time) { phase.Add(int64(time.Since(began))) }

func (s *walkStats) String() string {
	d := func(a *atomic.Int64) time.Duration { return time.Duration(a.Load()).Round(time.Second) }
	return fmt.Sprintf("%d visits, axe run %d times (%d skipped as already audited), %d links checked; tab time: navigate %s, measure %s, axe %s, links %s, screenshots %s",
		s.visits.Load(), s.axeRuns.Load(), s.axeSkipped.Load(), s.linkChecks.Load(),
		d(&s.navigate), d(&s.measure), d(&s.axe), d(&s.links), d(&s.shots))
}

// TestBrowserEveryPage visits every page template reachable in the demo, as the public and as
// each demo role, at 390 px and 1280 px, by following the links of each page from the home page
// (one URL per route pattern and role). It fails on horizontal overflow, any console error (CSP
// violations included), any serious or critical axe-core violation, any 5xx, and any link that
// answers 404; and it fails when a page template was never rendered. Phone-width screenshots of
// the main pages go to $WUSHE_TEST_SCREENSHOTS (default: a wushe-screenshots folder in the
// temporary directory), which is never committed.
//
// What keeps it cheap: one browser; each role a browser context with a few tabs crawling at once;
// one URL per route pattern and role; axe-core at phone width once per page structure (template
// and the set of element kinds on the page — see pageShape), since another visit to the same
// structure can only repeat its findings, and at desktop width once per template; and a link the crawl will open anyway is not also fetched.
func TestBrowserEveryPage(t *testing.T) {
	axeJS, err := os.ReadFile(requireEnv(t, "WUSHE_TEST_AXE"))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	root := pagesBrowser(t)
	tabs := pageTabs(t)
	w := startDemo(t, true, nil) // a copy of the loaded, indexed demo: no load or reindex per run
	shots := os.Getenv("WUSHE_TEST_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "wushe-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	var (
		mu       sync.Mutex
		problems []pageProblem
		rendered = map[string]bool{}
		audited  sync.Map
		stats    walkStats
	)
	report := func(role, u, what string) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, pageProblem{role, u, what})
	}
	began := time.Now()
	// The unsubscribe page is reached only from an e-mail's signed link: sign one for the
	// resident, as the mailer does.
	resident, err := w.Store.FindUserByLogin(context.Background(), "resident@wushe.local")
	if err != nil {
		t.Fatal(err)
	}
	token, err := w.App.UnsubscribeToken(context.Background(), resident.ID, "*")
	if err != nil {
		t.Fatal(err)
	}
	// A project's accountability page is linked from its page once it is delivered; the crawl
	// opens one project page per role, which may be a project still in deliberation.
	var delivered int64
	if err := w.Store.DB(context.Background()).Raw(`SELECT id FROM projects WHERE status IN ('completed', 'evaluated') ORDER BY id LIMIT 1`).
		Scan(&delivered).Error; err != nil || delivered == 0 {
		t.Fatalf("the demo has no delivered project (%v)", err)
	}
	// A receipt's check is reached from its printed code: check the demo resident's receipt.
	var receiptCode string
	if err := w.Store.DB(context.Background()).Raw(`SELECT receipt_code FROM contributions WHERE receipt_code IS NOT NULL AND user_id IS NOT NULL ORDER BY id LIMIT 1`).
		Scan(&receiptCode).Error; err != nil || receiptCode == "" {
		t.Fatalf("the demo has no gift receipt of a resident (%v)", err)
	}
	seeds := map[string][]string{"public": {"/unsubscribe?token=" + url.QueryEscape(token),
		fmt.Sprintf("/projects/%d/accountability", delivered), "/receipts/verify?code=" + receiptCode}}
	// A need with a photo (its resident's) and the demo organization's open bid with its files,
	// whose edit page is linked only from its tender's page (issue 12).
	var needPhoto, openBid int64
	if err := w.Store.DB(context.Background()).Raw(`SELECT owner_id FROM attachments WHERE owner_type = 'need' ORDER BY id LIMIT 1`).
		Scan(&needPhoto).Error; err != nil || needPhoto == 0 {
		t.Fatalf("the demo has no need with a photo (%v)", err)
	}
	if err := w.Store.DB(context.Background()).Raw(`SELECT b.id FROM tender_bids b JOIN tenders t ON t.id = b.tender_id
		WHERE t.status = 'published' AND EXISTS (SELECT 1 FROM attachments a WHERE a.owner_type = 'bid' AND a.owner_id = b.id) ORDER BY b.id LIMIT 1`).
		Scan(&openBid).Error; err != nil || openBid == 0 {
		t.Fatalf("the demo has no open bid with files (%v)", err)
	}
	seeds["resident"] = append(seeds["resident"], fmt.Sprintf("/needs/%d", needPhoto))
	seeds["organization"] = append(seeds["organization"], fmt.Sprintf("/bids/%d/edit", openBid))
	for role, us := range extraPages {
		seeds[role] = append(seeds[role], us...)
	}
	t.Run("roles", func(t *testing.T) {
		for _, role := range pageRoles {
			t.Run(role.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
				defer cancel()
				if role.login != "" {
					signIn(t, ctx, w.url, role.login)
				}
				start := "/"
				if role.lang != "zh-CN" {
					start = "/?lang=" + role.lang
				}
				roleSeeds := append([]string{start, "/search?q=" + url.QueryEscape("老人")}, seeds[role.name]...)
				if role.name == "community-worker" {
					// No link leads to an import's preview until a file is uploaded.
					roleSeeds = append(roleSeeds, uploadImport(t, ctx, w.url))
				}
				c := &crawler{base: w.url, role: role.name, axe: axe, shots: shots, report: report, audited: &audited, stats: &stats,
					seenPattern: map[string]bool{}, checked: map[string]bool{}, checkedPerPattern: map[string]int{}, rendered: map[string]bool{}}
				c.cond = sync.NewCond(&c.mu)
				roleBegan := time.Now()
				pages := c.crawl(ctx, tabs, roleSeeds)
				t.Logf("%s: %d pages in %s", role.name, c.visits, time.Since(roleBegan).Round(time.Second))
				mu.Lock()
				for p := range pages {
					rendered[p] = true
				}
				mu.Unlock()
			})
		}
	})

	all, err := fs.Glob(templates.FS(), "pages/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, f := range all {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if why, ok := notInDemo[name]; ok && !rendered[name] {
			t.Logf("not covered: %s (%s)", name, why)
			continue
		}
		if !rendered[name] {
			missing = append(missing, name)
		}
	}
	t.Logf("every-page test: %d of %d page templates rendered in %s, %d tabs per role; %s; screenshots in %s",
		len(all)-len(missing), len(all), time.Since(began).Round(time.Second), tabs, &stats, shots)
	if len(missing) > 0 {
		t.Errorf("page templates no page of the demo rendered: %v", missing)
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].url < problems[j].url })
	for _, p := range problems {
		t.Errorf("[%s] %s: %s", p.role, p.url, p.what)
	}
}

// crawler walks one role's pages with a few tabs of the role's browser context.
type crawler struct {
	base   string
	role   string
	axe    string
	shots  string
	report func(role, url, what string)
	// audited is shared by all roles: the page structures axe-core has checked.
	audited *sync.Map
	stats   *walkStats

	mu                sync.Mutex
	cond              *sync.Cond // signalled when the queue grows or a tab finishes a page
	queue             []string
	busy              int // tabs visiting a page
	seenPattern       map[string]bool
	checked           map[string]bool
	checkedPerPattern map[string]int
	rendered          map[string]bool
	visits            int
}

// tab is one browser tab of a role and the console errors it logged since the last drain.
type tab struct {
	ctx     context.Context
	mu      sync.Mutex
	console []string
}

// listen collects the tab's console errors, exceptions and CSP reports.
func (tb *tab) listen() {
	msgs := chromedp.Console(tb.ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				tb.mu.Lock()
				tb.console = append(tb.console, m.String())
				tb.mu.Unlock()
			}
		}
	}()
}

// drain returns the console errors logged since the last call.
func (tb *tab) drain() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	out := tb.console
	tb.console = nil
	return out
}

var idSegment = regexp.MustCompile(`/\d+(/|$)`)

// pattern is a URL's route pattern: numeric path segments become :id and the query is dropped,
// so the crawl visits one URL of each route.
func pattern(p string) string {
	for idSegment.MatchString(p) {
		p = idSegment.ReplaceAllString(p, "/:id$1")
	}
	return p
}

// skipLink reports links the crawl does not open as pages: assets, the API, downloads, the
// language switch (it would change the role's language) and signing out.
func skipLink(u *url.URL) bool {
	p := u.Path
	switch {
	case strings.HasPrefix(p, "/static/"), strings.HasPrefix(p, "/api/"), p == "/logout",
		p == "/metrics", p == "/healthz", p == "/readyz",
		strings.HasSuffix(p, ".csv"), strings.HasSuffix(p, ".xlsx"), strings.HasSuffix(p, ".json"), strings.HasSuffix(p, ".pdf"),
		strings.HasPrefix(p, "/files/"), strings.HasPrefix(p, "/evidence/"), strings.HasPrefix(p, "/attachments/"):
		return true
	}
	return u.Query().Has("lang")
}

// crawl visits the seeds and every page their links lead to, one URL per pattern, at both
// widths, with n tabs at once, and returns the page templates it saw rendered.
func (c *crawler) crawl(ctx context.Context, n int, seeds []string) map[string]bool {
	for _, s := range seeds {
		c.seenPattern[pattern(strings.SplitN(s, "?", 2)[0])] = true
	}
	c.queue = slices.Clone(seeds)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		tctx, cancel := chromedp.NewContext(ctx) // a tab in the role's browser context: same cookies
		tb := &tab{ctx: tctx}
		if err := chromedp.Do(tctx); err != nil {
			cancel()
			c.report(c.role, "", "open a tab: "+err.Error())
			continue
		}
		tb.listen()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cancel()
			for {
				next, ok := c.take()
				if !ok {
					return
				}
				page, links := c.visit(tb, next)
				c.done(tb, next, page, links)
			}
		}()
	}
	wg.Wait()
	return c.rendered
}

// take waits for the next URL to visit; it reports false when the queue is empty and no tab
// can add to it any more.
func (c *crawler) take() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.queue) == 0 && c.busy > 0 {
		c.cond.Wait()
	}
	if len(c.queue) == 0 {
		return "", false
	}
	next := c.queue[0]
	c.queue = c.queue[1:]
	c.busy++
	return next, true
}

// done records a visited page, queues the first URL of each route pattern not seen yet, and
// checks the status of the page's other links (a few per pattern).
func (c *crawler) done(tb *tab, from, page string, links []string) {
	host := strings.TrimPrefix(strings.TrimPrefix(c.base, "http://"), "https://")
	var toCheck []string
	c.mu.Lock()
	if page != "" {
		c.rendered[page] = true
	}
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil || u.Host != host {
			continue
		}
		u.Fragment = ""
		rel := u.RequestURI()
		lp := pattern(u.Path)
		if !skipLink(u) && !c.seenPattern[lp] {
			// Visiting it checks its status too.
			c.seenPattern[lp] = true
			c.checked[rel] = true
			c.queue = append(c.queue, rel)
			continue
		}
		if !c.checked[rel] && rel != "/no-such-page" && c.checkedPerPattern[lp] < 3 && !strings.HasPrefix(u.Path, "/logout") && !u.Query().Has("lang") {
			c.checked[rel] = true
			c.checkedPerPattern[lp]++
			toCheck = append(toCheck, rel)
		}
	}
	c.mu.Unlock()
	c.checkLinks(tb, from, toCheck)
	tb.drain() // a checked link that answers 4xx logs a console error of its own
	c.mu.Lock()
	c.busy--
	c.cond.Broadcast()
	c.mu.Unlock()
}

// pageShape is the structure of the current page: the sorted set of its elements' kinds (tag,
// classes and the attributes accessibility rules look at). Two visits with the same template,
// width and shape differ only in text and in how many times each kind repeats, which axe-core's
// serious and critical rules do not depend on; so axe runs once per shape.
const pageShape = `(() => {
	const kinds = new Set(), attrs = ["role", "type", "tabindex", "href", "alt", "for", "id", "name", "title", "lang",
		"aria-label", "aria-labelledby", "aria-describedby", "aria-current", "aria-expanded", "aria-hidden", "disabled", "open"];
	for (const e of document.querySelectorAll("html, body *")) {
		let k = e.tagName + "." + Array.from(e.classList).sort().join(".");
		for (const a of attrs) if (e.hasAttribute(a)) k += "[" + a + "]";
		kinds.add(k);
	}
	return Array.from(kinds).sort().join("|");
})()`

// visit opens one page at each width and checks it; it returns the template that rendered it
// and the links it holds.
func (c *crawler) visit(tb *tab, rel string) (string, []string) {
	u := c.base + rel
	pt := pattern(strings.SplitN(rel, "?", 2)[0])
	tb.drain()
	fail := func(what string, err error) (string, []string) {
		c.report(c.role, rel, what+": "+err.Error())
		return "", nil
	}
	var page string
	var links []string
	for i, width := range pageWidths {
		if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(width, 844)); err != nil {
			return fail(fmt.Sprintf("viewport %d", width), err)
		}
		if i == 0 {
			began := time.Now()
			resp, err := chromedp.RunResponse(tb.ctx, chromedp.Navigate(u))
			c.stats.add(&c.stats.navigate, began)
			if err != nil {
				return fail("navigate", err)
			}
			c.stats.visits.Add(1)
			c.mu.Lock()
			c.visits++
			c.mu.Unlock()
			status := resp.Status
			if status >= 500 {
				c.report(c.role, rel, fmt.Sprintf("HTTP %d", status))
			}
			if status == 404 && rel != "/no-such-page" {
				c.report(c.role, rel, "HTTP 404")
			}
			info, err := chromedp.Run(tb.ctx, chromedp.Evaluate[struct {
				Page  string   `json:"page"`
				Links []string `json:"links"`
			}](`({page: document.body.dataset.page || "", links: Array.from(document.querySelectorAll("a[href]"), a => a.href)})`))
			if err != nil {
				return fail("read the page", err)
			}
			page, links = info.Page, info.Links
			if page == "" {
				c.report(c.role, rel, "the page names no template (body data-page)")
			}
		}
		began := time.Now()
		overflow, err := chromedp.Run(tb.ctx, chromedp.Evaluate[struct {
			Scroll int64    `json:"scroll"`
			Inner  int64    `json:"inner"`
			Wide   []string `json:"wide"`
			Shape  string   `json:"shape"`
			// Unstyled lists visible text-like inputs left to the browser's default look
			// (issue 12: the campaign amount, the pool simulator, date fields): the stylesheet
			// gives every one a 44 px touch height.
			Unstyled []string `json:"unstyled"`
		}](`(() => {
			const inner = window.innerWidth, scroll = document.documentElement.scrollWidth;
			const wide = scroll > inner ? Array.from(document.querySelectorAll("body *"))
				.filter(e => e.getBoundingClientRect().right > inner + 1)
				.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "")) : [];
			const unstyled = Array.from(document.querySelectorAll("input, select, textarea"))
				.filter(e => !["checkbox", "radio", "hidden", "submit", "button", "reset", "image", "file", "range", "color"].includes(e.type))
				.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).minHeight !== "44px")
				.slice(0, 5).map(e => e.tagName.toLowerCase() + "[type=" + e.type + "]" + (e.id ? "#" + e.id : ""));
			return {scroll, inner, wide, unstyled, shape: `+pageShape+`};
		})()`))
		c.stats.add(&c.stats.measure, began)
		if err != nil {
			return fail("measure", err)
		}
		if overflow.Scroll > overflow.Inner {
			c.report(c.role, rel, fmt.Sprintf("at %d px the page is %d px wide: %v", width, overflow.Scroll, overflow.Wide))
		}
		if len(overflow.Unstyled) > 0 {
			c.report(c.role, rel, fmt.Sprintf("inputs without the stylesheet's look: %v", overflow.Unstyled))
		}
		// At the desktop width the layout differs from the phone's only in the header, so
		// axe runs there once per template.
		shape := overflow.Shape
		if width != pageWidths[0] {
			shape = ""
		}
		h := fnv.New64a()
		fmt.Fprintf(h, "%s|%d|%s", page, width, shape)
		if _, seen := c.audited.LoadOrStore(h.Sum64(), true); seen {
			c.stats.axeSkipped.Add(1)
		} else if err := c.axeCheck(tb, rel, width); err != nil {
			return fail("axe", err)
		}
		if width == 390 && screenshotPatterns[pt] && (c.role == "public" || c.role == "resident" || c.role == "public-en") {
			began := time.Now()
			c.screenshot(tb, pt)
			c.stats.add(&c.stats.shots, began)
		}
	}
	for _, m := range tb.drain() {
		if rel == "/no-such-page" && strings.Contains(m, "404") {
			continue // the 404 page is expected to answer 404
		}
		c.report(c.role, rel, "console: "+m)
	}
	return page, links
}

// axeSeriousRun runs axe-core with only the rules that can report a serious or critical
// violation: a rule whose own impact and whose checks' impacts are all minor or moderate
// (region, landmark-*, heading-order, … — region alone walks the whole page) can never fail
// the test, so running it is wasted time. The impacts are read from the loaded axe-core, so a
// new version's rules are judged by their own metadata.
const axeSeriousRun = `(() => {
	const rank = {minor: 1, moderate: 2, serious: 3, critical: 4}, rules = {};
	for (const r of axe._audit.rules) {
		let m = rank[r.impact] || 0;
		for (const c of [...r.any, ...r.all, ...r.none]) {
			const d = axe._audit.data.checks[c.id || c];
			m = Math.max(m, (d && rank[d.impact]) || 0);
		}
		if (m > 0 && m < rank.serious) rules[r.id] = {enabled: false};
	}
	return axe.run(document, {resultTypes: ["violations"], rules}).then(r => r.violations);
})()`

// axeCheck runs axe-core on the current page and reports serious or critical violations.
func (c *crawler) axeCheck(tb *tab, rel string, width int64) error {
	defer c.stats.add(&c.stats.axe, time.Now())
	c.stats.axeRuns.Add(1)
	if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](c.axe)); err != nil {
		return fmt.Errorf("inject axe: %w", err)
	}
	violations, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](
		axeSeriousRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, strings.Join(n.Target, " "))
			}
			c.report(c.role, rel, fmt.Sprintf("axe at %d px: %s (%s): %s at %v", width, v.ID, v.Impact, v.Help, where))
		}
	}
	return nil
}

// checkLinks fetches links from the page (with the role's cookies) and reports 404s and 5xx.
func (c *crawler) checkLinks(tb *tab, from string, links []string) {
	if len(links) == 0 {
		return
	}
	defer c.stats.add(&c.stats.links, time.Now())
	c.stats.linkChecks.Add(int64(len(links)))
	res, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[][2]any](fmt.Sprintf(
		`Promise.all(%s.map(u => fetch(u, {redirect: "manual"}).then(r => [u, r.status]).catch(e => [u, 0])))`,
		jsArray(links)), chromedp.EvalAwaitPromise))
	if err != nil {
		c.report(c.role, from, "check links: "+err.Error())
		return
	}
	for _, r := range res {
		status, _ := r[1].(float64)
		if status == 404 || status >= 500 {
			c.report(c.role, from, fmt.Sprintf("link %v answers %d", r[0], int(status)))
		}
	}
}

// screenshot writes a full-page PNG of the current page at phone width.
func (c *crawler) screenshot(tb *tab, pt string) {
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(90))
	if err != nil {
		return // a reviewer's aid, not a check
	}
	name := strings.Trim(strings.NewReplacer("/", "_", ":", "").Replace(pt), "_")
	if name == "" {
		name = "home"
	}
	_ = os.WriteFile(filepath.Join(c.shots, c.role+"-"+name+".jpg"), png, 0o644)
}

// jsArray writes strings as a JavaScript array literal.
func jsArray(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// pagesBrowser starts headless Chromium as browserCtx does, with time for the whole walk.
func pagesBrowser(t *testing.T) context.Context {
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
		chromedp.WindowSize(390, 844),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 20*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
