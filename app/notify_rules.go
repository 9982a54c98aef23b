package app

import (
	"context"
	"fmt"
)

// Recipients of each event in notifyRules: they load the subject the event names (inside the
// event's transaction, so a record written a moment ago is seen) and name who is told.

func needNotice(n *Need, to ...int64) notice {
	return notice{to: to, link: fmt.Sprintf("/needs/%d", n.ID), params: map[string]any{"title": n.Title, "tier": n.Tier}}
}

// gridWorkerIDs are the grid's own worker and its grid_worker members.
func (a *App) gridWorkerIDs(ctx context.Context, gridID int64) ([]int64, error) {
	g, err := a.store.FindGrid(ctx, gridID)
	if err != nil {
		return nil, err
	}
	ids, err := a.store.FindMemberIDs(ctx, MemberScope{Roles: []Role{RoleGridWorker}, GridID: gridID})
	if err != nil {
		return nil, err
	}
	if g.WorkerID != nil {
		ids = append(ids, *g.WorkerID)
	}
	return ids, nil
}

// needGridWorkers: a need filed in a grid goes to the grid's worker and grid workers.
func needGridWorkers(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	n, err := a.store.FindNeed(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	ids, err := a.gridWorkerIDs(ctx, n.GridID)
	return needNotice(n, ids...), err
}

// needAssignee: the user a need was assigned to.
func needAssignee(ctx context.Context, a *App, e *AuditEvent, d map[string]any) (notice, error) {
	n, err := a.store.FindNeed(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	if id := dataID(d, "assignee_id"); id != 0 {
		return needNotice(n, id), nil
	}
	return needNotice(n, deref(n.AssigneeID)), nil
}

// needAssigneeOrGrid: the assignee, or the grid's workers while nobody is assigned.
func needAssigneeOrGrid(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	n, err := a.store.FindNeed(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	if n.AssigneeID != nil {
		return needNotice(n, *n.AssigneeID), nil
	}
	ids, err := a.gridWorkerIDs(ctx, n.GridID)
	return needNotice(n, ids...), err
}

// needRequester: the resident who filed the need (asked to rate it once resolved).
func needRequester(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	n, err := a.store.FindNeed(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	return needNotice(n, deref(n.RequesterID)), nil
}

// needNextLevel: an escalated need goes to the level that now answers for it (the
// community's workers, or the street's officers and workers) and to the assignee.
func needNextLevel(ctx context.Context, a *App, e *AuditEvent, d map[string]any) (notice, error) {
	n, err := a.store.FindNeed(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	var scope MemberScope
	switch d["to"] {
	case LevelStreet:
		c, err := a.store.FindCommunity(ctx, n.CommunityID)
		if err != nil {
			return notice{}, err
		}
		scope = MemberScope{Roles: []Role{RoleCivilAffairs, RoleCommunityWorker}, StreetID: c.StreetID}
	default:
		scope = MemberScope{Roles: []Role{RoleCommunityWorker}, CommunityID: n.CommunityID}
	}
	ids, err := a.store.FindMemberIDs(ctx, scope)
	if err != nil {
		return notice{}, err
	}
	nt := needNotice(n, append(ids, deref(n.AssigneeID))...)
	nt.params["level"] = d["to"]
	return nt, nil
}

// taskInvitees: the volunteers invited to a shift (their ids are in the event).
func taskInvitees(ctx context.Context, a *App, e *AuditEvent, d map[string]any) (notice, error) {
	t, err := a.store.FindTask(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	var to []int64
	for _, vid := range dataIDs(d, "volunteer_ids") {
		v, err := a.store.FindVolunteer(ctx, vid)
		if err != nil {
			return notice{}, err
		}
		to = append(to, deref(v.UserID))
	}
	return notice{to: to, link: fmt.Sprintf("/tasks/%d", t.ID), params: map[string]any{"title": t.Title}}, nil
}

// hoursVolunteer: the volunteer whose reported hours were approved or rejected.
func hoursVolunteer(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	h, err := a.store.FindHours(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	v, err := a.store.FindVolunteer(ctx, h.VolunteerID)
	if err != nil {
		return notice{}, err
	}
	return notice{to: []int64{deref(v.UserID)}, link: fmt.Sprintf("/volunteers/%d/hours", v.ID),
		params: map[string]any{"minutes": h.Minutes, "note": h.DecisionNote}}, nil
}

func disbursementNotice(ctx context.Context, a *App, id int64) (*Disbursement, *Fund, notice, error) {
	d, err := a.store.FindDisbursement(ctx, id)
	if err != nil {
		return nil, nil, notice{}, err
	}
	f, err := a.store.FindFund(ctx, d.FundID)
	if err != nil {
		return nil, nil, notice{}, err
	}
	return d, f, notice{link: fmt.Sprintf("/disbursements/%d", d.ID), params: map[string]any{"amount": yuanText(d.Amount), "purpose": d.Purpose}}, nil
}

// disbursementDeciders: who may vote on a disbursement of the fund's community (its workers
// and committee members), told that it waits for their vote.
func disbursementDeciders(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	_, f, nt, err := disbursementNotice(ctx, a, e.SubjectID)
	if err != nil {
		return nt, err
	}
	nt.to, err = a.store.FindMemberIDs(ctx, MemberScope{Roles: []Role{RoleCommunityWorker, RoleCommittee}, CommunityID: f.CommunityID})
	return nt, err
}

// disbursementRequester: who asked for the money, told it was approved, rejected or paid.
func disbursementRequester(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	d, _, nt, err := disbursementNotice(ctx, a, e.SubjectID)
	if err != nil {
		return nt, err
	}
	nt.to = []int64{d.RequestedBy}
	return nt, nil
}

// contributionDonor: the donor of a confirmed gift, with the match it unlocked.
func contributionDonor(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	c, err := a.store.FindContribution(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	var matched int64
	m, err := a.store.FindMatchByContribution(ctx, c.ID)
	switch {
	case err == nil:
		matched = m.Amount
	case ErrorCode(err) != ENOTFOUND:
		return notice{}, err
	}
	return notice{to: []int64{deref(c.UserID)}, link: "/me/gifts",
		params: map[string]any{"amount": yuanText(c.Amount), "matched": yuanText(matched)}}, nil
}

// pledgeDonor: the donor of a pledge a worker received or rejected (with the reason).
func pledgeDonor(ctx context.Context, a *App, e *AuditEvent, d map[string]any) (notice, error) {
	pl, err := a.store.FindPledge(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	camp, err := a.store.FindCampaign(ctx, pl.CampaignID)
	if err != nil {
		return notice{}, err
	}
	reason, _ := d["reason"].(string)
	return notice{to: []int64{pl.UserID}, link: "/me/gifts",
		params: map[string]any{"amount": yuanText(pl.Amount), "campaign": camp.Title, "reason": reason}}, nil
}

// campaignPeople: the proposer and supporters of the campaign's project.
func campaignPeople(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	c, err := a.store.FindCampaign(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	nt, err := projectPeople(ctx, a, c.ProjectID, true)
	nt.link = fmt.Sprintf("/campaigns/%d", c.ID)
	return nt, err
}

// tenderWinners: the members of the organizations a tender was awarded to.
func tenderWinners(ctx context.Context, a *App, e *AuditEvent, d map[string]any) (notice, error) {
	t, err := a.store.FindTender(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	orgs := dataIDs(d, "winners")
	nt := notice{link: fmt.Sprintf("/tenders/%d", t.ID), params: map[string]any{"title": t.Title}}
	if len(orgs) == 0 {
		return nt, nil
	}
	nt.to, err = a.store.FindMemberIDs(ctx, MemberScope{Roles: []Role{RoleOrgMember}, OrganizationIDs: orgs})
	return nt, err
}

// projectPeople: a project's proposer, and its supporters when followers is set.
func projectPeople(ctx context.Context, a *App, projectID int64, followers bool) (notice, error) {
	p, err := a.store.FindProject(ctx, projectID)
	if err != nil {
		return notice{}, err
	}
	nt := notice{to: []int64{p.ProposerID}, link: fmt.Sprintf("/projects/%d", p.ID),
		params: map[string]any{"title": p.Title, "status": p.Status}}
	if followers {
		ids, err := a.store.FindProjectSupporterIDs(ctx, p.ID)
		if err != nil {
			return notice{}, err
		}
		nt.to = append(nt.to, ids...)
	}
	return nt, nil
}

// projectProposer: the resident who proposed the project.
func projectProposer(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	return projectPeople(ctx, a, e.SubjectID, false)
}

// projectFollowers: the proposer and everyone who supported the project.
func projectFollowers(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	return projectPeople(ctx, a, e.SubjectID, true)
}

// volunteerNotice tells a volunteer's account about their points, linking their page.
func volunteerNotice(ctx context.Context, a *App, volunteerID int64, params map[string]any) (notice, error) {
	v, err := a.store.FindVolunteer(ctx, volunteerID)
	if err != nil {
		return notice{}, err
	}
	return notice{to: []int64{deref(v.UserID)}, link: fmt.Sprintf("/volunteers/%d", v.ID), params: params}, nil
}

// pointsVolunteer: the volunteer whom a worker awarded points (issue 14's 爱心超市).
func pointsVolunteer(ctx context.Context, a *App, e *AuditEvent, d map[string]any) (notice, error) {
	return volunteerNotice(ctx, a, e.SubjectID, map[string]any{"points": dataID(d, "points"), "reason": d["reason"]})
}

// redemptionVolunteer: the volunteer whose reserved goods were handed over or whose
// reservation a worker cancelled (the points came back).
func redemptionVolunteer(ctx context.Context, a *App, e *AuditEvent, _ map[string]any) (notice, error) {
	r, err := a.store.FindRedemption(ctx, e.SubjectID)
	if err != nil {
		return notice{}, err
	}
	return volunteerNotice(ctx, a, r.VolunteerID, map[string]any{"points": r.Points, "quantity": r.Quantity})
}
