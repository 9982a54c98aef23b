package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/wushe/wushe/funds"
)

// Pool kinds, as stored: a matching pool, or a quadratic-funding round.
const (
	PoolKindMatch = "match"
	PoolKindQF    = "qf"
)

// postLedger stores a transaction built by the funds package in the caller's transaction.
func (a *App) postLedger(ctx context.Context, fundID int64, t funds.Transaction) error {
	lt, err := a.ledgerRecord(ctx, fundID, t)
	if err != nil {
		return err
	}
	if err := a.store.PostLedger(ctx, lt); err != nil {
		return fmt.Errorf("post %s: %w", t.Key(), err)
	}
	return nil
}

// ledgerRecord validates a transaction built by the funds package and turns it into the
// rows that store it.
func (a *App) ledgerRecord(ctx context.Context, fundID int64, t funds.Transaction) (*LedgerTransaction, error) {
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("post %s: %w", t.Key(), err)
	}
	lt := &LedgerTransaction{FundID: fundID, Kind: string(t.Kind), Ref: t.Ref, TxKey: t.Key(), Memo: t.Memo, CreatedAt: a.Now()}
	if p := PrincipalFrom(ctx); p.Authenticated() {
		lt.ActorID = ptr(p.User.ID)
	}
	lt.Entries = make([]LedgerEntry, len(t.Entries))
	for i, e := range t.Entries {
		le := LedgerEntry{Account: e.Account.String(), AccountKind: string(e.Account.Kind), Source: string(e.Account.Source),
			Channel: string(e.Account.Channel), Side: string(e.Side), Amount: e.Amount.Amount, Currency: string(e.Amount.Currency)}
		if e.Account.Pool != 0 {
			le.PoolID = ptr(e.Account.Pool)
		}
		if e.Account.Campaign != 0 {
			le.CampaignID = ptr(e.Account.Campaign)
		}
		lt.Entries[i] = le
	}
	return lt, nil
}

// ruleOf turns a stored rule version into the engine's rule.
func ruleOf(r *FundPoolRule, currency string) (funds.Rule, error) {
	out := funds.Rule{Pool: r.PoolID, Version: r.Version, Currency: funds.Currency(currency),
		Ratio: funds.Ratio{Num: r.RatioNum, Den: r.RatioDen}, UnlockShareBP: r.UnlockShareBP, UnlockDonors: r.UnlockDonors,
		DonorCap: r.DonorCap, CampaignCap: r.CampaignCap, MinContribution: r.MinContribution}
	cats, kinds := map[string]string{}, map[string]string{}
	if r.CategoryMultipliers != "" {
		if err := json.Unmarshal([]byte(r.CategoryMultipliers), &cats); err != nil {
			return out, fmt.Errorf("rule %d v%d category multipliers: %w", r.PoolID, r.Version, err)
		}
	}
	if r.KindMultipliers != "" {
		if err := json.Unmarshal([]byte(r.KindMultipliers), &kinds); err != nil {
			return out, fmt.Errorf("rule %d v%d kind multipliers: %w", r.PoolID, r.Version, err)
		}
	}
	for k, v := range cats {
		q, err := funds.ParseRatio(v)
		if err != nil {
			return out, err
		}
		if out.CategoryMultipliers == nil {
			out.CategoryMultipliers = map[string]funds.Ratio{}
		}
		out.CategoryMultipliers[k] = q
	}
	for k, v := range kinds {
		q, err := funds.ParseRatio(v)
		if err != nil {
			return out, err
		}
		if out.KindMultipliers == nil {
			out.KindMultipliers = map[funds.CommunityKind]funds.Ratio{}
		}
		out.KindMultipliers[funds.CommunityKind(k)] = q
	}
	return out, nil
}

// campaignRule loads the pool and its current rule for a campaign; ok is false when the
// campaign has no matching pool.
func (a *App) campaignRule(ctx context.Context, camp *Campaign) (*FundPool, *FundPoolRule, funds.Rule, bool, error) {
	if camp.PoolID == nil {
		return nil, nil, funds.Rule{}, false, nil
	}
	pool, err := a.store.FindPool(ctx, *camp.PoolID)
	if err != nil {
		return nil, nil, funds.Rule{}, false, err
	}
	if pool.Kind != PoolKindMatch || pool.RuleVersion == 0 {
		return pool, nil, funds.Rule{}, false, nil
	}
	row, err := a.store.FindPoolRule(ctx, pool.ID, pool.RuleVersion)
	if err != nil {
		return nil, nil, funds.Rule{}, false, err
	}
	r, err := ruleOf(row, camp.Currency)
	if err != nil {
		return nil, nil, funds.Rule{}, false, err
	}
	return pool, row, r, true, nil
}

