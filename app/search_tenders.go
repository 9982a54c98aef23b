package app

import (
	"context"

	"github.com/wushe/wushe/search"
)

// tenderDocuments indexes published tenders (drafts are the office's own): title, description,
// category, the covered communities' names, the budget ceiling and the bid deadline. A tender
// of one community carries that community for filters; a street tender covering several
// carries none (0) and is found by the communities' names in its tags. The status is as of
// indexing: a tender past its deadline is closed even before the close job records it.
func tenderDocuments(ctx context.Context, sc *SearchContext, ts []*Tender) ([]search.Document, error) {
	var cids []int64
	for _, t := range ts {
		cids = append(cids, t.CommunityIDs...)
		if t.CommunityID != nil {
			cids = append(cids, *t.CommunityID)
		}
	}
	if err := sc.Preload(ctx, nil, cids); err != nil {
		return nil, err
	}
	out := make([]search.Document, 0, len(ts))
	for _, t := range ts {
		if t.Status == TenderDraft {
			continue
		}
		tags, err := sc.CategoryTags(ctx, t.Category)
		if err != nil {
			return nil, err
		}
		for _, id := range t.CommunityIDs {
			if c := sc.communities[id]; c != nil {
				tags = append(tags, c.Name)
			}
		}
		var community int64
		switch {
		case t.CommunityID != nil:
			community = *t.CommunityID
		case len(t.CommunityIDs) == 1:
			community = t.CommunityIDs[0]
		}
		d := search.Document{Type: search.TypeTender, ID: t.ID, Title: t.Title, Body: t.Description, Tags: tags,
			CommunityID: community, Category: t.Category, Status: t.effectiveStatus(sc.a.Now()), CreatedAt: t.CreatedAt,
			EndsAt: t.BidDeadline, Amount: t.BudgetCeiling}
		if community != 0 {
			d.Kind = sc.CommunityKind(community)
			d.Location = sc.CommunityPoint(community)
		}
		out = append(out, d)
	}
	return out, nil
}
