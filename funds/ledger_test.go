package funds

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAccountKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a   Account
		key string
	}{
		{CashAccount(1, ChannelStripe), "cash:1:stripe"},
		{CashAccount(1, ChannelOffline), "cash:1:offline"},
		{CashAccount(9, ChannelBank), "cash:9:bank"},
		{PoolAvailableAccount(7), "pool:7:available"},
		{PoolReservedAccount(7, 12), "pool:7:reserved:12"},
		{DonationsAccount(12, SourceResident), "campaign:12:donations:resident"},
		{DonationsAccount(12, SourceSocialOrg), "campaign:12:donations:social_org"},
		{MatchAccount(12, 7), "campaign:12:match:7"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.key {
			t.Errorf("String() = %q, want %q", got, tt.key)
		}
		back, err := ParseAccount(tt.key)
		if err != nil || back != tt.a {
			t.Errorf("ParseAccount(%q) = %+v, %v", tt.key, back, err)
		}
	}
	for _, bad := range []string{
		"", "cash:1", "cash:0:stripe", "cash:1:wallet", "cash:01:bank", "cash:-1:bank",
		"pool:7", "pool:7:spent", "pool:x:available", "pool:7:reserved",
		"campaign:12:donations:government", "campaign:12:donations:", "campaign:12:match:0",
		"campaign:12:donations:resident:extra", "bank:1",
	} {
		if _, err := ParseAccount(bad); !errors.Is(err, ErrInvalidAccount) {
			t.Errorf("ParseAccount(%q) error %v, want ErrInvalidAccount", bad, err)
		}
	}
}

func TestTransactionValidate(t *testing.T) {
	t.Parallel()
	good := []Entry{
		{CashAccount(1, ChannelBank), Debit, Fen(100)},
		{PoolAvailableAccount(2), Credit, Fen(100)},
	}
	with := func(f func(*Transaction)) Transaction {
		tx := Transaction{Kind: TxPoolDeposit, Ref: "deposit:1", Entries: append([]Entry(nil), good...)}
		f(&tx)
		return tx
	}
	tests := []struct {
		name  string
		tx    Transaction
		field string
		is    error
	}{
		{"no kind", with(func(t *Transaction) { t.Kind = "" }), "kind", nil},
		{"no ref", with(func(t *Transaction) { t.Ref = "" }), "ref", nil},
		{"one entry", with(func(t *Transaction) { t.Entries = t.Entries[:1] }), "entries", nil},
		{"unbalanced", with(func(t *Transaction) { t.Entries[1].Amount = Fen(99) }), "entries", ErrUnbalanced},
		{"zero amount", with(func(t *Transaction) { t.Entries[0].Amount = Fen(0); t.Entries[1].Amount = Fen(0) }), "entries[0].amount", ErrZeroAmount},
		{"negative amount", with(func(t *Transaction) { t.Entries[0].Amount = Fen(-5) }), "entries[0].amount", ErrZeroAmount},
		{"unknown currency", with(func(t *Transaction) { t.Entries[1].Amount.Currency = "XXX" }), "entries[1].amount", ErrUnknownCurrency},
		{"currencies do not net", with(func(t *Transaction) { t.Entries[1].Amount.Currency = "USD" }), "entries", ErrUnbalanced},
		{"bad side", with(func(t *Transaction) { t.Entries[0].Side = "left" }), "entries[0].side", nil},
		{"bad account", with(func(t *Transaction) { t.Entries[1].Account = Account{Kind: AccountPoolAvailable} }), "entries[1].account", ErrInvalidAccount},
		{"overflow", with(func(t *Transaction) {
			t.Entries = []Entry{
				{CashAccount(1, ChannelBank), Debit, Fen(math.MaxInt64)},
				{CashAccount(1, ChannelStripe), Debit, Fen(1)},
				{PoolAvailableAccount(2), Credit, Fen(1)},
			}
		}), "entries[0].amount", ErrAmountOverflow},
		{"above the largest total", with(func(t *Transaction) {
			t.Entries[0].Amount, t.Entries[1].Amount = Fen(MaxTotal+1), Fen(MaxTotal+1)
		}), "entries[0].amount", ErrOutOfRange},
	}
	if err := with(func(*Transaction) {}).Validate(); err != nil {
		t.Fatalf("good transaction: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.tx.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v names no field", err)
			}
			found := false
			for _, e := range err.(FieldErrors) {
				if e.Field == tt.field && (tt.is == nil || errors.Is(e, tt.is)) {
					found = true
				}
			}
			if !found {
				t.Errorf("error %q: want field %s (%v)", err, tt.field, tt.is)
			}
		})
	}
}

