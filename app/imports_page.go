package app

// Page use cases of imports, the love supermarket and data rights: what each page shows
// and offers, computed with Can so templates and handlers never decide.

import (
	"context"
	"fmt"
	"strconv"
)

// ImportDesk lists the communities the principal may import into, as picker choices.
func (a *App) ImportDesk(ctx context.Context) ([]Choice, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var out []Choice
	for page := 1; ; page++ {
		cs, total, err := a.Communities(ctx, CommunityFilter{Page: Page{Page: page, PerPage: MaxPerPage}})
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			if Can(p, ActImportManage, Target{StreetID: cm.StreetID, CommunityID: cm.ID}) {
				out = append(out, Choice{Value: strconv.FormatInt(cm.ID, 10), Label: cm.Name})
			}
		}
		if page*MaxPerPage >= total {
			break
		}
	}
	if len(out) == 0 {
		return nil, Forbidden()
	}
	return out, nil
}

// PointsPage is what the points pages show: accounts with their history and redemptions,
// and the names of the items redeemed.
type PointsPage struct {
	Accounts  []*PointsAccount
	ItemNames map[int64]string
}

// itemNames names the items of the communities the accounts belong to (one query per
// community: a person holds points in one or two).
func (a *App) itemNames(ctx context.Context, accs []*PointsAccount) (map[int64]string, error) {
	names := map[int64]string{}
	seen := map[int64]bool{}
	for _, acc := range accs {
		cid := acc.Volunteer.CommunityID
		if seen[cid] {
			continue
		}
		seen[cid] = true
		items, err := a.store.FindShopItems(ctx, &cid, nil)
		if err != nil {
			return nil, fmt.Errorf("shelf of community %d: %w", cid, err)
		}
		for _, it := range items {
			names[it.ID] = it.Name
		}
	}
	return names, nil
}

// MyPointsPage is the signed-in user's points page.
func (a *App) MyPointsPage(ctx context.Context) (*PointsPage, error) {
	accs, err := a.MyPoints(ctx)
	if err != nil {
		return nil, err
	}
	names, err := a.itemNames(ctx, accs)
	return &PointsPage{Accounts: accs, ItemNames: names}, err
}

// VolunteerPointsPage is one holder's points page: the holder's view, or the counter's
// (award points, hand goods over) for the community's workers.
func (a *App) VolunteerPointsPage(ctx context.Context, volunteerID int64) (*PointsPage, error) {
	acc, err := a.VolunteerPoints(ctx, volunteerID)
	if err != nil {
		return nil, err
	}
	accs := []*PointsAccount{acc}
	names, err := a.itemNames(ctx, accs)
	return &PointsPage{Accounts: accs, ItemNames: names}, err
}

// ShopPage is the love supermarket's shelf with what the signed-in user holds to spend.
type ShopPage struct {
	Items []*ShopItem
	// Balances are the user's points by community (absent: no volunteer profile there).
	Balances map[int64]int64
	// Liability is the community's points ledger, for its workers and committee.
	Liability *PointsLiability
}

// Shop lists a community's shelf (or every community's), the user's balances and, for the
// community's managers, its points liability.
func (a *App) Shop(ctx context.Context, communityID *int64) (*ShopPage, error) {
	items, err := a.ShopItems(ctx, communityID, nil)
	if err != nil {
		return nil, err
	}
	out := &ShopPage{Items: items, Balances: map[int64]int64{}}
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return out, nil
	}
	accs, err := a.MyPoints(ctx)
	if err != nil {
		return nil, err
	}
	for _, acc := range accs {
		out.Balances[acc.Volunteer.CommunityID] += acc.Balance
	}
	if communityID != nil {
		t, err := a.communityTarget(ctx, *communityID)
		if err != nil {
			return nil, err
		}
		if Can(p, ActPointsLedger, t) {
			if out.Liability, err = a.CommunityPointsLiability(ctx, *communityID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// MyDataPage is what the "my data" page shows: how many rows of each kind Wushe holds,
// and whether the current privacy notice still needs the user's consent.
type MyDataPage struct {
	Counts map[string]int
	// Sections are every row held, readable: the page shows them all.
	Sections       []MyDataSection
	ConsentNeeded  bool
	NoticeVersion  int
	ConsentVersion int
}

// MyDataSummary counts what Wushe holds about the signed-in user, by section.
func (a *App) MyDataSummary(ctx context.Context) (*MyDataPage, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActDataRights, Target{}); err != nil {
		return nil, err
	}
	secs, err := a.store.PersonalData(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	out := &MyDataPage{Counts: map[string]int{}, NoticeVersion: PrivacyNoticeVersion}
	for k, rows := range secs {
		out.Counts[k] = len(rows)
	}
	out.Sections = dataTables(secs, a.loc)
	if out.ConsentVersion, err = a.store.LatestConsent(ctx, p.User.ID); err != nil {
		return nil, err
	}
	out.ConsentNeeded = out.ConsentVersion < PrivacyNoticeVersion
	return out, nil
}
