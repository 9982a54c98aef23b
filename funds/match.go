package funds

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// CommunityKind is one of the four community kinds, each with its own "long board".
type CommunityKind string

// Community kinds from the Pinghu classification.
const (
	CommunityUrban        CommunityKind = "urban"
	CommunityRural        CommunityKind = "rural"
	CommunityMerged       CommunityKind = "merged"
	CommunityUrbanVillage CommunityKind = "urban_village"
)

// Valid reports whether k is a known community kind.
func (k CommunityKind) Valid() bool {
	switch k {
	case CommunityUrban, CommunityRural, CommunityMerged, CommunityUrbanVillage:
		return true
	}
	return false
}

// Rule is one version of a pool's match rule. Changing a rule creates a new version; every
// match records the version it used, so old matches stay explainable.
type Rule struct {
	Pool     int64
	Version  int
	Currency Currency
	// Ratio is what the pool adds per unit donated: 1/1 for "1:1", 1/2 for "1:0.5".
	Ratio Ratio
	// UnlockShareBP is the share of the goal, in basis points (0–10000), that eligible gifts
	// must reach before any match is reserved.
	UnlockShareBP int64
	// UnlockDonors is the number of distinct eligible donors needed before matching starts.
	UnlockDonors int
	// DonorCap is the most of one donor's gifts to a campaign counted toward the match, so one
	// rich donor cannot drain the pool; 0 means no cap.
	DonorCap int64
	// CampaignCap is the most this pool matches to one campaign; 0 means no cap.
	CampaignCap int64
	// MinContribution is the smallest gift that counts toward unlocking and matching; 0 means
	// any gift counts.
	MinContribution int64
	// CategoryMultipliers scale the ratio by project category (absent means 1; 0 excludes).
	CategoryMultipliers map[string]Ratio
	// KindMultipliers scale the ratio by community kind (absent means 1; 0 excludes).
	KindMultipliers map[CommunityKind]Ratio
}

