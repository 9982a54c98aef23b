package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/wushe/wushe/funds"
)

// DisbursementInput asks to pay a payee organization from a campaign's money.
type DisbursementInput struct {
	CampaignID          int64  `json:"campaign_id" form:"campaign_id" validate:"required"`
	PayeeOrganizationID int64  `json:"payee_organization_id" form:"payee_organization_id" validate:"required"`
	Amount              int64  `json:"amount" form:"-"`
	Purpose             string `json:"purpose" form:"purpose" validate:"required,max=2000"`
}

// VoteInput approves or rejects a disbursement; a rejection must say why.
type VoteInput struct {
	Approve bool   `json:"approve" form:"approve"`
	Reason  string `json:"reason" form:"reason" validate:"max=2000"`
}

// EvidenceInput is a receipt or photo attached to a disbursement.
type EvidenceInput struct {
	FileName string
	Data     []byte
}

// MaxEvidenceBytes bounds one evidence file.
const MaxEvidenceBytes = 5 << 20

var evidenceTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}

// DisbursementView is a disbursement with its votes, evidence, verdict and what the
// principal may do.
type DisbursementView struct {
	*Disbursement
	PayeeName     string                  `json:"payee_name"`
	CampaignTitle string                  `json:"campaign_title"`
	Votes         []*DisbursementVote     `json:"votes"`
	Evidence      []*DisbursementEvidence `json:"evidence"`
	Verdict       funds.Verdict           `json:"verdict"`
	CanVote       bool                    `json:"can_vote"`
	CanPay        bool                    `json:"can_pay"`
	CanEvidence   bool                    `json:"can_add_evidence"`
	CanSeeFiles   bool                    `json:"can_see_files"`
}

func disbursementRequest(d *Disbursement, evidence int) funds.DisbursementRequest {
	return funds.DisbursementRequest{Amount: funds.Money{Amount: d.Amount, Currency: funds.Currency(d.Currency)},
		RequestedBy: keyOf("user", d.RequestedBy), Evidence: evidence}
}

func votesOf(vs []*DisbursementVote) ([]funds.Vote, error) {
	out := make([]funds.Vote, len(vs))
	for i, v := range vs {
		var roles []funds.Role
		if err := json.Unmarshal([]byte(v.Roles), &roles); err != nil {
			return nil, err
		}
		out[i] = funds.Vote{Approver: keyOf("user", v.ApproverID), Roles: roles, Approve: v.Approve, Reason: v.Reason}
	}
	return out, nil
}

// campaignHoldings is what a campaign's accounts hold now, by account, from the ledger.
func (a *App) campaignHoldings(ctx context.Context, fundID, campaignID int64) ([]funds.Holding, int64, error) {
	bals, err := a.store.LedgerBalances(ctx, fundID)
	if err != nil {
		return nil, 0, err
	}
	var hs []funds.Holding
	var total int64
	for _, b := range bals {
		acc, err := funds.ParseAccount(b.Account)
		if err != nil || acc.Campaign != campaignID || (acc.Kind != funds.AccountDonations && acc.Kind != funds.AccountMatch) {
			continue
		}
		if v := b.Credits - b.Debits; v > 0 {
			hs = append(hs, funds.Holding{Account: acc, Amount: v})
			var ok bool
			if total, ok = funds.Sum(total, v); !ok {
				return nil, 0, MoneyDataError(fmt.Errorf("campaign %d holdings overflow", campaignID))
			}
		}
	}
	return hs, total, nil
}

