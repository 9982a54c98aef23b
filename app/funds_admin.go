package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/wushe/wushe/funds"
)

// FundInput creates or edits a community fund and its disbursement policy.
type FundInput struct {
	CommunityID       int64  `json:"community_id" form:"community_id" validate:"required"`
	Name              string `json:"name" form:"name" validate:"required,max=100"`
	Description       string `json:"description" form:"description" validate:"max=4000"`
	ApprovalThreshold *int64 `json:"approval_threshold" form:"-"` // fen; default ¥5,000
	HandlerApprovals  int    `json:"handler_approvals" form:"handler_approvals"`
	CommitteeSize     int    `json:"committee_size" form:"committee_size"`
	CommitteeQuorum   int    `json:"committee_quorum" form:"committee_quorum"`
}

// RuleInput is one version of a pool's match rule. Ratio is "1:1", "1:0.5"…; amounts in fen.
type RuleInput struct {
	Ratio               string            `json:"ratio" form:"ratio" validate:"required,max=32"`
	UnlockShareBP       int64             `json:"unlock_share_bp" form:"unlock_share_bp"`
	UnlockDonors        int               `json:"unlock_donors" form:"unlock_donors"`
	DonorCap            int64             `json:"donor_cap" form:"-"`
	CampaignCap         int64             `json:"campaign_cap" form:"-"`
	MinContribution     int64             `json:"min_contribution" form:"-"`
	CategoryMultipliers map[string]string `json:"category_multipliers" form:"-"`
	KindMultipliers     map[string]string `json:"kind_multipliers" form:"-"`
	Note                string            `json:"note" form:"note" validate:"max=500"`
}

// PoolInput creates a pool in a fund; a match pool starts with rule version 1.
type PoolInput struct {
	Name   string     `json:"name" form:"name" validate:"required,max=100"`
	Source string     `json:"source" form:"source" validate:"required,oneof=government foundation"`
	Kind   string     `json:"kind" form:"kind" validate:"omitempty,oneof=match qf"`
	Rule   *RuleInput `json:"rule" form:"-"`
}

// DepositInput records money arriving in a pool.
type DepositInput struct {
	Amount int64  `json:"amount" form:"-"`
	Note   string `json:"note" form:"note" validate:"max=500"`
}

// CampaignInput opens a crowdfunding campaign for an approved project.
type CampaignInput struct {
	FundID    int64     `json:"fund_id" form:"fund_id" validate:"required"`
	ProjectID int64     `json:"project_id" form:"project_id" validate:"required"`
	PoolID    *int64    `json:"pool_id" form:"pool_id"`
	Title     string    `json:"title" form:"title" validate:"max=100"`
	Goal      int64     `json:"goal" form:"-"`
	Deadline  time.Time `json:"deadline" form:"-"`
	Mode      string    `json:"mode" form:"mode" validate:"required,oneof=all_or_nothing keep_what_you_raise"`
	// Excluded lists more organizations (besides the project's own) whose gifts cannot
	// trigger a match, e.g. its merchants.
	ExcludedOrganizationIDs []int64 `json:"excluded_organization_ids" form:"-"`
}

func (a *App) fundTarget(ctx context.Context, f *Fund) (Target, error) {
	return a.communityTarget(ctx, f.CommunityID)
}

func (in FundInput) policy() funds.ApprovalPolicy {
	p := funds.DefaultApprovalPolicy(in.CommitteeSize)
	if in.ApprovalThreshold != nil {
		p.Threshold = *in.ApprovalThreshold
	}
	p.HandlerApprovals, p.CommitteeQuorum = in.HandlerApprovals, in.CommitteeQuorum
	return p
}

// CreateFund opens a community fund (civil-affairs officers and administrators).
func (a *App) CreateFund(ctx context.Context, in FundInput) (*Fund, error) {
	p := PrincipalFrom(ctx)
	if in.HandlerApprovals == 0 {
		in.HandlerApprovals = 2
	}
	if in.CommitteeSize == 0 {
		in.CommitteeSize = 3
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	addFundsErrors(fe, in.policy().Validate())
	if m, ok := fe["threshold"]; ok { // the engine's name; the input's is approval_threshold
		delete(fe, "threshold")
		fe["approval_threshold"] = m
	}
	t, err := a.places().resolve(ctx, fe, placeRefs{Community: optionalID(in.CommunityID)})
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActFundManage, t); err != nil {
		return nil, err
	}
	pol := in.policy()
	now := a.Now()
	f := &Fund{CommunityID: in.CommunityID, Name: in.Name, Description: in.Description, Currency: string(funds.CNY),
		ApprovalThreshold: pol.Threshold, HandlerApprovals: pol.HandlerApprovals, CommitteeSize: pol.CommitteeSize,
		CommitteeQuorum: pol.CommitteeQuorum, CreatedBy: ptr(p.User.ID), CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateFund(ctx, f); err != nil {
			if IsCode(err, ECONFLICT) {
				fe.Add("name", "error.taken")
				return fe.Err()
			}
			return err
		}
		return a.audit(ctx, "fund.created", "fund", f.ID, f.CommunityID, nil)
	})
	return f, err
}

