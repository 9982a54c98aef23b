package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"

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

// SourceTotal is the public ledger's per-source line: money received from a source, what of
// it campaigns and pools still hold, and what was paid out.
type SourceTotal struct {
	Source   string `json:"source"`
	Received int64  `json:"received"`
	Held     int64  `json:"held"`
	Paid     int64  `json:"paid"`
}

// LedgerSummary is a fund's derived balances and per-source totals.
type LedgerSummary struct {
	Balances []AccountBalance `json:"balances"`
	Sources  []SourceTotal    `json:"sources"`
	Cash     int64            `json:"cash"`
	Balanced bool             `json:"balanced"`
	// DataError is set when stored amounts are outside the bounds or sums overflow; the totals
	// shown are then incomplete and `wushe funds check` names the transactions.
	DataError bool `json:"data_error"`
}

// Ledger returns a page of a fund's public ledger; the ledger is open to everyone.
func (a *App) Ledger(ctx context.Context, fundID int64, pg Page) ([]*LedgerTransaction, int, error) {
	if _, err := a.store.FindFund(ctx, fundID); err != nil {
		return nil, 0, err
	}
	return a.store.FindLedger(ctx, LedgerFilter{FundID: fundID, Page: pg.Normalize()})
}

// LedgerAll returns a fund's whole ledger, oldest first, for exports.
func (a *App) LedgerAll(ctx context.Context, fundID int64) ([]*LedgerTransaction, error) {
	if _, err := a.store.FindFund(ctx, fundID); err != nil {
		return nil, err
	}
	txs, _, err := a.store.FindLedger(ctx, LedgerFilter{FundID: fundID})
	return txs, err
}

// FundLedgerSummary derives balances and per-source totals from the entries.
func (a *App) FundLedgerSummary(ctx context.Context, fundID int64) (*LedgerSummary, error) {
	f, err := a.store.FindFund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	pools, err := a.store.FindPools(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	poolSource := map[int64]string{}
	for _, p := range pools {
		poolSource[p.ID] = p.Source
	}
	txs, _, err := a.store.FindLedger(ctx, LedgerFilter{FundID: fundID})
	if err != nil {
		return nil, err
	}
	sum := &LedgerSummary{Balanced: true}
	bySource := map[string]*SourceTotal{}
	get := func(s string) *SourceTotal {
		if bySource[s] == nil {
			bySource[s] = &SourceTotal{Source: s}
		}
		return bySource[s]
	}
	// Stored entries may predate the bounds: every total is added with a check, and one that
	// does not fit marks the summary instead of wrapping around.
	add := func(dst *int64, v int64) {
		s, ok := funds.Sum(*dst, v)
		if !ok {
			sum.DataError = true
			return
		}
		*dst = s
	}
	var ft []funds.Transaction
	for _, t := range txs {
		tx := funds.Transaction{Kind: funds.TxKind(t.Kind), Ref: t.Ref}
		for _, e := range t.Entries {
			acc, err := funds.ParseAccount(e.Account)
			if err != nil {
				return nil, err
			}
			tx.Entries = append(tx.Entries, funds.Entry{Account: acc, Side: funds.Side(e.Side), Amount: funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}})
			src := e.Source
			if acc.Kind != funds.AccountDonations && acc.Kind != funds.AccountCash {
				src = poolSource[acc.Pool]
			}
			switch {
			case t.Kind == string(funds.TxContributionSucceeded) && acc.Kind == funds.AccountDonations,
				t.Kind == string(funds.TxPoolDeposit) && acc.Kind == funds.AccountPoolAvailable:
				add(&get(src).Received, e.Amount)
			case t.Kind == string(funds.TxContributionRefunded) && acc.Kind == funds.AccountDonations:
				add(&get(src).Received, -e.Amount)
			case t.Kind == string(funds.TxDisbursementPaid) && acc.Kind != funds.AccountCash:
				add(&get(src).Paid, e.Amount)
			}
			if storedOutOfRange(e.Amount) || e.Amount == 0 {
				sum.DataError = true
			}
		}
		ft = append(ft, tx)
	}
	bal, err := funds.ComputeBalances(ft)
	if err != nil || bal.Check() != nil {
		sum.Balanced = false
	}
	if errors.Is(err, funds.ErrAmountOverflow) {
		sum.DataError = true
	}
	if bal != nil {
		held, herr := bal.HeldBySource(funds.Currency(f.Currency), func(pool int64) funds.SourceKind { return funds.SourceKind(poolSource[pool]) })
		if herr != nil {
			sum.DataError = true
		}
		for k, v := range held {
			add(&get(string(k)).Held, v)
		}
		for k, v := range bal {
			if k.Account.Kind == funds.AccountCash {
				add(&sum.Cash, v)
			}
		}
	}
	if sum.Balances, err = a.store.LedgerBalances(ctx, fundID); errors.Is(err, ErrMoneyData) {
		sum.DataError, sum.Balanced, sum.Balances = true, false, []AccountBalance{}
	} else if err != nil {
		return nil, err
	}
	if sum.DataError {
		sum.Balanced = false
	}
	for _, s := range bySource {
		sum.Sources = append(sum.Sources, *s)
	}
	sort.Slice(sum.Sources, func(i, j int) bool { return sum.Sources[i].Source < sum.Sources[j].Source })
	return sum, nil
}

