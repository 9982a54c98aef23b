package funds

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
)

// transfer builds the two entries that move amount from one account to another: the source
// is debited if it is credit-normal (its balance shrinks), the destination credited.
func transfer(from, to Account, amount Money) []Entry {
	side := func(a Account, grows bool) Side {
		if a.DebitNormal() == grows {
			return Debit
		}
		return Credit
	}
	return []Entry{
		{Account: from, Side: side(from, false), Amount: amount},
		{Account: to, Side: side(to, true), Amount: amount},
	}
}

// inflow builds the entries for money entering the fund: cash grows and so does the account
// that records whose money it is.
func inflow(cash, owner Account, amount Money) []Entry {
	return []Entry{
		{Account: cash, Side: Debit, Amount: amount},
		{Account: owner, Side: Credit, Amount: amount},
	}
}

// outflow builds the entries for money leaving the fund.
func outflow(owner, cash Account, amount Money) []Entry {
	return []Entry{
		{Account: owner, Side: Debit, Amount: amount},
		{Account: cash, Side: Credit, Amount: amount},
	}
}

// built validates a freshly built transaction, so builders never hand out a bad one.
func built(t Transaction) (Transaction, error) {
	if err := t.Validate(); err != nil {
		return Transaction{}, fmt.Errorf("%s %s: %w", t.Kind, t.Ref, err)
	}
	return t, nil
}

func ref(parts ...any) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ":")
}

// PoolDeposit records government or foundation money arriving in a fund for a pool.
func PoolDeposit(depositID, fund, pool int64, ch Channel, amount Money) (Transaction, error) {
	return built(Transaction{
		Kind: TxPoolDeposit, Ref: ref("deposit", depositID),
		Entries: inflow(CashAccount(fund, ch), PoolAvailableAccount(pool), amount),
	})
}

// PoolWithdrawal records unused pool money returned to its source (e.g. at year end).
func PoolWithdrawal(withdrawalID, fund, pool int64, ch Channel, amount Money) (Transaction, error) {
	return built(Transaction{
		Kind: TxPoolWithdrawal, Ref: ref("withdrawal", withdrawalID),
		Entries: outflow(PoolAvailableAccount(pool), CashAccount(fund, ch), amount),
	})
}

// ContributionPosting is what the ledger needs to know about a contribution.
type ContributionPosting struct {
	ContributionID int64
	Fund           int64
	Campaign       int64
	Source         SourceKind // the donor's kind; anonymous donors keep their kind
	Channel        Channel    // stripe or offline
	Amount         Money
}

// ContributionSucceeded records a donor's money arriving for a campaign.
func ContributionSucceeded(c ContributionPosting) (Transaction, error) {
	return built(Transaction{
		Kind: TxContributionSucceeded, Ref: ref("contribution", c.ContributionID),
		Entries: inflow(CashAccount(c.Fund, c.Channel), DonationsAccount(c.Campaign, c.Source), c.Amount),
	})
}

// ContributionRefunded records money going back to a donor. seq numbers the refunds of one
// contribution (1, 2, …) so partial refunds each get their own key.
func ContributionRefunded(c ContributionPosting, seq int, amount Money) (Transaction, error) {
	if amount.Amount > c.Amount.Amount {
		return Transaction{}, fieldErr("amount", fmt.Errorf("refund %s exceeds the contribution %s", amount, c.Amount))
	}
	return built(Transaction{
		Kind: TxContributionRefunded, Ref: ref("contribution", c.ContributionID, "refund", seq),
		Entries: outflow(DonationsAccount(c.Campaign, c.Source), CashAccount(c.Fund, c.Channel), amount),
	})
}

// MatchPosting is what the ledger needs to know about one match.
type MatchPosting struct {
	MatchID  int64
	Pool     int64
	Campaign int64
	Amount   Money
	// Release numbers partial releases of one match (1, 2, … as refunds shrink it) so each
	// gets its own key; 0 releases whatever is left, once.
	Release int
}

// MatchReserved records pool money set aside for a campaign's match.
func MatchReserved(m MatchPosting) (Transaction, error) {
	return built(Transaction{
		Kind: TxMatchReserved, Ref: ref("match", m.MatchID),
		Entries: transfer(PoolAvailableAccount(m.Pool), PoolReservedAccount(m.Pool, m.Campaign), m.Amount),
	})
}

// MatchCommitted records a reserved match becoming the campaign's money (the campaign
// succeeded), after which it can be disbursed.
func MatchCommitted(m MatchPosting) (Transaction, error) {
	return built(Transaction{
		Kind: TxMatchCommitted, Ref: ref("match", m.MatchID),
		Entries: transfer(PoolReservedAccount(m.Pool, m.Campaign), MatchAccount(m.Campaign, m.Pool), m.Amount),
	})
}

// MatchReleased records a match going back to the pool's available money: from reserved
// when a campaign fails or a contribution is refunded before commit, from the campaign's
// match account when a committed match is clawed back. amount may be part of the match.
func MatchReleased(m MatchPosting, from MatchStatus) (Transaction, error) {
	var src Account
	switch from {
	case MatchStatusReserved:
		src = PoolReservedAccount(m.Pool, m.Campaign)
	case MatchStatusCommitted:
		src = MatchAccount(m.Campaign, m.Pool)
	default:
		return Transaction{}, fieldErr("from", fmt.Errorf("cannot release a %s match", from))
	}
	r := ref("match", m.MatchID)
	if m.Release > 0 {
		r = ref("match", m.MatchID, "release", m.Release)
	}
	return built(Transaction{
		Kind: TxMatchReleased, Ref: r,
		Entries: transfer(src, PoolAvailableAccount(m.Pool), m.Amount),
	})
}

