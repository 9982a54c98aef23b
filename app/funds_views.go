package app

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"

	"github.com/wushe/wushe/funds"
)

// FundView is a fund with what the principal may do with it.
type FundView struct {
	*Fund
	CommunityName  string               `json:"community_name"`
	Policy         string               `json:"policy"`
	CanManage      bool                 `json:"can_manage"`
	CanCampaign    bool                 `json:"can_campaign"`
	CanAudit       bool                 `json:"can_audit"`
	CanDisburse    bool                 `json:"can_request_disbursement"`
	CanDecide      bool                 `json:"can_decide"`
	PoolIDs        []int64              `json:"pool_ids"`
	ApprovalPolicy funds.ApprovalPolicy `json:"-"`
}

func (f *Fund) policy() funds.ApprovalPolicy {
	return funds.ApprovalPolicy{Currency: funds.Currency(f.Currency), Threshold: f.ApprovalThreshold, HandlerApprovals: f.HandlerApprovals,
		HandlerRoles: []funds.Role{funds.RoleWorker, funds.RoleTreasurer}, CommitteeSize: f.CommitteeSize, CommitteeQuorum: f.CommitteeQuorum}
}

// Fund returns a fund; funds are public.
func (a *App) Fund(ctx context.Context, id int64) (*FundView, error) {
	f, err := a.store.FindFund(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewFund(ctx, f)
}

func (a *App) viewFund(ctx context.Context, f *Fund) (*FundView, error) {
	t, err := a.fundTarget(ctx, f)
	if err != nil {
		return nil, err
	}
	cm, err := a.store.FindCommunity(ctx, f.CommunityID)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	pools, err := a.store.FindPools(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(pools))
	for i, pl := range pools {
		ids[i] = pl.ID
	}
	return &FundView{Fund: f, CommunityName: cm.Name, PoolIDs: ids, ApprovalPolicy: f.policy(),
		CanManage: Can(p, ActFundManage, t), CanCampaign: Can(p, ActCampaignManage, t), CanAudit: Can(p, ActFundAudit, t),
		CanDisburse: Can(p, ActDisbursementRequest, t), CanDecide: Can(p, ActDisbursementDecide, t)}, nil
}

// Funds lists funds, optionally of one community.
func (a *App) Funds(ctx context.Context, communityID *int64) ([]*FundView, error) {
	fs, err := a.store.FindFunds(ctx, communityID)
	if err != nil {
		return nil, err
	}
	out := make([]*FundView, 0, len(fs))
	for _, f := range fs {
		v, err := a.viewFund(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// RuleView is one rule version as pages and the API show it.
type RuleView struct {
	*FundPoolRule
	Ratio               string            `json:"ratio"`
	CategoryMultipliers map[string]string `json:"category_multipliers"`
	KindMultipliers     map[string]string `json:"kind_multipliers"`
}

// PoolView is a pool with its money: budget deposited, committed to successful campaigns,
// reserved for open ones, and available, all derived from the ledger.
type PoolView struct {
	*FundPool
	FundName  string      `json:"fund_name"`
	Reserved  int64       `json:"reserved"`
	Committed int64       `json:"committed"`
	Released  int64       `json:"-"`
	Rules     []RuleView  `json:"rules"`
	Campaigns []*Campaign `json:"campaigns"`
	CanManage bool        `json:"can_manage"`
	// DataError is set when the pool's stored money is outside the bounds (written before
	// they were enforced) or its ledger sums overflow: the page warns instead of failing.
	DataError bool `json:"data_error"`
}

// Pool returns a pool with its rule history and money; pools are public.
func (a *App) Pool(ctx context.Context, id int64) (*PoolView, error) {
	pool, f, t, err := a.poolTarget(ctx, id)
	if err != nil {
		return nil, err
	}
	rules, err := a.store.FindPoolRules(ctx, pool.ID)
	if err != nil {
		return nil, err
	}
	v := &PoolView{FundPool: pool, FundName: f.Name, CanManage: Can(PrincipalFrom(ctx), ActFundManage, t)}
	for _, r := range rules {
		rv := RuleView{FundPoolRule: r, Ratio: ratioText(r.RatioNum, r.RatioDen)}
		_ = json.Unmarshal([]byte(r.CategoryMultipliers), &rv.CategoryMultipliers)
		_ = json.Unmarshal([]byte(r.KindMultipliers), &rv.KindMultipliers)
		v.Rules = append(v.Rules, rv)
	}
	v.DataError = storedOutOfRange(pool.Budget) || storedOutOfRange(pool.Available)
	bals, err := a.store.LedgerBalances(ctx, f.ID)
	if errors.Is(err, ErrMoneyData) {
		v.DataError, bals = true, nil
	} else if err != nil {
		return nil, err
	}
	var reserved, committed funds.Accumulator
	for _, b := range bals {
		acc, err := funds.ParseAccount(b.Account)
		if err != nil || acc.Pool != pool.ID {
			continue
		}
		switch acc.Kind {
		case funds.AccountPoolReserved:
			reserved.Add(b.Credits - b.Debits)
		case funds.AccountMatch:
			committed.Add(b.Credits - b.Debits)
		}
	}
	var errR, errC error
	v.Reserved, errR = reserved.Value()
	v.Committed, errC = committed.Value()
	if errR != nil || errC != nil || storedOutOfRange(v.Reserved) || storedOutOfRange(v.Committed) {
		v.DataError = true
	}
	cs, _, err := a.store.FindCampaigns(ctx, CampaignFilter{PoolID: &pool.ID, Page: Page{Page: 1, PerPage: 100}})
	if err != nil {
		return nil, err
	}
	v.Campaigns = cs
	return v, nil
}

// CampaignView is a campaign with its progress and what the principal may do.
type CampaignView struct {
	*Campaign
	FundName    string `json:"fund_name"`
	ProjectName string `json:"project_title"`
	PoolName    string `json:"pool_name,omitempty"`
	DaysLeft    int    `json:"days_left"`
	// Percent is raised/goal in whole percent, capped at 100 for the bar.
	Percent    int    `json:"percent"`
	RuleRatio  string `json:"rule_ratio,omitempty"`
	CanManage  bool   `json:"can_manage"`
	CanRecord  bool   `json:"can_record_offline"`
	CanRefund  bool   `json:"can_refund"`
	CanGive    bool   `json:"can_give"`
	CardOnline bool   `json:"card_payments"`
	// DataError is set when the campaign's stored money is outside the bounds.
	DataError bool `json:"data_error"`
}

// Campaign returns a campaign with its progress; campaigns are public.
func (a *App) Campaign(ctx context.Context, id int64) (*CampaignView, error) {
	c, err := a.store.FindCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewCampaign(ctx, c)
}

func (a *App) viewCampaign(ctx context.Context, c *Campaign) (*CampaignView, error) {
	return a.viewCampaignWith(ctx, &campaignLookup{}, c)
}

// campaignLookup remembers funds and pools while a list of campaigns is viewed, so a fund
// page with many campaigns reads each fund and pool once.
type campaignLookup struct {
	funds map[int64]struct {
		t Target
		f *Fund
	}
	pools map[int64]struct{ name, ratio string }
}

func (a *App) viewCampaignWith(ctx context.Context, lk *campaignLookup, c *Campaign) (*CampaignView, error) {
	if lk.funds == nil {
		lk.funds = map[int64]struct {
			t Target
			f *Fund
		}{}
		lk.pools = map[int64]struct{ name, ratio string }{}
	}
	fe, ok := lk.funds[c.FundID]
	if !ok {
		t, f, err := a.campaignTarget(ctx, c)
		if err != nil {
			return nil, err
		}
		fe.t, fe.f = t, f
		lk.funds[c.FundID] = fe
	}
	t, f := fe.t, fe.f
	pr, err := a.store.FindProject(ctx, c.ProjectID)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	fc := funds.Campaign{Deadline: c.Deadline}
	v := &CampaignView{Campaign: c, FundName: f.Name, ProjectName: pr.Title, DaysLeft: fc.DaysLeft(a.Now()),
		CanManage: Can(p, ActCampaignManage, t), CanRecord: Can(p, ActContributionRecord, t), CanRefund: Can(p, ActContributionRefund, t),
		CanGive: c.Status == string(funds.CampaignOpen) && a.Now().Before(c.Deadline), CardOnline: a.payments != nil}
	v.DataError = funds.CheckAmount(c.Goal) != nil || storedOutOfRange(c.Raised) || storedOutOfRange(c.Matched)
	if c.Goal > 0 && c.Raised >= 0 {
		if pct, ok := funds.MulDiv(c.Raised, 100, c.Goal); ok {
			v.Percent = int(min(100, pct))
		} else {
			v.Percent = 100
		}
	}
	if c.PoolID != nil {
		pe, ok := lk.pools[*c.PoolID]
		if !ok {
			pool, err := a.store.FindPool(ctx, *c.PoolID)
			if err != nil {
				return nil, err
			}
			pe.name = pool.Name
			if pool.RuleVersion > 0 {
				if r, err := a.store.FindPoolRule(ctx, pool.ID, pool.RuleVersion); err == nil {
					pe.ratio = ratioText(r.RatioNum, r.RatioDen)
				}
			}
			lk.pools[*c.PoolID] = pe
		}
		v.PoolName, v.RuleRatio = pe.name, pe.ratio
	}
	return v, nil
}

// Campaigns lists campaigns.
func (a *App) Campaigns(ctx context.Context, f CampaignFilter) ([]*CampaignView, int, error) {
	f.Page = f.Page.Normalize()
	cs, total, err := a.store.FindCampaigns(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*CampaignView, 0, len(cs))
	lk := &campaignLookup{}
	for _, c := range cs {
		v, err := a.viewCampaignWith(ctx, lk, c)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, nil
}

// MatchPreview is what the donate form may promise for a gift of amount from the principal
// (or a new donor): exactly what Decide would reserve against the current state, never more.
func (a *App) MatchPreview(ctx context.Context, campaignID, amount int64) (funds.Preview, error) {
	c, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		return funds.Preview{}, err
	}
	if fe := (FieldErrors{}); funds.CheckAmount(amount) != nil {
		checkAmountField(fe, "amount", amount)
		return funds.Preview{}, fe.Err()
	}
	none := funds.Preview{Gift: funds.Money{Amount: amount, Currency: funds.Currency(c.Currency)}, Project: funds.Money{Amount: amount, Currency: funds.Currency(c.Currency)},
		Match: funds.Money{Currency: funds.Currency(c.Currency)}, PoolLeft: funds.Money{Currency: funds.Currency(c.Currency)}}
	if c.Status != string(funds.CampaignOpen) {
		return none, nil
	}
	pool, _, rule, ok, err := a.campaignRule(ctx, c)
	if err != nil || !ok {
		return none, err
	}
	mc, err := a.matchState(ctx, c)
	if err != nil {
		return none, err
	}
	gift := funds.Gift{Donor: "preview:new", Amount: amount, FirstFromDonor: true}
	if p := PrincipalFrom(ctx); p.Authenticated() {
		key, _, _, _, err := a.donorIdentity(ctx, p.User)
		if err != nil {
			return none, err
		}
		cd, err := a.store.FindCampaignDonor(ctx, c.ID, key)
		if err != nil {
			return none, err
		}
		gift.Donor, gift.DonorCounted, gift.FirstFromDonor = key, cd.Counted, cd.Eligible == 0
	}
	pv, err := rule.Preview(mc, gift, pool.Available)
	if err != nil {
		return none, fundsInvalid(err)
	}
	return pv, nil
}

// DonorLine is one gift as the public sees it: anonymous donors stay anonymous.
type DonorLine struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Amount    int64  `json:"amount"`
	Matched   int64  `json:"matched"`
	Channel   string `json:"channel"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
	// Private fields, for workers.
	ReceiptNo   string `json:"receipt_no,omitempty"`
	RecordedBy  int64  `json:"recorded_by,omitempty"`
	CanConfirm  bool   `json:"can_confirm"`
	CanRefund   bool   `json:"can_refund"`
	Anonymous   bool   `json:"anonymous"`
	Unconfirmed bool   `json:"unconfirmed"`
}

// CampaignContributions lists a campaign's gifts: the public sees succeeded gifts with masked
// or anonymous names; workers in scope see all, with receipts.
func (a *App) CampaignContributions(ctx context.Context, campaignID int64, pg Page) ([]DonorLine, int, error) {
	c, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		return nil, 0, err
	}
	t, _, err := a.campaignTarget(ctx, c)
	if err != nil {
		return nil, 0, err
	}
	p := PrincipalFrom(ctx)
	audit := Can(p, ActFundAudit, t)
	f := ContributionFilter{CampaignID: &c.ID, Page: pg.Normalize()}
	if !audit {
		f.Statuses = []string{string(funds.ContributionStatusSucceeded)}
	}
	cs, total, err := a.store.FindContributions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(cs))
	for i, x := range cs {
		ids[i] = x.ID
	}
	matches, err := a.store.FindMatchesByContributions(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]DonorLine, 0, len(cs))
	for _, x := range cs {
		l := DonorLine{ID: x.ID, Amount: x.Amount - x.Refunded, Channel: x.Channel, Status: x.Status, Anonymous: x.Anonymous,
			CreatedAt: x.CreatedAt.Format("2006-01-02")}
		switch {
		case x.Anonymous && !audit:
			l.Name = ""
		case audit:
			l.Name = x.DonorName
		default:
			l.Name = MaskName(x.DonorName)
		}
		if m := matches[x.ID]; m != nil && m.Status != string(funds.MatchStatusReleased) {
			l.Matched = m.Amount
		}
		if audit {
			if x.ReceiptNo != nil {
				l.ReceiptNo = *x.ReceiptNo
			}
			l.RecordedBy = derefID(x.RecordedBy)
			l.Unconfirmed = x.Channel == string(funds.ChannelOffline) && x.Status == string(funds.ContributionStatusPending)
			l.CanConfirm = l.Unconfirmed && Can(p, ActContributionRecord, t) && l.RecordedBy != p.UserID()
			l.CanRefund = x.Status == string(funds.ContributionStatusSucceeded) && Can(p, ActContributionRefund, t)
		}
		out = append(out, l)
	}
	return out, total, nil
}

// ratioText shows a match ratio as people write it: "1:1", "1:0.5", "1:1/3".
func ratioText(num, den int64) string {
	q := funds.Ratio{Num: num, Den: den}
	r := new(big.Rat).SetFrac64(num, den)
	for digits := 0; digits <= 4; digits++ {
		s := r.FloatString(digits)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 {
			return "1:" + s
		}
	}
	return "1:" + q.String()
}