// RequestDisbursement asks to pay a payee from a campaign that has succeeded (its matches are
// committed) or keeps what it raises. Community workers or the payee's members may ask.
func (a *App) RequestDisbursement(ctx context.Context, fundID int64, in DisbursementInput) (*Disbursement, error) {
	p := PrincipalFrom(ctx)
	f, err := a.store.FindFund(ctx, fundID)
	if err != nil {
		return nil, err
	}
	t, err := a.fundTarget(ctx, f)
	if err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	checkAmountField(fe, "amount", in.Amount)
	var camp *Campaign
	if in.CampaignID != 0 {
		if camp, err = a.store.FindCampaign(ctx, in.CampaignID); IsCode(err, ENOTFOUND) || (err == nil && camp.FundID != f.ID) {
			fe.Add("campaign_id", "error.unknown_ref")
			camp = nil
		} else if err != nil {
			return nil, err
		} else if camp.Status != string(funds.CampaignSucceeded) {
			fe.Add("campaign_id", "funds.error.campaign_not_succeeded")
		}
	}
	if in.PayeeOrganizationID != 0 {
		if _, err := a.store.FindOrganization(ctx, in.PayeeOrganizationID); IsCode(err, ENOTFOUND) {
			fe.Add("payee_organization_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
		t.OrganizationID = in.PayeeOrganizationID
	}
	if err := Authorize(p, ActDisbursementRequest, t); err != nil {
		return nil, err
	}
	if camp != nil && funds.CheckAmount(in.Amount) == nil {
		if _, held, err := a.campaignHoldings(ctx, f.ID, camp.ID); err != nil {
			return nil, err
		} else if in.Amount > held {
			fe.Add("amount", "funds.error.more_than_held", "held", funds.Money{Amount: held, Currency: funds.Currency(f.Currency)}.String())
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	d := &Disbursement{FundID: f.ID, CampaignID: camp.ID, PayeeOrganizationID: in.PayeeOrganizationID, Amount: in.Amount, Currency: f.Currency,
		Purpose: in.Purpose, Status: string(funds.DisbursementStatusRequested), RequestedBy: p.User.ID, CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateDisbursement(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, "disbursement.requested", "disbursement", d.ID, f.CommunityID, map[string]any{"amount": d.Amount, "payee": d.PayeeOrganizationID})
	})
	return d, err
}

func (a *App) disbursementTarget(ctx context.Context, d *Disbursement) (Target, *Fund, error) {
	f, err := a.store.FindFund(ctx, d.FundID)
	if err != nil {
		return Target{}, nil, err
	}
	t, err := a.fundTarget(ctx, f)
	t.OrganizationID = d.PayeeOrganizationID
	t.OwnerID = d.RequestedBy
	return t, f, err
}

// Disbursement returns a disbursement with its verdict; spending is public, evidence files
// are for the people deciding and the requester.
func (a *App) Disbursement(ctx context.Context, id int64) (*DisbursementView, error) {
	d, err := a.store.FindDisbursement(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewDisbursement(ctx, d)
}

func (a *App) viewDisbursement(ctx context.Context, d *Disbursement) (*DisbursementView, error) {
	t, f, err := a.disbursementTarget(ctx, d)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	votes, err := a.store.FindDisbursementVotes(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	ev, err := a.store.FindDisbursementEvidence(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	fv, err := votesOf(votes)
	if err != nil {
		return nil, err
	}
	pol := f.policy()
	verdict, err := pol.Decide(disbursementRequest(d, len(ev)), fv)
	if err != nil {
		return nil, err
	}
	v := &DisbursementView{Disbursement: d, Votes: votes, Evidence: ev, Verdict: verdict}
	if o, err := a.store.FindOrganization(ctx, d.PayeeOrganizationID); err == nil {
		v.PayeeName = o.Name
	}
	if c, err := a.store.FindCampaign(ctx, d.CampaignID); err == nil {
		v.CampaignTitle = c.Title
	}
	if p.Authenticated() {
		open := d.Status == string(funds.DisbursementStatusRequested)
		v.CanVote = open && Can(p, ActDisbursementDecide, t) && d.RequestedBy != p.User.ID &&
			pol.CheckVote(disbursementRequest(d, len(ev)), fv, funds.Vote{Approver: keyOf("user", p.User.ID), Roles: memberRoles(p, t), Approve: true}) == nil
		v.CanPay = d.Status == string(funds.DisbursementStatusApproved) && len(ev) > 0 && Can(p, ActDisbursementPay, t)
		v.CanEvidence = d.Status != string(funds.DisbursementStatusRejected) && d.Status != string(funds.DisbursementStatusPaid) &&
			Can(p, ActDisbursementProve, t)
		v.CanSeeFiles = Can(p, ActDisbursementFiles, t)
	}
	return v, nil
}

// Disbursements lists a fund's disbursements; spending is public.
func (a *App) Disbursements(ctx context.Context, fundID int64, statuses []string) ([]*DisbursementView, error) {
	if _, err := a.store.FindFund(ctx, fundID); err != nil {
		return nil, err
	}
	ds, err := a.store.FindDisbursements(ctx, fundID, statuses)
	if err != nil {
		return nil, err
	}
	out := make([]*DisbursementView, 0, len(ds))
	for _, d := range ds {
		v, err := a.viewDisbursement(ctx, d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// VoteDisbursement records one approver's decision under the fund's policy: handlers up to
// the threshold, the committee above it; nobody approves their own request; one vote each.
func (a *App) VoteDisbursement(ctx context.Context, id int64, in VoteInput) (*DisbursementView, error) {
	p := PrincipalFrom(ctx)
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		d, err := a.store.LockDisbursement(ctx, id)
		if err != nil {
			return err
		}
		t, f, err := a.disbursementTarget(ctx, d)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActDisbursementDecide, t); err != nil {
			return err
		}
		// The vote is checked after the permission, so someone without it learns nothing.
		fe := FieldErrors{}
		a.validate.Into(fe, in)
		if !in.Approve && in.Reason == "" {
			fe.Add("reason", "error.reason_required")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		votes, err := a.store.FindDisbursementVotes(ctx, d.ID)
		if err != nil {
			return err
		}
		ev, err := a.store.FindDisbursementEvidence(ctx, d.ID)
		if err != nil {
			return err
		}
		fv, err := votesOf(votes)
		if err != nil {
			return err
		}
		pol := f.policy()
		req := disbursementRequest(d, len(ev))
		vote := funds.Vote{Approver: keyOf("user", p.User.ID), Roles: memberRoles(p, t), Approve: in.Approve, Reason: in.Reason}
		if err := pol.CheckVote(req, fv, vote); err != nil {
			switch {
			case errors.Is(err, funds.ErrSelfApproval):
				return &Error{Code: EFORBIDDEN, Message: Msg("error.own_request"), Err: err}
			case errors.Is(err, funds.ErrNotAuthorized):
				return &Error{Code: EFORBIDDEN, Message: Msg("funds.error.not_approver"), Err: err}
			case errors.Is(err, funds.ErrDuplicateVote):
				return &Error{Code: ECONFLICT, Message: Msg("funds.error.voted"), Err: err}
			case errors.Is(err, funds.ErrAlreadyDecided):
				return &Error{Code: ECONFLICT, Message: Msg("error.bad_transition", "from", d.Status, "action", "vote"), Err: err}
			}
			return fundsInvalid(err)
		}
		roles, _ := json.Marshal(vote.Roles)
		now := a.Now()
		if err := a.store.CreateDisbursementVote(ctx, &DisbursementVote{DisbursementID: d.ID, ApproverID: p.User.ID, Roles: string(roles),
			Approve: in.Approve, Reason: in.Reason, CreatedAt: now}); err != nil {
			return err
		}
		verdict, err := pol.Decide(req, append(fv, vote))
		if err != nil {
			return err
		}
		action := "disbursement.voted"
		if verdict.State != funds.ApprovalPending {
			d.Status, d.DecidedAt, d.UpdatedAt = string(verdict.State), &now, now
			if err := a.store.UpdateDisbursement(ctx, d); err != nil {
				return err
			}
			action = "disbursement." + string(verdict.State)
		}
		return a.audit(ctx, action, "disbursement", d.ID, f.CommunityID, map[string]any{"approve": in.Approve, "reason": in.Reason, "why": verdict.Why})
	})
	if err != nil {
		return nil, err
	}
	return a.Disbursement(ctx, id)
}

// AddEvidence attaches a receipt or photo (the requester or a community worker).
func (a *App) AddEvidence(ctx context.Context, id int64, in EvidenceInput) (*DisbursementEvidence, error) {
	p := PrincipalFrom(ctx)
	d, err := a.store.FindDisbursement(ctx, id)
	if err != nil {
		return nil, err
	}
	t, f, err := a.disbursementTarget(ctx, d)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActDisbursementProve, t); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	ct := http.DetectContentType(in.Data)
	switch {
	case len(in.Data) == 0:
		fe.Add("evidence", "error.required")
	case len(in.Data) > MaxEvidenceBytes:
		fe.Add("evidence", "funds.error.file_too_large")
	case !slices.Contains(evidenceTypes, ct):
		fe.Add("evidence", "funds.error.file_type")
	}
	if in.FileName == "" || len(in.FileName) > 200 {
		in.FileName = "evidence"
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if d.Status == string(funds.DisbursementStatusPaid) || d.Status == string(funds.DisbursementStatusRejected) {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", d.Status, "action", "evidence")
	}
	sum := sha256.Sum256(in.Data)
	e := &DisbursementEvidence{DisbursementID: d.ID, FileName: in.FileName, ContentType: ct, Size: int64(len(in.Data)),
		SHA256: hex.EncodeToString(sum[:]), Data: in.Data, UploadedBy: p.User.ID, CreatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateDisbursementEvidence(ctx, e); err != nil {
			return err
		}
		return a.audit(ctx, "disbursement.evidence", "disbursement", d.ID, f.CommunityID, map[string]any{"sha256": e.SHA256, "file": e.FileName})
	})
	e.Data = nil
	return e, err
}

// Evidence returns an evidence file for the requester and the people deciding.
func (a *App) Evidence(ctx context.Context, id int64) (*DisbursementEvidence, error) {
	e, err := a.store.FindEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := a.store.FindDisbursement(ctx, e.DisbursementID)
	if err != nil {
		return nil, err
	}
	t, _, err := a.disbursementTarget(ctx, d)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActDisbursementFiles, t); err != nil {
		return nil, err
	}
	return e, nil
}

// PayDisbursement marks an approved disbursement with evidence paid and posts it: the amount
// is drawn on the campaign's accounts in proportion to what each source holds, so the ledger
// says which source paid for what.
func (a *App) PayDisbursement(ctx context.Context, id int64) (*DisbursementView, error) {
	p := PrincipalFrom(ctx)
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		d, err := a.store.LockDisbursement(ctx, id)
		if err != nil {
			return err
		}
		t, f, err := a.disbursementTarget(ctx, d)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActDisbursementPay, t); err != nil {
			return err
		}
		// Serialize with gifts and refunds of the same campaign.
		if _, err := a.store.LockCampaign(ctx, d.CampaignID); err != nil {
			return err
		}
		// Serialize with payments and refunds of the fund's other campaigns: the bank top-up
		// below reads the fund's cash balances.
		if _, err := a.store.LockFund(ctx, f.ID); err != nil {
			return err
		}
		votes, err := a.store.FindDisbursementVotes(ctx, d.ID)
		if err != nil {
			return err
		}
		ev, err := a.store.FindDisbursementEvidence(ctx, d.ID)
		if err != nil {
			return err
		}
		fv, err := votesOf(votes)
		if err != nil {
			return err
		}
		if d.Status != string(funds.DisbursementStatusApproved) {
			return Errorf(ECONFLICT, "error.bad_transition", "from", d.Status, "action", "pay")
		}
		if err := f.policy().CheckPayable(disbursementRequest(d, len(ev)), fv); err != nil {
			if errors.Is(err, funds.ErrEvidenceRequired) {
				fe := FieldErrors{}
				fe.Add("evidence", "funds.error.evidence_required")
				return fe.Err()
			}
			return &Error{Code: ECONFLICT, Message: Msg("error.bad_transition", "from", d.Status, "action", "pay"), Err: err}
		}
		hs, _, err := a.campaignHoldings(ctx, f.ID, d.CampaignID)
		if err != nil {
			return err
		}
		from, err := funds.AllocateDisbursement(hs, d.Amount)
		if err != nil {
			fe := FieldErrors{}
			fe.Add("amount", "funds.error.more_than_held", "held", "")
			return &Error{Code: ECONFLICT, Message: Msg("funds.error.insufficient"), Fields: map[string]Message(fe), Err: err}
		}
		tx, err := funds.DisbursementPaid(funds.DisbursementPosting{DisbursementID: d.ID, Fund: f.ID, Channel: funds.ChannelBank,
			Currency: funds.Currency(d.Currency), From: from})
		if err != nil {
			return err
		}
		tx.Memo = d.Purpose
		// Card and offline gifts reach the bank before they are paid out.
		if err := a.ensureBankCash(ctx, f.ID, d.Amount, d.Currency, d.ID); err != nil {
			return err
		}
		if err := a.postLedger(ctx, f.ID, tx); err != nil {
			return err
		}
		now := a.Now()
		d.Status, d.PaidBy, d.PaidAt, d.UpdatedAt = string(funds.DisbursementStatusPaid), ptr(p.User.ID), &now, now
		if err := a.store.UpdateDisbursement(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, "disbursement.paid", "disbursement", d.ID, f.CommunityID, map[string]any{"amount": d.Amount})
	})
	if err != nil {
		return nil, err
	}
	return a.Disbursement(ctx, id)
}

// ensureBankCash moves cash from the Stripe and offline channels to the bank when the bank
// holds less than a payment needs, as a payout or a cash deposit would; each move is a
// CashTransfer keyed by the disbursement, so it is recorded once.
func (a *App) ensureBankCash(ctx context.Context, fundID, amount int64, currency string, disbursementID int64) error {
	bals, err := a.store.LedgerBalances(ctx, fundID)
	if err != nil {
		return err
	}
	cash := map[funds.Channel]int64{}
	for _, b := range bals {
		if acc, err := funds.ParseAccount(b.Account); err == nil && acc.Kind == funds.AccountCash {
			cash[acc.Channel] += b.Debits - b.Credits
		}
	}
	need := amount - cash[funds.ChannelBank]
	for i, ch := range []funds.Channel{funds.ChannelStripe, funds.ChannelOffline} {
		if need <= 0 {
			break
		}
		move := min(need, cash[ch])
		if move <= 0 {
			continue
		}
		t, err := funds.CashTransfer(disbursementID*10+int64(i+1), fundID, ch, funds.ChannelBank, funds.Money{Amount: move, Currency: funds.Currency(currency)})
		if err != nil {
			return err
		}
		t.Memo = "to bank for disbursement " + keyOf("disbursement", disbursementID)
		if err := a.postLedger(ctx, fundID, t); err != nil {
			return err
		}
		need -= move
	}
	return nil
}

// DisbursementQueue lists the disbursements waiting for the principal: requests they may
// decide and approved ones they may pay, oldest first, across every fund.
func (a *App) DisbursementQueue(ctx context.Context) ([]*DisbursementView, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fs, err := a.store.FindFunds(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := []*DisbursementView{}
	for _, f := range fs {
		t, err := a.fundTarget(ctx, f)
		if err != nil {
			return nil, err
		}
		if !Can(p, ActDisbursementDecide, t) && !Can(p, ActDisbursementPay, t) {
			continue
		}
		ds, err := a.store.FindDisbursements(ctx, f.ID, []string{string(funds.DisbursementStatusRequested), string(funds.DisbursementStatusApproved)})
		if err != nil {
			return nil, err
		}
		for i := len(ds) - 1; i >= 0; i-- {
			v, err := a.viewDisbursement(ctx, ds[i])
			if err != nil {
				return nil, err
			}
			if v.CanVote || v.CanPay || (v.Status == string(funds.DisbursementStatusApproved) && v.CanEvidence) {
				out = append(out, v)
			}
		}
	}
	return out, nil
}
