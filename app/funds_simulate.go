package app

import (
	"context"
	"fmt"
	"sort"

	"github.com/wushe/wushe/funds"
)

// RuleSimLine is one campaign's match now and under a candidate rule.
type RuleSimLine struct {
	CampaignID int64  `json:"campaign_id"`
	Title      string `json:"title"`
	Raised     int64  `json:"raised"`
	Matched    int64  `json:"matched"`
	Simulated  int64  `json:"simulated"`
	Unlocked   bool   `json:"unlocked"`
}

// RuleSimulation replays a pool's campaigns' gifts under a candidate rule.
type RuleSimulation struct {
	PoolID    int64         `json:"pool_id"`
	Budget    int64         `json:"budget"`
	Rule      RuleView      `json:"rule"`
	Lines     []RuleSimLine `json:"lines"`
	Matched   int64         `json:"matched"`
	Simulated int64         `json:"simulated"`
}

// SimulateRule replays every succeeded gift (net of refunds) to the pool's open and
// succeeded campaigns, in the order they succeeded, under the candidate rule and the pool's
// whole budget, so an officer can see what a new rule version would have matched before
// making it. Nothing is written.
func (a *App) SimulateRule(ctx context.Context, poolID int64, in RuleInput) (*RuleSimulation, error) {
	pool, _, _, err := a.poolTarget(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if pool.Kind != PoolKindMatch {
		return nil, Errorf(ECONFLICT, "funds.error.not_match_pool")
	}
	row, fe := ruleFrom(in, pool.ID, pool.RuleVersion+1, pool.Currency)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	rule, err := ruleOf(row, pool.Currency)
	if err != nil {
		return nil, err
	}
	camps, _, err := a.store.FindCampaigns(ctx, CampaignFilter{PoolID: &pool.ID, Statuses: storedStatuses(funds.CampaignOpen, funds.CampaignSucceeded), Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, err
	}
	type state struct {
		mc      funds.MatchCampaign
		donors  map[string]*CampaignDonor
		pending []funds.PendingMatch
		line    *RuleSimLine
	}
	states := map[int64]*state{}
	var gifts []*Contribution
	out := &RuleSimulation{PoolID: pool.ID, Budget: pool.Budget,
		Rule: RuleView{FundPoolRule: row, Ratio: ratioText(row.RatioNum, row.RatioDen), CategoryMultipliers: in.CategoryMultipliers, KindMultipliers: in.KindMultipliers}}
	for _, c := range camps {
		base, err := a.matchState(ctx, &Campaign{ID: c.ID, ProjectID: c.ProjectID, Goal: c.Goal, Excluded: c.Excluded})
		if err != nil {
			return nil, err
		}
		out.Lines = append(out.Lines, RuleSimLine{CampaignID: c.ID, Title: c.Title, Raised: c.Raised, Matched: c.Matched})
		states[c.ID] = &state{mc: base, donors: map[string]*CampaignDonor{}}
		out.Matched += c.Matched
		for pg := 1; ; pg++ {
			cs, _, err := a.store.FindContributions(ctx, ContributionFilter{CampaignID: &c.ID, Statuses: storedStatuses(funds.ContributionStatusSucceeded), Page: Page{Page: pg, PerPage: MaxPerPage}})
			if err != nil {
				return nil, err
			}
			gifts = append(gifts, cs...)
			if len(cs) < MaxPerPage {
				break
			}
		}
	}
	for i := range out.Lines {
		states[out.Lines[i].CampaignID].line = &out.Lines[i]
	}
	sort.Slice(gifts, func(i, j int) bool {
		ti, tj := gifts[i].SucceededAt, gifts[j].SucceededAt
		if ti != nil && tj != nil && !ti.Equal(*tj) {
			return ti.Before(*tj)
		}
		return gifts[i].ID < gifts[j].ID
	})
	available := pool.Budget
	if storedOutOfRange(available) {
		return nil, MoneyDataError(fmt.Errorf("pool %d budget %d", pool.ID, available))
	}
	for _, g := range gifts {
		net := g.Amount - g.Refunded
		if net <= 0 {
			continue
		}
		if funds.CheckAmount(net) != nil { // a gift stored before the bounds: its sums would overflow
			return nil, MoneyDataError(fmt.Errorf("contribution %d amount %d", g.ID, net))
		}
		st := states[g.CampaignID]
		cd := st.donors[g.DonorKey]
		if cd == nil {
			cd = &CampaignDonor{}
			st.donors[g.DonorKey] = cd
		}
		d, err := rule.Decide(st.mc, funds.Gift{Donor: g.DonorKey, Amount: net, DonorCounted: cd.Counted, FirstFromDonor: cd.Eligible == 0}, available)
		if err != nil {
			return nil, fundsInvalid(err)
		}
		if d.Unlocks {
			if _, _, err := rule.ReserveBatch(st.mc, st.pending, funds.PendingMatch{ID: g.ID, Counted: d.Counted}, available); err != nil {
				return nil, err
			}
			st.pending = nil
		} else if d.Pending {
			st.pending = append(st.pending, funds.PendingMatch{ID: g.ID, Counted: d.Counted})
		}
		if d.Eligible {
			cd.Eligible += net
			cd.Counted += d.Counted
		}
		available -= d.BatchTotal
		st.mc = d.After
		st.line.Simulated += d.BatchTotal
		st.line.Unlocked = d.After.Unlocked
		out.Simulated += d.BatchTotal
	}
	return out, nil
}
