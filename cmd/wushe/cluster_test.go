package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/funds"
)

// TestClusterBehindHAProxy runs three `wushe serve` processes (the test binary re-executed as
// the real command) on one PostgreSQL and one Meilisearch behind HAProxy, round robin, and
// drives them through the balancer as users would:
//
//   - a CSRF token handed out by one process signs in on another, the session is signed in on
//     all three, and signing out on one ends it everywhere;
//   - the login rate limit counts attempts landing on different processes together;
//   - overdue needs are escalated exactly once each and a campaign past its deadline is closed
//     exactly once, though every process ticks the jobs every second;
//   - the process holding the escalation job is killed (SIGKILL); the balancer keeps answering
//     and the survivors take the job over once its lease expires, escalating new overdue needs
//     exactly once.
//
// It needs TEST_DATABASE_URL (PostgreSQL: the embedded SQLite is one process's file),
// WUSHE_TEST_MEILI_URL (the embedded search index is one process's directory) and
// WUSHE_TEST_HAPROXY (scripts/services/haproxy.sh).
func TestClusterBehindHAProxy(t *testing.T) {
	if !strings.HasPrefix(apptest.DatabaseURL(), "postgres") {
		t.Skip("several servers share PostgreSQL; set TEST_DATABASE_URL")
	}
	haproxy := needFault(t, "WUSHE_TEST_HAPROXY")
	meiliURL := needFault(t, "WUSHE_TEST_MEILI_URL")
	cfg, env := faultDatabase(t, apptest.DatabaseURL())
	ctx := context.Background()

	// The world, written before the servers start: users, and a campaign already past its
	// deadline for the closing job.
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	w := apptest.NewWorld(t, s, apptest.Hasher())
	a := app.New(app.Deps{Store: s, Hasher: apptest.Hasher()})
	campaignID := pastDeadlineCampaign(t, s, a, w)
	needs := overdueNeeds(t, s, a, w, 6)

	envList := []string{"WUSHE_ESCALATE_EVERY=1s", "WUSHE_JOB_LEASE=2s", "WUSHE_TRUSTED_PROXIES=127.0.0.1",
		"WUSHE_MEILI_URL=" + meiliURL, "WUSHE_MEILI_KEY=" + os.Getenv("WUSHE_TEST_MEILI_KEY"),
		"WUSHE_MEILI_INDEX=cluster" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)}
	for k, v := range env {
		if k != "WUSHE_DATA_DIR" {
			envList = append(envList, k+"="+v)
		}
	}
	servers := make([]*faultServer, 3)
	for i := range servers {
		e := append([]string{"WUSHE_DATA_DIR=" + t.TempDir()}, envList...)
		fs, err := startFaultServer(t, e)
		if err != nil {
			t.Fatal(err)
		}
		servers[i] = fs
	}
	lb := startHAProxy(t, haproxy, servers)
	client := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, Timeout: 20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	type answer struct {
		status int
		body   string
		server string
	}
	// forwardedFor, when set, is the client address the balancer passes on: each subtest
	// counts its login attempts from an address of its own.
	forwardedFor := ""
	do := func(c *http.Client, method, path string, body io.Reader, ctype string) answer {
		t.Helper()
		req, _ := http.NewRequest(method, lb+path, body)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, string(raw), resp.Header.Get("X-Served-By")}
	}

	t.Run("sessions and CSRF", func(t *testing.T) {
		c := client()
		first := do(c, http.MethodGet, "/login", nil, "")
		lbURL, _ := url.Parse(lb)
		csrf := ""
		for _, ck := range c.Jar.Cookies(lbURL) {
			if ck.Name == "wushe_csrf" {
				csrf = ck.Value
			}
		}
		if csrf == "" {
			t.Fatalf("no CSRF cookie from %s", first.server)
		}
		resident := w.Users["resident"]
		form := url.Values{"_csrf": {csrf}, "login": {*resident.Email}, "password": {w.Password}}
		in := do(c, http.MethodPost, "/login", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
		if in.status != http.StatusSeeOther {
			t.Fatalf("sign in through the balancer: %d", in.status)
		}
		if in.server == first.server {
			t.Errorf("round robin sent the sign-in to the process that handed out the token (%s)", in.server)
		}
		seen := map[string]bool{}
		for range 6 {
			got := do(c, http.MethodGet, "/", nil, "")
			seen[got.server] = true
			if got.status != http.StatusOK || !strings.Contains(got.body, resident.Name) {
				t.Errorf("home page on %s: %d, signed in %v", got.server, got.status, strings.Contains(got.body, resident.Name))
			}
		}
		if len(seen) != 3 {
			t.Errorf("six requests reached %d processes (%v), want 3", len(seen), seen)
		}
		form = url.Values{"_csrf": {csrf}}
		if out := do(c, http.MethodPost, "/logout", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"); out.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", out.status)
		}
		for range 3 {
			if got := do(c, http.MethodGet, "/", nil, ""); strings.Contains(got.body, resident.Name) {
				t.Errorf("still signed in on %s after signing out", got.server)
			}
		}
	})

	t.Run("login limit", func(t *testing.T) {
		forwardedFor = "203.0.113.7"
		defer func() { forwardedFor = "" }()
		c := client()
		body := fmt.Sprintf(`{"email":%q,"password":"not the password"}`, *w.Users["grid_worker"].Email)
		seen := map[string]bool{}
		// The default limit is 10 a minute per address and per account; one process alone
		// would allow 10 on each of the three.
		for i := range 10 {
			got := do(c, http.MethodPost, "/api/v1/auth/tokens", strings.NewReader(body), "application/json")
			seen[got.server] = true
			if got.status != http.StatusUnauthorized {
				t.Fatalf("attempt %d on %s: %d, want 401", i+1, got.server, got.status)
			}
		}
		for range 3 {
			if got := do(c, http.MethodPost, "/api/v1/auth/tokens", strings.NewReader(body), "application/json"); got.status != http.StatusTooManyRequests {
				t.Errorf("attempt past the limit on %s: %d, want 429", got.server, got.status)
			}
		}
		if len(seen) != 3 {
			t.Errorf("attempts reached %d processes, want 3", len(seen))
		}
	})

	t.Run("jobs once per due item", func(t *testing.T) {
		waitEscalated(t, s, needs)
		// Let every process tick the job a few more times before counting.
		waitJobRuns(t, s, "escalate needs", 3)
		assertOnce(t, s, []string{"need.escalated"}, "need", needs)
		assertOnce(t, s, []string{"campaign." + string(funds.CampaignSucceeded), "campaign." + string(funds.CampaignFailed)}, "campaign", []int64{campaignID})
	})

	t.Run("a process killed", func(t *testing.T) {
		holder := jobHolder(t, s, "escalate needs")
		var victim *faultServer
		for _, fs := range servers {
			if strings.Contains(holder, fmt.Sprintf(":%d:", fs.cmd.Process.Pid)) {
				victim = fs
			}
		}
		if victim == nil {
			t.Fatalf("no server holds the escalation job (holder %q)", holder)
		}
		victim.kill()
		more := overdueNeeds(t, s, a, w, 3)
		waitEscalated(t, s, more)
		if h := jobHolder(t, s, "escalate needs"); h == holder {
			t.Errorf("the killed process still holds the job: %s", h)
		}
		waitJobRuns(t, s, "escalate needs", 3)
		assertOnce(t, s, []string{"need.escalated"}, "need", append(needs, more...))
		// The balancer takes the dead process out and keeps answering.
		ok := 0
		for range 30 {
			if got := do(client(), http.MethodGet, "/readyz", nil, ""); got.status == http.StatusOK {
				ok++
			}
		}
		if ok != 30 {
			t.Errorf("%d of 30 requests answered 200 after a process was killed", ok)
		}
	})
}

