package app

import (
	"context"
	"fmt"
	"time"
)

// Dashboards (issue 13, docs/metrics.md): figures of a community, a street or every
// community in the caller's scope, over a period of local dates. Each figure is an aggregate
// query in the store, grouped by grid or community; this file only adds the groups up.

// DashboardPeriod is a period of local dates, To inclusive.
type DashboardPeriod struct {
	From, To string // 2006-01-02
	// Start and End are the period's bounds in UTC: [Start, End).
	Start, End time.Time `json:"-"`
}

// NeedTierCounts counts needs of one grid and tier.
type NeedTierCounts struct {
	GridID      int64
	CommunityID int64
	Tier        string
	Filed       int
	Resolved    int
	OnTime      int
}

// GridLoad is a grid's households, workers and open and overdue needs now.
type GridLoad struct {
	GridID      int64
	CommunityID int64
	Name        string
	Households  int
	Workers     int
	OpenNow     int
	OverdueNow  int
}

// DashboardRaw is what the store aggregates for a set of communities and a period.
type DashboardRaw struct {
	Needs []NeedTierCounts
	Grids []GridLoad
	// MedianResolveHours is the median resolve time of the resolved needs filed in the
	// period; nil when there are none.
	MedianResolveHours *float64
	Escalations        int
	Social             int64
	Government         int64
	Volunteers         int
	Minutes            int64
	// Linkage parts: whether each party took part in the period.
	WorkersResolved  int // needs resolved by community and grid workers
	OrgsEngaged      int // organizations awarded tenders or paid disbursements
	SocialWorkersIn  int // social workers on awarded bids
	VolunteersActive int // volunteers with approved hours
	DonorsGave       int // gifts received
}

// DashboardStore aggregates dashboard figures.
type DashboardStore interface {
	DashboardFigures(ctx context.Context, communityIDs []int64, start, end, now time.Time) (*DashboardRaw, error)
}

// OnTime is the share of resolved needs resolved by their due time, per tier; nil when none.
type OnTime struct {
	Minor *float64 `json:"minor"`
	Major *float64 `json:"major"`
	Hard  *float64 `json:"hard"`
	All   *float64 `json:"all"`
}

// NeedFigures are the needs figures of a dashboard.
type NeedFigures struct {
	Filed              int      `json:"filed"`
	Resolved           int      `json:"resolved"`
	OnTime             OnTime   `json:"on_time"`
	MedianResolveHours *float64 `json:"median_resolve_hours"`
	Escalations        int      `json:"escalations"`
	OverdueNow         int      `json:"overdue_now"`
}

// FundFigures are money figures in fen; Leverage is social ÷ government (nil when 0).
type FundFigures struct {
	Social     int64    `json:"social"`
	Government int64    `json:"government"`
	Leverage   *float64 `json:"leverage"`
}

// VolunteerFigures are volunteers active in the period and their approved hours.
type VolunteerFigures struct {
	Active  int     `json:"active"`
	Hours   float64 `json:"hours"`
	Minutes int64   `json:"minutes"`
}

// LinkagePart is one of the five parties and whether it took part.
type LinkagePart struct {
	Party  string `json:"party"`
	Count  int    `json:"count"`
	Joined bool   `json:"joined"`
}

// GridFigures are one grid's figures.
type GridFigures struct {
	GridID              int64    `json:"grid_id"`
	CommunityID         int64    `json:"community_id"`
	Name                string   `json:"name"`
	Filed               int      `json:"filed"`
	Resolved            int      `json:"resolved"`
	OnTime              *float64 `json:"on_time"`
	OverdueNow          int      `json:"overdue_now"`
	OpenNow             int      `json:"open_now"`
	Workers             int      `json:"workers"`
	Households          int      `json:"households"`
	OpenPerWorker       *float64 `json:"open_per_worker"`
	HouseholdsPerWorker *float64 `json:"households_per_worker"`
}

