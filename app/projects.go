package app

import (
	"context"
	"slices"
)

// ProjectInput proposes or edits a micro-project. Budget is in minor units (fen).
type ProjectInput struct {
	CommunityID    int64  `json:"community_id" form:"community_id" validate:"required"`
	GridID         *int64 `json:"grid_id" form:"grid_id"`
	OrganizationID *int64 `json:"organization_id" form:"organization_id"`
	Title          string `json:"title" form:"title" validate:"required,max=100"`
	Description    string `json:"description" form:"description" validate:"required,max=8000"`
	Category       string `json:"category" form:"category" validate:"required,max=64"`
	Budget         int64  `json:"budget" form:"-" validate:"gte=0,lte=100000000000"`
	Currency       string `json:"currency" form:"-" validate:"omitempty,oneof=CNY"`
	Beneficiaries  int    `json:"beneficiaries" form:"beneficiaries" validate:"gte=0,lte=10000000"`
}

// ProjectDecision approves or rejects a submitted project.
type ProjectDecision struct {
	Approve bool   `json:"approve" form:"approve"`
	Note    string `json:"note" form:"note" validate:"max=2000"`
}

func (a *App) checkProject(ctx context.Context, in *ProjectInput) (FieldErrors, Target, error) {
	fe := FieldErrors{}
	if in.Currency == "" {
		in.Currency = "CNY"
	}
	a.validate.Into(fe, in)
	t, err := a.places().resolve(ctx, fe, placeRefs{Community: optionalID(in.CommunityID), Grid: in.GridID, Organization: in.OrganizationID})
	if err != nil {
		return nil, Target{}, err
	}
	if in.Category != "" {
		if ok, err := a.categoryExists(ctx, in.Category); err != nil {
			return nil, t, err
		} else if !ok {
			fe.Add("category", "error.unknown_ref")
		}
	}
	return fe, t, nil
}

func applyProject(p *Project, in ProjectInput) {
	p.CommunityID, p.GridID, p.OrganizationID = in.CommunityID, in.GridID, in.OrganizationID
	p.Title, p.Description, p.Category = in.Title, in.Description, in.Category
	p.Budget, p.Currency, p.Beneficiaries = in.Budget, in.Currency, in.Beneficiaries
}

func projectTarget(p *Project, t Target) Target {
	if p.GridID != nil {
		t.GridID = *p.GridID
	}
	t.OwnerID = p.ProposerID
	return t
}

// CreateProject saves a resident's micro-project proposal as a draft.
func (a *App) CreateProject(ctx context.Context, in ProjectInput) (*Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe, t, err := a.checkProject(ctx, &in)
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActProjectCreate, t); err != nil {
		return nil, err
	}
	pr := &Project{ProposerID: p.User.ID, Status: ProjectDraft}
	applyProject(pr, in)
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateProject(ctx, pr); err != nil {
			return err
		}
		return a.audit(ctx, "project.created", "project", pr.ID, pr.CommunityID, nil)
	})
	return pr, err
}

// UpdateProject edits a draft (its proposer) or any undecided project (community workers).
func (a *App) UpdateProject(ctx context.Context, id int64, in ProjectInput) (*Project, error) {
	p := PrincipalFrom(ctx)
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if pr, err = a.store.FindProject(ctx, id); err != nil {
			return err
		}
		t, err := a.communityTarget(ctx, pr.CommunityID)
		if err != nil {
			return err
		}
		t = projectTarget(pr, t)
		if err := Authorize(p, ActProjectEdit, t); err != nil {
			return err
		}
		manager := Can(p, ActProjectDecide, t)
		if pr.Status != ProjectDraft && !(manager && pr.Status == ProjectSubmitted) {
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "edit")
		}
		fe, _, err := a.checkProject(ctx, &in)
		if err != nil {
			return err
		}
		if in.CommunityID != pr.CommunityID {
			fe.Add("community_id", "error.immutable")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		applyProject(pr, in)
		pr.UpdatedAt = a.Now()
		if err := a.store.UpdateProject(ctx, pr); err != nil {
			return err
		}
		return a.audit(ctx, "project.updated", "project", pr.ID, pr.CommunityID, nil)
	})
	return pr, err
}

// SubmitProject sends a draft to the community for deliberation.
func (a *App) SubmitProject(ctx context.Context, id int64) (*Project, error) {
	p := PrincipalFrom(ctx)
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if pr, err = a.store.FindProject(ctx, id); err != nil {
			return err
		}
		t, err := a.communityTarget(ctx, pr.CommunityID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectEdit, projectTarget(pr, t)); err != nil {
			return err
		}
		if pr.Status != ProjectDraft {
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "submit")
		}
		now := a.Now()
		pr.Status, pr.SubmittedAt, pr.UpdatedAt = ProjectSubmitted, &now, now
		if err := a.store.UpdateProject(ctx, pr); err != nil {
			return err
		}
		return a.audit(ctx, "project.submitted", "project", pr.ID, pr.CommunityID, nil)
	})
	return pr, err
}

