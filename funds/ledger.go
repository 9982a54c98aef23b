package funds

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SourceKind is who money came from. Every yuan a campaign holds is kept in an account named
// after its source, so the public ledger can say how much came from residents, merchants,
// units, foundations and government pools, and how much of each was spent.
type SourceKind string

// Source kinds, matching the donor and organization kinds of the domain.
const (
	SourceResident   SourceKind = "resident"
	SourceMerchant   SourceKind = "merchant"
	SourceUnit       SourceKind = "unit"
	SourceFoundation SourceKind = "foundation"
	SourceSocialOrg  SourceKind = "social_org"
	SourceGovernment SourceKind = "government"
)

// DonorSource reports whether k may give to a campaign directly. Government money only
// arrives through a pool's match, so that every government yuan follows a rule.
func (k SourceKind) DonorSource() bool {
	switch k {
	case SourceResident, SourceMerchant, SourceUnit, SourceFoundation, SourceSocialOrg:
		return true
	}
	return false
}

// PoolSource reports whether k may fund a matching pool.
func (k SourceKind) PoolSource() bool { return k == SourceGovernment || k == SourceFoundation }

// Channel is where a fund's money physically is.
type Channel string

// Channels: Stripe's balance, cash or transfers held by the treasurer, and the fund's bank.
const (
	ChannelStripe  Channel = "stripe"
	ChannelOffline Channel = "offline"
	ChannelBank    Channel = "bank"
)

// Valid reports whether ch is a known channel.
func (ch Channel) Valid() bool {
	return ch == ChannelStripe || ch == ChannelOffline || ch == ChannelBank
}

// AccountKind is the family of a ledger account; see docs/funds.md for the chart of accounts.
type AccountKind string

// The chart of accounts. Cash accounts say where money is; the others say whose it is and
// what it is for, so for every fund Σ cash = Σ pool + campaign accounts.
const (
	// AccountCash is cash:<fund>:<channel>, debit-normal: money the fund holds.
	AccountCash AccountKind = "cash"
	// AccountPoolAvailable is pool:<pool>:available: pool money free to match.
	AccountPoolAvailable AccountKind = "pool_available"
	// AccountPoolReserved is pool:<pool>:reserved:<campaign>: pool money set aside for a
	// campaign's matches that are not final yet.
	AccountPoolReserved AccountKind = "pool_reserved"
	// AccountDonations is campaign:<campaign>:donations:<source>: donors' money held for a
	// campaign, by donor kind.
	AccountDonations AccountKind = "donations"
	// AccountMatch is campaign:<campaign>:match:<pool>: a pool's committed match held for a
	// campaign.
	AccountMatch AccountKind = "match"
)

// Account is one ledger account. Only the fields its Kind uses are set; String gives the
// canonical key the app stores and ParseAccount reads it back.
type Account struct {
	Kind     AccountKind
	Fund     int64      // cash
	Channel  Channel    // cash
	Pool     int64      // pool_available, pool_reserved, match
	Campaign int64      // pool_reserved, donations, match
	Source   SourceKind // donations
}

// CashAccount is where a fund keeps money arriving through ch.
func CashAccount(fund int64, ch Channel) Account {
	return Account{Kind: AccountCash, Fund: fund, Channel: ch}
}

// PoolAvailableAccount holds a pool's money that no match has claimed.
func PoolAvailableAccount(pool int64) Account {
	return Account{Kind: AccountPoolAvailable, Pool: pool}
}

// PoolReservedAccount holds a pool's money reserved for one campaign's pending matches.
func PoolReservedAccount(pool, campaign int64) Account {
	return Account{Kind: AccountPoolReserved, Pool: pool, Campaign: campaign}
}

// DonationsAccount holds what donors of one kind gave a campaign.
func DonationsAccount(campaign int64, src SourceKind) Account {
	return Account{Kind: AccountDonations, Campaign: campaign, Source: src}
}

