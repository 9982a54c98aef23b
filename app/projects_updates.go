package app

// Delivery plan, progress updates and the completion report (办事, 晒事).

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// MilestoneInput adds a step to a project's delivery plan. DueOn is a date ("2026-12-31",
// local) or a time (RFC 3339).
type MilestoneInput struct {
	Title string `json:"title" form:"title" validate:"required,max=100"`
	DueOn string `json:"due_on" form:"due_on" validate:"required,max=40"`
}

// parseDue reads a due date as local midnight, or a full RFC 3339 time.
func (a *App) parseDue(fe FieldErrors, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.ParseInLocation("2006-01-02", v, a.Location()); err == nil {
		return t.UTC()
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		fe.Add("due_on", "error.bad_time")
	}
	return t.UTC()
}

// ProjectUpdateInput posts a progress update: text, photos (links), the milestone it reaches
// and the share of the work done.
type ProjectUpdateInput struct {
	Text        string   `json:"text" form:"text" validate:"required,max=4000"`
	Photos      []string `json:"photos" form:"-" validate:"max=9"`
	MilestoneID *int64   `json:"milestone_id" form:"milestone_id"`
	PercentDone *int     `json:"percent_done" form:"percent_done" validate:"omitempty,gte=0,lte=100"`
}

// CompletionInput is the completion report with its evidence (links to photos, receipts,
// acceptance records).
type CompletionInput struct {
	Report   string   `json:"report" form:"report" validate:"required,max=8000"`
	Evidence []string `json:"evidence" form:"-" validate:"max=20"`
}

// checkLinks validates photo or evidence links: absolute http(s) URLs of reasonable length.
func checkLinks(fe FieldErrors, field string, links []string) []string {
	out := make([]string, 0, len(links))
	for _, l := range links {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l) > 500 {
			fe.Add(field, "projects.error.link")
			continue
		}
		out = append(out, l)
	}
	return out
}

// deliveryContext loads a project for a delivery action and authorizes the principal as its
// deliverer: a member of the delivering organization or a worker of its place.
func (a *App) deliveryContext(ctx context.Context, id int64) (*Principal, *Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil, Unauthorized()
	}
	pr, err := a.store.FindProject(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	t, err := a.communityTarget(ctx, pr.CommunityID)
	if err != nil {
		return nil, nil, err
	}
	if pr.Status == ProjectDraft && pr.ProposerID != p.User.ID && !Can(p, ActProjectEdit, projectTarget(pr, t)) {
		return nil, nil, NotFound("project")
	}
	if err := Authorize(p, ActProjectDeliver, deliverTarget(pr, t)); err != nil {
		return nil, nil, err
	}
	return p, pr, nil
}

// AddMilestone adds a milestone to an approved or in-progress project's delivery plan.
func (a *App) AddMilestone(ctx context.Context, id int64, in MilestoneInput) (*ProjectMilestone, error) {
	p, pr, err := a.deliveryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	in.Title = strings.TrimSpace(in.Title)
	a.validate.Into(fe, in)
	due := a.parseDue(fe, in.DueOn)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if !deliverable(pr.Status) {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "plan")
	}
	m := &ProjectMilestone{ProjectID: pr.ID, Title: in.Title, DueOn: due, CreatedBy: p.User.ID, CreatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateMilestone(ctx, m); err != nil {
			return err
		}
		return a.audit(ctx, "project.milestone_added", "project", pr.ID, pr.CommunityID, map[string]any{"milestone_id": m.ID, "due_on": m.DueOn})
	})
	return m, err
}

