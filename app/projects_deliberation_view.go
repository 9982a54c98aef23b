package app

import (
	"context"
	"time"
)

// ProjectActions says what steps 1–3 offer one viewer on one project.
type ProjectActions struct {
	Step        int    // index in ProjectSteps of the step the project is at
	CanSupport  bool   // a resident of the community, not the proposer, while deliberation is open
	Supported   bool   // the viewer supports it (single project only)
	CanWithdraw bool   // the viewer supports it and deliberation is still open (single project only)
	CanComment  bool   // while deliberating or voting
	CanModerate bool   // hide comments
	CanVote     bool   // a resident of the community while the vote is open
	MyVote      string // the viewer's choice (single project only)
	CanOpenVote bool   // a decider, once the threshold is reached
	CanBallot   bool   // a worker entering or confirming paper ballots
	CanResolve  bool   // a decider recording a meeting resolution
	CanClose    bool   // a decider closing the vote
	// CanSettings: may change the community's project settings (the page a decider's link
	// leads to answers 403 to deciders who may not, such as committee members).
	CanSettings bool
}

func projectActions(p *Principal, t Target, pr *Project, now time.Time) ProjectActions {
	decider := Can(p, ActProjectDecide, t) && pr.ProposerID != p.UserID()
	voteOpen := pr.Status == ProjectVoting && pr.VoteEndsAt != nil && now.Before(*pr.VoteEndsAt)
	talk := pr.Status == ProjectDeliberating || pr.Status == ProjectVoting
	return ProjectActions{
		Step:        ProjectStep(pr.Status),
		CanSettings: Can(p, ActCommunityUpdate, t),
		CanSupport:  deliberationOpen(pr, now) && Can(p, ActProjectSupport, t) && pr.ProposerID != p.UserID(),
		CanComment:  talk && Can(p, ActProjectComment, t),
		CanModerate: talk && Can(p, ActProjectModerate, t),
		CanVote:     voteOpen && Can(p, ActProjectVote, t),
		CanOpenVote: decider && pr.Status == ProjectDeliberating && pr.SupportsCount >= pr.SupportThreshold,
		CanBallot:   voteOpen && Can(p, ActProjectBallot, t),
		CanResolve:  decider && pr.Status == ProjectDeliberating,
		CanClose:    decider && pr.Status == ProjectVoting,
	}
}

// fillDeliberation completes views in one query per kind, not per row: a draft's support
// threshold is its community's current one; with viewer set, whether the viewer supports the
// project and how they voted (one project's page).
func (a *App) fillDeliberation(ctx context.Context, vs []*ProjectView, viewer bool) error {
	var cids []int64
	for _, v := range vs {
		if v.Status == ProjectDraft {
			cids = append(cids, v.CommunityID)
		}
	}
	if len(cids) > 0 {
		st, err := a.projectSettingsOf(ctx, uniqueIDs(cids))
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.Status == ProjectDraft {
				v.SupportThreshold = st[v.CommunityID].SupportThreshold
			}
		}
	}
	p := PrincipalFrom(ctx)
	if !viewer || !p.Authenticated() {
		return nil
	}
	for _, v := range vs {
		if v.Status == ProjectDraft {
			continue
		}
		ok, err := a.store.HasProjectSupport(ctx, v.ID, p.User.ID)
		if err != nil {
			return err
		}
		v.Supported = ok
		v.CanWithdraw = ok && deliberationOpen(v.Project, a.Now())
		v.CanSupport = v.CanSupport && !ok
		if v.VoteOpenedAt != nil {
			vote, err := a.store.FindProjectVote(ctx, v.ID, p.User.ID)
			if err != nil && !IsCode(err, ENOTFOUND) {
				return err
			}
			if vote != nil {
				v.MyVote = vote.Choice
				v.CanVote = false
			}
		}
	}
	return nil
}
