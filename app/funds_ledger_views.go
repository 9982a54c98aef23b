package app

import (
	"context"
	"errors"
	"sort"

	"github.com/wushe/wushe/funds"
)

// SourceTotal is the public ledger's per-source line: money received from a source, what of
// it campaigns and pools still hold, and what was paid out.
type SourceTotal struct {
	Source   string `json:"source"`
	Received int64  `json:"received"`
	Held     int64  `json:"held"`
	Paid     int64  `json:"paid"`
}

// LedgerSummary is a fund's derived balances and per-source totals.
type LedgerSummary struct {
	Balances []AccountBalance `json:"balances"`
	Sources  []SourceTotal    `json:"sources"`
	Cash     int64            `json:"cash"`
	Balanced bool             `json:"balanced"`
	// DataError is set when stored amounts are outside the bounds or sums overflow; the totals
	// shown are then incomplete and `wushe funds check` names the transactions.
	DataError bool `json:"data_error"`
}

// Ledger returns a page of a fund's public ledger; the ledger is open to everyone.
func (a *App) Ledger(ctx context.Context, fundID int64, pg Page) ([]*LedgerTransaction, int, error) {
	if _, err := a.store.FindFund(ctx, fundID); err != nil {
		return nil, 0, err
	}
	return a.store.FindLedger(ctx, LedgerFilter{FundID: fundID, Page: pg.Normalize()})
}

// LedgerAll returns a fund's whole ledger, oldest first, for exports.
func (a *App) LedgerAll(ctx context.Context, fundID int64) ([]*LedgerTransaction, error) {
	if _, err := a.store.FindFund(ctx, fundID); err != nil {
		return nil, err
	}
	txs, _, err := a.store.FindLedger(ctx, LedgerFilter{FundID: fundID})
	return txs, err
}

// FundLedgerSummary derives balances and per-source totals from the entries.
func (a *App) FundLedgerSummary(ctx context.Context, fundID int64) (*LedgerSummary, error) {
	f, err := a.store.FindFund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	pools, err := a.store.FindPools(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	poolSource := map[int64]string{}
	for _, p := range pools {
		poolSource[p.ID] = p.Source
	}
	txs, _, err := a.store.FindLedger(ctx, LedgerFilter{FundID: fundID})
	if err != nil {
		return nil, err
	}
	sum := &LedgerSummary{Balanced: true}
	bySource := map[string]*SourceTotal{}
	get := func(s string) *SourceTotal {
		if bySource[s] == nil {
			bySource[s] = &SourceTotal{Source: s}
		}
		return bySource[s]
	}
	// Stored entries may predate the bounds: every total is added with a check, and one that
	// does not fit marks the summary instead of wrapping around.
	add := func(dst *int64, v int64) {
		s, ok := funds.Sum(*dst, v)
		if !ok {
			sum.DataError = true
			return
		}
		*dst = s
	}
	var ft []funds.Transaction
	for _, t := range txs {
		tx := funds.Transaction{Kind: funds.TxKind(t.Kind), Ref: t.Ref}
		for _, e := range t.Entries {
			acc, err := funds.ParseAccount(e.Account)
			if err != nil {
				return nil, err
			}
			tx.Entries = append(tx.Entries, funds.Entry{Account: acc, Side: funds.Side(e.Side), Amount: funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}})
			src := e.Source
			if acc.Kind != funds.AccountDonations && acc.Kind != funds.AccountCash {
				src = poolSource[acc.Pool]
			}
			switch {
			case t.Kind == string(funds.TxContributionSucceeded) && acc.Kind == funds.AccountDonations,
				t.Kind == string(funds.TxPoolDeposit) && acc.Kind == funds.AccountPoolAvailable:
				add(&get(src).Received, e.Amount)
			case t.Kind == string(funds.TxContributionRefunded) && acc.Kind == funds.AccountDonations:
				add(&get(src).Received, -e.Amount)
			case t.Kind == string(funds.TxDisbursementPaid) && acc.Kind != funds.AccountCash:
				add(&get(src).Paid, e.Amount)
			}
			if storedOutOfRange(e.Amount) || e.Amount == 0 {
				sum.DataError = true
			}
		}
		ft = append(ft, tx)
	}
	bal, err := funds.ComputeBalances(ft)
	if err != nil || bal.Check() != nil {
		sum.Balanced = false
	}
	if errors.Is(err, funds.ErrAmountOverflow) {
		sum.DataError = true
	}
	if bal != nil {
		held, herr := bal.HeldBySource(funds.Currency(f.Currency), func(pool int64) funds.SourceKind { return funds.SourceKind(poolSource[pool]) })
		if herr != nil {
			sum.DataError = true
		}
		for k, v := range held {
			add(&get(string(k)).Held, v)
		}
		for k, v := range bal {
			if k.Account.Kind == funds.AccountCash {
				add(&sum.Cash, v)
			}
		}
	}
	if sum.Balances, err = a.store.LedgerBalances(ctx, fundID); errors.Is(err, ErrMoneyData) {
		sum.DataError, sum.Balanced, sum.Balances = true, false, []AccountBalance{}
	} else if err != nil {
		return nil, err
	}
	if sum.DataError {
		sum.Balanced = false
	}
	for _, s := range bySource {
		sum.Sources = append(sum.Sources, *s)
	}
	sort.Slice(sum.Sources, func(i, j int) bool { return sum.Sources[i].Source < sum.Sources[j].Source })
	return sum, nil
}

// DonorFlags lists a fund's flagged donors (套捐) for workers.
func (a *App) DonorFlags(ctx context.Context, fundID int64) ([]*DonorFlag, error) {
	f, err := a.store.FindFund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	t, err := a.fundTarget(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActFundAudit, t); err != nil {
		return nil, err
	}
	return a.store.FindDonorFlags(ctx, fundID)
}
