package main

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
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
	"public": {"/no-such-page"}, // error.html (a 404 the test expects)
	// No page links to a community's ranking weights, batch assignment or project settings
	// (settings only from a project in a deciding state).
	"community-worker": {"/communities/1/weights", "/communities/1/assignment", "/communities/1/project-settings"},
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
}

// pageProblem is one failure on one page.
type pageProblem struct{ role, url, what string }

// TestBrowserEveryPage visits every page template reachable in the demo, as the public and as
// each demo role, at 390 px and 1280 px, by following the links of each page from the home page
// (one URL per route pattern and role). It fails on horizontal overflow, any console error (CSP
// violations included), any serious or critical axe-core violation, any 5xx, and any link that
// answers 404; and it fails when a page template was never rendered. Phone-width screenshots of
// the main pages go to $WUSHE_TEST_SCREENSHOTS (default: a wushe-screenshots folder in the
// temporary directory), which is never committed.
func TestBrowserEveryPage(t *testing.T) {
	axeJS, err := os.ReadFile(requireEnv(t, "WUSHE_TEST_AXE"))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeJS)
	root := pagesBrowser(t)
	w := startWushe(t, func(c *Config) { c.Demo = true })
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
		visits   int
		wide     sync.Map
	)
	report := func(role, u, what string) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, pageProblem{role, u, what})
	}
	t.Run("roles", func(t *testing.T) {
		for _, role := range pageRoles {
			t.Run(role.name, func(t *testing.T) {
				t.Parallel()
				c := &crawler{t: t, base: w.url, role: role.name, axe: axe, shots: shots, report: report, wideAudited: &wide}
				ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
				defer cancel()
				c.ctx = ctx
				c.listen()
				began := time.Now()
				defer func() { t.Logf("%s: %d pages in %s", role.name, c.visits, time.Since(began).Round(time.Second)) }()
				if role.login != "" {
					signIn(t, ctx, w.url, role.login)
				}
				start := "/"
				if role.lang != "zh-CN" {
					start = "/?lang=" + role.lang
				}
				seeds := append([]string{start, "/search?q=" + url.QueryEscape("老人")}, extraPages[role.name]...)
				pages := c.crawl(seeds)
				mu.Lock()
				for p := range pages {
					rendered[p] = true
				}
				visits += c.visits
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
	t.Logf("every-page test: %d page visits, %d of %d page templates rendered; screenshots in %s", visits, len(all)-len(missing), len(all), shots)
	if len(missing) > 0 {
		t.Errorf("page templates no page of the demo rendered: %v", missing)
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].url < problems[j].url })
	for _, p := range problems {
		t.Errorf("[%s] %s: %s", p.role, p.url, p.what)
	}
}

// crawler walks one role's pages in one browser context.
type crawler struct {
	t      *testing.T
	ctx    context.Context
	base   string
	role   string
	axe    string
	shots  string
	report func(role, url, what string)
	visits int

	mu      sync.Mutex
	console []string // errors the browser logged since the last drain

	// wideAudited is shared by all roles: axe runs at the desktop width once per template
	// (the layout differs from the phone's only in the header), at phone width on every page.
	wideAudited *sync.Map
}

// firstWide reports whether no role has audited this template at the desktop width yet.
func (c *crawler) firstWide(page string) bool {
	_, seen := c.wideAudited.LoadOrStore(page, true)
	return !seen
}

// listen collects console errors, exceptions and CSP reports of the role's tab.
func (c *crawler) listen() {
	msgs := chromedp.Console(c.ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				c.mu.Lock()
				c.console = append(c.console, m.String())
				c.mu.Unlock()
			}
		}
	}()
}

// drain returns the console errors logged since the last call.
func (c *crawler) drain() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.console
	c.console = nil
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
		strings.HasPrefix(p, "/files/"), strings.HasPrefix(p, "/evidence/"):
		return true
	}
	return u.Query().Has("lang")
}

// crawl visits the seeds and every page their links lead to, one URL per pattern, at both
// widths, and returns the page templates it saw rendered.
func (c *crawler) crawl(seeds []string) map[string]bool {
	rendered := map[string]bool{}
	seenPattern := map[string]bool{}
	checked := map[string]bool{}
	checkedPerPattern := map[string]int{}
	queue := slices.Clone(seeds)
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		pt := pattern(strings.SplitN(next, "?", 2)[0])
		if seenPattern[pt] {
			continue
		}
		seenPattern[pt] = true
		page, links := c.visit(next, pt)
		if page != "" {
			rendered[page] = true
		}
		// Check every new link's status (a few per pattern), and queue the pages.
		var toCheck []string
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || u.Host != strings.TrimPrefix(strings.TrimPrefix(c.base, "http://"), "https://") {
				continue
			}
			u.Fragment = ""
			rel := u.RequestURI()
			lp := pattern(u.Path)
			if !checked[rel] && rel != "/no-such-page" && checkedPerPattern[lp] < 3 && !strings.HasPrefix(u.Path, "/logout") && !u.Query().Has("lang") {
				checked[rel] = true
				checkedPerPattern[lp]++
				toCheck = append(toCheck, rel)
			}
			if !skipLink(u) && !seenPattern[lp] {
				queue = append(queue, rel)
			}
		}
		c.checkLinks(next, toCheck)
		c.drain() // a checked link that answers 4xx logs a console error of its own
	}
	return rendered
}

