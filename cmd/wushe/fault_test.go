package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
)

// Fault injection (issue 9): real `wushe serve` processes take concurrent card payments
// (signed Stripe webhooks) and offline confirmations while the database goes away
// (PostgreSQL stopped and restarted) or the server is killed with SIGKILL and started again.
// The clients behave like Stripe and a treasurer: they retry until they get an answer. Then
// every event and confirmation is sent once more, and the test checks nothing is half-written:
// every gift applied exactly once, re-sent events answered as duplicates, `wushe funds check`
// clean, and the pool's matched + available money equal to its budget.

// faultChildEnv marks the test binary re-executed as `wushe serve` (so the server killed is a
// separate process running the real command); TestMain runs the command instead of the tests.
const faultChildEnv = "WUSHE_FAULT_CHILD"

// needFault returns an environment variable the fault tests need: absent, the test skips
// naming it, or fails in CI (WUSHE_TEST_REQUIRE_SERVICES=1).
func needFault(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is not set but WUSHE_TEST_REQUIRE_SERVICES=1", name)
		}
		t.Skipf("%s not set; ./scripts/test.sh starts a PostgreSQL for fault injection", name)
	}
	return v
}

const (
	faultWebhookSecret = "whsec_fault_injection"
	faultCardGifts     = 30
	faultOfflineGifts  = 10
	faultGift          = 10000  // ¥100 each: ¥4,000 in all
	faultPool          = 300000 // ¥3,000: the pool runs out under concurrency
)

// faultWorld is the fund the load runs against, written before the server starts.
type faultWorld struct {
	poolID, campaignID int64
	cards, offline     []int64 // contribution ids
	adminToken         string
}

// prepareFault migrates an empty database and writes a fund with a 1:1 pool of ¥3,000, an
// open campaign, 30 pending card gifts (as StartCheckout leaves them) and 10 recorded offline
// gifts, and a token for the administrator who confirms them.
func prepareFault(t *testing.T, cfg store.Config) *faultWorld {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	w := apptest.NewWorld(t, s, apptest.Hasher())
	a := app.New(app.Deps{Store: s, Hasher: apptest.Hasher()})
	admin := w.As(t, a, "admin")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := a.CreateFund(admin, app.FundInput{CommunityID: w.A.Community.ID, Name: "故障演练基金"})
	must(err)
	pool, err := a.CreatePool(admin, f.ID, app.PoolInput{Name: "政府配捐池", Source: "government", Rule: &app.RuleInput{Ratio: "1:1"}})
	must(err)
	_, err = a.DepositToPool(admin, pool.ID, app.DepositInput{Amount: faultPool})
	must(err)
	pr := &app.Project{CommunityID: w.A.Community.ID, ProposerID: w.Users["resident"].ID, Title: "楼道微更新", Description: "说明",
		Category: "environment", Budget: 100000, Currency: "CNY", Status: app.ProjectApproved}
	must(s.CreateProject(ctx, pr))
	camp, err := a.CreateCampaign(w.As(t, a, "community_worker"), app.CampaignInput{FundID: f.ID, ProjectID: pr.ID, PoolID: &pool.ID,
		Goal: 1000000, Deadline: time.Now().Add(30 * 24 * time.Hour), Mode: "keep_what_you_raise"})
	must(err)
	fw := &faultWorld{poolID: pool.ID, campaignID: camp.ID}
	now := time.Now().UTC()
	for i := range faultCardGifts {
		c := &app.Contribution{CampaignID: camp.ID, FundID: f.ID, DonorKey: fmt.Sprintf("card:%d", i), DonorName: "居民", Source: "resident",
			Amount: faultGift, Currency: "CNY", Channel: "stripe", Status: "pending", SessionID: ptrTo(fmt.Sprintf("cs_fault_%d", i)),
			CreatedAt: now, UpdatedAt: now}
		must(s.CreateContribution(ctx, c))
		fw.cards = append(fw.cards, c.ID)
	}
	worker := w.As(t, a, "community_worker")
	for i := range faultOfflineGifts {
		c, err := a.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: faultGift, Method: "cash", ReceiptNo: fmt.Sprintf("FI-%03d", i),
			ReceivedOn: now.Add(-time.Hour), DonorName: fmt.Sprintf("捐赠人%d", i)})
		must(err)
		fw.offline = append(fw.offline, c.ID)
	}
	fw.adminToken, _, err = a.CreateAPIToken(ctx, *w.Users["admin"].Email, w.Password, "fault")
	must(err)
	return fw
}