// addFundsErrors copies the funds package's field errors into fe.
func addFundsErrors(fe FieldErrors, err error) {
	if err == nil {
		return
	}
	var ae *Error
	if errors.As(fundsInvalid(err), &ae) && ae.Fields != nil {
		for k, v := range ae.Fields {
			if _, ok := fe[k]; !ok {
				fe[k] = v
			}
		}
		return
	}
	fe.Add("_", "funds.error.rule", "detail", err.Error())
}

// ruleFrom checks a rule input and builds the stored row for the given version.
func ruleFrom(in RuleInput, poolID int64, version int, currency string) (*FundPoolRule, FieldErrors) {
	fe := FieldErrors{}
	NewValidator().Into(fe, in)
	ratio, err := funds.ParseRatio(in.Ratio)
	if err != nil && in.Ratio != "" {
		fe.Add("ratio", "funds.error.ratio")
	}
	row := &FundPoolRule{PoolID: poolID, Version: version, RatioNum: ratio.Num, RatioDen: ratio.Den, UnlockShareBP: in.UnlockShareBP,
		UnlockDonors: in.UnlockDonors, DonorCap: in.DonorCap, CampaignCap: in.CampaignCap, MinContribution: in.MinContribution,
		Note: in.Note, CategoryMultipliers: "{}", KindMultipliers: "{}"}
	if len(in.CategoryMultipliers) > 0 {
		b, _ := json.Marshal(in.CategoryMultipliers)
		row.CategoryMultipliers = string(b)
	}
	if len(in.KindMultipliers) > 0 {
		b, _ := json.Marshal(in.KindMultipliers)
		row.KindMultipliers = string(b)
	}
	if len(fe) == 0 {
		r, err := ruleOf(row, currency)
		if err != nil {
			fe.Add("ratio", "funds.error.ratio")
		} else {
			r.Pool = max(poolID, 1) // the pool may not exist yet
			addFundsErrors(fe, r.Validate())
		}
	}
	return row, fe
}

// CreatePool adds a government or foundation pool to a fund.
func (a *App) CreatePool(ctx context.Context, fundID int64, in PoolInput) (*FundPool, error) {
	p := PrincipalFrom(ctx)
	f, err := a.store.FindFund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	t, err := a.fundTarget(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActFundManage, t); err != nil {
		return nil, err
	}
	if in.Kind == "" {
		in.Kind = PoolKindMatch
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	var row *FundPoolRule
	if in.Kind == PoolKindMatch {
		if in.Rule == nil {
			fe.Add("rule", "error.required")
		} else {
			var rfe FieldErrors
			row, rfe = ruleFrom(*in.Rule, 0, 1, f.Currency)
			for k, v := range rfe {
				fe["rule."+k] = v
			}
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	pool := &FundPool{FundID: f.ID, Name: in.Name, Source: in.Source, Kind: in.Kind, Currency: f.Currency, CreatedBy: ptr(p.User.ID), CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreatePool(ctx, pool); err != nil {
			if IsCode(err, ECONFLICT) {
				fe.Add("name", "error.taken")
				return fe.Err()
			}
			return err
		}
		if row != nil {
			row.PoolID, row.CreatedBy, row.CreatedAt = pool.ID, ptr(p.User.ID), now
			if err := a.store.CreatePoolRule(ctx, row); err != nil {
				return err
			}
			pool.RuleVersion = 1
			if err := a.store.UpdatePool(ctx, pool); err != nil {
				return err
			}
		}
		return a.audit(ctx, "pool.created", "pool", pool.ID, f.CommunityID, map[string]any{"fund_id": f.ID, "source": in.Source})
	})
	return pool, err
}

// ChangePoolRule makes a new version of a pool's rule. Earlier matches keep the version they
// used; gifts from now on use the new one.
func (a *App) ChangePoolRule(ctx context.Context, poolID int64, in RuleInput) (*FundPoolRule, error) {
	p := PrincipalFrom(ctx)
	var row *FundPoolRule
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		pool, f, t, err := a.poolTarget(ctx, poolID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActFundManage, t); err != nil {
			return err
		}
		if pool.Kind != PoolKindMatch {
			return Errorf(ECONFLICT, "funds.error.not_match_pool")
		}
		var fe FieldErrors
		row, fe = ruleFrom(in, pool.ID, pool.RuleVersion+1, pool.Currency)
		if err := fe.Err(); err != nil {
			return err
		}
		row.CreatedBy, row.CreatedAt = ptr(p.User.ID), a.Now()
		if err := a.store.CreatePoolRule(ctx, row); err != nil {
			return err
		}
		pool.RuleVersion, pool.UpdatedAt = row.Version, a.Now()
		if err := a.store.UpdatePool(ctx, pool); err != nil {
			return err
		}
		return a.audit(ctx, "pool.rule_changed", "pool", pool.ID, f.CommunityID, map[string]any{"version": row.Version, "ratio": in.Ratio})
	})
	return row, err
}