// visit opens one page at each width and checks it; it returns the template that rendered it
// and the links it holds.
func (c *crawler) visit(rel, pt string) (string, []string) {
	t := c.t
	u := c.base + rel
	c.drain()
	var page string
	var links []string
	for i, width := range pageWidths {
		if err := chromedp.Do(c.ctx, chromedp.EmulateViewport(width, 844)); err != nil {
			t.Fatalf("viewport %d: %v", width, err)
		}
		if i == 0 {
			resp, err := chromedp.RunResponse(c.ctx, chromedp.Navigate(u))
			if err != nil {
				c.report(c.role, rel, "navigate: "+err.Error())
				return "", nil
			}
			c.visits++
			status := resp.Status
			if status >= 500 {
				c.report(c.role, rel, fmt.Sprintf("HTTP %d", status))
			}
			if status == 404 && rel != "/no-such-page" {
				c.report(c.role, rel, "HTTP 404")
			}
			info, err := chromedp.Run(c.ctx, chromedp.Evaluate[struct {
				Page  string   `json:"page"`
				Links []string `json:"links"`
			}](`({page: document.body.dataset.page || "", links: Array.from(document.querySelectorAll("a[href]"), a => a.href)})`))
			if err != nil {
				t.Fatalf("read %s: %v", rel, err)
			}
			page, links = info.Page, info.Links
			if page == "" {
				c.report(c.role, rel, "the page names no template (body data-page)")
			}
		}
		overflow, err := chromedp.Run(c.ctx, chromedp.Evaluate[struct {
			Scroll int64    `json:"scroll"`
			Inner  int64    `json:"inner"`
			Wide   []string `json:"wide"`
		}](`(() => {
			const inner = window.innerWidth, scroll = document.documentElement.scrollWidth;
			const wide = scroll > inner ? Array.from(document.querySelectorAll("body *"))
				.filter(e => e.getBoundingClientRect().right > inner + 1)
				.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "")) : [];
			return {scroll, inner, wide};
		})()`))
		if err != nil {
			t.Fatalf("measure %s: %v", rel, err)
		}
		if overflow.Scroll > overflow.Inner {
			c.report(c.role, rel, fmt.Sprintf("at %d px the page is %d px wide: %v", width, overflow.Scroll, overflow.Wide))
		}
		if width == pageWidths[0] || c.firstWide(page) {
			c.axeCheck(rel, width)
		}
		if width == 390 && screenshotPatterns[pt] && (c.role == "public" || c.role == "resident" || c.role == "public-en") {
			c.screenshot(pt)
		}
	}
	for _, m := range c.drain() {
		if rel == "/no-such-page" && strings.Contains(m, "404") {
			continue // the 404 page is expected to answer 404
		}
		c.report(c.role, rel, "console: "+m)
	}
	return page, links
}

// axeCheck runs axe-core on the current page and reports serious or critical violations.
func (c *crawler) axeCheck(rel string, width int64) {
	if err := chromedp.Do(c.ctx, chromedp.Evaluate[chromedp.Void](c.axe)); err != nil {
		c.t.Fatalf("inject axe on %s: %v", rel, err)
	}
	violations, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		c.t.Fatalf("axe on %s: %v", rel, err)
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
}

// checkLinks fetches links from the page (with the role's cookies) and reports 404s and 5xx.
func (c *crawler) checkLinks(from string, links []string) {
	if len(links) == 0 {
		return
	}
	res, err := chromedp.Run(c.ctx, chromedp.Evaluate[[][2]any](fmt.Sprintf(
		`Promise.all(%s.map(u => fetch(u, {redirect: "manual"}).then(r => [u, r.status]).catch(e => [u, 0])))`,
		jsArray(links)), chromedp.EvalAwaitPromise))
	if err != nil {
		c.t.Fatalf("check links of %s: %v", from, err)
	}
	for _, r := range res {
		status, _ := r[1].(float64)
		if status == 404 || status >= 500 {
			c.report(c.role, from, fmt.Sprintf("link %v answers %d", r[0], int(status)))
		}
	}
}

// screenshot writes a full-page PNG of the current page at phone width.
func (c *crawler) screenshot(pt string) {
	png, err := chromedp.Run(c.ctx, chromedp.FullScreenshot(90))
	if err != nil {
		c.t.Logf("screenshot %s: %v", pt, err)
		return
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
