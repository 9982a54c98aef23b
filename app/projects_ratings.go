package app

// Residents' ratings of completed projects (评事) and their roll-up per community.

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// ProjectRatingInput rates a completed project, 1–5 per criterion.
type ProjectRatingInput struct {
	Outcome    int    `json:"outcome" form:"outcome" validate:"gte=1,lte=5"`
	Timeliness int    `json:"timeliness" form:"timeliness" validate:"gte=1,lte=5"`
	Value      int    `json:"value" form:"value" validate:"gte=1,lte=5"`
	Comment    string `json:"comment" form:"comment" validate:"max=1000"`
}

// RateProject records a resident's rating of a completed project of their community, within
// the rating window. A second rating by the same resident replaces the first; created reports
// whether the rating is new. Refusals: 401 anonymous, 403 not a resident of the community,
// 409 before completion or after the window, 422 scores outside 1–5.
func (a *App) RateProject(ctx context.Context, id int64, in ProjectRatingInput) (r *ProjectRating, created bool, err error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, false, Unauthorized()
	}
	pv, err := a.Project(ctx, id) // settles a closed window first; drafts stay hidden
	if err != nil {
		return nil, false, err
	}
	pr := pv.Project
	t, err := a.residentTarget(ctx, p, pr.CommunityID)
	if err != nil {
		return nil, false, err
	}
	if err := Authorize(p, ActProjectRate, t); err != nil {
		return nil, false, err
	}
	fe := FieldErrors{}
	in.Comment = strings.TrimSpace(in.Comment)
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, false, err
	}
	switch pr.Status {
	case ProjectCompleted:
	case ProjectEvaluated:
		return nil, false, Errorf(ECONFLICT, "projects.error.rating_closed")
	default:
		return nil, false, Errorf(ECONFLICT, "projects.error.rating_not_completed", "status", pr.Status)
	}
	now := a.Now()
	r = &ProjectRating{ProjectID: pr.ID, CommunityID: pr.CommunityID, AuthorID: p.User.ID, Outcome: in.Outcome,
		Timeliness: in.Timeliness, Value: in.Value, Comment: in.Comment, CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if created, err = a.store.SaveProjectRating(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, "project.rated", "project", pr.ID, pr.CommunityID,
			map[string]any{"rating_id": r.ID, "outcome": in.Outcome, "timeliness": in.Timeliness, "value": in.Value, "replaced": !created})
	})
	if err != nil {
		return nil, false, err
	}
	return r, created, nil
}

// MyProjectRating returns the principal's rating of a project, or nil.
func (a *App) myProjectRating(ctx context.Context, p *Principal, projectID int64) (*ProjectRating, error) {
	if !p.Authenticated() {
		return nil, nil
	}
	r, err := a.store.FindProjectRating(ctx, projectID, p.User.ID)
	if IsCode(err, ENOTFOUND) {
		return nil, nil
	}
	return r, err
}

// RatedProject is one project's line in a community's roll-up.
type RatedProject struct {
	ID             int64         `json:"id"`
	Title          string        `json:"title"`
	Status         string        `json:"status"`
	OrganizationID *int64        `json:"organization_id"`
	Rating         RatingSummary `json:"rating"`
}

// CommunityRatings is the public roll-up of a community's project ratings (评价结果公开).
type CommunityRatings struct {
	CommunityID int64          `json:"community_id"`
	Community   string         `json:"community"`
	Projects    int            `json:"projects"` // completed or evaluated projects
	Rated       int            `json:"rated"`    // of which rated at least once
	Rating      RatingSummary  `json:"rating"`   // over every rating, each counted once
	Items       []RatedProject `json:"items"`    // best rated first
}

// CommunityProjectRatings rolls up the ratings of a community's completed projects.
func (a *App) CommunityProjectRatings(ctx context.Context, communityID int64) (*CommunityRatings, error) {
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if _, err := a.EvaluateDueProjects(ctx); err != nil {
		return nil, err
	}
	prs, _, err := a.store.FindProjects(ctx, ProjectFilter{CommunityID: &communityID,
		Statuses: []string{ProjectCompleted, ProjectEvaluated}, Page: Page{Page: 1, PerPage: 0}})
	if err != nil {
		return nil, fmt.Errorf("community %d rated projects: %w", communityID, err)
	}
	sums, err := a.store.CommunityRatingSums(ctx, communityID)
	if err != nil {
		return nil, err
	}
	out := &CommunityRatings{CommunityID: c.ID, Community: c.Name, Projects: len(prs), Items: []RatedProject{}}
	var all RatingSums
	for _, pr := range prs {
		s := sums[pr.ID]
		if s.Count > 0 {
			out.Rated++
		}
		all.Count += s.Count
		all.Outcome += s.Outcome
		all.Timeliness += s.Timeliness
		all.Value += s.Value
		out.Items = append(out.Items, RatedProject{ID: pr.ID, Title: pr.Title, Status: pr.Status, OrganizationID: pr.OrganizationID, Rating: s.Summary()})
	}
	out.Rating = all.Summary()
	sort.SliceStable(out.Items, func(i, j int) bool {
		oi, oj := out.Items[i].Rating.Overall, out.Items[j].Rating.Overall
		switch {
		case oi == nil:
			return false
		case oj == nil:
			return true
		}
		return *oi > *oj
	})
	return out, nil
}

// organizationStats is an organization's resident evaluations joined with the ratings of the
// projects it delivered (each project rating counts as one evaluation with the mean of its
// three criteria), so project ratings feed the scorecard and the ranker's reputation. ids nil
// means every organization.
func (a *App) organizationStats(ctx context.Context, ids []int64) (map[int64]EvaluationStat, error) {
	ev, err := a.store.EvaluationStats(ctx, "organization", ids)
	if err != nil {
		return nil, err
	}
	pr, err := a.store.OrganizationProjectRatings(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("organization project ratings: %w", err)
	}
	for id, p := range pr {
		e := ev[id]
		n := e.Count + p.Count
		ev[id] = EvaluationStat{Count: n, Mean: (e.Mean*float64(e.Count) + p.Mean*float64(p.Count)) / float64(n)}
	}
	return ev, nil
}
