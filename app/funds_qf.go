package app

import (
	"context"
	"encoding/json"
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
	return a.simulateQF(ctx, pool, in, funds.CampaignOpen, funds.CampaignSucceeded)
}

func (a *App) simulateQF(ctx context.Context, pool *FundPool, in QFSimInput, statuses ...funds.CampaignStatus) (*QFSimulation, error) {
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
	camps, _, err := a.store.FindCampaigns(ctx, CampaignFilter{PoolID: &pool.ID, Statuses: storedStatuses(statuses...), Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, err
	}
	titles := map[string]*Campaign{}
	var rows []funds.QFRow
	for _, c := range camps {
		key := strconv.FormatInt(c.ID, 10)
		titles[key] = c
		for pg := 1; ; pg++ {
			cs, _, err := a.store.FindContributions(ctx, ContributionFilter{CampaignID: &c.ID, Statuses: storedStatuses(funds.ContributionStatusSucceeded), Page: Page{Page: pg, PerPage: MaxPerPage}})
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

// QFRound is a round pool's state: its simulation while open, its awards once final.
type QFRound struct {
	Awards []*QFAward `json:"awards"`
	Final  bool       `json:"final"`
	// OpenCampaigns counts campaigns still raising; the round can be finalized at zero.
	OpenCampaigns int `json:"open_campaigns"`
}

// QFRoundState returns a round pool's awards and whether it can be finalized.
func (a *App) QFRoundState(ctx context.Context, poolID int64) (*QFRound, error) {
	pool, err := a.store.FindPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	awards, err := a.store.FindQFAwards(ctx, poolID)
	if err != nil {
		return nil, err
	}
	_, open, err := a.store.FindCampaigns(ctx, CampaignFilter{PoolID: &pool.ID, Statuses: storedStatuses(funds.CampaignOpen), Page: Page{Page: 1, PerPage: 1}})
	if err != nil {
		return nil, err
	}
	return &QFRound{Awards: awards, Final: pool.FinalizedAt != nil, OpenCampaigns: open}, nil
}

// FinalizeQF closes a quadratic-funding round once every campaign in it has closed: the
// engine runs over the succeeded campaigns' gifts with the pool's available money, and each
// award moves from the pool to the campaign's match account in the ledger. A round is final
// once; what the formula leaves stays in the pool.
func (a *App) FinalizeQF(ctx context.Context, poolID int64, in QFSimInput) (*QFRound, error) {
	p := PrincipalFrom(ctx)
	pool, f, t, err := a.poolTarget(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActFundManage, t); err != nil {
		return nil, err
	}
	if pool.Kind != PoolKindQF {
		return nil, Errorf(ECONFLICT, "funds.error.not_qf_pool")
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		now := a.Now()
		ok, err := a.store.FinalizePool(ctx, pool.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ECONFLICT, "funds.error.round_final")
		}
		if _, open, err := a.store.FindCampaigns(ctx, CampaignFilter{PoolID: &pool.ID, Statuses: storedStatuses(funds.CampaignOpen), Page: Page{Page: 1, PerPage: 1}}); err != nil {
			return err
		} else if open > 0 {
			return Errorf(ECONFLICT, "funds.error.round_open", "open", open)
		}
		fresh, err := a.store.FindPool(ctx, pool.ID)
		if err != nil {
			return err
		}
		sim, err := a.simulateQF(ctx, fresh, in, funds.CampaignSucceeded)
		if err != nil {
			return err
		}
		params, _ := json.Marshal(sim.Params)
		for _, l := range sim.Lines {
			aw := &QFAward{PoolID: pool.ID, CampaignID: l.CampaignID, Contributors: l.Contributors, Contributed: l.Contributed,
				Amount: l.Match, Params: string(params), CreatedBy: ptr(p.User.ID), CreatedAt: now}
			if err := a.store.CreateQFAward(ctx, aw); err != nil {
				return err
			}
			if aw.Amount == 0 {
				continue
			}
			mp := funds.MatchPosting{MatchID: aw.ID, Pool: pool.ID, Campaign: l.CampaignID, Amount: funds.Money{Amount: aw.Amount, Currency: funds.Currency(pool.Currency)}}
			for _, build := range []func(funds.MatchPosting) (funds.Transaction, error){funds.MatchReserved, funds.MatchCommitted} {
				tx, err := build(mp)
				if err != nil {
					return err
				}
				tx.Ref = keyOf("qf_award", aw.ID) // awards have their own ids, apart from gift matches
				tx.Memo = "quadratic funding round"
				if err := a.postLedger(ctx, f.ID, tx); err != nil {
					return err
				}
			}
		}
		if sim.Matched > 0 {
			ok, err := a.store.ReservePool(ctx, pool.ID, sim.Matched)
			if err != nil {
				return err
			}
			if !ok {
				return Errorf(ECONFLICT, "funds.error.pool_busy")
			}
		}
		return a.audit(ctx, "pool.qf_finalized", "pool", pool.ID, f.CommunityID, map[string]any{"matched": sim.Matched, "left": sim.Left})
	})
	if err != nil {
		return nil, err
	}
	return a.QFRoundState(ctx, poolID)
}