// MatchAccount holds a pool's committed match for a campaign.
func MatchAccount(campaign, pool int64) Account {
	return Account{Kind: AccountMatch, Campaign: campaign, Pool: pool}
}

// DebitNormal reports whether the account grows with debits (cash) rather than credits.
func (a Account) DebitNormal() bool { return a.Kind == AccountCash }

// String is the account's canonical key, e.g. "campaign:12:donations:resident".
func (a Account) String() string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	switch a.Kind {
	case AccountCash:
		return "cash:" + id(a.Fund) + ":" + string(a.Channel)
	case AccountPoolAvailable:
		return "pool:" + id(a.Pool) + ":available"
	case AccountPoolReserved:
		return "pool:" + id(a.Pool) + ":reserved:" + id(a.Campaign)
	case AccountDonations:
		return "campaign:" + id(a.Campaign) + ":donations:" + string(a.Source)
	case AccountMatch:
		return "campaign:" + id(a.Campaign) + ":match:" + id(a.Pool)
	}
	return "invalid:" + string(a.Kind)
}

// ErrInvalidAccount is returned for account keys or fields outside the chart of accounts.
var ErrInvalidAccount = errors.New("invalid account")

// Validate checks the account against the chart of accounts.
func (a Account) Validate() error {
	bad := func(why string) error { return fmt.Errorf("%w %s: %s", ErrInvalidAccount, a, why) }
	switch a.Kind {
	case AccountCash:
		if a.Fund <= 0 {
			return bad("fund id must be positive")
		}
		if !a.Channel.Valid() {
			return bad("unknown channel")
		}
		if a.Pool != 0 || a.Campaign != 0 || a.Source != "" {
			return bad("cash accounts name only a fund and a channel")
		}
	case AccountPoolAvailable, AccountPoolReserved, AccountMatch, AccountDonations:
		if a.Fund != 0 || a.Channel != "" {
			return bad("only cash accounts name a fund or channel")
		}
		needPool := a.Kind != AccountDonations
		needCampaign := a.Kind != AccountPoolAvailable
		if needPool != (a.Pool > 0) || (!needPool && a.Pool != 0) {
			return bad("pool id")
		}
		if needCampaign != (a.Campaign > 0) || (!needCampaign && a.Campaign != 0) {
			return bad("campaign id")
		}
		if a.Kind == AccountDonations {
			if !a.Source.DonorSource() {
				return bad("source must be a donor kind")
			}
		} else if a.Source != "" {
			return bad("only donation accounts name a source")
		}
	default:
		return bad("unknown kind")
	}
	return nil
}

// ParseAccount reads a key produced by Account.String.
func ParseAccount(s string) (Account, error) {
	p := strings.Split(s, ":")
	num := func(i int) int64 {
		if i >= len(p) {
			return -1
		}
		n, err := strconv.ParseInt(p[i], 10, 64)
		if err != nil || strconv.FormatInt(n, 10) != p[i] {
			return -1
		}
		return n
	}
	var a Account
	switch {
	case len(p) == 3 && p[0] == "cash":
		a = Account{Kind: AccountCash, Fund: num(1), Channel: Channel(p[2])}
	case len(p) == 3 && p[0] == "pool" && p[2] == "available":
		a = Account{Kind: AccountPoolAvailable, Pool: num(1)}
	case len(p) == 4 && p[0] == "pool" && p[2] == "reserved":
		a = Account{Kind: AccountPoolReserved, Pool: num(1), Campaign: num(3)}
	case len(p) == 4 && p[0] == "campaign" && p[2] == "donations":
		a = Account{Kind: AccountDonations, Campaign: num(1), Source: SourceKind(p[3])}
	case len(p) == 4 && p[0] == "campaign" && p[2] == "match":
		a = Account{Kind: AccountMatch, Campaign: num(1), Pool: num(3)}
	default:
		return Account{}, fmt.Errorf("%w %q", ErrInvalidAccount, s)
	}
	if err := a.Validate(); err != nil {
		return Account{}, fmt.Errorf("%w %q", ErrInvalidAccount, s)
	}
	return a, nil
}