// Validate checks every field and reports all problems, each naming its field.
func (r Rule) Validate() error {
	var es FieldErrors
	if r.Pool <= 0 {
		es.addf("pool", "must be a pool id")
	}
	if r.Version < 1 {
		es.addf("version", "must be at least 1")
	}
	if !r.Currency.Valid() {
		es.add("currency", fmt.Errorf("%w %q", ErrUnknownCurrency, r.Currency))
	}
	if err := r.Ratio.check(true); err != nil {
		es.add("ratio", err)
	}
	if r.UnlockShareBP < 0 || r.UnlockShareBP > 10000 {
		es.addf("unlock_share_bp", "must be between 0 and 10000 basis points")
	}
	if r.UnlockDonors < 0 || r.UnlockDonors > MaxPeople {
		es.addf("unlock_donors", fmt.Sprintf("must be between 0 and %d", MaxPeople))
	}
	if r.DonorCap < 0 {
		es.addf("donor_cap", "must not be negative (0 means no cap)")
	} else if err := CheckLimit(r.DonorCap); err != nil {
		es.add("donor_cap", err)
	}
	if r.CampaignCap < 0 {
		es.addf("campaign_cap", "must not be negative (0 means no cap)")
	} else if err := CheckLimit(r.CampaignCap); err != nil {
		es.add("campaign_cap", err)
	}
	if r.MinContribution < 0 {
		es.addf("min_contribution", "must not be negative")
	} else if err := CheckLimit(r.MinContribution); err != nil {
		es.add("min_contribution", err)
	}
	for _, cat := range sortedKeys(r.CategoryMultipliers) {
		if cat == "" {
			es.addf("category_multipliers", "category must not be empty")
		}
		if err := r.CategoryMultipliers[cat].check(false); err != nil {
			es.add("category_multipliers."+cat, err)
		}
	}
	for _, k := range sortedKeys(r.KindMultipliers) {
		if !k.Valid() {
			es.addf("kind_multipliers."+string(k), "unknown community kind")
		}
		if err := r.KindMultipliers[k].check(false); err != nil {
			es.add("kind_multipliers."+string(k), err)
		}
	}
	return es.err()
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// MatchCampaign is a campaign's matching state for one pool, as the app holds it under the
// campaign's row lock (see docs/funds.md, "Reserving under concurrency").
type MatchCampaign struct {
	Goal          int64
	Category      string
	CommunityKind CommunityKind
	// Excluded lists donor keys that cannot trigger a match: the project's own organization
	// and merchants. Their gifts still count toward the goal.
	Excluded []string
	// EligibleRaised and EligibleDonors count gifts that may unlock matching (at least the
	// minimum, not excluded), net of refunds.
	EligibleRaised int64
	EligibleDonors int
	// Counted is the total counted toward the match (after donor caps), pending included.
	Counted int64
	// PendingCounted is the part of Counted whose matches wait for unlock.
	PendingCounted int64
	// Matched is this pool's reserved plus committed match for the campaign.
	Matched  int64
	Unlocked bool
}

// Gift is one succeeded contribution as the match rules see it.
type Gift struct {
	Donor  string // stable donor key, e.g. "user:7" or "org:3"; anonymous gifts keep theirs
	Amount int64
	// DonorCounted is how much of this donor's earlier gifts to the campaign was counted.
	DonorCounted int64
	// FirstFromDonor is set when this is the donor's first eligible gift to the campaign.
	FirstFromDonor bool
}

// Reasons a gift earns no match.
const (
	ReasonBelowMinimum   = "below_minimum"
	ReasonExcludedDonor  = "excluded_donor"
	ReasonDonorCapped    = "donor_cap_reached"
	ReasonNotMatched     = "category_or_kind_not_matched"
	ReasonCampaignCapped = "campaign_cap_reached"
	ReasonPoolEmpty      = "pool_empty"
	ReasonLocked         = "waiting_for_unlock"
)

// MatchDecision is what a gift earns under a rule, given the campaign and pool right now.
type MatchDecision struct {
	// Eligible gifts count toward unlocking; Reason says why a gift earns nothing.
	Eligible bool
	Reason   string
	// Counted is the part of the gift counted toward the match after the donor cap.
	Counted int64
	// Pending is set when the campaign is still locked: the match waits and is reserved with
	// the others at unlock.
	Pending bool
	// Unlocks is set when this gift crosses the threshold: reserve BatchTotal now, split over
	// the pending matches and this one by ReserveBatch.
	Unlocks bool
	// Reserve is this gift's own match, reserved now (0 while pending).
	Reserve int64
	// BatchTotal is everything to reserve now: Reserve, plus the earlier pending matches when
	// the gift unlocks.
	BatchTotal int64
	// PoolLeft is the pool's available money after reserving BatchTotal.
	PoolLeft int64
	// After is the campaign state once the gift and BatchTotal are recorded.
	After MatchCampaign
}

// PendingMatch is a match waiting for unlock, in the order its gift succeeded.
type PendingMatch struct {
	ID      int64 // the match (or contribution) id the app uses
	Counted int64
}

// Reservation is the amount reserved for one match.
type Reservation struct {
	ID     int64
	Amount int64
}

// rate is the rule's ratio times the campaign's multipliers, as an exact fraction.
func (r Rule) rate(c MatchCampaign) (num, den *big.Int) {
	q := r.Ratio.rat()
	if m, ok := r.CategoryMultipliers[c.Category]; ok {
		q.Mul(q, m.rat())
	}
	if m, ok := r.KindMultipliers[c.CommunityKind]; ok {
		q.Mul(q, m.rat())
	}
	return new(big.Int).Set(q.Num()), new(big.Int).Set(q.Denom())
}

// cumulative is floor(rate × counted): matches are computed as differences of this, so many
// small gifts earn exactly what one gift of their sum would, without losing a fen per gift
// to rounding.
func cumulative(num, den *big.Int, counted int64) *big.Int {
	x := new(big.Int).Mul(num, big.NewInt(counted))
	return x.Quo(x, den) // counted ≥ 0, so truncation is floor
}

// earned is what counting `add` on top of `before` earns: floor(rate·(before+add)) −
// floor(rate·before), saturated to int64.
func earned(num, den *big.Int, before, add int64) int64 {
	d := new(big.Int).Sub(cumulative(num, den, before+add), cumulative(num, den, before))
	if !d.IsInt64() {
		return 1<<63 - 1
	}
	return d.Int64()
}

func (r Rule) capLeft(c MatchCampaign) int64 {
	if r.CampaignCap == 0 {
		return 1<<63 - 1
	}
	return max(0, r.CampaignCap-c.Matched)
}

func (r Rule) unlocked(c MatchCampaign) bool {
	if c.Unlocked {
		return true
	}
	share := new(big.Int).Mul(big.NewInt(c.EligibleRaised), big.NewInt(10000))
	need := new(big.Int).Mul(big.NewInt(r.UnlockShareBP), big.NewInt(c.Goal))
	return share.Cmp(need) >= 0 && c.EligibleDonors >= r.UnlockDonors
}

// ErrInvalidGift is returned for gifts or states the rules cannot have produced.
var ErrInvalidGift = errors.New("invalid gift")

// Decide works out what a gift earns and what to reserve now. poolAvailable is the pool's
// available money as just read; the app reserves BatchTotal with a conditional UPDATE and
// calls Decide again with a fresh value if that UPDATE finds less money than read.
func (r Rule) Decide(c MatchCampaign, g Gift, poolAvailable int64) (MatchDecision, error) {
	if err := r.Validate(); err != nil {
		return MatchDecision{}, fmt.Errorf("rule: %w", err)
	}
	switch {
	case g.Amount <= 0:
		return MatchDecision{}, fieldErr("amount", ErrZeroAmount)
	case g.DonorCounted < 0 || c.Counted < 0 || c.PendingCounted < 0 || c.PendingCounted > c.Counted ||
		c.Matched < 0 || c.EligibleRaised < 0 || c.EligibleDonors < 0 || c.Goal <= 0:
		return MatchDecision{}, fmt.Errorf("%w: negative or inconsistent campaign counters", ErrInvalidGift)
	case poolAvailable < 0:
		return MatchDecision{}, fieldErr("pool_available", ErrNegativeAmount)
	case g.Donor == "":
		return MatchDecision{}, fieldErr("donor", errors.New("required"))
	}
	d := MatchDecision{After: c, PoolLeft: poolAvailable}
	if g.Amount < r.MinContribution {
		d.Reason = ReasonBelowMinimum
		return d, nil
	}
	if slices.Contains(c.Excluded, g.Donor) {
		d.Reason = ReasonExcludedDonor
		return d, nil
	}
	d.Eligible = true
	var ok bool
	if d.After.EligibleRaised, ok = addInt64(c.EligibleRaised, g.Amount); !ok {
		return MatchDecision{}, fieldErr("amount", ErrAmountOverflow)
	}
	if g.FirstFromDonor {
		d.After.EligibleDonors++
	}
	d.Counted = g.Amount
	if r.DonorCap > 0 {
		d.Counted = min(g.Amount, max(0, r.DonorCap-g.DonorCounted))
	}
	if d.After.Counted, ok = addInt64(c.Counted, d.Counted); !ok {
		return MatchDecision{}, fieldErr("amount", ErrAmountOverflow)
	}
	num, den := r.rate(c)
	switch {
	case d.Counted == 0:
		d.Reason = ReasonDonorCapped
	case num.Sign() == 0:
		d.Reason = ReasonNotMatched
	}
	if !c.Unlocked {
		if !r.unlocked(d.After) {
			d.Pending = d.Counted > 0
			d.After.PendingCounted += d.Counted
			if d.Reason == "" {
				d.Reason = ReasonLocked
			}
			return d, nil
		}
		// This gift unlocks: the pending matches and this one are reserved together, in order.
		d.Unlocks = true
		d.After.Unlocked = true
		base := c.Counted - c.PendingCounted
		capLeft, poolLeft := r.capLeft(c), poolAvailable
		earlier := min(earned(num, den, base, c.PendingCounted), capLeft, poolLeft)
		d.Reserve = min(earned(num, den, c.Counted, d.Counted), capLeft-earlier, poolLeft-earlier)
		d.BatchTotal = earlier + d.Reserve
		d.After.PendingCounted = 0
	} else {
		d.Reserve = min(earned(num, den, c.Counted, d.Counted), r.capLeft(c), poolAvailable)
		d.BatchTotal = d.Reserve
	}
	d.After.Matched += d.BatchTotal
	d.PoolLeft = poolAvailable - d.BatchTotal
	if d.Reason == "" && d.Reserve == 0 && d.Counted > 0 {
		switch {
		case r.capLeft(c) <= d.BatchTotal-d.Reserve:
			d.Reason = ReasonCampaignCapped
		case poolAvailable <= d.BatchTotal-d.Reserve:
			d.Reason = ReasonPoolEmpty
		}
	}
	return d, nil
}

// ReserveBatch splits an unlock's reservation over the matches that waited (pending, in the
// order their gifts succeeded) and then the unlocking gift, each earning its cumulative share
// until the campaign cap or the pool runs out. before is the campaign state passed to Decide
// for the unlocking gift; the last reservation equals that Decide's Reserve and the total its
// BatchTotal.
func (r Rule) ReserveBatch(before MatchCampaign, pending []PendingMatch, unlocking PendingMatch, poolAvailable int64) ([]Reservation, int64, error) {
	if err := r.Validate(); err != nil {
		return nil, 0, fmt.Errorf("rule: %w", err)
	}
	var sum int64
	for i, p := range pending {
		if p.Counted < 0 {
			return nil, 0, fieldErr(fmt.Sprintf("pending[%d].counted", i), ErrNegativeAmount)
		}
		var ok bool
		if sum, ok = addInt64(sum, p.Counted); !ok {
			return nil, 0, fieldErr("pending", ErrAmountOverflow)
		}
	}
	if sum != before.PendingCounted {
		return nil, 0, fmt.Errorf("%w: pending matches count %d but the campaign records %d", ErrInvalidGift, sum, before.PendingCounted)
	}
	if unlocking.Counted < 0 || poolAvailable < 0 {
		return nil, 0, fmt.Errorf("%w: negative amount", ErrInvalidGift)
	}
	num, den := r.rate(before)
	counted := before.Counted - before.PendingCounted
	capLeft, poolLeft := r.capLeft(before), poolAvailable
	out := make([]Reservation, 0, len(pending)+1)
	var total int64
	for _, p := range append(slices.Clip(pending), unlocking) {
		a := min(earned(num, den, counted, p.Counted), capLeft, poolLeft)
		counted += p.Counted
		capLeft -= a
		poolLeft -= a
		total += a
		out = append(out, Reservation{ID: p.ID, Amount: a})
	}
	return out, total, nil
}

// Preview is what the donate form may promise for a gift: exactly what Decide would reserve
// for it against the same state, never more.
type Preview struct {
	Gift     Money
	Match    Money // reserved for this gift if given now
	Project  Money // Gift + Match
	PoolLeft Money // pool available after this gift's reservation
	// Locked is set while matching waits for the threshold; ToUnlockAmount and ToUnlockDonors
	// say what is still missing (beyond this gift).
	Locked         bool
	ToUnlockAmount int64
	ToUnlockDonors int
	Reason         string
}

// Preview computes the donate form's promise for a gift.
func (r Rule) Preview(c MatchCampaign, g Gift, poolAvailable int64) (Preview, error) {
	d, err := r.Decide(c, g, poolAvailable)
	if err != nil {
		return Preview{}, err
	}
	p := Preview{
		Gift:     Money{g.Amount, r.Currency},
		Match:    Money{d.Reserve, r.Currency},
		PoolLeft: Money{d.PoolLeft, r.Currency},
		Locked:   !d.After.Unlocked,
		Reason:   d.Reason,
	}
	p.Project = Money{g.Amount + d.Reserve, r.Currency}
	if p.Locked {
		needRaised := new(big.Int).Mul(big.NewInt(r.UnlockShareBP), big.NewInt(c.Goal))
		needRaised.Add(needRaised, big.NewInt(9999)).Quo(needRaised, big.NewInt(10000)) // ceil
		p.ToUnlockAmount = max(0, needRaised.Int64()-d.After.EligibleRaised)
		p.ToUnlockDonors = max(0, r.UnlockDonors-d.After.EligibleDonors)
	}
	return p, nil
}

// Text renders the preview for the donate form in "zh" (default) or "en".
func (p Preview) Text(lang string) string {
	if lang == "en" {
		s := fmt.Sprintf("You give %s → the project gets %s", p.Gift.Short(), p.Gift.Short())
		if p.Match.Amount > 0 {
			s += fmt.Sprintf(" + %s matched; pool left %s", p.Match.Short(), p.PoolLeft.Short())
		}
		if p.Locked {
			s += fmt.Sprintf("; matching starts after %s more from %d more donors", Money{p.ToUnlockAmount, p.Gift.Currency}.Short(), p.ToUnlockDonors)
		}
		return s
	}
	s := fmt.Sprintf("您捐 %s → 项目获得 %s", p.Gift.Short(), p.Gift.Short())
	if p.Match.Amount > 0 {
		s += fmt.Sprintf(" + 配捐 %s;资金池剩余 %s", p.Match.Short(), p.PoolLeft.Short())
	}
	if p.Locked {
		s += fmt.Sprintf(";再筹 %s、再有 %d 位捐赠者即解锁配捐", Money{p.ToUnlockAmount, p.Gift.Currency}.Short(), p.ToUnlockDonors)
	}
	return s
}

// MatchStatus is where a match is in its life.
type MatchStatus string

// Match statuses: pending (waiting for unlock) → reserved → committed, and released from any
// of them back to the pool.
const (
	MatchStatusPending   MatchStatus = "pending"
	MatchStatusReserved  MatchStatus = "reserved"
	MatchStatusCommitted MatchStatus = "committed"
	MatchStatusReleased  MatchStatus = "released"
)

// ErrBadTransition is returned when a record cannot move to the requested status.
var ErrBadTransition = errors.New("status change not allowed")

// CheckMatchTransition allows pending→reserved, reserved→committed and any live status →
// released.
func CheckMatchTransition(from, to MatchStatus) error {
	ok := (from == MatchStatusPending && to == MatchStatusReserved) ||
		(from == MatchStatusReserved && to == MatchStatusCommitted) ||
		(from != MatchStatusReleased && to == MatchStatusReleased)
	if !ok {
		return fmt.Errorf("%w: match %s → %s", ErrBadTransition, from, to)
	}
	return nil
}

// RefundReason says why a contribution is being refunded; only a donor's own refund after a
// match is suspicious (套捐: giving to draw the match, then taking the gift back).
type RefundReason string

// Refund reasons.
const (
	RefundRequested      RefundReason = "requested_by_donor"
	RefundDisputed       RefundReason = "disputed"
	RefundCampaignFailed RefundReason = "campaign_failed"
	RefundAdministrative RefundReason = "administrative"
)

// MatchRecord is one contribution's match as stored.
type MatchRecord struct {
	Status  MatchStatus
	Counted int64 // part of the gift counted toward the match
	Amount  int64 // match reserved or committed (0 while pending)
}

// RefundImpact is what a refund does to the contribution's match.
type RefundImpact struct {
	// Release is the match to give back to the pool (from reserved, or from the campaign's
	// match account when committed).
	Release int64
	// Uncount is removed from the campaign's and the donor's counted totals.
	Uncount int64
	// Remaining is the match amount and counted amount left on the record.
	Remaining MatchRecord
	// FlagDonor is set for a donor-initiated refund that takes back matched money.
	FlagDonor bool
}

// RefundMatch works out what refunding `refund` of a gift of giftAmount (of which
// alreadyRefunded went back earlier) does to its match. Counted money is taken to be the
// last to be refunded: if a capped donor gave more than was counted, refunding the surplus
// costs the pool nothing. The match shrinks in proportion to what stays counted, rounding in
// the pool's favour.
func RefundMatch(m MatchRecord, giftAmount, alreadyRefunded, refund int64, why RefundReason) (RefundImpact, error) {
	switch {
	case refund <= 0:
		return RefundImpact{}, fieldErr("refund", ErrZeroAmount)
	case alreadyRefunded < 0 || giftAmount <= 0 || m.Counted < 0 || m.Amount < 0 || m.Counted > giftAmount:
		return RefundImpact{}, fmt.Errorf("%w: inconsistent match record", ErrInvalidGift)
	case refund > giftAmount-alreadyRefunded:
		return RefundImpact{}, fieldErr("refund", fmt.Errorf("%w: only %d left to refund", ErrInsufficientFunds, giftAmount-alreadyRefunded))
	}
	if m.Status == MatchStatusReleased {
		return RefundImpact{Remaining: m}, nil
	}
	left := giftAmount - alreadyRefunded - refund
	newCounted := min(m.Counted, left)
	out := RefundImpact{Uncount: m.Counted - newCounted}
	newAmount := int64(0)
	if m.Counted > 0 && m.Amount > 0 {
		x := new(big.Int).Mul(big.NewInt(m.Amount), big.NewInt(newCounted))
		newAmount = x.Quo(x, big.NewInt(m.Counted)).Int64()
	}
	if m.Status == MatchStatusPending {
		newAmount = 0
	}
	out.Release = m.Amount - newAmount
	out.Remaining = MatchRecord{Status: m.Status, Counted: newCounted, Amount: newAmount}
	if newCounted == 0 {
		out.Remaining.Status = MatchStatusReleased
	}
	out.FlagDonor = out.Release > 0 && (why == RefundRequested || why == RefundDisputed)
	return out, nil
}
