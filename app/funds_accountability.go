package app

// The accountability view of projects (晒事): a query over the ledger, never a stored copy.

import (
	"context"
	"fmt"

	"github.com/wushe/wushe/funds"
)

// projectsAccountability sums the ledger entries of each project's campaigns (one query for
// every project given) with the funds engine's rules.
func (a *App) projectsAccountability(ctx context.Context, links map[int64]*ProjectLinks) (map[int64]AccountabilityFigures, error) {
	var campaigns []int64
	owner := map[int64]int64{}
	for pid, l := range links {
		for _, c := range l.CampaignIDs {
			campaigns = append(campaigns, c)
			owner[c] = pid
		}
	}
	byProject := map[int64][]funds.PostedEntry{}
	if len(campaigns) > 0 {
		es, err := a.store.CampaignEntries(ctx, campaigns)
		if err != nil {
			return nil, fmt.Errorf("campaign entries: %w", err)
		}
		for _, e := range es {
			acc, err := funds.ParseAccount(e.Account)
			if err != nil {
				return nil, fmt.Errorf("ledger entry %d: %w", e.ID, err)
			}
			pid := owner[acc.Campaign]
			byProject[pid] = append(byProject[pid], funds.PostedEntry{Kind: funds.TxKind(e.Kind),
				Entry: funds.Entry{Account: acc, Side: funds.Side(e.Side), Amount: funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}}})
		}
	}
	out := make(map[int64]AccountabilityFigures, len(links))
	for pid, l := range links {
		set := make(map[int64]bool, len(l.CampaignIDs))
		for _, c := range l.CampaignIDs {
			set[c] = true
		}
		acc, err := funds.ProjectAccountability(byProject[pid], set)
		if err != nil {
			return nil, fmt.Errorf("project %d: %w", pid, err)
		}
		f := AccountabilityFigures{Raised: map[string]int64{}, Matched: acc.Matched, Spent: acc.Spent, Left: acc.Left}
		for k, v := range acc.Raised {
			f.Raised[string(k)] = v
		}
		out[pid] = f
	}
	return out, nil
}

// ProjectMoneyTrail is the public accountability page of a project: the figures, the
// campaigns they come from and each paid disbursement with its evidence.
type ProjectMoneyTrail struct {
	Project       *ProjectView
	Figures       AccountabilityFigures
	Campaigns     []*Campaign
	Disbursements []*DisbursementLine
}

// DisbursementLine is one paid disbursement as the accountability page shows it.
type DisbursementLine struct {
	*Disbursement
	Payee    string
	Evidence []*DisbursementEvidence
}

// ProjectAccountability returns a project's money trail; it is open to everyone.
func (a *App) ProjectAccountability(ctx context.Context, id int64) (*ProjectMoneyTrail, error) {
	v, err := a.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &ProjectMoneyTrail{Project: v, Figures: v.Delivery.Accountability}
	if len(v.Delivery.CampaignIDs) == 0 {
		return out, nil
	}
	cs, _, err := a.store.FindCampaigns(ctx, CampaignFilter{ProjectID: &v.ID})
	if err != nil {
		return nil, fmt.Errorf("project %d campaigns: %w", id, err)
	}
	out.Campaigns = cs
	ds, err := a.store.FindPaidDisbursements(ctx, v.Delivery.CampaignIDs)
	if err != nil {
		return nil, fmt.Errorf("project %d disbursements: %w", id, err)
	}
	var orgIDs []int64
	for _, d := range ds {
		orgIDs = append(orgIDs, d.PayeeOrganizationID)
	}
	orgs, _, err := a.store.FindOrganizations(ctx, OrganizationFilter{IDs: dedupe(orgIDs)})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	ev, err := a.store.FindEvidenceOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("project %d evidence: %w", id, err)
	}
	for _, d := range ds {
		out.Disbursements = append(out.Disbursements, &DisbursementLine{Disbursement: d, Payee: names[d.PayeeOrganizationID], Evidence: ev[d.ID]})
	}
	return out, nil
}
