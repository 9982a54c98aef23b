package app

import (
	"context"
	"errors"
	"time"

	"github.com/wushe/wushe/funds"
)

// DonateInput is a signed-in donor's gift through the payment provider. Amount is in fen.
type DonateInput struct {
	Amount int64 `json:"amount" form:"-"`
	// Currency, when given, must be the campaign's (CNY); amounts are its minor units.
	Currency  string `json:"currency" form:"-"`
	Anonymous bool   `json:"anonymous" form:"anonymous"`
	Email     string `json:"email" form:"email" validate:"omitempty,email,max=254"`
}

// OfflineInput records cash against a numbered receipt or a bank transfer; a second person
// confirms it before it counts.
type OfflineInput struct {
	Amount     int64     `json:"amount" form:"-"`
	Currency   string    `json:"currency" form:"-"` // optional; must be the campaign's`
	Method     string    `json:"method" form:"method" validate:"required,oneof=cash bank_transfer"`
	ReceiptNo  string    `json:"receipt_no" form:"receipt_no" validate:"required,max=64"`
	ReceivedOn time.Time `json:"received_on" form:"-"`
	DonorID    *int64    `json:"donor_id" form:"donor_id"`
	DonorName  string    `json:"donor_name" form:"donor_name" validate:"max=100"`
	Source     string    `json:"source" form:"source" validate:"omitempty,oneof=resident merchant unit foundation social_org"`
	Anonymous  bool      `json:"anonymous" form:"anonymous"`
}

// RefundInput refunds part or all of a gift. Amount 0 means what is left.
type RefundInput struct {
	Amount int64  `json:"amount" form:"-"`
	Reason string `json:"reason" form:"reason" validate:"required,oneof=requested_by_donor disputed administrative"`
}

// CheckoutURLs are where the payment page sends the donor back.
type CheckoutURLs struct {
	Success, Cancel string
	Locale          string
}

// PaymentsEnabled reports whether card payments are configured.
func (a *App) PaymentsEnabled() bool { return a.payments != nil }

// donorIdentity is who a signed-in user gives as: their donor profile (an organization's
// donor gives as the organization, so exclusions apply) or themselves as a resident.
func (a *App) donorIdentity(ctx context.Context, u *User) (key, source, name string, donorID *int64, err error) {
	ds, _, err := a.store.FindDonors(ctx, DonorFilter{UserID: &u.ID, Page: Page{Page: 1, PerPage: 1}})
	if err != nil {
		return "", "", "", nil, err
	}
	if len(ds) == 0 {
		return keyOf("user", u.ID), string(funds.SourceResident), u.Name, nil, nil
	}
	d := ds[0]
	key = keyOf("donor", d.ID)
	if d.OrganizationID != nil {
		key = keyOf("org", *d.OrganizationID)
	}
	return key, d.Kind, d.Name, ptr(d.ID), nil
}

// checkGift refuses a gift the campaign cannot take now: another currency, a closed campaign.
func (a *App) checkGift(ctx context.Context, camp *Campaign, amount int64, currency string) error {
	if currency == "" {
		currency = camp.Currency
	}
	fc := funds.Campaign{Goal: funds.Money{Amount: camp.Goal, Currency: funds.Currency(camp.Currency)}, Deadline: camp.Deadline,
		Mode: funds.Mode(camp.Mode), Status: funds.CampaignStatus(camp.Status), Raised: camp.Raised}
	err := fc.CheckContribution(funds.Money{Amount: amount, Currency: funds.Currency(currency)}, a.Now())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, funds.ErrCampaignClosed):
		return &Error{Code: ECONFLICT, Message: Msg("funds.error.campaign_closed"), Err: err}
	}
	return fundsInvalid(err)
}

