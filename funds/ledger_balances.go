package funds

import (
	"fmt"
	"sort"
)

// BalanceKey identifies one account's balance in one currency.
type BalanceKey struct {
	Account  Account
	Currency Currency
}

// Balances maps accounts to their balances on their normal side: cash is debits minus
// credits, every other account credits minus debits, so a healthy ledger has no negatives.
type Balances map[BalanceKey]int64

// ComputeBalances derives balances by summing the entries of valid transactions. Balances are
// never stored as truth: this is the definition the app's SQL sums must agree with.
func ComputeBalances(txs []Transaction) (Balances, error) {
	b := Balances{}
	for i, t := range txs {
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("transaction %d (%s): %w", i, t.Key(), err)
		}
		if err := b.Apply(t); err != nil {
			return nil, fmt.Errorf("transaction %d (%s): %w", i, t.Key(), err)
		}
	}
	return b, nil
}

// Apply adds one transaction's entries to the balances; the caller has validated it.
func (b Balances) Apply(t Transaction) error {
	for _, e := range t.Entries {
		d := e.Amount.Amount
		if (e.Side == Debit) != e.Account.DebitNormal() {
			d = -d
		}
		k := BalanceKey{e.Account, e.Amount.Currency}
		s, ok := addInt64(b[k], d)
		if !ok {
			return fmt.Errorf("account %s: %w", e.Account, ErrAmountOverflow)
		}
		b[k] = s
	}
	return nil
}

// Get returns an account's balance in a currency (zero when it has no entries).
func (b Balances) Get(a Account, c Currency) int64 { return b[BalanceKey{a, c}] }

// Check verifies the accounting identity per currency: cash held equals the money owned by
// pools and campaigns, and no account is overdrawn.
func (b Balances) Check() error {
	held, owned := map[Currency]int64{}, map[Currency]int64{}
	keys := make([]BalanceKey, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Account.String() < keys[j].Account.String() })
	for _, k := range keys {
		v := b[k]
		if v < 0 {
			return fmt.Errorf("%w: account %s is overdrawn (%d %s)", ErrInsufficientFunds, k.Account, v, k.Currency)
		}
		var ok bool
		if k.Account.DebitNormal() {
			held[k.Currency], ok = addInt64(held[k.Currency], v)
		} else {
			owned[k.Currency], ok = addInt64(owned[k.Currency], v)
		}
		if !ok {
			return ErrAmountOverflow
		}
	}
	for c, h := range held {
		if owned[c] != h {
			return fmt.Errorf("%w in %s: cash %d but owned %d", ErrUnbalanced, c, h, owned[c])
		}
	}
	for c, o := range owned {
		if held[c] != o {
			return fmt.Errorf("%w in %s: cash %d but owned %d", ErrUnbalanced, c, held[c], o)
		}
	}
	return nil
}

// HeldBySource totals the money pools and campaigns hold per source kind, for the public
// ledger page. poolSource says which kind funded each pool (government or foundation).
// A total that does not fit an int64 is left out and reported as ErrAmountOverflow.
func (b Balances) HeldBySource(c Currency, poolSource func(pool int64) SourceKind) (map[SourceKind]int64, error) {
	out := map[SourceKind]int64{}
	var overflow error
	add := func(k SourceKind, v int64) {
		s, ok := addInt64(out[k], v)
		if !ok {
			overflow = fmt.Errorf("held by %s: %w", k, ErrAmountOverflow)
			return
		}
		out[k] = s
	}
	for k, v := range b {
		if k.Currency != c {
			continue
		}
		switch k.Account.Kind {
		case AccountDonations:
			add(k.Account.Source, v)
		case AccountPoolAvailable, AccountPoolReserved, AccountMatch:
			add(poolSource(k.Account.Pool), v)
		}
	}
	return out, overflow
}
