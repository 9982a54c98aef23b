package funds

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func baseRule() Rule {
	return Rule{Pool: 7, Version: 1, Currency: CNY, Ratio: Ratio{1, 1}}
}

func TestRuleValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field string
		mod   func(*Rule)
	}{
		{"pool", func(r *Rule) { r.Pool = 0 }},
		{"version", func(r *Rule) { r.Version = 0 }},
		{"currency", func(r *Rule) { r.Currency = "XXX" }},
		{"ratio", func(r *Rule) { r.Ratio = Ratio{0, 1} }},
		{"ratio", func(r *Rule) { r.Ratio = Ratio{-1, 2} }},
		{"ratio", func(r *Rule) { r.Ratio = Ratio{1, 0} }},
		{"unlock_share_bp", func(r *Rule) { r.UnlockShareBP = 10001 }},
		{"unlock_share_bp", func(r *Rule) { r.UnlockShareBP = -1 }},
		{"unlock_donors", func(r *Rule) { r.UnlockDonors = -1 }},
		{"donor_cap", func(r *Rule) { r.DonorCap = -1 }},
		{"campaign_cap", func(r *Rule) { r.CampaignCap = -100 }},
		{"min_contribution", func(r *Rule) { r.MinContribution = -1 }},
		{"category_multipliers.elderly", func(r *Rule) { r.CategoryMultipliers = map[string]Ratio{"elderly": {-1, 1}} }},
		{"category_multipliers", func(r *Rule) { r.CategoryMultipliers = map[string]Ratio{"": {1, 1}} }},
		{"kind_multipliers.city", func(r *Rule) { r.KindMultipliers = map[CommunityKind]Ratio{"city": {1, 1}} }},
		{"kind_multipliers.rural", func(r *Rule) { r.KindMultipliers = map[CommunityKind]Ratio{CommunityRural: {1, 0}} }},
	}
	if err := baseRule().Validate(); err != nil {
		t.Fatalf("base rule: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			r := baseRule()
			tt.mod(&r)
			err := r.Validate()
			var fes FieldErrors
			if !errors.As(err, &fes) || len(fes) != 1 || fes[0].Field != tt.field {
				t.Fatalf("error %v, want exactly field %s", err, tt.field)
			}
		})
	}
	r := baseRule()
	r.CategoryMultipliers = map[string]Ratio{"youth": {0, 1}}
	if err := r.Validate(); err != nil {
		t.Errorf("zero multiplier (category excluded) refused: %v", err)
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	open := MatchCampaign{Goal: 100000, Category: "elderly", CommunityKind: CommunityRural, Unlocked: true, Excluded: []string{"org:own"}}
	tests := []struct {
		name   string
		rule   func(*Rule)
		camp   func(*MatchCampaign)
		gift   Gift
		pool   int64
		want   MatchDecision // compared on the fields below
		reason string
	}{
		{"1:1", nil, nil, Gift{Donor: "u1", Amount: 5000}, 1e6,
			MatchDecision{Eligible: true, Counted: 5000, Reserve: 5000, BatchTotal: 5000, PoolLeft: 1e6 - 5000}, ""},
		{"1:0.5 rounds down", func(r *Rule) { r.Ratio = Ratio{1, 2} }, nil, Gift{Donor: "u1", Amount: 5001}, 1e6,
			MatchDecision{Eligible: true, Counted: 5001, Reserve: 2500, BatchTotal: 2500, PoolLeft: 1e6 - 2500}, ""},
		{"1:0.5 collects the half fen left by earlier gifts", func(r *Rule) { r.Ratio = Ratio{1, 2} }, func(c *MatchCampaign) { c.Counted = 1 }, Gift{Donor: "u1", Amount: 1}, 1e6,
			MatchDecision{Eligible: true, Counted: 1, Reserve: 1, BatchTotal: 1, PoolLeft: 1e6 - 1}, ""},
		{"donor cap counts part", func(r *Rule) { r.DonorCap = 10000 }, nil, Gift{Donor: "u1", Amount: 5000, DonorCounted: 8000}, 1e6,
			MatchDecision{Eligible: true, Counted: 2000, Reserve: 2000, BatchTotal: 2000, PoolLeft: 1e6 - 2000}, ""},
		{"donor cap reached", func(r *Rule) { r.DonorCap = 10000 }, nil, Gift{Donor: "u1", Amount: 5000, DonorCounted: 10000}, 1e6,
			MatchDecision{Eligible: true, PoolLeft: 1e6}, ReasonDonorCapped},
		{"campaign cap leaves a little", func(r *Rule) { r.CampaignCap = 10000 }, func(c *MatchCampaign) { c.Matched = 9000 }, Gift{Donor: "u1", Amount: 5000}, 1e6,
			MatchDecision{Eligible: true, Counted: 5000, Reserve: 1000, BatchTotal: 1000, PoolLeft: 1e6 - 1000}, ""},
		{"campaign cap reached", func(r *Rule) { r.CampaignCap = 10000 }, func(c *MatchCampaign) { c.Matched = 10000 }, Gift{Donor: "u1", Amount: 5000}, 1e6,
			MatchDecision{Eligible: true, Counted: 5000, PoolLeft: 1e6}, ReasonCampaignCapped},
		{"pool short", nil, nil, Gift{Donor: "u1", Amount: 5000}, 300,
			MatchDecision{Eligible: true, Counted: 5000, Reserve: 300, BatchTotal: 300}, ""},
		{"pool empty", nil, nil, Gift{Donor: "u1", Amount: 5000}, 0,
			MatchDecision{Eligible: true, Counted: 5000}, ReasonPoolEmpty},
		{"below minimum", func(r *Rule) { r.MinContribution = 1000 }, nil, Gift{Donor: "u1", Amount: 999}, 1e6,
			MatchDecision{PoolLeft: 1e6}, ReasonBelowMinimum},
		{"minimum itself counts", func(r *Rule) { r.MinContribution = 1000 }, nil, Gift{Donor: "u1", Amount: 1000}, 1e6,
			MatchDecision{Eligible: true, Counted: 1000, Reserve: 1000, BatchTotal: 1000, PoolLeft: 1e6 - 1000}, ""},
		{"project's own organization", nil, nil, Gift{Donor: "org:own", Amount: 5000}, 1e6,
			MatchDecision{PoolLeft: 1e6}, ReasonExcludedDonor},
		{"multipliers by category and kind", func(r *Rule) {
			r.CategoryMultipliers = map[string]Ratio{"elderly": {3, 2}, "youth": {0, 1}}
			r.KindMultipliers = map[CommunityKind]Ratio{CommunityRural: BasisPoints(12000)}
		}, nil, Gift{Donor: "u1", Amount: 1000}, 1e6,
			MatchDecision{Eligible: true, Counted: 1000, Reserve: 1800, BatchTotal: 1800, PoolLeft: 1e6 - 1800}, ""},
		{"category multiplier zero", func(r *Rule) { r.CategoryMultipliers = map[string]Ratio{"elderly": {0, 1}} }, nil, Gift{Donor: "u1", Amount: 1000}, 1e6,
			MatchDecision{Eligible: true, Counted: 1000, PoolLeft: 1e6}, ReasonNotMatched},
		{"locked below share", func(r *Rule) { r.UnlockShareBP = 5000 }, func(c *MatchCampaign) {
			c.Unlocked = false
			c.EligibleRaised = 10000
			c.Counted = 10000
			c.PendingCounted = 10000
		}, Gift{Donor: "u1", Amount: 10000}, 1e6,
			MatchDecision{Eligible: true, Counted: 10000, Pending: true, PoolLeft: 1e6}, ReasonLocked},
		{"unlocks: batch of pending plus this gift", func(r *Rule) { r.UnlockShareBP = 5000; r.UnlockDonors = 3 }, func(c *MatchCampaign) {
			c.Unlocked = false
			c.EligibleRaised, c.EligibleDonors, c.Counted, c.PendingCounted = 45000, 2, 45000, 45000
		}, Gift{Donor: "u3", Amount: 5000, FirstFromDonor: true}, 1e6,
			MatchDecision{Eligible: true, Counted: 5000, Unlocks: true, Reserve: 5000, BatchTotal: 50000, PoolLeft: 1e6 - 50000}, ""},
		{"share met but too few donors", func(r *Rule) { r.UnlockShareBP = 5000; r.UnlockDonors = 3 }, func(c *MatchCampaign) {
			c.Unlocked = false
			c.EligibleRaised, c.EligibleDonors, c.Counted, c.PendingCounted = 45000, 2, 45000, 45000
		}, Gift{Donor: "u1", Amount: 5000}, 1e6,
			MatchDecision{Eligible: true, Counted: 5000, Pending: true, PoolLeft: 1e6}, ReasonLocked},
		{"unlock with a short pool serves earlier gifts first", func(r *Rule) { r.UnlockShareBP = 5000 }, func(c *MatchCampaign) {
			c.Unlocked = false
			c.EligibleRaised, c.Counted, c.PendingCounted = 45000, 45000, 45000
		}, Gift{Donor: "u3", Amount: 5000}, 30000,
			MatchDecision{Eligible: true, Counted: 5000, Unlocks: true, BatchTotal: 30000}, ReasonPoolEmpty},
		{"no threshold: the first gift unlocks", nil, func(c *MatchCampaign) { c.Unlocked = false }, Gift{Donor: "u1", Amount: 100}, 1e6,
			MatchDecision{Eligible: true, Counted: 100, Unlocks: true, Reserve: 100, BatchTotal: 100, PoolLeft: 1e6 - 100}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := baseRule()
			if tt.rule != nil {
				tt.rule(&r)
			}
			c := open
			if tt.camp != nil {
				tt.camp(&c)
			}
			d, err := r.Decide(c, tt.gift, tt.pool)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("eligible=%v counted=%d pending=%v unlocks=%v reserve=%d batch=%d left=%d reason=%q",
				d.Eligible, d.Counted, d.Pending, d.Unlocks, d.Reserve, d.BatchTotal, d.PoolLeft, d.Reason)
			w := tt.want
			want := fmt.Sprintf("eligible=%v counted=%d pending=%v unlocks=%v reserve=%d batch=%d left=%d reason=%q",
				w.Eligible, w.Counted, w.Pending, w.Unlocks, w.Reserve, w.BatchTotal, w.PoolLeft, tt.reason)
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if d.After.Matched != c.Matched+d.BatchTotal {
				t.Errorf("after.Matched = %d, want %d", d.After.Matched, c.Matched+d.BatchTotal)
			}
		})
	}
}