// Side is the side of an entry.
type Side string

// Debit and Credit; in every transaction they add up to the same amount per currency.
const (
	Debit  Side = "debit"
	Credit Side = "credit"
)

// Entry is one line of a transaction. Entries are append-only: a mistake is corrected by a
// reversing transaction, never by editing.
type Entry struct {
	Account Account
	Side    Side
	Amount  Money // always positive; the side carries the direction
}

// TxKind names the business movement a transaction records.
type TxKind string

// Transaction kinds, one per builder below.
const (
	TxPoolDeposit           TxKind = "pool_deposit"
	TxPoolWithdrawal        TxKind = "pool_withdrawal"
	TxContributionSucceeded TxKind = "contribution_succeeded"
	TxContributionRefunded  TxKind = "contribution_refunded"
	TxMatchReserved         TxKind = "match_reserved"
	TxMatchCommitted        TxKind = "match_committed"
	TxMatchReleased         TxKind = "match_released"
	TxDisbursementPaid      TxKind = "disbursement_paid"
	TxCashTransfer          TxKind = "cash_transfer"
	TxReversal              TxKind = "reversal"
)

// Transaction is one balanced movement of money.
type Transaction struct {
	Kind TxKind
	// Ref identifies the business record the transaction posts, e.g. "contribution:42". The
	// app stores Key() under a unique index, so posting the same thing twice fails instead of
	// moving money twice (a webhook delivered twice, a retried request).
	Ref     string
	Memo    string
	Entries []Entry
}

// Key is the transaction's idempotency key: kind and ref together.
func (t Transaction) Key() string { return string(t.Kind) + ":" + t.Ref }

// ErrUnbalanced is returned when debits and credits differ in some currency.
var ErrUnbalanced = errors.New("transaction does not balance")

// Validate checks a transaction before it is stored: known kind and ref, at least two
// entries, valid accounts, positive amounts, and debits equal to credits in each currency.
func (t Transaction) Validate() error {
	var es FieldErrors
	if t.Kind == "" {
		es.addf("kind", "required")
	}
	if t.Ref == "" {
		es.addf("ref", "required")
	}
	if len(t.Entries) < 2 {
		es.addf("entries", "a transaction needs at least two entries")
	}
	net := map[Currency]int64{} // debits minus credits
	overflow := false
	for i, e := range t.Entries {
		f := fmt.Sprintf("entries[%d]", i)
		if err := e.Account.Validate(); err != nil {
			es.add(f+".account", err)
		}
		if e.Side != Debit && e.Side != Credit {
			es.addf(f+".side", "must be debit or credit")
		}
		if !e.Amount.Currency.Valid() {
			es.add(f+".amount", fmt.Errorf("%w %q", ErrUnknownCurrency, e.Amount.Currency))
			continue
		}
		if e.Amount.Amount <= 0 {
			es.add(f+".amount", ErrZeroAmount)
			continue
		}
		if e.Amount.Amount > MaxTotal {
			es.add(f+".amount", &RangeError{Amount: e.Amount.Amount, Min: MinAmount, Max: MaxTotal})
			continue
		}
		d := e.Amount.Amount
		if e.Side == Credit {
			d = -d
		}
		s, ok := addInt64(net[e.Amount.Currency], d)
		if !ok {
			overflow = true
		}
		net[e.Amount.Currency] = s
	}
	if overflow {
		es.add("entries", ErrAmountOverflow)
	}
	curs := make([]string, 0, len(net))
	for c := range net {
		curs = append(curs, string(c))
	}
	sort.Strings(curs)
	for _, c := range curs {
		if n := net[Currency(c)]; n != 0 && !overflow {
			es.add("entries", fmt.Errorf("%w in %s: debits exceed credits by %d", ErrUnbalanced, c, n))
		}
	}
	return es.err()
}