// DecideProject approves or rejects a submitted project; a rejection must say why.
// Proposers cannot decide their own projects.
func (a *App) DecideProject(ctx context.Context, id int64, d ProjectDecision) (*Project, error) {
	p := PrincipalFrom(ctx)
	fe := FieldErrors{}
	a.validate.Into(fe, d)
	if !d.Approve && d.Note == "" {
		fe.Add("note", "error.reason_required")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if pr, err = a.store.FindProject(ctx, id); err != nil {
			return err
		}
		t, err := a.communityTarget(ctx, pr.CommunityID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectDecide, projectTarget(pr, t)); err != nil {
			return err
		}
		if pr.ProposerID == p.User.ID {
			return Errorf(EFORBIDDEN, "error.own_request")
		}
		if pr.Status != ProjectSubmitted {
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "decide")
		}
		now := a.Now()
		pr.Status = ProjectRejected
		if d.Approve {
			pr.Status = ProjectApproved
		}
		pr.DecisionNote, pr.DecidedBy, pr.DecidedAt, pr.UpdatedAt = d.Note, ptr(p.User.ID), &now, now
		if err := a.store.UpdateProject(ctx, pr); err != nil {
			return err
		}
		return a.audit(ctx, "project."+pr.Status, "project", pr.ID, pr.CommunityID, map[string]any{"note": d.Note})
	})
	return pr, err
}

// ProjectView is a project as a principal may see it.
type ProjectView struct {
	*Project
	CanEdit   bool
	CanSubmit bool
	CanDecide bool
	// Delivery is steps 4–6: links, rating and accountability (app/projects_delivery.go).
	Delivery *ProjectDeliveryView
}

func (a *App) viewProject(ctx context.Context, pl *places, pr *Project) (*ProjectView, error) {
	t, err := pl.communityTarget(ctx, pr.CommunityID)
	if err != nil {
		return nil, err
	}
	t = projectTarget(pr, t)
	p := PrincipalFrom(ctx)
	owner := pr.ProposerID == p.UserID()
	manager := Can(p, ActProjectDecide, t)
	if pr.Status == ProjectDraft && !owner && !Can(p, ActProjectEdit, t) {
		return nil, NotFound("project") // drafts are private until submitted
	}
	return &ProjectView{
		Project:   pr,
		CanEdit:   Can(p, ActProjectEdit, t) && (pr.Status == ProjectDraft || (manager && pr.Status == ProjectSubmitted)),
		CanSubmit: Can(p, ActProjectEdit, t) && pr.Status == ProjectDraft,
		CanDecide: manager && !owner && pr.Status == ProjectSubmitted,
	}, nil
}

// Project returns one project; drafts are visible only to their proposer and workers.
func (a *App) Project(ctx context.Context, id int64) (*ProjectView, error) {
	pr, err := a.store.FindProject(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := a.viewProject(ctx, a.places(), pr)
	if err != nil {
		return nil, err
	}
	return v, a.attachDelivery(ctx, []*ProjectView{v})
}

// Projects lists projects. Unless the filter asks for the principal's own, drafts are left out.
func (a *App) Projects(ctx context.Context, f ProjectFilter) ([]*ProjectView, int, error) {
	p := PrincipalFrom(ctx)
	f.Page = f.Page.Normalize()
	own := f.ProposerID != nil && *f.ProposerID == p.UserID() && p.Authenticated()
	if !own {
		public := append([]string{ProjectSubmitted, ProjectApproved, ProjectRejected}, ProjectDeliveryStatuses...)
		if len(f.Statuses) == 0 {
			f.Statuses = public
		} else {
			f.Statuses = slices.DeleteFunc(slices.Clone(f.Statuses), func(s string) bool { return !slices.Contains(public, s) })
			if len(f.Statuses) == 0 {
				return []*ProjectView{}, 0, nil
			}
		}
	}
	prs, total, err := a.store.FindProjects(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	pl := a.places()
	cids := make([]int64, len(prs))
	for i, pr := range prs {
		cids[i] = pr.CommunityID
	}
	if err := pl.preloadCommunities(ctx, cids); err != nil {
		return nil, 0, err
	}
	out := make([]*ProjectView, 0, len(prs))
	for _, pr := range prs {
		v, err := a.viewProject(ctx, pl, pr)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	if err := a.attachDelivery(ctx, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
