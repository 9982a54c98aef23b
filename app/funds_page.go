package app

import (
	"context"
	"fmt"

	"github.com/wushe/wushe/funds"
)

// FundsPage is the funds list with the communities the principal may open a fund in.
type FundsPage struct {
	Funds []*FundView
	// Communities are where the principal may open a fund (ActFundManage), by id.
	Communities []*Community
}

// FundsDesk lists funds, optionally of one community, and where the principal may open one.
func (a *App) FundsDesk(ctx context.Context, communityID *int64) (*FundsPage, error) {
	fs, err := a.Funds(ctx, communityID)
	if err != nil {
		return nil, err
	}
	out := &FundsPage{Funds: fs}
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return out, nil
	}
	for page := 1; ; page++ {
		cs, total, err := a.Communities(ctx, CommunityFilter{Page: Page{Page: page, PerPage: MaxPerPage}})
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			if Can(p, ActFundManage, Target{StreetID: cm.StreetID, CommunityID: cm.ID}) {
				out.Communities = append(out.Communities, cm)
			}
		}
		if page*MaxPerPage >= total {
			return out, nil
		}
	}
}

// FundPage is what a fund's page shows.
type FundPage struct {
	Fund          *FundView
	Pools         []*PoolView
	Campaigns     []*CampaignView
	Summary       *LedgerSummary
	Disbursements []*DisbursementView
	// Flags are donors whose refunds took back matched money, for auditors (CanAudit).
	Flags []*DonorFlag
	// CampaignProjects are the community's approved (or under way) projects without an open or succeeded
	// campaign, for those who may open campaigns (CanCampaign).
	CampaignProjects []*Project
	// Disburse is set when the principal may ask to pay some payee from a succeeded campaign.
	Disburse *DisbursementOptions
}

// DisbursementOptions are what a disbursement request may name: a succeeded campaign of the
// fund and a payee the principal may request for (managers: any organization of the
// community; an organization's members: their own).
type DisbursementOptions struct {
	Campaigns []*CampaignView
	Payees    []*Organization
}

// fundPageRows bounds the campaigns, projects and organizations a fund's page lists.
const fundPageRows = 100

// FundDetail returns a fund with its pools, campaigns, ledger summary and disbursements, and
// what the principal may do with it: see donor flags, open a campaign, request a payment.
func (a *App) FundDetail(ctx context.Context, id int64) (*FundPage, error) {
	f, err := a.Fund(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &FundPage{Fund: f}
	for _, pid := range f.PoolIDs {
		pv, err := a.Pool(ctx, pid)
		if err != nil {
			return nil, err
		}
		out.Pools = append(out.Pools, pv)
	}
	if out.Campaigns, _, err = a.Campaigns(ctx, CampaignFilter{FundID: &f.ID, Page: Page{Page: 1, PerPage: fundPageRows}}); err != nil {
		return nil, err
	}
	if out.Summary, err = a.FundLedgerSummary(ctx, f.ID); err != nil {
		return nil, err
	}
	if out.Disbursements, err = a.Disbursements(ctx, f.ID, nil); err != nil {
		return nil, err
	}
	if f.CanAudit {
		if out.Flags, err = a.DonorFlags(ctx, f.ID); err != nil {
			return nil, err
		}
	}
	if f.CanCampaign {
		if out.CampaignProjects, err = a.campaignableProjects(ctx, f.CommunityID); err != nil {
			return nil, err
		}
	}
	if out.Disburse, err = a.disbursementOptions(ctx, f); err != nil {
		return nil, err
	}
	return out, nil
}

// campaignableProjects lists a community's approved projects that have no open or succeeded
// campaign in any of the community's funds (a campaign's project is always of its fund's
// community), with one query per fund rather than per project.
func (a *App) campaignableProjects(ctx context.Context, communityID int64) ([]*Project, error) {
	prs, _, err := a.store.FindProjects(ctx, ProjectFilter{CommunityID: &communityID, Statuses: []string{ProjectApproved, ProjectInProgress}, Page: Page{Page: 1, PerPage: fundPageRows}})
	if err != nil {
		return nil, fmt.Errorf("approved projects of community %d: %w", communityID, err)
	}
	if len(prs) == 0 {
		return nil, nil
	}
	fs, err := a.store.FindFunds(ctx, &communityID)
	if err != nil {
		return nil, err
	}
	taken := map[int64]bool{}
	live := []string{string(funds.CampaignOpen), string(funds.CampaignSucceeded)}
	for _, f := range fs {
		cs, _, err := a.store.FindCampaigns(ctx, CampaignFilter{FundID: &f.ID, Statuses: live}) // unpaged
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			taken[c.ProjectID] = true
		}
	}
	var out []*Project
	for _, pr := range prs {
		if !taken[pr.ID] {
			out = append(out, pr)
		}
	}
	return out, nil
}