// Dashboard is every figure of a place over a period.
type Dashboard struct {
	Scope        string           `json:"scope"` // community, street, city
	ID           int64            `json:"id,omitempty"`
	Name         string           `json:"name"`
	Period       DashboardPeriod  `json:"period"`
	Communities  int              `json:"communities"`
	Needs        NeedFigures      `json:"needs"`
	Funds        FundFigures      `json:"funds"`
	Volunteers   VolunteerFigures `json:"volunteers"`
	LinkageIndex int              `json:"linkage_index"`
	LinkageParts []LinkagePart    `json:"linkage_parts"`
	ByGrid       []GridFigures    `json:"by_grid"`
}

// ParsePeriod reads from and to (local dates, to inclusive); both empty mean this month.
func (a *App) ParsePeriod(from, to string) (DashboardPeriod, error) {
	now := a.Now().In(a.loc)
	fe := FieldErrors{}
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, a.loc)
	end := start.AddDate(0, 1, 0)
	if from != "" {
		t, err := time.ParseInLocation("2006-01-02", from, a.loc)
		if err != nil {
			fe.Add("from", "dashboard.error.date")
		}
		start = t
	}
	if to != "" {
		t, err := time.ParseInLocation("2006-01-02", to, a.loc)
		if err != nil {
			fe.Add("to", "dashboard.error.date")
		}
		end = t.AddDate(0, 0, 1)
	}
	if err := fe.Err(); err != nil {
		return DashboardPeriod{}, err
	}
	if !end.After(start) {
		return DashboardPeriod{}, FieldErrors{"to": Msg("dashboard.error.period")}.Err()
	}
	if end.Sub(start) > 3*366*24*time.Hour {
		return DashboardPeriod{}, FieldErrors{"to": Msg("dashboard.error.too_long")}.Err()
	}
	return DashboardPeriod{From: start.Format("2006-01-02"), To: end.AddDate(0, 0, -1).Format("2006-01-02"), Start: start.UTC(), End: end.UTC()}, nil
}

// CommunityDashboard is a community's full dashboard, for those who answer for it.
func (a *App) CommunityDashboard(ctx context.Context, id int64, p DashboardPeriod) (*Dashboard, error) {
	t, err := a.communityTarget(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActDashboardView, t); err != nil {
		return nil, err
	}
	c, err := a.store.FindCommunity(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := a.dashboard(ctx, []int64{id}, p)
	if err != nil {
		return nil, err
	}
	d.Scope, d.ID, d.Name = "community", id, c.Name
	return d, nil
}

// StreetDashboard rolls up the communities of a street.
func (a *App) StreetDashboard(ctx context.Context, id int64, p DashboardPeriod) (*Dashboard, error) {
	st, err := a.store.FindStreet(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActDashboardView, Target{StreetID: id}); err != nil {
		return nil, err
	}
	cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{StreetID: &id, Page: Page{Page: 1, PerPage: 100000}})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	d, err := a.dashboard(ctx, ids, p)
	if err != nil {
		return nil, err
	}
	d.Scope, d.ID, d.Name = "street", id, st.Name
	return d, nil
}

// CityDashboard rolls up every community in the caller's scope (all of them for an admin or
// a city-wide officer).
func (a *App) CityDashboard(ctx context.Context, p DashboardPeriod) (*Dashboard, error) {
	pr := PrincipalFrom(ctx)
	if err := Authorize(pr, ActDashboardCity, Target{}); err != nil {
		return nil, err
	}
	cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{Page: Page{Page: 1, PerPage: 100000}})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range cs {
		if Can(pr, ActDashboardView, Target{StreetID: c.StreetID, CommunityID: c.ID}) {
			ids = append(ids, c.ID)
		}
	}
	d, err := a.dashboard(ctx, ids, p)
	if err != nil {
		return nil, err
	}
	d.Scope = "city"
	return d, nil
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