// matchState is the campaign as the match rules see it: its counters, the project's
// category, the community's kind and the donors who cannot trigger a match.
func (a *App) matchState(ctx context.Context, camp *Campaign) (funds.MatchCampaign, error) {
	pr, err := a.store.FindProject(ctx, camp.ProjectID)
	if err != nil {
		return funds.MatchCampaign{}, err
	}
	cm, err := a.store.FindCommunity(ctx, pr.CommunityID)
	if err != nil {
		return funds.MatchCampaign{}, err
	}
	mc := funds.MatchCampaign{Goal: camp.Goal, Category: pr.Category, CommunityKind: funds.CommunityKind(cm.Kind),
		EligibleRaised: camp.EligibleRaised, EligibleDonors: camp.EligibleDonors, Counted: camp.Counted,
		PendingCounted: camp.PendingCounted, Matched: camp.Matched, Unlocked: camp.Unlocked}
	if camp.Excluded != "" {
		if err := json.Unmarshal([]byte(camp.Excluded), &mc.Excluded); err != nil {
			return mc, fmt.Errorf("campaign %d exclusions: %w", camp.ID, err)
		}
	}
	return mc, nil
}

func applyMatchState(camp *Campaign, mc funds.MatchCampaign) {
	camp.EligibleRaised, camp.EligibleDonors, camp.Counted = mc.EligibleRaised, mc.EligibleDonors, mc.Counted
	camp.PendingCounted, camp.Matched, camp.Unlocked = mc.PendingCounted, mc.Matched, mc.Unlocked
}

func contributionPosting(c *Contribution) funds.ContributionPosting {
	return funds.ContributionPosting{ContributionID: c.ID, Fund: c.FundID, Campaign: c.CampaignID,
		Source: funds.SourceKind(c.Source), Channel: funds.Channel(c.Channel), Amount: funds.Money{Amount: c.Amount, Currency: funds.Currency(c.Currency)}}
}

func (a *App) matchPosting(m *FundMatch, amount int64, currency string, release int) funds.MatchPosting {
	return funds.MatchPosting{MatchID: m.ID, Pool: m.PoolID, Campaign: m.CampaignID,
		Amount: funds.Money{Amount: amount, Currency: funds.Currency(currency)}, Release: release}
}

// maxReserveAttempts bounds how often a gift's transaction runs again after another campaign
// took the pool's money between the read and the conditional update.
const maxReserveAttempts = 16

// errPoolRace means the pool no longer had the money read at the start of the transaction.
var errPoolRace = errors.New("pool money taken meanwhile")

type reservationKey struct{}

// reservation is the pool money a transaction must take at its end.
type reservation struct{ pool, amount int64 }

func reservationFrom(ctx context.Context) *reservation {
	if r, ok := ctx.Value(reservationKey{}).(*reservation); ok {
		return r
	}
	return &reservation{} // no transaction set one up: nothing will reserve (a bug caught by tests)
}

// inMatchTx runs fn in a transaction that may reserve pool money; the reservation is the last
// statement before commit, and the transaction runs again when the pool ran short meanwhile.
func (a *App) inMatchTx(ctx context.Context, fn func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		res := &reservation{}
		err := a.store.InTx(context.WithValue(ctx, reservationKey{}, res), func(ctx context.Context) error {
			if err := fn(ctx); err != nil {
				return err
			}
			if res.amount == 0 {
				return nil
			}
			ok, err := a.store.ReservePool(ctx, res.pool, res.amount)
			if err != nil {
				return err
			}
			if !ok {
				return errPoolRace
			}
			return nil
		})
		if !errors.Is(err, errPoolRace) {
			return err
		}
		if attempt >= maxReserveAttempts {
			return Errorf(EUNAVAILABLE, "funds.error.pool_busy")
		}
	}
}

