package app_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/funds"
)

// giftScript is a sequence of gifts to two campaigns, the same in every world it is played in.
type giftScript struct {
	camps  []*app.Campaign
	gifts  []*app.Contribution
	events []funds.PaymentEvent
}

// playScript opens two campaigns in fw and writes the pending gifts: donors give several
// times, and some events are delivered twice (one right after the other, one later).
func playScript(fw *fundsWorld, n int) *giftScript {
	gs := &giftScript{camps: []*app.Campaign{fw.campaign(60000, "keep_what_you_raise", true), fw.campaign(90000, "all_or_nothing", true)}}
	for i := range n {
		camp := gs.camps[i%2]
		c := fw.pending(camp, fmt.Sprintf("user:%d", i%7), int64(1000+(i*370)%4000))
		gs.gifts = append(gs.gifts, c)
		ev := paid(c, fmt.Sprintf("evt_script_%d", i))
		gs.events = append(gs.events, ev)
		if i%5 == 0 {
			gs.events = append(gs.events, ev)
		}
	}
	gs.events = append(gs.events, gs.events[3], gs.events[8])
	return gs
}

// snapshot is what the gifts left behind, by position in the script.
type snapshot struct {
	Contributions []string
	Matches       []string
	Campaigns     []string
	Available     int64
}

func takeSnapshot(fw *fundsWorld, gs *giftScript) snapshot {
	ctx := context.Background()
	var sn snapshot
	for _, g := range gs.gifts {
		c, err := fw.s.FindContribution(ctx, g.ID)
		fw.must(err)
		sn.Contributions = append(sn.Contributions, fmt.Sprintf("%s eligible=%v amount=%d", c.Status, c.Eligible, c.Amount))
		m, err := fw.s.FindMatchByContribution(ctx, g.ID)
		if app.IsCode(err, app.ENOTFOUND) {
			sn.Matches = append(sn.Matches, "none")
			continue
		}
		fw.must(err)
		sn.Matches = append(sn.Matches, fmt.Sprintf("%s counted=%d amount=%d v%d", m.Status, m.Counted, m.Amount, m.RuleVersion))
	}
	for _, c0 := range gs.camps {
		c, err := fw.s.FindCampaign(ctx, c0.ID)
		fw.must(err)
		sn.Campaigns = append(sn.Campaigns, fmt.Sprintf("raised=%d donors=%d matched=%d counted=%d pending=%d eligible=%d/%d unlocked=%v",
			c.Raised, c.Donors, c.Matched, c.Counted, c.PendingCounted, c.EligibleRaised, c.EligibleDonors, c.Unlocked))
	}
	p, err := fw.s.FindPool(ctx, fw.pool.ID)
	fw.must(err)
	sn.Available = p.Available
	return sn
}

// TestGiftBatchSameAsOneByOne plays the same gifts through one batch and one by one, under
// several rules, and expects the same contributions, matches, campaign counters, pool money
// and answers. The batch path is a second implementation of the match rules' bookkeeping:
// this is what keeps it equal to the first.
func TestGiftBatchSameAsOneByOne(t *testing.T) {
	t.Parallel()
	rules := []struct {
		name   string
		rule   app.RuleInput
		budget int64
		slow   bool // some gifts must take the one-gift path
	}{
		{"1:1, no caps", app.RuleInput{Ratio: "1:1"}, 1 << 30, false},
		{"1:1, the pool runs dry", app.RuleInput{Ratio: "1:1"}, 25000, false},
		{"caps and minimum", app.RuleInput{Ratio: "1:0.5", DonorCap: 3000, CampaignCap: 20000, MinContribution: 1500}, 1 << 30, false},
		{"category multiplier", app.RuleInput{Ratio: "1:1", CategoryMultipliers: map[string]string{"environment": "1:2"}}, 40000, false},
		{"unlock threshold", app.RuleInput{Ratio: "1:1", UnlockShareBP: 2000, UnlockDonors: 3}, 1 << 30, true},
	}
	for _, tc := range rules {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			batched, alone := newFundsWorld(t, tc.rule, tc.budget), newFundsWorld(t, tc.rule, tc.budget)
			gb, ga := playScript(batched, 30), playScript(alone, 30)
			outs, errs, slow := batched.a.ApplyGiftBatchForTest(ctx, "stripe", gb.events)
			for i, ev := range ga.events {
				want, err := alone.a.ApplyPaymentEventAloneForTest(ctx, "stripe", ev)
				if err != nil || errs[i] != nil {
					t.Fatalf("event %d: alone %v, batched %v", i, err, errs[i])
				}
				if outs[i] != want {
					t.Errorf("event %d (%s): batched %q, alone %q", i, ev.ID, outs[i], want)
				}
			}
			if tc.slow != (slow > 0) {
				t.Errorf("%d events took the one-gift path; want some: %v", slow, tc.slow)
			}
			sb, sa := takeSnapshot(batched, gb), takeSnapshot(alone, ga)
			for i := range sa.Contributions {
				if sb.Contributions[i] != sa.Contributions[i] || sb.Matches[i] != sa.Matches[i] {
					t.Errorf("gift %d: batched %s / %s, alone %s / %s", i, sb.Contributions[i], sb.Matches[i], sa.Contributions[i], sa.Matches[i])
				}
			}
			for i := range sa.Campaigns {
				if sb.Campaigns[i] != sa.Campaigns[i] {
					t.Errorf("campaign %d: batched %s, alone %s", i, sb.Campaigns[i], sa.Campaigns[i])
				}
			}
			if sb.Available != sa.Available {
				t.Errorf("pool available: batched %d, alone %d", sb.Available, sa.Available)
			}
			batched.checkInvariants()
			alone.checkInvariants()
		})
	}
}

// TestGiftBatchOddEvents puts events the batch must not apply itself among ordinary ones: an
// offline gift, an event naming another payment intent, a refund that overtook its payment,
// an event whose metadata names another campaign than its gift's. Each is answered as the one-gift path answers it, and the ordinary gifts are applied.
func TestGiftBatchOddEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 1<<30)
	camp, other := fw.campaign(100000, "keep_what_you_raise", true), fw.campaign(100000, "keep_what_you_raise", true)
	plain := []*app.Contribution{fw.pending(camp, "user:1", 1000), fw.pending(other, "user:2", 2000), fw.pending(other, "user:3", 3000)}
	offline := fw.offlineGift(camp, "张三", 500)
	wrong := fw.pending(other, "user:4", 4000)
	wrongEv := paid(wrong, "evt_wrong")
	wrongEv.PaymentIntentID = "pi_someone_else"
	offEv := funds.PaymentEvent{ID: "evt_offline", Type: funds.EventPaymentSucceeded, ContributionID: offline.ID, Amount: funds.Fen(500)}
	misrouted := fw.pending(camp, "user:5", 5000)
	misEv := paid(misrouted, "evt_misrouted")
	misEv.CampaignID = other.ID // the metadata only routes the event: the gift's own campaign counts
	evs := []funds.PaymentEvent{paid(plain[0], "evt_p0"), offEv, paid(plain[1], "evt_p1"), wrongEv, paid(plain[2], "evt_p2"), paid(plain[0], "evt_p0"), misEv}
	outs, errs, slow := fw.a.ApplyGiftBatchForTest(ctx, "stripe", evs)
	want := []string{"payment received", "not a card contribution", "payment received", "held for review: the event names another payment", "payment received", "duplicate", "payment received"}
	for i := range evs {
		if errs[i] != nil || outs[i] != want[i] {
			t.Errorf("event %d (%s): %q, %v; want %q", i, evs[i].ID, outs[i], errs[i], want[i])
		}
	}
	// The odd events and, after the mismatch, the rest of that campaign's events go alone.
	if slow != 4 {
		t.Errorf("%d events went the one-gift way, want 4 (offline, mismatch, the gift after it in the same campaign, misrouted)", slow)
	}
	for _, c := range append(plain, misrouted) {
		got, err := fw.s.FindContribution(ctx, c.ID)
		fw.must(err)
		if got.Status != "succeeded" {
			t.Errorf("contribution %d: %s, want succeeded", c.ID, got.Status)
		}
		if got.ReceiptCode == nil || len(*got.ReceiptCode) != 24 {
			t.Errorf("contribution %d paid without a receipt code (%v)", c.ID, got.ReceiptCode)
		}
	}
	if got, _ := fw.s.FindContribution(ctx, wrong.ID); got.Status != "pending" {
		t.Errorf("mismatched payment applied: %s", got.Status)
	}
	fw.checkInvariants()
}

