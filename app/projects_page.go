package app

import (
	"context"
	"fmt"
)

// ProjectPage is what a project's page shows.
type ProjectPage struct {
	Project      *ProjectView
	Community    *Community
	Organization *OrganizationView // the organization carrying it out, if any
	// Proposer is the proposer's name, masked: the page is public.
	Proposer string
	// Candidates is set once the project is submitted, for those who may see rankings.
	Candidates *CandidatePreview
	// Deliberation is what steps 1–3 show (app/projects_deliberation_page.go).
	Deliberation *ProjectDeliberationPage
	// Delivery is steps 4–6: plan, linked work, timeline, rating (issue 11).
	Delivery *ProjectDeliveryPage
}

// ProjectDetail returns a project with its place, its organization, its proposer's masked
// name and, past the draft, its top candidates for workers who rank.
func (a *App) ProjectDetail(ctx context.Context, id int64) (*ProjectPage, error) {
	pr, err := a.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &ProjectPage{Project: pr}
	if out.Community, err = a.Community(ctx, pr.CommunityID); err != nil {
		return nil, err
	}
	if pr.OrganizationID != nil {
		if out.Organization, err = a.Organization(ctx, *pr.OrganizationID); err != nil {
			return nil, err
		}
	}
	u, err := a.store.FindUser(ctx, pr.ProposerID)
	if err != nil && !IsCode(err, ENOTFOUND) {
		return nil, fmt.Errorf("project %d proposer: %w", pr.ID, err)
	}
	if u != nil {
		out.Proposer = MaskName(u.Name)
	}
	if pr.Status != ProjectDraft {
		place := Target{StreetID: out.Community.StreetID, CommunityID: pr.CommunityID}
		if pr.GridID != nil {
			place.GridID = *pr.GridID
		}
		out.Candidates = a.previewCandidates(ctx, SubjectProject, pr.ID, place)
	}
	t := projectTarget(pr.Project, Target{StreetID: out.Community.StreetID, CommunityID: pr.CommunityID})
	if out.Deliberation, err = a.projectDeliberationPage(ctx, pr, t); err != nil {
		return nil, err
	}
	if out.Delivery, err = a.projectDeliveryPage(ctx, pr); err != nil {
		return nil, err
	}
	return out, nil
}
