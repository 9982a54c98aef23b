package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/wushe/wushe/funds"
)

// Group commit for paid gifts (docs/funds.md, "Giving-day peaks").
//
// One gift per transaction cannot go faster than the disk flushes commits (a few hundred a
// second on an ordinary disk with PostgreSQL's default durability), and every gift of a fund
// also queues for its pool's row. So the payment events that pay a pending card gift are
// applied in batches: each process keeps one queue; the first request to find the queue idle
// leads, takes every event waiting (up to maxGiftBatch), applies them all in one transaction
// with bulk statements, commits once, answers each waiting request and hands the lead to the
// next request in the queue. No request is answered before the transaction holding its effect
// commits, and no goroutine outlives the requests: a graceful shutdown, which waits for
// requests, waits for the batches too. Several processes each run their own batches against
// the same rows, with the same locks and the same conditional pool update as single gifts.
//
// Anything unusual in a batch — an event for a refunded or offline gift, a payment that
// disagrees with the contribution, a gift that unlocks a campaign's waiting matches, an error
// — is answered "slow": its request applies it alone through the one-gift path
// (applyPaymentEventOne), and later gifts of the same campaign in the batch follow it there so
// that a campaign's gifts are still applied in arrival order.

// maxGiftBatch bounds how many events one transaction applies.
const maxGiftBatch = 200

// CampaignDonorKey names one donor's row of totals in one campaign.
type CampaignDonorKey struct {
	CampaignID int64
	DonorKey   string
}

// CampaignFacts are what match multipliers look at: the project's category and the
// community's kind.
type CampaignFacts struct {
	Category      string
	CommunityKind string
}

// GiftBatchStore reads and writes the rows of many gifts at once.
type GiftBatchStore interface {
	// LockCampaigns loads campaigns and locks their rows in id order, with each one's
	// project category and community kind.
	LockCampaigns(ctx context.Context, ids []int64) (map[int64]*Campaign, map[int64]CampaignFacts, error)
	// LockContributions loads contributions and locks their rows in id order.
	LockContributions(ctx context.Context, ids []int64) (map[int64]*Contribution, error)
	// FindPaymentEventIDs reports which event ids are stored already.
	FindPaymentEventIDs(ctx context.Context, ids []string) (map[string]bool, error)
	// FindCampaignDonors loads donors' totals; missing pairs come back as zero rows.
	FindCampaignDonors(ctx context.Context, keys []CampaignDonorKey) (map[CampaignDonorKey]*CampaignDonor, error)
	// CreateMatches inserts matches and fills their ids.
	CreateMatches(ctx context.Context, ms []*FundMatch) error
	// WriteGiftBatch writes what a batch decided, taking each pool's money last with the
	// conditional update; false (and nothing to keep: the caller rolls back) when a pool
	// holds less than the batch takes from it.
	WriteGiftBatch(ctx context.Context, w GiftBatchWrites) (bool, error)
}

// GiftBatchWrites are a batch's writes: stored at once, so that on PostgreSQL they cost one
// round trip rather than one per table.
type GiftBatchWrites struct {
	Now    time.Time
	Events []*PaymentEvent
	// Ledger are validated transactions with their entries.
	Ledger []*LedgerTransaction
	// Donors are donors' totals to insert or update.
	Donors []*CampaignDonor
	// Campaigns are open campaigns whose raised, donors and match counters changed.
	Campaigns []*Campaign
	// Paid are pending contributions that succeeded at Now: status, eligibility, payment
	// intent, receipt code.
	Paid []*Contribution
	// PoolTakes is the money taken from each pool (pool id → fen, each above zero).
	PoolTakes map[int64]int64
}

// giftRequest is one payment event waiting for a batch.
type giftRequest struct {
	provider string
	ev       funds.PaymentEvent
	// campaignID is the event's campaign as it claims (metadata) or as read before queueing;
	// the batch answers slow any event whose contribution belongs to another campaign.
	campaignID int64
	done       chan giftAnswer
}

// giftAnswer is what a batch tells a waiting request: its outcome, or that it applies its
// event alone (slow), or that it leads the next batch.
type giftAnswer struct {
	outcome string
	err     error
	slow    bool
	lead    bool
}