// ledgerFlow posts the life of one fund: a government deposit, three gifts, their matches,
// a refund after a match, a commit, a disbursement split by source, a Stripe payout.
func ledgerFlow(t *testing.T) []Transaction {
	t.Helper()
	must := func(tx Transaction, err error) Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	const fund, pool, camp = 1, 7, 12
	alice := ContributionPosting{ContributionID: 1, Fund: fund, Campaign: camp, Source: SourceResident, Channel: ChannelStripe, Amount: Yuan(100)}
	shop := ContributionPosting{ContributionID: 2, Fund: fund, Campaign: camp, Source: SourceMerchant, Channel: ChannelOffline, Amount: Yuan(300)}
	bob := ContributionPosting{ContributionID: 3, Fund: fund, Campaign: camp, Source: SourceResident, Channel: ChannelStripe, Amount: Yuan(50)}
	return []Transaction{
		must(PoolDeposit(1, fund, pool, ChannelBank, Yuan(10000))),
		must(ContributionSucceeded(alice)),
		must(MatchReserved(MatchPosting{MatchID: 1, Pool: pool, Campaign: camp, Amount: Yuan(100)})),
		must(ContributionSucceeded(shop)),
		must(MatchReserved(MatchPosting{MatchID: 2, Pool: pool, Campaign: camp, Amount: Yuan(300)})),
		must(ContributionSucceeded(bob)),
		must(MatchReserved(MatchPosting{MatchID: 3, Pool: pool, Campaign: camp, Amount: Yuan(50)})),
		// Bob takes his gift back: 套捐. His match goes back to the pool.
		must(ContributionRefunded(bob, 1, Yuan(50))),
		must(MatchReleased(MatchPosting{MatchID: 3, Pool: pool, Campaign: camp, Amount: Yuan(50)}, MatchStatusReserved)),
		must(MatchCommitted(MatchPosting{MatchID: 1, Pool: pool, Campaign: camp, Amount: Yuan(100)})),
		must(MatchCommitted(MatchPosting{MatchID: 2, Pool: pool, Campaign: camp, Amount: Yuan(300)})),
		must(CashTransfer(1, fund, ChannelStripe, ChannelBank, Yuan(100))),
		must(CashTransfer(2, fund, ChannelOffline, ChannelBank, Yuan(300))),
	}
}

func TestLedgerFlow(t *testing.T) {
	t.Parallel()
	txs := ledgerFlow(t)
	b, err := ComputeBalances(txs)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"cash:1:bank":                    1040000,
		"cash:1:stripe":                  0,
		"cash:1:offline":                 0,
		"pool:7:available":               960000,
		"pool:7:reserved:12":             0,
		"campaign:12:donations:resident": 10000,
		"campaign:12:donations:merchant": 30000,
		"campaign:12:match:7":            40000,
	}
	for key, v := range want {
		a, _ := ParseAccount(key)
		if got := b.Get(a, CNY); got != v {
			t.Errorf("%s = %d, want %d", key, got, v)
		}
	}

	// Pay ¥500 to a payee: each source pays its share of the ¥800 held.
	holdings := []Holding{
		{DonationsAccount(12, SourceResident), b.Get(DonationsAccount(12, SourceResident), CNY)},
		{DonationsAccount(12, SourceMerchant), b.Get(DonationsAccount(12, SourceMerchant), CNY)},
		{MatchAccount(12, 7), b.Get(MatchAccount(12, 7), CNY)},
	}
	from, err := AllocateDisbursement(holdings, 50000)
	if err != nil {
		t.Fatal(err)
	}
	paid, err := DisbursementPaid(DisbursementPosting{DisbursementID: 1, Fund: 1, Channel: ChannelBank, Currency: CNY, From: from})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Apply(paid); err != nil {
		t.Fatal(err)
	}
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}
	if got := b.Get(MatchAccount(12, 7), CNY); got != 40000-25000 {
		t.Errorf("match account after paying = %d, want %d (half of ¥500)", got, 15000)
	}
	src, err := b.HeldBySource(CNY, func(int64) SourceKind { return SourceGovernment })
	if err != nil {
		t.Fatal(err)
	}
	if src[SourceGovernment] != 960000+15000 || src[SourceResident] != 10000-6250 || src[SourceMerchant] != 30000-18750 {
		t.Errorf("held by source = %v", src)
	}

	// Reversing everything brings every balance back to zero.
	all := append(txs, paid)
	for _, tx := range all {
		r, err := Reverse(tx, "test")
		if err != nil {
			t.Fatal(err)
		}
		if r.Key() != "reversal:"+tx.Key() {
			t.Errorf("reversal key %q", r.Key())
		}
		all = append(all, r)
	}
	b, err = ComputeBalances(all)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range b {
		if v != 0 {
			t.Errorf("after reversals %s = %d", k.Account, v)
		}
	}
}

func TestTransactionKeysAreUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, tx := range ledgerFlow(t) {
		if seen[tx.Key()] {
			t.Errorf("duplicate key %s", tx.Key())
		}
		seen[tx.Key()] = true
	}
}

func TestBalancesCheckFindsProblems(t *testing.T) {
	t.Parallel()
	overdrawn := Balances{{PoolAvailableAccount(1), CNY}: -1, {CashAccount(1, ChannelBank), CNY}: -1}
	if err := overdrawn.Check(); !errors.Is(err, ErrInsufficientFunds) {
		t.Errorf("overdrawn: %v", err)
	}
	lopsided := Balances{{PoolAvailableAccount(1), CNY}: 5, {CashAccount(1, ChannelBank), CNY}: 4}
	if err := lopsided.Check(); !errors.Is(err, ErrUnbalanced) {
		t.Errorf("lopsided: %v", err)
	}
	if _, err := ComputeBalances([]Transaction{{Kind: TxPoolDeposit, Ref: "x"}}); err == nil {
		t.Error("invalid transaction accepted")
	}
}

func TestBuilderErrors(t *testing.T) {
	t.Parallel()
	c := ContributionPosting{ContributionID: 1, Fund: 1, Campaign: 2, Source: SourceResident, Channel: ChannelStripe, Amount: Fen(100)}
	if _, err := ContributionRefunded(c, 1, Fen(101)); err == nil {
		t.Error("refund above the gift accepted")
	}
	c.Source = SourceGovernment
	if _, err := ContributionSucceeded(c); !errors.Is(err, ErrInvalidAccount) {
		t.Errorf("government gift straight to a campaign: %v", err)
	}
	if _, err := MatchReleased(MatchPosting{MatchID: 1, Pool: 1, Campaign: 1, Amount: Fen(1)}, MatchStatusPending); err == nil {
		t.Error("released a pending match through the ledger")
	}
	if _, err := MatchReserved(MatchPosting{MatchID: 1, Pool: 1, Campaign: 1, Amount: Fen(0)}); !errors.Is(err, ErrZeroAmount) {
		t.Errorf("zero match: %v", err)
	}
	_, err := DisbursementPaid(DisbursementPosting{DisbursementID: 1, Fund: 1, Channel: ChannelBank, Currency: CNY,
		From: []Holding{{PoolAvailableAccount(1), 5}}})
	if err == nil || !strings.Contains(err.Error(), "from[0].account") {
		t.Errorf("disbursement from a pool: %v", err)
	}
}

func TestAllocateDisbursement(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + rng.IntN(6)
		hs := make([]Holding, n)
		var total int64
		for i := range hs {
			hs[i] = Holding{DonationsAccount(int64(1+rng.IntN(3)), []SourceKind{SourceResident, SourceMerchant, SourceUnit}[i%3]), rng.Int64N(1000)}
			if rng.IntN(10) == 0 {
				hs[i].Amount = rng.Int64N(math.MaxInt64 / 8)
			}
			total += hs[i].Amount
		}
		if total == 0 {
			continue
		}
		amount := 1 + rng.Int64N(min(total, MaxAmount)) // holdings may be large; one disbursement is bounded
		out, err := AllocateDisbursement(hs, amount)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		held := map[Account]int64{}
		for _, h := range hs {
			held[h.Account] += h.Amount
		}
		for _, o := range out {
			sum += o.Amount
			if o.Amount <= 0 || o.Amount > held[o.Account] {
				t.Fatalf("allocated %d from %s holding %d", o.Amount, o.Account, held[o.Account])
			}
		}
		if sum != amount {
			t.Fatalf("allocated %d, asked %d", sum, amount)
		}
		again, _ := AllocateDisbursement(hs, amount)
		for i := range out {
			if again[i] != out[i] {
				t.Fatal("allocation is not deterministic")
			}
		}
	}
	if _, err := AllocateDisbursement([]Holding{{MatchAccount(1, 1), 5}}, 6); !errors.Is(err, ErrInsufficientFunds) {
		t.Errorf("overdraw: %v", err)
	}
	if _, err := AllocateDisbursement([]Holding{{MatchAccount(1, 1), 5}}, 0); !errors.Is(err, ErrZeroAmount) {
		t.Errorf("zero: %v", err)
	}
	got, _ := AllocateDisbursement([]Holding{{DonationsAccount(1, SourceResident), 1}, {DonationsAccount(1, SourceMerchant), 1}, {MatchAccount(1, 2), 1}}, 2)
	if len(got) != 2 || got[0].Account.String() != "campaign:1:donations:merchant" || got[1].Account.String() != "campaign:1:donations:resident" {
		t.Errorf("tie-break by account key: %+v", got)
	}
}
