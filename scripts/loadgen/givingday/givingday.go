// Package givingday is the giving-day load scenario (docs/perf.md, "Giving day"): a fund, one
// matching pool with rule 1:1, a hundred open campaigns and pending card gifts are written
// through the store; then signed Stripe payment events, one per gift, shuffled, 5% of them
// twice, are sent to a running `wushe serve` by concurrent senders for a fixed window; then
// the database is checked: every event applied exactly once, the pool never below zero,
// matched + available = budget, the ledger balanced.
//
// scripts/loadgen runs it from the command line; cmd/wushe's tests run a few seconds of it.
package givingday

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/funds"
)

// Config is one run's shape.
type Config struct {
	URL      string        // the server's base URL
	Clients  int           // concurrent senders
	Duration time.Duration // the sending window
	// PoolDry gives the pool 30% of the gifts' total, so it runs dry part-way; otherwise it
	// covers every gift.
	PoolDry bool
	// Gifts prepared; 0 sizes them from Duration and PerSecond.
	Gifts int
	// PerSecond is the rate Gifts is sized for when 0 (the run ends early if the server is
	// faster and every gift is sent).
	PerSecond int
	Campaigns int     // open campaigns sharing the pool (100)
	Donors    int     // donor accounts the gifts come from (at most 5,000)
	Duplicate float64 // share of events sent twice (0.05)
	// WebhookSecret signs the events, as STRIPE_WEBHOOK_SECRET tells the server.
	WebhookSecret string
	Seed          uint64
	Log           io.Writer // progress lines; nil discards them
}

