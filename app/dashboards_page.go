package app

import (
	"context"
	"time"
)

// DashboardPreset is one of the period selector's quick choices.
type DashboardPreset struct {
	Key      string // month, quarter, year
	From, To string
}

// DashboardPresets are this month, this quarter and this year in local dates, so the period
// selector offers them without the page computing dates.
func (a *App) DashboardPresets() []DashboardPreset {
	now := a.Now().In(a.loc)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, a.loc)
	quarter := time.Date(now.Year(), ((now.Month()-1)/3)*3+1, 1, 0, 0, 0, 0, a.loc)
	year := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, a.loc)
	p := func(key string, start, next time.Time) DashboardPreset {
		return DashboardPreset{Key: key, From: start.Format("2006-01-02"), To: next.AddDate(0, 0, -1).Format("2006-01-02")}
	}
	return []DashboardPreset{p("month", month, month.AddDate(0, 1, 0)), p("quarter", quarter, quarter.AddDate(0, 3, 0)), p("year", year, year.AddDate(1, 0, 0))}
}

// DashboardIndex lists the dashboards the caller may open: the communities and streets of
// their scope and whether they see the city roll-up.
type DashboardIndex struct {
	Communities []*Community
	Streets     []*Street
	City        bool
}

// Dashboards is the index of the caller's dashboards; ErrForbidden when there is none.
func (a *App) Dashboards(ctx context.Context) (*DashboardIndex, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{Page: Page{Page: 1, PerPage: 100000}})
	if err != nil {
		return nil, err
	}
	sts, err := a.store.ListStreets(ctx)
	if err != nil {
		return nil, err
	}
	out := &DashboardIndex{City: Can(p, ActDashboardCity, Target{})}
	for _, c := range cs {
		if Can(p, ActDashboardView, Target{StreetID: c.StreetID, CommunityID: c.ID}) {
			out.Communities = append(out.Communities, c)
		}
	}
	for _, st := range sts {
		if Can(p, ActDashboardView, Target{StreetID: st.ID}) {
			out.Streets = append(out.Streets, st)
		}
	}
	if !out.City && len(out.Communities) == 0 && len(out.Streets) == 0 {
		return nil, Forbidden()
	}
	return out, nil
}

// MayViewDashboards reports whether the navigation should offer dashboards: the principal
// holds a role that reads some dashboard (the index then lists which).
func MayViewDashboards(p *Principal) bool {
	if !p.Authenticated() || p.User.Disabled {
		return false
	}
	for _, m := range p.Memberships {
		for _, act := range []Action{ActDashboardView, ActDashboardCity} {
			for _, r := range policy[act].roles {
				if m.Role == r {
					return true
				}
			}
		}
	}
	return false
}

// CommunitySummary is the public summary of a community (issue 13): this year's figures
// anyone may read — needs filed and resolved with the on-time rate, social money against the
// government's match and the leverage, volunteers and their hours, the linkage index — from
// the same computation as the dashboard, without the by-grid workload or anything personal.
func (a *App) CommunitySummary(ctx context.Context, id int64) (*Dashboard, error) {
	if err := Authorize(PrincipalFrom(ctx), ActPublicRead, Target{}); err != nil {
		return nil, err
	}
	c, err := a.store.FindCommunity(ctx, id)
	if err != nil {
		return nil, err
	}
	year := a.DashboardPresets()[2]
	p, err := a.ParsePeriod(year.From, year.To)
	if err != nil {
		return nil, err
	}
	d, err := a.dashboard(ctx, []int64{id}, p)
	if err != nil {
		return nil, err
	}
	return &Dashboard{Scope: "community", ID: id, Name: c.Name, Period: d.Period, Communities: 1,
		Needs: NeedFigures{Filed: d.Needs.Filed, Resolved: d.Needs.Resolved, OnTime: d.Needs.OnTime},
		Funds: d.Funds, Volunteers: d.Volunteers, LinkageIndex: d.LinkageIndex, LinkageParts: d.LinkageParts}, nil
}

// SummaryNeeds are the public needs figures: how many were filed and resolved this year and
// the on-time rate (per tier and all tiers).
type SummaryNeeds struct {
	Filed    int    `json:"filed"`
	Resolved int    `json:"resolved"`
	OnTime   OnTime `json:"on_time"`
}

// PublicSummary is a community's public summary as JSON (GET
// /api/v1/communities/{id}/summary): the figures of the public page and nothing else — no
// by-grid rows, escalations, overdue count or median. Field names are the dashboard's.
type PublicSummary struct {
	ID           int64            `json:"id"`
	Name         string           `json:"name"`
	Period       DashboardPeriod  `json:"period"`
	Needs        SummaryNeeds     `json:"needs"`
	Funds        FundFigures      `json:"funds"`
	Volunteers   VolunteerFigures `json:"volunteers"`
	LinkageIndex int              `json:"linkage_index"`
	LinkageParts []LinkagePart    `json:"linkage_parts"`
}

// Public is the public subset of a dashboard (what CommunitySummary keeps), for the JSON API.
func (d *Dashboard) Public() *PublicSummary {
	return &PublicSummary{ID: d.ID, Name: d.Name, Period: d.Period,
		Needs: SummaryNeeds{Filed: d.Needs.Filed, Resolved: d.Needs.Resolved, OnTime: d.Needs.OnTime},
		Funds: d.Funds, Volunteers: d.Volunteers, LinkageIndex: d.LinkageIndex, LinkageParts: d.LinkageParts}
}