// StartCheckout creates a pending contribution and the provider's payment page for it. The
// contribution's id gives the idempotency key, so a retried request cannot charge twice.
func (a *App) StartCheckout(ctx context.Context, campaignID int64, in DonateInput, urls CheckoutURLs) (*Contribution, error) {
	p := PrincipalFrom(ctx)
	camp, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActContributionGive, Target{}); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	checkAmountField(fe, "amount", in.Amount)
	if in.Amount > 99999999 { // Stripe takes at most eight digits
		fe.Add("amount", "funds.error.too_large")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := a.checkGift(ctx, camp, in.Amount, in.Currency); err != nil {
		return nil, err
	}
	if a.payments == nil {
		return nil, Errorf(EUNAVAILABLE, "funds.error.payments_offline")
	}
	key, source, name, donorID, err := a.donorIdentity(ctx, p.User)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	c := &Contribution{CampaignID: camp.ID, FundID: camp.FundID, UserID: ptr(p.User.ID), DonorID: donorID, DonorKey: key,
		DonorName: name, Source: source, Anonymous: in.Anonymous, Amount: in.Amount, Currency: camp.Currency,
		Channel: string(funds.ChannelStripe), Status: string(funds.ContributionStatusPending), CreatedAt: now, UpdatedAt: now}
	if err := a.store.CreateContribution(ctx, c); err != nil {
		return nil, err
	}
	sess, err := a.payments.CreateCheckout(ctx, funds.CheckoutRequest{ContributionID: c.ID, CampaignID: camp.ID,
		Amount: funds.Money{Amount: c.Amount, Currency: funds.Currency(c.Currency)}, Description: camp.Title,
		SuccessURL: urls.Success, CancelURL: urls.Cancel, Locale: urls.Locale, Email: in.Email})
	if err != nil {
		a.log.Warn("checkout failed", "contribution", c.ID, "err", err)
		if errors.Is(err, funds.ErrProviderRejected) {
			return nil, &Error{Code: EINVALID, Message: Msg("funds.error.provider_rejected"), Err: err}
		}
		return nil, &Error{Code: EUNAVAILABLE, Message: Msg("funds.error.provider_unavailable"), Err: err}
	}
	// The payment intent is created when the donor pays (API 2022-08-01 and later); events
	// carry it and the contribution id, so it is recorded from them.
	c.SessionID, c.CheckoutURL, c.UpdatedAt = ptr(sess.ID), sess.URL, a.Now()
	if err := a.store.UpdateContribution(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// RecordOffline records cash or a bank transfer taken by a community worker. It counts once a
// second person confirms it (ConfirmOffline).
func (a *App) RecordOffline(ctx context.Context, campaignID int64, in OfflineInput) (*Contribution, error) {
	p := PrincipalFrom(ctx)
	camp, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	t, _, err := a.campaignTarget(ctx, camp)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActContributionRecord, t); err != nil {
		return nil, err
	}
	if in.Source == "" {
		in.Source = string(funds.SourceResident)
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	rc := funds.OfflineReceipt{Method: funds.OfflineMethod(in.Method), ReceiptNo: in.ReceiptNo,
		Amount: funds.Money{Amount: in.Amount, Currency: funds.Currency(camp.Currency)}, ReceivedOn: in.ReceivedOn, RecordedBy: keyOf("user", p.User.ID)}
	addFundsErrors(fe, rc.Validate(a.Now()))
	var donor *Donor
	if in.DonorID != nil {
		if donor, err = a.store.FindDonor(ctx, *in.DonorID); IsCode(err, ENOTFOUND) {
			fe.Add("donor_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
	} else if in.DonorName == "" && !in.Anonymous {
		fe.Add("donor_name", "error.required")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := a.checkGift(ctx, camp, in.Amount, in.Currency); err != nil {
		return nil, err
	}
	now := a.Now()
	c := &Contribution{CampaignID: camp.ID, FundID: camp.FundID, DonorName: in.DonorName, Source: in.Source, Anonymous: in.Anonymous,
		Amount: in.Amount, Currency: camp.Currency, Channel: string(funds.ChannelOffline), Status: string(funds.ContributionStatusPending),
		OfflineMethod: ptr(in.Method), ReceiptNo: ptr(in.ReceiptNo), ReceivedOn: ptr(in.ReceivedOn.UTC()), RecordedBy: ptr(p.User.ID),
		CreatedAt: now, UpdatedAt: now}
	if donor != nil {
		c.DonorID, c.DonorName, c.Source, c.UserID = ptr(donor.ID), donor.Name, donor.Kind, donor.UserID
		c.DonorKey = keyOf("donor", donor.ID)
		if donor.OrganizationID != nil {
			c.DonorKey = keyOf("org", *donor.OrganizationID)
		}
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error { return a.saveOffline(ctx, c, t) })
	return c, err
}

// saveOffline stores a recorded offline gift and audits it; a receipt number the fund has
// used already is a field error. Recording a worker's cash and receiving a pledge both end
// here, so every offline gift is stored, keyed and audited the same way.
func (a *App) saveOffline(ctx context.Context, c *Contribution, t Target) error {
	if c.DonorKey == "" {
		c.DonorKey = "pending"
	}
	if err := a.store.CreateContribution(ctx, c); err != nil {
		if IsCode(err, ECONFLICT) {
			fe := FieldErrors{}
			fe.Add("receipt_no", "funds.error.receipt_taken")
			return fe.Err()
		}
		return err
	}
	if c.DonorKey == "pending" {
		// An unnamed offline donor is one donor: their own key.
		c.DonorKey = keyOf("offline", c.ID)
		if err := a.store.UpdateContribution(ctx, c); err != nil {
			return err
		}
	}
	return a.audit(ctx, "contribution.recorded", "contribution", c.ID, t.CommunityID, map[string]any{"amount": c.Amount, "receipt_no": deref(c.ReceiptNo)})
}

// memberRoles maps the principal's roles covering a target to the funds package's roles.
// Community and grid workers are handlers (经办人); civil-affairs officers and administrators
// keep the fund's accounts (treasurer); committee members are the committee.
func memberRoles(p *Principal, t Target) []funds.Role {
	var out []funds.Role
	add := func(r funds.Role) {
		for _, x := range out {
			if x == r {
				return
			}
		}
		out = append(out, r)
	}
	if !p.Authenticated() {
		return nil
	}
	for _, m := range p.Memberships {
		if m.Role != RoleAdmin && !m.covers(t) {
			continue
		}
		switch m.Role {
		case RoleGridWorker, RoleCommunityWorker:
			add(funds.RoleWorker)
		case RoleCivilAffairs, RoleAdmin:
			add(funds.RoleTreasurer)
		case RoleCommittee:
			add(funds.RoleCommittee)
		}
	}
	return out
}

// ConfirmOffline confirms a recorded offline gift: a second person, worker or treasurer, in
// scope. The gift then posts to the ledger and earns its match.
func (a *App) ConfirmOffline(ctx context.Context, contributionID int64) (*Contribution, error) {
	p := PrincipalFrom(ctx)
	c0, err := a.store.FindContribution(ctx, contributionID)
	if err != nil {
		return nil, err
	}
	var c *Contribution
	err = a.inMatchTx(ctx, func(ctx context.Context) error {
		camp, err := a.store.LockCampaign(ctx, c0.CampaignID)
		if err != nil {
			return err
		}
		t, _, err := a.campaignTarget(ctx, camp)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActContributionRecord, t); err != nil {
			return err
		}
		if c, err = a.store.LockContribution(ctx, contributionID); err != nil {
			return err
		}
		if c.Channel != string(funds.ChannelOffline) || c.Status != string(funds.ContributionStatusPending) {
			return Errorf(ECONFLICT, "error.bad_transition", "from", c.Status, "action", "confirm")
		}
		rc := funds.OfflineReceipt{RecordedBy: keyOf("user", derefID(c.RecordedBy))}
		if err := rc.CheckConfirmation(keyOf("user", p.User.ID), memberRoles(p, t)); err != nil {
			if errors.Is(err, funds.ErrSelfConfirmation) {
				return Errorf(EFORBIDDEN, "funds.error.self_confirmation")
			}
			return &Error{Code: EFORBIDDEN, Message: Msg("error.forbidden"), Err: err}
		}
		if camp.Status != string(funds.CampaignOpen) {
			return Errorf(ECONFLICT, "funds.error.campaign_closed")
		}
		c.ConfirmedBy = ptr(p.User.ID)
		if err := a.giftSucceeded(ctx, camp, c); err != nil {
			return err
		}
		if err := a.audit(ctx, "contribution.confirmed", "contribution", c.ID, t.CommunityID, map[string]any{"amount": c.Amount}); err != nil {
			return err
		}
		// A pledge this gift came from is fulfilled with it (pledges.go).
		return a.store.ConfirmPledgeOf(ctx, c.ID, a.Now())
	})
	return c, err
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// campaignTarget is the place chain of a campaign's fund.
func (a *App) campaignTarget(ctx context.Context, camp *Campaign) (Target, *Fund, error) {
	f, err := a.store.FindFund(ctx, camp.FundID)
	if err != nil {
		return Target{}, nil, err
	}
	t, err := a.fundTarget(ctx, f)
	return t, f, err
}

// RefundContribution gives a gift back (community workers, on the donor's request or for a
// dispute). Card gifts are refunded through the provider first, with an idempotency key per
// refund; the provider's later charge.refunded event then changes nothing.
func (a *App) RefundContribution(ctx context.Context, id int64, in RefundInput) (*Contribution, error) {
	p := PrincipalFrom(ctx)
	c, err := a.store.FindContribution(ctx, id)
	if err != nil {
		return nil, err
	}
	camp, err := a.store.FindCampaign(ctx, c.CampaignID)
	if err != nil {
		return nil, err
	}
	t, _, err := a.campaignTarget(ctx, camp)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActContributionRefund, t); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if in.Amount == 0 {
		in.Amount = c.Amount - c.Refunded
	}
	if in.Amount < 0 || in.Amount > c.Amount-c.Refunded {
		fe.Add("amount", "funds.error.refund_amount", "max", funds.Money{Amount: c.Amount - c.Refunded, Currency: funds.Currency(c.Currency)}.String())
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if c.Status != string(funds.ContributionStatusSucceeded) {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", c.Status, "action", "refund")
	}
	if err := a.checkRefundHeld(ctx, c, in.Amount, funds.RefundReason(in.Reason)); err != nil {
		return nil, err
	}
	return a.refundOne(ctx, c, in.Amount, funds.RefundReason(in.Reason), true)
}

// checkRefundHeld refuses a worker's refund of money the campaign no longer holds.
func (a *App) checkRefundHeld(ctx context.Context, c *Contribution, amount int64, why funds.RefundReason) error {
	if amount <= 0 || amount > c.Amount-c.Refunded {
		fe := FieldErrors{}
		fe.Add("amount", "funds.error.refund_amount", "max", funds.Money{Amount: c.Amount - c.Refunded, Currency: funds.Currency(c.Currency)}.String())
		return fe.Err()
	}
	// Money already paid out cannot be given back from the campaign: refuse rather than
	// overdraw its account (the fund would have to cover it by a decision of its own).
	hs, _, err := a.campaignHoldings(ctx, c.FundID, c.CampaignID)
	if err != nil {
		return err
	}
	held := int64(0)
	for _, h := range hs {
		if h.Account == funds.DonationsAccount(c.CampaignID, funds.SourceKind(c.Source)) {
			held = h.Amount
		}
	}
	if held < amount {
		return Errorf(ECONFLICT, "funds.error.refund_spent", "held", funds.Money{Amount: held, Currency: funds.Currency(c.Currency)}.String())
	}
	// A committed match is clawed back from the campaign's match account: refuse too when
	// that account no longer holds the share to release, or the pool would get back money
	// that was already paid out (and could promise it again).
	if m, err := a.store.FindMatchByContribution(ctx, c.ID); err != nil && !IsCode(err, ENOTFOUND) {
		return err
	} else if m != nil && m.Status == string(funds.MatchStatusCommitted) {
		imp, err := funds.RefundMatch(funds.MatchRecord{Status: funds.MatchStatus(m.Status), Counted: m.Counted, Amount: m.Amount},
			c.Amount, c.Refunded, amount, why)
		if err != nil {
			return fundsInvalid(err)
		}
		matchHeld := int64(0)
		for _, h := range hs {
			if h.Account == funds.MatchAccount(c.CampaignID, m.PoolID) {
				matchHeld = h.Amount
			}
		}
		if imp.Release > matchHeld {
			return Errorf(ECONFLICT, "funds.error.refund_spent", "held", funds.Money{Amount: held, Currency: funds.Currency(c.Currency)}.String())
		}
	}
	return nil
}

// refundOne refunds through the provider (card gifts) and then records the refund under the
// campaign's lock, unless the provider's event recorded it first. An offline refund is
// checked again under the lock (checkHeld: a worker's refund), so a concurrent refund or
// payment is never silently taken for this one.
func (a *App) refundOne(ctx context.Context, c *Contribution, amount int64, why funds.RefundReason, checkHeld bool) (*Contribution, error) {
	seq := c.Refunds + 1
	if c.Channel == string(funds.ChannelStripe) {
		if a.payments == nil || c.PaymentIntentID == nil {
			return nil, Errorf(EUNAVAILABLE, "funds.error.payments_offline")
		}
		if _, err := a.payments.Refund(ctx, funds.RefundRequest{ContributionID: c.ID, Seq: seq, PaymentIntentID: *c.PaymentIntentID,
			Amount: funds.Money{Amount: amount, Currency: funds.Currency(c.Currency)}, Reason: why}); err != nil {
			return nil, &Error{Code: EUNAVAILABLE, Message: Msg("funds.error.provider_unavailable"), Err: err}
		}
	}
	var out *Contribution
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		camp, err := a.store.LockCampaign(ctx, c.CampaignID)
		if err != nil {
			return err
		}
		if out, err = a.store.LockContribution(ctx, c.ID); err != nil {
			return err
		}
		if out.Channel == string(funds.ChannelStripe) || !checkHeld {
			if out.Refunds >= seq || out.Status != string(funds.ContributionStatusSucceeded) {
				return nil // the provider's event (or a worker) recorded a refund meanwhile
			}
		} else {
			if err := a.checkRefundHeld(ctx, out, amount, why); err != nil {
				return err
			}
		}
		if err := a.refund(ctx, camp, out, amount, why); err != nil {
			return err
		}
		return a.audit(ctx, "contribution.refunded", "contribution", out.ID, 0, map[string]any{"amount": amount, "reason": string(why)})
	})
	return out, err
}