func (c *Config) defaults() {
	if c.Clients <= 0 {
		c.Clients = 50
	}
	if c.Duration <= 0 {
		c.Duration = 60 * time.Second
	}
	if c.PerSecond <= 0 {
		c.PerSecond = 4000
	}
	if c.Gifts <= 0 {
		c.Gifts = int(c.Duration.Seconds()*float64(c.PerSecond)) + 1
	}
	if c.Campaigns <= 0 {
		c.Campaigns = 100
	}
	if c.Donors <= 0 {
		c.Donors = min(5000, c.Gifts)
	}
	if c.Duplicate == 0 {
		c.Duplicate = 0.05
	}
	if c.Seed == 0 {
		c.Seed = 99
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// World is what Prepare wrote.
type World struct {
	Run         string
	FundID      int64
	PoolID      int64
	Budget      int64
	Total       int64 // the prepared gifts' total, fen
	CampaignIDs []int64
	Gifts       []Gift
}

// Gift is one pending contribution and the event that pays it.
type Gift struct {
	ContributionID, CampaignID, Amount int64
	EventID                            string
	body                               []byte
}

// amounts are the gifts people give on a giving day, in fen (¥10 … ¥500), most of them small.
var amounts = []int64{1000, 1000, 2000, 2000, 2000, 5000, 5000, 10000, 20000, 50000}

// Prepare writes the scenario's data through the store in bulk: a street and community, an
// administrator, a fund with a 1:1 pool (no caps, no threshold), Campaigns open campaigns,
// Donors donor accounts and Gifts pending card contributions, and builds each gift's event.
func Prepare(ctx context.Context, st *store.Store, cfg Config) (*World, error) {
	cfg.defaults()
	if pending, err := st.Pending(ctx); err != nil {
		return nil, err
	} else if pending {
		if err := st.Migrate(ctx, nil); err != nil {
			return nil, err
		}
	}
	now := time.Now().UTC()
	w := &World{Run: strconv.FormatInt(now.UnixNano()/1e6, 36)}
	rng := rand.New(rand.NewPCG(cfg.Seed, 16))
	a := app.New(app.Deps{Store: st})
	street := &app.Street{Name: "九九公益街道 " + w.Run, District: "阿克苏市", City: "阿克苏"}
	if err := st.CreateStreet(ctx, street); err != nil {
		return nil, fmt.Errorf("street: %w", err)
	}
	comm := &app.Community{StreetID: street.ID, Name: "公益日社区 " + w.Run, Kind: app.KindUrban, Households: 6000, Population: 13000,
		SLAMajorHours: 24, SLAHardHours: 168}
	if err := st.CreateCommunity(ctx, comm); err != nil {
		return nil, fmt.Errorf("community: %w", err)
	}
	email := "givingday-" + w.Run + "@wushe.invalid"
	admin := &app.User{Email: &email, Name: "公益日管理员", PasswordHash: "!", Locale: "zh-CN", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, admin); err != nil {
		return nil, fmt.Errorf("administrator: %w", err)
	}
	if err := st.CreateMembership(ctx, &app.Membership{UserID: admin.ID, Role: app.RoleAdmin}); err != nil {
		return nil, err
	}
	p, err := a.Principal(ctx, admin.ID)
	if err != nil {
		return nil, err
	}
	actx := app.WithPrincipal(ctx, p)
	f, err := a.CreateFund(actx, app.FundInput{CommunityID: comm.ID, Name: "九九公益日配捐基金 " + w.Run})
	if err != nil {
		return nil, fmt.Errorf("fund: %w", err)
	}
	pool, err := a.CreatePool(actx, f.ID, app.PoolInput{Name: "政府配捐池", Source: "government", Rule: &app.RuleInput{Ratio: "1:1"}})
	if err != nil {
		return nil, fmt.Errorf("pool: %w", err)
	}
	w.FundID, w.PoolID = f.ID, pool.ID
	for i := range cfg.Campaigns {
		pr := &app.Project{CommunityID: comm.ID, ProposerID: admin.ID, Title: fmt.Sprintf("公益日项目 %d", i+1), Description: "九九公益日配捐项目",
			Category: "elderly_care", Budget: 100000000, Currency: "CNY", Status: app.ProjectApproved}
		if err := st.CreateProject(ctx, pr); err != nil {
			return nil, fmt.Errorf("project: %w", err)
		}
		camp, err := a.CreateCampaign(actx, app.CampaignInput{FundID: f.ID, ProjectID: pr.ID, PoolID: &pool.ID, Goal: funds.MaxAmount / 10,
			Deadline: now.Add(7 * 24 * time.Hour), Mode: "keep_what_you_raise"})
		if err != nil {
			return nil, fmt.Errorf("campaign: %w", err)
		}
		w.CampaignIDs = append(w.CampaignIDs, camp.ID)
	}
	donors := make([]*app.User, cfg.Donors)
	for i := range donors {
		e := fmt.Sprintf("donor-%s-%d@wushe.invalid", w.Run, i)
		donors[i] = &app.User{Email: &e, Name: fmt.Sprintf("捐赠人%d", i), PasswordHash: "!", Locale: "zh-CN", CreatedAt: now, UpdatedAt: now}
	}
	if err := st.CreateUsersBulk(ctx, donors); err != nil {
		return nil, fmt.Errorf("donors: %w", err)
	}
	const chunk = 5000
	for start := 0; start < cfg.Gifts; start += chunk {
		cs := make([]*app.Contribution, 0, chunk)
		for i := start; i < min(start+chunk, cfg.Gifts); i++ {
			d := donors[rng.IntN(len(donors))]
			amount := amounts[rng.IntN(len(amounts))]
			cs = append(cs, &app.Contribution{CampaignID: w.CampaignIDs[rng.IntN(len(w.CampaignIDs))], FundID: f.ID, UserID: &d.ID,
				DonorKey: "user:" + strconv.FormatInt(d.ID, 10), DonorName: d.Name, Source: "resident", Anonymous: rng.IntN(5) == 0,
				Amount: amount, Currency: "CNY", Channel: "stripe", Status: "pending", CreatedAt: now, UpdatedAt: now})
			w.Total += amount
		}
		if err := st.CreateContributionsBulk(ctx, cs); err != nil {
			return nil, fmt.Errorf("contributions: %w", err)
		}
		for _, c := range cs {
			g := Gift{ContributionID: c.ID, CampaignID: c.CampaignID, Amount: c.Amount, EventID: fmt.Sprintf("evt_gd%s_%d", w.Run, c.ID)}
			if g.body, err = eventBody(g, rng.IntN(2) == 0, now); err != nil {
				return nil, err
			}
			w.Gifts = append(w.Gifts, g)
		}
		fmt.Fprintf(cfg.Log, "prepared %d of %d gifts\n", len(w.Gifts), cfg.Gifts)
	}
	w.Budget = w.Total
	if cfg.PoolDry {
		w.Budget = w.Total * 3 / 10
	}
	for left := w.Budget; left > 0; {
		n := min(left, funds.MaxAmount)
		if _, err := a.DepositToPool(actx, pool.ID, app.DepositInput{Amount: n, Note: "九九公益日配捐资金"}); err != nil {
			return nil, fmt.Errorf("deposit: %w", err)
		}
		left -= n
	}
	return w, nil
}

// eventBody is the Stripe event that pays g: payment_intent.succeeded or
// checkout.session.completed, both carrying the contribution id in metadata as Wushe's
// checkout sets it.
func eventBody(g Gift, intent bool, created time.Time) ([]byte, error) {
	meta := map[string]string{"contribution_id": strconv.FormatInt(g.ContributionID, 10), "campaign_id": strconv.FormatInt(g.CampaignID, 10)}
	pi := fmt.Sprintf("pi_gd_%d", g.ContributionID)
	ev := map[string]any{"id": g.EventID, "object": "event", "api_version": stripe.APIVersion, "created": created.Unix(), "livemode": false}
	if intent {
		ev["type"] = "payment_intent.succeeded"
		ev["data"] = map[string]any{"object": map[string]any{"id": pi, "object": "payment_intent", "amount": g.Amount,
			"amount_received": g.Amount, "currency": "cny", "status": "succeeded", "metadata": meta}}
	} else {
		ev["type"] = "checkout.session.completed"
		ev["data"] = map[string]any{"object": map[string]any{"id": fmt.Sprintf("cs_gd_%d", g.ContributionID), "object": "checkout.session",
			"amount_total": g.Amount, "currency": "cny", "payment_status": "paid", "status": "complete", "payment_intent": pi,
			"client_reference_id": fmt.Sprintf("contribution-%d", g.ContributionID), "metadata": meta}}
	}
	return json.Marshal(ev)
}

// Result is what the senders saw.
type Result struct {
	Window     time.Duration   // from the first send to the last answer
	Latencies  []time.Duration // every delivery, duplicates and retries included
	Deliveries int
	Sent       int               // distinct events sent
	Outcomes   map[string]string // event id → the outcome of its last 2xx answer
	Applied    map[string]bool   // event ids some delivery answered "payment received"
	Failed     []string          // events never answered 2xx
	Statuses   map[int]int       // answers by status (0: no answer)
}

// Send delivers the events in a shuffled order with 5% sent twice, from cfg.Clients senders,
// until cfg.Duration has passed or every event is sent. A delivery that fails (no answer or
// an error status) is retried a few times, as Stripe would.
func Send(ctx context.Context, w *World, cfg Config) *Result {
	cfg.defaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, 17))
	// Shuffle the events, then send each chosen duplicate again a little later (within the
	// next 500 deliveries, as a provider's retry would come): shuffling the copies among all
	// the prepared events would put most second copies past the sending window.
	unique := rng.Perm(len(w.Gifts))
	order := make([]int, 0, len(w.Gifts)+len(w.Gifts)/10)
	later := map[int][]int{}
	for i, g := range unique {
		order = append(order, later[i]...)
		delete(later, i)
		order = append(order, g)
		if rng.Float64() < cfg.Duplicate {
			at := i + 1 + rng.IntN(500)
			later[at] = append(later[at], g)
		}
	}
	for i := len(unique); len(later) > 0; i++ {
		order = append(order, later[i]...)
		delete(later, i)
	}
	tr := &http.Transport{MaxIdleConns: cfg.Clients * 2, MaxIdleConnsPerHost: cfg.Clients * 2, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	url := strings.TrimRight(cfg.URL, "/") + "/api/v1/stripe/webhook"

	type perSender struct {
		lat      []time.Duration
		outcomes map[string]string
		applied  []string
		failed   []string
		statuses map[int]int
		sent     map[int]bool
	}
	senders := make([]*perSender, cfg.Clients)
	var next atomic.Int64
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for s := range senders {
		ps := &perSender{outcomes: map[string]string{}, statuses: map[int]int{}, sent: map[int]bool{}}
		senders[s] = ps
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				k := int(next.Add(1)) - 1
				if k >= len(order) {
					return
				}
				g := &w.Gifts[order[k]]
				ps.sent[order[k]] = true
				ok := false
				for attempt := 0; attempt < 5 && !ok && ctx.Err() == nil; attempt++ {
					if attempt > 0 {
						time.Sleep(time.Duration(attempt*50) * time.Millisecond)
					}
					t0 := time.Now()
					status, outcome := deliver(ctx, client, url, g.body, cfg.WebhookSecret)
					ps.lat = append(ps.lat, time.Since(t0))
					if status/100 == 2 {
						ok = true
						ps.outcomes[g.EventID] = outcome
						if outcome == "payment received" {
							ps.applied = append(ps.applied, g.EventID)
						}
					} else {
						ps.statuses[status]++
					}
				}
				if !ok {
					ps.failed = append(ps.failed, g.EventID)
				}
			}
		}()
	}
	wg.Wait()
	r := &Result{Window: time.Since(start), Outcomes: map[string]string{}, Applied: map[string]bool{}, Statuses: map[int]int{}}
	sent := map[int]bool{}
	for _, ps := range senders {
		r.Latencies = append(r.Latencies, ps.lat...)
		for k, v := range ps.outcomes {
			if prev, ok := r.Outcomes[k]; !ok || prev != "payment received" {
				r.Outcomes[k] = v
			}
		}
		for _, id := range ps.applied {
			if r.Applied[id] {
				r.Failed = append(r.Failed, id+" (applied twice)")
			}
			r.Applied[id] = true
		}
		r.Failed = append(r.Failed, ps.failed...)
		for k, v := range ps.statuses {
			r.Statuses[k] += v
		}
		for k := range ps.sent {
			sent[k] = true
		}
	}
	r.Deliveries, r.Sent = len(r.Latencies), len(sent)
	return r
}

