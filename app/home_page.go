package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/funds"
)

// Home page sizes: enough to show that things are moving, few enough for a phone.
const (
	homeCampaigns = 4
	homeProjects  = 6
	// The activity shows up to this many of each kind, so a busy week of resolved needs
	// does not hide the project completed ten days ago.
	homeResolvedNeeds     = 5
	homeCompletedProjects = 3
)

// HomePage is what the public home page shows: the promise figures, then what is happening
// now — open campaigns with their progress, projects in their current step of 友邻六事法 —
// and what was done lately (needs resolved, projects completed). Everything on it is public
// and shown as to the public, whoever is signed in: no private need details, no names.
type HomePage struct {
	OpenNeeds     int `json:"open_needs"`
	Overdue       int `json:"overdue_needs"`
	Volunteers    int `json:"volunteers"`
	Organizations int `json:"organizations"`

	Communities []*Community `json:"communities"`
	// Campaigns are open campaigns, newest first; CampaignsTotal counts every open one.
	Campaigns      []*CampaignView `json:"campaigns"`
	CampaignsTotal int             `json:"campaigns_total"`
	// Projects are projects under way (deliberating, voting, approved, in progress), most
	// recently moved first, each with its step.
	Projects      []HomeProject `json:"projects"`
	ProjectsTotal int           `json:"projects_total"`
	// Activity is the latest public outcomes, newest first.
	Activity []HomeActivity `json:"activity"`
}

// HomeProject is a project under way as the home page lists it.
type HomeProject struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Category  string `json:"category"`
	Community string `json:"community"`
	Status    string `json:"status"`
	// Step is the project's step in ProjectSteps ("deliberate", "decide", "do").
	Step             string `json:"step"`
	SupportsCount    int    `json:"supports_count"`
	SupportThreshold int    `json:"support_threshold"`
}

// Kinds of HomeActivity.
const (
	ActivityNeedResolved     = "need_resolved"
	ActivityProjectCompleted = "project_completed"
)

// HomeActivity is one public outcome: a resident's need resolved (its public title only, as
// on the public needs list) or a micro-project completed.
type HomeActivity struct {
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	Category  string    `json:"category"`
	Community string    `json:"community"`
	At        time.Time `json:"at"`
	Link      string    `json:"link"`
}

// projectsUnderWay are the statuses of projects between submission and completion.
var projectsUnderWay = []string{ProjectDeliberating, ProjectVoting, ProjectApproved, ProjectInProgress}

// Home computes the public home page.
func (a *App) Home(ctx context.Context) (*HomePage, error) {
	// The counts are figures in their own right: exact, however large (app.Page.Exact).
	one := Page{Page: 1, PerPage: 1, Exact: true}
	d := &HomePage{}
	var err error
	if d.Communities, _, err = a.Communities(ctx, CommunityFilter{Page: Page{Page: 1, PerPage: 50}}); err != nil {
		return nil, err
	}
	if _, d.OpenNeeds, err = a.store.FindNeeds(ctx, NeedFilter{Statuses: []string{NeedOpen, NeedInProgress}, Page: one, Now: a.Now()}); err != nil {
		return nil, err
	}
	if _, d.Overdue, err = a.store.FindNeeds(ctx, NeedFilter{Overdue: true, Page: one, Now: a.Now()}); err != nil {
		return nil, err
	}
	if _, d.Volunteers, err = a.Volunteers(ctx, VolunteerFilter{Page: one}); err != nil {
		return nil, err
	}
	if _, d.Organizations, err = a.Organizations(ctx, OrganizationFilter{Page: one}); err != nil {
		return nil, err
	}
	// Campaigns are public; the view adds progress (Percent) and what the viewer may do.
	if d.Campaigns, d.CampaignsTotal, err = a.Campaigns(ctx, CampaignFilter{Statuses: []string{string(funds.CampaignOpen)},
		Page: Page{Page: 1, PerPage: homeCampaigns, Exact: true}}); err != nil {
		return nil, fmt.Errorf("home campaigns: %w", err)
	}
	pl := a.places()
	prs, total, err := a.store.FindProjects(ctx, ProjectFilter{Statuses: projectsUnderWay, RecentFirst: true, Page: Page{Page: 1, PerPage: homeProjects, Exact: true}})
	if err != nil {
		return nil, fmt.Errorf("home projects: %w", err)
	}
	d.ProjectsTotal = total
	for _, pr := range prs {
		c, err := pl.community(ctx, pr.CommunityID)
		if err != nil {
			return nil, err
		}
		d.Projects = append(d.Projects, HomeProject{ID: pr.ID, Title: pr.Title, Category: pr.Category, Community: c.Name, Status: pr.Status,
			Step: ProjectSteps[ProjectStep(pr.Status)], SupportsCount: pr.SupportsCount, SupportThreshold: pr.SupportThreshold})
	}
	if d.Activity, err = a.homeActivity(ctx, pl); err != nil {
		return nil, err
	}
	return d, nil
}

// homeActivity merges the latest resolved needs and completed projects, newest first.
func (a *App) homeActivity(ctx context.Context, pl *places) ([]HomeActivity, error) {
	var out []HomeActivity
	ns, _, err := a.store.FindNeeds(ctx, NeedFilter{Statuses: []string{NeedResolved, NeedClosed}, ResolvedFirst: true, Now: a.Now(),
		Sensitive: &SensitiveFilter{}, // the public page: never a sensitive need (PIPL art. 28)
		Page:      Page{Page: 1, PerPage: homeResolvedNeeds}})
	if err != nil {
		return nil, fmt.Errorf("home needs: %w", err)
	}
	for _, n := range ns {
		if n.ResolvedAt == nil {
			continue
		}
		n = redactNeed(n) // as the public needs list shows it
		c, err := pl.community(ctx, n.CommunityID)
		if err != nil {
			return nil, err
		}
		out = append(out, HomeActivity{Kind: ActivityNeedResolved, Title: n.Title, Category: n.Category, Community: c.Name, At: *n.ResolvedAt,
			Link: fmt.Sprintf("/needs/%d", n.ID)})
	}
	prs, _, err := a.store.FindProjects(ctx, ProjectFilter{Statuses: []string{ProjectCompleted, ProjectEvaluated}, RecentFirst: true,
		Page: Page{Page: 1, PerPage: homeCompletedProjects}})
	if err != nil {
		return nil, fmt.Errorf("home completed projects: %w", err)
	}
	ids := make([]int64, len(prs))
	for i, pr := range prs {
		ids[i] = pr.ID
	}
	ds, err := a.store.FindDeliveries(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("home deliveries: %w", err)
	}
	for _, pr := range prs {
		at := pr.UpdatedAt
		if d := ds[pr.ID]; d != nil && d.CompletedAt != nil {
			at = *d.CompletedAt
		}
		c, err := pl.community(ctx, pr.CommunityID)
		if err != nil {
			return nil, err
		}
		out = append(out, HomeActivity{Kind: ActivityProjectCompleted, Title: pr.Title, Category: pr.Category, Community: c.Name, At: at,
			Link: fmt.Sprintf("/projects/%d/accountability", pr.ID)})
	}
	slices.SortStableFunc(out, func(x, y HomeActivity) int { return cmp.Compare(y.At.UnixNano(), x.At.UnixNano()) })
	return out, nil
}
