package app

import "context"

// StepView is one step of the stepper on a project's page.
type StepView struct {
	Name  string // one of ProjectSteps
	State string // done, current or todo
}

// BallotView is a pending paper ballot as the confirming worker sees it.
type BallotView struct {
	*PaperBallot
	Voter      string
	CanConfirm bool // entered by someone else
}

// ProjectDeliberationPage is what steps 1–3 add to a project's page.
type ProjectDeliberationPage struct {
	Steps     []StepView
	Comments  []*CommentView
	Revisions []*ProjectRevision
	// Meetings lists the 议事会 meetings with the project on their agenda; a decider picks one
	// of the held ones to record its resolution.
	Meetings []*ProjectMeeting
	Held     []*ProjectMeeting
	Vote     *ProjectVoteTally
	// For workers entering and confirming paper ballots.
	Ballots   []*BallotView
	Residents []*User
	// Choices of the decision form.
	Deliveries, Fundings []string
	Organizations        []*Organization
}

// stepper marks the steps before the project's as done and its own as current.
func stepper(status string) []StepView {
	cur := ProjectStep(status)
	out := make([]StepView, len(ProjectSteps))
	for i, s := range ProjectSteps {
		st := "todo"
		switch {
		case i < cur:
			st = "done"
		case i == cur:
			st = "current"
		}
		out[i] = StepView{Name: s, State: st}
	}
	return out
}

// projectDeliberationPage loads what steps 1–3 show on a project's page: a fixed number of
// queries, whatever the number of comments, revisions or ballots.
func (a *App) projectDeliberationPage(ctx context.Context, pv *ProjectView, t Target) (*ProjectDeliberationPage, error) {
	now := a.Now()
	out := &ProjectDeliberationPage{Steps: stepper(pv.Status), Vote: pv.Tally(now), Deliveries: ProjectDeliveries, Fundings: ProjectFundings}
	if pv.Status == ProjectDraft {
		return out, nil
	}
	var err error
	if out.Comments, err = a.commentThread(ctx, pv.Project, t); err != nil {
		return nil, err
	}
	if out.Revisions, err = a.store.FindProjectRevisions(ctx, pv.ID); err != nil {
		return nil, err
	}
	if out.Meetings, err = a.store.FindProjectMeetings(ctx, pv.ID); err != nil {
		return nil, err
	}
	for _, m := range out.Meetings {
		if !now.Before(m.StartsAt) {
			out.Held = append(out.Held, m)
		}
	}
	if pv.CanResolve || pv.CanClose {
		if out.Organizations, _, err = a.store.FindOrganizations(ctx, OrganizationFilter{CommunityID: &pv.CommunityID, Page: Page{Page: 1, PerPage: 100}}); err != nil {
			return nil, err
		}
	}
	if pv.CanBallot {
		bs, err := a.store.FindPaperBallots(ctx, pv.ID, BallotPending)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, 0, len(bs))
		for _, b := range bs {
			ids = append(ids, b.VoterID)
		}
		names, err := a.userNames(ctx, ids)
		if err != nil {
			return nil, err
		}
		me := PrincipalFrom(ctx).UserID()
		for _, b := range bs {
			out.Ballots = append(out.Ballots, &BallotView{PaperBallot: b, Voter: names[b.VoterID], CanConfirm: b.EnteredBy != me})
		}
		if out.Residents, err = a.store.FindCommunityResidents(ctx, pv.CommunityID, 500); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PaperBallots lists a project's pending paper ballots, for the workers who confirm them.
func (a *App) PaperBallots(ctx context.Context, id int64) ([]*PaperBallot, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	pr, err := a.store.FindProject(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := a.communityTarget(ctx, pr.CommunityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActProjectBallot, projectTarget(pr, t)); err != nil {
		return nil, err
	}
	return a.store.FindPaperBallots(ctx, id, BallotPending)
}
