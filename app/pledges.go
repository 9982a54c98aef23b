package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/wushe/wushe/funds"
)

// Pledges (认捐, issue 12 item 6; docs/funds.md, "Pledges").
//
// Without card payments (the embedded default) a resident or merchant still gives through the
// application: they pledge an amount and say how they will pay. A worker who takes the money
// receives the pledge, which records an offline contribution linked to the donor's user
// (saveOffline, as a worker's own record of cash); a second person confirms that contribution
// as any offline gift (ConfirmOffline), which posts the ledger and reserves the match. The
// pledge never moves money itself.
//
// Pledges do not expire: a promise to bring cash stays until the donor cancels it, a worker
// rejects it (with a reason) or it is received. A pledge to a campaign that has closed can no
// longer be received (409) and waits for one of the other two; the worker's list shows its age.

// Pledge states.
const (
	PledgePledged   = "pledged"   // promised, money not yet seen
	PledgeReceived  = "received"  // a worker took the money: an offline gift awaits its second confirmation
	PledgeConfirmed = "confirmed" // the gift was confirmed: it counts and earned its match
	PledgeCancelled = "cancelled" // the donor withdrew it
	PledgeRejected  = "rejected"  // a worker closed it (no money came, a mistake…)
)

// Pledge is a signed-in donor's promise to give an amount (fen) to a campaign, by cash at the
// office or bank transfer.
type Pledge struct {
	ID             int64      `json:"id" gorm:"primaryKey"`
	CampaignID     int64      `json:"campaign_id"`
	FundID         int64      `json:"fund_id"`
	UserID         int64      `json:"user_id"`
	Amount         int64      `json:"amount"`
	Currency       string     `json:"currency"`
	Method         string     `json:"method"`
	Reference      string     `json:"reference"`
	Anonymous      bool       `json:"anonymous"`
	Note           string     `json:"note"`
	Status         string     `json:"status"`
	ContributionID *int64     `json:"contribution_id"`
	ReceivedBy     *int64     `json:"received_by"`
	RejectReason   string     `json:"reject_reason"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ClosedAt       *time.Time `json:"closed_at"`
}

// Code is what the donor writes on a bank transfer's memo or says at the office.
func (p *Pledge) Code() string { return fmt.Sprintf("RJ-%06d", p.ID) }

// Open reports whether the pledge still waits for a worker.
func (p *Pledge) Open() bool { return p.Status == PledgePledged || p.Status == PledgeReceived }

// PledgeInput is a donor's pledge. Amount is in fen.
type PledgeInput struct {
	Amount   int64  `json:"amount" form:"-"`
	Currency string `json:"currency" form:"-"` // optional; must be the campaign's
	Method   string `json:"method" form:"method" validate:"required,oneof=cash bank_transfer"`
	// Reference is the bank transfer's reference or serial number, when the donor has one.
	Reference string `json:"reference" form:"reference" validate:"max=64"`
	Anonymous bool   `json:"anonymous" form:"anonymous"`
	Note      string `json:"note" form:"note" validate:"max=200"`
}

// PledgeConfirmInput is a worker's confirmation. For a pledge still waiting for its money it
// says what was received (the receipt's number and when; Amount, when given, replaces the
// amount pledged); for a received pledge it is empty: the caller is the second person.
type PledgeConfirmInput struct {
	ReceiptNo  string     `json:"receipt_no" form:"receipt_no" validate:"max=64"`
	ReceivedOn *time.Time `json:"received_on" form:"-"`
	Amount     int64      `json:"amount" form:"-"`
}

// PledgeRejectInput is why a worker closes a pledge.
type PledgeRejectInput struct {
	Reason string `json:"reason" form:"reason" validate:"required,max=500"`
}

// PledgeFilter selects pledges, newest first.
type PledgeFilter struct {
	CampaignID *int64
	UserID     *int64
	Statuses   []string
	Page
}

// PledgeStore persists pledges and what my gifts and receipts read.
type PledgeStore interface {
	CreatePledge(ctx context.Context, p *Pledge) error
	UpdatePledge(ctx context.Context, p *Pledge) error
	FindPledge(ctx context.Context, id int64) (*Pledge, error)
	LockPledge(ctx context.Context, id int64) (*Pledge, error)
	FindPledges(ctx context.Context, f PledgeFilter) ([]*Pledge, int, error)
	// ConfirmPledgeOf marks the received pledge whose gift this is confirmed; no pledge is fine.
	ConfirmPledgeOf(ctx context.Context, contributionID int64, at time.Time) error
	// FindContributionByReceipt finds a succeeded gift by its receipt code.
	FindContributionByReceipt(ctx context.Context, code string) (*Contribution, error)
	// FindCampaignsByIDs and FindFundsByIDs batch-load what a list of gifts names.
	FindCampaignsByIDs(ctx context.Context, ids []int64) (map[int64]*Campaign, error)
	FindFundsByIDs(ctx context.Context, ids []int64) (map[int64]*Fund, error)
}

// PledgeView is a pledge with its campaign and fund named and what the viewer may do.
type PledgeView struct {
	*Pledge
	Ref           string `json:"code"`
	CampaignTitle string `json:"campaign_title"`
	FundName      string `json:"fund_name"`
	DonorName     string `json:"donor_name,omitempty"`
	// ContributionStatus is the offline gift's status once the pledge is received.
	ContributionStatus string `json:"contribution_status,omitempty"`
	CanCancel          bool   `json:"can_cancel"`
	CanReceive         bool   `json:"can_receive"`
	CanConfirm         bool   `json:"can_confirm"`
	CanReject          bool   `json:"can_reject"`
	CampaignOpen       bool   `json:"campaign_open"`
}

// CreatePledge records a signed-in donor's pledge to an open campaign.
func (a *App) CreatePledge(ctx context.Context, campaignID int64, in PledgeInput) (*Pledge, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActPledgeCreate, Target{}); err != nil {
		return nil, err
	}
	camp, err := a.store.FindCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	in.Reference, in.Note = strings.TrimSpace(in.Reference), strings.TrimSpace(in.Note)
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	checkAmountField(fe, "amount", in.Amount)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := a.checkGift(ctx, camp, in.Amount, in.Currency); err != nil {
		return nil, err
	}
	now := a.Now()
	pl := &Pledge{CampaignID: camp.ID, FundID: camp.FundID, UserID: p.User.ID, Amount: in.Amount, Currency: camp.Currency,
		Method: in.Method, Reference: in.Reference, Anonymous: in.Anonymous, Note: in.Note, Status: PledgePledged,
		CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreatePledge(ctx, pl); err != nil {
			return err
		}
		t, _, err := a.campaignTarget(ctx, camp)
		if err != nil {
			return err
		}
		return a.audit(ctx, "pledge.created", "pledge", pl.ID, t.CommunityID, map[string]any{"amount": pl.Amount, "method": pl.Method})
	})
	if err != nil {
		return nil, err
	}
	return pl, nil
}

// pledgeFor loads a pledge and its campaign for a signed-in caller allowed act on it: the
// place is the campaign's (its fund's community), the donor the pledge's owner.
func (a *App) pledgeFor(ctx context.Context, id int64, act Action) (*Pledge, *Campaign, Target, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil, Target{}, Unauthorized()
	}
	pl, err := a.store.FindPledge(ctx, id)
	if err != nil {
		return nil, nil, Target{}, err
	}
	camp, err := a.store.FindCampaign(ctx, pl.CampaignID)
	if err != nil {
		return nil, nil, Target{}, err
	}
	t, _, err := a.campaignTarget(ctx, camp)
	if err != nil {
		return nil, nil, Target{}, err
	}
	t.OwnerID = pl.UserID
	if err := Authorize(p, act, t); err != nil {
		return nil, nil, Target{}, err
	}
	return pl, camp, t, nil
}

// CancelPledge withdraws the donor's own pledge before any money was received.
func (a *App) CancelPledge(ctx context.Context, id int64) (*Pledge, error) {
	pl, _, t, err := a.pledgeFor(ctx, id, ActPledgeCancel)
	if err != nil {
		return nil, err
	}
	return a.closePledge(ctx, pl.ID, t, PledgeCancelled, "", "cancel")
}

// RejectPledge closes a pledge no money came for (a worker in the campaign's place).
func (a *App) RejectPledge(ctx context.Context, id int64, in PledgeRejectInput) (*Pledge, error) {
	pl, _, t, err := a.pledgeFor(ctx, id, ActContributionRecord)
	if err != nil {
		return nil, err
	}
	if pl.Status != PledgePledged {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", pl.Status, "action", "reject")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return a.closePledge(ctx, pl.ID, t, PledgeRejected, in.Reason, "reject")
}

// closePledge moves a pledge still waiting for its money to a final state, under its lock.
func (a *App) closePledge(ctx context.Context, id int64, t Target, to, reason, action string) (*Pledge, error) {
	var pl *Pledge
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if pl, err = a.store.LockPledge(ctx, id); err != nil {
			return err
		}
		if pl.Status != PledgePledged {
			return Errorf(ECONFLICT, "error.bad_transition", "from", pl.Status, "action", action)
		}
		now := a.Now()
		pl.Status, pl.RejectReason, pl.UpdatedAt, pl.ClosedAt = to, reason, now, &now
		if err := a.store.UpdatePledge(ctx, pl); err != nil {
			return err
		}
		return a.audit(ctx, "pledge."+to, "pledge", pl.ID, t.CommunityID, map[string]any{"amount": pl.Amount, "reason": reason})
	})
	return pl, err
}

// ConfirmPledge is a worker's confirmation of a pledge. The first confirms that the money was
// received: it records the offline gift, linked to the donor, under the receipt's number. The
// second, by another person, confirms that gift exactly as ConfirmOffline does any offline
// gift (the two-person rule, the ledger, the match). A third, or one on a cancelled or
// rejected pledge, is a conflict.
func (a *App) ConfirmPledge(ctx context.Context, id int64, in PledgeConfirmInput) (*Pledge, error) {
	pl, camp, t, err := a.pledgeFor(ctx, id, ActContributionRecord)
	if err != nil {
		return nil, err
	}
	switch pl.Status {
	case PledgePledged:
		return a.receivePledge(ctx, pl, camp, t, in)
	case PledgeReceived:
		if _, err := a.ConfirmOffline(ctx, deref(pl.ContributionID)); err != nil {
			return nil, err
		}
		return a.store.FindPledge(ctx, pl.ID)
	}
	return nil, Errorf(ECONFLICT, "error.bad_transition", "from", pl.Status, "action", "confirm")
}

// receivePledge records the money a pledge promised as an offline gift of the donor's.
func (a *App) receivePledge(ctx context.Context, pl *Pledge, camp *Campaign, t Target, in PledgeConfirmInput) (*Pledge, error) {
	p := PrincipalFrom(ctx)
	in.ReceiptNo = strings.TrimSpace(in.ReceiptNo)
	if in.Amount == 0 {
		in.Amount = pl.Amount
	}
	received := a.Now()
	if in.ReceivedOn != nil {
		received = *in.ReceivedOn
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if in.ReceiptNo == "" {
		fe.Add("receipt_no", "error.required")
	}
	rc := funds.OfflineReceipt{Method: funds.OfflineMethod(pl.Method), ReceiptNo: in.ReceiptNo,
		Amount: funds.Money{Amount: in.Amount, Currency: funds.Currency(camp.Currency)}, ReceivedOn: received, RecordedBy: keyOf("user", p.User.ID)}
	addFundsErrors(fe, rc.Validate(a.Now()))
	checkAmountField(fe, "amount", in.Amount)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := a.checkGift(ctx, camp, in.Amount, ""); err != nil {
		return nil, err
	}
	donor, err := a.store.FindUser(ctx, pl.UserID)
	if err != nil {
		return nil, err
	}
	key, source, name, donorID, err := a.donorIdentity(ctx, donor)
	if err != nil {
		return nil, err
	}
	var out *Pledge
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if out, err = a.store.LockPledge(ctx, pl.ID); err != nil {
			return err
		}
		if out.Status != PledgePledged {
			return Errorf(ECONFLICT, "error.bad_transition", "from", out.Status, "action", "confirm")
		}
		now := a.Now()
		c := &Contribution{CampaignID: camp.ID, FundID: camp.FundID, UserID: ptr(pl.UserID), DonorID: donorID, DonorKey: key,
			DonorName: name, Source: source, Anonymous: pl.Anonymous, Amount: in.Amount, Currency: camp.Currency,
			Channel: string(funds.ChannelOffline), Status: string(funds.ContributionStatusPending), OfflineMethod: ptr(pl.Method),
			ReceiptNo: ptr(in.ReceiptNo), ReceivedOn: ptr(received.UTC()), RecordedBy: ptr(p.User.ID), CreatedAt: now, UpdatedAt: now}
		if err := a.saveOffline(ctx, c, t); err != nil {
			return err
		}
		out.Status, out.ContributionID, out.ReceivedBy, out.UpdatedAt = PledgeReceived, ptr(c.ID), ptr(p.User.ID), now
		if err := a.store.UpdatePledge(ctx, out); err != nil {
			return err
		}
		return a.audit(ctx, "pledge.received", "pledge", out.ID, t.CommunityID, map[string]any{"amount": c.Amount, "contribution_id": c.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Pledge returns one pledge to its donor or to a worker of its place.
func (a *App) Pledge(ctx context.Context, id int64) (*PledgeView, error) {
	pl, _, _, err := a.pledgeFor(ctx, id, ActPledgeView)
	if err != nil {
		return nil, err
	}
	vs, err := a.viewPledges(ctx, []*Pledge{pl}, true)
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// CampaignPledges lists a campaign's pledges that wait for a worker: those to receive, and
// those received whose gift waits for its second confirmation. Workers of its place only.
func (a *App) CampaignPledges(ctx context.Context, campaignID int64) ([]*PledgeView, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
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
	pls, _, err := a.store.FindPledges(ctx, PledgeFilter{CampaignID: &camp.ID, Statuses: []string{PledgePledged, PledgeReceived}})
	if err != nil {
		return nil, err
	}
	return a.viewPledges(ctx, pls, true)
}

// viewPledges names the campaigns, funds and (for workers) donors of pledges in a few queries
// and says what the viewer may do with each.
func (a *App) viewPledges(ctx context.Context, pls []*Pledge, names bool) ([]*PledgeView, error) {
	p := PrincipalFrom(ctx)
	out := make([]*PledgeView, 0, len(pls))
	if len(pls) == 0 {
		return out, nil
	}
	var campIDs, fundIDs, userIDs, contribIDs []int64
	for _, pl := range pls {
		campIDs, fundIDs, userIDs = append(campIDs, pl.CampaignID), append(fundIDs, pl.FundID), append(userIDs, pl.UserID)
		if pl.ContributionID != nil {
			contribIDs = append(contribIDs, *pl.ContributionID)
		}
	}
	camps, err := a.store.FindCampaignsByIDs(ctx, campIDs)
	if err != nil {
		return nil, err
	}
	fs, err := a.store.FindFundsByIDs(ctx, fundIDs)
	if err != nil {
		return nil, err
	}
	users := map[int64]*User{}
	if names {
		us, _, err := a.store.FindUsers(ctx, UserFilter{IDs: userIDs})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			users[u.ID] = u
		}
	}
	contribs := map[int64]*Contribution{}
	for _, id := range contribIDs {
		// A page lists few received pledges (they are confirmed the same day); one read each.
		c, err := a.store.FindContribution(ctx, id)
		if err != nil {
			return nil, err
		}
		contribs[id] = c
	}
	targets := map[int64]Target{}
	for _, pl := range pls {
		v := &PledgeView{Pledge: pl, Ref: pl.Code()}
		camp, f := camps[pl.CampaignID], fs[pl.FundID]
		if camp != nil {
			v.CampaignTitle = camp.Title
			v.CampaignOpen = camp.Status == string(funds.CampaignOpen) && a.Now().Before(camp.Deadline)
		}
		if f != nil {
			v.FundName = f.Name
			t, ok := targets[f.ID]
			if !ok {
				if t, err = a.fundTarget(ctx, f); err != nil {
					return nil, err
				}
				targets[f.ID] = t
			}
			t.OwnerID = pl.UserID
			worker := Can(p, ActContributionRecord, t)
			v.CanCancel = pl.Status == PledgePledged && Can(p, ActPledgeCancel, t)
			v.CanReceive = pl.Status == PledgePledged && worker && v.CampaignOpen
			v.CanReject = pl.Status == PledgePledged && worker
			if c := contribs[deref(pl.ContributionID)]; c != nil {
				v.ContributionStatus = c.Status
				v.CanConfirm = worker && pl.Status == PledgeReceived && c.Status == string(funds.ContributionStatusPending) &&
					deref(c.RecordedBy) != p.UserID()
			}
		}
		if u := users[pl.UserID]; u != nil {
			v.DonorName = u.Name
		}
		out = append(out, v)
	}
	return out, nil
}

// newReceiptCode is a gift's receipt code: 12 random bytes as 24 hex digits (96 bits), far
// beyond guessing at the verify form's rate limit.
func newReceiptCode() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("receipt code: %w", err)
	}
	return strings.ToUpper(hex.EncodeToString(b)), nil
}

// NormalizeReceiptCode reads a code as people type it: any case, with spaces or dashes.
// It returns "" when what is left cannot be a code.
func NormalizeReceiptCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '\u3000':
		case (r >= '0' && r <= '9') || (r >= 'A' && r <= 'F'):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if b.Len() != 24 {
		return ""
	}
	return b.String()
}

// FormatReceiptCode groups a code by four for reading aloud and copying.
func FormatReceiptCode(code string) string {
	var parts []string
	for i := 0; i < len(code); i += 4 {
		parts = append(parts, code[i:min(i+4, len(code))])
	}
	return strings.Join(parts, "-")
}

// campaignPagePledges fills the campaign page's pledge parts: the form and the signed-in
// donor's open pledges, and for workers of its place the pledges waiting for them.
func (a *App) campaignPagePledges(ctx context.Context, out *CampaignPage) error {
	p := PrincipalFrom(ctx)
	cv := out.Campaign
	out.CanPledge = cv.CanGive && Can(p, ActPledgeCreate, Target{})
	if !p.Authenticated() {
		return nil
	}
	uid := p.User.ID
	mine, _, err := a.store.FindPledges(ctx, PledgeFilter{CampaignID: &cv.ID, UserID: &uid, Statuses: []string{PledgePledged, PledgeReceived}})
	if err != nil {
		return err
	}
	if out.MyPledges, err = a.viewPledges(ctx, mine, false); err != nil {
		return err
	}
	if cv.CanRecord {
		if out.Pledges, err = a.CampaignPledges(ctx, cv.ID); err != nil {
			return err
		}
	}
	return nil
}