// DonorFlags lists a fund's flagged donors (套捐) for workers.
func (a *App) DonorFlags(ctx context.Context, fundID int64) ([]*DonorFlag, error) {
	f, err := a.store.FindFund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	t, err := a.fundTarget(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActFundAudit, t); err != nil {
		return nil, err
	}
	return a.store.FindDonorFlags(ctx, fundID)
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

// LedgerProblem is one inconsistency found by CheckLedgers.
type LedgerProblem struct {
	FundID  int64  `json:"fund_id"`
	Problem string `json:"problem"`
}

// CheckLedgers verifies every fund: the entries balance and no account is overdrawn (the
// engine's ComputeBalances and Check), SQL sums agree with the engine, and each pool's cached
// available money equals its ledger account. It returns the problems found; none is healthy.
func (a *App) CheckLedgers(ctx context.Context) ([]LedgerProblem, error) {
	fs, err := a.store.FindFunds(ctx, nil)
	if err != nil {
		return nil, err
	}
	var out []LedgerProblem
	for _, f := range fs {
		bad := func(format string, args ...any) {
			out = append(out, LedgerProblem{FundID: f.ID, Problem: fmt.Sprintf(format, args...)})
		}
		txs, _, err := a.store.FindLedger(ctx, LedgerFilter{FundID: f.ID})
		if err != nil {
			return nil, err
		}
		// Each stored transaction is checked on its own and named by its id and key, so an
		// operator can find the one that breaks a fund (e.g. an amount written before the
		// bounds of migration 00008); the balances are built from the valid ones.
		bal := funds.Balances{}
		broken := false
		for _, t := range txs {
			tx := funds.Transaction{Kind: funds.TxKind(t.Kind), Ref: t.Ref}
			for _, e := range t.Entries {
				acc, err := funds.ParseAccount(e.Account)
				if err != nil {
					bad("transaction %d (%s): %v", t.ID, t.TxKey, err)
					continue
				}
				tx.Entries = append(tx.Entries, funds.Entry{Account: acc, Side: funds.Side(e.Side), Amount: funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}})
			}
			if tx.Key() != t.TxKey {
				bad("transaction %d: key %q does not match %q", t.ID, t.TxKey, tx.Key())
			}
			if err := tx.Validate(); err != nil {
				bad("transaction %d (%s): %v", t.ID, t.TxKey, err)
				broken = true
				continue
			}
			if err := bal.Apply(tx); err != nil {
				bad("transaction %d (%s): %v", t.ID, t.TxKey, err)
				broken = true
			}
		}
		if err := bal.Check(); err != nil && !broken {
			bad("%v", err)
		}
		for _, p := range pools(ctx, a, f.ID, bad) {
			if storedOutOfRange(p.Budget) || storedOutOfRange(p.Available) {
				bad("pool %d: budget %d or available %d outside 0 … %d", p.ID, p.Budget, p.Available, funds.MaxTotal)
				broken = true
			}
		}
		if broken {
			continue // the comparisons below would only repeat the same problem
		}
		sums, err := a.store.LedgerBalances(ctx, f.ID)
		if errors.Is(err, ErrMoneyData) {
			bad("ledger sums: %v", err)
			continue
		} else if err != nil {
			return nil, err
		}
		for _, b := range sums {
			acc, err := funds.ParseAccount(b.Account)
			if err != nil {
				continue
			}
			want := b.Credits - b.Debits
			if acc.DebitNormal() {
				want = -want
			}
			if got := bal.Get(acc, funds.Currency(b.Currency)); got != want {
				bad("account %s: SQL %d, engine %d", b.Account, want, got)
			}
		}
		for _, p := range pools(ctx, a, f.ID, bad) {
			if got := bal.Get(funds.PoolAvailableAccount(p.ID), funds.Currency(p.Currency)); got != p.Available {
				bad("pool %d: available %d, ledger %d", p.ID, p.Available, got)
			}
		}
	}
	return out, nil
}

// pools lists a fund's pools for CheckLedgers, reporting a failure to read them as a problem.
func pools(ctx context.Context, a *App, fundID int64, bad func(string, ...any)) []*FundPool {
	ps, err := a.store.FindPools(ctx, fundID)
	if err != nil {
		bad("pools: %v", err)
	}
	return ps
}