// Holding is an amount held in one campaign account, used to split a disbursement.
type Holding struct {
	Account Account
	Amount  int64
}

// ErrInsufficientFunds is returned when money is asked of accounts that do not hold it.
var ErrInsufficientFunds = errors.New("insufficient funds")

// AllocateDisbursement splits amount across a campaign's holdings in proportion to what each
// holds, so every source pays its share of every expense and the ledger can say what each
// source's money was spent on. Remainders go by largest fraction, then account key, so the
// split is deterministic. Holdings with nothing are skipped.
func AllocateDisbursement(holdings []Holding, amount int64) ([]Holding, error) {
	if err := CheckAmount(amount); err != nil {
		return nil, fieldErr("amount", err)
	}
	var total uint64
	for i, h := range holdings {
		if h.Amount < 0 {
			return nil, fieldErr(fmt.Sprintf("holdings[%d].amount", i), ErrNegativeAmount)
		}
		var carry uint64
		total, carry = bits.Add64(total, uint64(h.Amount), 0)
		if carry != 0 || total > math.MaxInt64 {
			return nil, ErrAmountOverflow
		}
	}
	if uint64(amount) > total {
		return nil, fmt.Errorf("%w: disbursing %d from holdings of %d", ErrInsufficientFunds, amount, total)
	}
	type share struct {
		h    Holding
		key  string
		part uint64
		rem  uint64
	}
	shares := make([]share, 0, len(holdings))
	var given uint64
	for _, h := range holdings {
		if h.Amount == 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(amount), uint64(h.Amount))
		q, r := bits.Div64(hi, lo, total) // hi < total because amount <= total
		shares = append(shares, share{h: h, key: h.Account.String(), part: q, rem: r})
		given += q
	}
	sort.SliceStable(shares, func(i, j int) bool {
		if shares[i].rem != shares[j].rem {
			return shares[i].rem > shares[j].rem
		}
		return shares[i].key < shares[j].key
	})
	for i := 0; given < uint64(amount); i++ {
		shares[i].part++ // at most len(shares)-1 units are left, and each share has room
		given++
	}
	sort.Slice(shares, func(i, j int) bool { return shares[i].key < shares[j].key })
	out := make([]Holding, 0, len(shares))
	for _, s := range shares {
		if s.part > 0 {
			out = append(out, Holding{Account: s.h.Account, Amount: int64(s.part)})
		}
	}
	return out, nil
}

// DisbursementPosting is a paid disbursement: the campaign accounts it draws on (from
// AllocateDisbursement) and the cash it leaves from.
type DisbursementPosting struct {
	DisbursementID int64
	Fund           int64
	Channel        Channel // usually bank
	Currency       Currency
	From           []Holding // campaign donation and match accounts
}

// DisbursementPaid records money leaving the fund to a payee. The payee and purpose live on
// the disbursement record that Ref names.
func DisbursementPaid(d DisbursementPosting) (Transaction, error) {
	t := Transaction{Kind: TxDisbursementPaid, Ref: ref("disbursement", d.DisbursementID)}
	var total int64
	for i, h := range d.From {
		if h.Account.Kind != AccountDonations && h.Account.Kind != AccountMatch {
			return Transaction{}, fieldErr(fmt.Sprintf("from[%d].account", i), errors.New("disbursements draw on campaign accounts only"))
		}
		var ok bool
		if total, ok = addInt64(total, h.Amount); !ok {
			return Transaction{}, fieldErr("from", ErrAmountOverflow)
		}
		t.Entries = append(t.Entries, Entry{Account: h.Account, Side: Debit, Amount: Money{h.Amount, d.Currency}})
	}
	t.Entries = append(t.Entries, Entry{Account: CashAccount(d.Fund, d.Channel), Side: Credit, Amount: Money{total, d.Currency}})
	return built(t)
}

// CashTransfer records money moving between a fund's channels, e.g. a Stripe payout to the
// bank; whose money it is does not change.
func CashTransfer(transferID, fund int64, from, to Channel, amount Money) (Transaction, error) {
	return built(Transaction{
		Kind: TxCashTransfer, Ref: ref("transfer", transferID),
		Entries: transfer(CashAccount(fund, from), CashAccount(fund, to), amount),
	})
}

// Reverse builds the transaction that undoes t: the same entries with sides swapped. Its key
// names t's key, so a transaction can be reversed only once.
func Reverse(t Transaction, memo string) (Transaction, error) {
	if err := t.Validate(); err != nil {
		return Transaction{}, fmt.Errorf("reverse %s: %w", t.Key(), err)
	}
	r := Transaction{Kind: TxReversal, Ref: t.Key(), Memo: memo, Entries: make([]Entry, len(t.Entries))}
	for i, e := range t.Entries {
		e.Side = map[Side]Side{Debit: Credit, Credit: Debit}[e.Side]
		r.Entries[i] = e
	}
	return built(r)
}
