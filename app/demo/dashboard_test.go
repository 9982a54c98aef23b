package demo_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// ledgerFunds recomputes funds.social and funds.government of a community over [start, end)
// from the public ledger alone, as an outside reader of GET /api/v1/funds/{id}/ledger would
// (docs/metrics.md): gifts credited to donations net of refunds, and government pools'
// available money set aside for matches net of releases.
func ledgerFunds(t *testing.T, a *app.App, community int64, start, end time.Time) (social, government int64) {
	t.Helper()
	ctx := context.Background()
	fs, err := a.Funds(ctx, &community)
	if err != nil {
		t.Fatal(err)
	}
	gov := map[int64]bool{}
	for _, f := range fs {
		for _, pid := range f.PoolIDs {
			p, err := a.Pool(ctx, pid)
			if err != nil {
				t.Fatal(err)
			}
			gov[pid] = p.Source == "government"
		}
		txs, err := a.LedgerAll(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range txs {
			if tx.CreatedAt.Before(start) || !tx.CreatedAt.Before(end) {
				continue
			}
			for _, e := range tx.Entries {
				switch {
				case e.AccountKind == "donations" && tx.Kind == "contribution_succeeded":
					social += e.Amount
				case e.AccountKind == "donations" && tx.Kind == "contribution_refunded":
					social -= e.Amount
				case e.AccountKind == "pool_available" && e.PoolID != nil && gov[*e.PoolID] && tx.Kind == "match_reserved":
					government += e.Amount
				case e.AccountKind == "pool_available" && e.PoolID != nil && gov[*e.PoolID] && tx.Kind == "match_released":
					government -= e.Amount
				}
			}
		}
	}
	return social, government
}

// The demo's funds figures and leverage equal a recount from its public ledger, over the
// whole history and over a period that leaves the older, paid campaign out.
func TestDemoDashboardFundsMatchLedger(t *testing.T) {
	t.Parallel()
	a, s := loadDemo(t)
	officer := as(t, a, s, "officer@wushe.local")
	fs, err := a.Funds(context.Background(), nil)
	if err != nil || len(fs) == 0 {
		t.Fatalf("funds %v %v", fs, err)
	}
	community := fs[0].CommunityID
	for _, span := range [][2]string{{"2026-09-01", "2026-12-31"}, {"2026-11-20", "2026-11-30"}, {"2026-10-01", "2026-10-31"}} {
		p, err := a.ParsePeriod(span[0], span[1])
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.CommunityDashboard(officer, community, p)
		if err != nil {
			t.Fatal(err)
		}
		social, government := ledgerFunds(t, a, community, p.Start, p.End)
		if d.Funds.Social != social || d.Funds.Government != government {
			t.Errorf("%v: funds %d/%d, ledger %d/%d", span, d.Funds.Social, d.Funds.Government, social, government)
		}
		switch {
		case government == 0 && d.Funds.Leverage != nil:
			t.Errorf("%v: leverage %v without government money", span, *d.Funds.Leverage)
		case government != 0 && (d.Funds.Leverage == nil || math.Abs(*d.Funds.Leverage-float64(social)/float64(government)) > 1e-12):
			t.Errorf("%v: leverage %v, ledger %d/%d", span, d.Funds.Leverage, social, government)
		}
		if span[0] == "2026-09-01" && (social <= 0 || government <= 0) {
			t.Errorf("the demo's whole history has social %d and government %d fen; both should be positive", social, government)
		}
		// A street and the city roll up the same single community.
		cm, err := a.Community(officer, community)
		if err != nil {
			t.Fatal(err)
		}
		sd, err := a.StreetDashboard(officer, cm.StreetID, p)
		if err != nil {
			t.Fatal(err)
		}
		if sd.Funds.Social != d.Funds.Social || sd.Funds.Government != d.Funds.Government {
			t.Errorf("%v: street funds %+v, community %+v", span, sd.Funds, d.Funds)
		}
		cd, err := a.CityDashboard(officer, p)
		if err != nil {
			t.Fatal(err)
		}
		if cd.Funds.Social != d.Funds.Social || cd.Funds.Government != d.Funds.Government || (cd.Funds.Leverage == nil) != (d.Funds.Leverage == nil) {
			t.Errorf("%v: city funds %+v, community %+v", span, cd.Funds, d.Funds)
		}
	}
}
