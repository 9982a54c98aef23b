package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// TenderOffices are the offices the principal may publish tenders for: streets (their
// civil-affairs officers, administrators) and communities (their workers, and officers of
// the street), each sorted by name.
type TenderOffices struct {
	Streets     []*Street
	Communities []*Community
}

// Any reports whether the principal may publish for some office.
func (o *TenderOffices) Any() bool { return len(o.Streets)+len(o.Communities) > 0 }

// MyTenderOffices lists the offices the principal may publish tenders for.
func (a *App) MyTenderOffices(ctx context.Context) (*TenderOffices, error) {
	out := &TenderOffices{}
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return out, nil
	}
	streets, err := a.Streets(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range streets {
		if Can(p, ActTenderManage, Target{StreetID: st.ID}) {
			out.Streets = append(out.Streets, st)
		}
	}
	for page := 1; ; page++ {
		cs, total, err := a.Communities(ctx, CommunityFilter{Page: Page{Page: page, PerPage: MaxPerPage}})
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			if Can(p, ActTenderManage, Target{StreetID: cm.StreetID, CommunityID: cm.ID}) {
				out.Communities = append(out.Communities, cm)
			}
		}
		if page*MaxPerPage >= total {
			break
		}
	}
	slices.SortFunc(out.Streets, func(x, y *Street) int { return strings.Compare(x.Name, y.Name) })
	slices.SortFunc(out.Communities, func(x, y *Community) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// TenderDesk is what the tenders list offers the principal beyond the list itself.
type TenderDesk struct {
	// CanCreate: the principal may publish for some office.
	CanCreate bool
	// Awardable are tenders past their deadline the principal may award, for a joint round.
	Awardable []*TenderView
}

// MyTenderDesk says whether the principal may create tenders and which they may award now.
func (a *App) MyTenderDesk(ctx context.Context) (*TenderDesk, error) {
	offices, err := a.MyTenderOffices(ctx)
	if err != nil {
		return nil, err
	}
	out := &TenderDesk{CanCreate: offices.Any()}
	if !out.CanCreate {
		return out, nil // awarding is managing: no office, nothing to award
	}
	ts, _, err := a.Tenders(ctx, TenderFilter{Statuses: []string{TenderPublished, TenderClosed}, Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.CanAward {
			out.Awardable = append(out.Awardable, t)
		}
	}
	return out, nil
}

// TenderPublisher names the office that published a tender: its community, else its street.
func (a *App) TenderPublisher(ctx context.Context, t *Tender) (string, error) {
	if t.CommunityID != nil {
		cm, err := a.Community(ctx, *t.CommunityID)
		if err != nil {
			return "", fmt.Errorf("tender %d publisher: %w", t.ID, err)
		}
		return cm.Name, nil
	}
	st, err := a.Street(ctx, t.StreetID)
	if err != nil {
		return "", fmt.Errorf("tender %d publisher: %w", t.ID, err)
	}
	return st.Name, nil
}
