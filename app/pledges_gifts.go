package app

import (
	"context"
	"time"

	"github.com/wushe/wushe/funds"
)

// My gifts (我的捐赠) and gift receipts (捐赠收据): what a donor pledged and gave, and a
// receipt per confirmed gift whose code anyone can check.

// myGiftsShown bounds the gifts and pledges the page lists (newest first).
const myGiftsShown = 100

// GiftLine is one of the donor's gifts with the match it earned.
type GiftLine struct {
	ContributionID int64      `json:"contribution_id"`
	CampaignID     int64      `json:"campaign_id"`
	CampaignTitle  string     `json:"campaign_title"`
	FundID         int64      `json:"fund_id"`
	FundName       string     `json:"fund_name"`
	Amount         int64      `json:"amount"`
	Refunded       int64      `json:"refunded"`
	Matched        int64      `json:"matched"`
	MatchStatus    string     `json:"match_status,omitempty"`
	Channel        string     `json:"channel"`
	Status         string     `json:"status"`
	Anonymous      bool       `json:"anonymous"`
	CreatedAt      time.Time  `json:"created_at"`
	SucceededAt    *time.Time `json:"succeeded_at"`
	// Receipt is set when the gift has a receipt: its page is /contributions/{id}/receipt.
	Receipt     bool   `json:"has_receipt"`
	ReceiptCode string `json:"receipt_code,omitempty"`
}

// MyGifts is the donor's page: totals, open and closed pledges, gifts with receipts.
type MyGifts struct {
	// Pledged is what the donor's open pledges promise (fen).
	Pledged int64 `json:"pledged"`
	// Confirmed is what their succeeded gifts gave, less refunds.
	Confirmed int64 `json:"confirmed"`
	// Matched is what pools added to their gifts (reserved or committed matches).
	Matched int64         `json:"matched"`
	Pledges []*PledgeView `json:"pledges"`
	Gifts   []*GiftLine   `json:"gifts"`
}

// MyGifts returns the signed-in user's pledges and gifts.
func (a *App) MyGifts(ctx context.Context) (*MyGifts, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActPledgeCreate, Target{}); err != nil {
		return nil, err
	}
	uid := p.User.ID
	pls, _, err := a.store.FindPledges(ctx, PledgeFilter{UserID: &uid, Page: Page{Page: 1, PerPage: myGiftsShown}})
	if err != nil {
		return nil, err
	}
	out := &MyGifts{}
	// A confirmed pledge is listed as its gift; the pledges list holds the others.
	var shown []*Pledge
	for _, pl := range pls {
		if pl.Status == PledgeConfirmed {
			continue
		}
		if pl.Open() {
			out.Pledged += pl.Amount
		}
		shown = append(shown, pl)
	}
	if out.Pledges, err = a.viewPledges(ctx, shown, false); err != nil {
		return nil, err
	}
	cs, _, err := a.store.FindContributions(ctx, ContributionFilter{UserID: &uid,
		Statuses: []string{string(funds.ContributionStatusSucceeded), string(funds.ContributionStatusRefunded)}, Page: Page{Page: 1, PerPage: myGiftsShown}})
	if err != nil {
		return nil, err
	}
	if out.Gifts, err = a.giftLines(ctx, cs); err != nil {
		return nil, err
	}
	for _, g := range out.Gifts {
		out.Confirmed += g.Amount - g.Refunded
		out.Matched += g.Matched
	}
	return out, nil
}

