package app

import (
	"context"
	"strconv"

	"github.com/wushe/wushe/funds"
)

// QFSimInput are a quadratic-funding round's settings for a simulation.
type QFSimInput struct {
	CapPercent      int64  `json:"cap_percent"` // 0: no cap
	MinContributors int    `json:"min_contributors"`
	MinAmount       int64  `json:"min_amount"`
	Mode            string `json:"mode"`
}

// QFLine is one campaign's result in a round.
type QFLine struct {
	CampaignID   int64  `json:"campaign_id"`
	Title        string `json:"title"`
	Contributors int    `json:"contributors"`
	Contributed  int64  `json:"contributed"`
	Match        int64  `json:"match"`
}

// QFSimulation is what a round would pay each campaign if it closed now.
type QFSimulation struct {
	PoolID  int64      `json:"pool_id"`
	Pool    int64      `json:"pool"`
	Params  QFSimInput `json:"params"`
	Lines   []QFLine   `json:"lines"`
	Matched int64      `json:"matched"`
	Left    int64      `json:"left"`
	Lambda  float64    `json:"lambda"`
}

// SimulateQF runs the quadratic-funding engine over a round pool's campaigns and their
// succeeded gifts (net of refunds) with the pool's available money, so everyone can see the
// estimated matches before the round is final. Donors are counted by donor key, so one
// person giving several times is one contributor.
func (a *App) SimulateQF(ctx context.Context, poolID int64, in QFSimInput) (*QFSimulation, error) {
	pool, _, _, err := a.poolTarget(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if pool.Kind != PoolKindQF {
		return nil, Errorf(ECONFLICT, "funds.error.not_qf_pool")
	}
	if in.Mode == "" {
		in.Mode = string(funds.QFStandard)
	}
	if in.MinContributors == 0 {
		in.MinContributors = 2
	}
	if in.MinAmount == 0 {
		in.MinAmount = 1
	}
	p := funds.DefaultQFParams(pool.Available)
	p.MinContributors, p.MinAmount, p.Mode = in.MinContributors, in.MinAmount, funds.QFMode(in.Mode)
	if in.CapPercent != 0 {
		p.CapPercent = funds.Ratio{Num: in.CapPercent, Den: 1}
	}
	if err := p.Validate(); err != nil {
		return nil, fundsInvalid(err)
	}
	camps, _, err := a.store.FindCampaigns(ctx, CampaignFilter{PoolID: &pool.ID, Statuses: []string{"open", "succeeded"}, Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, err
	}
	titles := map[string]*Campaign{}
	var rows []funds.QFRow
	for _, c := range camps {
		key := strconv.FormatInt(c.ID, 10)
		titles[key] = c
		for pg := 1; ; pg++ {
			cs, _, err := a.store.FindContributions(ctx, ContributionFilter{CampaignID: &c.ID, Statuses: []string{"succeeded"}, Page: Page{Page: pg, PerPage: MaxPerPage}})
			if err != nil {
				return nil, err
			}
			for _, x := range cs {
				if net := x.Amount - x.Refunded; net > 0 {
					rows = append(rows, funds.QFRow{Contributor: x.DonorKey, Project: key, Amount: net})
				}
			}
			if len(cs) < MaxPerPage {
				break
			}
		}
	}
	res, err := funds.QuadraticFunding(rows, p)
	if err != nil {
		return nil, fundsInvalid(err)
	}
	out := &QFSimulation{PoolID: pool.ID, Pool: pool.Available, Params: in, Matched: res.Matched, Left: res.Left, Lambda: res.Lambda}
	for _, pr := range res.Projects {
		c := titles[pr.Project]
		out.Lines = append(out.Lines, QFLine{CampaignID: c.ID, Title: c.Title, Contributors: pr.Contributors, Contributed: pr.Contributed, Match: pr.Match})
	}
	return out, nil
}