// giftQueues are a process's batch queues. A campaign's events always join the same queue
// (by its id), so batches of different queues lock disjoint campaigns and contributions and
// run side by side, meeting only at the pool's row for the moment of its update and commit;
// within a queue, a campaign's gifts keep their arrival order. One queue is the SQLite
// default (one writer: parallel batches would only wait for each other).
type giftQueues struct {
	shards []*giftQueue
	rules  sync.Map // rule versions by pool and version: never edited, so cached

	mu                   sync.Mutex // guards the stats, read by GiftBatchStats
	batches, gifts, slow int64
	took                 time.Duration
}

// newGiftQueues makes n queues (at least one).
func newGiftQueues(n int) *giftQueues {
	qs := &giftQueues{shards: make([]*giftQueue, max(n, 1))}
	for i := range qs.shards {
		qs.shards[i] = &giftQueue{}
	}
	return qs
}

// queue is the queue of a campaign's events.
func (qs *giftQueues) queue(campaignID int64) *giftQueue {
	return qs.shards[uint64(campaignID)%uint64(len(qs.shards))]
}

// giftQueue is one queue of payment events for its next batch.
type giftQueue struct {
	mu      sync.Mutex
	waiting []*giftRequest
	busy    bool // a request is leading batches
	// the last batch's size and time, for lingering
	lastSize int
	lastTook time.Duration
}

// GiftBatchStats reports how many batches this process committed, the gifts they applied,
// how many gifts went the one-gift way, and the time spent in batch transactions.
func (a *App) GiftBatchStats() (batches, gifts, slow int64, took time.Duration) {
	a.gifts.mu.Lock()
	defer a.gifts.mu.Unlock()
	return a.gifts.batches, a.gifts.gifts, a.gifts.slow, a.gifts.took
}

// maxLinger bounds how long a new leader waits for more events before taking its batch.
const maxLinger = 10 * time.Millisecond