// giftLines names the gifts' campaigns and funds and adds their matches, in three queries.
func (a *App) giftLines(ctx context.Context, cs []*Contribution) ([]*GiftLine, error) {
	out := make([]*GiftLine, 0, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	var ids, campIDs, fundIDs []int64
	for _, c := range cs {
		ids, campIDs, fundIDs = append(ids, c.ID), append(campIDs, c.CampaignID), append(fundIDs, c.FundID)
	}
	matches, err := a.store.FindMatchesByContributions(ctx, ids)
	if err != nil {
		return nil, err
	}
	camps, err := a.store.FindCampaignsByIDs(ctx, campIDs)
	if err != nil {
		return nil, err
	}
	fs, err := a.store.FindFundsByIDs(ctx, fundIDs)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		g := &GiftLine{ContributionID: c.ID, CampaignID: c.CampaignID, FundID: c.FundID, Amount: c.Amount, Refunded: c.Refunded,
			Channel: c.Channel, Status: c.Status, Anonymous: c.Anonymous, CreatedAt: c.CreatedAt, SucceededAt: c.SucceededAt,
			Receipt: c.ReceiptCode != nil}
		if c.ReceiptCode != nil {
			g.ReceiptCode = FormatReceiptCode(*c.ReceiptCode)
		}
		if camp := camps[c.CampaignID]; camp != nil {
			g.CampaignTitle = camp.Title
		}
		if f := fs[c.FundID]; f != nil {
			g.FundName = f.Name
		}
		if m := matches[c.ID]; m != nil {
			g.MatchStatus = m.Status
			if m.Status != string(funds.MatchStatusReleased) {
				g.Matched = m.Amount
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// Receipt is a gift's receipt (捐赠收据). Donor is the name as the donor chose to be shown:
// empty for an anonymous gift; on the public check, masked as on the campaign's page.
type Receipt struct {
	Code           string     `json:"code"`
	ContributionID int64      `json:"contribution_id"`
	FundID         int64      `json:"fund_id"`
	FundName       string     `json:"fund_name"`
	CampaignID     int64      `json:"campaign_id"`
	CampaignTitle  string     `json:"campaign_title"`
	Donor          string     `json:"donor"`
	Anonymous      bool       `json:"anonymous"`
	Amount         int64      `json:"amount"`
	Refunded       int64      `json:"refunded"`
	Matched        int64      `json:"matched"`
	Currency       string     `json:"currency"`
	Channel        string     `json:"channel"`
	OfflineMethod  string     `json:"offline_method,omitempty"`
	ReceiptNo      string     `json:"receipt_no,omitempty"`
	Status         string     `json:"status"`
	Date           *time.Time `json:"date"`
}

// GiftReceipt returns a gift's receipt to its donor or to a worker of the fund's place. A
// gift that has not succeeded has none (404).
func (a *App) GiftReceipt(ctx context.Context, contributionID int64) (*Receipt, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	c, err := a.store.FindContribution(ctx, contributionID)
	if err != nil {
		return nil, err
	}
	camp, err := a.store.FindCampaign(ctx, c.CampaignID)
	if err != nil {
		return nil, err
	}
	t, f, err := a.campaignTarget(ctx, camp)
	if err != nil {
		return nil, err
	}
	t.OwnerID = deref(c.UserID)
	if err := Authorize(p, ActReceiptView, t); err != nil {
		return nil, err
	}
	if c.ReceiptCode == nil {
		return nil, NotFound("receipt")
	}
	r, err := a.receipt(ctx, c, camp, f)
	if err != nil {
		return nil, err
	}
	if !c.Anonymous {
		r.Donor = c.DonorName
	}
	return r, nil
}

// receiptVerifyPerMinute bounds the codes one address may check a minute. With 96-bit codes
// guessing is hopeless at any rate a server answers (2^96 / 120 a minute); the limit keeps the
// public form from being used to load the database, and is far above what a person types.
const receiptVerifyPerMinute = 120

// VerifyReceipt checks a receipt code for anyone (no sign-in): the receipt's public facts, or
// ENOTFOUND. client names the caller for the rate limit (their address).
func (a *App) VerifyReceipt(ctx context.Context, code, client string) (*Receipt, error) {
	if ok, err := a.AllowAttempt(ctx, receiptVerifyPerMinute, "receipt-verify:"+client); err != nil {
		return nil, err
	} else if !ok {
		return nil, Errorf(ERATELIMITED, "error.rate_limited")
	}
	code = NormalizeReceiptCode(code)
	if code == "" {
		return nil, NotFound("receipt")
	}
	c, err := a.store.FindContributionByReceipt(ctx, code)
	if err != nil {
		return nil, err
	}
	camp, err := a.store.FindCampaign(ctx, c.CampaignID)
	if err != nil {
		return nil, err
	}
	f, err := a.store.FindFund(ctx, camp.FundID)
	if err != nil {
		return nil, err
	}
	r, err := a.receipt(ctx, c, camp, f)
	if err != nil {
		return nil, err
	}
	if !c.Anonymous {
		r.Donor = MaskName(c.DonorName)
	}
	r.ReceiptNo = "" // the office's numbering is for the donor and the auditors
	return r, nil
}

func (a *App) receipt(ctx context.Context, c *Contribution, camp *Campaign, f *Fund) (*Receipt, error) {
	r := &Receipt{Code: FormatReceiptCode(deref(c.ReceiptCode)), ContributionID: c.ID, FundID: f.ID, FundName: f.Name,
		CampaignID: camp.ID, CampaignTitle: camp.Title, Anonymous: c.Anonymous, Amount: c.Amount, Refunded: c.Refunded,
		Currency: c.Currency, Channel: c.Channel, OfflineMethod: deref(c.OfflineMethod), ReceiptNo: deref(c.ReceiptNo),
		Status: c.Status, Date: c.SucceededAt}
	m, err := a.store.FindMatchByContribution(ctx, c.ID)
	switch {
	case err == nil:
		if m.Status != string(funds.MatchStatusReleased) {
			r.Matched = m.Amount
		}
	case !IsCode(err, ENOTFOUND):
		return nil, err
	}
	return r, nil
}