func (a *App) poolTarget(ctx context.Context, poolID int64) (*FundPool, *Fund, Target, error) {
	pool, err := a.store.FindPool(ctx, poolID)
	if err != nil {
		return nil, nil, Target{}, err
	}
	f, err := a.store.FindFund(ctx, pool.FundID)
	if err != nil {
		return nil, nil, Target{}, err
	}
	t, err := a.fundTarget(ctx, f)
	return pool, f, t, err
}

// DepositToPool records government or foundation money arriving in a pool (bank transfer).
func (a *App) DepositToPool(ctx context.Context, poolID int64, in DepositInput) (*FundPoolDeposit, error) {
	p := PrincipalFrom(ctx)
	pool, f, t, err := a.poolTarget(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActFundManage, t); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	checkAmountField(fe, "amount", in.Amount)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	d := &FundPoolDeposit{PoolID: pool.ID, Amount: in.Amount, Currency: pool.Currency, Note: in.Note, CreatedBy: ptr(p.User.ID), CreatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		// The pool's totals grow by the deposit: refuse one that would take them past
		// funds.MaxTotal (a CHECK constraint refuses it too, should two deposits race).
		now, err := a.store.FindPool(ctx, pool.ID)
		if err != nil {
			return err
		}
		if storedOutOfRange(now.Budget) || storedOutOfRange(now.Available) {
			return MoneyDataError(fmt.Errorf("pool %d: budget %d, available %d", now.ID, now.Budget, now.Available))
		}
		checkTotalField(fe, "amount", now.Budget, in.Amount)
		if err := fe.Err(); err != nil {
			return err
		}
		if err := a.store.CreatePoolDeposit(ctx, d); err != nil {
			return err
		}
		tx, err := funds.PoolDeposit(d.ID, f.ID, pool.ID, funds.ChannelBank, funds.Money{Amount: in.Amount, Currency: funds.Currency(pool.Currency)})
		if err != nil {
			return fundsInvalid(err)
		}
		tx.Memo = in.Note
		if err := a.postLedger(ctx, f.ID, tx); err != nil {
			return err
		}
		if err := a.store.ReleaseToPool(ctx, pool.ID, in.Amount, in.Amount); err != nil {
			return err
		}
		return a.audit(ctx, "pool.deposit", "pool", pool.ID, f.CommunityID, map[string]any{"amount": in.Amount})
	})
	return d, err
}

// CreateCampaign opens crowdfunding for an approved project of the fund's community.
func (a *App) CreateCampaign(ctx context.Context, in CampaignInput) (*Campaign, error) {
	p := PrincipalFrom(ctx)
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	var f *Fund
	var pr *Project
	var t Target
	var err error
	if in.FundID != 0 {
		if f, err = a.store.FindFund(ctx, in.FundID); IsCode(err, ENOTFOUND) {
			fe.Add("fund_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		} else if t, err = a.fundTarget(ctx, f); err != nil {
			return nil, err
		}
	}
	if in.ProjectID != 0 {
		if pr, err = a.store.FindProject(ctx, in.ProjectID); IsCode(err, ENOTFOUND) {
			fe.Add("project_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		} else if !deliverable(pr.Status) { // approved, or already under way (issue 11)
			fe.Add("project_id", "funds.error.project_not_approved")
		} else if f != nil && pr.CommunityID != f.CommunityID {
			fe.Add("project_id", "funds.error.project_other_community")
		}
	}
	if in.PoolID != nil && f != nil {
		if pool, err := a.store.FindPool(ctx, *in.PoolID); IsCode(err, ENOTFOUND) || (err == nil && pool.FundID != f.ID) {
			fe.Add("pool_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
	}
	fc := funds.Campaign{Goal: funds.Money{Amount: in.Goal, Currency: funds.CNY}, Deadline: in.Deadline, Mode: funds.Mode(in.Mode), Status: funds.CampaignOpen}
	addFundsErrors(fe, fc.Validate(a.Now()))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActCampaignManage, t); err != nil {
		return nil, err
	}
	excluded := []string{}
	if pr.OrganizationID != nil {
		excluded = append(excluded, keyOf("org", *pr.OrganizationID))
	}
	for _, id := range in.ExcludedOrganizationIDs {
		excluded = append(excluded, keyOf("org", id))
	}
	sort.Strings(excluded)
	ex, _ := json.Marshal(excluded)
	if in.Title == "" {
		in.Title = pr.Title
	}
	now := a.Now()
	c := &Campaign{FundID: f.ID, ProjectID: pr.ID, PoolID: in.PoolID, Title: in.Title, Goal: in.Goal, Currency: f.Currency,
		Deadline: in.Deadline.UTC(), Mode: in.Mode, Status: string(funds.CampaignOpen), Excluded: string(ex),
		CreatedBy: ptr(p.User.ID), CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateCampaign(ctx, c); err != nil {
			return err
		}
		if err := a.linked(ctx, pr, "campaign", c.ID); err != nil {
			return err
		}
		return a.audit(ctx, "campaign.opened", "campaign", c.ID, f.CommunityID, map[string]any{"project_id": pr.ID, "goal": in.Goal})
	})
	return c, err
}