func ptrTo[T any](v T) *T { return &v }

// faultServer is one `wushe serve` child process.
type faultServer struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
}

// startFaultServer starts the test binary as `wushe serve` with env and waits until it is
// ready. It may run on the load's goroutine, so it returns errors instead of failing the test.
func startFaultServer(t *testing.T, env []string) (*faultServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	fs := &faultServer{url: "http://" + addr, logs: &syncBuffer{}}
	fs.cmd = exec.Command(os.Args[0], "-test.run=^$")
	fs.cmd.Env = append(os.Environ(), append(env, faultChildEnv+"=1", "WUSHE_ADDR="+addr, "WUSHE_LOG_LEVEL=warn",
		"WUSHE_STRIPE_SECRET_KEY=sk_test_fault", "WUSHE_STRIPE_WEBHOOK_SECRET="+faultWebhookSecret, "WUSHE_STRIPE_API_URL=http://127.0.0.1:1")...)
	fs.cmd.Stdout, fs.cmd.Stderr = fs.logs, fs.logs
	if err := fs.cmd.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { fs.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(fs.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return fs, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, fmt.Errorf("wushe serve did not become ready:\n%s", fs.logs)
}

// kill ends the server with SIGKILL: no shutdown, no flushing, like a crash.
func (fs *faultServer) kill() {
	if fs.cmd.ProcessState == nil {
		_ = fs.cmd.Process.Signal(syscall.SIGKILL)
		_ = fs.cmd.Wait()
	}
}

// faultLoad sends every card event and offline confirmation from several goroutines, each
// retried (like Stripe and a treasurer would) until the server answers it; fault runs once,
// in the background, when half of them are done. It returns how many attempts failed while
// the fault lasted.
type faultLoad struct {
	t      *testing.T
	fw     *faultWorld
	server atomic.Pointer[faultServer]
	client *http.Client

	mu       sync.Mutex
	answered map[int]int // failed attempts by status (0: no answer)
}

func (l *faultLoad) event(i int) []byte {
	b, err := json.Marshal(map[string]any{
		"id": fmt.Sprintf("evt_fault_%d", i), "object": "event", "api_version": stripe.APIVersion, "type": "checkout.session.completed",
		"created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": fmt.Sprintf("cs_fault_%d", i), "object": "checkout.session",
			"payment_status": "paid", "status": "complete", "amount_total": faultGift, "currency": "cny", "payment_intent": fmt.Sprintf("pi_fault_%d", i),
			"metadata": map[string]string{"contribution_id": fmt.Sprint(l.fw.cards[i]), "campaign_id": fmt.Sprint(l.fw.campaignID)}}},
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return b
}

// send makes one attempt at job j (card events first, then confirmations) and returns the
// status and outcome, or an error when the server did not answer.
func (l *faultLoad) send(j int) (int, string, error) {
	base := l.server.Load().url
	var req *http.Request
	if j < len(l.fw.cards) {
		body := l.event(j)
		req, _ = http.NewRequest(http.MethodPost, base+"/api/v1/stripe/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Stripe-Signature", webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: faultWebhookSecret, Timestamp: time.Now()}).Header)
	} else {
		id := l.fw.offline[j-len(l.fw.cards)]
		req, _ = http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/contributions/%d/confirmation", base, id), nil)
		req.Header.Set("Authorization", "Bearer "+l.fw.adminToken)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out)
	outcome, _ := out["outcome"].(string)
	if outcome == "" {
		outcome, _ = out["status"].(string)
	}
	return resp.StatusCode, outcome, nil
}

