package app_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// The dashboard's needs figures equal a recount from the raw rows: needs of mixed tiers,
// some resolved on time, some late, some open and overdue.
func TestDashboardNeedsMatchRecount(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, cst)
	nw := newNotifyWorld(t, start)
	worker := nw.w.As(t, nw.a, "community_worker")
	tiers := []string{app.TierMinor, app.TierMajor, app.TierHard}
	var ids []int64
	for i := range 12 {
		nw.clock.Set(start.Add(time.Duration(i) * 26 * time.Hour))
		n, err := nw.a.CreateNeed(nw.w.As(t, nw.a, "resident"), app.NeedInput{GridID: nw.w.A.Grids[i%2].ID, Category: "elderly_care",
			Tier: tiers[i%3], Title: "需求"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
		switch i % 4 {
		case 0: // on time
			nw.clock.Advance(2 * time.Hour)
			if _, err := nw.a.TransitionNeed(worker, n.ID, app.NeedResolve, ""); err != nil {
				t.Fatal(err)
			}
		case 1: // late
			nw.clock.Advance(9 * 24 * time.Hour)
			if _, err := nw.a.TransitionNeed(worker, n.ID, app.NeedResolve, ""); err != nil {
				t.Fatal(err)
			}
			nw.clock.Set(start.Add(time.Duration(i) * 26 * time.Hour))
		}
	}
	ctx := context.Background()
	nw.clock.Set(time.Date(2026, 11, 29, 9, 0, 0, 0, cst)) // escalations inside the period count
	if _, err := nw.a.EscalateOverdue(ctx); err != nil {
		t.Fatal(err)
	}
	nw.clock.Set(time.Date(2026, 12, 5, 9, 0, 0, 0, cst)) // and those after it do not
	if _, err := nw.a.EscalateOverdue(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := nw.a.ParsePeriod("2026-11-01", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	d, err := nw.a.CommunityDashboard(nw.w.As(t, nw.a, "community_worker"), nw.w.A.Community.ID, p)
	if err != nil {
		t.Fatal(err)
	}

	// The recount: read every need back and apply docs/metrics.md by hand.
	type c struct{ resolved, onTime int }
	by := map[string]*c{"all": {}, app.TierMinor: {}, app.TierMajor: {}, app.TierHard: {}}
	filed, overdue := 0, 0
	var hours []float64
	for _, id := range ids {
		n, err := nw.s.FindNeed(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if n.CreatedAt.Before(p.Start) || !n.CreatedAt.Before(p.End) {
			continue
		}
		filed++
		if n.ResolvedAt != nil {
			for _, k := range []string{"all", n.Tier} {
				by[k].resolved++
				if !n.ResolvedAt.After(n.DueAt) {
					by[k].onTime++
				}
			}
			hours = append(hours, n.ResolvedAt.Sub(n.CreatedAt).Hours())
		} else if n.DueAt.Before(nw.clock.Now()) {
			overdue++
		}
	}
	if d.Needs.Filed != filed || d.Needs.Resolved != by["all"].resolved || d.Needs.OverdueNow != overdue {
		t.Errorf("filed/resolved/overdue = %d/%d/%d, recount %d/%d/%d", d.Needs.Filed, d.Needs.Resolved, d.Needs.OverdueNow, filed, by["all"].resolved, overdue)
	}
	check := func(name string, got *float64, k string) {
		want := float64(by[k].onTime) / float64(by[k].resolved)
		if got == nil || math.Abs(*got-want) > 1e-12 {
			t.Errorf("on_time.%s = %v, recount %v", name, got, want)
		}
	}
	check("all", d.Needs.OnTime.All, "all")
	check("minor", d.Needs.OnTime.Minor, app.TierMinor)
	check("major", d.Needs.OnTime.Major, app.TierMajor)
	check("hard", d.Needs.OnTime.Hard, app.TierHard)
	if d.Needs.MedianResolveHours == nil || len(hours) == 0 {
		t.Fatalf("median = %v over %d", d.Needs.MedianResolveHours, len(hours))
	}
	// The database computes the median (00021); the recount sorts the hours here.
	slices.Sort(hours)
	want := hours[len(hours)/2]
	if len(hours)%2 == 0 {
		want = (hours[len(hours)/2-1] + hours[len(hours)/2]) / 2
	}
	if math.Abs(*d.Needs.MedianResolveHours-want) > 1e-6 {
		t.Errorf("median resolve hours = %v, recount %v over %v", *d.Needs.MedianResolveHours, want, hours)
	}
	if d.Needs.Escalations == 0 {
		t.Errorf("no escalations counted though %d needs are overdue", overdue)
	}
	if len(d.ByGrid) != 2 || d.ByGrid[0].Filed+d.ByGrid[1].Filed != filed {
		t.Errorf("by_grid = %+v", d.ByGrid)
	}
	if d.Funds.Leverage != nil || d.Funds.Government != 0 {
		t.Errorf("leverage without government money: %+v", d.Funds)
	}
	if _, err := nw.a.CommunityDashboard(nw.w.As(t, nw.a, "resident"), nw.w.A.Community.ID, p); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Errorf("resident: %v, want EFORBIDDEN", err)
	}
	if _, err := nw.a.ParsePeriod("2026-11-30", "2026-11-01"); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("backwards period: %v", err)
	}
}

// The dashboard's funds figures equal a recount from the fund's public ledger over periods
// that cut through gifts, a refund and the match it releases: social money net of the
// refund, government money set aside net of the release, leverage their ratio.
func TestDashboardFundsMatchLedger(t *testing.T) {
	t.Parallel()
	fw := newFundsWorld(t, app.RuleInput{Ratio: "1:1"}, 1000000)
	ctx := context.Background()
	camp := fw.campaign(100000, "keep_what_you_raise", true)
	fw.offlineGift(camp, "甲", 10000)
	b := fw.offlineGift(camp, "乙", 6000)
	fw.clock.Advance(3 * 24 * time.Hour)
	fw.offlineGift(camp, "丙", 3000)
	fw.clock.Advance(2 * 24 * time.Hour)
	_, err := fw.a.RefundContribution(fw.w.As(t, fw.a, "community_worker"), b.ID, app.RefundInput{Amount: 2000, Reason: "requested_by_donor"})
	fw.must(err)
	fw.checkInvariants()

	txs, err := fw.a.LedgerAll(ctx, fw.fund.ID)
	fw.must(err)
	kinds := map[string]bool{}
	for _, tx := range txs {
		kinds[tx.Kind] = true
	}
	for _, k := range []string{"contribution_succeeded", "contribution_refunded", "match_reserved", "match_released"} {
		if !kinds[k] {
			t.Fatalf("the ledger has no %s transaction (%v): the test would not cover it", k, kinds)
		}
	}
	officer := fw.w.As(t, fw.a, "civil_affairs_officer")
	for _, span := range [][2]string{{"2026-11-01", "2026-11-30"}, {"2026-11-24", "2026-11-25"}, {"2026-11-26", "2026-11-30"}, {"2026-12-01", "2026-12-31"}} {
		p, err := fw.a.ParsePeriod(span[0], span[1])
		fw.must(err)
		var social, government int64
		for _, tx := range txs {
			if tx.CreatedAt.Before(p.Start) || !tx.CreatedAt.Before(p.End) {
				continue
			}
			for _, e := range tx.Entries {
				switch {
				case e.AccountKind == "donations" && tx.Kind == "contribution_succeeded":
					social += e.Amount
				case e.AccountKind == "donations" && tx.Kind == "contribution_refunded":
					social -= e.Amount
				case e.AccountKind == "pool_available" && tx.Kind == "match_reserved":
					government += e.Amount
				case e.AccountKind == "pool_available" && tx.Kind == "match_released":
					government -= e.Amount
				}
			}
		}
		d, err := fw.a.CommunityDashboard(officer, fw.w.A.Community.ID, p)
		fw.must(err)
		if d.Funds.Social != social || d.Funds.Government != government {
			t.Errorf("%v: funds %d/%d, ledger recount %d/%d", span, d.Funds.Social, d.Funds.Government, social, government)
		}
		switch {
		case government == 0 && d.Funds.Leverage != nil:
			t.Errorf("%v: leverage %v without government money", span, *d.Funds.Leverage)
		case government != 0 && (d.Funds.Leverage == nil || math.Abs(*d.Funds.Leverage-float64(social)/float64(government)) > 1e-12):
			t.Errorf("%v: leverage %v, recount %d/%d", span, d.Funds.Leverage, social, government)
		}
		if span[0] == "2026-11-01" && (social != 17000 || government != 17000) {
			t.Errorf("November: social %d, government %d fen; want ¥170 each (¥190 given, ¥20 refunded, matched 1:1)", social, government)
		}
	}
}