// PostProjectUpdate posts a progress update; the first update of an approved project starts it.
func (a *App) PostProjectUpdate(ctx context.Context, id int64, in ProjectUpdateInput) (*ProjectUpdate, error) {
	p, pr, err := a.deliveryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	in.Text = strings.TrimSpace(in.Text)
	a.validate.Into(fe, in)
	photos := checkLinks(fe, "photos", in.Photos)
	var ms []*ProjectMilestone
	var reached *ProjectMilestone
	if in.MilestoneID != nil {
		if ms, err = a.store.FindMilestones(ctx, pr.ID); err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.ID == *in.MilestoneID {
				reached = m
			}
		}
		if reached == nil {
			fe.Add("milestone_id", "error.unknown_ref")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if !deliverable(pr.Status) {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "update")
	}
	now := a.Now()
	u := &ProjectUpdate{ProjectID: pr.ID, AuthorID: p.User.ID, Kind: UpdateProgress, Text: in.Text, PhotosJSON: jsonOf(photos),
		MilestoneID: in.MilestoneID, PercentDone: in.PercentDone, CreatedAt: now, Photos: photos}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateProjectUpdate(ctx, u); err != nil {
			return err
		}
		if reached != nil && reached.ReachedAt == nil {
			reached.ReachedAt = &now
			if err := a.store.UpdateMilestone(ctx, reached); err != nil {
				return err
			}
		}
		if err := a.startProject(ctx, pr, "update"); err != nil {
			return err
		}
		if in.PercentDone != nil {
			d, err := a.delivery(ctx, pr.ID)
			if err != nil {
				return err
			}
			d.PercentDone, d.UpdatedAt = *in.PercentDone, now
			if err := a.store.SaveDelivery(ctx, d); err != nil {
				return err
			}
		}
		return a.audit(ctx, "project.update_posted", "project", pr.ID, pr.CommunityID,
			map[string]any{"update_id": u.ID, "milestone_id": in.MilestoneID, "percent_done": in.PercentDone})
	})
	return u, err
}

// CompleteProject records the completion report: the project becomes completed and residents
// may rate it until the rating window closes.
func (a *App) CompleteProject(ctx context.Context, id int64, in CompletionInput) (*Project, error) {
	p, pr, err := a.deliveryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	in.Report = strings.TrimSpace(in.Report)
	a.validate.Into(fe, in)
	evidence := checkLinks(fe, "evidence", in.Evidence)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if !deliverable(pr.Status) {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "complete")
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		now := a.Now()
		ok, err := a.store.SetProjectStatus(ctx, pr.ID, []string{ProjectApproved, ProjectInProgress}, ProjectCompleted, now)
		if err != nil {
			return fmt.Errorf("complete project %d: %w", pr.ID, err)
		}
		if !ok {
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "complete")
		}
		pr.Status, pr.UpdatedAt = ProjectCompleted, now
		d, err := a.delivery(ctx, pr.ID)
		if err != nil {
			return err
		}
		if d.StartedAt == nil {
			d.StartedAt = &now
		}
		ends := now.Add(DefaultRatingWindow)
		d.PercentDone, d.CompletedAt, d.CompletedBy, d.CompletionReport = 100, &now, &p.User.ID, in.Report
		d.CompletionEvidence, d.RatingEndsAt, d.UpdatedAt = jsonOf(evidence), &ends, now
		if err := a.store.SaveDelivery(ctx, d); err != nil {
			return err
		}
		u := &ProjectUpdate{ProjectID: pr.ID, AuthorID: p.User.ID, Kind: UpdateCompletion, Text: in.Report, PhotosJSON: jsonOf(evidence),
			PercentDone: ptr(100), CreatedAt: now}
		if err := a.store.CreateProjectUpdate(ctx, u); err != nil {
			return err
		}
		return a.audit(ctx, "project.completed", "project", pr.ID, pr.CommunityID, map[string]any{"rating_ends_at": ends, "evidence": len(evidence)})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// ProjectUpdates lists a project's timeline, newest first (public once past the draft).
func (a *App) ProjectUpdates(ctx context.Context, id int64) ([]*ProjectUpdate, error) {
	if _, err := a.Project(ctx, id); err != nil {
		return nil, err
	}
	return a.projectUpdates(ctx, id)
}

func (a *App) projectUpdates(ctx context.Context, id int64) ([]*ProjectUpdate, error) {
	us, err := a.store.FindProjectUpdates(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("project %d updates: %w", id, err)
	}
	ids := make([]int64, 0, len(us))
	for _, u := range us {
		ids = append(ids, u.AuthorID)
	}
	names, err := a.store.UserNames(ctx, dedupe(ids))
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		u.Photos = jsonList(u.PhotosJSON)
		u.Author = MaskName(names[u.AuthorID])
	}
	return us, nil
}

// ProjectMilestones lists a project's delivery plan by due date (public once past the draft).
func (a *App) ProjectMilestones(ctx context.Context, id int64) ([]*ProjectMilestone, error) {
	if _, err := a.Project(ctx, id); err != nil {
		return nil, err
	}
	return a.store.FindMilestones(ctx, id)
}