// done reports whether an answer settles job j: a card event answered 200; a confirmation
// answered 200, or 409 when an earlier attempt was applied but its answer was lost.
func (l *faultLoad) done(j, status int) bool {
	if j < len(l.fw.cards) {
		return status == http.StatusOK
	}
	return status == http.StatusOK || status == http.StatusConflict
}

func (l *faultLoad) run(fault func()) (failed int64) {
	jobs := len(l.fw.cards) + len(l.fw.offline)
	order := rand.Perm(jobs)
	queue := make(chan int, jobs)
	for _, j := range order {
		queue <- j
	}
	close(queue)
	var completed, failures atomic.Int64
	var faultOnce sync.Once
	faultDone := make(chan struct{})
	var wg sync.WaitGroup
	deadline := time.Now().Add(90 * time.Second)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				for {
					st, _, err := l.send(j)
					if err == nil && l.done(j, st) {
						break
					}
					if err == nil && st < 500 && st != http.StatusConflict {
						l.t.Errorf("job %d: status %d is neither success nor a retryable failure", j, st)
						break
					}
					failures.Add(1)
					l.mu.Lock()
					l.answered[st]++
					l.mu.Unlock()
					if time.Now().After(deadline) {
						l.t.Errorf("job %d never succeeded (last status %d, %v)", j, st, err)
						break
					}
					time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
				}
				if completed.Add(1) == int64(jobs/2) {
					faultOnce.Do(func() { go func() { fault(); close(faultDone) }() })
				}
			}
		}()
	}
	wg.Wait()
	faultOnce.Do(func() { l.t.Error("the load finished before the fault"); close(faultDone) })
	<-faultDone
	return failures.Load()
}

// resend sends every event and confirmation once more, as a provider retrying everything
// would: each must be answered as already applied.
func (l *faultLoad) resend() {
	for j := range len(l.fw.cards) + len(l.fw.offline) {
		st, outcome, err := l.send(j)
		switch {
		case err != nil:
			l.t.Errorf("re-send %d: %v", j, err)
		case j < len(l.fw.cards) && (st != http.StatusOK || outcome != "duplicate"):
			l.t.Errorf("re-sent event %d: %d %q, want 200 duplicate", j, st, outcome)
		case j >= len(l.fw.cards) && st != http.StatusConflict:
			l.t.Errorf("re-sent confirmation %d: %d, want 409 (already confirmed)", j, st)
		}
	}
}

