package app

import (
	"context"
	"fmt"
)

// TargetForTest derives a stored record's authorization target with the resolver its use
// cases use, so tests can check Authorize over real records.
func (a *App) TargetForTest(ctx context.Context, rec any) (Target, error) {
	pl := a.places()
	switch r := rec.(type) {
	case *Community:
		return pl.communityTarget(ctx, r.ID)
	case *Grid:
		t, _, _, err := a.gridTarget(ctx, r.ID)
		return t, err
	case *Organization:
		return pl.orgTarget(ctx, r)
	case *SocialWorker:
		return pl.socialWorkerTarget(ctx, r)
	case *Need:
		return pl.needTarget(ctx, r)
	case *Project:
		t, err := pl.communityTarget(ctx, r.CommunityID)
		return projectTarget(r, t), err
	case *Volunteer:
		t, err := pl.communityTarget(ctx, r.CommunityID)
		return volunteerTarget(r, t), err
	case *Donor:
		return pl.donorTarget(ctx, r)
	case *Tender:
		return tenderTarget(r), nil
	case *Task:
		return a.taskTarget(ctx, r)
	case *Fund:
		return a.fundTarget(ctx, r)
	case *FundPool:
		_, _, t, err := a.poolTarget(ctx, r.ID)
		return t, err
	case *Campaign:
		t, _, err := a.campaignTarget(ctx, r)
		return t, err
	case *Disbursement:
		t, _, err := a.disbursementTarget(ctx, r)
		return t, err
	}
	return Target{}, fmt.Errorf("no target resolver for %T", rec)
}

// RankCandidatesForTest is RankCandidates over the filtered candidates or, with full, over
// every candidate of the city as ranking loaded them before it filtered; loaded counts the
// volunteers, organizations and donors it read.
func (a *App) RankCandidatesForTest(ctx context.Context, subject string, id int64, kinds []string, limit int, full bool) (*CandidateRanking, [3]int, error) {
	return a.rankCandidates(ctx, subject, id, kinds, limit, full)
}
