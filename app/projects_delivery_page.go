package app

import (
	"context"
	"fmt"
	"time"
)

// ProjectDeliveryPage is the delivery section of a project's page: the plan, the linked work,
// the timeline and what this viewer may do (report as the deliverer, rate as a resident).
type ProjectDeliveryPage struct {
	Milestones []*ProjectMilestone
	Updates    []*ProjectUpdate
	Campaigns  []*Campaign
	Tasks      []*Task
	Tenders    []*Tender // published or later; drafts stay with their office
	Delivery   *ProjectDelivery
	Evidence   []string
	// CanDeliver: the viewer may plan milestones, post updates and complete the project.
	CanDeliver bool
	// CanRate: the viewer is a resident of the community and the rating window is open.
	CanRate bool
	// RatingOpen: the project is completed and its window has not closed.
	RatingOpen bool
	MyRating   *ProjectRating
	Now        time.Time
}

// projectDeliveryPage builds the delivery section for a project already visible to the viewer.
func (a *App) projectDeliveryPage(ctx context.Context, v *ProjectView) (*ProjectDeliveryPage, error) {
	p := PrincipalFrom(ctx)
	out := &ProjectDeliveryPage{Now: a.Now()}
	var err error
	if out.Milestones, err = a.store.FindMilestones(ctx, v.ID); err != nil {
		return nil, fmt.Errorf("project %d milestones: %w", v.ID, err)
	}
	if out.Updates, err = a.projectUpdates(ctx, v.ID); err != nil {
		return nil, err
	}
	if out.Delivery, err = a.delivery(ctx, v.ID); err != nil {
		return nil, err
	}
	out.Evidence = out.Delivery.Evidence()
	dv := v.Delivery
	if len(dv.CampaignIDs) > 0 {
		if out.Campaigns, _, err = a.store.FindCampaigns(ctx, CampaignFilter{ProjectID: &v.ID}); err != nil {
			return nil, err
		}
	}
	if len(dv.TaskIDs) > 0 {
		if out.Tasks, _, err = a.store.FindTasks(ctx, TaskFilter{IDs: dv.TaskIDs}); err != nil {
			return nil, err
		}
	}
	if len(dv.TenderIDs) > 0 {
		if out.Tenders, _, err = a.store.FindTenders(ctx, TenderFilter{IDs: dv.TenderIDs,
			Statuses: []string{TenderPublished, TenderClosed, TenderAwarded, TenderCancelled}}); err != nil {
			return nil, err
		}
	}
	t, err := a.communityTarget(ctx, v.CommunityID)
	if err != nil {
		return nil, err
	}
	out.CanDeliver = deliverable(v.Status) && Can(p, ActProjectDeliver, deliverTarget(v.Project, t))
	out.RatingOpen = v.Status == ProjectCompleted && out.Delivery.RatingEndsAt != nil && out.Now.Before(*out.Delivery.RatingEndsAt)
	if out.RatingOpen && p.Authenticated() {
		rt, err := a.residentTarget(ctx, p, v.CommunityID)
		if err != nil {
			return nil, err
		}
		out.CanRate = Can(p, ActProjectRate, rt)
	}
	if out.CanRate {
		if out.MyRating, err = a.myProjectRating(ctx, p, v.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NeedRatingPage is the satisfaction section of a need's page.
type NeedRatingPage struct {
	// CanRate: the viewer filed the need, it is resolved and this resolution is not rated yet.
	CanRate bool
	Ratings []*NeedRating // visible to the requester and the need's workers
}

// needRatingSection returns the satisfaction section of a need's page for the viewer.
func (a *App) needRatingSection(ctx context.Context, id int64) (*NeedRatingPage, error) {
	p := PrincipalFrom(ctx)
	out := &NeedRatingPage{}
	n, err := a.store.FindNeed(ctx, id) // unredacted: the requester decides who may rate
	if err != nil {
		return nil, err
	}
	t, err := a.places().needTarget(ctx, n)
	if err != nil {
		return nil, err
	}
	owner := n.RequesterID != nil && Can(p, ActNeedRate, Target{OwnerID: t.OwnerID})
	if !owner && !Can(p, ActNeedManage, t) {
		return out, nil
	}
	if out.Ratings, err = a.needRatings(ctx, n.ID); err != nil {
		return nil, err
	}
	if owner && n.Status == NeedResolved && n.ResolvedAt != nil {
		out.CanRate = true
		for _, r := range out.Ratings {
			if r.ResolvedAt.Equal(n.ResolvedAt.UTC()) {
				out.CanRate = false
			}
		}
	}
	return out, nil
}

// TenderProjectChoices lists the approved or under-way projects a tender of the principal's
// offices may buy (the project picker of the tender form), newest first, at most one page.
func (a *App) TenderProjectChoices(ctx context.Context) ([]*Project, error) {
	offices, err := a.MyTenderOffices(ctx)
	if err != nil || len(offices.Communities) == 0 {
		return nil, err
	}
	mine := map[int64]bool{}
	for _, c := range offices.Communities {
		mine[c.ID] = true
	}
	prs, _, err := a.store.FindProjects(ctx, ProjectFilter{Statuses: []string{ProjectApproved, ProjectInProgress}, Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, fmt.Errorf("tender project choices: %w", err)
	}
	var out []*Project
	for _, pr := range prs {
		if mine[pr.CommunityID] {
			out = append(out, pr)
		}
	}
	return out, nil
}

// TaskProjectChoices lists the approved or under-way projects the principal may staff with a
// task (the task form's project picker): those of places where they manage tasks.
func (a *App) TaskProjectChoices(ctx context.Context) ([]*Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil
	}
	prs, _, err := a.store.FindProjects(ctx, ProjectFilter{Statuses: []string{ProjectApproved, ProjectInProgress}, Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, fmt.Errorf("task project choices: %w", err)
	}
	pl := a.places()
	var out []*Project
	for _, pr := range prs {
		t, err := pl.communityTarget(ctx, pr.CommunityID)
		if err != nil {
			return nil, err
		}
		if Can(p, ActTaskManage, projectTarget(pr, t)) {
			out = append(out, pr)
		}
	}
	return out, nil
}
