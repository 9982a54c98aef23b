package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestDemoFunds loads the demo set and checks 东湖友邻基金: a 1:1 government pool, two
// campaigns with gifts, matched money reserved and a ledger that balances.
func TestDemoFunds(t *testing.T) {
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	a, _ := demoApp(t, now, "demo password")
	ctx := context.Background()
	fs, err := a.Funds(ctx, nil)
	if err != nil || len(fs) != 1 || fs[0].Name != "东湖友邻基金" {
		t.Fatalf("funds %v %v", fs, err)
	}
	pool, err := a.Pool(ctx, fs[0].PoolIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if pool.Source != "government" || pool.Rules[0].Ratio != "1:1" || pool.Budget != 5000000 {
		t.Errorf("pool %+v", pool.FundPool)
	}
	camps, _, err := a.Campaigns(ctx, app.CampaignFilter{FundID: &fs[0].ID})
	if err != nil || len(camps) < 2 {
		t.Fatalf("campaigns %d %v", len(camps), err)
	}
	open := 0
	for _, c := range camps {
		if c.Raised == 0 || c.Donors < 3 {
			t.Errorf("campaign %s raised %d from %d donors", c.Title, c.Raised, c.Donors)
		}
		if c.Status == "open" {
			open++
		}
	}
	if open != 3 { // two campaigns of the funds demo and the 助餐点's (app/demo/projects_delivery.go)
		t.Errorf("%d open campaigns, want 3", open)
	}
	if pool.Reserved == 0 || pool.Available >= pool.Budget {
		t.Errorf("pool reserved %d available %d budget %d", pool.Reserved, pool.Available, pool.Budget)
	}
	if len(camps) != 5 {
		t.Errorf("%d campaigns, want 5 (two already paid out, one of them the 口袋公园's)", len(camps))
	} else {
		ds, err := a.Disbursements(ctx, fs[0].ID, nil)
		if err != nil || len(ds) != 2 || ds[0].Status != "paid" || ds[1].Status != "paid" {
			t.Errorf("demo disbursements %v %v", ds, err)
		}
	}
	sum, err := a.FundLedgerSummary(ctx, fs[0].ID)
	if err != nil || !sum.Balanced {
		t.Errorf("ledger balanced %v %v", sum, err)
	}
}

func TestDemoLedgersCheck(t *testing.T) {
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	a, s := demoApp(t, now, "demo password")
	ctx := context.Background()
	problems, err := a.CheckLedgers(ctx)
	if err != nil || len(problems) != 0 {
		t.Errorf("demo ledgers: %v %v", problems, err)
	}
	// A pool cache that drifts from its ledger account is reported.
	if _, err := s.ReservePool(ctx, 1, 1); err != nil {
		t.Fatal(err)
	}
	if problems, _ := a.CheckLedgers(ctx); len(problems) != 1 {
		t.Errorf("drifted pool: %v", problems)
	}
}