// deliver signs body now and posts it; it returns the status (0 without an answer) and the
// outcome the server reported.
func deliver(ctx context.Context, client *http.Client, url string, body []byte, secret string) (int, string) {
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: time.Now()})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, ""
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", sig.Header)
	resp, err := client.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var out struct {
		Outcome string `json:"outcome"`
	}
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out.Outcome
}

// Report is the verdict on a run.
type Report struct {
	Gifts    int // succeeded contributions of the run's fund in the database
	PerSec   float64
	P50, P99 time.Duration
	Problems []string
}

// Line is the summary line the load generator prints last.
func (r Report) Line() string {
	verdict := "invariants ok"
	if len(r.Problems) > 0 {
		verdict = fmt.Sprintf("invariants FAILED (%d problems)", len(r.Problems))
	}
	return fmt.Sprintf("giving-day: %d gifts, %.0f gifts/s, p50 %s ms, p99 %s ms, %s", r.Gifts, r.PerSec, msec(r.P50), msec(r.P99), verdict)
}

func msec(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

// Verify reads the database after a run and checks the invariants: every answered event
// applied exactly once and every applied one answered; the pool never below zero and
// matched + available = budget; no gift over-matched (and, with a dry pool, at most one gift
// partly matched, every later one unmatched); campaign totals equal to their gifts; the
// ledger balanced (the checks of `wushe funds check`).
func Verify(ctx context.Context, st *store.Store, w *World, cfg Config, res *Result) Report {
	cfg.defaults()
	rep := Report{}
	bad := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	db := st.DB(ctx)
	type row struct {
		ID, Amount, Match int64
		Status, EventID   string
		MatchStatus       string
		Events, Postings  int
	}
	var rows []row
	// One row per contribution of the run with its match, its stored events and its
	// contribution_succeeded postings.
	err := db.Raw(`SELECT c.id, c.amount, c.status,
	        COALESCE(m.amount, -1) AS match, COALESCE(m.status, '') AS match_status,
	        COALESCE(e.n, 0) AS events, COALESCE(t.n, 0) AS postings
	    FROM contributions c
	    LEFT JOIN fund_matches m ON m.contribution_id = c.id
	    LEFT JOIN (SELECT contribution_id, COUNT(*) AS n FROM payment_events GROUP BY contribution_id) e ON e.contribution_id = c.id
	    LEFT JOIN (SELECT ref, COUNT(*) AS n FROM ledger_transactions WHERE fund_id = ? AND kind = 'contribution_succeeded' GROUP BY ref) t
	        ON t.ref = 'contribution:' || CAST(c.id AS TEXT)
	    WHERE c.fund_id = ? ORDER BY c.id`, w.FundID, w.FundID).Scan(&rows).Error
	if err != nil {
		bad("read contributions: %v", err)
		return rep
	}
	var succeededTotal, matched int64
	partial := 0
	byID := map[int64]*row{}
	for i := range rows {
		r := &rows[i]
		byID[r.ID] = r
		switch r.Status {
		case "succeeded":
			rep.Gifts++
			succeededTotal += r.Amount
			if r.Events != 1 || r.Postings != 1 {
				bad("contribution %d: %d payment events and %d postings, want one each", r.ID, r.Events, r.Postings)
			}
			if r.Match < 0 {
				bad("contribution %d: succeeded without a match record", r.ID)
				continue
			}
			if r.Match > r.Amount {
				bad("contribution %d: matched %d for a gift of %d (rule 1:1)", r.ID, r.Match, r.Amount)
			}
			if r.Match != r.Amount {
				if !cfg.PoolDry {
					bad("contribution %d: matched %d of %d although the pool covers every gift", r.ID, r.Match, r.Amount)
				}
				if r.Match > 0 {
					partial++
				}
			}
			if r.MatchStatus == "reserved" || r.MatchStatus == "committed" {
				matched += r.Match
			}
		case "pending":
			if r.Events != 0 || r.Postings != 0 || r.Match >= 0 {
				bad("contribution %d: pending with %d events, %d postings, match %d", r.ID, r.Events, r.Postings, r.Match)
			}
		default:
			bad("contribution %d: status %s", r.ID, r.Status)
		}
	}
	if partial > 1 {
		bad("%d gifts partly matched; the pool runs dry once, so at most one can be", partial)
	}
	// Every answer agrees with the database.
	applied := 0
	for _, g := range w.Gifts {
		out, answered := res.Outcomes[g.EventID]
		r := byID[g.ContributionID]
		if r == nil {
			bad("contribution %d missing", g.ContributionID)
			continue
		}
		if res.Applied[g.EventID] {
			applied++
		}
		switch {
		case answered && r.Status != "succeeded":
			bad("event %s answered %q but contribution %d is %s", g.EventID, out, g.ContributionID, r.Status)
		case answered && out != "payment received" && out != "duplicate" && !strings.HasPrefix(out, "already "):
			bad("event %s: outcome %q", g.EventID, out)
		case !answered && r.Status == "succeeded" && !contains(res.Failed, g.EventID):
			bad("contribution %d succeeded but its event was never sent", g.ContributionID)
		}
	}
	if applied != rep.Gifts {
		bad("%d events answered \"payment received\", %d contributions succeeded", applied, rep.Gifts)
	}
	if len(res.Failed) > 0 {
		sort.Strings(res.Failed)
		bad("%d events never answered 2xx (first: %s; failed answers by status: %v)", len(res.Failed), res.Failed[0], res.Statuses)
	}
	pool, err := st.FindPool(ctx, w.PoolID)
	if err != nil {
		bad("read pool: %v", err)
		return rep
	}
	if pool.Available < 0 {
		bad("pool available %d below zero", pool.Available)
	}
	if pool.Budget != w.Budget {
		bad("pool budget %d, deposited %d", pool.Budget, w.Budget)
	}
	if matched+pool.Available != pool.Budget {
		bad("pool: matched %d + available %d = %d, budget %d", matched, pool.Available, matched+pool.Available, pool.Budget)
	}
	if cfg.PoolDry {
		if succeededTotal < pool.Budget {
			bad("the pool was to run dry but only %d fen of gifts arrived for a budget of %d (prepare fewer gifts: -gifts)", succeededTotal, pool.Budget)
		} else if pool.Available != 0 {
			bad("the gifts (%d) outgrew the pool (%d) but %d was left unmatched", succeededTotal, pool.Budget, pool.Available)
		}
	}
	var camps struct{ Raised, Matched int64 }
	if err := db.Raw("SELECT COALESCE(SUM(raised), 0) AS raised, COALESCE(SUM(matched), 0) AS matched FROM campaigns WHERE fund_id = ?", w.FundID).Scan(&camps).Error; err != nil {
		bad("read campaigns: %v", err)
	} else if camps.Raised != succeededTotal || camps.Matched != matched {
		bad("campaigns raised %d and matched %d; the gifts say %d and %d", camps.Raised, camps.Matched, succeededTotal, matched)
	}
	// The ledger: balanced transactions, no account overdrawn in posting order (so the pool's
	// available account never went below zero), SQL sums equal to the engine's, the pool's
	// cached money equal to its account.
	a := app.New(app.Deps{Store: st})
	problems, err := a.CheckLedgers(ctx)
	if err != nil {
		bad("check ledgers: %v", err)
	}
	for _, p := range problems {
		if p.FundID == w.FundID {
			bad("ledger: %s", p.Problem)
		}
	}
	if res.Window > 0 {
		rep.PerSec = float64(rep.Gifts) / res.Window.Seconds()
	}
	rep.P50, rep.P99 = quantile(res.Latencies, 0.50), quantile(res.Latencies, 0.99)
	return rep
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// ErrInvariants is returned by Run when a check failed.
var ErrInvariants = errors.New("giving-day invariants failed")

// Run prepares, sends and verifies, printing progress and problems on log and the summary
// line last on out.
func Run(ctx context.Context, st *store.Store, cfg Config, out io.Writer) (Report, error) {
	cfg.defaults()
	t0 := time.Now()
	w, err := Prepare(ctx, st, cfg)
	if err != nil {
		return Report{}, fmt.Errorf("prepare: %w", err)
	}
	fmt.Fprintf(cfg.Log, "prepared fund %d, pool %d (budget %d fen for gifts worth %d), %d campaigns, %d gifts in %s\n",
		w.FundID, w.PoolID, w.Budget, w.Total, len(w.CampaignIDs), len(w.Gifts), time.Since(t0).Round(time.Millisecond))
	res := Send(ctx, w, cfg)
	fmt.Fprintf(cfg.Log, "sent %d events (%d deliveries) in %s with %d senders\n", res.Sent, res.Deliveries, res.Window.Round(time.Millisecond), cfg.Clients)
	if res.Sent == len(w.Gifts) && res.Window < cfg.Duration {
		fmt.Fprintf(cfg.Log, "every prepared gift was sent before the window ended: prepare more with -gifts\n")
	}
	rep := Verify(ctx, st, w, cfg, res)
	for _, p := range rep.Problems {
		fmt.Fprintln(cfg.Log, "problem:", p)
	}
	fmt.Fprintln(out, rep.Line())
	if len(rep.Problems) > 0 {
		return rep, ErrInvariants
	}
	return rep, nil
}
