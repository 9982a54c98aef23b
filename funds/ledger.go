package funds

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
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
