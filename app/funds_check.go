package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/wushe/wushe/funds"
)

// LedgerProblem is one inconsistency found by CheckLedgers.
type LedgerProblem struct {
	FundID  int64  `json:"fund_id"`
	Problem string `json:"problem"`
}

// CheckLedgers verifies every fund: the entries balance and no account is overdrawn (the
// engine's ComputeBalances and Check), SQL sums agree with the engine, and each pool's cached
// available money equals its ledger account. It returns the problems found; none is healthy.
func (a *App) CheckLedgers(ctx context.Context) ([]LedgerProblem, error) {
	fs, err := a.store.FindFunds(ctx, nil)
	if err != nil {
		return nil, err
	}
	var out []LedgerProblem
	for _, f := range fs {
		bad := func(format string, args ...any) {
			out = append(out, LedgerProblem{FundID: f.ID, Problem: fmt.Sprintf(format, args...)})
		}
		txs, _, err := a.store.FindLedger(ctx, LedgerFilter{FundID: f.ID})
		if err != nil {
			return nil, err
		}
		// Each stored transaction is checked on its own and named by its id and key, so an
		// operator can find the one that breaks a fund (e.g. an amount written before the
		// bounds of migration 00008); the balances are built from the valid ones.
		bal := funds.Balances{}
		broken := false
		for _, t := range txs {
			tx := funds.Transaction{Kind: funds.TxKind(t.Kind), Ref: t.Ref}
			for _, e := range t.Entries {
				acc, err := funds.ParseAccount(e.Account)
				if err != nil {
					bad("transaction %d (%s): %v", t.ID, t.TxKey, err)
					continue
				}
				tx.Entries = append(tx.Entries, funds.Entry{Account: acc, Side: funds.Side(e.Side), Amount: funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}})
			}
			if tx.Key() != t.TxKey {
				bad("transaction %d: key %q does not match %q", t.ID, t.TxKey, tx.Key())
			}
			if err := tx.Validate(); err != nil {
				bad("transaction %d (%s): %v", t.ID, t.TxKey, err)
				broken = true
				continue
			}
			if err := bal.Apply(tx); err != nil {
				bad("transaction %d (%s): %v", t.ID, t.TxKey, err)
				broken = true
			}
		}
		if err := bal.Check(); err != nil && !broken {
			bad("%v", err)
		}
		for _, p := range poolsToCheck(ctx, a, f.ID, bad) {
			if storedOutOfRange(p.Budget) || storedOutOfRange(p.Available) {
				bad("pool %d: budget %d or available %d outside 0 … %d", p.ID, p.Budget, p.Available, funds.MaxTotal)
				broken = true
			}
		}
		if broken {
			continue // the comparisons below would only repeat the same problem
		}
		sums, err := a.store.LedgerBalances(ctx, f.ID)
		if errors.Is(err, ErrMoneyData) {
			bad("ledger sums: %v", err)
			continue
		} else if err != nil {
			return nil, err
		}
		for _, b := range sums {
			acc, err := funds.ParseAccount(b.Account)
			if err != nil {
				continue
			}
			want := b.Credits - b.Debits
			if acc.DebitNormal() {
				want = -want
			}
			if got := bal.Get(acc, funds.Currency(b.Currency)); got != want {
				bad("account %s: SQL %d, engine %d", b.Account, want, got)
			}
		}
		for _, p := range poolsToCheck(ctx, a, f.ID, bad) {
			if got := bal.Get(funds.PoolAvailableAccount(p.ID), funds.Currency(p.Currency)); got != p.Available {
				bad("pool %d: available %d, ledger %d", p.ID, p.Available, got)
			}
		}
	}
	return out, nil
}

// poolsToCheck lists a fund's pools for CheckLedgers, reporting a failure to read them as a problem.
func poolsToCheck(ctx context.Context, a *App, fundID int64, bad func(string, ...any)) []*FundPool {
	ps, err := a.store.FindPools(ctx, fundID)
	if err != nil {
		bad("pools: %v", err)
	}
	return ps
}