// giftSucceeded records a contribution's money arriving and reserves its match. The caller holds
// the campaign's row lock (LockCampaign) and has checked the contribution is unpaid.
func (a *App) giftSucceeded(ctx context.Context, camp *Campaign, c *Contribution) error {
	now := a.Now()
	// A gift recorded before the bounds existed may carry any int64: refuse to count it
	// rather than let the campaign's and the fund's totals overflow.
	if err := funds.CheckAmount(c.Amount); err != nil {
		return fundsInvalid(&funds.FieldError{Field: "amount", Err: err})
	}
	if storedOutOfRange(camp.Raised) {
		return MoneyDataError(fmt.Errorf("campaign %d raised %d", camp.ID, camp.Raised))
	}
	raised, err := addTotal(camp.Raised, c.Amount, "amount")
	if err != nil {
		return err
	}
	t, err := funds.ContributionSucceeded(contributionPosting(c))
	if err != nil {
		return err
	}
	if err := a.postLedger(ctx, camp.FundID, t); err != nil {
		return err
	}
	c.Status, c.SucceededAt, c.UpdatedAt = string(funds.ContributionStatusSucceeded), &now, now
	if c.ReceiptCode == nil {
		code, err := newReceiptCode()
		if err != nil {
			return err
		}
		c.ReceiptCode = &code
	}
	camp.Raised = raised
	cd, err := a.store.FindCampaignDonor(ctx, camp.ID, c.DonorKey)
	if err != nil {
		return err
	}
	if cd.Gifts == 0 {
		camp.Donors++
	}
	cd.Gifts++
	// Only an open campaign earns matches; a payment that lands after the close is kept in
	// the ledger (and refunded by the closing job if the campaign failed).
	if camp.Status == string(funds.CampaignOpen) {
		if err := a.matchGift(ctx, camp, c, cd); err != nil {
			return err
		}
	}
	camp.UpdatedAt = now
	if err := a.store.SaveCampaignDonor(ctx, cd); err != nil {
		return err
	}
	if err := a.store.UpdateCampaign(ctx, camp); err != nil {
		return err
	}
	return a.store.UpdateContribution(ctx, c)
}

