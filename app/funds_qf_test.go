package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

func TestQFRoundSimulation(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 0)
	officer := fw.w.As(t, fw.a, "civil_affairs_officer")
	qf, err := fw.a.CreatePool(officer, fw.fund.ID, app.PoolInput{Name: "二次方配捐轮", Source: "foundation", Kind: "qf"})
	fw.must(err)
	_, err = fw.a.DepositToPool(officer, qf.ID, app.DepositInput{Amount: 100000})
	fw.must(err)
	fw.pool = qf
	ctx := context.Background()
	// Many small donors beat one large donor: 9 × ¥1 versus 1 × ¥9 (plus a second ¥1 donor).
	wide, narrow := fw.campaign(100000, "keep_what_you_raise", true), fw.campaign(100000, "keep_what_you_raise", true)
	for i := 0; i < 9; i++ {
		c := fw.pending(wide, fmt.Sprintf("user:%d", i), 100)
		_, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_w%d", i)))
		fw.must(err)
	}
	for i, amt := range []int64{900, 100} {
		c := fw.pending(narrow, fmt.Sprintf("user:%d", 100+i), amt)
		_, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_n%d", i)))
		fw.must(err)
	}
	sim, err := fw.a.SimulateQF(ctx, qf.ID, app.QFSimInput{})
	fw.must(err)
	if len(sim.Lines) != 2 || sim.Matched > sim.Pool {
		t.Fatalf("simulation %+v", sim)
	}
	byID := map[int64]app.QFLine{}
	for _, l := range sim.Lines {
		byID[l.CampaignID] = l
	}
	// wide: (9·√100)² − 900 = 8100 − 900 = 7200; narrow: (30+10)² − 1000 = 600.
	if byID[wide.ID].Match != 7200 || byID[narrow.ID].Match != 600 {
		t.Errorf("matches %+v", sim.Lines)
	}
	if _, err := fw.a.SimulateQF(ctx, qf.ID, app.QFSimInput{CapPercent: 300}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("cap over 100%%: %v", err)
	}
	// QF pools do not match gift by gift.
	if m, err := fw.s.FindMatches(ctx, wide.ID, nil); err != nil || len(m) != 0 {
		t.Errorf("a QF round made %d ratio matches", len(m))
	}
	// Finalizing waits for the campaigns to close, happens once, and posts each award.
	if _, err := fw.a.FinalizeQF(officer, qf.ID, app.QFSimInput{}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("finalize with open campaigns: %v", err)
	}
	if _, err := fw.a.FinalizeQF(fw.w.As(t, fw.a, "community_worker"), qf.ID, app.QFSimInput{}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("finalize by a worker: %v", err)
	}
	fw.clock.Advance(31 * 24 * time.Hour)
	if _, _, err := fw.a.CloseCampaigns(ctx); err != nil {
		t.Fatal(err)
	}
	round, err := fw.a.FinalizeQF(officer, qf.ID, app.QFSimInput{})
	fw.must(err)
	if !round.Final || len(round.Awards) != 2 {
		t.Fatalf("round %+v", round)
	}
	if _, err := fw.a.FinalizeQF(officer, qf.ID, app.QFSimInput{}); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("second finalization: %v", err)
	}
	pool, _ := fw.s.FindPool(ctx, qf.ID)
	if pool.Available != 100000-7800 {
		t.Errorf("pool after round %d", pool.Available)
	}
	sum, err := fw.a.FundLedgerSummary(ctx, fw.fund.ID)
	fw.must(err)
	if !sum.Balanced {
		t.Errorf("ledger unbalanced after the round")
	}
}

func TestRuleSimulation(t *testing.T) {
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 10000)
	camp := fw.campaign(100000, "keep_what_you_raise", true)
	ctx := context.Background()
	for i, amt := range []int64{3000, 4000, 5000} {
		c := fw.pending(camp, fmt.Sprintf("user:%d", i), amt)
		_, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(c, fmt.Sprintf("evt_s%d", i)))
		fw.must(err)
	}
	cur, _ := fw.s.FindCampaign(ctx, camp.ID)
	// The current rule reproduces what was matched (the pool ran out at ¥100).
	sim, err := fw.a.SimulateRule(ctx, fw.pool.ID, app.RuleInput{Ratio: "1:1"})
	fw.must(err)
	if sim.Simulated != cur.Matched || sim.Simulated != 10000 {
		t.Errorf("same rule: simulated %d, matched %d", sim.Simulated, cur.Matched)
	}
	sim, err = fw.a.SimulateRule(ctx, fw.pool.ID, app.RuleInput{Ratio: "1:0.5", DonorCap: 3000})
	fw.must(err)
	if sim.Simulated != 4500 { // each donor counted up to ¥30 at 1:0.5
		t.Errorf("capped half rule: %d", sim.Simulated)
	}
	if _, err := fw.a.SimulateRule(ctx, fw.pool.ID, app.RuleInput{Ratio: "-1:2"}); !app.IsCode(err, app.EINVALID) {
		t.Errorf("bad candidate: %v", err)
	}
	if rules, _ := fw.s.FindPoolRules(ctx, fw.pool.ID); len(rules) != 1 {
		t.Errorf("simulation wrote rules")
	}
}
