package funds

import "testing"

func TestProjectAccountability(t *testing.T) {
	cny := func(v int64) Money { return Money{Amount: v, Currency: CNY} }
	must := func(tx Transaction, err error) Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	const fund, camp, other, pool = 1, 10, 11, 5
	txs := []Transaction{
		must(PoolDeposit(1, fund, pool, ChannelBank, cny(1_000_000))),
		must(ContributionSucceeded(ContributionPosting{ContributionID: 1, Fund: fund, Campaign: camp, Source: SourceResident, Channel: ChannelOffline, Amount: cny(30_000)})),
		must(ContributionSucceeded(ContributionPosting{ContributionID: 2, Fund: fund, Campaign: camp, Source: SourceMerchant, Channel: ChannelOffline, Amount: cny(50_000)})),
		must(ContributionSucceeded(ContributionPosting{ContributionID: 3, Fund: fund, Campaign: other, Source: SourceUnit, Channel: ChannelOffline, Amount: cny(99_000)})),
		must(ContributionRefunded(ContributionPosting{ContributionID: 1, Fund: fund, Campaign: camp, Source: SourceResident, Channel: ChannelOffline, Amount: cny(30_000)}, 1, cny(10_000))),
		must(MatchReserved(MatchPosting{MatchID: 1, Pool: pool, Campaign: camp, Amount: cny(40_000)})),
		must(MatchReserved(MatchPosting{MatchID: 2, Pool: pool, Campaign: camp, Amount: cny(5_000)})),
		must(MatchReleased(MatchPosting{MatchID: 2, Pool: pool, Campaign: camp, Amount: cny(5_000)}, MatchStatusReserved)),
		must(MatchCommitted(MatchPosting{MatchID: 1, Pool: pool, Campaign: camp, Amount: cny(40_000)})),
	}
	bal, err := ComputeBalances(txs)
	if err != nil {
		t.Fatal(err)
	}
	var holdings []Holding
	for _, a := range []Account{DonationsAccount(camp, SourceMerchant), DonationsAccount(camp, SourceResident), MatchAccount(camp, pool)} {
		holdings = append(holdings, Holding{Account: a, Amount: bal.Get(a, CNY)})
	}
	from, err := AllocateDisbursement(holdings, 60_000)
	if err != nil {
		t.Fatal(err)
	}
	txs = append(txs, must(DisbursementPaid(DisbursementPosting{DisbursementID: 1, Fund: fund, Channel: ChannelBank, Currency: CNY, From: from})))
	var entries []PostedEntry
	for _, tx := range txs {
		for _, e := range tx.Entries {
			entries = append(entries, PostedEntry{Kind: tx.Kind, Entry: e})
		}
	}
	got, err := ProjectAccountability(entries, map[int64]bool{camp: true})
	if err != nil {
		t.Fatal(err)
	}
	want := Accountability{Raised: map[SourceKind]int64{SourceResident: 20_000, SourceMerchant: 50_000, SourceUnit: 0, SourceFoundation: 0, SourceSocialOrg: 0},
		Matched: 40_000, Spent: 60_000, Left: 50_000}
	if got.Matched != want.Matched || got.Spent != want.Spent || got.Left != want.Left {
		t.Errorf("got matched %d spent %d left %d, want %d %d %d", got.Matched, got.Spent, got.Left, want.Matched, want.Spent, want.Left)
	}
	for k, v := range want.Raised {
		if got.Raised[k] != v {
			t.Errorf("raised[%s] = %d, want %d", k, got.Raised[k], v)
		}
	}
	// The campaign's balance in the engine's own ledger is what is left.
	all, _ := ComputeBalances(txs)
	var held int64
	for k, v := range all {
		if k.Account.Campaign == camp {
			held += v
		}
	}
	if held != got.Left {
		t.Errorf("left %d, ledger balance of the campaign %d", got.Left, held)
	}
}
