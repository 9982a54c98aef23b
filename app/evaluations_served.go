package app

// Residents rate organizations and volunteers only when served by them (issue 11): through a
// task, a need or a project the resident was part of and the subject served on.

import (
	"context"
	"fmt"
	"slices"
)

var servedSignups = []string{SignupSignedUp, SignupAttended}

// ServedRef is one task, need or project through which a subject served the author.
type ServedRef struct {
	Kind  string // task | need | project
	ID    int64
	Title string
}

// servedOn checks that the subject (kind, id) served the author through the reference the
// input names and returns the evaluation's community. Errors: 422 naming the field when no
// reference is given or the subject had no part in it, 403 when the author had none.
func (a *App) servedOn(ctx context.Context, p *Principal, in EvaluationInput, subjectUser int64) (int64, error) {
	refs := 0
	for _, set := range []bool{in.TaskID != nil, in.NeedID != nil, in.ProjectID != nil} {
		if set {
			refs++
		}
	}
	if refs != 1 {
		return 0, FieldErrors{"task_id": Msg("evaluation.error.served_required")}.Err()
	}
	signedUp := func(taskIDs []int64) (bool, error) {
		if in.SubjectKind != "volunteer" || len(taskIDs) == 0 {
			return false, nil
		}
		for _, tid := range taskIDs {
			ss, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &tid, VolunteerID: &in.SubjectID, Statuses: servedSignups})
			if err != nil {
				return false, err
			}
			if len(ss) > 0 {
				return true, nil
			}
		}
		return false, nil
	}
	switch {
	case in.TaskID != nil:
		t, err := a.store.FindTask(ctx, *in.TaskID)
		if IsCode(err, ENOTFOUND) {
			return 0, FieldErrors{"task_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return 0, err
		}
		served, err := signedUp([]int64{t.ID})
		if err != nil {
			return 0, err
		}
		if !served && in.SubjectKind == "organization" && t.ProjectID != nil {
			pr, err := a.store.FindProject(ctx, *t.ProjectID)
			if err != nil {
				return 0, err
			}
			served = pr.OrganizationID != nil && *pr.OrganizationID == in.SubjectID
		}
		if !served {
			return 0, FieldErrors{"task_id": Msg("error.unknown_ref")}.Err()
		}
		// The author took part: the task answered their need, or it served their community.
		if t.NeedID != nil {
			n, err := a.store.FindNeed(ctx, *t.NeedID)
			if err != nil {
				return 0, err
			}
			if n.RequesterID == nil || *n.RequesterID != p.UserID() {
				return 0, Forbidden()
			}
		}
		return t.CommunityID, nil
	case in.NeedID != nil:
		n, err := a.store.FindNeed(ctx, *in.NeedID)
		if IsCode(err, ENOTFOUND) {
			return 0, FieldErrors{"need_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return 0, err
		}
		if n.RequesterID == nil || *n.RequesterID != p.UserID() {
			return 0, Forbidden() // only the resident who filed the need was served by it
		}
		served := false
		if n.AssigneeID != nil {
			if in.SubjectKind == "volunteer" {
				served = subjectUser != 0 && *n.AssigneeID == subjectUser
			} else {
				ms, _, err := a.store.FindMemberships(ctx, MembershipFilter{UserID: n.AssigneeID})
				if err != nil {
					return 0, err
				}
				served = slices.ContainsFunc(ms, func(m *Membership) bool {
					return m.Role == RoleOrgMember && m.OrganizationID != nil && *m.OrganizationID == in.SubjectID
				})
			}
		}
		if !served {
			ts, _, err := a.store.FindTasks(ctx, TaskFilter{NeedID: &n.ID})
			if err != nil {
				return 0, err
			}
			if served, err = signedUp(taskIDs(ts)); err != nil {
				return 0, err
			}
		}
		if !served {
			return 0, FieldErrors{"need_id": Msg("error.unknown_ref")}.Err()
		}
		return n.CommunityID, nil
	default:
		pr, err := a.store.FindProject(ctx, *in.ProjectID)
		if IsCode(err, ENOTFOUND) {
			return 0, FieldErrors{"project_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return 0, err
		}
		if !slices.Contains(ProjectDeliveryStatuses, pr.Status) {
			return 0, FieldErrors{"project_id": Msg("projects.error.not_delivered")}.Err()
		}
		served := in.SubjectKind == "organization" && pr.OrganizationID != nil && *pr.OrganizationID == in.SubjectID
		if !served {
			ts, _, err := a.store.FindTasks(ctx, TaskFilter{ProjectID: &pr.ID})
			if err != nil {
				return 0, err
			}
			if served, err = signedUp(taskIDs(ts)); err != nil {
				return 0, err
			}
		}
		if !served {
			return 0, FieldErrors{"project_id": Msg("error.unknown_ref")}.Err()
		}
		// The project served its community: its residents (and its proposer) took part.
		if pr.ProposerID != p.UserID() {
			t, err := a.residentTarget(ctx, p, pr.CommunityID)
			if err != nil {
				return 0, err
			}
			if err := Authorize(p, ActProjectRate, t); err != nil {
				return 0, err
			}
		}
		return pr.CommunityID, nil
	}
}

func taskIDs(ts []*Task) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// ServedRefs lists what the principal may name as having been served by a subject: their own
// needs the subject answered and the delivered projects of their community the organization
// delivered, for the evaluation form's picker.
func (a *App) ServedRefs(ctx context.Context, kind string, subjectID int64) ([]ServedRef, error) {
	p := PrincipalFrom(ctx)
	out := []ServedRef{}
	if !p.Authenticated() {
		return out, nil
	}
	needs, _, err := a.store.FindNeeds(ctx, NeedFilter{RequesterID: &p.User.ID, Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, fmt.Errorf("served needs: %w", err)
	}
	for _, n := range needs {
		id := n.ID
		if _, err := a.servedOn(ctx, p, EvaluationInput{SubjectKind: kind, SubjectID: subjectID, NeedID: &id}, a.subjectUser(ctx, kind, subjectID)); err == nil {
			out = append(out, ServedRef{Kind: "need", ID: n.ID, Title: n.Title})
		}
	}
	if kind == "volunteer" {
		ss, err := a.store.FindSignups(ctx, SignupFilter{VolunteerID: &subjectID, Statuses: servedSignups})
		if err != nil {
			return nil, fmt.Errorf("served tasks: %w", err)
		}
		var ids []int64
		for _, su := range ss {
			ids = append(ids, su.TaskID)
		}
		if ids = dedupe(ids); len(ids) > 0 {
			ts, _, err := a.store.FindTasks(ctx, TaskFilter{IDs: ids, Page: Page{Page: 1, PerPage: MaxPerPage}})
			if err != nil {
				return nil, err
			}
			for _, t := range ts {
				id := t.ID
				in := EvaluationInput{SubjectKind: kind, SubjectID: subjectID, TaskID: &id}
				cid, err := a.servedOn(ctx, p, in, 0)
				if err != nil {
					continue
				}
				if tg, err := a.communityTarget(ctx, cid); err == nil && Can(p, ActEvaluate, tg) {
					out = append(out, ServedRef{Kind: "task", ID: t.ID, Title: t.Title})
				}
			}
		}
	}
	if kind == "organization" {
		prs, _, err := a.store.FindProjects(ctx, ProjectFilter{Statuses: ProjectDeliveryStatuses, Page: Page{Page: 1, PerPage: MaxPerPage}})
		if err != nil {
			return nil, fmt.Errorf("served projects: %w", err)
		}
		for _, pr := range prs {
			if pr.OrganizationID == nil || *pr.OrganizationID != subjectID {
				continue
			}
			id := pr.ID
			if _, err := a.servedOn(ctx, p, EvaluationInput{SubjectKind: kind, SubjectID: subjectID, ProjectID: &id}, 0); err == nil {
				out = append(out, ServedRef{Kind: "project", ID: pr.ID, Title: pr.Title})
			}
		}
	}
	return out, nil
}

// subjectUser is the user behind a volunteer profile (0 for organizations or unknown ids).
func (a *App) subjectUser(ctx context.Context, kind string, id int64) int64 {
	if kind != "volunteer" {
		return 0
	}
	v, err := a.store.FindVolunteer(ctx, id)
	if err != nil || v.UserID == nil {
		return 0
	}
	return *v.UserID
}