func TestDecideErrors(t *testing.T) {
	t.Parallel()
	c := MatchCampaign{Goal: 100, Unlocked: true}
	tests := []struct {
		name string
		rule Rule
		camp MatchCampaign
		gift Gift
		pool int64
		want string
	}{
		{"zero gift", baseRule(), c, Gift{Donor: "u", Amount: 0}, 1, "amount"},
		{"negative gift", baseRule(), c, Gift{Donor: "u", Amount: -5}, 1, "amount"},
		{"no donor", baseRule(), c, Gift{Amount: 5}, 1, "donor"},
		{"negative pool", baseRule(), c, Gift{Donor: "u", Amount: 5}, -1, "pool_available"},
		{"bad rule", Rule{Pool: 7, Version: 1, Currency: CNY}, c, Gift{Donor: "u", Amount: 5}, 1, "ratio"},
		{"inconsistent campaign", baseRule(), MatchCampaign{Goal: 100, Counted: 1, PendingCounted: 2}, Gift{Donor: "u", Amount: 5}, 1, "inconsistent"},
		{"no goal", baseRule(), MatchCampaign{}, Gift{Donor: "u", Amount: 5}, 1, "inconsistent"},
	}
	for _, tt := range tests {
		if _, err := tt.rule.Decide(tt.camp, tt.gift, tt.pool); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %s", tt.name, err, tt.want)
		}
	}
}