// verifyFault checks the database after the run: every gift applied exactly once, the
// ledger clean (`wushe funds check` exits 0) and the pool's money accounted for.
func verifyFault(t *testing.T, cfg store.Config, fw *faultWorld, env map[string]string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB(ctx)
	all := append(append([]int64{}, fw.cards...), fw.offline...)
	for _, id := range all {
		c, err := s.FindContribution(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var txs, events int64
		db.Model(&app.LedgerTransaction{}).Where("tx_key = ?", fmt.Sprintf("contribution_succeeded:contribution:%d", id)).Count(&txs)
		db.Model(&app.PaymentEvent{}).Where("contribution_id = ?", id).Count(&events)
		wantEvents := int64(1)
		if c.Channel == "offline" {
			wantEvents = 0
		}
		if c.Status != "succeeded" || txs != 1 || events != wantEvents {
			t.Errorf("contribution %d (%s): status %s, %d ledger postings, %d payment events; want succeeded, 1, %d", id, c.Channel, c.Status, txs, events, wantEvents)
		}
	}
	camp, err := s.FindCampaign(ctx, fw.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	gifts := int64(len(all)) * faultGift
	if camp.Raised != gifts || camp.Donors != len(all) {
		t.Errorf("campaign raised %d from %d donors, want %d from %d", camp.Raised, camp.Donors, gifts, len(all))
	}
	pool, err := s.FindPool(ctx, fw.poolID)
	if err != nil {
		t.Fatal(err)
	}
	var matched int64
	db.Model(&app.FundMatch{}).Where("pool_id = ? AND status <> 'released'", fw.poolID).Select("COALESCE(SUM(amount), 0)").Scan(&matched)
	if matched+pool.Available != pool.Budget || matched != camp.Matched || matched != min(faultPool, gifts) {
		t.Errorf("pool: matched %d + available %d vs budget %d; campaign matched %d; want the whole pool of %d matched",
			matched, pool.Available, pool.Budget, camp.Matched, faultPool)
	}
	var out bytes.Buffer
	code := Run(ctx, []string{"funds", "check"}, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: func(k string) string { return env[k] }})
	if code != 0 {
		t.Errorf("wushe funds check = %d:\n%s", code, out.String())
	}
}

// faultScenario prepares the database, starts a server, runs the load with fault in the
// middle, re-sends everything and verifies.
func faultScenario(t *testing.T, cfg store.Config, env map[string]string, fault func(l *faultLoad)) {
	fw := prepareFault(t, cfg)
	var envList []string
	for k, v := range env {
		envList = append(envList, k+"="+v)
	}
	l := &faultLoad{t: t, fw: fw, client: &http.Client{Timeout: 10 * time.Second}, answered: map[int]int{}}
	srv, err := startFaultServer(t, envList)
	if err != nil {
		t.Fatal(err)
	}
	l.server.Store(srv)
	start := time.Now()
	failed := l.run(func() { fault(l) })
	took := time.Since(start)
	if failed == 0 {
		t.Error("no attempt failed: the fault did not hit the load")
	}
	l.resend()
	l.server.Load().kill()
	verifyFault(t, cfg, fw, env)
	t.Logf("%d gifts under the fault in %v; %d attempts failed while it lasted and were retried (by status, 0 = no answer: %v)",
		len(fw.cards)+len(fw.offline), took.Round(time.Millisecond), failed, l.answered)
}

// faultDatabase is a fresh database for a fault test: a schema in the PostgreSQL at base, or a
// SQLite file when base is empty. It returns the store config and the server's environment.
func faultDatabase(t *testing.T, base string) (store.Config, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"WUSHE_DATA_DIR": dir}
	if base == "" {
		return store.Config{SQLitePath: filepath.Join(dir, "wushe.db")}, env
	}
	var b [6]byte
	_, _ = crand.Read(b[:])
	schema := "fault_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	env["DATABASE_URL"], env["WUSHE_MIGRATE"] = u.String(), "1"
	return store.Config{DatabaseURL: u.String(), MaxOpenConns: 8}, env
}

// TestFaultServerKilled kills `wushe serve` with SIGKILL in the middle of the load and starts
// it again on the same database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
func TestFaultServerKilled(t *testing.T) {
	cfg, env := faultDatabase(t, apptest.DatabaseURL())
	faultScenario(t, cfg, env, func(l *faultLoad) {
		var envList []string
		for k, v := range env {
			envList = append(envList, k+"="+v)
		}
		l.server.Load().kill()
		time.Sleep(200 * time.Millisecond) // requests meanwhile find nobody listening
		srv, err := startFaultServer(t, envList)
		if err != nil {
			t.Error(err)
			return
		}
		l.server.Store(srv)
	})
}

// TestFaultDatabaseStopped stops the dedicated PostgreSQL (an immediate shutdown, as in a
// crash) in the middle of the load and starts it again a second later; the server stays up
// and must recover by itself.
func TestFaultDatabaseStopped(t *testing.T) {
	if apptest.DatabaseURL() == "" {
		t.Skip("runs in the PostgreSQL pass (TEST_DATABASE_URL set); the SQLite pass would repeat it")
	}
	base := needFault(t, "WUSHE_TEST_PG_FAULT_URL")
	ctl := needFault(t, "WUSHE_TEST_PG_FAULT_CTL")
	cfg, env := faultDatabase(t, base)
	pg := func(action string) {
		if out, err := exec.Command(ctl, action).CombinedOutput(); err != nil {
			t.Errorf("%s %s: %v\n%s", ctl, action, err, out) // on the load's goroutine: no Fatal
		}
	}
	t.Cleanup(func() { _ = exec.Command(ctl, "start").Run() }) // never leave it stopped
	faultScenario(t, cfg, env, func(*faultLoad) {
		pg("stop")
		time.Sleep(time.Second)
		pg("start")
	})
}
