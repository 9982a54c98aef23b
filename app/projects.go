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
	// On-behalf proposing: a worker proposes for a resident who consented (as for needs).
	OnBehalfName  string `json:"on_behalf_name" form:"on_behalf_name" validate:"max=50"`
	OnBehalfPhone string `json:"on_behalf_phone" form:"on_behalf_phone" validate:"omitempty,mobile"`
	ConsentMethod string `json:"consent_method" form:"consent_method" validate:"omitempty,oneof=verbal written phone"`
	// Photos come with the propose and edit forms (the API adds them one by one at /photos);
	// they are saved in the same transaction as the project, or not at all.
	Photos []EvidenceInput `json:"-" form:"-"`
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
	onBehalf := a.checkOnBehalf(fe, in)
	photos := checkPhotos(fe, 0, in.Photos)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActProjectCreate, t); err != nil {
		return nil, err
	}
	pr := &Project{ProposerID: p.User.ID, Status: ProjectDraft}
	applyProject(pr, in)
	if onBehalf {
		if err := a.applyOnBehalf(p, t, pr, in); err != nil {
			return nil, err
		}
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateProject(ctx, pr); err != nil {
			return err
		}
		if err := a.audit(ctx, "project.created", "project", pr.ID, pr.CommunityID, map[string]any{"on_behalf": onBehalf, "consent_method": pr.ConsentMethod}); err != nil {
			return err
		}
		return a.savePhotos(ctx, pr, p.User.ID, photos)
	})
	return pr, err
}

// UpdateProject edits a draft, or revises a project under deliberation (its proposer or
// community workers); a revision keeps the earlier version in the project's history.
func (a *App) UpdateProject(ctx context.Context, id int64, in ProjectInput) (*Project, error) {
	p := PrincipalFrom(ctx)
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if pr, err = a.store.FindProjectForUpdate(ctx, id); err != nil {
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
		if pr.Status != ProjectDraft && !deliberationOpen(pr, a.Now()) {
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "edit")
		}
		fe, _, err := a.checkProject(ctx, &in)
		if err != nil {
			return err
		}
		if in.CommunityID != pr.CommunityID {
			fe.Add("community_id", "error.immutable")
		}
		var photos []*ProjectPhoto
		if len(in.Photos) > 0 {
			have, err := a.store.CountProjectPhotos(ctx, pr.ID)
			if err != nil {
				return err
			}
			photos = checkPhotos(fe, have, in.Photos)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		before := *pr
		applyProject(pr, in)
		pr.UpdatedAt = a.Now()
		action := "project.updated"
		if pr.Status != ProjectDraft {
			if err := a.recordRevision(ctx, before, p.User.ID); err != nil {
				return err
			}
			pr.Revision++
			action = "project.revised"
		}
		if err := a.store.UpdateProject(ctx, pr); err != nil {
			return err
		}
		if err := a.audit(ctx, action, "project", pr.ID, pr.CommunityID, map[string]any{"revision": pr.Revision}); err != nil {
			return err
		}
		return a.savePhotos(ctx, pr, p.User.ID, photos)
	})
	return pr, err
}

// SubmitProject sends a draft to the community for deliberation.
func (a *App) SubmitProject(ctx context.Context, id int64) (*Project, error) {
	p := PrincipalFrom(ctx)
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if pr, err = a.store.FindProjectForUpdate(ctx, id); err != nil {
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
		if err := a.startDeliberation(ctx, pr, a.Now()); err != nil {
			return err
		}
		if err := a.store.UpdateProject(ctx, pr); err != nil {
			return err
		}
		return a.audit(ctx, "project.submitted", "project", pr.ID, pr.CommunityID, map[string]any{
			"deliberation_ends_at": pr.DeliberationEndsAt, "support_threshold": pr.SupportThreshold})
	})
	return pr, err
}

// ProjectView is a project as a principal may see it.
type ProjectView struct {
	*Project
	CanEdit   bool
	CanSubmit bool
	CanDecide bool
	// Photos are the proposal's images without their bytes; CanAddPhoto says the viewer may
	// add one (CanEdit says they may remove them).
	Photos      []*ProjectPhoto
	CanAddPhoto bool
	// Delivery is steps 4–6: links, rating and accountability (app/projects_delivery.go).
	Delivery *ProjectDeliveryView
	// ProjectActions says what steps 1–3 offer the viewer (app/projects_deliberation_view.go).
	ProjectActions
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
	now := a.Now()
	if lapseDue(pr, now) {
		pr.Status = ProjectLapsed // lazily, until the sweep (LapseProjects) writes it
	}
	v := &ProjectView{
		Project:   pr,
		CanEdit:   Can(p, ActProjectEdit, t) && (pr.Status == ProjectDraft || deliberationOpen(pr, now)),
		CanSubmit: Can(p, ActProjectEdit, t) && pr.Status == ProjectDraft,
		CanDecide: manager && !owner && (pr.Status == ProjectDeliberating || pr.Status == ProjectVoting),
	}
	v.ProjectActions = projectActions(p, t, pr, now)
	return v, nil
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
	// Delivery first: it may settle a closed rating window, which the step shown follows.
	if err := a.attachDelivery(ctx, []*ProjectView{v}); err != nil {
		return nil, err
	}
	if err := a.fillDeliberation(ctx, []*ProjectView{v}, true); err != nil {
		return nil, err
	}
	if err := a.attachPhotos(ctx, []*ProjectView{v}); err != nil {
		return nil, err
	}
	return v, nil
}

// Projects lists projects. Unless the filter asks for the principal's own, drafts are left out.
func (a *App) Projects(ctx context.Context, f ProjectFilter) ([]*ProjectView, int, error) {
	p := PrincipalFrom(ctx)
	f.Page = f.Page.Normalize()
	own := f.ProposerID != nil && *f.ProposerID == p.UserID() && p.Authenticated()
	if !own {
		public := projectPublicStatuses()
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
	if err := a.fillDeliberation(ctx, out, false); err != nil {
		return nil, 0, err
	}
	if err := a.attachPhotos(ctx, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