func TestReserveBatch(t *testing.T) {
	t.Parallel()
	r := baseRule()
	r.Ratio = Ratio{1, 3}
	r.UnlockShareBP = 10000
	r.CampaignCap = 1000
	before := MatchCampaign{Goal: 10000, EligibleRaised: 9000, Counted: 3001, PendingCounted: 3001}
	pending := []PendingMatch{{ID: 1, Counted: 1}, {ID: 2, Counted: 1000}, {ID: 3, Counted: 2000}}
	gift := Gift{Donor: "u", Amount: 1000}
	d, err := r.Decide(before, gift, 5000)
	if err != nil {
		t.Fatal(err)
	}
	rs, total, err := r.ReserveBatch(before, pending, PendingMatch{ID: 4, Counted: d.Counted}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	// floor(k/3) at 1, 1001, 3001, 4001 = 0, 333, 1000, 1333; the cap stops at 1000.
	want := []Reservation{{1, 0}, {2, 333}, {3, 667}, {4, 0}}
	if fmt.Sprint(rs) != fmt.Sprint(want) || total != 1000 {
		t.Errorf("got %v total %d, want %v total 1000", rs, total, want)
	}
	if !d.Unlocks || d.Reserve != rs[3].Amount || d.BatchTotal != total {
		t.Errorf("Decide says reserve %d batch %d, ReserveBatch %d and %d", d.Reserve, d.BatchTotal, rs[3].Amount, total)
	}
	if _, _, err := r.ReserveBatch(before, pending[:2], PendingMatch{ID: 4}, 5000); !errors.Is(err, ErrInvalidGift) {
		t.Errorf("pending list that does not add up: %v", err)
	}
}

func TestPreviewText(t *testing.T) {
	t.Parallel()
	r := baseRule()
	c := MatchCampaign{Goal: 100000, Unlocked: true}
	p, err := r.Preview(c, Gift{Donor: "u", Amount: 5000}, 1235000)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Text("zh"), "您捐 ¥50 → 项目获得 ¥50 + 配捐 ¥50;资金池剩余 ¥12,300"; got != want {
		t.Errorf("zh: %q, want %q", got, want)
	}
	if got, want := p.Text("en"), "You give ¥50 → the project gets ¥50 + ¥50 matched; pool left ¥12,300"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	r.UnlockShareBP, r.UnlockDonors = 3000, 5
	p, err = r.Preview(MatchCampaign{Goal: 100000}, Gift{Donor: "u", Amount: 5000, FirstFromDonor: true}, 1235000)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Text("zh"), "您捐 ¥50 → 项目获得 ¥50;再筹 ¥250、再有 4 位捐赠者即解锁配捐"; got != want {
		t.Errorf("locked zh: %q, want %q", got, want)
	}
	if p.Match.Amount != 0 || !p.Locked {
		t.Errorf("locked preview promises %v", p.Match)
	}
}

func TestRefundMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		m                     MatchRecord
		gift, already, refund int64
		why                   RefundReason
		release, uncount      int64
		remaining             MatchRecord
		flag                  bool
	}{
		{"full refund of a reserved match (套捐)", MatchRecord{MatchStatusReserved, 5000, 5000}, 5000, 0, 5000, RefundRequested,
			5000, 5000, MatchRecord{MatchStatusReleased, 0, 0}, true},
		{"campaign failed: no flag", MatchRecord{MatchStatusReserved, 5000, 5000}, 5000, 0, 5000, RefundCampaignFailed,
			5000, 5000, MatchRecord{MatchStatusReleased, 0, 0}, false},
		{"committed match clawed back", MatchRecord{MatchStatusCommitted, 5000, 2500}, 5000, 0, 5000, RefundDisputed,
			2500, 5000, MatchRecord{MatchStatusReleased, 0, 0}, true},
		{"refund of an uncounted surplus costs the pool nothing", MatchRecord{MatchStatusReserved, 10000, 5000}, 50000, 0, 30000, RefundRequested,
			0, 0, MatchRecord{MatchStatusReserved, 10000, 5000}, false},
		{"refund into the counted part shrinks the match, rounding for the pool", MatchRecord{MatchStatusReserved, 10000, 4999}, 50000, 0, 45000, RefundRequested,
			2500, 5000, MatchRecord{MatchStatusReserved, 5000, 2499}, true},
		{"second partial refund", MatchRecord{MatchStatusReserved, 5000, 2499}, 50000, 45000, 5000, RefundRequested,
			2499, 5000, MatchRecord{MatchStatusReleased, 0, 0}, true},
		{"pending match: nothing to release, counted shrinks", MatchRecord{MatchStatusPending, 4000, 0}, 4000, 0, 1000, RefundRequested,
			0, 1000, MatchRecord{MatchStatusPending, 3000, 0}, false},
		{"already released", MatchRecord{MatchStatusReleased, 0, 0}, 4000, 0, 4000, RefundRequested,
			0, 0, MatchRecord{MatchStatusReleased, 0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := RefundMatch(tt.m, tt.gift, tt.already, tt.refund, tt.why)
			if err != nil {
				t.Fatal(err)
			}
			want := RefundImpact{Release: tt.release, Uncount: tt.uncount, Remaining: tt.remaining, FlagDonor: tt.flag}
			if got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
	if _, err := RefundMatch(MatchRecord{MatchStatusReserved, 1, 1}, 10, 5, 6, RefundRequested); !errors.Is(err, ErrInsufficientFunds) {
		t.Errorf("refund beyond the gift: %v", err)
	}
	if _, err := RefundMatch(MatchRecord{MatchStatusReserved, 1, 1}, 10, 0, 0, RefundRequested); !errors.Is(err, ErrZeroAmount) {
		t.Errorf("zero refund: %v", err)
	}
}

func TestMatchTransitions(t *testing.T) {
	t.Parallel()
	ok := [][2]MatchStatus{{MatchStatusPending, MatchStatusReserved}, {MatchStatusReserved, MatchStatusCommitted},
		{MatchStatusPending, MatchStatusReleased}, {MatchStatusReserved, MatchStatusReleased}, {MatchStatusCommitted, MatchStatusReleased}}
	bad := [][2]MatchStatus{{MatchStatusReleased, MatchStatusReserved}, {MatchStatusCommitted, MatchStatusReserved},
		{MatchStatusPending, MatchStatusCommitted}, {MatchStatusReleased, MatchStatusReleased}}
	for _, p := range ok {
		if err := CheckMatchTransition(p[0], p[1]); err != nil {
			t.Errorf("%s → %s: %v", p[0], p[1], err)
		}
	}
	for _, p := range bad {
		if err := CheckMatchTransition(p[0], p[1]); !errors.Is(err, ErrBadTransition) {
			t.Errorf("%s → %s allowed", p[0], p[1])
		}
	}
}

// simMatch is one match in the simulation.
type simMatch struct {
	id, campaign int
	donor        string
	gift         int64
	refunded     int64
	record       MatchRecord
	releases     int
}

// simCampaign is one campaign in the simulation.
type simCampaign struct {
	refunds int // refunds that touched a counted match: each may strand under a fen of rounding
	state   MatchCampaign
	open    bool
	donors  map[string]*simDonor
	matches []*simMatch
}

type simDonor struct{ counted, eligible int64 }

// TestMatchRulesProperties drives random sequences of gifts, refunds and settlements through
// the rules the way the app will, several campaigns sharing one pool, and checks after every
// step: the pool is never over-committed, caps hold, no gift is matched above the rule, the
// preview equals the reservation, and the ledger balances and agrees with the counters.
func TestMatchRulesProperties(t *testing.T) {
	t.Parallel()
	runs := 200
	if testing.Short() {
		runs = 60
	}
	for seed := range uint64(runs) {
		simulateMatching(t, seed)
	}
}

func simulateMatching(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	const fund, poolID = 1, 7
	budget := rng.Int64N(200000)
	rule := Rule{Pool: poolID, Version: 1, Currency: CNY,
		Ratio:               []Ratio{{1, 1}, {1, 2}, {2, 1}, {1, 3}}[rng.IntN(4)],
		UnlockShareBP:       []int64{0, 2000, 5000}[rng.IntN(3)],
		UnlockDonors:        rng.IntN(4),
		DonorCap:            []int64{0, 3000, 20000}[rng.IntN(3)],
		CampaignCap:         []int64{0, 10000, 50000}[rng.IntN(3)],
		MinContribution:     []int64{0, 100, 1000}[rng.IntN(3)],
		CategoryMultipliers: map[string]Ratio{"elderly": {3, 2}, "youth": {0, 1}},
		KindMultipliers:     map[CommunityKind]Ratio{CommunityRural: BasisPoints(12500)},
	}
	available := budget
	balances := Balances{} // kept up to date as the app's SQL sums would be
	post := func(tx Transaction, err error) {
		t.Helper()
		if err == nil {
			err = tx.Validate()
		}
		if err == nil {
			err = balances.Apply(tx)
		}
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	if budget > 0 {
		post(PoolDeposit(1, fund, poolID, ChannelBank, Fen(budget)))
	}
	cats := []string{"elderly", "youth", "other"}
	kinds := []CommunityKind{CommunityRural, CommunityUrban}
	camps := make([]*simCampaign, 3)
	for i := range camps {
		camps[i] = &simCampaign{open: true, donors: map[string]*simDonor{},
			state: MatchCampaign{Goal: 10000 + rng.Int64N(90000), Category: cats[rng.IntN(3)], CommunityKind: kinds[rng.IntN(2)], Excluded: []string{"org:own"}}}
	}
	var all []*simMatch
	contribution := 0
	posting := func(m *simMatch) ContributionPosting {
		return ContributionPosting{ContributionID: int64(m.id), Fund: fund, Campaign: int64(m.campaign + 1), Source: SourceResident, Channel: ChannelStripe, Amount: Fen(m.gift)}
	}
	matchPosting := func(m *simMatch, amount int64) MatchPosting {
		return MatchPosting{MatchID: int64(m.id), Pool: poolID, Campaign: int64(m.campaign + 1), Amount: Fen(amount)}
	}
	reserve := func(amount int64) {
		// The app's "UPDATE pools SET available = available - ? WHERE available >= ?".
		if amount > available {
			t.Fatalf("seed %d: reserving %d with %d available", seed, amount, available)
		}
		available -= amount
	}

	for step := range 120 {
		switch op := rng.IntN(10); {
		case op < 7: // a gift
			ci := rng.IntN(len(camps))
			c := camps[ci]
			if !c.open {
				continue
			}
			donor := fmt.Sprintf("user:%d", rng.IntN(6))
			if rng.IntN(10) == 0 {
				donor = "org:own"
			}
			amount := 1 + rng.Int64N(15000)
			d := c.donors[donor]
			if d == nil {
				d = &simDonor{}
				c.donors[donor] = d
			}
			g := Gift{Donor: donor, Amount: amount, DonorCounted: d.counted,
				FirstFromDonor: d.eligible == 0 && amount >= rule.MinContribution && donor != "org:own"}
			preview, err := rule.Preview(c.state, g, available)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			dec, err := rule.Decide(c.state, g, available)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if preview.Match.Amount > dec.Reserve {
				t.Fatalf("seed %d step %d: preview promises %d, reservation is %d", seed, step, preview.Match.Amount, dec.Reserve)
			}
			if preview.PoolLeft.Amount < 0 {
				t.Fatalf("seed %d: preview shows a negative pool", seed)
			}
			contribution++
			m := &simMatch{id: contribution, campaign: ci, donor: donor, gift: amount, record: MatchRecord{Status: MatchStatusPending, Counted: dec.Counted}}
			post(ContributionSucceeded(posting(m)))
			all = append(all, m)
			if donor == "org:own" && dec.Counted != 0 {
				t.Fatalf("seed %d: excluded donor counted", seed)
			}
			if dec.Eligible {
				d.eligible += amount
			}
			d.counted += dec.Counted
			switch {
			case dec.Unlocks:
				var pending []PendingMatch
				var waiting []*simMatch
				for _, pm := range c.matches {
					if pm.record.Status == MatchStatusPending && pm.record.Counted > 0 {
						pending = append(pending, PendingMatch{ID: int64(pm.id), Counted: pm.record.Counted})
						waiting = append(waiting, pm)
					}
				}
				rs, total, err := rule.ReserveBatch(c.state, pending, PendingMatch{ID: int64(m.id), Counted: dec.Counted}, available)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if total != dec.BatchTotal || rs[len(rs)-1].Amount != dec.Reserve {
					t.Fatalf("seed %d: batch %v (%d) disagrees with Decide (%d, %d)", seed, rs, total, dec.BatchTotal, dec.Reserve)
				}
				reserve(total)
				for i, pm := range append(waiting, m) {
					pm.record.Status, pm.record.Amount = MatchStatusReserved, rs[i].Amount
					if rs[i].Amount > 0 {
						post(MatchReserved(matchPosting(pm, rs[i].Amount)))
					}
				}
			case dec.Pending:
			default:
				reserve(dec.BatchTotal)
				m.record.Status, m.record.Amount = MatchStatusReserved, dec.Reserve
				if dec.Reserve > 0 {
					post(MatchReserved(matchPosting(m, dec.Reserve)))
				}
			}
			if dec.Counted == 0 && !dec.Unlocks {
				m.record.Status = MatchStatusReleased
			}
			c.state = dec.After
			c.matches = append(c.matches, m)
		case op < 9: // a refund of part or all of a gift
			if len(all) == 0 {
				continue
			}
			m := all[rng.IntN(len(all))]
			c := camps[m.campaign]
			left := m.gift - m.refunded
			if left == 0 || !c.open {
				continue
			}
			amount := left
			if rng.IntN(2) == 0 {
				amount = 1 + rng.Int64N(left)
			}
			imp, err := RefundMatch(m.record, m.gift, m.refunded, amount, RefundRequested)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			m.refunded += amount
			post(ContributionRefunded(posting(m), int(m.refunded), Fen(amount)))
			if imp.Release > 0 {
				m.releases++
				mp := matchPosting(m, imp.Release)
				mp.Release = m.releases
				post(MatchReleased(mp, m.record.Status))
				available += imp.Release
				c.state.Matched -= imp.Release
				if !imp.FlagDonor {
					t.Fatalf("seed %d: donor refund after a match not flagged", seed)
				}
			}
			if m.record.Status == MatchStatusPending {
				c.state.PendingCounted -= imp.Uncount
			}
			if imp.Uncount > 0 {
				c.refunds++
			}
			c.state.Counted -= imp.Uncount
			d := c.donors[m.donor]
			d.counted -= imp.Uncount
			if m.gift >= rule.MinContribution && m.donor != "org:own" {
				d.eligible -= amount
				c.state.EligibleRaised -= amount
				if d.eligible == 0 {
					c.state.EligibleDonors--
				}
			}
			m.record = imp.Remaining
		default: // settle a campaign: commit, or fail and give everything back
			c := camps[rng.IntN(len(camps))]
			if !c.open {
				continue
			}
			c.open = false
			fail := rng.IntN(2) == 0
			for _, m := range c.matches {
				switch {
				case m.record.Status == MatchStatusReserved && !fail:
					if m.record.Amount > 0 {
						post(MatchCommitted(matchPosting(m, m.record.Amount)))
					}
					m.record.Status = MatchStatusCommitted
				case m.record.Status == MatchStatusReserved && fail:
					if m.record.Amount > 0 {
						post(MatchReleased(matchPosting(m, m.record.Amount), MatchStatusReserved))
						available += m.record.Amount
						c.state.Matched -= m.record.Amount
					}
					m.record = MatchRecord{Status: MatchStatusReleased}
				case m.record.Status == MatchStatusPending:
					m.record = MatchRecord{Status: MatchStatusReleased}
				}
				if fail && m.gift > m.refunded {
					post(ContributionRefunded(posting(m), int(m.refunded)+1, Fen(m.gift-m.refunded)))
					m.refunded = m.gift
				}
			}
		}
		checkMatchInvariants(t, seed, step, rule, budget, available, camps, balances)
	}
}

func checkMatchInvariants(t *testing.T, seed uint64, step int, rule Rule, budget, available int64, camps []*simCampaign, b Balances) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Fatalf("seed %d step %d: "+format, append([]any{seed, step}, args...)...)
	}
	if available < 0 {
		fail("pool over-committed: available %d", available)
	}
	if err := b.Check(); err != nil {
		fail("%v", err)
	}
	if got := b.Get(PoolAvailableAccount(rule.Pool), CNY); got != available {
		fail("ledger says %d available, counters %d", got, available)
	}
	var committed int64
	for i, c := range camps {
		var sum int64
		for _, m := range c.matches {
			if m.record.Status == MatchStatusReserved || m.record.Status == MatchStatusCommitted {
				sum += m.record.Amount
			}
		}
		if sum != c.state.Matched {
			fail("campaign %d: matches add to %d, state says %d", i, sum, c.state.Matched)
		}
		if rule.CampaignCap > 0 && sum > rule.CampaignCap {
			fail("campaign %d: matched %d above cap %d", i, sum, rule.CampaignCap)
		}
		held := b.Get(PoolReservedAccount(rule.Pool, int64(i+1)), CNY) + b.Get(MatchAccount(int64(i+1), rule.Pool), CNY)
		if held != sum {
			fail("campaign %d: ledger holds %d of match, records %d", i, held, sum)
		}
		committed += sum
		for donor, d := range c.donors {
			if rule.DonorCap > 0 && d.counted > rule.DonorCap {
				fail("campaign %d donor %s: counted %d above cap", i, donor, d.counted)
			}
		}
		// Matches are differences of floor(rate × cumulative counted), so together they never
		// exceed the rule; a refund shrinks its match in proportion, rounding for the pool, which
		// can leave other matches' rounding (under a fen each) uncovered.
		num, den := rule.rate(c.state)
		limit := cumulative(num, den, c.state.Counted-c.state.PendingCounted)
		limit.Add(limit, big.NewInt(int64(c.refunds)))
		if big.NewInt(sum).Cmp(limit) > 0 {
			fail("campaign %d: matched %d above the rule's %v (+%d refunds) for counted %d", i, sum, limit, c.refunds, c.state.Counted)
		}
		for _, m := range c.matches {
			// a < rate·k + 1 for every match: no gift is matched a whole fen above its rule.
			lhs := new(big.Int).Mul(big.NewInt(m.record.Amount), den)
			rhs := new(big.Int).Add(new(big.Int).Mul(num, big.NewInt(m.record.Counted)), den)
			if m.record.Status != MatchStatusReleased && lhs.Cmp(rhs) >= 0 {
				fail("match %d: amount %d for counted %d exceeds the rule by a fen or more", m.id, m.record.Amount, m.record.Counted)
			}
		}
	}
	if available+committed != budget {
		fail("available %d + matched %d != budget %d", available, committed, budget)
	}
}

// BenchmarkDecide is the per-contribution cost of the match rules, which the app runs inside
// the database transaction that records a gift.
func BenchmarkDecide(b *testing.B) {
	r := baseRule()
	r.Ratio, r.DonorCap, r.CampaignCap = Ratio{1, 2}, 20000, 5_000_000
	r.CategoryMultipliers = map[string]Ratio{"elderly": {3, 2}}
	c := MatchCampaign{Goal: 1_000_000, Category: "elderly", Unlocked: true, Counted: 123457, Matched: 92592, Excluded: []string{"org:1", "org:2"}}
	g := Gift{Donor: "user:7", Amount: 5000, DonorCounted: 3000}
	for b.Loop() {
		if _, err := r.Decide(c, g, 1_000_000_00); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLedgerPosting builds and validates the two transactions of a matched gift.
func BenchmarkLedgerPosting(b *testing.B) {
	c := ContributionPosting{ContributionID: 1, Fund: 1, Campaign: 2, Source: SourceResident, Channel: ChannelStripe, Amount: Fen(5000)}
	m := MatchPosting{MatchID: 1, Pool: 3, Campaign: 2, Amount: Fen(2500)}
	for b.Loop() {
		if _, err := ContributionSucceeded(c); err != nil {
			b.Fatal(err)
		}
		if _, err := MatchReserved(m); err != nil {
			b.Fatal(err)
		}
	}
}