// dashboard adds up the store's groups for a set of communities.
func (a *App) dashboard(ctx context.Context, ids []int64, p DashboardPeriod) (*Dashboard, error) {
	d := &Dashboard{Period: p, Communities: len(ids), ByGrid: []GridFigures{}}
	if len(ids) == 0 {
		d.LinkageParts = linkageParts(&DashboardRaw{})
		return d, nil
	}
	raw, err := a.store.DashboardFigures(ctx, ids, p.Start, p.End, a.Now())
	if err != nil {
		return nil, fmt.Errorf("dashboard figures: %w", err)
	}
	type tally struct{ filed, resolved, onTime int }
	tiers := map[string]*tally{TierMinor: {}, TierMajor: {}, TierHard: {}}
	grids := map[int64]*tally{}
	all := &tally{}
	for _, r := range raw.Needs {
		for _, t := range []*tally{tiers[r.Tier], all} {
			if t != nil {
				t.filed, t.resolved, t.onTime = t.filed+r.Filed, t.resolved+r.Resolved, t.onTime+r.OnTime
			}
		}
		g := grids[r.GridID]
		if g == nil {
			g = &tally{}
			grids[r.GridID] = g
		}
		g.filed, g.resolved, g.onTime = g.filed+r.Filed, g.resolved+r.Resolved, g.onTime+r.OnTime
	}
	d.Needs.Filed, d.Needs.Resolved = all.filed, all.resolved
	d.Needs.OnTime = OnTime{Minor: ratio(tiers[TierMinor].onTime, tiers[TierMinor].resolved), Major: ratio(tiers[TierMajor].onTime, tiers[TierMajor].resolved),
		Hard: ratio(tiers[TierHard].onTime, tiers[TierHard].resolved), All: ratio(all.onTime, all.resolved)}
	d.Needs.MedianResolveHours = raw.MedianResolveHours
	d.Needs.Escalations = raw.Escalations
	for _, g := range raw.Grids {
		d.Needs.OverdueNow += g.OverdueNow
		t := grids[g.GridID]
		if t == nil {
			t = &tally{}
		}
		gf := GridFigures{GridID: g.GridID, CommunityID: g.CommunityID, Name: g.Name, Filed: t.filed, Resolved: t.resolved,
			OnTime: ratio(t.onTime, t.resolved), OverdueNow: g.OverdueNow, OpenNow: g.OpenNow, Workers: g.Workers, Households: g.Households,
			OpenPerWorker: ratio(g.OpenNow, g.Workers), HouseholdsPerWorker: ratio(g.Households, g.Workers)}
		d.ByGrid = append(d.ByGrid, gf)
	}
	d.Funds = FundFigures{Social: raw.Social, Government: raw.Government}
	if raw.Government != 0 {
		v := float64(raw.Social) / float64(raw.Government)
		d.Funds.Leverage = &v
	}
	d.Volunteers = VolunteerFigures{Active: raw.Volunteers, Minutes: raw.Minutes, Hours: float64(raw.Minutes) / 60}
	d.LinkageParts = linkageParts(raw)
	for _, pt := range d.LinkageParts {
		if pt.Joined {
			d.LinkageIndex += 20
		}
	}
	return d, nil
}

// linkageParts are the five parties of 五社联动 and whether each took part in the period
// (docs/metrics.md, "Five-party linkage index").
func linkageParts(r *DashboardRaw) []LinkagePart {
	parts := []LinkagePart{
		{Party: "community", Count: r.WorkersResolved},
		{Party: "social_workers", Count: r.SocialWorkersIn},
		{Party: "social_organizations", Count: r.OrgsEngaged},
		{Party: "volunteers", Count: r.VolunteersActive},
		{Party: "charity_resources", Count: r.DonorsGave},
	}
	for i := range parts {
		parts[i].Joined = parts[i].Count > 0
	}
	return parts
}
