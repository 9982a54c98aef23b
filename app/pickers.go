package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Choice is one option of a picker: a record's id and the words a person recognises it by.
// Pickers replace typed numeric ids: they list only what the user may choose.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// StaffRoles are the roles whose holders may be assigned a need or coordinate a task.
var StaffRoles = []Role{RoleGridWorker, RoleCommunityWorker, RoleCommittee}

// pickerLimit bounds a picker's list; a community has tens of staff, not thousands.
const pickerLimit = 300

// PickerStore finds the people a picker lists.
type PickerStore interface {
	// FindCommunityStaff lists users holding one of the roles in the community or one of its
	// grids, by name, at most limit.
	FindCommunityStaff(ctx context.Context, communityID int64, roles []Role, limit int) ([]*User, error)
}

// staffChoices lists the staff of a community as picker choices.
func (a *App) staffChoices(ctx context.Context, communityID int64) ([]Choice, error) {
	us, err := a.store.FindCommunityStaff(ctx, communityID, StaffRoles, pickerLimit)
	if err != nil {
		return nil, fmt.Errorf("staff of community %d: %w", communityID, err)
	}
	out := make([]Choice, len(us))
	for i, u := range us {
		out[i] = Choice{Value: strconv.FormatInt(u.ID, 10), Label: u.Name}
	}
	return out, nil
}

// isCommunityStaff reports whether a user is staff of the community, so an id sent by hand
// that the picker would not have listed is refused.
func (a *App) isCommunityStaff(ctx context.Context, communityID, userID int64) (bool, error) {
	us, err := a.store.FindCommunityStaff(ctx, communityID, StaffRoles, pickerLimit)
	if err != nil {
		return false, fmt.Errorf("staff of community %d: %w", communityID, err)
	}
	for _, u := range us {
		if u.ID == userID {
			return true, nil
		}
	}
	return false, nil
}

// ChoiceGroup is a labelled group of a picker's choices (an <optgroup>), such as one
// community's grids: the label tells apart grids of the same name in different communities.
type ChoiceGroup struct {
	Label   string   `json:"label"`
	Choices []Choice `json:"choices"`
}

// GridChoiceGroups lists grids grouped by community, in the store's order; with communityID,
// only that community's grids. Grids are public places, so anyone may see the list.
func (a *App) GridChoiceGroups(ctx context.Context, communityID *int64) ([]ChoiceGroup, error) {
	cf := CommunityFilter{Page: Page{Page: 1, PerPage: MaxPerPage}}
	if communityID != nil {
		cf.IDs = []int64{*communityID}
	}
	cs, _, err := a.store.FindCommunities(ctx, cf)
	if err != nil {
		return nil, fmt.Errorf("communities for the grid picker: %w", err)
	}
	byCommunity := map[int64][]Choice{}
	for page := 1; ; page++ {
		gs, total, err := a.store.FindGrids(ctx, GridFilter{CommunityID: communityID, Page: Page{Page: page, PerPage: MaxPerPage}})
		if err != nil {
			return nil, fmt.Errorf("grids for the grid picker: %w", err)
		}
		for _, g := range gs {
			byCommunity[g.CommunityID] = append(byCommunity[g.CommunityID], Choice{Value: strconv.FormatInt(g.ID, 10), Label: g.Name})
		}
		if len(gs) == 0 || page*MaxPerPage >= total {
			break
		}
	}
	var out []ChoiceGroup
	for _, cm := range cs {
		if gs := byCommunity[cm.ID]; len(gs) > 0 {
			out = append(out, ChoiceGroup{Label: cm.Name, Choices: gs})
		}
	}
	return out, nil
}

// TaskCoordinatorChoices lists, for each community where the principal may create tasks, the
// community's staff: a task's coordinator is one of them (CreateTask refuses anyone else).
func (a *App) TaskCoordinatorChoices(ctx context.Context) ([]ChoiceGroup, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil
	}
	cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, fmt.Errorf("communities for the coordinator picker: %w", err)
	}
	var out []ChoiceGroup
	for _, cm := range cs {
		if !Can(p, ActTaskManage, Target{StreetID: cm.StreetID, CommunityID: cm.ID}) {
			continue
		}
		staff, err := a.staffChoices(ctx, cm.ID)
		if err != nil {
			return nil, err
		}
		if len(staff) > 0 {
			out = append(out, ChoiceGroup{Label: cm.Name, Choices: staff})
		}
	}
	return out, nil
}

// OrganizationChoiceGroups lists registered organizations for a picker, grouped by home
// community (organizations with none, serving a street or the city, come first under
// cityWide), by name within a group, at most pickerLimit. Organizations are public records.
func (a *App) OrganizationChoiceGroups(ctx context.Context, cityWide string) ([]ChoiceGroup, error) {
	var orgs []*Organization
	for page := 1; len(orgs) < pickerLimit; page++ {
		os, total, err := a.store.FindOrganizations(ctx, OrganizationFilter{Page: Page{Page: page, PerPage: MaxPerPage}})
		if err != nil {
			return nil, fmt.Errorf("organizations for the picker: %w", err)
		}
		orgs = append(orgs, os...)
		if len(os) == 0 || page*MaxPerPage >= total {
			break
		}
	}
	var cids []int64
	for _, o := range orgs {
		if o.CommunityID != nil && !slices.Contains(cids, *o.CommunityID) {
			cids = append(cids, *o.CommunityID)
		}
	}
	var cs []*Community
	if len(cids) > 0 {
		var err error
		if cs, _, err = a.store.FindCommunities(ctx, CommunityFilter{IDs: cids, Page: Page{Page: 1, PerPage: len(cids)}}); err != nil {
			return nil, fmt.Errorf("communities for the organization picker: %w", err)
		}
	}
	slices.SortStableFunc(orgs, func(x, y *Organization) int { return strings.Compare(x.Name, y.Name) })
	byCommunity := map[int64][]Choice{}
	for _, o := range orgs {
		var cid int64
		if o.CommunityID != nil {
			cid = *o.CommunityID
		}
		byCommunity[cid] = append(byCommunity[cid], Choice{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
	}
	var out []ChoiceGroup
	if os := byCommunity[0]; len(os) > 0 {
		out = append(out, ChoiceGroup{Label: cityWide, Choices: os})
	}
	for _, cm := range cs {
		if os := byCommunity[cm.ID]; len(os) > 0 {
			out = append(out, ChoiceGroup{Label: cm.Name, Choices: os})
		}
	}
	return out, nil
}

// SupervisorChoices lists the social workers who may supervise others (senior or supervisor
// certification, as the social worker use cases require), by name, leaving out selfID.
func (a *App) SupervisorChoices(ctx context.Context, selfID int64) ([]Choice, error) {
	var out []Choice
	for _, level := range []string{"senior", "supervisor"} {
		for page := 1; len(out) < pickerLimit; page++ {
			ws, total, err := a.store.FindSocialWorkers(ctx, SocialWorkerFilter{CertificationLevel: &level, Page: Page{Page: page, PerPage: MaxPerPage}})
			if err != nil {
				return nil, fmt.Errorf("%s social workers for the supervisor picker: %w", level, err)
			}
			for _, w := range ws {
				if w.ID != selfID {
					out = append(out, Choice{Value: strconv.FormatInt(w.ID, 10), Label: w.Name})
				}
			}
			if len(ws) == 0 || page*MaxPerPage >= total {
				break
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Choice) int { return strings.Compare(x.Label, y.Label) })
	return out, nil
}
