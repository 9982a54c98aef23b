package app

import (
	"context"

	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/search"
)

// campaignDocuments indexes crowdfunding campaigns with their project's description, category
// and place, the goal and the deadline; never who gave. A draft campaign is not public.
func campaignDocuments(ctx context.Context, sc *SearchContext, cs []*Campaign) ([]search.Document, error) {
	var pids []int64
	for _, c := range cs {
		pids = append(pids, c.ProjectID)
	}
	projects := map[int64]*Project{}
	if len(pids) > 0 {
		ps, _, err := sc.a.store.FindProjects(ctx, ProjectFilter{IDs: pids}) // unpaged: no count
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			projects[p.ID] = p
		}
	}
	var gids, cids []int64
	for _, p := range projects {
		gids, cids = append(gids, deref(p.GridID)), append(cids, p.CommunityID)
	}
	if err := sc.Preload(ctx, gids, cids); err != nil {
		return nil, err
	}
	out := make([]search.Document, 0, len(cs))
	for _, c := range cs {
		p := projects[c.ProjectID]
		if c.Status == string(funds.CampaignDraft) || p == nil {
			continue
		}
		tags, err := sc.CategoryTags(ctx, p.Category)
		if err != nil {
			return nil, err
		}
		out = append(out, search.Document{Type: search.TypeCampaign, ID: c.ID, Title: c.Title, Body: p.Description, Tags: tags,
			CommunityID: p.CommunityID, GridID: deref(p.GridID), Category: p.Category, Status: c.Status, Kind: c.Mode,
			CreatedAt: c.CreatedAt, EndsAt: c.Deadline, Amount: c.Goal, Location: sc.GridPoint(deref(p.GridID), p.CommunityID)})
	}
	return out, nil
}
