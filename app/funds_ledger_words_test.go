package app_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

// TestAccountWords names every kind of account, with and without its names loaded.
func TestAccountWords(t *testing.T) {
	n := app.LedgerNames{FundName: "东湖友邻基金",
		Pools:     map[int64]string{1: "政府配捐池"},
		Campaigns: map[int64]app.CampaignName{3: {ID: 3, Title: "楼道扶手众筹", ProjectID: 7, ProjectTitle: "楼道扶手"}}}
	fund := app.NamePart{Text: "东湖友邻基金"}
	pool := app.NamePart{Text: "政府配捐池", Href: "/pools/1"}
	camp := app.NamePart{Text: "楼道扶手众筹", Href: "/campaigns/3"}
	for _, c := range []struct {
		code string
		want []app.NamePart
	}{
		{"cash:5:bank", []app.NamePart{fund, {Msg: "ledger.acct.cash.bank"}}},
		{"cash:5:offline", []app.NamePart{fund, {Msg: "ledger.acct.cash.offline"}}},
		{"cash:5:stripe", []app.NamePart{fund, {Msg: "ledger.acct.cash.stripe"}}},
		{"pool:1:available", []app.NamePart{fund, pool, {Msg: "ledger.acct.available"}}},
		{"pool:1:reserved:3", []app.NamePart{fund, pool, {Msg: "ledger.acct.reserved_for", Name: "楼道扶手众筹", Href: "/campaigns/3"}}},
		{"campaign:3:donations:resident", []app.NamePart{fund, camp, {Msg: "ledger.acct.donations.resident"}}},
		{"campaign:3:donations:merchant", []app.NamePart{fund, camp, {Msg: "ledger.acct.donations.merchant"}}},
		{"campaign:3:donations:unit", []app.NamePart{fund, camp, {Msg: "ledger.acct.donations.unit"}}},
		{"campaign:3:donations:foundation", []app.NamePart{fund, camp, {Msg: "ledger.acct.donations.foundation"}}},
		{"campaign:3:donations:social_org", []app.NamePart{fund, camp, {Msg: "ledger.acct.donations.social_org"}}},
		{"campaign:3:match:1", []app.NamePart{fund, camp, {Msg: "ledger.acct.match_from", Name: "政府配捐池", Href: "/pools/1"}}},
		// A record the lookup lacks is named by its number, unlinked, never by its code.
		{"pool:9:available", []app.NamePart{fund, {Msg: "ledger.acct.pool_n", Name: "9"}, {Msg: "ledger.acct.available"}}},
		{"pool:9:reserved:8", []app.NamePart{fund, {Msg: "ledger.acct.pool_n", Name: "9"}, {Msg: "ledger.acct.reserved_for", Name: "#8"}}},
		{"campaign:8:donations:resident", []app.NamePart{fund, {Msg: "ledger.acct.campaign_n", Name: "8"}, {Msg: "ledger.acct.donations.resident"}}},
		{"campaign:8:match:9", []app.NamePart{fund, {Msg: "ledger.acct.campaign_n", Name: "8"}, {Msg: "ledger.acct.match_from", Name: "#9"}}},
	} {
		got, err := app.AccountWords(c.code, n)
		if err != nil {
			t.Errorf("%s: %v", c.code, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.code, got, c.want)
		}
	}
	for _, bad := range []string{"", "pool:1", "match:20", "campaign:x:donations:resident"} {
		if _, err := app.AccountWords(bad, n); !errors.Is(err, funds.ErrInvalidAccount) {
			t.Errorf("%q: %v, want ErrInvalidAccount", bad, err)
		}
	}
}

// TestTxWords names a transaction by its kind, campaign and project, or its pool.
func TestTxWords(t *testing.T) {
	n := app.LedgerNames{FundName: "东湖友邻基金", Pools: map[int64]string{1: "政府配捐池"},
		Campaigns: map[int64]app.CampaignName{3: {ID: 3, Title: "楼道扶手众筹", ProjectID: 7, ProjectTitle: "楼道扶手"}}}
	p, c := int64(1), int64(3)
	match := &app.LedgerTransaction{Kind: "match_reserved", Ref: "match:20", Entries: []app.LedgerEntry{{PoolID: &p}, {PoolID: &p, CampaignID: &c}}}
	want := []app.NamePart{{Msg: "ledger.kind.match_reserved"}, {Text: "楼道扶手众筹", Href: "/campaigns/3"}, {Msg: "ledger.acct.for_project", Name: "楼道扶手", Href: "/projects/7"}}
	if got := app.TxWords(match, n); !reflect.DeepEqual(got, want) {
		t.Errorf("match: %+v", got)
	}
	deposit := &app.LedgerTransaction{Kind: "pool_deposit", Ref: "deposit:4", Entries: []app.LedgerEntry{{}, {PoolID: &p}}}
	want = []app.NamePart{{Msg: "ledger.kind.pool_deposit"}, {Text: "政府配捐池", Href: "/pools/1"}}
	if got := app.TxWords(deposit, n); !reflect.DeepEqual(got, want) {
		t.Errorf("deposit: %+v", got)
	}
}