// linger waits, before a leader takes its batch, for the senders the last batch answered to
// come back. Under load each batch's requests are answered together and return together a
// moment later, while the next batch may already be running: without a pause, batches would
// alternate between a large group and a few stragglers, and each batch costs about the same
// whatever its size. The wait ends as soon as the queue holds as many events as the last
// batch did, and lasts at most half the last batch's time (and maxLinger); after a small
// batch there is no load to wait for.
func (q *giftQueue) linger() {
	q.mu.Lock()
	want, limit := q.lastSize, min(q.lastTook/2, maxLinger)
	q.mu.Unlock()
	if want < 8 {
		return
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		q.mu.Lock()
		n := len(q.waiting)
		q.mu.Unlock()
		if n >= want {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// ApplyPaymentEvent applies a verified provider event exactly once: its id is stored under a
// unique index in the same transaction as its effect, and the effect is computed from the
// recorded state, so duplicates and late events change nothing. It returns what happened.
// Events that pay a known contribution are applied in batches (group commit); it returns
// only after the batch holding the event committed.
func (a *App) ApplyPaymentEvent(ctx context.Context, provider string, ev funds.PaymentEvent) (string, error) {
	if !batchable(ev) {
		return a.applyPaymentEventOne(ctx, provider, ev)
	}
	campaignID := ev.CampaignID
	if campaignID == 0 {
		// No campaign in the metadata (an older checkout): read it to pick the queue.
		c0, err := a.store.FindContribution(ctx, ev.ContributionID)
		if err != nil {
			return a.applyPaymentEventOne(ctx, provider, ev) // not found, or the database is down: the one-gift path answers
		}
		campaignID = c0.CampaignID
	}
	r := &giftRequest{provider: provider, ev: ev, campaignID: campaignID, done: make(chan giftAnswer, 1)}
	ans := a.submitGift(ctx, r)
	if ans.slow {
		return a.applyPaymentEventOne(ctx, provider, ev)
	}
	return ans.outcome, ans.err
}

// batchable reports events that pay a gift named by its metadata.
func batchable(ev funds.PaymentEvent) bool {
	return ev.ContributionID != 0 && ev.ID != "" &&
		(ev.Type == funds.EventPaymentSucceeded || (ev.Type == funds.EventCheckoutCompleted && ev.Paid))
}

// submitGift queues r and waits for its answer, leading batches when the queue is idle.
func (a *App) submitGift(ctx context.Context, r *giftRequest) giftAnswer {
	q := a.gifts.queue(r.campaignID)
	q.mu.Lock()
	q.waiting = append(q.waiting, r)
	lead := !q.busy
	q.busy = true
	q.mu.Unlock()
	if !lead {
		ans := <-r.done
		if !ans.lead {
			return ans
		}
	}
	// Leading: the batch's transaction must not end with this request's client.
	bctx := context.WithoutCancel(ctx)
	for {
		q.linger()
		q.mu.Lock()
		n := min(len(q.waiting), maxGiftBatch)
		batch := append([]*giftRequest(nil), q.waiting[:n]...)
		q.waiting = q.waiting[n:]
		q.mu.Unlock()
		answers := a.applyGiftBatch(bctx, q, batch)
		var own *giftAnswer
		for i, b := range batch {
			if b == r {
				own = &answers[i]
				continue
			}
			b.done <- answers[i]
		}
		if own == nil {
			continue // r is further back in the queue: lead the next batch too
		}
		q.mu.Lock()
		if len(q.waiting) > 0 {
			q.waiting[0].done <- giftAnswer{lead: true}
		} else {
			q.busy = false
		}
		q.mu.Unlock()
		return *own
	}
}

// applyGiftBatch applies a batch, running it again with fresh reads when another process
// took the pool's money meanwhile. When the batch as a whole fails, each event is answered
// slow and tried alone, so one bad event cannot refuse the others.
func (a *App) applyGiftBatch(ctx context.Context, q *giftQueue, batch []*giftRequest) []giftAnswer {
	start := time.Now()
	defer func() {
		took := time.Since(start)
		q.mu.Lock()
		q.lastSize, q.lastTook = len(batch), took
		q.mu.Unlock()
		a.gifts.mu.Lock()
		a.gifts.took += took
		a.gifts.mu.Unlock()
	}()
	for attempt := 0; ; attempt++ {
		answers, err := a.tryGiftBatch(ctx, batch)
		if err == nil {
			slow := int64(0)
			for _, ans := range answers {
				if ans.slow {
					slow++
				}
			}
			a.gifts.mu.Lock()
			a.gifts.batches++
			a.gifts.gifts += int64(len(batch)) - slow
			a.gifts.slow += slow
			a.gifts.mu.Unlock()
			return answers
		}
		if !errors.Is(err, errPoolRace) || attempt >= maxReserveAttempts {
			if len(batch) > 1 || !errors.Is(err, errPoolRace) {
				a.log.Warn("gift batch failed; applying its events one by one", "events", len(batch), "err", err)
			}
			out := make([]giftAnswer, len(batch))
			for i := range out {
				out[i] = giftAnswer{slow: true}
			}
			a.gifts.mu.Lock()
			a.gifts.slow += int64(len(batch))
			a.gifts.mu.Unlock()
			return out
		}
	}
}

// giftBatch is one attempt's state: the locked rows and what the batch writes.
type giftBatch struct {
	now       time.Time
	camps     map[int64]*Campaign
	contribs  map[int64]*Contribution
	donors    map[CampaignDonorKey]*CampaignDonor
	facts     map[int64]CampaignFacts
	pools     map[int64]*batchPool
	slowCamps map[int64]bool // campaigns whose remaining events go the one-gift way

	events      []*PaymentEvent
	ledger      []*LedgerTransaction
	matches     []*FundMatch
	matchCamp   []*Campaign // the campaign of each match, for its ledger posting
	paid        []*Contribution
	dirtyCamps  map[int64]bool
	dirtyDonors map[CampaignDonorKey]bool
}

// batchPool is a pool's rule and its money as the batch spends it.
type batchPool struct {
	pool      *FundPool
	row       *FundPoolRule
	rule      funds.Rule
	ok        bool // a match pool with a rule
	available int64
	take      int64
}

// tryGiftBatch runs one attempt in one transaction.
func (a *App) tryGiftBatch(ctx context.Context, batch []*giftRequest) ([]giftAnswer, error) {
	answers := make([]giftAnswer, len(batch))
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		for i := range answers {
			answers[i] = giftAnswer{}
		}
		gb, err := a.loadGiftBatch(ctx, batch)
		if err != nil {
			return err
		}
		stored, err := a.store.FindPaymentEventIDs(ctx, eventIDs(batch))
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for i, r := range batch {
			switch {
			case stored[r.ev.ID] || seen[r.ev.ID]:
				answers[i].outcome = "duplicate"
			case gb.slowCamps[r.campaignID]:
				answers[i].slow = true
			default:
				answers[i] = a.batchGift(ctx, gb, r)
				if answers[i].slow {
					gb.slowCamps[r.campaignID] = true
				} else {
					seen[r.ev.ID] = true
				}
			}
		}
		return a.writeGiftBatch(ctx, gb)
	})
	return answers, err
}

func eventIDs(batch []*giftRequest) []string {
	out := make([]string, len(batch))
	for i, r := range batch {
		out[i] = r.ev.ID
	}
	return out
}

// loadGiftBatch locks the batch's campaigns, then its contributions (the order single gifts
// take them in), and reads the donors' totals and the pools.
func (a *App) loadGiftBatch(ctx context.Context, batch []*giftRequest) (*giftBatch, error) {
	gb := &giftBatch{now: a.Now(), pools: map[int64]*batchPool{}, slowCamps: map[int64]bool{},
		dirtyCamps: map[int64]bool{}, dirtyDonors: map[CampaignDonorKey]bool{}}
	var campIDs, contribIDs []int64
	for _, r := range batch {
		campIDs = append(campIDs, r.campaignID)
		contribIDs = append(contribIDs, r.ev.ContributionID)
	}
	var err error
	if gb.camps, gb.facts, err = a.store.LockCampaigns(ctx, campIDs); err != nil {
		return nil, err
	}
	if gb.contribs, err = a.store.LockContributions(ctx, contribIDs); err != nil {
		return nil, err
	}
	var keys []CampaignDonorKey
	for _, c := range gb.contribs {
		keys = append(keys, CampaignDonorKey{c.CampaignID, c.DonorKey})
	}
	if gb.donors, err = a.store.FindCampaignDonors(ctx, keys); err != nil {
		return nil, err
	}
	for _, c := range gb.camps {
		if c.PoolID == nil {
			continue
		}
		if _, ok := gb.pools[*c.PoolID]; ok {
			continue
		}
		bp := &batchPool{}
		if bp.pool, err = a.store.FindPool(ctx, *c.PoolID); err != nil {
			return nil, err
		}
		bp.available = bp.pool.Available
		if bp.pool.Kind == PoolKindMatch && bp.pool.RuleVersion != 0 {
			if bp.row, err = a.poolRule(ctx, bp.pool.ID, bp.pool.RuleVersion); err != nil {
				return nil, err
			}
			if bp.rule, err = ruleOf(bp.row, bp.pool.Currency); err != nil {
				return nil, err
			}
			bp.ok = true
		}
		gb.pools[bp.pool.ID] = bp
	}
	return gb, nil
}

// batchGift applies one event to the batch's state in memory, or answers slow when it needs
// the one-gift path. Nothing is changed for an event answered slow.
func (a *App) batchGift(ctx context.Context, gb *giftBatch, r *giftRequest) giftAnswer {
	slow := giftAnswer{slow: true}
	camp, c := gb.camps[r.campaignID], gb.contribs[r.ev.ContributionID]
	if camp == nil || c == nil || c.CampaignID != camp.ID || c.Channel != string(funds.ChannelStripe) {
		return slow // unknown, or not the campaign the metadata names: the one-gift path decides
	}
	ev := r.ev
	if (ev.SessionID != "" && c.SessionID != nil && *c.SessionID != ev.SessionID) ||
		(ev.PaymentIntentID != "" && c.PaymentIntentID != nil && *c.PaymentIntentID != ev.PaymentIntentID) {
		return slow // held for review, with an audit event: the one-gift path does that
	}
	state := funds.PaymentState{Status: funds.ContributionStatus(c.Status),
		Amount: funds.Money{Amount: c.Amount, Currency: funds.Currency(c.Currency)}, Refunded: c.Refunded}
	eff, err := funds.ApplyPaymentEvent(state, ev)
	if err != nil {
		return slow
	}
	rec := &PaymentEvent{Provider: r.provider, EventID: ev.ID, EventType: ev.ProviderType, ContributionID: ptr(c.ID),
		Outcome: eff.Why, ReceivedAt: gb.now}
	if rec.EventType == "" {
		rec.EventType = string(ev.Type)
	}
	if eff.Noop {
		if ev.PaymentIntentID != "" && c.PaymentIntentID == nil {
			return slow // the one-gift path records the payment intent too
		}
		gb.events = append(gb.events, rec)
		return giftAnswer{outcome: eff.Why}
	}
	if !eff.Succeed || eff.Refund != 0 || eff.Fail {
		return slow
	}
	if err := a.batchSucceed(ctx, gb, camp, c); err != nil {
		return slow
	}
	if ev.PaymentIntentID != "" && c.PaymentIntentID == nil {
		c.PaymentIntentID = ptr(ev.PaymentIntentID)
	}
	gb.events = append(gb.events, rec)
	return giftAnswer{outcome: eff.Why}
}

// batchSucceed is succeed and matchGift (funds_money.go) on the batch's state: the same
// decisions from the same rules, written later in bulk. It returns an error, having changed
// nothing, for a gift the one-gift path must apply (one that unlocks matches waiting for a
// campaign's threshold, bad stored money).
func (a *App) batchSucceed(ctx context.Context, gb *giftBatch, camp *Campaign, c *Contribution) error {
	if err := funds.CheckAmount(c.Amount); err != nil {
		return err
	}
	if storedOutOfRange(camp.Raised) {
		return errors.New("stored money out of range")
	}
	raised, err := addTotal(camp.Raised, c.Amount, "amount")
	if err != nil {
		return err
	}
	key := CampaignDonorKey{camp.ID, c.DonorKey}
	cd := gb.donors[key]
	if cd == nil {
		return errors.New("donor totals not loaded")
	}
	// Decide the match first: a gift that needs the one-gift path must leave no trace here.
	var bp *batchPool
	var d funds.MatchDecision
	var mc funds.MatchCampaign
	var unlockAmount int64
	if camp.Status == string(funds.CampaignOpen) && camp.PoolID != nil && gb.pools[*camp.PoolID] != nil && gb.pools[*camp.PoolID].ok {
		bp = gb.pools[*camp.PoolID]
		if mc, err = batchMatchState(gb, camp); err != nil {
			return err
		}
		if storedOutOfRange(bp.pool.Available) || storedOutOfRange(bp.pool.Budget) {
			return errors.New("stored money out of range")
		}
		gift := funds.Gift{Donor: c.DonorKey, Amount: c.Amount, DonorCounted: cd.Counted, FirstFromDonor: cd.Eligible == 0}
		if d, err = bp.rule.Decide(mc, gift, bp.available); err != nil {
			return err
		}
		if d.Unlocks {
			// The first gift of a campaign without a threshold unlocks it too; only one
			// that releases matches waiting for the threshold takes the one-gift path.
			if mc.PendingCounted != 0 {
				return errors.New("unlocks the campaign's waiting matches")
			}
			waiting, err := a.store.FindMatches(ctx, camp.ID, []string{string(funds.MatchStatusPending)})
			if err != nil {
				return err
			}
			if len(waiting) > 0 {
				return errors.New("unlocks the campaign's waiting matches")
			}
			res, total, err := bp.rule.ReserveBatch(mc, nil, funds.PendingMatch{Counted: d.Counted}, bp.available)
			if err != nil {
				return err
			}
			if total != d.BatchTotal || len(res) != 1 {
				return fmt.Errorf("unlock of campaign %d: batch %d but decided %d", camp.ID, total, d.BatchTotal)
			}
			unlockAmount = res[0].Amount
		}
	}
	eligible, counted := cd.Eligible, cd.Counted
	if bp != nil && d.Eligible {
		if eligible, err = addTotal(cd.Eligible, c.Amount, "amount"); err != nil {
			return err
		}
		if counted, err = addTotal(cd.Counted, d.Counted, "amount"); err != nil {
			return err
		}
	}
	t, err := funds.ContributionSucceeded(contributionPosting(c))
	if err != nil {
		return err
	}
	lt, err := a.ledgerRecord(context.Background(), camp.FundID, t)
	if err != nil {
		return err
	}
	receipt := c.ReceiptCode
	if receipt == nil {
		code, err := newReceiptCode()
		if err != nil {
			return err
		}
		receipt = &code
	}
	// From here on nothing fails: apply.
	gb.ledger = append(gb.ledger, lt)
	c.Status, c.SucceededAt, c.UpdatedAt = string(funds.ContributionStatusSucceeded), &gb.now, gb.now
	c.ReceiptCode = receipt
	camp.Raised = raised
	if cd.Gifts == 0 {
		camp.Donors++
	}
	cd.Gifts++
	gb.paid = append(gb.paid, c)
	gb.dirtyCamps[camp.ID], gb.dirtyDonors[key] = true, true
	if bp == nil {
		return nil
	}
	bp.available -= d.BatchTotal
	bp.take += d.BatchTotal
	c.Eligible = d.Eligible
	if !d.Eligible {
		return nil
	}
	cd.Eligible, cd.Counted = eligible, counted
	applyMatchState(camp, d.After)
	if d.Counted == 0 && !d.Unlocks {
		return nil
	}
	m := &FundMatch{ContributionID: c.ID, CampaignID: camp.ID, PoolID: bp.pool.ID, RuleVersion: bp.row.Version,
		Status: string(funds.MatchStatusPending), Counted: d.Counted, CreatedAt: gb.now, UpdatedAt: gb.now}
	switch {
	case d.Unlocks:
		m.Status, m.Amount = string(funds.MatchStatusReserved), unlockAmount
	case !d.Pending:
		m.Status, m.Amount = string(funds.MatchStatusReserved), d.Reserve
	}
	gb.matches = append(gb.matches, m)
	gb.matchCamp = append(gb.matchCamp, camp)
	return nil
}

// batchMatchState is matchState with the category and kind read for the whole batch.
func batchMatchState(gb *giftBatch, camp *Campaign) (funds.MatchCampaign, error) {
	f, ok := gb.facts[camp.ID]
	if !ok {
		return funds.MatchCampaign{}, fmt.Errorf("campaign %d: no project or community", camp.ID)
	}
	mc := funds.MatchCampaign{Goal: camp.Goal, Category: f.Category, CommunityKind: funds.CommunityKind(f.CommunityKind),
		EligibleRaised: camp.EligibleRaised, EligibleDonors: camp.EligibleDonors, Counted: camp.Counted,
		PendingCounted: camp.PendingCounted, Matched: camp.Matched, Unlocked: camp.Unlocked}
	if camp.Excluded != "" && camp.Excluded != "[]" {
		if err := json.Unmarshal([]byte(camp.Excluded), &mc.Excluded); err != nil {
			return mc, fmt.Errorf("campaign %d exclusions: %w", camp.ID, err)
		}
	}
	return mc, nil
}

// writeGiftBatch writes what the batch decided, in bulk, and takes each pool's money last
// with its conditional update (errPoolRace when another process took it meanwhile).
func (a *App) writeGiftBatch(ctx context.Context, gb *giftBatch) error {
	if err := a.store.CreateMatches(ctx, gb.matches); err != nil {
		return err
	}
	for i, m := range gb.matches {
		if m.Amount <= 0 {
			continue
		}
		t, err := funds.MatchReserved(a.matchPosting(m, m.Amount, gb.matchCamp[i].Currency, 0))
		if err != nil {
			return err
		}
		lt, err := a.ledgerRecord(ctx, gb.matchCamp[i].FundID, t)
		if err != nil {
			return err
		}
		gb.ledger = append(gb.ledger, lt)
	}
	w := GiftBatchWrites{Now: gb.now, Events: gb.events, Ledger: gb.ledger, Paid: gb.paid, PoolTakes: map[int64]int64{}}
	for k := range gb.dirtyDonors {
		w.Donors = append(w.Donors, gb.donors[k])
	}
	for id := range gb.dirtyCamps {
		w.Campaigns = append(w.Campaigns, gb.camps[id])
	}
	for _, bp := range gb.pools {
		if bp.take != 0 {
			w.PoolTakes[bp.pool.ID] = bp.take
		}
	}
	ok, err := a.store.WriteGiftBatch(ctx, w)
	if err != nil {
		return err
	}
	if !ok {
		return errPoolRace
	}
	return nil
}

// poolRule loads a pool's rule version; versions are never edited (a change is a new
// version), so each is read from the database once per process.
func (a *App) poolRule(ctx context.Context, poolID int64, version int) (*FundPoolRule, error) {
	type key struct {
		pool    int64
		version int
	}
	k := key{poolID, version}
	if r, ok := a.gifts.rules.Load(k); ok {
		return r.(*FundPoolRule), nil
	}
	r, err := a.store.FindPoolRule(ctx, poolID, version)
	if err != nil {
		return nil, err
	}
	a.gifts.rules.Store(k, r)
	return r, nil
}