// disbursementOptions lists what the principal may name in a disbursement request from the
// fund, or nil when there is nothing they could ask for.
func (a *App) disbursementOptions(ctx context.Context, f *FundView) (*DisbursementOptions, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil
	}
	t, err := a.fundTarget(ctx, f.Fund)
	if err != nil {
		return nil, err
	}
	orgs, _, err := a.store.FindOrganizations(ctx, OrganizationFilter{CommunityID: &f.CommunityID, Page: Page{Page: 1, PerPage: fundPageRows}})
	if err != nil {
		return nil, fmt.Errorf("payees of fund %d: %w", f.ID, err)
	}
	out := &DisbursementOptions{}
	for _, o := range orgs {
		pt := t
		pt.OrganizationID = o.ID
		if Can(p, ActDisbursementRequest, pt) {
			out.Payees = append(out.Payees, o)
		}
	}
	if len(out.Payees) == 0 {
		return nil, nil
	}
	succeeded := []string{string(funds.CampaignSucceeded)}
	if out.Campaigns, _, err = a.Campaigns(ctx, CampaignFilter{FundID: &f.ID, Statuses: succeeded, Page: Page{Page: 1, PerPage: fundPageRows}}); err != nil {
		return nil, err
	}
	if len(out.Campaigns) == 0 {
		return nil, nil
	}
	return out, nil
}

// CampaignPage is what a campaign's page shows.
type CampaignPage struct {
	Campaign *CampaignView
	Gifts    []DonorLine
	// Preview is what a gift of the amount asked about would earn now; nil when the amount
	// is not a valid gift.
	Preview *funds.Preview
	// Thanks is the donor's own contribution when they come back from paying, with the match
	// actually reserved for it.
	Thanks      *Contribution
	ThanksMatch int64
	// CanPledge offers the pledge form (认捐) to a signed-in user while the campaign is open;
	// MyPledges are their open pledges here, Pledges the ones waiting for a worker in scope.
	CanPledge bool
	MyPledges []*PledgeView
	Pledges   []*PledgeView
}

// CampaignPageInput is what the campaign page was asked: a gift amount to preview (fen) and,
// back from the payment page, the payment session.
type CampaignPageInput struct {
	Amount        int64
	ThanksSession string
}

// campaignGiftsShown bounds the gifts a campaign's page lists.
const campaignGiftsShown = 50

// CampaignDetail returns a campaign with its gifts, a match preview for the amount asked and,
// for the donor only, the contribution they just paid.
func (a *App) CampaignDetail(ctx context.Context, id int64, in CampaignPageInput) (*CampaignPage, error) {
	cv, err := a.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &CampaignPage{Campaign: cv}
	if out.Gifts, _, err = a.CampaignContributions(ctx, id, Page{Page: 1, PerPage: campaignGiftsShown}); err != nil {
		return nil, err
	}
	if in.Amount > 0 {
		pv, err := a.MatchPreview(ctx, id, in.Amount)
		switch {
		case err == nil:
			out.Preview = &pv
		case !IsCode(err, EINVALID):
			// The preview is a hint beside the form; the page stands without it.
			a.log.WarnContext(ctx, "campaign match preview", "campaign", id, "err", err)
		}
	}
	if err := a.campaignPagePledges(ctx, out); err != nil {
		return nil, err
	}
	if in.ThanksSession != "" {
		if err := a.thank(ctx, out, id, in.ThanksSession); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// thank fills in the donor's own contribution paid in the session, if it is theirs and for
// this campaign: nobody else learns what a session paid.
func (a *App) thank(ctx context.Context, out *CampaignPage, campaignID int64, session string) error {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil
	}
	ct, err := a.store.FindContributionByPayment(ctx, "", session)
	if IsCode(err, ENOTFOUND) {
		return nil
	} else if err != nil {
		return fmt.Errorf("contribution of session: %w", err)
	}
	if ct.CampaignID != campaignID || ct.UserID == nil || *ct.UserID != p.UserID() {
		return nil
	}
	out.Thanks = ct
	m, err := a.store.FindMatchByContribution(ctx, ct.ID)
	if IsCode(err, ENOTFOUND) {
		return nil
	} else if err != nil {
		return fmt.Errorf("match of contribution %d: %w", ct.ID, err)
	}
	out.ThanksMatch = m.Amount
	return nil
}

// CampaignOfContribution is the campaign a gift was made to, for sending a worker back to its
// page.
func (a *App) CampaignOfContribution(ctx context.Context, id int64) (int64, error) {
	ct, err := a.store.FindContribution(ctx, id)
	if err != nil {
		return 0, err
	}
	return ct.CampaignID, nil
}