// startHAProxy runs HAProxy in the foreground on a free loopback port, round robin over the
// servers, checking /readyz every 300 ms and retrying a request refused by a dead server on
// another; each answer names its server in X-Served-By.
func startHAProxy(t *testing.T, bin string, servers []*faultServer) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "global\n  maxconn 1024\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n  retries 3\n  option redispatch\n")
	fmt.Fprintf(&cfg, "frontend web\n  bind %s\n  option forwardfor\n  default_backend wushe\n", addr)
	fmt.Fprintf(&cfg, "backend wushe\n  balance roundrobin\n  option httpchk GET /readyz\n  http-response set-header X-Served-By %%[srv_name]\n")
	for i, fs := range servers {
		fmt.Fprintf(&cfg, "  server s%d %s check inter 300ms fall 1 rise 2\n", i+1, strings.TrimPrefix(fs.url, "http://"))
	}
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd := exec.Command(bin, "-db", "-f", path)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	lb := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		// Ready once every server has passed its checks: three answers from three servers.
		seen := map[string]bool{}
		for range 6 {
			if resp, err := http.Get(lb + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					seen[resp.Header.Get("X-Served-By")] = true
				}
			}
		}
		if len(seen) == len(servers) {
			return lb
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy did not reach every server (saw %v):\n%s", seen, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// overdueNeeds files n needs as a resident and moves their escalation time into the past, as
// if their promise had lapsed.
func overdueNeeds(t *testing.T, s *store.Store, a *app.App, w *apptest.World, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		nd, err := a.CreateNeed(w.As(t, a, "resident"), app.NeedInput{GridID: w.A.Grids[0].ID, Category: "elderly_care", Tier: "minor",
			Title: fmt.Sprintf("楼道灯坏了 %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, nd.ID)
	}
	if err := s.DB(ctx).Exec("UPDATE needs SET escalate_at = ? WHERE id IN ?", time.Now().Add(-time.Minute).UTC(), ids).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}

// pastDeadlineCampaign opens a campaign and moves its deadline into the past.
func pastDeadlineCampaign(t *testing.T, s *store.Store, a *app.App, w *apptest.World) int64 {
	t.Helper()
	ctx := context.Background()
	admin := w.As(t, a, "admin")
	f, err := a.CreateFund(admin, app.FundInput{CommunityID: w.A.Community.ID, Name: "集群演练基金"})
	if err != nil {
		t.Fatal(err)
	}
	pr := &app.Project{CommunityID: w.A.Community.ID, ProposerID: w.Users["resident"].ID, Title: "楼道微更新", Description: "说明",
		Category: "environment", Budget: 100000, Currency: "CNY", Status: app.ProjectApproved}
	if err := s.CreateProject(ctx, pr); err != nil {
		t.Fatal(err)
	}
	camp, err := a.CreateCampaign(w.As(t, a, "community_worker"), app.CampaignInput{FundID: f.ID, ProjectID: pr.ID,
		Goal: 1000000, Deadline: time.Now().Add(24 * time.Hour), Mode: "keep_what_you_raise"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB(ctx).Exec("UPDATE campaigns SET deadline = ? WHERE id = ?", time.Now().Add(-time.Hour).UTC(), camp.ID).Error; err != nil {
		t.Fatal(err)
	}
	return camp.ID
}

// waitEscalated waits until every need has left the grid level.
func waitEscalated(t *testing.T, s *store.Store, ids []int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var left int64
		if err := s.DB(context.Background()).Raw("SELECT COUNT(*) FROM needs WHERE id IN ? AND escalation_level = ?", ids, app.LevelGrid).Scan(&left).Error; err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d overdue needs not escalated after a minute", left, len(ids))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitJobRuns waits until the job has run n more times.
func waitJobRuns(t *testing.T, s *store.Store, name string, n int64) {
	t.Helper()
	runs := func() int64 {
		var r int64
		if err := s.DB(context.Background()).Raw("SELECT COALESCE(MAX(runs), 0) FROM job_runs WHERE name = ?", name).Scan(&r).Error; err != nil {
			t.Fatal(err)
		}
		return r
	}
	want := runs() + n
	deadline := time.Now().Add(60 * time.Second)
	for runs() < want {
		if time.Now().After(deadline) {
			t.Fatalf("job %q did not run %d more times in a minute", name, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// jobHolder names the process that last claimed the job.
func jobHolder(t *testing.T, s *store.Store, name string) string {
	t.Helper()
	var h string
	if err := s.DB(context.Background()).Raw("SELECT holder FROM job_runs WHERE name = ?", name).Scan(&h).Error; err != nil {
		t.Fatal(err)
	}
	return h
}

// assertOnce checks that each subject has exactly one audit event with one of the actions.
func assertOnce(t *testing.T, s *store.Store, actions []string, subject string, ids []int64) {
	t.Helper()
	var rows []struct {
		SubjectID int64
		N         int64
	}
	if err := s.DB(context.Background()).Raw("SELECT subject_id, COUNT(*) AS n FROM audit_events WHERE action IN ? AND subject_type = ? AND subject_id IN ? GROUP BY subject_id",
		actions, subject, ids).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	got := map[int64]int64{}
	for _, r := range rows {
		got[r.SubjectID] = r.N
	}
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("%s %d: %d %v events, want exactly 1", subject, id, got[id], actions)
		}
	}
}