// matchGift decides and reserves a succeeded gift's match (docs/funds.md, "Reserving under
// concurrency"): decide on the locked campaign and a fresh pool read, reserve with one
// conditional update, retry with a new read if another campaign took the money meanwhile.
func (a *App) matchGift(ctx context.Context, camp *Campaign, c *Contribution, cd *CampaignDonor) error {
	pool, row, rule, ok, err := a.campaignRule(ctx, camp)
	if err != nil || !ok {
		return err
	}
	mc, err := a.matchState(ctx, camp)
	if err != nil {
		return err
	}
	if storedOutOfRange(pool.Available) || storedOutOfRange(pool.Budget) {
		return MoneyDataError(fmt.Errorf("pool %d: budget %d, available %d", pool.ID, pool.Budget, pool.Available))
	}
	gift := funds.Gift{Donor: c.DonorKey, Amount: c.Amount, DonorCounted: cd.Counted, FirstFromDonor: cd.Eligible == 0}
	available := pool.Available
	d, err := rule.Decide(mc, gift, available)
	if err != nil {
		return fundsInvalid(err)
	}
	// The reservation itself is the transaction's last statement (reservePool), so the pool
	// row is locked only for the commit; if the money went meanwhile, the whole transaction
	// runs again with a fresh read.
	if d.BatchTotal > 0 {
		res := reservationFrom(ctx)
		res.pool, res.amount = pool.ID, d.BatchTotal
	}
	c.Eligible = d.Eligible
	if !d.Eligible {
		return nil
	}
	if cd.Eligible, err = addTotal(cd.Eligible, c.Amount, "amount"); err != nil {
		return err
	}
	if cd.Counted, err = addTotal(cd.Counted, d.Counted, "amount"); err != nil {
		return err
	}
	applyMatchState(camp, d.After)
	if d.Counted == 0 && !d.Unlocks {
		return nil
	}
	now := a.Now()
	m := &FundMatch{ContributionID: c.ID, CampaignID: camp.ID, PoolID: pool.ID, RuleVersion: row.Version,
		Status: string(funds.MatchStatusPending), Counted: d.Counted, CreatedAt: now, UpdatedAt: now}
	if !d.Pending && !d.Unlocks {
		m.Status, m.Amount = string(funds.MatchStatusReserved), d.Reserve
	}
	if err := a.store.CreateMatch(ctx, m); err != nil {
		return err
	}
	if !d.Unlocks {
		if m.Amount > 0 {
			t, err := funds.MatchReserved(a.matchPosting(m, m.Amount, camp.Currency, 0))
			if err != nil {
				return err
			}
			return a.postLedger(ctx, camp.FundID, t)
		}
		return nil
	}
	// This gift unlocks the campaign: every waiting match is reserved now, in order.
	waiting, err := a.store.FindMatches(ctx, camp.ID, []string{string(funds.MatchStatusPending)})
	if err != nil {
		return err
	}
	var pending []funds.PendingMatch
	byID := map[int64]*FundMatch{m.ID: m}
	for _, w := range waiting {
		if w.ID != m.ID {
			pending = append(pending, funds.PendingMatch{ID: w.ID, Counted: w.Counted})
			byID[w.ID] = w
		}
	}
	res, total, err := rule.ReserveBatch(mc, pending, funds.PendingMatch{ID: m.ID, Counted: d.Counted}, available)
	if err != nil {
		return err
	}
	if total != d.BatchTotal {
		return fmt.Errorf("unlock of campaign %d: batch %d but decided %d", camp.ID, total, d.BatchTotal)
	}
	for _, r := range res {
		w := byID[r.ID]
		w.Status, w.Amount, w.UpdatedAt = string(funds.MatchStatusReserved), r.Amount, now
		if err := a.store.UpdateMatch(ctx, w); err != nil {
			return err
		}
		if r.Amount > 0 {
			t, err := funds.MatchReserved(a.matchPosting(w, r.Amount, camp.Currency, 0))
			if err != nil {
				return err
			}
			if err := a.postLedger(ctx, camp.FundID, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// refund records money going back to a donor and what it does to the match: a refund after
// a match releases the match (from reserved, or clawed back when committed), reverses the
// matched money into the pool and, when the donor asked for it, flags the donor (套捐).
// The caller holds the campaign's row lock.
func (a *App) refund(ctx context.Context, camp *Campaign, c *Contribution, amount int64, why funds.RefundReason) error {
	if c.Status != string(funds.ContributionStatusSucceeded) {
		return Errorf(ECONFLICT, "error.bad_transition", "from", c.Status, "action", "refund")
	}
	if amount <= 0 || amount > c.Amount-c.Refunded {
		fe := FieldErrors{}
		fe.Add("amount", "funds.error.refund_amount", "max", funds.Money{Amount: c.Amount - c.Refunded, Currency: funds.Currency(c.Currency)}.String())
		return fe.Err()
	}
	// Money leaves the fund's cash: take turns with payments of its other campaigns, which
	// read the cash balances (the caller holds the campaign's lock; the fund's is taken last).
	if _, err := a.store.LockFund(ctx, camp.FundID); err != nil {
		return err
	}
	now := a.Now()
	seq := c.Refunds + 1
	t, err := funds.ContributionRefunded(contributionPosting(c), seq, funds.Money{Amount: amount, Currency: funds.Currency(c.Currency)})
	if err != nil {
		return err
	}
	if err := a.postLedger(ctx, camp.FundID, t); err != nil {
		return err
	}
	cd, err := a.store.FindCampaignDonor(ctx, camp.ID, c.DonorKey)
	if err != nil {
		return err
	}
	m, err := a.store.FindMatchByContribution(ctx, c.ID)
	if err != nil && !IsCode(err, ENOTFOUND) {
		return err
	}
	var imp *funds.RefundImpact
	if m != nil && m.Status != string(funds.MatchStatusReleased) {
		r, err := funds.RefundMatch(funds.MatchRecord{Status: funds.MatchStatus(m.Status), Counted: m.Counted, Amount: m.Amount},
			c.Amount, c.Refunded, amount, why)
		if err != nil {
			return fundsInvalid(err)
		}
		imp = &r
		if imp.Release > 0 {
			m.Releases++
			rel, err := funds.MatchReleased(a.matchPosting(m, imp.Release, camp.Currency, m.Releases), funds.MatchStatus(m.Status))
			if err != nil {
				return err
			}
			if err := a.postLedger(ctx, camp.FundID, rel); err != nil {
				return err
			}
			if err := a.store.ReleaseToPool(ctx, m.PoolID, imp.Release, 0); err != nil {
				return err
			}
		}
		if imp.FlagDonor {
			f := &DonorFlag{FundID: camp.FundID, DonorKey: c.DonorKey, UserID: c.UserID, DonorID: c.DonorID, ContributionID: c.ID,
				Reason: string(why), Released: imp.Release, CreatedAt: now}
			if err := a.store.CreateDonorFlag(ctx, f); err != nil {
				return err
			}
			if err := a.audit(ctx, "contribution.donor_flagged", "contribution", c.ID, 0, map[string]any{"released": imp.Release, "donor": c.DonorKey}); err != nil {
				return err
			}
		}
	}
	RefundTallies(camp, cd, c, m, imp, amount, seq, now)
	if imp != nil {
		if err := a.store.UpdateMatch(ctx, m); err != nil {
			return err
		}
	}
	if err := a.store.SaveCampaignDonor(ctx, cd); err != nil {
		return err
	}
	if err := a.store.UpdateCampaign(ctx, camp); err != nil {
		return err
	}
	return a.store.UpdateContribution(ctx, c)
}

// RefundTallies applies the seq-th refund of a gift, amount, to the counts it changes: the
// campaign's raised, eligible, matched and counted money and its donors, the donor's, the
// match's (imp, when the gift had a match to release) and the gift's own. The ledger
// postings are the caller's; the city generator (app/demo) shares these rules.
func RefundTallies(camp *Campaign, cd *CampaignDonor, c *Contribution, m *FundMatch, imp *funds.RefundImpact, amount int64, seq int, at time.Time) {
	camp.Raised -= amount
	if c.Eligible {
		camp.EligibleRaised = max(0, camp.EligibleRaised-amount)
		cd.Eligible = max(0, cd.Eligible-amount)
		if cd.Eligible == 0 && camp.EligibleDonors > 0 {
			camp.EligibleDonors--
		}
	}
	if imp != nil {
		camp.Matched -= imp.Release
		camp.Counted -= imp.Uncount
		if m.Status == string(funds.MatchStatusPending) {
			camp.PendingCounted -= imp.Uncount
		}
		cd.Counted = max(0, cd.Counted-imp.Uncount)
		m.Status, m.Counted, m.Amount, m.UpdatedAt = string(imp.Remaining.Status), imp.Remaining.Counted, imp.Remaining.Amount, at
	}
	c.Refunded += amount
	c.Refunds = seq
	c.UpdatedAt = at
	if c.Refunded == c.Amount {
		c.Status = string(funds.ContributionStatusRefunded)
		if cd.Gifts > 0 {
			cd.Gifts--
			if cd.Gifts == 0 && camp.Donors > 0 {
				camp.Donors--
			}
		}
	}
	camp.UpdatedAt = at
}

// fundsInvalid turns the funds package's field errors into an EINVALID error naming the
// fields; other errors pass through.
func fundsInvalid(err error) error {
	var fes funds.FieldErrors
	var fe1 *funds.FieldError
	out := FieldErrors{}
	add := func(f *funds.FieldError) {
		var re *funds.RangeError
		if _, done := out[f.Field]; !done && errors.As(f.Err, &re) {
			out[f.Field] = rangeMessage(re)
			return
		}
		out.Add(f.Field, fundsMsg(f.Err), "detail", f.Err.Error())
	}
	switch {
	case errors.As(err, &fes):
		for _, f := range fes {
			add(f)
		}
	case errors.As(err, &fe1):
		add(fe1)
	default:
		return err
	}
	return &Error{Code: EINVALID, Message: Msg("error.invalid"), Fields: map[string]Message(out), Err: err}
}

// fundsMsg picks the message for one of the funds package's errors.
func fundsMsg(err error) string {
	switch {
	case errors.Is(err, funds.ErrZeroAmount), errors.Is(err, funds.ErrNegativeAmount):
		return "funds.error.amount_positive"
	case errors.Is(err, funds.ErrTooManyDecimals):
		return "error.amount_decimals"
	case errors.Is(err, funds.ErrCurrencyMismatch), errors.Is(err, funds.ErrUnknownCurrency):
		return "funds.error.currency"
	case errors.Is(err, funds.ErrAmountOverflow):
		return "funds.error.too_large"
	case errors.Is(err, funds.ErrMalformedAmount):
		return "error.amount"
	case errors.Is(err, funds.ErrBadReceiptNo):
		return "funds.error.receipt_no"
	}
	return "funds.error.rule"
}

func keyOf(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }
