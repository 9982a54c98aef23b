package app

import (
	"context"
	"fmt"
	"strconv"
)

// GridWorkerRoles are the roles whose holders a grid's worker is chosen from: the community's
// grid workers (of any of its grids) and community workers.
var GridWorkerRoles = []Role{RoleGridWorker, RoleCommunityWorker}

// GridWorkerChoices lists, for each community where the principal may manage grids (only
// communityID's when given), the community's workers: a grid's worker is one of them
// (CreateGrid and UpdateGrid refuse anyone else). Choice: workers, not every resident — a
// newly hired worker is first given a role in the community on the admin's user page; saving
// the grid then makes them its grid worker.
func (a *App) GridWorkerChoices(ctx context.Context, communityID *int64) ([]ChoiceGroup, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil
	}
	cf := CommunityFilter{Page: Page{Page: 1, PerPage: MaxPerPage}}
	if communityID != nil && *communityID != 0 {
		cf.IDs = []int64{*communityID}
	}
	cs, _, err := a.store.FindCommunities(ctx, cf)
	if err != nil {
		return nil, fmt.Errorf("communities for the grid worker picker: %w", err)
	}
	var out []ChoiceGroup
	for _, cm := range cs {
		if !Can(p, ActGridManage, Target{StreetID: cm.StreetID, CommunityID: cm.ID}) {
			continue
		}
		us, err := a.store.FindCommunityStaff(ctx, cm.ID, GridWorkerRoles, pickerLimit)
		if err != nil {
			return nil, fmt.Errorf("workers of community %d: %w", cm.ID, err)
		}
		if len(us) == 0 {
			continue
		}
		g := ChoiceGroup{Label: cm.Name}
		for _, u := range us {
			g.Choices = append(g.Choices, Choice{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
		out = append(out, g)
	}
	return out, nil
}

// isGridWorkerChoice reports whether a user is one of the community's workers, so a worker id
// sent by hand that the picker would not have listed is refused.
func (a *App) isGridWorkerChoice(ctx context.Context, communityID, userID int64) (bool, error) {
	us, err := a.store.FindCommunityStaff(ctx, communityID, GridWorkerRoles, pickerLimit)
	if err != nil {
		return false, fmt.Errorf("workers of community %d: %w", communityID, err)
	}
	for _, u := range us {
		if u.ID == userID {
			return true, nil
		}
	}
	return false, nil
}