// TestGiftBatchesConcurrent pays gifts to three campaigns from many goroutines through two
// App instances on one database — two processes, one with one queue, the other with three, so
// its campaigns' batches run side by side — with 10% of the
// events sent twice, in shuffled order, and a pool that runs dry part-way. Every event is
// applied exactly once, every gift goes through a batch, the pool is never over-committed and
// spent to the fen.
func TestGiftBatchesConcurrent(t *testing.T) {
	t.Parallel()
	const gifts, gift = 240, 1000
	budget := int64(gifts * gift * 3 / 10)
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, budget)
	second := app.New(app.Deps{Store: fw.s, Clock: fw.clock, Hasher: apptest.Hasher(), GiftQueues: 3})
	camps := []*app.Campaign{fw.campaign(1<<30, "keep_what_you_raise", true), fw.campaign(1<<30, "keep_what_you_raise", true), fw.campaign(1<<30, "all_or_nothing", true)}
	var evs []funds.PaymentEvent
	for i := range gifts {
		c := fw.pending(camps[i%3], fmt.Sprintf("user:%d", i%40), gift)
		ev := paid(c, fmt.Sprintf("evt_conc_%d", i))
		evs = append(evs, ev)
		if i%10 == 0 {
			evs = append(evs, ev)
		}
	}
	rand.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
	ctx := context.Background()
	var mu sync.Mutex
	outcomes := map[string][]string{}
	var wg sync.WaitGroup
	next := make(chan funds.PaymentEvent)
	for w := range 24 {
		a := fw.a
		if w%2 == 1 {
			a = second
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ev := range next {
				out, err := a.ApplyPaymentEvent(ctx, "stripe", ev)
				if err != nil {
					t.Errorf("event %s: %v", ev.ID, err)
					continue
				}
				mu.Lock()
				outcomes[ev.ID] = append(outcomes[ev.ID], out)
				mu.Unlock()
			}
		}()
	}
	for _, ev := range evs {
		next <- ev
	}
	close(next)
	wg.Wait()
	for id, outs := range outcomes {
		applied := 0
		for _, o := range outs {
			switch o {
			case "payment received":
				applied++
			case "duplicate", "already succeeded":
			default:
				t.Errorf("event %s: outcome %q", id, o)
			}
		}
		if applied != 1 {
			t.Errorf("event %s applied %d times (%v)", id, applied, outs)
		}
	}
	if len(outcomes) != gifts {
		t.Errorf("%d events answered, want %d", len(outcomes), gifts)
	}
	_, g1, s1, _ := fw.a.GiftBatchStats()
	_, g2, s2, _ := second.GiftBatchStats()
	if s1+s2 != 0 || g1+g2 != int64(len(evs)) {
		t.Errorf("batched %d+%d events, %d+%d went alone; want all %d batched", g1, g2, s1, s2, len(evs))
	}
	fw.checkInvariants()
	pool, err := fw.s.FindPool(ctx, fw.pool.ID)
	fw.must(err)
	if pool.Available != 0 {
		t.Errorf("pool left %d of %d although the gifts were worth more", pool.Available, budget)
	}
}

// TestWriteGiftBatchPoolShort: the batch's writes take a pool's money only when the pool
// still holds it; a pool that holds less (another process took it since the batch read it)
// is reported so the batch can roll back and decide again, and nothing it wrote is kept.
func TestWriteGiftBatchPoolShort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 10000)
	c := fw.pending(fw.campaign(100000, "keep_what_you_raise", true), "user:1", 1000)
	write := func(take int64, eventID string) bool {
		t.Helper()
		var ok bool
		errShort := errors.New("pool short")
		err := fw.s.InTx(ctx, func(ctx context.Context) error {
			var err error
			ok, err = fw.s.WriteGiftBatch(ctx, app.GiftBatchWrites{Now: fundsNow,
				Events:    []*app.PaymentEvent{{Provider: "stripe", EventID: eventID, EventType: "payment_intent.succeeded", ContributionID: &c.ID, Outcome: "payment received", ReceivedAt: fundsNow}},
				PoolTakes: map[int64]int64{fw.pool.ID: take}})
			if err == nil && !ok {
				return errShort
			}
			return err
		})
		if err != nil && !errors.Is(err, errShort) {
			t.Fatal(err)
		}
		return ok
	}
	if write(10001, "evt_short") {
		t.Fatal("took 10001 from a pool holding 10000")
	}
	stored, err := fw.s.FindPaymentEventIDs(ctx, []string{"evt_short", "evt_whole"})
	fw.must(err)
	if stored["evt_short"] {
		t.Error("the short batch's event was kept")
	}
	if !write(10000, "evt_whole") {
		t.Fatal("could not take the pool's whole 10000")
	}
	pool, err := fw.s.FindPool(ctx, fw.pool.ID)
	fw.must(err)
	if pool.Available != 0 {
		t.Errorf("pool holds %d after the batch took all of it", pool.Available)
	}
	if stored, _ := fw.s.FindPaymentEventIDs(ctx, []string{"evt_whole"}); !stored["evt_whole"] {
		t.Error("the batch's event was not stored")
	}
}
