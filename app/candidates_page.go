package app

import (
	"context"
)

// CandidatePreview is the summary of ranked candidates that a need, project or task page shows
// to those who may see rankings (ActMatchView): links to the full list and the best three of
// each kind.
type CandidatePreview struct {
	Subject string // SubjectNeed, SubjectProject or SubjectTask
	ID      int64
	// Top is nil when ranking failed: the page still links to the full list, which reports
	// the error.
	Top *CandidateRanking
}

// previewCandidates ranks the best three of each kind for the record a page shows, or
// returns nil when the principal may not see rankings for its place.
func (a *App) previewCandidates(ctx context.Context, subject string, id int64, place Target) *CandidatePreview {
	if !Can(PrincipalFrom(ctx), ActMatchView, place) {
		return nil
	}
	out := &CandidatePreview{Subject: subject, ID: id}
	r, err := a.RankCandidates(ctx, subject, id, nil, 3)
	if err != nil {
		// The summary is a convenience on the record's page; the page must not fail with it.
		a.log.WarnContext(ctx, "rank top candidates", "subject", subject, "id", id, "err", err)
		return out
	}
	out.Top = r
	return out
}

// CandidatesPage is a ranking with, for a task, the shifts volunteers may still be invited to.
type CandidatesPage struct {
	Ranking *CandidateRanking
	// Task and OpenShifts are set for tasks: shifts not yet started with places left.
	Task       *TaskView
	OpenShifts []*ShiftView
}

// Candidates ranks volunteers, organizations and donors for a need, project or task, and for
// a task lists the shifts that can take an invitation.
func (a *App) Candidates(ctx context.Context, subject string, id int64, kinds []string, limit int) (*CandidatesPage, error) {
	r, err := a.RankCandidates(ctx, subject, id, kinds, limit)
	if err != nil {
		return nil, err
	}
	out := &CandidatesPage{Ranking: r}
	if subject != SubjectTask {
		return out, nil
	}
	if out.Task, err = a.TaskDetail(ctx, id); err != nil {
		return nil, err
	}
	now := a.Now()
	for _, sh := range out.Task.Shifts {
		if sh.StartsAt.After(now) && sh.Taken < sh.Capacity {
			out.OpenShifts = append(out.OpenShifts, sh)
		}
	}
	return out, nil
}
